"""Top-ups: a deposit opened at the gateway, then completed by its signed webhook.

The wallet is credited in the transaction that marks the deposit paid, under the deposit's row
lock and with a ledger key derived from it, so a replayed or duplicated webhook credits once.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.formatting import rupiah
from marketplace.ratelimit import rate_limit
from marketplace.state import ensure_transition
from marketplace.tasks import enqueue_on_commit
from marketplace.transactions import atomic_with_retry
from payments import gateways, notices, purposes
from payments.models import Deposit, LedgerTransaction
from payments.services import chargebacks, ledger

Kind = LedgerTransaction.Kind
logger = logging.getLogger(__name__)
# Garap takes rupiah only; a gateway reporting another currency is refused whatever the amount.
DEPOSIT_CURRENCY = "IDR"


@atomic_with_retry
def deposit_create(
    *,
    user: User,
    amount: int,
    provider: str | None = None,
    return_url: str = "",
    purpose: str = "",
) -> Deposit:
    """Start a payment: a pending deposit and the gateway's checkout URL. No money moves until
    the gateway's signed webhook says it was paid (and its API confirms it). ``return_url`` is
    where the gateway's page sends the payer back (the page the payment was started on; none
    from the API); ``purpose`` what the payment is for beyond the wallet (``payments.purposes``).

    The gateway is asked inside the transaction, bounded by its timeout: when it does not answer
    (``GatewayUnavailable``, a 503) the deposit is not kept and nothing was charged."""
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
        user=user, amount=amount, provider=provider, reference=uuid.uuid4().hex, purpose=purpose
    )
    checkout = gateway.create_checkout(deposit, return_url=return_url)
    deposit.checkout_url = checkout.url
    deposit.provider_reference = checkout.provider_reference
    deposit.save(update_fields=["checkout_url", "provider_reference"])
    return deposit


@atomic_with_retry
def deposit_complete(
    *,
    provider: str,
    reference: str,
    status: str,
    amount: int,
    currency: str = "IDR",
    refunded: int = 0,
) -> Deposit:
    """Apply a gateway's verified and confirmed payment status. Idempotent: a replayed or
    duplicated "paid" credits the wallet once (the deposit's row lock and the ledger key both
    guard it). A paid deposit with a purpose does what it was for in the same transaction
    (``payments.purposes``); "pending" changes nothing.

    Raises ``NotFound`` for a reference we never issued and ``Conflict`` for an amount or a
    currency that differs from the deposit's, or a "paid" after the deposit failed or expired.
    "refunded" with ``refunded``, the total the gateway gave back, takes it back once
    (``payments.services.chargebacks.deposit_refunded_by_gateway``).
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
    if currency != DEPOSIT_CURRENCY:
        raise Conflict(_("The currency does not match the deposit."), code="currency_mismatch")
    if status == "pending":
        return deposit
    if status == "refunded":
        # ``refunded`` is all the gateway has given back: our own refunds are closed, the rest
        # taken from the wallet (``payments.services.chargebacks``).
        chargebacks.deposit_refunded_by_gateway(deposit=deposit, refunded=refunded)
        return deposit
    target = Deposit.Status.PAID if status == "paid" else Deposit.Status.FAILED
    if deposit.status == target:
        return deposit
    ensure_transition(deposit, target)
    if target == Deposit.Status.PAID:

        def credit() -> None:
            ledger.post(
                kind=Kind.DEPOSIT,
                key=f"deposit:{deposit.pk}",
                reference=f"deposit:{deposit.pk}",
                entries=[
                    (ledger.gateway(provider), -amount),
                    (ledger.wallet(deposit.user_id), amount),
                ],
                description=f"Top-up via {provider}",
            )
            # New money settles a debt to Garap first (a payment taken back earlier).
            chargebacks.owed_settle(user_id=deposit.user_id)

        purposes.settle(deposit, credit)
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
