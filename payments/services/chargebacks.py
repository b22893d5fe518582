"""Top-ups the gateway takes back without us, and the debts to Garap they leave.

**Refunds the gateway reports** (``deposit_refunded_by_gateway``, from the deposit's webhook,
under the deposit's row lock). The gateway says how much it has given back in all. First our own
requested refunds that this total covers are closed as refunded (no second debit). What the
total exceeds all our recorded refunds by was taken back without us (a refund in the gateway's
dashboard, a chargeback): it is recorded as a gateway ``DepositRefund`` and taken from the
wallet as far as the wallet holds it. What the wallet no longer holds (spent on escrow,
withdrawn) the payer owes Garap: it is posted against the ledger account ``owed:<user>``, whose
balance is minus the debt (the wallet itself never goes below zero). A replayed webhook reports
the same total and moves nothing.

**A debt** is settled from the wallet when new money comes in: as a top-up lands, the wallet
pays the debt first, as far as it holds (``owed_settle``). Until it is settled, withdrawals are
refused (``ensure_nothing_owed``, 402 ``money_owed``) — the simplest rule that never lets money
Garap is owed leave it. Finance sees the debt on the refunds list.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.errors import Conflict, PaymentRequired
from marketplace.formatting import rupiah
from payments import notices
from payments.models import Account, Deposit, DepositRefund, LedgerTransaction
from payments.services import ledger
from payments.services.refunds import _close_refunded

Kind = LedgerTransaction.Kind
logger = logging.getLogger(__name__)


# --- reading -------------------------------------------------------------------------------


def _balance(reference: str) -> int:
    return (
        Account.objects.filter(reference=reference).values_list("balance", flat=True).first() or 0
    )


def owed_amount(*, user_id: int) -> int:
    """What the user owes Garap now (0: nothing)."""
    return -_balance(ledger.owed(user_id).reference)


# --- refunds the gateway reports -------------------------------------------------------------


def deposit_refunded_by_gateway(*, deposit: Deposit, refunded: int) -> None:
    """The gateway reports ``refunded`` rupiah given back on ``deposit`` in all. Call it inside
    the transaction holding the deposit's row lock (``deposit_complete`` does). See the
    module's docstring; a replay of the same total moves nothing."""
    if deposit.status != Deposit.Status.PAID:
        logger.warning("gateway reports unpaid deposit %s refunded", deposit.reference)
        return
    refunded = min(refunded, deposit.amount)
    refunds = list(
        DepositRefund.objects.select_for_update(of=("self",), no_key=True)
        .filter(deposit=deposit)
        .exclude(status=DepositRefund.Status.FAILED)
        .order_by("pk")
    )
    covered = sum(r.amount for r in refunds if r.status == DepositRefund.Status.REFUNDED)
    for refund in refunds:
        if refund.status == DepositRefund.Status.REQUESTED and covered + refund.amount <= refunded:
            refund.deposit = deposit
            _close_refunded(refund, refund.gateway_reference or refund.idempotency_key)
            covered += refund.amount
    unexplained = refunded - sum(r.amount for r in refunds)
    if unexplained <= 0:
        return
    _take_back(deposit, unexplained, refunded)


def _take_back(deposit: Deposit, amount: int, refunded: int) -> None:
    """Take ``amount`` the gateway gave back without us from the wallet, the rest owed."""
    user_id = deposit.user_id
    # The wallet's balance is read, then posted against under its lock; a spend in between
    # makes the posting refuse, and the balance is read again.
    for _attempt in range(3):
        held = max(_balance(ledger.wallet(user_id).reference), 0)
        taken = min(held, amount)
        shortfall = amount - taken
        entries = [(ledger.gateway(deposit.provider), amount)]
        if taken:
            entries.append((ledger.wallet(user_id), -taken))
        if shortfall:
            entries.append((ledger.owed(user_id), -shortfall))
        try:
            with transaction.atomic():
                refund = DepositRefund.objects.create(
                    deposit=deposit,
                    origin=DepositRefund.Origin.GATEWAY,
                    status=DepositRefund.Status.REFUNDED,
                    amount=amount,
                    taken_from_wallet=taken,
                    shortfall=shortfall,
                    reason=_("Refunded or charged back at the gateway."),
                    idempotency_key=f"deposit:{deposit.pk}:gateway_refund:{refunded}",
                    completed_at=timezone.now(),
                )
                ledger.post(
                    kind=Kind.CHARGEBACK,
                    key=f"deposit_refund:{refund.pk}:chargeback",
                    reference=f"deposit:{deposit.pk}",
                    entries=entries,
                    description=f"Top-up {deposit.reference} taken back by {deposit.provider}",
                )
        except PaymentRequired:
            continue
        break
    else:  # pragma: no cover - three spends racing the same webhook
        raise Conflict(_("The wallet changed while a refund was taken; try again."))
    logger.warning(
        "gateway %s took back %s of deposit %s; %s owed",
        deposit.provider,
        amount,
        deposit.reference,
        shortfall,
    )
    if shortfall:
        notices.notify(
            deposit.user,
            notices.DEPOSIT_TAKEN_BACK_OWED,
            subject=refund,
            amount=rupiah(amount),
            owed=rupiah(shortfall),
        )
    else:
        notices.notify(
            deposit.user, notices.DEPOSIT_TAKEN_BACK, subject=refund, amount=rupiah(amount)
        )


# --- debts ---------------------------------------------------------------------------------


def owed_settle(*, user_id: int) -> int:
    """Settle the user's debt to Garap from their wallet, as far as it holds; how much was
    settled. Call it inside a transaction (a top-up's credit, a withdrawal)."""
    owed = owed_amount(user_id=user_id)
    if owed <= 0:
        return 0
    held = _balance(ledger.wallet(user_id).reference)
    settled = min(owed, held)
    if settled <= 0:
        return 0
    # Keyed by the debt's and the wallet's state: the same settlement is posted once.
    txn_count = LedgerTransaction.objects.filter(
        kind=Kind.OWED_SETTLED, reference=f"owed:{user_id}"
    ).count()
    ledger.post(
        kind=Kind.OWED_SETTLED,
        key=f"owed:{user_id}:settled:{txn_count + 1}",
        reference=f"owed:{user_id}",
        entries=[(ledger.wallet(user_id), -settled), (ledger.owed(user_id), settled)],
        description="Debt to Garap settled from the wallet",
    )
    return settled


def ensure_nothing_owed(user: User) -> None:
    """A withdrawal's guard: refused (402 ``money_owed``) while the user owes Garap anything."""
    owed = owed_amount(user_id=user.pk)
    if owed > 0:
        raise PaymentRequired(
            _(
                "A payment of yours was taken back by the bank after you had used the money: "
                "you owe Garap %(owed)s. Your next top-up settles it from your wallet; until "
                "then you cannot withdraw."
            )
            % {"owed": rupiah(owed)},
            code="money_owed",
            missing=owed,
        )
