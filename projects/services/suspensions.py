"""Suspending a user, and lifting it.

While suspended a user cannot post, bid, message or withdraw (the services check
``accounts.selectors.user_is_suspended``). Suspending also hides their open gigs and their live
or pending services and withdraws their live bids. Money is not frozen without a fraud finding:
work already funded and approved is still released to them, and they may withdraw it once the
suspension ends. Their active contracts stay as they are, on the moderators' list to settle
(``projects.selectors.moderation.contracts_with_suspended_party``).
Lifting a suspension — or its end date passing — shows the hidden gigs and services again;
withdrawn bids stay withdrawn (the freelancer may bid again).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import text_of
from accounts.models import ModeratorAction, Suspension, User
from accounts.selectors import user_is_suspended
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from marketplace.locking import LockWaitTimeout, bounded_lock_wait
from marketplace.transactions import atomic_with_retry
from projects import notices
from projects.access import ensure_staff_permission
from projects.models import Bid, Gig, Service

Action = ModeratorAction.Action
# Gigs a suspension hides: those people can still find and bid on.
HIDDEN_WHILE_SUSPENDED = (Gig.Status.OPEN, Gig.Status.PENDING_REVIEW)
# Services a suspension hides: those in (or on their way to) the catalogue.
SERVICES_HIDDEN_WHILE_SUSPENDED = (Service.Status.LIVE, Service.Status.PENDING_REVIEW)

logger = logging.getLogger(__name__)


@records_refused_attempts
@atomic_with_retry
def suspension_create(
    *, moderator: User, user_id: int, reason: str, ends_at: datetime | None = None
) -> Suspension:
    """Suspend a user until ``ends_at`` (or until lifted), with a reason they are told. Never
    oneself, nor someone one has an active contract with (``StaffIsParty``, recorded)."""
    ensure_staff_permission(moderator, "accounts.suspend_user")
    if not reason.strip():
        raise DomainError(_("Say why: the user is told."), fields={"reason": [_("Required.")]})
    now = timezone.now()
    if ends_at is not None and ends_at <= now:
        raise DomainError(
            _("The end must be in the future, or empty for “until lifted”."),
            fields={"ends_at": [_("In the past.")]},
        )
    # The user's row lock serialises suspending with everything that checks a suspension
    # under the same lock (accepting a bid locks the freelancer's row too).
    user = User.objects.select_for_update(of=("self",), no_key=True).filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("User not found."))
    ensure_staff_not_party(staff=moderator, action=Action.SUSPEND_USER, obj=user)
    if user.is_superuser:
        raise PermissionDenied(_("This account cannot be suspended by you."))
    if user_is_suspended(user_id=user.pk):
        raise Conflict(
            _("This user is already suspended. Lift that suspension to change it."),
            code="already_suspended",
        )
    suspension = Suspension.objects.create(
        user=user, reason=reason.strip(), starts_at=now, ends_at=ends_at, created_by=moderator
    )
    hidden = _hide_open_gigs(user, now)
    services_hidden = _hide_services(user, now)
    withdrawn = _withdraw_live_bids(user)
    audit_record(
        moderator=moderator,
        action=Action.SUSPEND_USER,
        target=user,
        reason=suspension.reason,
        suspension=suspension.pk,
        ends_at=ends_at.isoformat() if ends_at else None,
        gigs_hidden=hidden,
        services_hidden=services_hidden,
        bids_withdrawn=withdrawn,
    )
    notices.notify(
        user,
        notices.ACCOUNT_SUSPENDED if ends_at is None else notices.ACCOUNT_SUSPENDED_UNTIL,
        subject=suspension,
        reason=suspension.reason,
        until=ends_at or "",
    )
    return suspension


def _hide_open_gigs(user: User, now: datetime) -> list[int]:
    gigs = list(
        Gig.objects.select_for_update(of=("self",), no_key=True)
        .filter(client=user, status__in=HIDDEN_WHILE_SUSPENDED, hidden_at__isnull=True)
        .values_list("pk", flat=True)
    )
    Gig.objects.filter(pk__in=gigs).update(
        hidden_at=now, hidden_reason=Gig.HiddenReason.SUSPENDED, updated_at=now
    )
    return gigs


def _hide_services(user: User, now: datetime) -> list[int]:
    services = list(
        Service.objects.select_for_update(of=("self",), no_key=True)
        .filter(freelancer=user, status__in=SERVICES_HIDDEN_WHILE_SUSPENDED, hidden_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Service.objects.filter(pk__in=services).update(
        hidden_at=now, hidden_reason=Service.HiddenReason.SUSPENDED, updated_at=now
    )
    return services


def _withdraw_live_bids(user: User) -> list[int]:
    """Withdraw the bids a client could still accept, and tell each client why their bid list
    shrank (the same notice as the freelancer's own withdrawal)."""
    live = Bid.objects.filter(freelancer=user, status__in=Bid.OPEN)
    # The bids' gigs first (their bid counts change): gigs come before bids, as when a client
    # accepts one of these bids at the same moment (marketplace.transactions).
    list(
        Gig.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=live.values("gig_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    bids = list(
        Bid.objects.select_for_update(of=("self",), no_key=True)
        .filter(freelancer=user, status__in=Bid.OPEN)
        .select_related("gig__client")
        .order_by("pk")
    )
    for bid in bids:
        bid.status = Bid.Status.WITHDRAWN
        bid.save(update_fields=["status", "updated_at"])
        Gig.objects.filter(pk=bid.gig_id).update(bid_count=F("bid_count") - 1)
        notices.notify(
            bid.gig.client,
            notices.BID_WITHDRAWN,
            subject=bid,
            link_args={"gig_id": bid.gig_id},
            gig=text_of(bid.gig, "title"),
            freelancer=user.public_name,
        )
    return [bid.pk for bid in bids]


@records_refused_attempts
@atomic_with_retry
def suspension_lift(*, moderator: User, suspension_id: int, reason: str) -> Suspension:
    """End a suspension now; what it hid is shown again. Lifting it twice changes nothing.
    Never one's own suspension, nor that of someone one has an active contract with."""
    ensure_staff_permission(moderator, "accounts.suspend_user")
    if not reason.strip():
        raise DomainError(_("Say why."), fields={"reason": [_("Required.")]})
    suspension = (
        Suspension.objects.select_for_update(of=("self",), no_key=True)
        .select_related("user")
        .filter(pk=suspension_id)
        .first()
    )
    if suspension is None:
        raise NotFound(_("Suspension not found."))
    ensure_staff_not_party(staff=moderator, action=Action.LIFT_SUSPENSION, obj=suspension)
    if suspension.lifted_at is not None:
        return suspension
    now = timezone.now()
    suspension.lifted_at, suspension.lifted_by = now, moderator
    suspension.lift_reason = reason.strip()
    suspension.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    restored, services_restored = _restore(suspension, now)
    audit_record(
        moderator=moderator,
        action=Action.LIFT_SUSPENSION,
        target=suspension.user,
        reason=suspension.lift_reason,
        suspension=suspension.pk,
        gigs_restored=restored,
        services_restored=services_restored,
    )
    notices.notify(suspension.user, notices.SUSPENSION_LIFTED, subject=suspension)
    return suspension


def _restore(suspension: Suspension, now: datetime) -> tuple[list[int], list[int]]:
    """Show the user's gigs and services again unless another suspension still holds."""
    restored: list[int] = []
    services: list[int] = []
    if not user_is_suspended(user_id=suspension.user_id):
        restored = list(
            Gig.objects.select_for_update(of=("self",), no_key=True)
            .filter(client_id=suspension.user_id, hidden_reason=Gig.HiddenReason.SUSPENDED)
            .values_list("pk", flat=True)
        )
        Gig.objects.filter(pk__in=restored).update(hidden_at=None, hidden_reason="", updated_at=now)
        services = list(
            Service.objects.select_for_update(of=("self",), no_key=True)
            .filter(freelancer_id=suspension.user_id, hidden_reason=Service.HiddenReason.SUSPENDED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Service.objects.filter(pk__in=services).update(
            hidden_at=None, hidden_reason="", updated_at=now
        )
    suspension.restored_at = now
    suspension.save(update_fields=["restored_at"])
    return restored, services


def suspensions_restore_ended(*, batch: int = 200) -> int:
    """The sweep: suspensions whose end date passed show the user's gigs again and tell them.
    One short transaction per suspension; a second run finds nothing left to do."""
    now = timezone.now()
    ids = list(
        Suspension.objects.filter(
            restored_at__isnull=True, ends_at__isnull=False, ends_at__lte=now
        ).values_list("pk", flat=True)[:batch]
    )
    done = 0
    for suspension_id in ids:
        # The user's gigs may be locked by someone else's transaction: wait briefly, at most
        # (marketplace/locking.py); the next run comes back.
        try:
            with bounded_lock_wait(settings.TIMER_LOCK_TIMEOUT_SECONDS):
                suspension = (
                    Suspension.objects.select_for_update(
                        skip_locked=True, of=("self",), no_key=True
                    )
                    .select_related("user")
                    .filter(pk=suspension_id, restored_at__isnull=True)
                    .first()
                )
                if suspension is None:
                    continue
                _restore(suspension, now)
                if suspension.lifted_at is None:
                    notices.notify(suspension.user, notices.SUSPENSION_ENDED, subject=suspension)
                done += 1
        except LockWaitTimeout:
            logger.warning("ended suspension %s: a lock it needs is held elsewhere", suspension_id)
    return done
