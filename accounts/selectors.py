"""Reads for accounts."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuthToken, FreelancerProfile, Notification, Suspension, User
from marketplace.errors import NotFound


def username_taken(*, username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


def email_taken(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def token_get_by_digest(*, digest: str) -> AuthToken | None:
    return AuthToken.objects.select_related("user").filter(digest=digest).first()


def token_is_expired(*, token: AuthToken) -> bool:
    return token.expires_at <= timezone.now()


DEFAULT_MAX_ACTIVE_CONTRACTS = 3


def user_is_suspended(*, user_id: int) -> bool:
    """True while the user has a suspension that started, has not ended and was not lifted."""
    now = timezone.now()
    return (
        Suspension.objects.filter(user_id=user_id, lifted_at__isnull=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .exists()
    )


def freelancer_capacity(*, user_id: int) -> int:
    """How many active contracts the freelancer takes on at once (3 until they set it)."""
    capacity = (
        FreelancerProfile.objects.filter(user_id=user_id)
        .values_list("max_active_contracts", flat=True)
        .first()
    )
    return capacity or DEFAULT_MAX_ACTIVE_CONTRACTS


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get(*, user: User, notification_id: int) -> Notification:
    """The user's own notice; anyone else's is NotFound."""
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is None:
        raise NotFound(_("Notification not found."))
    return notification
