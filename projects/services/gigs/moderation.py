"""A moderator approves or rejects a gig waiting for review."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import text_of
from accounts.models import ModeratorAction, User
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.state import ensure_transition
from marketplace.transactions import atomic_with_retry
from projects import notices
from projects.access import is_moderator
from projects.models import Gig
from projects.services.gigs.guards import lock_gig
from projects.services.gigs.invitations import went_live

Action = ModeratorAction.Action


def _ensure_moderator(user: User) -> None:
    if not is_moderator(user):
        raise PermissionDenied(_("Only moderators can review gigs."))


@records_refused_attempts
@atomic_with_retry
def gig_approve(*, gig_id: int, moderator: User) -> Gig:
    """A moderator publishes a gig waiting for review (never their own: ``StaffIsParty``)."""
    _ensure_moderator(moderator)
    gig = lock_gig(gig_id)
    ensure_staff_not_party(staff=moderator, action=Action.APPROVE_GIG, obj=gig)
    if gig.status == Gig.Status.OPEN:
        return gig
    # The table lets a draft open (the client's own submit); a moderator approves only a gig
    # the client submitted for review, never a draft they are still writing.
    if gig.status != Gig.Status.PENDING_REVIEW:
        raise Conflict(_("Only a gig pending review can be approved."), code="invalid_state")
    if gig.bidding_deadline <= timezone.now():
        raise Conflict(
            _("The bidding deadline has passed. Reject the gig, or ask the client to move it."),
            code="bidding_closed",
        )
    ensure_transition(gig, Gig.Status.OPEN)
    gig.status = Gig.Status.OPEN
    gig.published_at = timezone.now()
    gig.rejection_reason = ""
    gig.save(update_fields=["status", "published_at", "rejection_reason", "updated_at"])
    audit_record(moderator=moderator, action=Action.APPROVE_GIG, target=gig)
    notices.notify(
        gig.client,
        notices.GIG_APPROVED,
        subject=gig,
        link_args={"gig_id": gig.pk},
        gig=text_of(gig, "title"),
    )
    went_live(gig)
    return gig


@records_refused_attempts
@atomic_with_retry
def gig_reject(*, gig_id: int, moderator: User, reason: str) -> Gig:
    """A moderator turns a gig down with a reason the client reads (never their own)."""
    _ensure_moderator(moderator)
    if not reason.strip():
        raise DomainError(_("Give the client a reason."), fields={"reason": [_("Required.")]})
    gig = lock_gig(gig_id)
    ensure_staff_not_party(staff=moderator, action=Action.REJECT_GIG, obj=gig)
    if gig.status == Gig.Status.REJECTED:
        return gig
    ensure_transition(gig, Gig.Status.REJECTED)
    gig.status = Gig.Status.REJECTED
    gig.rejection_reason = reason.strip()
    gig.save(update_fields=["status", "rejection_reason", "updated_at"])
    audit_record(
        moderator=moderator, action=Action.REJECT_GIG, target=gig, reason=gig.rejection_reason
    )
    notices.notify(
        gig.client,
        notices.GIG_REJECTED,
        subject=gig,
        link_args={"gig_id": gig.pk},
        gig=text_of(gig, "title"),
        reason=gig.rejection_reason,
    )
    return gig
