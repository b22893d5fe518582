"""The sandbox gateway: behaves like a real one, on our own server.

It exists only while ``PAYMENT_GATEWAY`` is ``sandbox``: its checkout page and its webhook
answer 404 otherwise, and production refuses it unless a staging site opts in
(``ALLOW_SANDBOX_GATEWAY``, with a secret of its own; see ``payments.checks``).

The deposit gets a checkout URL (``/payments/sandbox/checkout/<reference>/``); paying there
makes the "gateway" send its webhook as a real HTTP POST to our webhook endpoint, with the body
signed by HMAC-SHA256 under ``SANDBOX_WEBHOOK_SECRET`` in the ``X-Sandbox-Signature`` header —
the same protocol shape as Midtrans' and Xendit's callbacks. It is delivered by a Celery task
that retries, as real gateways do.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from payments.gateways.base import Checkout, Gateway, InvalidWebhook, RefundResult, WebhookEvent

if TYPE_CHECKING:
    from payments.models import Deposit

SIGNATURE_HEADER = "X-Sandbox-Signature"


def sign(body: bytes) -> str:
    digest = hmac.new(settings.SANDBOX_WEBHOOK_SECRET.encode(), body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def webhook_body(*, reference: str, status: str, amount: int, event_id: str | None = None) -> bytes:
    event = {
        "event_id": event_id or f"evt_{uuid.uuid4().hex}",
        "reference": reference,
        "status": status,
        "amount": amount,
    }
    return json.dumps(event, separators=(",", ":"), sort_keys=True).encode()


class SandboxGateway(Gateway):
    name = "sandbox"
    secret_setting = "SANDBOX_WEBHOOK_SECRET"  # noqa: S105 - a setting's name
    live = False  # anyone may "pay" on its checkout page: development, the demo, staging
    offers_refunds = True

    def create_checkout(self, deposit: Deposit, *, return_url: str = "") -> Checkout:
        path = reverse("sandbox-checkout", kwargs={"reference": deposit.reference})
        if return_url:
            # Carried in the checkout URL, as real gateways carry it in the payment they open.
            path += "?" + urlencode({"return": return_url})
        return Checkout(
            url=settings.SITE_URL.rstrip("/") + path,
            provider_reference=f"sbx_{uuid.uuid4().hex[:16]}",
        )

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookEvent:
        signature = headers.get(SIGNATURE_HEADER, "")
        # Compared as bytes: a header may carry any byte (WSGI hands it over decoded as
        # Latin-1), and compare_digest raises on a str that is not ASCII. A non-ASCII
        # signature is simply one that does not match.
        if not hmac.compare_digest(signature.encode("utf-8", "replace"), sign(body).encode()):
            raise InvalidWebhook("bad signature")
        try:
            event = json.loads(body)
            status, amount = event["status"], event["amount"]
            reference, event_id = str(event["reference"]), str(event["event_id"])
        except (ValueError, KeyError, TypeError):
            raise InvalidWebhook("malformed body") from None
        if status not in ("paid", "failed") or type(amount) is not int or amount <= 0:
            raise InvalidWebhook("malformed body")
        return WebhookEvent(reference=reference, status=status, amount=amount, event_id=event_id)

    def refund(self, deposit: Deposit, *, amount: int, key: str, reason: str) -> RefundResult:
        """The sandbox refunds at once: there is no money behind it to send back."""
        return RefundResult(reference=f"sbx_refund_{key}"[:100])
