"""Writes for accounts: registration, API tokens, the user's own settings."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.masking import ensure_no_contact_details
from accounts.models import AuthToken, ClientProfile, FreelancerProfile, User
from marketplace.errors import DomainError


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def token_issue(*, user: User) -> tuple[AuthToken, str]:
    """Create an API token for ``user``; returns the row and the raw token (shown only once)."""
    raw = secrets.token_urlsafe(32)
    token = AuthToken.objects.create(
        user=user,
        digest=token_digest(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + timedelta(days=settings.AUTH_TOKEN_TTL_DAYS),
    )
    return token, raw


def token_revoke(*, token: AuthToken) -> None:
    AuthToken.objects.filter(pk=token.pk).delete()


def _taken_fields(*, username: str, email: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if selectors.username_taken(username=username):
        fields["username"] = [_("This username is taken. Choose another one.")]
    if selectors.email_taken(email=email):
        fields["email"] = [_("An account with this e-mail already exists. Log in instead.")]
    return fields


def user_register(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    preferred_language: str = User.Language.INDONESIAN,
) -> tuple[User, AuthToken, str]:
    """Create an account and its first API token (returned with the raw token).

    Raises ``DomainError`` (400) with per-field messages for a taken username or e-mail (in any
    letter case) or a password Django's validators refuse. Two sign-ups racing for the same name
    both pass the check; the database's case-insensitive unique constraints let one through and
    the other gets the same 400.
    """
    email = email.strip()
    # Names are shown to everyone: contact details in one are refused, not masked.
    ensure_no_contact_details(username=username, display_name=display_name)
    fields = _taken_fields(username=username, email=email)
    candidate = User(username=username, email=email, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        fields["password"] = list(exc.messages)
    if fields:
        raise DomainError(_("The account could not be created."), fields=fields)

    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                email=email,
                password=password,
                display_name=display_name,
                preferred_language=preferred_language,
            )
            FreelancerProfile.objects.create(user=user)
            ClientProfile.objects.create(user=user)
            token, raw = token_issue(user=user)
    except IntegrityError:
        fields = _taken_fields(username=username, email=email) or {
            "username": [_("This username is taken. Choose another one.")]
        }
        raise DomainError(_("The account could not be created."), fields=fields) from None
    return user, token, raw


def token_obtain(
    *, request: HttpRequest | None, username: str, password: str
) -> tuple[AuthToken, str]:
    """Log in with a username or e-mail and a password; returns a new API token.

    Raises ``DomainError`` (400, ``invalid_credentials``) without saying which part was wrong.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise DomainError(_("Wrong username, e-mail or password."), code="invalid_credentials")
    return token_issue(user=user)


def user_update(
    *, user: User, display_name: str | None = None, preferred_language: str | None = None
) -> User:
    """Change the user's own settings; only the fields given are written.

    A display name holding contact details is refused (400): it is shown beside everything the
    user writes, to everyone."""
    ensure_no_contact_details(display_name=display_name)
    changed: list[str] = []
    if display_name is not None and display_name != user.display_name:
        user.display_name = display_name
        changed.append("display_name")
    if preferred_language is not None and preferred_language != user.preferred_language:
        user.preferred_language = preferred_language
        changed.append("preferred_language")
    if changed:
        user.save(update_fields=changed)
    return user
