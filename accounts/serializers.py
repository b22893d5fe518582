"""API shapes for accounts. Rules live in services; these only check types and lengths."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import USERNAME_PATTERN, User
from marketplace.api import StrictModelSerializer, StrictSerializer


class UserSerializer(StrictModelSerializer):
    """The logged-in user's own account."""

    class Meta:
        model = User
        fields = ["id", "username", "email", "display_name", "preferred_language", "date_joined"]
        read_only_fields = ["id", "username", "email", "date_joined"]


class RegisterSerializer(StrictSerializer):
    username = serializers.RegexField(
        USERNAME_PATTERN,
        max_length=30,
        min_length=3,
        error_messages={
            "invalid": _(
                "Use 3–30 letters, digits, dots or underscores, starting and ending with a "
                "letter or digit."
            )
        },
    )
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, min_length=1, max_length=128)
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(
        choices=User.Language.choices, required=False, default=User.Language.INDONESIAN
    )


class LoginSerializer(StrictSerializer):
    username = serializers.CharField(
        max_length=254, help_text="Your username or your e-mail address."
    )
    password = serializers.CharField(write_only=True, max_length=128)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    expires_at = serializers.DateTimeField()
    user = UserSerializer()


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
