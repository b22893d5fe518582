"""Users, their API tokens, suspensions and in-app notices."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.masking import refuse_contact_details
from marketplace.formatting import local_date
from marketplace.text import validate_single_line

# Usernames appear in profile URLs (/freelancers/<username>/), so they keep to URL-safe ASCII.
USERNAME_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9_.]{1,28})[A-Za-z0-9]$"
username_validator = RegexValidator(
    USERNAME_PATTERN,
    _("Use 3–30 letters, digits, dots or underscores, starting and ending with a letter or digit."),
)


if TYPE_CHECKING:
    # Django's managers are generic only in django-stubs (no __class_getitem__ at run time).
    _UserManagerBase = DjangoUserManager["User"]
else:
    _UserManagerBase = DjangoUserManager


def photo_path(instance: User, filename: str) -> str:
    return f"photos/{filename}"


class UserManager(_UserManagerBase):
    def get_by_natural_key(self, username: str | None) -> User:
        # Usernames are unique regardless of case, so "Budi" logs in as "budi".
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person on Garap. Anyone may post gigs and bid; moderators are a permission group."""

    class Language(models.TextChoices):
        INDONESIAN = "id", _("Bahasa Indonesia")
        ENGLISH = "en", _("English")

    username = models.CharField(
        _("username"),
        max_length=30,
        unique=True,
        validators=[username_validator, refuse_contact_details],
        help_text=_("3–30 letters, digits, dots or underscores."),
        error_messages={"unique": _("This username is taken.")},
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    # Shown beside every gig, bid, contract and message: refuses contact details (masking).
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        validators=[validate_single_line, refuse_contact_details],
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=Language.choices,
        default=Language.INDONESIAN,
    )
    # Set when the user opened the link we e-mailed; shown as a badge on their profile.
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    # Notice kinds the user reads in the app only, without an e-mail.
    email_muted_kinds = models.JSONField(
        default=list, blank=True, verbose_name=_("email muted kinds")
    )
    # Notice kinds not pushed to the user's phones and browsers (accounts.models.phone_notices).
    push_muted_kinds = models.JSONField(
        default=list, blank=True, verbose_name=_("push muted kinds")
    )
    # Raised by "log out everywhere": it is part of the hash every session and API token is
    # bound to (``get_session_auth_hash``), so each one made before stops working at once.
    session_epoch = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("session epoch")
    )
    # The profile photo, re-encoded by ``accounts.services.photos`` (no EXIF, a square of
    # ``PHOTO_SIDE`` pixels) under a random name; served by ``GET photos/{name}`` to anyone
    # while the account is active. Indexed: that view finds the user by the name.
    photo = models.FileField(
        _("profile photo"), upload_to=photo_path, max_length=100, blank=True, db_index=True
    )

    objects: ClassVar[UserManager] = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        # Django's ``__iexact`` compiles to ``UPPER(col) = UPPER(%s)`` on PostgreSQL, which the
        # lower() indexes behind the constraints above cannot serve: without these, the profile
        # page, ``clients/<u>/``, log-in and the sign-up checks read the whole user table.
        # The constraints stay on lower(): they decide what counts as the same name.
        indexes = [
            models.Index(Upper("username"), name="user_username_upper"),
            models.Index(Upper("email"), name="user_email_upper"),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @property
    def initials(self) -> str:
        """One or two letters of the public name, for the avatar of someone without a photo:
        "Siti Rahayu" → "SR", "budi_99" → "B"."""
        words = [w for w in self.public_name.replace("_", " ").replace(".", " ").split() if w]
        letters = [w[0] for w in words if w[0].isalnum()][:2]
        return "".join(letters).upper() or "?"

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django binds each session to an HMAC of the password hash, so a new password logs
        # every other session out; API tokens are bound to the same value (AuthToken.auth_hash).
        # The epoch joins it so "log out everywhere" works without a new password. At epoch 0
        # the value is Django's own, so sessions made before the epoch existed stay valid.
        return session_auth_hash(self.password, self.session_epoch, secret=secret)


def session_auth_hash(password: str, epoch: int, *, secret: str | None = None) -> str:
    """What sessions and API tokens are bound to: an HMAC of the password hash and the
    log-out-everywhere epoch (Django's own session hash while the epoch is 0)."""
    value = password if not epoch else f"{password}\x00{epoch}"
    return salted_hmac(
        "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
        value,
        secret=secret,
        algorithm="sha256",
    ).hexdigest()


class AuthToken(models.Model):
    """An API token. Only its SHA-256 digest is stored: a leaked database leaks no live token.

    It works only while ``auth_hash`` equals its user's session hash: a password change (by any
    path: the reset link, the settings page, the admin, ``manage.py changepassword``) or "log
    out everywhere" voids every token at once, as it does every session.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="auth_tokens", verbose_name=_("user")
    )
    digest = models.CharField(max_length=64, unique=True, verbose_name=_("digest"))
    auth_hash = models.CharField(
        max_length=64, default="", editable=False, verbose_name=_("auth hash")
    )
    # The first characters of the token, to tell a user's tokens apart in the admin.
    prefix = models.CharField(max_length=8, verbose_name=_("prefix"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(db_index=True, verbose_name=_("expires at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


def suspension_in_force(now: datetime) -> models.Q:
    """The condition on a suspension's row for "in force at ``now``": started, not ended and not
    lifted by a moderator. A ``Q`` so the admin can also annotate it (``When``)."""
    return models.Q(lifted_at__isnull=True, starts_at__lte=now) & (
        models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now)
    )


class SuspensionQuerySet(models.QuerySet["Suspension"]):
    def in_force(self, now: datetime) -> SuspensionQuerySet:
        """Suspensions in force at ``now`` (``suspension_in_force``)."""
        return self.filter(suspension_in_force(now))


class Suspension(models.Model):
    """A moderator's suspension: while in force (``Suspension.objects.in_force``), the user cannot
    post, bid, message or withdraw."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="suspensions", verbose_name=_("user")
    )
    reason = models.TextField(verbose_name=_("reason"))
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Empty: until lifted."), verbose_name=_("ends at")
    )
    lifted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("lifted at"))
    created_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    lifted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("lifted by"),
    )
    lift_reason = models.TextField(blank=True, verbose_name=_("lift reason"))
    # Set once what the suspension hid (the user's open gigs) is shown again: on lifting, or by
    # the sweep after ``ends_at``. Until then the sweep looks for it.
    restored_at = models.DateTimeField(null=True, blank=True, verbose_name=_("restored at"))

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        indexes = [
            models.Index(fields=["user", "lifted_at"]),
            models.Index(
                fields=["ends_at"],
                name="suspension_to_restore",
                condition=models.Q(restored_at__isnull=True, ends_at__isnull=False),
            ),
        ]
        permissions = [("suspend_user", gettext_noop("Can suspend users and lift suspensions"))]

    def __str__(self) -> str:
        return gettext("%(user)s suspended from %(date)s") % {
            "user": self.user,
            "date": local_date(self.starts_at),
        }


class Notification(models.Model):
    """An in-app notice, written in the recipient's language when the event happens.

    ``key`` names the event occurrence (kind, object, recipient, …): a unique key makes sending
    the same notice twice — a retried task, a sweep run twice — a no-op.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("to send")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("not e-mailed (muted or no address)")
        FAILED = "failed", _("failed")

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(max_length=50, verbose_name=_("kind"))
    key = models.CharField(max_length=200, unique=True, verbose_name=_("key"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    body = models.TextField(blank=True, verbose_name=_("body"))
    # Where the notice leads, as an API path (e.g. /api/v1/gigs/42/); pages map it to a page.
    link = models.CharField(max_length=200, blank=True, verbose_name=_("link"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )
    # The outbox: the row is written with its event, and the e-mail goes out after commit by a
    # task that retries — or by the sweep, if the task's message was lost.
    email_status = models.CharField(
        max_length=10,
        choices=EmailStatus.choices,
        default=EmailStatus.PENDING,
        verbose_name=_("email status"),
    )
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("emailed at"))
    email_attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("email attempts"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["created_at"],
                name="notification_email_outbox",
                condition=models.Q(email_status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"
