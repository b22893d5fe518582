"""The API of reports: anyone signed in flags what they can see; they follow the outcome."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from accounts.selectors import user_get_active
from marketplace.api.pagination import PageQuerySerializer, page_of, paginate
from marketplace.api.strict import StrictSerializer
from projects.models import Report
from projects.selectors.reports import report_list_mine
from projects.services import reports
from projects.throttles import ReportRateThrottle


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


# --- views ----------------------------------------------------------------------------------------


@extend_schema(tags=["reports"])
class ReportsApi(APIView):
    def get_throttles(self) -> list:
        return [ReportRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(ReportSerializer))
    def get(self, request: SignedInRequest) -> Response:
        """The reports you made, newest first, with their outcome once resolved."""
        mine = report_list_mine(reporter=request.user)
        return paginate(self, request, mine, ReportSerializer, ("-created_at", "-id"))

    @extend_schema(
        request=ReportCreateSerializer, responses={201: ReportSerializer, 200: ReportSerializer}
    )
    def post(self, request: SignedInRequest) -> Response:
        """Report a gig, bid, profile, portfolio item, review or message you can see. Reporting
        the same thing again while your report is open returns that report (200)."""
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target_id = data.get("target_id")
        if data["target_type"] == Report.TargetType.PROFILE:
            target_id = user_get_active(username=data["username"]).pk
        report, created = reports.report_create(
            reporter=request.user,
            target_type=data["target_type"],
            target_id=target_id,
            reason=data["reason"],
            note=data["note"],
        )
        return Response(
            ReportSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
