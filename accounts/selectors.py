"""Reads for accounts."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import AuthToken, User


def username_taken(*, username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


def email_taken(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def token_get_by_digest(*, digest: str) -> AuthToken | None:
    return AuthToken.objects.select_related("user").filter(digest=digest).first()


def token_is_expired(*, token: AuthToken) -> bool:
    return token.expires_at <= timezone.now()
