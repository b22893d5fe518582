"""What a receipt (kuitansi) needs: one paid payment of the user's own, in a constant number
of queries. Anyone else's, or one not paid (yet), is not found: a receipt exists only for
money that moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from django.utils.translation import gettext as _

from marketplace.errors import NotFound
from payments.models import Account, Deposit, Entry, LedgerTransaction, Withdrawal
from payments.purposes import Described, describe
from payments.services import ledger

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Receipt:
    kind: str  # "deposit", "withdrawal" or "release"
    number: str  # ours, unique: "KW-D-00000012"
    holder: str  # the user's public name
    holder_email: str
    language: str  # the user's preferred language: the receipt's
    amount: int  # whole rupiah: paid in, paid out, or released before the fee
    moment: datetime  # when the money moved (UTC; shown in WIB)
    reference: str  # ours
    gateway_reference: str = ""  # the gateway's, where there is one
    fee: int = 0  # whole rupiah: Garap's platform fee (releases)
    net: int = 0  # whole rupiah: what reached the wallet (releases)
    destination: str = ""  # withdrawals: bank or e-wallet and account, mostly hidden
    method: str = ""  # withdrawals: "bank transfer" or "e-wallet"
    provider: str = ""  # deposits: the gateway
    purpose: Described | None = None  # what the payment was for, beyond the wallet


class _Holder(TypedDict):
    holder: str
    holder_email: str
    language: str


def _holder(user: User) -> _Holder:
    return {
        "holder": user.public_name,
        "holder_email": user.email,
        "language": user.preferred_language,
    }


def _masked(account_number: str) -> str:
    return "··" + account_number[-4:]


def deposit_receipt(*, user: User, deposit_id: int) -> Receipt:
    deposit = Deposit.objects.filter(pk=deposit_id, user=user, status=Deposit.Status.PAID).first()
    if deposit is None:
        raise NotFound(_("Receipt not found."))
    return Receipt(
        kind="deposit",
        number=f"KW-D-{deposit.pk:08d}",
        amount=deposit.amount,
        moment=deposit.completed_at or deposit.created_at,
        reference=deposit.reference,
        gateway_reference=deposit.provider_reference,
        provider=deposit.provider,
        purpose=describe(deposit.purpose) if deposit.purpose else None,
        **_holder(user),
    )


def withdrawal_receipt(*, user: User, withdrawal_id: int) -> Receipt:
    withdrawal = Withdrawal.objects.filter(
        pk=withdrawal_id, user=user, status=Withdrawal.Status.PAID
    ).first()
    if withdrawal is None:
        raise NotFound(_("Receipt not found."))
    return Receipt(
        kind="withdrawal",
        number=f"KW-W-{withdrawal.pk:08d}",
        amount=withdrawal.amount,
        moment=withdrawal.processed_at or withdrawal.created_at,
        reference=f"withdrawal:{withdrawal.pk}",
        method=str(withdrawal.get_method_display()),
        destination=f"{withdrawal.bank_code} {_masked(withdrawal.account_number)} "
        f"({withdrawal.holder_name})",
        **_holder(user),
    )


def release_receipt(*, user: User, transaction_id: int) -> Receipt:
    """A milestone's release into the user's wallet: the amount, Garap's fee, what they got."""
    entries = list(
        Entry.objects.filter(
            transaction_id=transaction_id, transaction__kind=LedgerTransaction.Kind.RELEASE
        ).select_related("transaction", "account")
    )
    wallet = ledger.wallet(user.pk).reference
    net = sum(e.amount for e in entries if e.account.reference == wallet)
    if not net:
        raise NotFound(_("Receipt not found."))
    txn = entries[0].transaction
    fee = sum(e.amount for e in entries if e.account.kind == Account.Kind.PLATFORM_FEES)
    return Receipt(
        kind="release",
        number=f"KW-R-{txn.pk:08d}",
        amount=net + fee,
        fee=fee,
        net=net,
        moment=txn.created_at,
        reference=txn.reference,
        purpose=describe(txn.reference),
        **_holder(user),
    )
