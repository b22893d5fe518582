"""Money-moving services: escrow for other apps, deposits, withdrawals.

Everything here posts through ``payments.ledger.post`` inside one transaction with the state
change it belongs to, under row locks, with an idempotency key derived from the object — so a
repeat of any call moves no money a second time. Escrow is keyed by an opaque reference such as
``"milestone:42"``: payments knows nothing of milestones.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ModeratorAction, User
from accounts.notices import NoticeKind
from accounts.selectors import user_is_suspended
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import Conflict, DomainError, NotFound, PaymentRequired, PermissionDenied
from marketplace.formatting import rupiah
from marketplace.ratelimit import rate_limit
from marketplace.state import ensure_transition
from marketplace.tasks import enqueue_on_commit
from marketplace.transactions import atomic_with_retry
from payments import gateways, ledger, notices
from payments.fees import platform_fee
from payments.models import Deposit, LedgerTransaction, Withdrawal

Kind = LedgerTransaction.Kind


# --- escrow (called by projects with plain values) ------------------------------------------


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
    fee = platform_fee(payee_amount)
    entries = [(ledger.escrow(reference, payer_id), -amount)]
    if payee_amount - fee:
        entries.append((ledger.wallet(payee_id), payee_amount - fee))
    if fee:
        entries.append((ledger.platform_fees(), fee))
    if amount - payee_amount:
        entries.append((ledger.wallet(payer_id), amount - payee_amount))
    return ledger.post(
        kind=Kind.RESOLVE,
        key=f"resolve:{reference}",
        reference=reference,
        entries=entries,
        description=f"Dispute settled for {reference}",
    )


# --- deposits -------------------------------------------------------------------------------


@atomic_with_retry
def deposit_create(
    *, user: User, amount: int, provider: str | None = None, return_url: str = ""
) -> Deposit:
    """Start a top-up: a pending deposit and the gateway's checkout URL. No money moves until
    the gateway's signed webhook says it was paid. ``return_url`` is where the gateway's page
    sends the payer back (the web wallet for a top-up started there; none from the API)."""
    rate_limit(
        "deposits",
        user.pk,
        settings.DEPOSIT_RATE,
        _("You started many top-ups in a short time. Wait %(seconds)d seconds and try again."),
    )
    provider = provider or settings.PAYMENT_GATEWAY
    gateway = gateways.get(provider)
    if gateway is None:
        raise DomainError(_("Unknown payment gateway."), fields={"provider": [_("Unknown.")]})
    if not settings.DEPOSIT_MIN_AMOUNT <= amount <= settings.DEPOSIT_MAX_AMOUNT:
        raise DomainError(
            _("Top up between %(min)s and %(max)s.")
            % {
                "min": rupiah(settings.DEPOSIT_MIN_AMOUNT),
                "max": rupiah(settings.DEPOSIT_MAX_AMOUNT),
            },
            fields={"amount": [_("Out of range.")]},
        )
    deposit = Deposit.objects.create(
        user=user, amount=amount, provider=provider, reference=uuid.uuid4().hex
    )
    checkout = gateway.create_checkout(deposit, return_url=return_url)
    deposit.checkout_url = checkout.url
    deposit.provider_reference = checkout.provider_reference
    deposit.save(update_fields=["checkout_url", "provider_reference"])
    return deposit


@atomic_with_retry
def deposit_complete(*, provider: str, reference: str, status: str, amount: int) -> Deposit:
    """Apply a gateway's verified webhook. Idempotent: a replayed or duplicated "paid" credits
    the wallet once (the deposit's row lock and the ledger key both guard it).

    Raises ``NotFound`` for a reference we never issued and ``Conflict`` for an amount that
    differs from the deposit's or a "paid" after the deposit failed or expired.
    """
    deposit = (
        Deposit.objects.select_for_update(of=("self",), no_key=True)
        .filter(reference=reference, provider=provider)
        .first()
    )
    if deposit is None:
        raise NotFound(_("Unknown deposit reference."), code="unknown_reference")
    if amount != deposit.amount:
        raise Conflict(_("The amount does not match the deposit."), code="amount_mismatch")
    target = Deposit.Status.PAID if status == "paid" else Deposit.Status.FAILED
    if deposit.status == target:
        return deposit
    ensure_transition(deposit, target)
    if target == Deposit.Status.PAID:
        ledger.post(
            kind=Kind.DEPOSIT,
            key=f"deposit:{deposit.pk}",
            reference=f"deposit:{deposit.pk}",
            entries=[(ledger.gateway(provider), -amount), (ledger.wallet(deposit.user_id), amount)],
            description=f"Top-up via {provider}",
        )
    deposit.status = target
    deposit.completed_at = timezone.now()
    deposit.save(update_fields=["status", "completed_at"])
    kind = notices.DEPOSIT_PAID if target == Deposit.Status.PAID else notices.DEPOSIT_FAILED
    notices.notify(
        deposit.user,
        kind,
        subject=deposit,
        amount=rupiah(deposit.amount),
    )
    return deposit


def sandbox_pay(*, reference: str, status: str) -> None:
    """The sandbox checkout page's "pay" or "fail": the sandbox gateway sends its webhook."""
    from payments.tasks import deliver_sandbox_webhook

    deposit = Deposit.objects.filter(reference=reference, provider="sandbox").first()
    if deposit is None or not gateways.sandbox_enabled():
        raise NotFound(_("Unknown deposit reference."))
    if deposit.status == Deposit.Status.PENDING and not deposit.gateway_outcome:
        Deposit.objects.filter(pk=deposit.pk, gateway_outcome="").update(
            gateway_outcome=status, gateway_outcome_at=timezone.now()
        )
    enqueue_on_commit(deliver_sandbox_webhook, deposit.reference, status, deposit.amount)


def sandbox_unconfirmed(*, older_than: datetime, limit: int) -> list[Deposit]:
    """Sandbox checkouts whose webhook has not been confirmed by now (its task was lost, or our
    site was down longer than its retries): the sandbox sends them again."""
    return list(
        Deposit.objects.filter(
            status=Deposit.Status.PENDING,
            gateway_outcome_at__isnull=False,
            gateway_outcome_at__lte=older_than,
            provider="sandbox",
        ).order_by("gateway_outcome_at")[:limit]
    )


# --- withdrawals ----------------------------------------------------------------------------


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

    Refused for a suspended user, under ``WITHDRAWAL_MIN_AMOUNT``, or beyond the wallet's
    balance (402, nothing written).
    """
    if user_is_suspended(user_id=user.pk):
        raise PermissionDenied(
            _("Your account is suspended, so you cannot withdraw now."), code="suspended"
        )
    if amount < settings.WITHDRAWAL_MIN_AMOUNT:
        raise DomainError(
            _("The minimum withdrawal is %(min)s.")
            % {"min": rupiah(settings.WITHDRAWAL_MIN_AMOUNT)},
            fields={"amount": [_("Below the minimum.")]},
        )
    withdrawal = Withdrawal.objects.create(
        user=user,
        amount=amount,
        method=method,
        bank_code=bank_code.upper(),
        account_number=account_number,
        holder_name=holder_name,
    )
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


def _lock_withdrawal(withdrawal_id: int) -> Withdrawal:
    withdrawal = (
        Withdrawal.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk=withdrawal_id)
        .first()
    )
    if withdrawal is None:
        raise NotFound(_("Withdrawal not found."))
    return withdrawal


Action = ModeratorAction.Action


def _ensure_processor(staff: User) -> None:
    if not (staff.is_staff and staff.has_perm("payments.process_withdrawal")):
        raise PermissionDenied(_("Only finance staff can process withdrawals."))


@records_refused_attempts
@atomic_with_retry
def withdrawal_mark_paid(*, withdrawal_id: int, staff: User) -> Withdrawal:
    """Staff sent the money: it leaves pending for the payouts account. Idempotent. Never
    one's own withdrawal (``StaffIsParty``, the attempt recorded)."""
    _ensure_processor(staff)
    withdrawal = _lock_withdrawal(withdrawal_id)
    ensure_staff_not_party(staff=staff, action=Action.MARK_WITHDRAWAL_PAID, obj=withdrawal)
    if withdrawal.status == Withdrawal.Status.PAID:
        return withdrawal
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
    _ensure_processor(staff)
    withdrawal = _lock_withdrawal(withdrawal_id)
    ensure_staff_not_party(staff=staff, action=Action.REJECT_WITHDRAWAL, obj=withdrawal)
    if withdrawal.status == Withdrawal.Status.REJECTED:
        return withdrawal
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
