"""Midtrans: Snap for the payment page, the Core API for a payment's status.

Through Midtrans' official client (``midtransclient``), which speaks HTTP with ``requests``:

- ``create_checkout`` opens a Snap transaction (``POST {snap}/transactions``) whose order id is
  the deposit's reference; the payer goes to its ``redirect_url`` and picks a method there.
- ``parse_webhook`` reads Midtrans' HTTP notification, signed by ``signature_key`` =
  SHA-512(order_id + status_code + gross_amount + server key).
- ``confirm`` asks the Core API (``GET {api}/v2/{order_id}/status``) and returns what it says:
  money moves on that answer, never on the notification alone. A refunded payment's answer
  carries ``refund_amount``, everything given back so far.
- ``refund`` asks the Core API to refund (``POST {api}/v2/{order_id}/refund``) with our
  ``refund_key``: Midtrans treats a request with a key it has seen as the same refund, so a
  retry after a lost answer does not refund twice. Midtrans refunds cards, GoPay, ShopeePay,
  QRIS and a few others; a virtual account payment it refuses (finance pays it back by hand).

Two things the client does not do, done here: it sets no timeout on its requests (a gateway
that accepts the connection and never answers would hold a worker for ever), and it raises the
same error for an outage and for a refusal. A timeout, a refused connection, a 5xx or 429, or
an answer that is not JSON is ``GatewayUnavailable`` (try again later); a 4xx is
``MidtransRejected`` (a wrong key or parameter on our side: retrying will not help).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import midtransclient
import requests
from django.conf import settings
from django.utils import timezone

from payments.gateways.base import (
    Checkout,
    Gateway,
    GatewayRefused,
    GatewayUnavailable,
    InvalidWebhook,
    PaymentMethod,
    PaymentStatus,
    RefundResult,
    Setting,
    WebhookEvent,
    from_settings,
    gettext_noop,
)

if TYPE_CHECKING:
    from payments.models import Deposit


# What the checkout step shows, each with the name Snap's ``enabled_payments`` gives it.
# OVO and DANA are not Snap methods (Midtrans offers neither through Snap): their users pay by
# scanning the QRIS code, which every Indonesian e-wallet and banking app accepts. Snap's
# convenience-store (Indomaret, Alfamart) and pay-later (Akulaku, Kredivo) methods are left
# out: a deposit tops up a wallet, and neither fits a kind the checkout step knows. The labels
# that are not brand names are marked for translation; the checkout step translates them.
METHODS: tuple[tuple[PaymentMethod, str], ...] = (
    (PaymentMethod("bca_va", "BCA Virtual Account", "virtual_account"), "bca_va"),
    (PaymentMethod("mandiri_va", "Mandiri Virtual Account", "virtual_account"), "echannel"),
    (PaymentMethod("bni_va", "BNI Virtual Account", "virtual_account"), "bni_va"),
    (PaymentMethod("bri_va", "BRI Virtual Account", "virtual_account"), "bri_va"),
    (PaymentMethod("permata_va", "Permata Virtual Account", "virtual_account"), "permata_va"),
    (PaymentMethod("cimb_va", "CIMB Niaga Virtual Account", "virtual_account"), "cimb_va"),
    # ATM Bersama, Prima and Alto: transfers from any other bank.
    (
        PaymentMethod("other_va", gettext_noop("Other banks' transfer"), "virtual_account"),
        "other_va",
    ),
    (PaymentMethod("qris", "QRIS", "qris"), "other_qris"),
    (PaymentMethod("gopay", "GoPay", "ewallet"), "gopay"),
    (PaymentMethod("shopeepay", "ShopeePay", "ewallet"), "shopeepay"),
    (PaymentMethod("card", gettext_noop("Credit or debit card"), "card"), "credit_card"),
)

# Our method code → Snap's name for it, for a checkout that offers fewer methods.
SNAP_NAMES = {method.code: snap_name for method, snap_name in METHODS}

# transaction_status → Garap, as Midtrans documents it. "capture" (a card payment) depends on
# the fraud check: see ``payment_status``. "authorize" is a card held but not yet captured.
# A chargeback takes the money back like a refund.
STATUSES: dict[str, PaymentStatus] = {
    "settlement": "paid",
    "pending": "pending",
    "authorize": "pending",
    "deny": "failed",
    "cancel": "failed",
    "expire": "failed",
    "failure": "failed",
    "refund": "refunded",
    "partial_refund": "refunded",
    "chargeback": "refunded",
    "partial_chargeback": "refunded",
}

# Midtrans writes amounts as decimal strings ("150000.00"); nothing else is read as one.
AMOUNT = re.compile(r"[0-9]{1,15}(\.[0-9]{1,2})?")


class MidtransRejected(GatewayRefused):
    """Midtrans refused the request (4xx): a wrong key, a bad or repeated parameter. A mistake
    on our side, not an outage: the same request will be refused again."""

    def __init__(self, status: int, messages: list[str]) -> None:
        super().__init__(f"Midtrans refused the request ({status}): {'; '.join(messages)}")
        self.status = status
        self.messages = messages


def payment_status(transaction_status: str, fraud_status: str = "") -> PaymentStatus:
    """Midtrans' status in Garap's terms; ``InvalidWebhook`` for one Midtrans does not send."""
    if transaction_status == "capture":
        # Paid only once the fraud check accepts it; "challenge" waits for a person to
        # approve or deny it in Midtrans' dashboard, and a new notification follows.
        if fraud_status == "accept":
            return "paid"
        return "failed" if fraud_status == "deny" else "pending"
    status = STATUSES.get(transaction_status)
    if status is None:
        raise InvalidWebhook(f"unknown transaction_status {transaction_status!r}")
    return status


def rupiah(gross_amount: object) -> int:
    """Whole rupiah from Midtrans' "150000.00"; a fraction of a rupiah does not exist in IDR,
    so "150000.50" is refused rather than rounded."""
    if not isinstance(gross_amount, str) or not AMOUNT.fullmatch(gross_amount):
        raise InvalidWebhook("malformed gross_amount")
    value = Decimal(gross_amount)
    if value != value.to_integral_value() or value <= 0:
        raise InvalidWebhook("gross_amount is not a whole, positive number of rupiah")
    return int(value)


def refunded_amount(data: Mapping[str, Any], transaction_status: str) -> int:
    """Everything Midtrans has given back on a refunded payment: its ``refund_amount``, or for
    a full refund or chargeback that does not say, the whole payment. A partial one that does
    not say is read as nothing yet (nothing is taken from the wallet on a guess)."""
    if data.get("refund_amount") is not None:
        return rupiah(data.get("refund_amount"))
    if transaction_status in ("refund", "chargeback"):
        return rupiah(data.get("gross_amount"))
    return 0


def signature_key(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """The ``signature_key`` Midtrans puts in each notification."""
    payload = (order_id + status_code + gross_amount + server_key).encode()
    return hashlib.sha512(payload).hexdigest()


def event_from(data: Mapping[str, Any]) -> WebhookEvent:
    """The event a notification or a status answer describes; ``InvalidWebhook`` if it is not
    one Midtrans sends."""
    fields = {}
    for name in ("order_id", "transaction_id", "transaction_status"):
        value = data.get(name)
        if not isinstance(value, str) or not value:
            raise InvalidWebhook(f"malformed {name}")
        fields[name] = value
    fraud_status = data.get("fraud_status") or ""
    currency = data.get("currency") or "IDR"
    if not isinstance(fraud_status, str) or not isinstance(currency, str):
        raise InvalidWebhook("malformed body")
    status = payment_status(fields["transaction_status"], fraud_status)
    return WebhookEvent(
        refunded=refunded_amount(data, fields["transaction_status"]) if status == "refunded" else 0,
        reference=fields["order_id"],
        status=status,
        amount=rupiah(data.get("gross_amount")),
        # Midtrans numbers no notification: the same payment in the same state is the same event.
        event_id=":".join(
            part
            for part in (fields["transaction_id"], fields["transaction_status"], fraud_status)
            if part
        ),
        currency=currency,
    )


class _TimedRequests:
    """Stands in for the ``requests`` module inside midtransclient's ``HttpClient``, which calls
    ``requests.request`` with no timeout: each call here gets ``timeout`` seconds to connect
    and ``timeout`` for each read."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        timeout = kwargs.pop("timeout", self.timeout)
        return requests.request(method, url, timeout=timeout, **kwargs)


class MidtransGateway(Gateway):
    name = "midtrans"
    # Midtrans signs notifications with the server key itself (there is no separate secret).
    secret_setting = "MIDTRANS_SERVER_KEY"  # noqa: S105 - a setting's name
    live = True
    payment_methods = tuple(method for method, _snap_name in METHODS)
    offers_refunds = True

    # --- the client ---------------------------------------------------------------------------

    def _client(self, kind: type[Any]) -> Any:
        """A ``midtransclient.Snap`` or ``CoreApi`` configured from settings, with a timeout,
        and pointed at ``MIDTRANS_*_BASE_URL`` when set (a local fake in tests): ``ApiConfig``
        keeps its base URLs in class constants, which an instance attribute overrides."""
        client = kind(
            is_production=settings.MIDTRANS_IS_PRODUCTION,
            server_key=settings.MIDTRANS_SERVER_KEY,
            client_key=settings.MIDTRANS_CLIENT_KEY,
        )
        client.http_client.http_client = _TimedRequests(settings.GATEWAY_TIMEOUT_SECONDS)
        config = client.api_config
        if snap := settings.MIDTRANS_SNAP_BASE_URL.rstrip("/"):
            config.SNAP_SANDBOX_BASE_URL = config.SNAP_PRODUCTION_BASE_URL = snap
        if api := settings.MIDTRANS_API_BASE_URL.rstrip("/"):
            config.CORE_SANDBOX_BASE_URL = config.CORE_PRODUCTION_BASE_URL = api
        return client

    @staticmethod
    def _call(request: Callable[[], Any]) -> dict[str, Any]:
        """Make one API call; sort its failures into an outage and a refusal."""
        try:
            answer = request()
        except requests.RequestException as exc:  # timeouts, refused connections
            raise GatewayUnavailable(f"Midtrans cannot be reached: {type(exc).__name__}") from exc
        except midtransclient.JSONDecodeError as exc:  # a proxy's error page, a cut-off body
            raise GatewayUnavailable("Midtrans answered with something that is not JSON") from exc
        except midtransclient.MidtransAPIError as exc:
            body = exc.api_response_dict if isinstance(exc.api_response_dict, dict) else {}
            # The Core API may answer HTTP 200 with the real status in the body.
            status = exc.http_status_code
            if status < 400 and str(body.get("status_code", "")).isdigit():
                status = int(body["status_code"])
            if status >= 500 or status == 429:
                raise GatewayUnavailable(f"Midtrans answered {status}") from exc
            messages = body.get("error_messages")
            if not isinstance(messages, list) or not messages:
                messages = [body.get("status_message", "")]
            raise MidtransRejected(status, [str(message) for message in messages]) from exc
        if not isinstance(answer, dict):
            raise GatewayUnavailable("Midtrans answered with something that is not an object")
        return answer

    # --- the contract ---------------------------------------------------------------------------

    def create_checkout(self, deposit: Deposit, *, return_url: str = "") -> Checkout:
        """A Snap transaction for ``deposit``: every method in ``payment_methods``, payable for
        ``VIRTUAL_ACCOUNT_EXPIRY_HOURS`` from now. Raises ``GatewayUnavailable`` (try again)
        or ``MidtransRejected`` (e.g. the reference was used before)."""
        snap = self._client(midtransclient.Snap)
        parameters: dict[str, Any] = {
            "transaction_details": {"order_id": deposit.reference, "gross_amount": deposit.amount},
            "enabled_payments": [snap_name for _method, snap_name in METHODS],
            "expiry": {
                "start_time": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S %z"),
                "unit": "hours",
                "duration": settings.VIRTUAL_ACCOUNT_EXPIRY_HOURS,
            },
        }
        if return_url:
            parameters["callbacks"] = {"finish": return_url}
        answer = self._call(lambda: snap.create_transaction(parameters))
        token, url = answer.get("token"), answer.get("redirect_url")
        if not isinstance(token, str) or not isinstance(url, str) or not token or not url:
            raise GatewayUnavailable("Midtrans answered without a token and redirect_url")
        return Checkout(url=url, provider_reference=token)

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookEvent:
        """Midtrans' HTTP notification, verified by its ``signature_key``. Midtrans signs the
        body's fields, not the request: the headers carry nothing to check."""
        server_key = settings.MIDTRANS_SERVER_KEY
        if not server_key:
            # With an empty key the signature is a hash anyone can compute.
            raise InvalidWebhook("MIDTRANS_SERVER_KEY is not set")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise InvalidWebhook("malformed body") from None
        if not isinstance(data, dict):
            raise InvalidWebhook("malformed body")
        order_id, status_code = data.get("order_id"), data.get("status_code")
        gross_amount, given = data.get("gross_amount"), data.get("signature_key")
        if not (
            isinstance(order_id, str)
            and isinstance(status_code, str)
            and isinstance(gross_amount, str)
            and isinstance(given, str)
        ):
            raise InvalidWebhook("malformed body")
        expected = signature_key(order_id, status_code, gross_amount, server_key)
        # Compared as bytes: compare_digest raises on a str that is not ASCII.
        if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
            raise InvalidWebhook("bad signature")
        return event_from(data)

    def confirm(self, event: WebhookEvent) -> WebhookEvent:
        """The payment for ``event.reference`` as the Core API reports it now. Raises
        ``InvalidWebhook`` when Midtrans has no such order (a notification it never sent) and
        ``GatewayUnavailable`` when it cannot be asked or its answer cannot be read."""
        core = self._client(midtransclient.CoreApi)
        try:
            answer = self._call(lambda: core.transactions.status(event.reference))
        except MidtransRejected as exc:
            if exc.status == 404:
                raise InvalidWebhook("Midtrans has no payment for this order") from exc
            raise
        try:
            confirmed = event_from(answer)
        except InvalidWebhook as exc:
            raise GatewayUnavailable(f"Midtrans' status answer cannot be read: {exc}") from exc
        if confirmed.reference != event.reference:
            raise GatewayUnavailable("Midtrans answered about another order")
        return confirmed

    def refund(self, deposit: Deposit, *, amount: int, key: str, reason: str) -> RefundResult:
        """Refund ``amount`` of ``deposit`` through the Core API under ``refund_key`` = ``key``.
        Raises ``GatewayUnavailable`` (unknown whether it refunded: retry with the same key) or
        ``MidtransRejected`` (refused: e.g. a virtual account payment, or more than is left)."""
        core = self._client(midtransclient.CoreApi)
        parameters = {"refund_key": key, "amount": amount, "reason": reason[:255]}
        answer = self._call(lambda: core.transactions.refund(deposit.reference, parameters))
        if str(answer.get("status_code", "200")) != "200":
            # Midtrans answers 2xx codes other than 200 for a refund it has not made (yet).
            raise MidtransRejected(
                int(str(answer.get("status_code")))
                if str(answer.get("status_code")).isdigit()
                else 0,
                [str(answer.get("status_message", ""))],
            )
        reference = answer.get("refund_chargeback_id") or answer.get("refund_key") or key
        return RefundResult(reference=str(reference)[:100])

    # --- deployment -----------------------------------------------------------------------------

    @classmethod
    def configuration_problems(cls, setting: Setting | None = None) -> list[str]:
        """Why these settings cannot take real money on a public site (empty: they can).
        ``setting(name)`` reads a setting (default: ``django.conf.settings``), so the production
        settings module can ask while it loads, as ``payments.checks.gateway_problems`` does."""
        read = setting or from_settings
        server_key = str(read("MIDTRANS_SERVER_KEY") or "")
        client_key = str(read("MIDTRANS_CLIENT_KEY") or "")
        production = bool(read("MIDTRANS_IS_PRODUCTION"))
        problems = []
        if not server_key:
            problems.append(
                "Set MIDTRANS_SERVER_KEY to the server key in Midtrans' dashboard "
                "(Settings → Access Keys): every API call and notification needs it."
            )
        if not client_key:
            problems.append(
                "Set MIDTRANS_CLIENT_KEY to the client key in Midtrans' dashboard "
                "(Settings → Access Keys)."
            )
        if not production and not read("ALLOW_SANDBOX_GATEWAY"):
            problems.append(
                "MIDTRANS_IS_PRODUCTION is off: Midtrans' sandbox collects no real money. Set "
                "MIDTRANS_IS_PRODUCTION=true with production keys; only a staging site may set "
                "ALLOW_SANDBOX_GATEWAY=true."
            )
        if production and (server_key.startswith("SB-") or client_key.startswith("SB-")):
            problems.append(
                "MIDTRANS_IS_PRODUCTION is on with sandbox keys (SB-…): Midtrans refuses them. "
                "Use the production keys."
            )
        if production and (read("MIDTRANS_SNAP_BASE_URL") or read("MIDTRANS_API_BASE_URL")):
            problems.append(
                "MIDTRANS_SNAP_BASE_URL / MIDTRANS_API_BASE_URL point the client away from "
                "Midtrans: payments would be confirmed by whatever answers there. Leave them "
                "empty in production."
            )
        # Its withdrawals are paid out through Iris, whose keys are Midtrans' too. Imported here:
        # the payouts module reads this one.
        from payments.gateways import midtrans_payouts

        return problems + midtrans_payouts.configuration_problems(read)
