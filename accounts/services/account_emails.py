"""E-mails about the account itself: the password-reset link, the address-verification link, and
"someone tried to sign up with your address".

They leave the request through Celery, as notices' e-mails do: the request only counts and
queues (``account_email_request``), and a worker builds and sends the message
(``account_email_deliver``, retried on transient SMTP errors) — a slow or failing mail server
never holds up or breaks the page. The links are made when the e-mail is built, so no reset
token is ever stored.

Each kind is limited per e-mail address and per account (``ACCOUNT_EMAIL_RATE``, e.g. 3 an
hour), so nobody can flood an inbox through our forms. What the requester is told is the
caller's choice: the reset form answers "sent" either way (no oracle), the signed-in user
asking for their own verification link gets a 429.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.ratelimit import count_hit
from marketplace.text import header_safe

PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of e-mail, not a password
EMAIL_VERIFICATION = "email_verification"
SIGNUP_ATTEMPT = "signup_attempt"
KINDS = (PASSWORD_RESET, EMAIL_VERIFICATION, SIGNUP_ATTEMPT)

EMAIL_VERIFICATION_SALT = "garap.accounts.email-verification"
EMAIL_VERIFICATION_MAX_AGE = 7 * 24 * 3600  # seconds: a week to click the link


def email_verification_token(*, user: User) -> str:
    return signing.dumps(
        {"user": user.pk, "email": user.email.lower()}, salt=EMAIL_VERIFICATION_SALT
    )


def account_email_request(*, user: User, kind: str) -> int:
    """Queue one e-mail of ``kind`` to ``user`` after the current transaction commits.

    Returns 0 when queued, else the seconds until the limit for this address or account lets
    another one go (nothing is queued then)."""
    if kind not in KINDS:
        raise ValueError(kind)
    rate = settings.ACCOUNT_EMAIL_RATE
    waits = [
        count_hit(f"account-email-address:{kind}", user.email.strip().lower(), rate),
        count_hit(f"account-email-user:{kind}", user.pk, rate),
    ]
    if any(waits):
        return max(waits)
    from accounts.tasks import send_account_email  # tasks import the services
    from marketplace.tasks import enqueue_on_commit

    enqueue_on_commit(send_account_email, kind, user.pk)
    return 0


def _site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def _build(kind: str, user: User) -> tuple[str, str]:
    if kind == PASSWORD_RESET:
        context = {
            "user": user,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
            "site_url": _site_url(),
        }
        subject = render_to_string("registration/password_reset_subject.txt", context)
        return subject, render_to_string("registration/password_reset_email.txt", context)
    if kind == EMAIL_VERIFICATION:
        token = email_verification_token(user=user)
        return _("Confirm your e-mail address for Garap"), _(
            "Hello %(name)s,\n\nOpen this link to confirm your e-mail address:\n"
            "%(url)s\n\nThe link works for 7 days. If you did not sign up for Garap, "
            "ignore this e-mail."
        ) % {"name": user.public_name, "url": f"{_site_url()}/verify-email/?token={token}"}
    return _("Someone tried to sign up for Garap with your address"), _(
        "Hello %(name)s,\n\nSomeone just tried to create a Garap account with this e-mail "
        "address, which already belongs to your account (username %(username)s). No new "
        "account was made.\n\nIf it was you, log in instead: %(login)s\nForgot your password? "
        "Choose a new one: %(reset)s\n\nIf it was not you, you need not do anything."
    ) % {
        "name": user.public_name,
        "username": user.username,
        "login": _site_url() + reverse("login"),
        "reset": _site_url() + reverse("password_reset"),
    }


def account_email_deliver(*, kind: str, user_id: int) -> bool:
    """Build and send one account e-mail (run by the worker); False if there is nothing to send
    (the user is gone or inactive, or the address was verified meanwhile)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    if kind == EMAIL_VERIFICATION and user.email_verified_at is not None:
        return False
    if kind == PASSWORD_RESET and not user.has_usable_password():
        return False
    with translation.override(user.preferred_language):
        subject, body = _build(kind, user)
    EmailMessage(subject=header_safe(subject), body=body, to=[user.email]).send()
    return True
