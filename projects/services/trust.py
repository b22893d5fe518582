"""Holding the reviews of a contract whose parties may be one person, and a moderator's verdict.

A "sock" client can hire its own freelancer account, pay for real and write it five stars. The
signals of that (``projects.selectors.trust``) are looked for when a review is written and when
reviews are revealed, and by a daily sweep of recently completed contracts (money moved after
the reviews: a withdrawal to the client's account, a top-up of what was just withdrawn).

A contract with a signal gets a ``TrustCheck`` (``held``) and its reviews a ``held_at``: they
count for no one's reputation and are not listed publicly until a moderator looks.
``trust_check_clear`` lets them count; ``trust_check_confirm`` keeps them out for good and warns
or suspends both accounts. Both are audit-logged, and no staff member rules on a contract they
are a party to.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ModeratorAction, User
from accounts.selectors import user_is_suspended
from accounts.services import audit_record
from accounts.services.audit import records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.locking import LockWaitTimeout, bounded_lock_wait
from marketplace.transactions import atomic_with_retry
from projects.access import ensure_staff_permission
from projects.models import Contract, ReputationEvent, Review, TrustCheck
from projects.reputation.services import reputation_event_record
from projects.selectors.trust import contract_trust_signals

Action = ModeratorAction.Action
# The permission a moderator needs to rule on a trust check (the Moderators group has it).
PERMISSION = "projects.resolve_report"
# How long after completion the daily sweep keeps looking at a contract for new signals.
RECHECK_DAYS = 30
logger = logging.getLogger(__name__)


def _tell_reputation(reviews: list[Review], kind: str) -> None:
    """Revealed reviews that start or stop counting move their subjects' figures."""
    for review in reviews:
        if review.revealed_at is not None and review.removed_at is None:
            reputation_event_record(
                user_id=review.subject_id, kind=kind, reference=f"review:{review.pk}"
            )


@atomic_with_retry
def trust_check_contract(*, contract_id: int, now: datetime | None = None) -> TrustCheck | None:
    """Look for signs that the contract's parties are one person; on any, hold its reviews.

    Idempotent. A check a moderator confirmed stays as it is; one they cleared is held again
    only for a signal they have not seen. Returns the contract's check (None: no signal ever).
    Call it inside the transaction that writes or reveals a review, before doing so, so that
    review is held from the start.
    """
    now = now or timezone.now()
    contract = (
        Contract.objects.select_for_update(of=("self",), no_key=True).filter(pk=contract_id).first()
    )
    if contract is None:
        raise NotFound(_("Contract not found."))
    check = (
        TrustCheck.objects.select_for_update(of=("self",), no_key=True)
        .filter(contract=contract)
        .first()
    )
    signals = contract_trust_signals(contract=contract)
    if not signals and (check is None or check.status == TrustCheck.Status.CLEARED):
        return check
    if check is not None and check.status == TrustCheck.Status.CONFIRMED:
        pass  # the ruling stands; a review written since is held below like the others
    elif check is not None and check.status == TrustCheck.Status.CLEARED:
        if set(signals) <= set(check.signals):
            return check
        check.signals = sorted(set(check.signals) | set(signals))
        check.status = TrustCheck.Status.HELD
        check.save(update_fields=["signals", "status"])
    elif check is not None:
        check.signals = sorted(set(check.signals) | set(signals))
        check.save(update_fields=["signals"])
    else:
        check = TrustCheck.objects.create(contract=contract, signals=signals)
    newly_held = list(Review.objects.filter(contract=contract, held_at__isnull=True))
    Review.objects.filter(pk__in=[r.pk for r in newly_held]).update(held_at=now)
    _tell_reputation(newly_held, ReputationEvent.Kind.REVIEWS_HELD)
    return check


def trust_checks_recent(*, now: datetime | None = None, batch: int = 500) -> int:
    """The daily sweep: check contracts completed in the last ``RECHECK_DAYS`` that have
    reviews still counting, for signals that appeared after their reviews. A bounded batch; how
    many were checked (a contract whose locks are not had in ``TIMER_LOCK_TIMEOUT_SECONDS``
    is left for the next run)."""
    now = now or timezone.now()
    contract_ids = list(
        Contract.objects.filter(
            completed_at__gte=now - timedelta(days=RECHECK_DAYS),
            # One join: a review of the contract, not held (a bare isnull on the join would also
            # match a contract with no review at all, which has nothing to hold yet).
            reviews__isnull=False,
            reviews__held_at__isnull=True,
        )
        .order_by("completed_at", "id")
        .values_list("id", flat=True)
        .distinct()[:batch]
    )
    checked = 0
    for contract_id in contract_ids:
        # A contract another transaction holds (a review being written, an admin's edit) is
        # waited for only briefly, so the sweep's worker is not stalled; the next run checks it.
        try:
            with bounded_lock_wait(settings.TIMER_LOCK_TIMEOUT_SECONDS):
                trust_check_contract(contract_id=contract_id, now=now)
        except LockWaitTimeout:
            logger.warning(
                "trust check of contract %s: its row is held elsewhere; next run", contract_id
            )
            continue
        checked += 1
    return checked


def _lock_for_ruling(*, moderator: User, contract_id: int) -> TrustCheck:
    ensure_staff_permission(moderator, PERMISSION)
    check = (
        TrustCheck.objects.select_for_update(of=("self",), no_key=True)
        .select_related("contract")
        .filter(contract_id=contract_id)
        .first()
    )
    if check is None:
        raise NotFound(_("This contract has no trust check."))
    return check


@records_refused_attempts
@atomic_with_retry
def trust_check_clear(*, moderator: User, contract_id: int, note: str = "") -> TrustCheck:
    """A moderator found the two parties to be different people: the reviews count again."""
    check = _lock_for_ruling(moderator=moderator, contract_id=contract_id)
    ensure_staff_not_party(staff=moderator, action=Action.CLEAR_TRUST_SIGNALS, obj=check.contract)
    if check.status == TrustCheck.Status.CLEARED:
        return check
    if check.status == TrustCheck.Status.CONFIRMED:
        raise Conflict(
            _("This contract was confirmed as collusion; that ruling stands."),
            code="already_confirmed",
        )
    now = timezone.now()
    check.status, check.reviewed_by, check.reviewed_at = TrustCheck.Status.CLEARED, moderator, now
    check.note = note.strip()
    check.save(update_fields=["status", "reviewed_by", "reviewed_at", "note"])
    released = list(Review.objects.filter(contract_id=contract_id, held_at__isnull=False))
    Review.objects.filter(pk__in=[r.pk for r in released]).update(held_at=None)
    _tell_reputation(released, ReputationEvent.Kind.REVIEWS_CLEARED)
    audit_record(
        moderator=moderator,
        action=Action.CLEAR_TRUST_SIGNALS,
        target=check.contract,
        reason=check.note,
        signals=check.signals,
        reviews=[r.pk for r in released],
    )
    return check


@records_refused_attempts
@atomic_with_retry
def trust_check_confirm(
    *, moderator: User, contract_id: int, reason: str, suspend: bool = False
) -> TrustCheck:
    """A moderator found the two parties to be one person: the reviews never count, and both
    accounts are warned — or suspended until lifted — with ``reason``, which they are told."""
    from projects.services.reports import user_warn
    from projects.services.suspensions import suspension_create

    if not reason.strip():
        raise DomainError(_("Say why: the users are told."), fields={"reason": [_("Required.")]})
    check = _lock_for_ruling(moderator=moderator, contract_id=contract_id)
    ensure_staff_not_party(staff=moderator, action=Action.CONFIRM_COLLUSION, obj=check.contract)
    if check.status == TrustCheck.Status.CONFIRMED:
        return check
    now = timezone.now()
    check.status, check.reviewed_by, check.reviewed_at = (
        TrustCheck.Status.CONFIRMED,
        moderator,
        now,
    )
    check.note = reason.strip()
    check.save(update_fields=["status", "reviewed_by", "reviewed_at", "note"])
    # Reviews a moderator cleared before (and any written since) stop counting too.
    counted = list(Review.objects.filter(contract_id=contract_id, held_at__isnull=True))
    Review.objects.filter(pk__in=[r.pk for r in counted]).update(held_at=now)
    _tell_reputation(counted, ReputationEvent.Kind.REVIEWS_HELD)
    audit_record(
        moderator=moderator,
        action=Action.CONFIRM_COLLUSION,
        target=check.contract,
        reason=check.note,
        signals=check.signals,
        then="suspend" if suspend else "warn",
    )
    for user_id in (check.contract.client_id, check.contract.freelancer_id):
        if not suspend:
            user_warn(moderator=moderator, user_id=user_id, reason=check.note)
        elif not user_is_suspended(user_id=user_id):  # already suspended: that one stands
            suspension_create(moderator=moderator, user_id=user_id, reason=check.note)
    return check
