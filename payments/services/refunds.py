"""Top-ups finance gives back: a deposit refunded to the payer through the gateway.

**Finance refunds** (``deposit_refund``). Only money still in the payer's wallet can go back —
never money in escrow. In one transaction, under the deposit's row lock and (through the
ledger) the wallet's, the amount moves from the wallet to the gateway's "refunds pending"
account and a ``DepositRefund`` is recorded as requested, with an idempotency key that is also
the gateway's refund key. Then, outside any lock, the gateway is asked (``deposit_refund_send``):

- it refunds: the money leaves "refunds pending" for the gateway's clearing account (out of
  Garap, as a deposit came in), the refund is "refunded", the payer is told;
- it refuses (a method it cannot refund, a wrong parameter): the money goes back to the wallet,
  the refund is "failed" with the gateway's reason for finance;
- it does not answer, or its answer is lost: the refund stays "requested" with the money set
  aside in "refunds pending" — whether the gateway refunded is unknown, so the money may go
  neither back nor out. It is sent again under the same key, which the gateway treats as the same
  refund: every ten minutes by a sweep (``deposit_refunds_resend_pending``), or at once by
  finance ("Send again" on the refunds list); the gateway's refund webhook closes it too.

What the gateway gives back on its own (a refund in its dashboard, a chargeback) and the debt it
can leave the payer are ``payments.services.chargebacks``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ModeratorAction, User
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import Conflict, DomainError, NotFound, PaymentRequired, PermissionDenied
from marketplace.formatting import rupiah
from marketplace.locking import LockWaitTimeout, bounded_lock_wait
from marketplace.state import ensure_transition
from marketplace.transactions import atomic_with_retry
from payments import gateways, notices
from payments.gateways.base import GatewayRefused, GatewayUnavailable
from payments.models import Deposit, DepositRefund, LedgerTransaction
from payments.services import ledger

Kind = LedgerTransaction.Kind
Action = ModeratorAction.Action
logger = logging.getLogger(__name__)


# --- reading -------------------------------------------------------------------------------


def refundable_amount(deposit: Deposit) -> int:
    """What of ``deposit`` has not been refunded or asked to be (failed refunds do not count)."""
    asked = DepositRefund.objects.filter(deposit=deposit).exclude(
        status=DepositRefund.Status.FAILED
    )
    taken = asked.aggregate(total=Sum("amount"))["total"] or 0
    return deposit.amount - taken


# --- finance refunds -----------------------------------------------------------------------


def _ensure_finance(staff: User) -> None:
    if not (staff.is_staff and staff.has_perm("payments.process_withdrawal")):
        raise PermissionDenied(_("Only finance staff can refund top-ups."))


@records_refused_attempts
def deposit_refund(
    *, deposit: Deposit, amount: int, reason: str, staff: User, key: str
) -> DepositRefund:
    """Finance (``staff``) refunds ``amount`` of the paid ``deposit`` to the payer's payment
    method.

    ``key`` identifies this refund for life: the same key again returns the same refund (and
    sends it again while it is still requested). Refused, with nothing moved: by a non-finance
    user, by staff on their own top-up (``StaffIsParty``, the attempt recorded), for a deposit
    not paid, a gateway that takes no refunds through Garap, an amount beyond what is left of
    the deposit, or beyond what the wallet holds (402). Returns the refund as it stands: still
    "requested" when the gateway did not answer (see the module's docstring).
    """
    _ensure_finance(staff)
    ensure_staff_not_party(staff=staff, action=Action.REFUND_DEPOSIT, obj=deposit)
    refund = _refund_request(
        deposit_id=deposit.pk, amount=amount, reason=reason, staff=staff, key=key
    )
    if refund.status == DepositRefund.Status.REQUESTED:
        return deposit_refund_send(refund_id=refund.pk)
    return refund


@atomic_with_retry
def _refund_request(
    *, deposit_id: int, amount: int, reason: str, staff: User, key: str
) -> DepositRefund:
    if not key:
        raise DomainError(_("A refund needs an idempotency key."), code="missing_key")
    deposit = (
        Deposit.objects.select_for_update(of=("self",), no_key=True).filter(pk=deposit_id).first()
    )
    if deposit is None:
        raise NotFound(_("Top-up not found."))
    existing = DepositRefund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.deposit_id != deposit.pk or existing.amount != amount:
            raise Conflict(
                _("This refund key was used for another refund."), code="idempotency_key_reused"
            )
        return existing
    if deposit.status != Deposit.Status.PAID:
        raise DomainError(_("Only a paid top-up can be refunded."), code="not_paid")
    gateway = gateways.get(deposit.provider)
    if gateway is None or not gateway.offers_refunds:
        raise DomainError(
            _(
                "%(gateway)s takes no refunds through Garap: refund it in the gateway's "
                "dashboard; its refund notification then takes the money from the wallet."
            )
            % {"gateway": deposit.provider},
            code="refunds_not_offered",
        )
    left = refundable_amount(deposit)
    if amount <= 0 or amount > left:
        raise DomainError(
            _("Refund between Rp 1 and %(left)s, what is left of this top-up.")
            % {"left": rupiah(left)},
            fields={"amount": [_("Out of range.")]},
        )
    refund = DepositRefund.objects.create(
        deposit=deposit,
        origin=DepositRefund.Origin.FINANCE,
        amount=amount,
        reason=" ".join(reason.split())[:300],  # one line, as the admin form takes it
        idempotency_key=key,
        requested_by=staff,
    )
    try:
        ledger.post(
            kind=Kind.DEPOSIT_REFUND_REQUESTED,
            key=f"deposit_refund:{refund.pk}:requested",
            reference=f"deposit:{deposit.pk}",
            entries=[
                (ledger.wallet(deposit.user_id), -amount),
                (ledger.refunds_pending(deposit.provider), amount),
            ],
            description=f"Refund of top-up {deposit.reference} requested",
        )
    except PaymentRequired as exc:
        held = rupiah(amount - exc.missing)
        raise PaymentRequired(
            _(
                "The wallet holds only %(held)s: only money still in the wallet can be "
                "refunded, not money in escrow or withdrawn."
            )
            % {"held": held},
            fields={"amount": [_("At most %(held)s.") % {"held": held}]},
            missing=exc.missing,
        ) from None
    audit_record(
        moderator=staff,
        action=Action.REFUND_DEPOSIT,
        target=deposit,
        reason=reason,
        amount=amount,
        refund=refund.pk,
    )
    return refund


@records_refused_attempts
def deposit_refund_resend(*, refund_id: int, staff: User) -> DepositRefund:
    """Finance sends a refund the gateway did not answer again, under the same key. Never
    one's own (``StaffIsParty``, the attempt recorded)."""
    _ensure_finance(staff)
    refund = DepositRefund.objects.filter(pk=refund_id).first()
    if refund is None:
        raise NotFound(_("Refund not found."))
    ensure_staff_not_party(staff=staff, action=Action.REFUND_DEPOSIT, obj=refund)
    return deposit_refund_send(refund_id=refund_id)


def deposit_refund_send(*, refund_id: int, lock_wait: float | None = None) -> DepositRefund:
    """Ask the gateway for a requested refund, outside any lock, under its key; close it on the
    answer. A refund no longer requested is returned as it is. When the gateway does not answer
    the refund stays requested (the money set aside) and this may simply run again.

    ``lock_wait`` (the sweep): the close waits at most that many seconds for its locks, else
    ``LockWaitTimeout`` with nothing closed — the refund stays requested and is sent again
    under the same key, which the gateway answers with the same refund."""

    def close(**answer: str) -> DepositRefund:
        if lock_wait is None:
            return _refund_close(refund_id=refund_id, **answer)
        with bounded_lock_wait(lock_wait):
            return _refund_close(refund_id=refund_id, **answer)

    refund = DepositRefund.objects.select_related("deposit").filter(pk=refund_id).first()
    if refund is None:
        raise NotFound(_("Refund not found."))
    if refund.status != DepositRefund.Status.REQUESTED:
        return refund
    deposit = refund.deposit
    gateway = gateways.get(deposit.provider)
    if gateway is None or not gateway.offers_refunds:
        return close(refused=_("The gateway takes no refunds."))
    try:
        result = gateway.refund(
            deposit, amount=refund.amount, key=refund.idempotency_key, reason=refund.reason
        )
    except GatewayUnavailable:
        logger.warning("refund %s: the gateway did not answer; it stays requested", refund.pk)
        return refund
    except GatewayRefused as exc:
        logger.warning("refund %s refused by the gateway: %s", refund.pk, exc)
        return close(refused=str(exc))
    return close(gateway_reference=result.reference)


def _lock_refund(refund_id: int) -> DepositRefund:
    return DepositRefund.objects.select_for_update(of=("self",), no_key=True).get(pk=refund_id)


def deposit_refunds_resend_pending(*, older_than: datetime, limit: int) -> int:
    """The sweep: send again the refunds still requested since before ``older_than`` (their
    gateway did not answer), oldest first, at most ``limit``; how many are now closed. Stops at
    the first the gateway still does not answer: the rest wait for the next run. One whose
    locks (its deposit, the refund, the ledger accounts) are not had in
    ``TIMER_LOCK_TIMEOUT_SECONDS`` is passed: the sweep's worker is not stalled behind a
    transaction that holds them, and the next run sends it again."""
    closed = 0
    pending = DepositRefund.objects.filter(
        status=DepositRefund.Status.REQUESTED, created_at__lte=older_than
    ).order_by("created_at")[:limit]
    for refund_id in list(pending.values_list("pk", flat=True)):
        try:
            refund = deposit_refund_send(
                refund_id=refund_id, lock_wait=settings.TIMER_LOCK_TIMEOUT_SECONDS
            )
        except LockWaitTimeout:
            logger.warning("refund %s: a lock it needs is held elsewhere; next run", refund_id)
            continue
        if refund.status == DepositRefund.Status.REQUESTED:
            break
        closed += 1
    return closed


@atomic_with_retry
def _refund_close(
    *, refund_id: int, gateway_reference: str = "", refused: str = ""
) -> DepositRefund:
    """The gateway's answer: refunded (the money leaves for the gateway) or refused (it goes
    back to the wallet). Once: a refund no longer requested is left as it is."""
    Deposit.objects.select_for_update(of=("self",), no_key=True).filter(
        refunds__pk=refund_id
    ).first()  # the deposit's lock first, as the webhook takes it
    refund = _lock_refund(refund_id)
    if refund.status != DepositRefund.Status.REQUESTED:
        return refund
    if refused:
        _close_refused(refund, refused)
    else:
        _close_refunded(refund, gateway_reference)
    return refund


def _close_refunded(refund: DepositRefund, gateway_reference: str) -> None:
    deposit = refund.deposit
    ensure_transition(refund, DepositRefund.Status.REFUNDED)
    ledger.post(
        kind=Kind.DEPOSIT_REFUND_PAID,
        key=f"deposit_refund:{refund.pk}:paid",
        reference=f"deposit:{deposit.pk}",
        entries=[
            (ledger.refunds_pending(deposit.provider), -refund.amount),
            (ledger.gateway(deposit.provider), refund.amount),
        ],
        description=f"Refund of top-up {deposit.reference} sent",
    )
    refund.status = DepositRefund.Status.REFUNDED
    refund.gateway_reference = gateway_reference[:100]
    refund.completed_at = timezone.now()
    refund.save(update_fields=["status", "gateway_reference", "completed_at"])
    notices.notify(
        deposit.user,
        notices.DEPOSIT_REFUNDED,
        subject=refund,
        amount=rupiah(refund.amount),
    )


def _close_refused(refund: DepositRefund, failure: str) -> None:
    deposit = refund.deposit
    ensure_transition(refund, DepositRefund.Status.FAILED)
    ledger.post(
        kind=Kind.DEPOSIT_REFUND_RETURNED,
        key=f"deposit_refund:{refund.pk}:returned",
        reference=f"deposit:{deposit.pk}",
        entries=[
            (ledger.refunds_pending(deposit.provider), -refund.amount),
            (ledger.wallet(deposit.user_id), refund.amount),
        ],
        description=f"Refund of top-up {deposit.reference} refused by the gateway",
    )
    refund.status = DepositRefund.Status.FAILED
    refund.failure = failure[:300]
    refund.completed_at = timezone.now()
    refund.save(update_fields=["status", "failure", "completed_at"])
