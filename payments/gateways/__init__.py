"""Payment gateways. Each is a module with a ``Gateway`` subclass; ``get`` finds one by name.

Adding an Indonesian gateway (Midtrans, Xendit) means one more module implementing
``create_checkout`` and ``parse_webhook`` and one line in ``GATEWAYS``.

Payouts (money out, ``payments.gateways.payouts``) go through the payout gateway of the same
name as ``PAYMENT_GATEWAY``, when ``PAYOUT_GATEWAYS`` has one; a site without one (the sandbox)
pays withdrawals out by hand: finance marks them paid.
"""

from __future__ import annotations

from django.conf import settings

from payments.gateways.base import (
    Gateway,
    GatewayUnavailable,
    InvalidWebhook,
    PaymentMethod,
    WebhookEvent,
)
from payments.gateways.manual_payouts import MANUAL_CHANNELS
from payments.gateways.midtrans import MidtransGateway
from payments.gateways.midtrans_payouts import MidtransPayoutGateway
from payments.gateways.payouts import PayoutChannel, PayoutGateway
from payments.gateways.sandbox import SandboxGateway
from payments.gateways.xendit import XenditGateway
from payments.gateways.xendit_payouts import XenditPayoutGateway

GATEWAYS: dict[str, type[Gateway]] = {
    SandboxGateway.name: SandboxGateway,
    MidtransGateway.name: MidtransGateway,
    XenditGateway.name: XenditGateway,
}

# The payout gateway that goes with each payment gateway; one missing: payouts by hand.
PAYOUT_GATEWAYS: dict[str, type[PayoutGateway]] = {
    MidtransPayoutGateway.name: MidtransPayoutGateway,
    XenditPayoutGateway.name: XenditPayoutGateway,
}


def enabled(name: str) -> bool:
    """Whether gateway ``name`` is the one this site uses. Only that one opens checkouts and
    has its webhooks heard: the sandbox's one-click checkout and its webhook do not exist on a
    site that takes real payments."""
    return name == settings.PAYMENT_GATEWAY and name in GATEWAYS


def sandbox_enabled() -> bool:
    return enabled(SandboxGateway.name)


def get(name: str) -> Gateway | None:
    """The gateway called ``name`` if it is the enabled one, else None (a 404 for webhooks)."""
    return GATEWAYS[name]() if enabled(name) else None


def payout_gateway() -> PayoutGateway | None:
    """The gateway withdrawals are paid out through, or None: finance pays them by hand."""
    gateway = PAYOUT_GATEWAYS.get(settings.PAYMENT_GATEWAY)
    return gateway() if gateway is not None else None


def payout_gateway_named(name: str) -> PayoutGateway | None:
    """The payout gateway called ``name`` if it is the enabled one (its webhooks), else None."""
    return PAYOUT_GATEWAYS[name]() if enabled(name) and name in PAYOUT_GATEWAYS else None


def payout_channels() -> tuple[PayoutChannel, ...]:
    """The banks and e-wallets a payout destination may be at: the payout gateway's, or the
    fixed list finance pays to by hand."""
    gateway = payout_gateway()
    return gateway.channels() if gateway is not None else MANUAL_CHANNELS


__all__ = [
    "GATEWAYS",
    "PAYOUT_GATEWAYS",
    "Gateway",
    "GatewayUnavailable",
    "InvalidWebhook",
    "PaymentMethod",
    "PayoutChannel",
    "PayoutGateway",
    "WebhookEvent",
    "enabled",
    "get",
    "payout_channels",
    "payout_gateway",
    "payout_gateway_named",
    "sandbox_enabled",
]
