"""Reviews after a paid contract: double-blind, revealed when both are in or the window closes.

A review is hidden (``revealed_at`` is null) from everyone but its author until the other
party's review is in — then both are revealed in the same transaction — or until the window of
``REVIEW_WINDOW_DAYS`` after the contract closed runs out (``reviews_reveal_due``, a sweep).
Each revealed review records a reputation event for its subject.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import mask_texts, text_of
from accounts.models import User
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from marketplace.formatting import local_datetime
from marketplace.locking import LockWaitTimeout, bounded_lock_wait
from marketplace.timing import days
from marketplace.transactions import atomic_with_retry
from projects import notices
from projects.access import is_moderator
from projects.models import ContactHit, Contract, ReputationEvent, Review
from projects.reputation.services import reputation_event_record
from projects.selectors.reviews import review_window_closes_at
from projects.services.contact import contact_hit_record
from projects.services.gigs import ensure_not_suspended
from projects.services.trust import trust_check_contract

logger = logging.getLogger(__name__)


def _reveal(reviews: list[Review], now: datetime) -> None:
    Review.objects.filter(pk__in=[r.pk for r in reviews]).update(revealed_at=now)
    for review in reviews:
        review.revealed_at = now
        reputation_event_record(
            user_id=review.subject_id,
            kind=ReputationEvent.Kind.REVIEW_REVEALED,
            reference=f"review:{review.pk}",
        )


def _notify_revealed(contract: Contract, *, window_closed: bool = False) -> None:
    """Both reviews are in (``reviews_revealed``), or the window closed with one
    (``review_window_closed``: the author is not told "both reviews")."""
    kind = notices.REVIEW_WINDOW_CLOSED if window_closed else notices.REVIEWS_REVEALED
    for party in User.objects.filter(pk__in=(contract.client_id, contract.freelancer_id)):
        notices.notify(
            party,
            kind,
            subject=contract,
            link_args={"contract_id": contract.pk},
            gig=text_of(contract.gig, "title"),
        )


@atomic_with_retry
def review_submit(
    *, contract_id: int, actor: User, quality: int, communication: int, value: int, comment: str
) -> Review:
    """A party reviews the other after the contract completed with paid work.

    Raises NotFound for a non-party, Conflict before completion (or for a contract that ended
    unpaid), after the window, or for a second review. Reveals both reviews when this is the
    second one.
    """
    contract = (
        Contract.objects.select_for_update(of=("self",), no_key=True)
        .select_related("gig")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None or actor.pk not in (contract.client_id, contract.freelancer_id):
        raise NotFound(_("Contract not found."))
    ensure_not_suspended(actor)
    if contract.status != Contract.Status.COMPLETED:
        raise Conflict(
            _("Reviews open once the contract is completed with paid work."),
            code="not_reviewable",
        )
    now = timezone.now()
    closes = review_window_closes_at(contract)
    if closes is not None and closes <= now:
        raise Conflict(
            _("The review window closed on %(date)s.") % {"date": local_datetime(closes)},
            code="review_window_closed",
        )
    for name, score in (("quality", quality), ("communication", communication), ("value", value)):
        if not 1 <= score <= 5:
            raise DomainError(_("Give 1 to 5 stars."), fields={name: [_("From 1 to 5.")]})
    if not comment.strip():
        raise DomainError(
            _("Say a few words about working together."), fields={"comment": [_("Required.")]}
        )
    is_client = actor.pk == contract.client_id
    if Review.objects.filter(contract=contract, author=actor).exists():
        raise Conflict(_("You already reviewed this contract."), code="already_reviewed")
    try:
        with transaction.atomic():
            review = Review(
                contract=contract,
                author=actor,
                subject_id=contract.freelancer_id if is_client else contract.client_id,
                subject_role=Review.Subject.FREELANCER if is_client else Review.Subject.CLIENT,
                quality=quality,
                communication=communication,
                value=value,
                comment=comment.strip(),
            )
            # Reviews are public: contact details in one are masked for every reader.
            kinds = mask_texts(review, ["comment"])
            review.save()
    except IntegrityError:  # the same party, twice at once: the contract lock makes this rare
        raise Conflict(_("You already reviewed this contract."), code="already_reviewed") from None
    _record_hit(review, kinds, author=actor)
    # Before anything is revealed: a contract whose parties may be one person has its reviews
    # held out of the reputation until a moderator looks (projects.services.trust).
    trust_check_contract(contract_id=contract.pk, now=now)

    other = Review.objects.filter(contract=contract).exclude(pk=review.pk).first()
    if other is not None:
        _reveal([review, other], now)
        _notify_revealed(contract)
    else:
        notices.notify(
            User.objects.get(pk=review.subject_id),
            notices.REVIEW_RECEIVED,
            subject=review,
            link_args={"contract_id": contract.pk},
            author=actor.public_name,
            gig=text_of(contract.gig, "title"),
            closes=closes or "",
        )
    return review


@atomic_with_retry
def review_reply(*, review_id: int, actor: User, body: str) -> Review:
    """The reviewed party answers a revealed review once, in public."""
    review = (
        Review.objects.select_for_update(of=("self",), no_key=True)
        .select_related("contract")
        .filter(pk=review_id)
        .first()
    )
    # Whoever may not see the review gets 404: a stranger, and anyone but its author while
    # it is hidden. The parties and moderators see a revealed one, so they learn they may not
    # reply (403) when they are not its subject.
    visible = review is not None and (
        review.author_id == actor.pk
        or (
            review.revealed_at is not None
            and (
                actor.pk in (review.contract.client_id, review.contract.freelancer_id)
                or is_moderator(actor)
            )
        )
    )
    if review is None or not visible:
        raise NotFound(_("Review not found."))
    if actor.pk != review.subject_id:
        raise PermissionDenied(_("Only the reviewed person replies to a review."))
    ensure_not_suspended(actor)
    if not body.strip():
        raise DomainError(_("Write your reply."), fields={"body": [_("Required.")]})
    if review.replied_at is not None:
        raise Conflict(_("You already replied to this review."), code="already_replied")
    review.reply, review.replied_at = body.strip(), timezone.now()
    kinds = mask_texts(review, ["reply"])
    review.save(update_fields=["reply", "reply_masked", "replied_at"])
    _record_hit(review, kinds, author=actor)
    return review


def _record_hit(review: Review, kinds: list[str], *, author: User) -> None:
    contact_hit_record(
        author=author,
        source=ContactHit.Source.REVIEW,
        source_id=review.pk,
        kinds=kinds,
        link=reverse("api:contract-reviews", kwargs={"contract_id": review.contract_id}),
    )


def reviews_reveal_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """Reveal hidden reviews whose window closed (one review in, the other never came).

    A bounded batch per call, oldest first; the sweep calls again while it returns ``batch``.
    Running it twice reveals nothing twice: it only selects reviews still hidden.
    """
    now = now or timezone.now()
    cutoff = now - days(settings.REVIEW_WINDOW_DAYS)
    try:
        # Reviews being written are skipped; any other lock is waited for briefly, at most
        # (marketplace/locking.py): the batch is rolled back and the next run tries again.
        with bounded_lock_wait(settings.TIMER_LOCK_TIMEOUT_SECONDS):
            due = list(
                Review.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
                .filter(revealed_at__isnull=True, contract__completed_at__lte=cutoff)
                .select_related("contract__gig")
                .order_by("contract__completed_at", "id")[:batch]
            )
            for contract_id in {review.contract_id for review in due}:
                trust_check_contract(contract_id=contract_id, now=now)
            _reveal(due, now)
            for contract in {review.contract_id: review.contract for review in due}.values():
                _notify_revealed(contract, window_closed=True)
    except LockWaitTimeout:
        logger.warning("review reveal: a lock it needs is held elsewhere; next run")
        return 0
    return len(due)
