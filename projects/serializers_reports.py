"""Serializers for reports (flags) people raise on content."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from marketplace.api.strict import StrictSerializer
from projects.models import Report


class ReportCreateSerializer(StrictSerializer):
    target_type = serializers.ChoiceField(choices=Report.TargetType.choices)
    target_id = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The id of the gig, bid, portfolio item, review or message.",
    )
    username = serializers.CharField(
        max_length=30, required=False, help_text="Whose profile, when target_type is profile."
    )
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict) -> dict:
        if attrs["target_type"] == Report.TargetType.PROFILE:
            if not attrs.get("username"):
                raise serializers.ValidationError(
                    {"username": [_("Name the user whose profile you report.")]}
                )
        elif attrs.get("target_id") is None:
            raise serializers.ValidationError({"target_id": [_("Give the id of what you report.")]})
        return attrs


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target_type = serializers.CharField()
    target_id = serializers.IntegerField()
    reason = serializers.CharField()
    note = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField(help_text="Empty while the report is open.")
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
