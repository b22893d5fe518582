"""Writes of bids: place, edit, withdraw, shortlist, reject, accept (which starts a contract).

Locks: the gig first, then the bid (parents before children), so concurrent actions on one gig
queue up behind the gig's row and each re-reads the state it acts on; accepting locks the
freelancer's user row before both (users come first: marketplace.transactions).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import mask_texts, text_of
from accounts.models import User
from accounts.notices import NoticeKind
from accounts.selectors import freelancer_capacity
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from marketplace.formatting import days_count, rupiah
from marketplace.state import ensure_transition
from marketplace.timing import days
from marketplace.transactions import atomic_with_retry
from projects import notices
from projects.models import Bid, ContactHit, Contract, Gig, Milestone
from projects.selectors.gigs import visible_gigs
from projects.services.contact import contact_hit_record
from projects.services.gigs import close_open_bids, ensure_gig_shown, ensure_not_suspended


def _active_contracts(freelancer_id: int) -> int:
    return Contract.objects.filter(
        freelancer_id=freelancer_id, status=Contract.Status.ACTIVE
    ).count()


def _ensure_capacity(freelancer: User) -> None:
    capacity = freelancer_capacity(user_id=freelancer.pk)
    if _active_contracts(freelancer.pk) >= capacity:
        raise Conflict(
            _("%(name)s already has %(n)d active contracts, their limit. Finish one first.")
            % {"name": freelancer.public_name, "n": capacity},
            code="at_capacity",
        )


def _ensure_amount(gig: Gig, amount: int) -> None:
    minimum = gig.category.min_price
    if amount < minimum:
        raise DomainError(
            _("The minimum for this category is %(min)s.") % {"min": rupiah(minimum)},
            fields={
                "amount": [_("Below the category minimum of %(min)s.") % {"min": rupiah(minimum)}]
            },
        )


def _ensure_gig_takes_bids(gig: Gig) -> None:
    if gig.status != Gig.Status.OPEN:
        raise Conflict(_("This gig is not open for bids."), code="gig_not_open")
    if not gig.takes_bids:
        raise Conflict(_("Bidding on this gig has closed."), code="bidding_closed")


def _lock_gig_of_bid(bid_id: int, *, lock_freelancer: bool = False) -> tuple[Gig, Bid]:
    """Lock the bid's gig, then the bid — after the freelancer's user row if asked: users come
    before gigs (the lock order of marketplace.transactions, which suspending a user follows)."""
    found = Bid.objects.filter(pk=bid_id).values_list("gig_id", "freelancer_id").first()
    if found is None:
        raise NotFound(_("Bid not found."))
    gig_id, freelancer_id = found
    if lock_freelancer:
        User.objects.select_for_update(of=("self",), no_key=True).filter(pk=freelancer_id).first()
    # Both looked up again under the locks, never assumed: either may have gone while this
    # waited, and that is a 404, not an unhandled DoesNotExist.
    gig = (
        Gig.objects.select_for_update(of=("self",), no_key=True)
        .select_related("category")
        .filter(pk=gig_id)
        .first()
    )
    if gig is None:
        raise NotFound(_("Bid not found."))
    bids = Bid.objects.select_for_update(of=("self",), no_key=True).select_related("freelancer")
    bid = bids.filter(pk=bid_id, gig=gig).first()
    if bid is None:
        raise NotFound(_("Bid not found."))
    return gig, bid


def _lock_for_freelancer(bid_id: int, actor: User) -> tuple[Gig, Bid]:
    gig, bid = _lock_gig_of_bid(bid_id)
    if bid.freelancer_id != actor.pk:
        if gig.client_id == actor.pk:
            raise PermissionDenied(_("Only the freelancer who placed the bid can do this."))
        raise NotFound(_("Bid not found."))
    # The bid's gig as its freelancer may see it (hidden, or no longer published): gone for
    # them, so nothing of theirs on it moves either.
    if not visible_gigs(user=actor, as_moderator=False).filter(pk=gig.pk).exists():
        raise NotFound(_("Gig not found."))
    ensure_not_suspended(actor)
    return gig, bid


def _lock_for_client(bid_id: int, actor: User, *, lock_freelancer: bool = False) -> tuple[Gig, Bid]:
    gig, bid = _lock_gig_of_bid(bid_id, lock_freelancer=lock_freelancer)
    if gig.client_id != actor.pk:
        if bid.freelancer_id == actor.pk:
            raise PermissionDenied(_("Only the client who posted the gig can do this."))
        raise NotFound(_("Bid not found."))
    if bid.removed_at is not None:  # a moderator removed it: gone from the client's view
        raise NotFound(_("Bid not found."))
    ensure_not_suspended(actor)
    ensure_gig_shown(gig)
    return gig, bid


def _mask(bid: Bid) -> list[str]:
    """Mask the cover letter for the client (stored with the bid); the kinds found are the
    bid's ``contact_flags``, which its freelancer is shown."""
    bid.contact_flags = mask_texts(bid)
    return bid.contact_flags


def _record_hit(bid: Bid, author: User) -> None:
    # Records the hit and tells the freelancer why the client sees less.
    contact_hit_record(
        author=author,
        source=ContactHit.Source.BID,
        source_id=bid.pk,
        kinds=bid.contact_flags,
        link=reverse("api:bid-detail", kwargs={"bid_id": bid.pk}),
    )


@atomic_with_retry
def bid_place(
    *,
    gig_id: int,
    freelancer: User,
    amount: int,
    delivery_days: int,
    cover_letter: str,
    revisions_included: int = 2,
) -> Bid:
    """Place a sealed bid. Refused (4xx, nothing written) on one's own gig, a gig not open or
    past its bidding deadline, an invite-only gig without an invitation, an amount under the
    category minimum, a freelancer at capacity or suspended, or a second live bid."""
    # Only a gig the freelancer may see (the read side's rule: published, not hidden, public or
    # invited to — or their own): anything else is 404, as for a read.
    visible = visible_gigs(user=freelancer, as_moderator=False)
    gig = (
        visible.select_for_update(of=("self",), no_key=True)
        .select_related("category")
        .filter(pk=gig_id)
        .first()
    )
    if gig is None:
        raise NotFound(_("Gig not found."))
    if gig.client_id == freelancer.pk:
        raise Conflict(_("You cannot bid on your own gig."), code="own_gig")
    ensure_not_suspended(freelancer)
    _ensure_gig_takes_bids(gig)
    _ensure_amount(gig, amount)
    if Bid.objects.filter(gig=gig, freelancer=freelancer, status__in=Bid.LIVE).exists():
        raise Conflict(
            _("You already have a bid on this gig; edit it instead."), code="duplicate_bid"
        )
    _ensure_capacity(freelancer)
    try:
        with transaction.atomic():
            bid = Bid(
                gig=gig,
                freelancer=freelancer,
                amount=amount,
                delivery_days=delivery_days,
                cover_letter=cover_letter,
                revisions_included=revisions_included,
            )
            _mask(bid)
            bid.save()
    except IntegrityError:  # the partial unique index: a concurrent twin got in first
        raise Conflict(
            _("You already have a bid on this gig; edit it instead."), code="duplicate_bid"
        ) from None
    Gig.objects.filter(pk=gig.pk).update(bid_count=F("bid_count") + 1)
    _record_hit(bid, freelancer)
    notices.notify(
        gig.client,
        notices.BID_RECEIVED,
        subject=bid,
        link_args={"bid_id": bid.pk},
        gig=text_of(gig, "title"),
        freelancer=freelancer.public_name,
        amount=rupiah(amount),
        days=days_count(delivery_days),
    )
    return bid


@atomic_with_retry
def bid_update(*, bid_id: int, actor: User, **changes: Any) -> Bid:
    """The freelancer edits a bid while it is pending and bidding is open."""
    gig, bid = _lock_for_freelancer(bid_id, actor)
    if bid.status != Bid.Status.PENDING:
        raise Conflict(_("Only a pending bid can be edited."), code="invalid_state")
    _ensure_gig_takes_bids(gig)
    if "amount" in changes:
        _ensure_amount(gig, changes["amount"])
    for name, value in changes.items():
        setattr(bid, name, value)
    _mask(bid)
    bid.save()
    _record_hit(bid, actor)
    return bid


@atomic_with_retry
def bid_withdraw(*, bid_id: int, actor: User) -> Bid:
    gig, bid = _lock_for_freelancer(bid_id, actor)
    if bid.status == Bid.Status.WITHDRAWN:
        return bid
    ensure_transition(bid, Bid.Status.WITHDRAWN)
    bid.status = Bid.Status.WITHDRAWN
    bid.save(update_fields=["status", "updated_at"])
    Gig.objects.filter(pk=gig.pk).update(bid_count=F("bid_count") - 1)
    notices.notify(
        gig.client,
        notices.BID_WITHDRAWN,
        subject=bid,
        link_args={"gig_id": gig.pk},
        gig=text_of(gig, "title"),
        freelancer=actor.public_name,
    )
    return bid


def _client_moves_bid(bid_id: int, actor: User, target: str, notice: NoticeKind) -> Bid:
    """Shortlist or reject: the client moves a bid and its freelancer is told, once."""
    gig, bid = _lock_for_client(bid_id, actor)
    if bid.status == target:
        return bid
    ensure_transition(bid, target)
    bid.status = target
    bid.save(update_fields=["status", "updated_at"])
    notices.notify(
        bid.freelancer,
        notice,
        subject=bid,
        link_args={"bid_id": bid.pk},
        gig=text_of(gig, "title"),
        amount=rupiah(bid.amount),
    )
    return bid


@atomic_with_retry
def bid_shortlist(*, bid_id: int, actor: User) -> Bid:
    return _client_moves_bid(bid_id, actor, Bid.Status.SHORTLISTED, notices.BID_SHORTLISTED)


@atomic_with_retry
def bid_reject(*, bid_id: int, actor: User) -> Bid:
    return _client_moves_bid(bid_id, actor, Bid.Status.REJECTED, notices.BID_REJECTED)


@atomic_with_retry
def bid_accept(*, bid_id: int, actor: User) -> Contract:
    """The client accepts a bid: one transaction creates the contract and its first milestone
    (the bid's amount, due after the bid's delivery days), awards the gig and rejects every
    other open bid. Capacity is checked again now, under a lock on the freelancer's row (taken
    first), so two clients hiring the same freelancer at once cannot both push them past their
    limit. Accepting the accepted bid again returns its contract.
    """
    gig, bid = _lock_for_client(bid_id, actor, lock_freelancer=True)
    if bid.status == Bid.Status.ACCEPTED:
        return bid.contract
    if gig.status != Gig.Status.OPEN:
        raise Conflict(
            _("This gig is no longer open; no bid can be accepted."), code="gig_not_open"
        )
    ensure_transition(bid, Bid.Status.ACCEPTED)
    ensure_not_suspended(bid.freelancer)
    _ensure_capacity(bid.freelancer)

    promised = timezone.now() + days(bid.delivery_days)
    bid.status = Bid.Status.ACCEPTED
    bid.save(update_fields=["status", "updated_at"])
    gig.status = Gig.Status.AWARDED
    gig.save(update_fields=["status", "updated_at"])
    contract = Contract.objects.create(
        gig=gig,
        bid=bid,
        client_id=gig.client_id,
        freelancer_id=bid.freelancer_id,
        amount=bid.amount,
        revisions_included=bid.revisions_included,
        agreed_delivery_at=promised,
    )
    milestone = Milestone(
        contract=contract,
        position=1,
        title=gig.title[: Milestone.TITLE_MAX_LENGTH],
        amount=bid.amount,
        due_at=promised,
    )
    # The gig's title, masked for the freelancer as the gig's own title is.
    mask_texts(milestone)
    milestone.save()
    close_open_bids(gig, kind=notices.BID_REJECTED)
    notices.notify(
        bid.freelancer,
        notices.BID_ACCEPTED,
        subject=bid,
        link_args={"contract_id": contract.pk},
        gig=text_of(gig, "title"),
        amount=rupiah(bid.amount),
    )
    return contract
