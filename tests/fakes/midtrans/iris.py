"""Iris, Midtrans' disbursement API, inside the local Midtrans (served under ``/iris``).

It speaks the protocol Midtrans documents for Iris: Basic auth with an Iris API key and an
empty password — a creator's key creates payouts, an approver's approves them, either reads
them — ``POST /iris/api/v1/payouts`` with ``X-Idempotency-Key`` (the same key and body give
the first answer again; the same key with another body is refused), ``POST
/iris/api/v1/payouts/approve``, ``GET /iris/api/v1/payouts/{reference_no}``, ``GET
/iris/api/v1/account_validation?bank=&account=``; errors as ``{"error_message", "errors"}``.
Notifications are the JSON Iris posts, signed in ``Iris-Signature`` with SHA-512(raw body +
merchant key), computed here on its own rather than borrowed from the gateway under test.

The test drives what the banks and Iris' dashboard would do: ``complete``, ``fail``,
``reject``; which accounts exist and under what name (``accounts``); and sends notifications,
forged ones included. Outages are the local Midtrans' own (``FakeMidtrans.down``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

# Iris' beneficiary bank codes, as its GET /beneficiary_banks lists them (the ones Garap uses).
BANKS = {
    "bca": "Bank Central Asia",
    "bni": "Bank Negara Indonesia",
    "bri": "Bank Rakyat Indonesia",
    "mandiri": "Bank Mandiri",
    "permata": "Bank Permata",
    "cimb": "Bank CIMB Niaga",
    "bsm": "Bank Syariah Indonesia",
    "danamon": "Bank Danamon",
    "btn": "Bank Tabungan Negara",
    "gopay": "GoPay",
}
STATUSES = ("queued", "approved", "processed", "completed", "failed", "rejected")
AMOUNT = re.compile(r"[0-9]{1,15}(\.[0-9]{1,2})?")
UNAUTHORIZED = "You are not authorized to perform this action"


def sign(body: bytes, merchant_key: str) -> str:
    return hashlib.sha512(body + merchant_key.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class IrisError(Exception):
    def __init__(self, status: int, error_message: str, errors: Any = None) -> None:
        super().__init__(error_message)
        self.status, self.error_message = status, error_message
        self.errors = errors if errors is not None else [error_message]

    def body(self) -> dict[str, Any]:
        return {"error_message": self.error_message, "errors": self.errors}


@dataclass
class Payout:
    reference_no: str
    beneficiary_name: str
    beneficiary_account: str
    bank: str
    amount: str  # as Iris writes it: "250000.00"
    notes: str
    beneficiary_email: str = ""
    status: str = "queued"
    error_code: str = ""
    error_message: str = ""
    created_by: str = "creator"
    created_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)

    def body(self) -> dict[str, Any]:
        """The payout as ``GET /payouts/{reference_no}`` shows it."""
        body: dict[str, Any] = {
            "amount": self.amount,
            "beneficiary_name": self.beneficiary_name,
            "beneficiary_account": self.beneficiary_account,
            "bank": BANKS.get(self.bank, self.bank),
            "reference_no": self.reference_no,
            "notes": self.notes,
            "beneficiary_email": self.beneficiary_email or None,
            "status": self.status,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
        if self.status == "failed":
            body |= {"error_code": self.error_code, "error_message": self.error_message}
        return body

    def notification(self) -> dict[str, Any]:
        """What Iris posts when the payout's status changes."""
        body: dict[str, Any] = {
            "reference_no": self.reference_no,
            "amount": self.amount,
            "status": self.status,
            "updated_at": self.updated_at,
        }
        if self.status == "failed":
            body |= {"error_code": self.error_code, "error_message": self.error_message}
        return body


class Iris:
    """Iris' state and protocol; ``FakeMidtrans`` serves it over HTTP under ``/iris``."""

    def __init__(self, *, creator_key: str, approver_key: str = "", merchant_key: str) -> None:
        self.creator_key = creator_key
        self.approver_key = approver_key
        self.merchant_key = merchant_key
        self.payouts: dict[str, Payout] = {}
        # (bank, account) → the holder's name the bank knows; any other account does not exist.
        self.accounts: dict[tuple[str, str], str] = {}
        self.notification_url = ""  # where complete/fail/reject notify from the control page
        # Calls ("create", "approve", "get", "validate") Iris answers with its 503 while the rest
        # works: an outage of one part (FakeMidtrans.down stops all of it).
        self.unavailable: set[str] = set()
        self._idempotency: dict[str, tuple[Any, tuple[int, dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    # --- the API ------------------------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        raw: bytes,
    ) -> tuple[int, dict[str, Any]]:
        """Answer one call to ``/iris/...`` (``path`` without ``/iris``)."""
        try:
            return self._answer(method, path, query, headers, raw)
        except IrisError as error:
            return error.status, error.body()

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        raw: bytes,
    ) -> tuple[int, dict[str, Any]]:
        role = self._role(headers.get("authorization", ""))
        if role is None:
            raise IrisError(401, UNAUTHORIZED)
        match method, path.strip("/").split("/"):
            case "POST", ["api", "v1", "payouts"]:
                self._available("create")
                if role != "creator":
                    raise IrisError(401, UNAUTHORIZED)
                return self.create(_json(raw), idempotency_key=headers.get("x-idempotency-key", ""))
            case "POST", ["api", "v1", "payouts", "approve"]:
                self._available("approve")
                if role != "approver":
                    raise IrisError(401, UNAUTHORIZED)
                return self.approve(_json(raw))
            case "GET", ["api", "v1", "payouts", reference_no]:
                self._available("get")
                with self._lock:
                    payout = self.payouts.get(reference_no)
                if payout is None:
                    raise IrisError(404, "Payout not found")
                return 200, payout.body()
            case "GET", ["api", "v1", "account_validation"]:
                self._available("validate")
                bank, account = (query.get(name, [""])[0] for name in ("bank", "account"))
                return self.validate(bank, account)
        raise IrisError(404, "Not found")

    def _available(self, call: str) -> None:
        if call in self.unavailable:
            raise IrisError(503, "Service is temporarily unavailable, please retry later")

    def _role(self, header: str) -> str | None:
        for role, key in (("creator", self.creator_key), ("approver", self.approver_key)):
            expected = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
            if key and hmac.compare_digest(header.encode("utf-8", "replace"), expected.encode()):
                return role
        return None

    def create(self, body: Any, *, idempotency_key: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if idempotency_key and idempotency_key in self._idempotency:
                first, answer = self._idempotency[idempotency_key]
                if first != body:
                    raise IrisError(409, "idempotency-key is not unique")
                return answer
            payouts = body.get("payouts") if isinstance(body, dict) else None
            if not isinstance(payouts, list) or not payouts:
                raise IrisError(
                    400, "An error occurred when creating payouts", ["payouts required"]
                )
            made = [self._payout(index, item) for index, item in enumerate(payouts)]
            for payout in made:
                self.payouts[payout.reference_no] = payout
            answer = (
                201,
                {"payouts": [{"status": p.status, "reference_no": p.reference_no} for p in made]},
            )
            if idempotency_key:
                self._idempotency[idempotency_key] = (body, answer)
            return answer

    def _payout(self, index: int, item: Any) -> Payout:
        errors: dict[str, list[str]] = {}
        if not isinstance(item, dict):
            raise IrisError(400, "An error occurred when creating payouts", {str(index): "invalid"})
        for name in ("beneficiary_name", "beneficiary_account", "beneficiary_bank", "notes"):
            if not isinstance(item.get(name), str) or not item[name].strip():
                errors[name] = [f"{name} is required"]
        if item.get("beneficiary_bank") not in BANKS:
            errors.setdefault("beneficiary_bank", []).append("Beneficiary bank is not supported")
        amount = item.get("amount")
        try:
            valid = isinstance(amount, str) and AMOUNT.fullmatch(amount) and Decimal(amount) > 0
        except InvalidOperation:
            valid = False
        if not valid:
            errors["amount"] = ["Amount must be a positive decimal string"]
        if len(str(item.get("notes") or "")) > 100:
            errors["notes"] = ["Notes is too long (maximum is 100 characters)"]
        if errors:
            raise IrisError(400, "An error occurred when creating payouts", {str(index): errors})
        return Payout(
            reference_no=uuid.uuid4().hex[:20],
            beneficiary_name=item["beneficiary_name"],
            beneficiary_account=item["beneficiary_account"],
            bank=item["beneficiary_bank"],
            amount=f"{Decimal(amount):.2f}",
            notes=item["notes"],
            beneficiary_email=str(item.get("beneficiary_email") or ""),
        )

    def approve(self, body: Any) -> tuple[int, dict[str, Any]]:
        references = body.get("reference_nos") if isinstance(body, dict) else None
        if not isinstance(references, list) or not references:
            raise IrisError(400, "Failed to approve payouts", ["reference_nos required"])
        with self._lock:
            for reference_no in references:
                payout = self.payouts.get(reference_no)
                if payout is None:
                    raise IrisError(404, "Failed to approve payouts", ["Payout not found"])
                if payout.status != "queued":
                    message = f"Payout {reference_no} cannot be approved: it is {payout.status}"
                    raise IrisError(400, "Failed to approve payouts", [message])
            for reference_no in references:
                self._set(reference_no, "approved")
        return 202, {"status": "ok"}

    def validate(self, bank: str, account: str) -> tuple[int, dict[str, Any]]:
        request_id = uuid.uuid4().hex
        name = self.accounts.get((bank, account))
        if name is None:
            message = "An error occured when doing account validation"
            return 400, {
                "id": request_id,
                "error_message": message,
                "errors": {"account": ["Account does not exist"]},
            }
        return 200, {
            "id": request_id,
            "account_name": name,
            "account_no": account,
            "bank_name": bank,
        }

    # --- what the banks and Iris' dashboard do ------------------------------------------------

    def _set(self, reference_no: str, status: str, code: str = "", message: str = "") -> Payout:
        payout = self.payouts[reference_no]
        payout.status, payout.error_code, payout.error_message = status, code, message
        payout.updated_at = _now()
        return payout

    def complete(self, reference_no: str) -> bytes:
        """The bank credited the account; the notification Iris sends about it."""
        with self._lock:
            return self._body(self._set(reference_no, "completed").notification())

    def fail(
        self, reference_no: str, code: str = "002", message: str = "Account does not exist"
    ) -> bytes:
        with self._lock:
            return self._body(self._set(reference_no, "failed", code, message).notification())

    def reject(self, reference_no: str) -> bytes:
        """An approver turned it down in Iris' dashboard."""
        with self._lock:
            return self._body(self._set(reference_no, "rejected").notification())

    def set_status(self, reference_no: str, status: str) -> bytes:
        """Any status Iris documents, for what the methods above do not cover."""
        assert status in STATUSES, status
        with self._lock:
            return self._body(self._set(reference_no, status).notification())

    # --- notifications ------------------------------------------------------------------------

    def notification(self, reference_no: str, /, **override: Any) -> bytes:
        """The body Iris posts for the payout's current state; ``override`` makes a bad one
        (``status="completed"``, ``amount="1.00"``, ``reference_no=None``)."""
        with self._lock:
            body = self.payouts[reference_no].notification()
        return self._body(body | override)

    @staticmethod
    def _body(body: dict[str, Any]) -> bytes:
        return json.dumps(body).encode()

    def headers(self, body: bytes, *, merchant_key: str | None = None) -> dict[str, str]:
        """What Iris sends with ``body``; ``merchant_key`` forges it with another key."""
        key = self.merchant_key if merchant_key is None else merchant_key
        return {"Content-Type": "application/json", "Iris-Signature": sign(body, key)}

    def send(
        self, url: str, body: bytes, *, merchant_key: str | None = None, timeout: float = 10
    ) -> int:
        """POST a notification to ``url`` as Iris does; the HTTP status it was answered with."""
        request = urllib.request.Request(  # noqa: S310 - a URL the test gives
            url, data=body, headers=self.headers(body, merchant_key=merchant_key), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        raise IrisError(400, "The request body is not JSON") from None
