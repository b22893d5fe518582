"""Escrow for other apps: funding, release, refund and a dispute's split.

Each posts through ``payments.services.ledger.post`` with an idempotency key derived from the
reference, so a repeat of any call moves no money a second time. Escrow is keyed by an opaque
reference such as ``"milestone:42"``: payments knows nothing of milestones, and projects calls
these with plain values.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.formatting import rupiah
from payments.fees import platform_fee, split_shares
from payments.models import LedgerTransaction
from payments.services import ledger

Kind = LedgerTransaction.Kind


def escrow_fund(*, reference: str, payer_id: int, amount: int) -> LedgerTransaction:
    """Move ``amount`` from the payer's wallet into the escrow of ``reference``.

    Raises ``PaymentRequired`` (402) naming how much to top up when the wallet holds too little.
    """
    return ledger.post(
        kind=Kind.FUND,
        key=f"fund:{reference}",
        reference=reference,
        entries=[(ledger.wallet(payer_id), -amount), (ledger.escrow(reference, payer_id), amount)],
        description=f"Funded {reference}",
    )


def escrow_release(
    *, reference: str, payer_id: int, payee_id: int, amount: int
) -> LedgerTransaction:
    """Pay the escrow out: ``amount`` less the platform fee to the payee, the fee to Garap."""
    fee = platform_fee(amount)
    entries = [(ledger.escrow(reference, payer_id), -amount)]
    if amount - fee:  # a 100 % fee leaves the payee nothing, and entries are never zero
        entries.append((ledger.wallet(payee_id), amount - fee))
    if fee:
        entries.append((ledger.platform_fees(), fee))
    return ledger.post(
        kind=Kind.RELEASE,
        key=f"release:{reference}",
        reference=reference,
        entries=entries,
        description=f"Released {reference}",
    )


def escrow_refund(*, reference: str, payer_id: int, amount: int) -> LedgerTransaction:
    """Return the whole escrow to the payer's wallet."""
    return ledger.post(
        kind=Kind.REFUND,
        key=f"refund:{reference}",
        reference=reference,
        entries=[(ledger.escrow(reference, payer_id), -amount), (ledger.wallet(payer_id), amount)],
        description=f"Refunded {reference}",
    )


def escrow_split(
    *, reference: str, payer_id: int, payee_id: int, amount: int, payee_amount: int
) -> LedgerTransaction:
    """Settle a dispute: ``payee_amount`` (less the fee on it) to the payee, the rest back to
    the payer. The fee is taken only on what the payee receives."""
    if not 0 <= payee_amount <= amount:
        raise DomainError(
            _("The freelancer's share must be between Rp 0 and %(amount)s.")
            % {"amount": rupiah(amount)},
            fields={"freelancer_amount": [_("Out of range.")]},
        )
    shares = split_shares(amount, payee_amount)
    entries = [(ledger.escrow(reference, payer_id), -amount)]
    if shares.received:
        entries.append((ledger.wallet(payee_id), shares.received))
    if shares.fee:
        entries.append((ledger.platform_fees(), shares.fee))
    if shares.returned:
        entries.append((ledger.wallet(payer_id), shares.returned))
    return ledger.post(
        kind=Kind.RESOLVE,
        key=f"resolve:{reference}",
        reference=reference,
        entries=entries,
        description=f"Dispute settled for {reference}",
    )
