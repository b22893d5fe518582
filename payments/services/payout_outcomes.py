"""Payouts the gateway has taken, closed on its confirmed outcome.

The gateway's webhook, read back through its API, closes it (``payout_settle``, then
``payout_complete``): paid → pending withdrawal to the payouts account; failed → back to the
wallet, the freelancer told why in their language; paid and then sent back by the bank →
*returned*, from the payouts account to the wallet. A callback that never came is asked after
by a sweep (``payout_check``, ``PAYOUT_CONFIRM_AFTER_SECONDS``) through the same
``payout_settle``. Sending them is ``payments.services.payouts``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, NotFound
from marketplace.formatting import rupiah
from marketplace.state import ensure_transition
from marketplace.transactions import atomic_with_retry
from payments import gateways, notices
from payments.gateways.base import InvalidWebhook
from payments.gateways.payouts import PayoutEvent, PayoutGateway
from payments.models import LedgerTransaction, Withdrawal
from payments.payout_reasons import failure_message
from payments.services import ledger
from payments.services.payouts import lock_withdrawal

Kind = LedgerTransaction.Kind
Status = Withdrawal.Status
logger = logging.getLogger(__name__)


def payout_settle(gateway: PayoutGateway, event: PayoutEvent) -> Withdrawal | None:
    """Settle a payout as the gateway's API reports it now — the one way an outcome reaches
    the ledger, for its webhook and for the sweep that asks after a callback that never came.
    ``event`` names the payout (from the callback, or from what the withdrawal keeps); its own
    status is not believed. None while the gateway still says pending.

    Raises ``InvalidWebhook`` when the gateway has no such payout or it is for another
    reference, ``GatewayUnavailable`` when the gateway cannot be asked (nothing changed: ask
    again later), and ``payout_complete``'s refusals."""
    confirmed = gateway.confirm_payout(event)
    if confirmed.reference != event.reference:
        raise InvalidWebhook("the payout is for another reference")
    withdrawal = payout_complete(
        provider=gateway.name,
        reference=confirmed.reference,
        status=confirmed.status,
        amount=confirmed.amount,
        provider_reference=confirmed.provider_reference,
        failure_reason=confirmed.failure_reason,
    )
    return None if confirmed.status == "pending" else withdrawal


@atomic_with_retry
def payout_complete(
    *,
    provider: str,
    reference: str,
    status: str,
    amount: int,
    provider_reference: str = "",
    failure_reason: str = "",
) -> Withdrawal:
    """Apply the payout gateway's confirmed outcome. Idempotent: a replay moves nothing. 404
    for a reference we never sent, 409 for another amount or another payout of the gateway's,
    or an outcome that contradicts the one recorded (paid after failed). "pending": nothing.
    Failed after paid is the bank sending a paid payout back (Xendit's REVERSED): the money is
    back with the gateway, so it goes back to the wallet (``_return_to_wallet``)."""
    withdrawal = (
        Withdrawal.objects.select_for_update(of=("self",), no_key=True)
        .filter(payout_reference=reference, payout_provider=provider)
        .first()
    )
    if withdrawal is None:
        raise NotFound(_("Unknown payout reference."), code="unknown_reference")
    if amount != withdrawal.amount:
        raise Conflict(_("The amount does not match the withdrawal."), code="amount_mismatch")
    if (
        provider_reference
        and withdrawal.provider_reference
        and provider_reference != withdrawal.provider_reference
    ):
        raise Conflict(_("Another payout than this withdrawal's."), code="payout_mismatch")
    if status == "pending":
        return withdrawal
    target = Status.PAID if status == "paid" else Status.FAILED
    if target == Status.FAILED and withdrawal.status in (Status.PAID, Status.RETURNED):
        return _return_to_wallet(withdrawal, provider=provider, failure_reason=failure_reason)
    if withdrawal.status == target:
        return withdrawal
    ensure_transition(withdrawal, target)
    pending = ledger.pending_withdrawal(withdrawal.user_id)
    if target == Status.PAID:
        ledger.post(
            kind=Kind.WITHDRAWAL_PAID,
            key=f"withdrawal:{withdrawal.pk}:paid",
            reference=f"withdrawal:{withdrawal.pk}",
            entries=[(pending, -withdrawal.amount), (ledger.payouts(), withdrawal.amount)],
            description=f"Paid out via {provider} to {withdrawal.bank_code}",
        )
    else:
        ledger.post(
            kind=Kind.WITHDRAWAL_REJECTED,
            key=f"withdrawal:{withdrawal.pk}:failed",
            reference=f"withdrawal:{withdrawal.pk}",
            entries=[
                (pending, -withdrawal.amount),
                (ledger.wallet(withdrawal.user_id), withdrawal.amount),
            ],
            description=f"Payout failed via {provider}: money returned",
        )
        withdrawal.failure_reason = (failure_reason or "UNKNOWN")[:100]
    withdrawal.status = target
    withdrawal.provider_reference = withdrawal.provider_reference or provider_reference
    withdrawal.processed_at = timezone.now()
    withdrawal.save(
        update_fields=["status", "failure_reason", "provider_reference", "processed_at"]
    )
    paid = target == Status.PAID
    notices.notify(
        withdrawal.user,
        notices.WITHDRAWAL_PAID if paid else notices.WITHDRAWAL_FAILED,
        subject=withdrawal,
        amount=rupiah(withdrawal.amount),
        bank=withdrawal.bank_code,
        reason="" if paid else failure_message(withdrawal.failure_reason),
    )
    return withdrawal


def _return_to_wallet(withdrawal: Withdrawal, *, provider: str, failure_reason: str) -> Withdrawal:
    """A paid payout sent back: the gateway holds the money again, so it leaves the payouts
    account for the wallet — once, whatever is replayed (the ledger key and the state)."""
    if withdrawal.status == Status.RETURNED:
        return withdrawal
    ensure_transition(withdrawal, Status.RETURNED)
    ledger.post(
        kind=Kind.WITHDRAWAL_REVERSED,
        key=f"withdrawal:{withdrawal.pk}:reversed",
        reference=f"withdrawal:{withdrawal.pk}",
        entries=[
            (ledger.payouts(), -withdrawal.amount),
            (ledger.wallet(withdrawal.user_id), withdrawal.amount),
        ],
        description=f"Payout sent back via {provider}: money returned",
    )
    withdrawal.status = Status.RETURNED
    withdrawal.failure_reason = (failure_reason or "REVERSED")[:100]
    withdrawal.processed_at = timezone.now()
    withdrawal.save(update_fields=["status", "failure_reason", "processed_at"])
    logger.warning("payout of withdrawal %s was sent back after it was paid", withdrawal.pk)
    notices.notify(
        withdrawal.user,
        notices.WITHDRAWAL_RETURNED,
        subject=withdrawal,
        amount=rupiah(withdrawal.amount),
        bank=withdrawal.bank_code,
        reason=failure_message(withdrawal.failure_reason),
    )
    return withdrawal


# --- payouts whose callback never came --------------------------------------------------------


def payouts_unconfirmed(*, older_than: datetime, limit: int) -> list[int]:
    """Withdrawals the gateway has had since before ``older_than`` with no outcome known (or
    last asked after then): its callback was lost, or never sent. The sweep asks the gateway."""
    return list(
        Withdrawal.objects.filter(status=Status.PROCESSING)
        .filter(Q(payout_checked_at__lte=older_than) | Q(payout_checked_at__isnull=True))
        .order_by(F("payout_checked_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )


@atomic_with_retry
def payout_check(*, withdrawal_id: int) -> str:
    """Ask the payout gateway about a *processing* withdrawal and settle it as its webhook
    would (``payout_settle``), under the withdrawal's row lock; its status afterwards. Anything
    else, or one sent through another gateway than today's, is left as it is.

    ``GatewayUnavailable`` propagates with nothing changed (ask again on the next run). A
    payout the gateway does not know, or an outcome Garap refuses (another amount), is logged
    for finance and asked about again later: the money stays pending."""
    gateway = gateways.payout_gateway()
    withdrawal = lock_withdrawal(withdrawal_id)
    if gateway is None or withdrawal.status != Status.PROCESSING:
        return str(withdrawal.status)
    if withdrawal.payout_provider != gateway.name:
        logger.error(
            "withdrawal %s is processing at %s but the payout gateway is %s now; look it up there",
            withdrawal.pk,
            withdrawal.payout_provider,
            gateway.name,
        )
        return _checked(withdrawal)
    event = PayoutEvent(
        reference=str(withdrawal.payout_reference),
        status="pending",  # not believed: confirm_payout reads it
        amount=withdrawal.amount,
        failure_reason="",
        event_id=f"garap-check:{withdrawal.pk}",
        provider_reference=withdrawal.provider_reference,
    )
    try:
        settled = payout_settle(gateway, event)
    except (InvalidWebhook, Conflict, NotFound) as exc:
        logger.error(
            "withdrawal %s cannot be settled from %s: %s", withdrawal.pk, gateway.name, exc
        )
        return _checked(withdrawal)
    if settled is None:
        return _checked(withdrawal)
    return str(settled.status)


def _checked(withdrawal: Withdrawal) -> str:
    withdrawal.payout_checked_at = timezone.now()
    withdrawal.save(update_fields=["payout_checked_at"])
    return str(withdrawal.status)
