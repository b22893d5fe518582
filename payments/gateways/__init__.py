"""Payment gateways. Each is a module with a ``Gateway`` subclass; ``get`` finds one by name.

Adding an Indonesian gateway (Midtrans, Xendit) means one more module implementing
``create_checkout`` and ``parse_webhook`` and one line in ``GATEWAYS``.
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
from payments.gateways.midtrans import MidtransGateway
from payments.gateways.sandbox import SandboxGateway
from payments.gateways.xendit import XenditGateway

GATEWAYS: dict[str, type[Gateway]] = {
    SandboxGateway.name: SandboxGateway,
    MidtransGateway.name: MidtransGateway,
    XenditGateway.name: XenditGateway,
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


__all__ = [
    "GATEWAYS",
    "Gateway",
    "GatewayUnavailable",
    "InvalidWebhook",
    "PaymentMethod",
    "WebhookEvent",
    "enabled",
    "get",
    "sandbox_enabled",
]
