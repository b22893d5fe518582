"""Xendit payouts (money out, its v2 Payouts API) with the official client.

``create_payout`` sends Xendit's ``Idempotency-key`` header: Xendit returns the first payout for
a key it has seen with the same body, and a ``DUPLICATE_ERROR`` for the same key with another
body — both safe, neither pays twice. Its callback (``payout.succeeded``, ``payout.failed``,
``payout.reversed``) carries the same ``x-callback-token`` as invoice callbacks; the payout is
then read back by id (``get_payout_by_id``) and must be for the same reference.

Status mapping, as Xendit documents payout statuses: SUCCEEDED → paid; FAILED, CANCELLED and
REVERSED (the bank sent a succeeded payout back) → failed; ACCEPTED, REQUESTED, LOCKED →
pending. Failed for a withdrawal already paid is a reversal: ``payout_complete`` returns the
money to the wallet (*returned*).

Name check: Xendit's account-holder name validation is a separate product that
``xendit-python`` does not expose, so ``check_account_name`` is not offered here.
"""

from __future__ import annotations

import json
from typing import Any

from payments.gateways.base import InvalidWebhook
from payments.gateways.payouts import (
    PayoutChannel,
    PayoutEvent,
    PayoutGateway,
    PayoutRequest,
    PayoutResult,
    PayoutStatus,
)
from payments.gateways.xendit import (
    WEBHOOK_ID_HEADER,
    XenditRefused,
    api_client,
    callback_token_matches,
    calling_xendit,
    header,
    request_timeout,
    whole_rupiah,
)

PAYOUT_STATUSES: dict[str, PayoutStatus] = {
    "SUCCEEDED": "paid",
    "FAILED": "failed",
    "CANCELLED": "failed",
    "REVERSED": "failed",
    "ACCEPTED": "pending",
    "REQUESTED": "pending",
    "LOCKED": "pending",
}
PAYOUT_EVENTS = {"payout.succeeded", "payout.failed", "payout.reversed"}

# Xendit's Indonesian channel codes (Payouts coverage), banks then e-wallets.
CHANNELS: tuple[PayoutChannel, ...] = (
    PayoutChannel("ID_BCA", "BCA", "bank"),
    PayoutChannel("ID_BNI", "BNI", "bank"),
    PayoutChannel("ID_BRI", "BRI", "bank"),
    PayoutChannel("ID_MANDIRI", "Mandiri", "bank"),
    PayoutChannel("ID_PERMATA", "Permata", "bank"),
    PayoutChannel("ID_CIMB", "CIMB Niaga", "bank"),
    PayoutChannel("ID_BSI", "Bank Syariah Indonesia", "bank"),
    PayoutChannel("ID_DANAMON", "Danamon", "bank"),
    PayoutChannel("ID_BTN", "BTN", "bank"),
    PayoutChannel("ID_OVO", "OVO", "ewallet"),
    PayoutChannel("ID_DANA", "DANA", "ewallet"),
    PayoutChannel("ID_GOPAY", "GoPay", "ewallet"),
    PayoutChannel("ID_SHOPEEPAY", "ShopeePay", "ewallet"),
    PayoutChannel("ID_LINKAJA", "LinkAja", "ewallet"),
)


class XenditPayoutGateway(PayoutGateway):
    name = "xendit"
    offers_name_check = False

    def __init__(self) -> None:
        # The client is loaded when payouts are sent, not when the gateways are listed.
        from xendit.payout import PayoutApi  # type: ignore[import-untyped]

        self.payouts = PayoutApi(api_client())

    def channels(self) -> tuple[PayoutChannel, ...]:
        return CHANNELS

    def create_payout(self, request: PayoutRequest, idempotency_key: str) -> PayoutResult:
        from xendit.payout.model.create_payout_request import (  # type: ignore[import-untyped]
            CreatePayoutRequest,
        )
        from xendit.payout.model.digital_payout_channel_properties import (  # type: ignore[import-untyped]
            DigitalPayoutChannelProperties,
        )

        if request.channel_code not in {channel.code for channel in CHANNELS}:
            raise ValueError(f"not a Xendit payout channel: {request.channel_code}")
        body = CreatePayoutRequest(
            reference_id=request.reference,
            channel_code=request.channel_code,
            channel_properties=DigitalPayoutChannelProperties(
                account_number=request.account_number,
                account_holder_name=request.account_holder_name,
            ),
            amount=float(request.amount),  # the client's type for it; a whole number
            currency="IDR",
            description=request.description or f"Garap withdrawal {request.reference}",
        )
        with calling_xendit():
            payout = self.payouts.create_payout(
                idempotency_key=idempotency_key,
                create_payout_request=body,
                _request_timeout=request_timeout(),
            )
        return PayoutResult(provider_reference=str(payout.id), status=_status(payout.status))

    def parse_payout_webhook(self, body: bytes, headers: dict[str, str]) -> PayoutEvent:
        if not callback_token_matches(headers):
            raise InvalidWebhook("bad callback token")
        try:
            callback = json.loads(body)
            data = callback["data"]
            if callback["event"] not in PAYOUT_EVENTS:
                raise ValueError("not a payout event")
            event = _event(data, event_id=header(headers, WEBHOOK_ID_HEADER))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InvalidWebhook("malformed body") from None
        return event

    def confirm_payout(self, event: PayoutEvent) -> PayoutEvent:
        if not event.provider_reference:
            raise InvalidWebhook("no payout id to confirm")
        try:
            with calling_xendit():
                payout = self.payouts.get_payout_by_id(
                    event.provider_reference, _request_timeout=request_timeout()
                )
        except XenditRefused as exc:
            if exc.status == "404":
                raise InvalidWebhook("Xendit has no such payout") from None
            raise
        data = {
            "id": payout.id,
            "reference_id": payout.reference_id,
            "status": payout.status,
            "amount": payout.amount,
            "failure_code": payout.get("failure_code"),
        }
        if data["reference_id"] != event.reference:
            raise InvalidWebhook("the payout is for another reference")
        try:
            return _event(data, event_id=event.event_id)
        except (ValueError, KeyError, TypeError):
            raise InvalidWebhook("Xendit reports a payout Garap cannot read") from None


def _status(value: object) -> PayoutStatus:
    status = PAYOUT_STATUSES.get(str(value))
    if status is None:
        raise ValueError(f"unknown payout status {value!r}")
    return status


def _event(data: dict[str, Any], *, event_id: str) -> PayoutEvent:
    """A payout object (from a callback's ``data`` or the API) as a ``PayoutEvent``."""
    payout_id, reference = data["id"], data["reference_id"]
    if not (isinstance(payout_id, str) and isinstance(reference, str) and reference):
        raise ValueError("payout without id or reference")
    status = _status(data["status"])
    failure = data.get("failure_code") or ""
    if status == "failed" and not failure:
        failure = str(data["status"])  # CANCELLED / REVERSED carry no failure_code
    return PayoutEvent(
        reference=reference,
        status=status,
        amount=whole_rupiah(data["amount"]),
        failure_reason=str(failure) if status == "failed" else "",
        event_id=event_id or f"{payout_id}:{data['status']}",
        provider_reference=payout_id,
    )
