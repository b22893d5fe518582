"""Writes for accounts: registration, API tokens, the user's own settings."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import lockout, selectors
from accounts.masking import ensure_no_contact_details
from accounts.models import AuthToken, ClientProfile, FreelancerProfile, User
from accounts.roles import SignupRole, profiles_for
from accounts.services.account_emails import SIGNUP_ATTEMPT, account_email_request
from marketplace import ratelimit
from marketplace.errors import DomainError, RateLimited


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def token_issue(*, user: User) -> tuple[AuthToken, str]:
    """Create an API token for ``user``; returns the row and the raw token (shown only once).

    A user holds at most ``AUTH_TOKENS_PER_USER`` live tokens: logging in again past it revokes
    the oldest, and expired ones are removed, so repeated logins cannot pile up rows.
    """
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = AuthToken.objects.create(
            user=user,
            digest=token_digest(raw),
            prefix=raw[:8],
            auth_hash=user.get_session_auth_hash(),
            expires_at=now + timedelta(days=settings.AUTH_TOKEN_TTL_DAYS),
        )
        mine = AuthToken.objects.filter(user=user)
        surplus = mine.order_by("-created_at", "-pk").values_list("pk", flat=True)[
            settings.AUTH_TOKENS_PER_USER :
        ]
        mine.filter(Q(pk__in=list(surplus)) | Q(expires_at__lte=now)).delete()
    return token, raw


def token_revoke(*, token: AuthToken) -> None:
    AuthToken.objects.filter(pk=token.pk).delete()


def user_logout_everywhere(*, user: User, keep: HttpRequest | None = None) -> None:
    """Void every session and API token of ``user``: the epoch their hashes include moves on,
    and the token rows are deleted. ``keep``: a request whose session stays signed in (the one
    that changed the password)."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    AuthToken.objects.filter(user=user).delete()
    if keep is not None:
        update_session_auth_hash(keep, user)


def user_password_set(*, user: User, password: str, keep: HttpRequest | None = None) -> User:
    """Give ``user`` a new password (already validated) and sign out everywhere else: a
    password reset because of a stolen account must also end the thief's sessions and tokens.
    ``keep``: the request of a signed-in change, whose session stays."""
    user.set_password(password)
    user.save(update_fields=["password"])
    user_logout_everywhere(user=user, keep=keep)
    return user


def _taken_fields(*, username: str, email: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if selectors.username_taken(username=username):
        fields["username"] = [_("This username is taken. Choose another one.")]
    if selectors.email_taken(email=email):
        fields["email"] = [_("An account with this e-mail already exists. Log in instead.")]
    return fields


def password_problems(password: str, *, username: str, email: str, display_name: str) -> list[str]:
    """What Django's password validators say against ``password`` for this new account (too
    short, too common, too like the username…); empty when it passes. The sign-up form asks
    the same before the service, so every problem is shown at once."""
    candidate = User(username=username, email=email.strip(), display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        return list(exc.messages)
    return []


def user_register(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    preferred_language: str = User.Language.INDONESIAN,
    role: str = SignupRole.BOTH,
    client: str = "",
) -> tuple[User, AuthToken, str]:
    """Create an account, the profiles of its ``role`` (``accounts.roles.SignupRole``: a
    freelancer profile to work, a client profile to hire, both for both) and its first API
    token (returned with the raw token).

    Raises ``DomainError`` (400) with per-field messages for a taken username or e-mail (in any
    letter case) or a password Django's validators refuse. Two sign-ups racing for the same name
    both pass the check; the database's case-insensitive unique constraints let one through and
    the other gets the same 400.

    A taken e-mail address cannot be hidden here — sign-up answers with a token at once, which
    a made-up answer could not — so it is rate-limited hard instead: ``client`` (the requester's
    address, ``marketplace.ratelimit.client_address``) may meet ``SIGNUP_TAKEN_EMAIL_RATE`` taken
    addresses, then every sign-up from it is a 429 (``RateLimited``) — a list of addresses cannot
    be tested — and the address's owner is e-mailed that someone tried. A taken username is said
    plainly: usernames are public anyway (every profile's address shows one).
    """
    rate = settings.SIGNUP_TAKEN_EMAIL_RATE
    if client and (wait := ratelimit.peek("signup-taken-email", client, rate)):
        raise RateLimited(ratelimit.wait_message(wait), retry_after=wait)
    email = email.strip()
    # Names are shown to everyone: contact details in one are refused, not masked.
    ensure_no_contact_details(username=username, display_name=display_name)
    fields = _taken_fields(username=username, email=email)
    if "email" in fields:
        if client:
            ratelimit.count_hit("signup-taken-email", client, rate)
        owner = User.objects.filter(email__iexact=email, is_active=True).first()
        if owner is not None:
            account_email_request(user=owner, kind=SIGNUP_ATTEMPT)  # limited per address too
    if problems := password_problems(
        password, username=username, email=email, display_name=display_name
    ):
        fields["password"] = problems
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
            freelancer, client_profile = profiles_for(role)
            if freelancer:
                FreelancerProfile.objects.create(user=user)
            if client_profile:
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

    Raises ``DomainError`` (400, ``invalid_credentials``) without saying which part was wrong,
    or ``RateLimited`` (429) while the account's login delay runs (``accounts.lockout``).
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        wait = lockout.delay_of(request)
        if wait:
            raise RateLimited(login_delay_message(wait), retry_after=wait)
        raise DomainError(_("Wrong username, e-mail or password."), code="invalid_credentials")
    return token_issue(user=user)


def login_delay_message(wait: int) -> str:
    return _(
        "Too many wrong passwords for this account. Wait %(seconds)d seconds and try again."
    ) % {"seconds": wait}


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
