"""Midtrans' side of the protocol: its payment channels, status codes, signatures, the body of a
notification or status answer, and Snap's validation of a new transaction."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Snap method name → (payment_type in notifications, bank for a virtual account).
METHODS = {
    "bca_va": ("bank_transfer", "bca"),
    "bni_va": ("bank_transfer", "bni"),
    "bri_va": ("bank_transfer", "bri"),
    "cimb_va": ("bank_transfer", "cimb"),
    "permata_va": ("bank_transfer", "permata"),
    "other_va": ("bank_transfer", "bca"),
    "echannel": ("echannel", ""),
    "other_qris": ("qris", ""),
    "gopay": ("gopay", ""),
    "shopeepay": ("shopeepay", ""),
    "credit_card": ("credit_card", ""),
    "indomaret": ("cstore", ""),
    "alfamart": ("cstore", ""),
    "akulaku": ("akulaku", ""),
    "kredivo": ("kredivo", ""),
}
# Midtrans' status_code for a notification in each state; a status lookup answers "407" for
# an expired transaction instead.
STATUS_CODES = {"capture": "200", "settlement": "200", "refund": "200", "partial_refund": "200"}
STATUS_CODES |= {"chargeback": "200", "partial_chargeback": "200"}
STATUS_CODES |= {"pending": "201", "authorize": "201"}
STATUS_CODES |= {"deny": "202", "cancel": "202", "expire": "202", "failure": "202"}
UNAUTHORIZED = [
    "Access denied due to unauthorized transaction, please check client or server key",
    "Visit https://snap-docs.midtrans.com/#request-headers for more details",
]
ORDER_ID = re.compile(r"[A-Za-z0-9\-_~.]{1,50}")
START_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}")
EXPIRY_UNITS = {"minute", "minutes", "hour", "hours", "day", "days"}


def sign(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


@dataclass
class Transaction:
    order_id: str
    gross_amount: int  # whole rupiah
    token: str
    parameters: dict[str, Any]  # the Snap request as received
    transaction_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    transaction_time: str = field(default_factory=lambda: f"{datetime.now():%Y-%m-%d %H:%M:%S}")
    method: str = ""  # chosen on the Snap page; until then Midtrans has no transaction
    transaction_status: str = ""
    fraud_status: str = ""
    refunded: int = 0

    def body(self, server_key: str, *, lookup: bool = False) -> dict[str, Any]:
        """The transaction as a notification (or, with ``lookup``, a status answer) shows it."""
        status_code = STATUS_CODES.get(self.transaction_status, "201")
        if lookup and self.transaction_status == "expire":
            status_code = "407"
        gross = f"{self.gross_amount}.00"
        payment_type, bank = METHODS.get(self.method, ("", ""))
        body: dict[str, Any] = {
            "status_code": status_code,
            "status_message": "midtrans payment notification",
            "transaction_id": self.transaction_id,
            "order_id": self.order_id,
            "merchant_id": "G000000000",
            "gross_amount": gross,
            "currency": "IDR",
            "payment_type": payment_type,
            "transaction_time": self.transaction_time,
            "transaction_status": self.transaction_status,
            "fraud_status": self.fraud_status or "accept",
            "signature_key": sign(self.order_id, status_code, gross, server_key),
        }
        if bank == "permata":
            body["permata_va_number"] = "8562" + self.order_id[-8:].rjust(8, "0")
        elif bank:
            body["va_numbers"] = [{"bank": bank, "va_number": "12345" + self.order_id[-8:]}]
        elif payment_type == "echannel":
            body |= {"bill_key": self.order_id[-10:], "biller_code": "70012"}
        if lookup:
            found = "Success, transaction is found"
            body["status_message"] = "Expired transaction" if status_code == "407" else found
        if self.refunded:
            body["refund_amount"] = f"{self.refunded}.00"
        return body


def snap_errors(body: Any) -> list[str]:
    """Snap's validation, with its messages, for what Garap sends."""
    if not isinstance(body, dict) or not isinstance(body.get("transaction_details"), dict):
        return ["transaction_details is required"]
    details, errors = body["transaction_details"], []
    order_id, amount = details.get("order_id"), details.get("gross_amount")
    if not order_id:
        errors.append("transaction_details.order_id is required")
    elif not isinstance(order_id, str) or not ORDER_ID.fullmatch(order_id):
        errors.append("transaction_details.order_id format is invalid")
    if amount is None:
        errors.append("transaction_details.gross_amount is required")
    elif not isinstance(amount, int | float) or isinstance(amount, bool):
        errors.append("transaction_details.gross_amount must be a number")
    elif amount < 1:
        errors.append("transaction_details.gross_amount must be greater than or equal to 1")
    items = body.get("item_details")
    if items and isinstance(amount, int | float):
        total = sum(item.get("price", 0) * item.get("quantity", 0) for item in items)
        if total != amount:
            errors.append(
                "transaction_details.gross_amount is not equal to the sum of item_details"
            )
    for name in body.get("enabled_payments", []):
        if name not in METHODS:
            errors.append(f"enabled_payments {name!r} is not a payment channel")
    expiry = body.get("expiry")
    if expiry is not None:
        if expiry.get("unit") not in EXPIRY_UNITS:
            errors.append("expiry.unit must be one of minute, hour, day")
        duration = expiry.get("duration")
        if not isinstance(duration, int) or duration < 1:
            errors.append("expiry.duration must be a positive integer")
        start = expiry.get("start_time")
        if start is not None and not (isinstance(start, str) and START_TIME.fullmatch(start)):
            errors.append("expiry.start_time format is invalid, use yyyy-MM-dd HH:mm:ss Z")
    finish = (body.get("callbacks") or {}).get("finish")
    if finish is not None and not (isinstance(finish, str) and finish.startswith("http")):
        errors.append("callbacks.finish must be a valid URL")
    return errors
