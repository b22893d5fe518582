"""A local Midtrans: Snap and the Core API over real HTTP on 127.0.0.1, for the official client.

It speaks the protocol Midtrans documents — Basic auth with the server key, ``POST
/snap/v1/transactions`` (201 ``{token, redirect_url}``, 400 ``{error_messages}``), ``GET
/v2/{order_id}/status`` (404 until the payer picks a method), ``POST /v2/{order_id}/refund`` —
and sends HTTP notifications signed with ``signature_key`` = SHA-512(order_id + status_code +
gross_amount + server key), computed here on its own rather than borrowed from the gateway
under test. Tests drive the payer's side (``pay``, ``expire``, ``deny``…), outages (``down``)
and notifications, forged ones included. Standard library only, so it also runs on its own::

    python -m tests.fakes.midtrans --port 8765 --server-key SB-Mid-server-test \\
        --notification-url http://127.0.0.1:8000/api/v1/payments/webhooks/midtrans/

There the Snap page (``redirect_url``) lists the enabled methods with "Pay" (settles, notifies,
and sends the browser to the finish URL) and "Let it expire", and ``POST /_control/<action>``
(``pay?order_id=…&method=…``, ``expire``, ``deny``, ``refund``, ``down?mode=hang|500|503``, ``up``)
lets a browser or API story drive it from another process.

Under ``/iris`` it is also Iris, Midtrans' disbursement API (``tests.fakes.midtrans.iris``), given
its keys (``iris_creator_key``…); ``POST /_control/iris/<complete|fail|reject>?reference_no=…``
settles a payout and notifies ``--iris-notification-url``. Outages (``down``) stop both.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
import uuid
from http.server import ThreadingHTTPServer
from typing import Any

from tests.fakes.midtrans.handler import handler
from tests.fakes.midtrans.iris import Iris
from tests.fakes.midtrans.protocol import Transaction, sign, snap_errors

__all__ = ["FakeMidtrans", "Iris", "Transaction", "sign"]


class FakeMidtrans:
    """A Midtrans of one's own. ``start()`` (or ``with``) serves it on a free port."""

    def __init__(
        self,
        server_key: str,
        *,
        port: int = 0,
        notification_url: str = "",
        hang: float = 30,
        iris_creator_key: str = "",
        iris_approver_key: str = "",
        iris_merchant_key: str = "",
    ) -> None:
        self.server_key = server_key
        self.notification_url = notification_url
        self.iris = Iris(
            creator_key=iris_creator_key,
            approver_key=iris_approver_key,
            merchant_key=iris_merchant_key,
        )
        self.hang = hang  # how long a "hang" outage keeps a request waiting at most
        self.transactions: dict[str, Transaction] = {}
        # Refunds made through the API by refund_key: a key seen before is the same refund.
        self.refunds: dict[tuple[str, str], dict] = {}
        self.requests: list[tuple[str, str, Any]] = []  # (method, path, JSON body) received
        self.mode: str | int = ""  # "" up, "hang", or an HTTP status to answer with
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def snap_base_url(self) -> str:  # MIDTRANS_SNAP_BASE_URL
        return f"{self.url}/snap/v1"

    @property
    def api_base_url(self) -> str:  # MIDTRANS_API_BASE_URL
        return self.url

    @property
    def iris_base_url(self) -> str:  # MIDTRANS_IRIS_BASE_URL
        return f"{self.url}/iris"

    def start(self) -> FakeMidtrans:
        # A short poll: stop() waits for the serving loop to notice, once per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (``python -m tests.fakes.midtrans``)."""
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def stop(self) -> None:
        self._released.set()  # let hanging requests go
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeMidtrans:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the payer's side and Midtrans' own decisions ----------------------------------------

    def _set(self, order_id: str, status: str, *, method: str = "", fraud: str = "") -> dict:
        with self._lock:
            transaction = self.transactions[order_id]
            if method or not transaction.method:
                transaction.method = method or "bca_va"
            transaction.transaction_status, transaction.fraud_status = status, fraud
            return transaction.body(self.server_key)

    def choose(self, order_id: str, method: str = "bca_va") -> dict:
        """The payer picks a method on the Snap page: a pending transaction (a VA number)."""
        return self._set(order_id, "pending", method=method)

    def pay(self, order_id: str, method: str = "bca_va") -> dict:
        """The payer pays: settlement, or capture with the fraud check's "accept" for a card.
        Returns the notification Midtrans would send."""
        if method == "credit_card":
            return self._set(order_id, "capture", method=method, fraud="accept")
        return self._set(order_id, "settlement", method=method)

    def challenge(self, order_id: str) -> dict:
        """A card payment the fraud check holds for a person to review."""
        return self._set(order_id, "capture", method="credit_card", fraud="challenge")

    def expire(self, order_id: str) -> dict:
        return self._set(order_id, "expire")

    def deny(self, order_id: str) -> dict:
        return self._set(order_id, "deny", fraud="deny")

    def cancel(self, order_id: str) -> dict:
        return self._set(order_id, "cancel")

    def set_status(self, order_id: str, transaction_status: str, fraud_status: str = "") -> dict:
        """Any state Midtrans documents, for what the methods above do not cover."""
        return self._set(order_id, transaction_status, fraud=fraud_status)

    def refund(self, order_id: str, amount: int | None = None) -> dict:
        """A refund made in Midtrans' dashboard (the API's refund goes through the same)."""
        with self._lock:
            transaction = self.transactions[order_id]
            transaction.refunded += amount or transaction.gross_amount - transaction.refunded
            full = transaction.refunded >= transaction.gross_amount
            transaction.transaction_status = "refund" if full else "partial_refund"
            return transaction.body(self.server_key)

    def chargeback(self, order_id: str, amount: int | None = None) -> dict:
        """The payer's bank takes the payment back (all of it, or ``amount`` more)."""
        with self._lock:
            transaction = self.transactions[order_id]
            transaction.refunded += amount or transaction.gross_amount - transaction.refunded
            full = transaction.refunded >= transaction.gross_amount
            transaction.transaction_status = "chargeback" if full else "partial_chargeback"
            return transaction.body(self.server_key)

    def down(self, mode: str | int = "hang") -> None:
        """Every API call from now on hangs (``"hang"``, up to ``self.hang`` seconds or until
        ``up()``), or is answered ``500`` (Midtrans' JSON error) or ``503`` (a proxy's HTML).
        ``"lose_answer"`` (Iris only): the call is done, then hangs the same way, so the client
        never learns it was."""
        self._released.clear()
        self.mode = mode

    def up(self) -> None:
        self.mode = ""
        self._released.set()

    # --- notifications ---------------------------------------------------------------------

    def notification(self, order_id: str) -> dict:
        """The notification for the transaction's current state, correctly signed."""
        with self._lock:
            return self.transactions[order_id].body(self.server_key)

    def forged_notification(self, order_id: str, status: str = "settlement") -> dict:
        """What someone without the server key can send: a "paid" signed with a guessed key."""
        body = self.notification(order_id) | {"transaction_status": status, "status_code": "200"}
        return body | {"signature_key": self._sign(body, "SB-Mid-server-guessed")}

    def notification_with_amount(self, order_id: str, amount: str, *, signed: bool = True) -> dict:
        """Another gross_amount: signed with the server key (``signed``), or the original
        signature left on the changed body (tampered in transit)."""
        body = self.notification(order_id) | {"gross_amount": amount}
        return body | {"signature_key": self._sign(body)} if signed else body

    def notification_for_order(self, order_id: str, other: str, *, signed: bool = True) -> dict:
        """``order_id``'s notification naming the order ``other`` instead."""
        body = self.notification(order_id) | {"order_id": other}
        return body | {"signature_key": self._sign(body)} if signed else body

    def _sign(self, body: dict, server_key: str | None = None) -> str:
        key = self.server_key if server_key is None else server_key
        return sign(body["order_id"], body["status_code"], body["gross_amount"], key)

    def send(self, url: str, notification: dict | bytes, timeout: float = 10) -> int:
        """POST a notification as Midtrans does; the HTTP status it was answered with."""
        data = notification if isinstance(notification, bytes) else json.dumps(notification)
        request = urllib.request.Request(  # noqa: S310 - a URL the test gives
            url,
            data=data.encode() if isinstance(data, str) else data,
            headers={"Content-Type": "application/json", "User-Agent": "Veritrans"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    # --- the API -----------------------------------------------------------------------------

    def snap_create(self, body: Any) -> tuple[int, dict]:
        errors = snap_errors(body)
        if errors:
            return 400, {"error_messages": errors}
        details = body["transaction_details"]
        with self._lock:
            if details["order_id"] in self.transactions:
                return 400, {
                    "error_messages": ["transaction_details.order_id has already been taken"]
                }
            token = str(uuid.uuid4())
            self.transactions[details["order_id"]] = Transaction(
                details["order_id"], int(details["gross_amount"]), token, body
            )
        return 201, {"token": token, "redirect_url": f"{self.url}/snap/v4/redirection/{token}"}

    def status(self, order_id: str) -> tuple[int, dict]:
        with self._lock:
            transaction = self.transactions.get(order_id)
            if transaction is None or not transaction.transaction_status:
                return 404, {"status_code": "404", "status_message": "Transaction doesn't exist."}
            return 200, transaction.body(self.server_key, lookup=True)

    def refund_api(self, order_id: str, body: Any) -> tuple[int, dict]:
        """Midtrans' refund: a ``refund_key`` it has seen for this order answers as the first
        time did and refunds nothing more (the retry Midtrans documents)."""
        with self._lock:
            transaction = self.transactions.get(order_id)
        if transaction is None or not transaction.transaction_status:
            return 404, {"status_code": "404", "status_message": "Transaction doesn't exist."}
        amount = body.get("amount") if isinstance(body, dict) else None
        key = body.get("refund_key", "") if isinstance(body, dict) else ""
        if key and (order_id, key) in self.refunds:
            return 200, self.refunds[(order_id, key)]
        left = transaction.gross_amount - transaction.refunded
        if transaction.transaction_status not in ("settlement", "capture", "partial_refund") or (
            amount is not None and not (isinstance(amount, int) and 0 < amount <= left)
        ):
            message = "Merchant cannot modify the status of the transaction"
            return 412, {"status_code": "412", "status_message": message}
        answer = self.refund(order_id, amount) | {
            "status_message": "Success, refund request is approved",
            "refund_chargeback_id": len(self.refunds) + 1,
            "refund_amount": f"{amount or left}.00",
            "refund_key": key or str(uuid.uuid4()),
        }
        if key:
            self.refunds[(order_id, key)] = answer
        return 200, answer

    def authorized(self, header: str) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.server_key}:".encode()).decode()
        return bool(self.server_key) and header == expected
