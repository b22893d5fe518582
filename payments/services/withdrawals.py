"""Withdrawals: requested by the wallet's owner, then paid out through the payout gateway
(``payments.services.payouts``) or, on a site without one (the sandbox), paid or rejected by
finance staff by hand.

The amount moves from the wallet to pending withdrawal when it is requested, and on to the
payouts account (or back to the wallet) when it is paid (or not) — each in one transaction with
the state change, under the withdrawal's row lock, with a ledger key derived from it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ModeratorAction, User
from accounts.notices import NoticeKind
from accounts.selectors import user_is_suspended
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import (
    Conflict,
    DomainError,
    PaymentRequired,
    PermissionDenied,
)
from marketplace.formatting import rupiah
from marketplace.state import ensure_transition
from marketplace.tasks import enqueue_on_commit
from marketplace.transactions import atomic_with_retry
from payments import gateways, notices
from payments.models import LedgerTransaction, Withdrawal
from payments.services import ledger
from payments.services.chargebacks import ensure_nothing_owed
from payments.services.identity import ensure_identity_approved
from payments.services.payout_destinations import destination_of
from payments.services.payouts import ensure_processor, lock_withdrawal, start_sending

Kind = LedgerTransaction.Kind


@atomic_with_retry
def withdrawal_request_to(*, user: User, amount: int, destination_id: int) -> Withdrawal:
    """Withdraw ``amount`` to one of the user's payout destinations (``withdrawal_request``'s
    refusals, and 400 for a destination that is not theirs). With a payout gateway it is sent
    once the transaction commits (``payments.tasks.withdrawal_send_payout``)."""
    destination = destination_of(user=user, destination_id=destination_id)
    gateway = gateways.payout_gateway()
    withdrawal = _withdraw(
        user=user,
        amount=amount,
        fields={
            "destination": destination,
            "channel_code": destination.channel_code,
            "method": destination.kind,
            # The short code people know the bank by, for receipts and the history.
            "bank_code": destination.channel_code.removeprefix("ID_")[:20],
            "account_number": destination.account_number,
            "holder_name": destination.holder_name,
        },
        sending=gateway is not None,
    )
    if gateway is not None:
        from payments.tasks import withdrawal_send_payout

        enqueue_on_commit(withdrawal_send_payout, withdrawal.pk)
    return withdrawal


@atomic_with_retry
def withdrawal_request(
    *,
    user: User,
    amount: int,
    method: str,
    bank_code: str,
    account_number: str,
    holder_name: str,
) -> Withdrawal:
    """Move ``amount`` from the wallet to pending withdrawal at once; staff then pay or reject.
    The account typed in, for a site whose finance pays by hand: with a payout gateway money
    goes only to a payout destination in the user's verified name (``withdrawal_request_to``).

    Refused for a suspended user, one whose identity is not approved (403
    ``identity_not_verified``: every withdrawal needs it, see ``payments.services.identity``),
    under ``WITHDRAWAL_MIN_AMOUNT``, or beyond the wallet's balance (402, nothing written).
    """
    if gateways.payout_gateway() is not None:
        raise DomainError(
            _("Choose one of your payout accounts to withdraw to."),
            fields={"destination": [_("Required.")]},
        )
    return _withdraw(
        user=user,
        amount=amount,
        fields={
            "method": method,
            "bank_code": bank_code.upper(),
            "account_number": account_number,
            "holder_name": holder_name,
        },
        sending=False,
    )


def _withdraw(*, user: User, amount: int, fields: dict[str, Any], sending: bool) -> Withdrawal:
    if user_is_suspended(user_id=user.pk):
        raise PermissionDenied(
            _("Your account is suspended, so you cannot withdraw now."), code="suspended"
        )
    ensure_identity_approved(user=user)
    ensure_nothing_owed(user)
    if amount < settings.WITHDRAWAL_MIN_AMOUNT:
        raise DomainError(
            _("The minimum withdrawal is %(min)s.")
            % {"min": rupiah(settings.WITHDRAWAL_MIN_AMOUNT)},
            fields={"amount": [_("Below the minimum.")]},
        )
    withdrawal = Withdrawal.objects.create(user=user, amount=amount, **fields)
    if sending:
        start_sending(withdrawal)
    try:
        ledger.post(
            kind=Kind.WITHDRAWAL_REQUEST,
            key=f"withdrawal:{withdrawal.pk}:request",
            reference=f"withdrawal:{withdrawal.pk}",
            entries=[
                (ledger.wallet(user.pk), -amount),
                (ledger.pending_withdrawal(user.pk), amount),
            ],
            description=f"Withdrawal to {withdrawal.bank_code}",
        )
    except PaymentRequired as exc:
        # The ledger's "top up" hint makes no sense for money going out: say what is there.
        available = rupiah(amount - exc.missing)
        raise PaymentRequired(
            _("You can withdraw at most %(available)s.") % {"available": available},
            fields={
                "amount": [
                    _("More than your available balance of %(available)s.")
                    % {"available": available}
                ]
            },
            missing=exc.missing,
        ) from None
    return withdrawal


Action = ModeratorAction.Action


def _ensure_paid_by_hand(withdrawal: Withdrawal) -> None:
    """Marking paid or rejecting by hand is for a site without a payout gateway, and for a
    withdrawal never sent to one: otherwise the gateway's webhook decides (a hand "rejected"
    of a payout the gateway makes would pay the money out and give it back)."""
    if gateways.payout_gateway() is not None or withdrawal.went_to_gateway:
        raise Conflict(
            _("This withdrawal is paid out through the payment gateway; its answer settles it."),
            code="paid_by_gateway",
        )


@records_refused_attempts
@atomic_with_retry
def withdrawal_mark_paid(*, withdrawal_id: int, staff: User) -> Withdrawal:
    """Staff sent the money: it leaves pending for the payouts account. Idempotent. Never
    one's own withdrawal (``StaffIsParty``, the attempt recorded)."""
    ensure_processor(staff)
    withdrawal = lock_withdrawal(withdrawal_id)
    ensure_staff_not_party(staff=staff, action=Action.MARK_WITHDRAWAL_PAID, obj=withdrawal)
    if withdrawal.status == Withdrawal.Status.PAID:
        return withdrawal
    _ensure_paid_by_hand(withdrawal)
    ensure_transition(withdrawal, Withdrawal.Status.PAID)
    ledger.post(
        kind=Kind.WITHDRAWAL_PAID,
        key=f"withdrawal:{withdrawal.pk}:paid",
        reference=f"withdrawal:{withdrawal.pk}",
        entries=[
            (ledger.pending_withdrawal(withdrawal.user_id), -withdrawal.amount),
            (ledger.payouts(), withdrawal.amount),
        ],
        description=f"Paid to {withdrawal.bank_code}",
    )
    withdrawal.status = Withdrawal.Status.PAID
    withdrawal.processed_by, withdrawal.processed_at = staff, timezone.now()
    withdrawal.save(update_fields=["status", "processed_by", "processed_at"])
    audit_record(moderator=staff, action=Action.MARK_WITHDRAWAL_PAID, target=withdrawal)
    _notify_withdrawal(withdrawal, notices.WITHDRAWAL_PAID)
    return withdrawal


def _notify_withdrawal(withdrawal: Withdrawal, kind: NoticeKind) -> None:
    notices.notify(
        withdrawal.user,
        kind,
        subject=withdrawal,
        amount=rupiah(withdrawal.amount),
        bank=withdrawal.bank_code,
        reason=withdrawal.rejection_reason,
    )


@records_refused_attempts
@atomic_with_retry
def withdrawal_reject(*, withdrawal_id: int, staff: User, reason: str) -> Withdrawal:
    """Staff could not pay it: the money returns to the wallet. Idempotent. Never one's own."""
    ensure_processor(staff)
    withdrawal = lock_withdrawal(withdrawal_id)
    ensure_staff_not_party(staff=staff, action=Action.REJECT_WITHDRAWAL, obj=withdrawal)
    if withdrawal.status == Withdrawal.Status.REJECTED:
        return withdrawal
    _ensure_paid_by_hand(withdrawal)
    ensure_transition(withdrawal, Withdrawal.Status.REJECTED)
    ledger.post(
        kind=Kind.WITHDRAWAL_REJECTED,
        key=f"withdrawal:{withdrawal.pk}:rejected",
        reference=f"withdrawal:{withdrawal.pk}",
        entries=[
            (ledger.pending_withdrawal(withdrawal.user_id), -withdrawal.amount),
            (ledger.wallet(withdrawal.user_id), withdrawal.amount),
        ],
        description="Withdrawal returned",
    )
    withdrawal.status = Withdrawal.Status.REJECTED
    withdrawal.rejection_reason = reason[:300]
    withdrawal.processed_by, withdrawal.processed_at = staff, timezone.now()
    withdrawal.save(update_fields=["status", "rejection_reason", "processed_by", "processed_at"])
    audit_record(
        moderator=staff,
        action=Action.REJECT_WITHDRAWAL,
        target=withdrawal,
        reason=withdrawal.rejection_reason,
    )
    _notify_withdrawal(withdrawal, notices.WITHDRAWAL_REJECTED)
    return withdrawal
