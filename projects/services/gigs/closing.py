"""A client cancels a gig (its open bids closed, bidders told) or deletes a draft."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import text_of
from accounts.models import User
from accounts.notices import NoticeKind
from marketplace.errors import Conflict
from marketplace.state import ensure_transition
from marketplace.transactions import atomic_with_retry
from projects import notices
from projects.models import Bid, Gig
from projects.services.gigs.guards import delete_stored, ensure_not_suspended, lock_own_gig


def close_open_bids(gig: Gig, *, kind: NoticeKind) -> None:
    """Reject every bid the client could still act on, and tell each bidder."""
    bids = list(
        Bid.objects.select_for_update(of=("self",), no_key=True)
        .filter(gig=gig, status__in=Bid.OPEN)
        .select_related("freelancer")
        .order_by("pk")
    )
    Bid.objects.filter(pk__in=[b.pk for b in bids]).update(
        status=Bid.Status.REJECTED, updated_at=timezone.now()
    )
    for bid in bids:
        notices.notify(
            bid.freelancer,
            kind,
            subject=bid,
            link_args={"bid_id": bid.pk},
            gig=text_of(gig, "title"),
        )


@atomic_with_retry
def gig_cancel(*, gig_id: int, actor: User) -> Gig:
    """The client withdraws a gig before it is awarded; open bids are closed and bidders told."""
    gig = lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    if gig.status == Gig.Status.CANCELLED:
        return gig
    if gig.status == Gig.Status.AWARDED:
        raise Conflict(
            _("This gig has a contract; cancel the contract's milestones instead."),
            code="invalid_state",
        )
    ensure_transition(gig, Gig.Status.CANCELLED)
    gig.status = Gig.Status.CANCELLED
    gig.save(update_fields=["status", "updated_at"])
    close_open_bids(gig, kind=notices.GIG_CANCELLED)
    return gig


@atomic_with_retry
def gig_delete(*, gig_id: int, actor: User) -> None:
    """Drafts only: nobody else has seen them. A published gig is cancelled, never deleted."""
    gig = lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    if gig.status != Gig.Status.DRAFT:
        raise Conflict(
            _("Only drafts can be deleted; cancel the gig instead."), code="invalid_state"
        )
    files = [attachment.file for attachment in gig.attachments.all()]
    gig.delete()
    # The cascade removes the rows only; the stored files go once the delete has committed.
    transaction.on_commit(lambda: delete_stored(files))
