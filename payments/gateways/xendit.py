"""Xendit: deposits through its invoices, with the official client (``xendit-python``).

A deposit opens a Xendit invoice (``external_id`` = our ``Deposit.reference``); the payer pays
on Xendit's invoice page by virtual account, QRIS or e-wallet, and Xendit posts the invoice
callback. Xendit signs nothing: a callback carries the account's verification token in its
``x-callback-token`` header, compared here in constant time. Because that token is one shared
string, ``confirm`` reads the invoice back through the API and only that answer moves money.

Status mapping, as Xendit documents its invoice statuses: PAID and SETTLED → paid (SETTLED is
a paid invoice whose money reached our balance); PENDING → pending; EXPIRED → failed.

Every call carries ``GATEWAY_TIMEOUT_SECONDS`` as its total time limit and is not retried by
the HTTP layer (urllib3 would retry a timed-out GET three times); a timeout, a connection error
or a 5xx is ``GatewayUnavailable``. A 4xx is ``XenditRefused``: Xendit heard the request and
said no (a bad key, an amount below a channel's minimum), which retrying will not change.
"""

from __future__ import annotations

import hmac
import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import urllib3
from django.conf import settings

from payments.gateways.base import (
    Checkout,
    Gateway,
    GatewayRefused,
    GatewayUnavailable,
    InvalidWebhook,
    PaymentMethod,
    PaymentStatus,
    Setting,
    WebhookEvent,
    from_settings,
)

if TYPE_CHECKING:
    from payments.models import Deposit

CALLBACK_TOKEN_HEADER = "x-callback-token"  # noqa: S105 - a header's name
# Xendit's id of one delivery of a callback; the same on its retries of that delivery.
WEBHOOK_ID_HEADER = "webhook-id"
TEST_KEY_PREFIX = "xnd_development_"

INVOICE_STATUSES: dict[str, PaymentStatus] = {
    "PAID": "paid",
    "SETTLED": "paid",
    "PENDING": "pending",
    "EXPIRED": "failed",
}

# What a Xendit invoice offers in Indonesia, in the order our checkout shows them, with the
# name Xendit's ``payment_methods`` field gives each.
METHODS: tuple[tuple[PaymentMethod, str], ...] = (
    (PaymentMethod("bca_va", "BCA Virtual Account", "virtual_account"), "BCA"),
    (PaymentMethod("bni_va", "BNI Virtual Account", "virtual_account"), "BNI"),
    (PaymentMethod("bri_va", "BRI Virtual Account", "virtual_account"), "BRI"),
    (PaymentMethod("mandiri_va", "Mandiri Virtual Account", "virtual_account"), "MANDIRI"),
    (PaymentMethod("permata_va", "Permata Virtual Account", "virtual_account"), "PERMATA"),
    (PaymentMethod("qris", "QRIS", "qris"), "QRIS"),
    (PaymentMethod("ovo", "OVO", "ewallet"), "OVO"),
    (PaymentMethod("dana", "DANA", "ewallet"), "DANA"),
    (PaymentMethod("shopeepay", "ShopeePay", "ewallet"), "SHOPEEPAY"),
    (PaymentMethod("linkaja", "LinkAja", "ewallet"), "LINKAJA"),
)


class XenditRefused(GatewayRefused):
    """Xendit heard the request and refused it (a 4xx: a bad key, an amount below a channel's
    minimum, an idempotency key reused with another body). This request created nothing, and
    sending it again will not change the answer; not an outage."""

    def __init__(self, status: str, error_code: str, message: str) -> None:
        super().__init__(f"Xendit {status} {error_code}: {message}")
        self.status, self.error_code, self.message = status, error_code, message


# The client library is imported when a Xendit gateway is used, not when the gateways are
# listed: a site on the sandbox or another gateway never loads it.


def api_client() -> Any:
    """The official client, pointed at ``XENDIT_BASE_URL`` (empty: Xendit itself)."""
    import xendit  # type: ignore[import-untyped]

    configuration = xendit.Configuration(
        host=settings.XENDIT_BASE_URL or None, api_key=settings.XENDIT_SECRET_KEY
    )
    # No retries below us: one call, one time limit. The caller (a webhook redelivered by
    # Xendit, a payer pressing "pay" again, a payout task's own retry) decides on another try.
    configuration.retries = False
    return xendit.ApiClient(configuration)


def request_timeout() -> float:
    return float(settings.GATEWAY_TIMEOUT_SECONDS)


@contextmanager
def calling_xendit() -> Iterator[None]:
    """Turn the client's failures into ours: unreachable, slow or 5xx → ``GatewayUnavailable``;
    any other refusal → ``XenditRefused``."""
    import xendit

    try:
        yield
    except xendit.XenditSdkException as exc:
        status = str(exc.status)
        if status in ("", "0", "429") or status.startswith("5"):  # "0": TLS failed
            raise GatewayUnavailable(f"Xendit answered {status}: {exc.errorMessage}") from exc
        raise XenditRefused(status, str(exc.errorCode), str(exc.errorMessage)) from exc
    except json.JSONDecodeError as exc:
        # The client reads every error body as JSON: a proxy's HTML error page (a 502/503 in
        # front of Xendit) fails there, before any status reaches us.
        raise GatewayUnavailable("Xendit answered with an unreadable error") from exc
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise GatewayUnavailable(f"Xendit could not be reached: {exc}") from exc


def callback_token_matches(headers: Mapping[str, str]) -> bool:
    """Whether the callback carries our verification token (header names in any case)."""
    expected = settings.XENDIT_CALLBACK_TOKEN
    token = header(headers, CALLBACK_TOKEN_HEADER)
    # Compared as bytes (a header may hold any byte); an unset token matches nothing.
    return bool(expected) and hmac.compare_digest(
        token.encode("utf-8", "replace"), expected.encode()
    )


def header(headers: Mapping[str, str], name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name), "")


def whole_rupiah(value: object) -> int:
    """A Xendit amount (a JSON number; the client makes it a float) as whole rupiah, or
    ``ValueError``: rupiah have no cents, so a fraction means the amount is not ours."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("amount is not a number")
    if not math.isfinite(value):  # JSON from Python may hold Infinity and NaN
        raise ValueError("amount is not a number")
    if value != int(value) or value <= 0:
        raise ValueError("amount is not a positive whole number of rupiah")
    return int(value)


def configuration_problems(setting: Setting | None = None) -> list[str]:
    """What keeps the Xendit settings read by ``setting(name)`` (default: Django's settings)
    from taking real money, for the deploy checks."""
    if setting is None:
        setting = from_settings
    problems = []
    key = setting("XENDIT_SECRET_KEY") or ""
    if not key:
        problems.append("Set XENDIT_SECRET_KEY to the secret API key from Xendit's dashboard.")
    if not setting("XENDIT_CALLBACK_TOKEN"):
        problems.append(
            "Set XENDIT_CALLBACK_TOKEN to the webhook verification token from Xendit's "
            "dashboard: without it every callback is refused."
        )
    # A test-mode key collects no money: fine in development (DEBUG) and on a staging site
    # that declares it takes no real money (ALLOW_SANDBOX_GATEWAY), a fault anywhere else.
    if key.startswith(TEST_KEY_PREFIX) and not (
        setting("DEBUG") or setting("ALLOW_SANDBOX_GATEWAY")
    ):
        problems.append(
            "XENDIT_SECRET_KEY is a test-mode key (xnd_development_…): no payment made on this "
            "site would be real. Use the live key (xnd_production_…)."
        )
    return problems


class XenditGateway(Gateway):
    name = "xendit"
    secret_setting = "XENDIT_CALLBACK_TOKEN"  # noqa: S105 - a setting's name
    live = True
    payment_methods = tuple(method for method, _code in METHODS)
    # Not through Garap yet: xendit-python's RefundApi refunds an invoice's e-wallet or card
    # payment, but asynchronously (PENDING, then a "refund.succeeded" callback shaped unlike an
    # invoice's, which this gateway does not read). Finance refunds in Xendit's dashboard.
    offers_refunds = False

    def __init__(self) -> None:
        from xendit.invoice import InvoiceApi  # type: ignore[import-untyped]

        self.invoices = InvoiceApi(api_client())

    def create_checkout(self, deposit: Deposit, *, return_url: str = "") -> Checkout:
        from xendit.invoice.model.create_invoice_request import (  # type: ignore[import-untyped]
            CreateInvoiceRequest,
        )

        request = CreateInvoiceRequest(
            external_id=deposit.reference,
            amount=float(deposit.amount),  # the client's type for it; a whole number
            currency="IDR",
            description=f"Garap deposit {deposit.reference}",
            invoice_duration=float(settings.VIRTUAL_ACCOUNT_EXPIRY_HOURS * 3600),
            payment_methods=[code for _method, code in METHODS],
            should_send_email=False,
            **(
                {"success_redirect_url": return_url, "failure_redirect_url": return_url}
                if return_url
                else {}
            ),
        )
        with calling_xendit():
            invoice = self.invoices.create_invoice(
                create_invoice_request=request, _request_timeout=request_timeout()
            )
        return Checkout(url=str(invoice.invoice_url), provider_reference=str(invoice.id))

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookEvent:
        if not callback_token_matches(headers):
            raise InvalidWebhook("bad callback token")
        try:
            callback = json.loads(body)
            invoice_id, reference = callback["id"], callback["external_id"]
            status = INVOICE_STATUSES[callback["status"]]
            # What was collected: paid_amount once paid (Xendit sends both), else the amount.
            amount = whole_rupiah(callback.get("paid_amount", callback["amount"]))
            currency = callback.get("currency", "IDR")
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InvalidWebhook("malformed body") from None
        if not (isinstance(invoice_id, str) and isinstance(reference, str) and reference):
            raise InvalidWebhook("malformed body")
        if not isinstance(currency, str):
            raise InvalidWebhook("malformed body")
        event_id = header(headers, WEBHOOK_ID_HEADER) or f"{invoice_id}:{callback['status']}"
        return WebhookEvent(
            reference=reference, status=status, amount=amount, event_id=event_id, currency=currency
        )

    def confirm(self, event: WebhookEvent) -> WebhookEvent:
        """The deposit's payment as Xendit's API reports it, looked up by our reference (not by
        an id the callback names, which a forger could point at someone else's invoice).

        A reference may have more than one invoice (a checkout retried after a timeout that
        Xendit had in fact served): paid if any of them is paid, pending while any is pending,
        failed once all expired. No invoice at all: the callback was not Xendit's."""
        with calling_xendit():
            invoices = self.invoices.get_invoices(
                external_id=event.reference, _request_timeout=request_timeout()
            )
        found = [invoice for invoice in invoices if invoice.external_id == event.reference]
        if not found:
            raise InvalidWebhook("Xendit has no invoice for this reference")
        by_status: dict[str, Any] = {}
        for invoice in found:
            status = INVOICE_STATUSES.get(invoice.status.value)
            if status is not None:
                by_status.setdefault(status, invoice)
        preference: tuple[PaymentStatus, ...] = ("paid", "pending", "failed")
        for status in preference:
            if status in by_status:
                invoice = by_status[status]
                break
        else:
            raise InvalidWebhook("Xendit reports an invoice status Garap does not know")
        try:
            amount = whole_rupiah(invoice.get("paid_amount", invoice.amount))
        except ValueError:
            raise InvalidWebhook("Xendit reports an amount that is not whole rupiah") from None
        currency = invoice.get("currency")
        return WebhookEvent(
            reference=event.reference,
            status=status,
            amount=amount,
            event_id=event.event_id,
            currency=currency.value if currency is not None else "IDR",
        )

    @classmethod
    def configuration_problems(cls, setting: Setting | None = None) -> list[str]:
        return configuration_problems(setting)
