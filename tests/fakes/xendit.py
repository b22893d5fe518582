"""A local Xendit: invoices (money in) and payouts (money out) over real HTTP.

It speaks the protocol Xendit documents, so the official client (``xendit-python``) is pointed
at it with ``XENDIT_BASE_URL`` and cannot tell: HTTP Basic auth with the secret key as the user
name (401 ``INVALID_API_KEY`` otherwise), ``POST /v2/invoices``, ``GET /v2/invoices/{id}``,
``GET /v2/invoices?external_id=``, ``POST /v2/payouts`` with its ``Idempotency-key`` header (the
same key and body give the first payout back; the same key with another body is a
``DUPLICATE_ERROR``), ``GET /v2/payouts/{id}``; errors as ``{"error_code", "message"}``.
Callbacks are the JSON Xendit posts, with the ``x-callback-token`` header.

The test drives what the outside world would do: a payer pays (``pay_invoice``), an invoice
expires, a bank accepts or rejects a payout, Xendit is down (``down = "hang" | 500 | 503``) or
answers too late (``down = "lose_answer"``: done, but the client has given up).

The invoice page (``invoice_url``, ``/web/invoices/{id}``) is the stand-in for Xendit's hosted
checkout, for a browser: the invoice's methods, "Pay" (paid, the callback posted to
``callback_url``, the browser sent to ``success_redirect_url``) and "Let it expire" (the same,
to ``failure_redirect_url``). It needs no API key and stays up while the API is down.

Standalone: ``python -m tests.fakes.xendit --port P --secret-key K --callback-token T
[--callback-url URL]``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hmac
import html
import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

MIN_INVOICE_AMOUNT = 1  # IDR; Xendit's own minimum depends on the payment channel
BUSINESS_ID = "5f27a14a9bf05c73dd040bc8"
# What a Xendit invoice in Indonesia offers when the request names no payment methods.
INVOICE_METHODS = (
    "BCA",
    "BNI",
    "BRI",
    "MANDIRI",
    "PERMATA",
    "QRIS",
    "OVO",
    "DANA",
    "SHOPEEPAY",
    "LINKAJA",
)
BANKS = {"BCA", "BNI", "BRI", "MANDIRI", "PERMATA", "BSI", "CIMB"}
EWALLETS = {"OVO", "DANA", "SHOPEEPAY", "LINKAJA", "GOPAY"}
# A channel chosen on the invoice page → the payment_method its callback reports.
PAGE_CHANNELS = {bank: "BANK_TRANSFER" for bank in BANKS}
PAGE_CHANNELS |= {wallet: "EWALLET" for wallet in EWALLETS} | {"QRIS": "QR_CODE"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class XenditError(Exception):
    def __init__(self, status: int, error_code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error_code, self.message = status, error_code, message


class FakeXendit:
    def __init__(
        self, *, secret_key: str, callback_token: str, port: int = 0, callback_url: str = ""
    ) -> None:
        self.secret_key = secret_key
        self.callback_token = callback_token
        # Where an invoice paid or expired on the invoice page has its callback sent (the
        # site's webhook, as set in Xendit's dashboard); empty: none is sent.
        self.callback_url = callback_url
        self.invoices: dict[str, dict[str, Any]] = {}
        self.payouts: dict[str, dict[str, Any]] = {}
        self._idempotency: dict[str, tuple[dict[str, Any], str]] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request heard
        # None: answers. "hang": answers only after `hang_seconds` (past any sane client
        # timeout). "lose_answer": does what was asked, then hangs the same way (the client
        # never learns it was done). 500 / 503: a server error (503 as a load balancer's page).
        self.down: str | int | None = None
        self.hang_seconds = 30.0
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeXendit:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # a hanging request ends now
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeXendit:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the API ------------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        with self._lock:
            self.requests.append((method, path))
        if self.down == "hang":
            self._release.wait(self.hang_seconds)
        elif self.down in (500, 503):
            return int(self.down), None
        answer = self._answer(method, path, headers, body)
        if self.down == "lose_answer":  # done, but the answer never arrives in time
            self._release.wait(self.hang_seconds)
        return answer

    def _answer(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        if not self._authorised(headers.get("authorization", "")):
            raise XenditError(
                401, "INVALID_API_KEY", "API key is not authorized for this API service"
            )
        parts = urlsplit(path)
        route = parts.path.rstrip("/")
        if method == "POST" and route == "/v2/invoices":
            return 200, self.create_invoice(_json_object(body))
        if method == "GET" and route == "/v2/invoices":
            external_id = parse_qs(parts.query).get("external_id", [None])[0]
            return 200, [i for i in self.invoices.values() if i["external_id"] == external_id]
        if method == "GET" and (match := re.fullmatch(r"/v2/invoices/([^/]+)", route)):
            if match[1] not in self.invoices:
                raise XenditError(404, "INVOICE_NOT_FOUND_ERROR", "Invoice not found")
            return 200, self.invoices[match[1]]
        if method == "POST" and route == "/v2/payouts":
            key = headers.get("idempotency-key", "")
            return 200, self.create_payout(_json_object(body), idempotency_key=key)
        if method == "GET" and (match := re.fullmatch(r"/v2/payouts/([^/]+)", route)):
            if match[1] not in self.payouts:
                raise XenditError(404, "DATA_NOT_FOUND", "Payout not found")
            return 200, self.payouts[match[1]]
        raise XenditError(404, "NOT_FOUND", "The requested resource was not found")

    def _authorised(self, header: str) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.secret_key}:".encode()).decode()
        return hmac.compare_digest(header.encode("utf-8", "replace"), expected.encode())

    def create_invoice(self, request: dict[str, Any]) -> dict[str, Any]:
        external_id, amount = request.get("external_id"), request.get("amount")
        if not isinstance(external_id, str) or not external_id:
            raise XenditError(400, "API_VALIDATION_ERROR", '"external_id" is required')
        if type(amount) not in (int, float):
            raise XenditError(400, "API_VALIDATION_ERROR", '"amount" must be a number')
        currency = request.get("currency", "IDR")
        if currency != "IDR":
            raise XenditError(400, "UNSUPPORTED_CURRENCY", f"Currency {currency} is not supported")
        if amount != int(amount):  # rupiah have no cents
            raise XenditError(400, "API_VALIDATION_ERROR", '"amount" must be an integer for IDR')
        if amount < MIN_INVOICE_AMOUNT:
            raise XenditError(400, "MINIMAL_TRANSFER_AMOUNT_ERROR", "The amount is too small")
        methods = request.get("payment_methods") or list(INVOICE_METHODS)
        if unknown := [m for m in methods if m not in INVOICE_METHODS]:
            raise XenditError(400, "UNAVAILABLE_PAYMENT_METHOD_ERROR", f"Unavailable: {unknown}")
        invoice_id = uuid.uuid4().hex[:24]
        now = datetime.now(UTC)
        duration = float(request.get("invoice_duration") or 86400)
        invoice = {
            "id": invoice_id,
            "external_id": external_id,
            "user_id": BUSINESS_ID,
            "status": "PENDING",
            "merchant_name": "Garap",
            "merchant_profile_picture_url": "https://example.invalid/logo.png",
            "amount": int(amount),
            "description": request.get("description", ""),
            "expiry_date": (now + timedelta(seconds=duration)).isoformat().replace("+00:00", "Z"),
            "invoice_url": f"{self.url}/web/invoices/{invoice_id}",
            "available_banks": [
                {
                    "bank_code": m,
                    "collection_type": "POOL",
                    "account_holder_name": "GARAP",
                    "bank_branch": "Virtual Account",
                    "transfer_amount": int(amount),
                }
                for m in methods
                if m in BANKS
            ],
            "available_retail_outlets": [],
            "available_ewallets": [{"ewallet_type": m} for m in methods if m in EWALLETS],
            "available_qr_codes": [{"qr_code_type": "QRIS"}] if "QRIS" in methods else [],
            "available_direct_debits": [],
            "available_paylaters": [],
            "should_send_email": False,
            "success_redirect_url": request.get("success_redirect_url"),
            "failure_redirect_url": request.get("failure_redirect_url"),
            "currency": currency,
            "created": _now(),
            "updated": _now(),
        }
        with self._lock:
            self.invoices[invoice_id] = invoice
        return invoice

    def create_payout(self, request: dict[str, Any], *, idempotency_key: str) -> dict[str, Any]:
        if not idempotency_key:
            raise XenditError(400, "API_VALIDATION_ERROR", '"Idempotency-key" header is required')
        properties = request.get("channel_properties") or {}
        amount = request.get("amount")
        if not request.get("reference_id") or not request.get("channel_code"):
            raise XenditError(400, "API_VALIDATION_ERROR", "reference_id and channel_code required")
        if not properties.get("account_number") or type(amount) not in (int, float) or amount <= 0:
            raise XenditError(400, "API_VALIDATION_ERROR", "invalid amount or account_number")
        with self._lock:
            if idempotency_key in self._idempotency:
                first_request, payout_id = self._idempotency[idempotency_key]
                if first_request != request:
                    raise XenditError(
                        409,
                        "DUPLICATE_ERROR",
                        "The idempotency key has been used with a different request",
                    )
                return self.payouts[payout_id]
            payout_id = f"disb-{uuid.uuid4()}"
            now = _now()
            self.payouts[payout_id] = {
                "id": payout_id,
                "amount": amount,
                "channel_code": request["channel_code"],
                "currency": request.get("currency", "IDR"),
                "description": request.get("description", ""),
                "reference_id": request["reference_id"],
                "status": "ACCEPTED",
                "created": now,
                "updated": now,
                "estimated_arrival_time": now,
                "business_id": BUSINESS_ID,
                "channel_properties": properties,
            }
            self._idempotency[idempotency_key] = (request, payout_id)
            return self.payouts[payout_id]

    # --- what the outside world does ----------------------------------------------------------

    def pay_invoice(
        self,
        invoice_id: str,
        *,
        method: str = "BANK_TRANSFER",
        channel: str = "BCA",
        status: str = "PAID",
    ) -> dict[str, Any]:
        invoice = self.invoices[invoice_id]
        now = _now()
        invoice.update(
            status=status,
            paid_amount=invoice["amount"],
            paid_at=now,
            updated=now,
            payment_method=method,
            payment_channel=channel,
        )
        return invoice

    def expire_invoice(self, invoice_id: str) -> dict[str, Any]:
        self.invoices[invoice_id].update(status="EXPIRED", updated=_now())
        return self.invoices[invoice_id]

    # --- the invoice page (the stand-in for Xendit's hosted checkout) -------------------------

    def invoice_page(self, invoice_id: str) -> tuple[int, str]:
        """The page at an invoice's ``invoice_url``: the methods the invoice offers, one chosen,
        "Pay" and "Let it expire"; only the status once it is not pending."""
        invoice = self.invoices.get(invoice_id)
        if invoice is None:
            return 404, "<!doctype html><html><body>Invoice not found</body></html>"
        channels = [bank["bank_code"] for bank in invoice["available_banks"]]
        channels += [qr["qr_code_type"] for qr in invoice["available_qr_codes"]]
        channels += [wallet["ewallet_type"] for wallet in invoice["available_ewallets"]]
        choices = "".join(
            f'<li><label><input type="radio" name="channel" value="{html.escape(channel)}"'
            f"{' checked' if number == 0 else ''}> {html.escape(channel)}</label></li>"
            for number, channel in enumerate(channels)
        )
        action = f"/web/invoices/{html.escape(invoice_id)}"
        if invoice["status"] == "PENDING":
            body = (
                f'<form method="post" action="{action}/pay"><ul id="methods">{choices}</ul>'
                f'<button id="pay">Pay</button></form>'
                f'<form method="post" action="{action}/expire">'
                f"<button>Let it expire</button></form>"
            )
        else:
            body = f'<p id="status">{html.escape(invoice["status"])}</p>'
        page = (
            f"<!doctype html><html><head><title>Xendit (local)</title>"
            f'<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>'
            f"<h1>Rp {invoice['amount']:,}</h1><p>{html.escape(invoice['description'])}</p>"
            f"{body}</body></html>"
        )
        return 200, page

    def pay_on_page(self, invoice_id: str, channel: str) -> str:
        """The payer pays the invoice on its page with ``channel``: paid, the callback sent,
        and the payer sent on to the success redirect URL (returned; empty: none)."""
        invoice = self.invoices[invoice_id]
        if channel not in PAGE_CHANNELS or invoice["status"] != "PENDING":
            return ""
        self.pay_invoice(invoice_id, method=PAGE_CHANNELS[channel], channel=channel)
        if self.callback_url:
            self.send_callback(self.callback_url, self.invoice_callback(invoice_id))
        return str(invoice.get("success_redirect_url") or "")

    def expire_on_page(self, invoice_id: str) -> str:
        """The invoice runs out while its page is open: expired, the callback sent, the payer
        sent on to the failure redirect URL (returned; empty: none)."""
        invoice = self.invoices[invoice_id]
        if invoice["status"] == "PENDING":
            self.expire_invoice(invoice_id)
            if self.callback_url:
                self.send_callback(self.callback_url, self.invoice_callback(invoice_id))
        return str(invoice.get("failure_redirect_url") or "")

    def succeed_payout(self, payout_id: str) -> dict[str, Any]:
        self.payouts[payout_id].update(status="SUCCEEDED", updated=_now())
        return self.payouts[payout_id]

    def fail_payout(self, payout_id: str, reason: str = "INVALID_DESTINATION") -> dict[str, Any]:
        self.payouts[payout_id].update(status="FAILED", failure_code=reason, updated=_now())
        return self.payouts[payout_id]

    def reverse_payout(self, payout_id: str) -> dict[str, Any]:
        """The bank sent a succeeded payout back: Xendit has the money again."""
        self.payouts[payout_id].update(status="REVERSED", updated=_now())
        return self.payouts[payout_id]

    def invoice_callback(self, invoice_id: str, **override: Any) -> bytes:
        """The body Xendit posts when an invoice is paid or expires; ``override`` makes a bad
        one (``amount=1``, ``external_id="someone-else"``, ``status="PAID"``)."""
        invoice = self.invoices[invoice_id]
        fields = (
            "id",
            "external_id",
            "user_id",
            "status",
            "merchant_name",
            "amount",
            "paid_amount",
            "paid_at",
            "description",
            "created",
            "updated",
            "currency",
            "payment_method",
            "payment_channel",
        )
        body = {name: invoice[name] for name in fields if name in invoice}
        if "amount" in override and "paid_amount" in body:
            body["paid_amount"] = override["amount"]
        body.update(override)
        return json.dumps(body).encode()

    def payout_callback(self, payout_id: str, **override: Any) -> bytes:
        """The body Xendit posts when a payout succeeds, fails or is reversed."""
        data = dict(self.payouts[payout_id])
        data.update(override)
        event = {"SUCCEEDED": "payout.succeeded", "REVERSED": "payout.reversed"}.get(
            data["status"], "payout.failed"
        )
        body = {"event": event, "business_id": BUSINESS_ID, "created": _now(), "data": data}
        return json.dumps(body).encode()

    def callback_headers(self, token: str | None = None) -> dict[str, str]:
        """What Xendit sends with a callback; ``token`` forges it with another token."""
        return {
            "Content-Type": "application/json",
            "x-callback-token": self.callback_token if token is None else token,
            "webhook-id": f"wh_{uuid.uuid4().hex}",
        }

    def send_callback(self, url: str, body: bytes, *, token: str | None = None) -> int:
        """POST a callback to ``url`` as Xendit does; the HTTP status it was answered with."""
        # The test names the URL: our own live server.
        request = urllib.request.Request(url, data=body, headers=self.callback_headers(token))  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        raise XenditError(400, "INVALID_JSON_FORMAT", "The request body is not JSON") from None
    if not isinstance(value, dict):
        raise XenditError(400, "INVALID_JSON_FORMAT", "The request body is not a JSON object")
    return value


def _handler(fake: FakeXendit) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            if urlsplit(self.path).path.startswith("/web/invoices/"):
                return self._invoice_page(body)
            try:
                status, answer = fake.handle(self.command, self.path, headers, body)
            except XenditError as exc:
                status, answer = exc.status, {"error_code": exc.error_code, "message": exc.message}
            if status >= 500:
                payload = b"<html><body>503 Service Temporarily Unavailable</body></html>"
                if status == 500:
                    payload = b'{"error_code":"SERVER_ERROR","message":"Something went wrong"}'
            else:
                payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if status == 503 else "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up waiting (a "hang")
                self.wfile.write(payload)

        do_GET = do_POST = _serve

        def _invoice_page(self, body: bytes) -> None:
            """The payer's side, on its own host at Xendit (no API key, and up when the API
            is down): ``GET /web/invoices/{id}``, ``POST …/pay`` (``channel``), ``…/expire``."""
            parts = urlsplit(self.path).path.strip("/").split("/")
            invoice_id = parts[2] if len(parts) >= 3 else ""
            if self.command == "POST" and len(parts) == 4 and invoice_id in fake.invoices:
                channel = parse_qs(body.decode(errors="replace")).get("channel", [""])[0]
                if parts[3] == "pay":
                    back = fake.pay_on_page(invoice_id, channel)
                elif parts[3] == "expire":
                    back = fake.expire_on_page(invoice_id)
                else:
                    back = ""
                self.send_response(303)
                self.send_header("Location", back or f"/web/invoices/{invoice_id}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status, page = fake.invoice_page(invoice_id)
            data = page.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the test's output is about the test

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--callback-token", required=True)
    parser.add_argument("--callback-url", default="", help="where invoice callbacks go")
    args = parser.parse_args()
    fake = FakeXendit(
        secret_key=args.secret_key,
        callback_token=args.callback_token,
        port=args.port,
        callback_url=args.callback_url,
    )
    print(f"Fake Xendit on {fake.url} (XENDIT_BASE_URL)", flush=True)
    fake.start()
    try:
        fake._thread.join()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
