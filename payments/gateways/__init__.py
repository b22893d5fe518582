"""Payment gateways. Each is a module with a ``Gateway`` subclass; ``get`` finds one by name.

Adding an Indonesian gateway (Midtrans, Xendit) means one more module implementing
``create_checkout`` and ``parse_webhook`` and one line in ``GATEWAYS``.
"""

from __future__ import annotations

from payments.gateways.base import Gateway, InvalidWebhook, WebhookEvent
from payments.gateways.sandbox import SandboxGateway

GATEWAYS: dict[str, type[Gateway]] = {SandboxGateway.name: SandboxGateway}


def get(name: str) -> Gateway | None:
    gateway_class = GATEWAYS.get(name)
    return gateway_class() if gateway_class else None


__all__ = ["GATEWAYS", "Gateway", "InvalidWebhook", "WebhookEvent", "get"]
