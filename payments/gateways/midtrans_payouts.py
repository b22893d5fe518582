"""Midtrans payouts (money out) through Iris, Midtrans' disbursement API.

Midtrans' official client (``midtransclient``) has no Iris client, so this module speaks Iris'
HTTP API itself with ``requests``, as Midtrans documents it:

- every call goes to ``MIDTRANS_IRIS_BASE_URL`` (empty: ``https://app.midtrans.com/iris`` in
  production, ``https://app.sandbox.midtrans.com/iris`` otherwise) with HTTP Basic auth, an
  Iris API key as the user name and an empty password. A *creator* key
  (``MIDTRANS_IRIS_CREATOR_KEY``) creates payouts and reads them; where the Iris account does
  not approve payouts by itself, an *approver* key (``MIDTRANS_IRIS_APPROVER_KEY``) approves
  each one right after it is created (``POST /api/v1/payouts/approve``).
- ``create_payout`` is ``POST /api/v1/payouts`` with one payout and the ``X-Idempotency-Key``
  header: Iris answers the same request under the same key with the first answer and never
  pays twice; the same key with another body is refused. Iris forgets keys after 24 hours, so
  a retry must come within a day (later, read the payout back instead of creating it again).
- Iris has no field for the merchant's own reference: ours is the first word of the payout's
  ``notes``, which every read of the payout gives back.
- Iris' notification names only Iris' ``reference_no``; it is signed in the ``Iris-Signature``
  header with SHA-512(raw body + merchant key) (``MIDTRANS_IRIS_MERCHANT_KEY``), compared in
  constant time. ``parse_payout_webhook`` then reads the payout (``GET
  /api/v1/payouts/{reference_no}``) for the withdrawal reference in its notes, and
  ``confirm_payout`` reads it again: the ledger moves on that answer, not the notification.
- ``check_account_name`` is Iris' account validation (``GET /api/v1/account_validation``).

Status mapping, as Iris documents payout statuses: completed → paid; failed and rejected (an
approver turned it down) → failed; queued, approved and processed → pending. Iris documents
no status after completed (no reversal, unlike Xendit's REVERSED): a notification claiming one
is read back, and Iris' answer — still completed — is what the ledger moves on.

Failures, as for the money-in gateway (``payments.gateways.midtrans``): a timeout
(``GATEWAY_TIMEOUT_SECONDS``), a refused connection, a 5xx or 429, or an answer that is not
JSON is ``GatewayUnavailable`` (try again, with the same idempotency key); any other 4xx is
``IrisRefused`` (a wrong key or parameter on our side: retrying will not help).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

from payments.gateways.base import (
    GatewayRefused,
    GatewayUnavailable,
    InvalidWebhook,
    Setting,
    from_settings,
)
from payments.gateways.midtrans import rupiah
from payments.gateways.payouts import (
    NoSuchAccount,
    PayoutChannel,
    PayoutEvent,
    PayoutGateway,
    PayoutRequest,
    PayoutResult,
    PayoutStatus,
)

logger = logging.getLogger(__name__)

PRODUCTION_BASE_URL = "https://app.midtrans.com/iris"
SANDBOX_BASE_URL = "https://app.sandbox.midtrans.com/iris"
SIGNATURE_HEADER = "iris-signature"
IDEMPOTENCY_HEADER = "X-Idempotency-Key"
IDEMPOTENCY_KEY_LENGTH = 100  # Iris' limit

PAYOUT_STATUSES: dict[str, PayoutStatus] = {
    "completed": "paid",
    "failed": "failed",
    "rejected": "failed",
    "queued": "pending",
    "approved": "pending",
    "processed": "pending",
}

# Iris' beneficiary bank codes (its ``GET /api/v1/beneficiary_banks``), banks then e-wallets.
# Bank Syariah Indonesia keeps the code of Bank Syariah Mandiri ("bsm"), which merged into it.
# GoPay is the only e-wallet Iris pays out to.
CHANNELS: tuple[PayoutChannel, ...] = (
    PayoutChannel("bca", "BCA", "bank"),
    PayoutChannel("bni", "BNI", "bank"),
    PayoutChannel("bri", "BRI", "bank"),
    PayoutChannel("mandiri", "Mandiri", "bank"),
    PayoutChannel("permata", "Permata", "bank"),
    PayoutChannel("cimb", "CIMB Niaga", "bank"),
    PayoutChannel("bsm", "Bank Syariah Indonesia", "bank"),
    PayoutChannel("danamon", "Danamon", "bank"),
    PayoutChannel("btn", "BTN", "bank"),
    PayoutChannel("gopay", "GoPay", "ewallet"),
)
CHANNEL_CODES = frozenset(channel.code for channel in CHANNELS)

NOTES_LENGTH = 100  # Iris' limit on a payout's notes
# Our reference opens the notes, so it must be one word Iris keeps as it is.
REFERENCE = re.compile(r"[A-Za-z0-9_\-]{1,50}")


class IrisRefused(GatewayRefused):
    """Iris heard the request and refused it (a 4xx: a wrong key, a parameter it does not
    take, an idempotency key reused with another body). Nothing was created by this request,
    and sending it again will not change the answer; not an outage."""

    def __init__(self, status: int, error_message: str, errors: object = None) -> None:
        super().__init__(f"Iris refused the request ({status}): {error_message} {errors or ''}")
        self.status, self.error_message, self.errors = status, error_message, errors


class AccountNotFound(NoSuchAccount):
    """Iris' account validation: the bank has no such account, or it is dormant or closed.
    The freelancer's input, not an outage: their destination needs correcting."""


def base_url(setting: Setting | None = None) -> str:
    read = setting or from_settings
    configured = str(read("MIDTRANS_IRIS_BASE_URL") or "").rstrip("/")
    if configured:
        return configured
    return PRODUCTION_BASE_URL if read("MIDTRANS_IS_PRODUCTION") else SANDBOX_BASE_URL


def signature(body: bytes, merchant_key: str) -> str:
    """The ``Iris-Signature`` Iris sends with a notification of ``body``."""
    return hashlib.sha512(body + merchant_key.encode()).hexdigest()


def configuration_problems(setting: Setting | None = None) -> list[str]:
    """What keeps the Iris settings read by ``setting(name)`` (default: Django's settings) from
    paying withdrawals out on a public site, for the deploy checks (``MidtransGateway`` adds
    them to its own: a site on Midtrans pays out through Iris)."""
    read = setting or from_settings
    problems = []
    if not read("MIDTRANS_IRIS_CREATOR_KEY"):
        problems.append(
            "Set MIDTRANS_IRIS_CREATOR_KEY to the API key of an Iris creator user (Midtrans' "
            "Payouts dashboard, Settings → API Key): withdrawals are paid out with it."
        )
    if not read("MIDTRANS_IRIS_MERCHANT_KEY"):
        problems.append(
            "Set MIDTRANS_IRIS_MERCHANT_KEY to the merchant key in Midtrans' Payouts dashboard "
            "(Settings → API Key): without it every payout notification is refused."
        )
    if read("MIDTRANS_IS_PRODUCTION") and read("MIDTRANS_IRIS_BASE_URL"):
        problems.append(
            "MIDTRANS_IRIS_BASE_URL points payouts away from Midtrans: withdrawals would be "
            "confirmed by whatever answers there. Leave it empty in production."
        )
    return problems


class MidtransPayoutGateway(PayoutGateway):
    name = "midtrans"
    offers_name_check = True

    def channels(self) -> tuple[PayoutChannel, ...]:
        return CHANNELS

    def create_payout(self, request: PayoutRequest, idempotency_key: str) -> PayoutResult:
        """One Iris payout for ``request``; with an approver key, approved at once. Raises
        ``ValueError`` for a channel Iris does not pay to or a reference it cannot keep
        (before anything is sent), ``GatewayUnavailable`` or ``IrisRefused``."""
        if request.channel_code not in CHANNEL_CODES:
            raise ValueError(f"not an Iris beneficiary bank: {request.channel_code}")
        if not REFERENCE.fullmatch(request.reference):
            raise ValueError(f"not a reference Iris' notes can carry: {request.reference!r}")
        if request.amount <= 0:
            raise ValueError("a payout is a positive number of rupiah")
        if not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_LENGTH:
            # Without one, a retry would pay twice.
            raise ValueError(f"an idempotency key is 1 to {IDEMPOTENCY_KEY_LENGTH} characters")
        payout = {
            "beneficiary_name": request.account_holder_name,
            "beneficiary_account": request.account_number,
            "beneficiary_bank": request.channel_code,
            "amount": f"{request.amount}.00",
            "notes": _notes(request),
        }
        answer = _call(
            "POST",
            "/api/v1/payouts",
            settings.MIDTRANS_IRIS_CREATOR_KEY,
            body={"payouts": [payout]},
            headers={IDEMPOTENCY_HEADER: idempotency_key},
        )
        try:
            created = answer["payouts"][0]
            reference_no, status = created["reference_no"], created["status"]
            if not (isinstance(reference_no, str) and reference_no):
                raise ValueError("no reference_no")
            result = PayoutResult(provider_reference=reference_no, status=_status(status))
        except (KeyError, IndexError, TypeError, ValueError):
            # Iris may have made it: the caller tries again with the same key and learns which.
            raise GatewayUnavailable("Iris' answer to a new payout cannot be read") from None
        if status == "queued" and settings.MIDTRANS_IRIS_APPROVER_KEY:
            self._approve(reference_no)
        return result

    def _approve(self, reference_no: str) -> None:
        """Approve a queued payout. On a retry under the same idempotency key Iris answers with
        the first "queued" even if that attempt approved it: refused then, the payout is read
        back, and one no longer queued was approved before.

        An approval Iris refuses (a wrong approver key) is logged, not raised: the payout exists
        and waits for an approver in Iris' dashboard, so the withdrawal stays pending — a
        caller told "refused" might give the money back while the payout can still be paid.
        An outage is raised: the caller's retry with the same key approves it then."""
        try:
            _call(
                "POST",
                "/api/v1/payouts/approve",
                settings.MIDTRANS_IRIS_APPROVER_KEY,
                body={"reference_nos": [reference_no]},
            )
        except IrisRefused as exc:
            if _read_payout(reference_no).get("status") == "queued":
                logger.error(
                    "Iris refused to approve payout %s (%s); it waits for an approver in "
                    "Iris' dashboard",
                    reference_no,
                    exc,
                )

    def parse_payout_webhook(self, body: bytes, headers: dict[str, str]) -> PayoutEvent:
        """Iris' notification, verified by its ``Iris-Signature``. Iris' notification names only
        its own ``reference_no``, so the payout is read back for our reference (its notes):
        this can raise ``GatewayUnavailable`` as ``confirm_payout`` does."""
        merchant_key = settings.MIDTRANS_IRIS_MERCHANT_KEY
        if not merchant_key:
            # With an empty key the signature is a hash anyone can compute.
            raise InvalidWebhook("MIDTRANS_IRIS_MERCHANT_KEY is not set")
        given = _header(headers, SIGNATURE_HEADER)
        # Compared as bytes: compare_digest raises on a str that is not ASCII.
        expected = signature(body, merchant_key).encode()
        if not hmac.compare_digest(given.encode("utf-8", "replace"), expected):
            raise InvalidWebhook("bad signature")
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            event = _event(data, reference="")
        except (ValueError, KeyError, TypeError, InvalidWebhook):
            raise InvalidWebhook("malformed body") from None
        payout = _read_payout_for_webhook(event.provider_reference)
        reference = _reference_in(payout.get("notes"))
        if not reference:
            raise InvalidWebhook("the payout is not one of Garap's withdrawals")
        return replace(event, reference=reference)

    def confirm_payout(self, event: PayoutEvent) -> PayoutEvent:
        """The payout as Iris reports it now, for ``event.reference`` (our withdrawal, which the
        payout's notes must name) and ``event.provider_reference`` (Iris' ``reference_no``)."""
        if not event.provider_reference or not event.reference:
            raise InvalidWebhook("no payout reference_no or withdrawal reference to confirm")
        payout = _read_payout_for_webhook(event.provider_reference)
        if _reference_in(payout.get("notes")) != event.reference:
            raise InvalidWebhook("the payout is for another reference")
        try:
            return _event(payout, reference=event.reference, event_id=event.event_id)
        except (ValueError, KeyError, TypeError, InvalidWebhook):
            raise InvalidWebhook("Iris reports a payout Garap cannot read") from None

    def check_account_name(self, *, channel_code: str, account_number: str) -> str:
        """The holder's name as the bank knows it. Raises ``AccountNotFound`` when the bank has
        no such (open) account, ``GatewayUnavailable`` when Iris or the bank cannot tell now."""
        if channel_code not in CHANNEL_CODES:
            raise ValueError(f"not an Iris beneficiary bank: {channel_code}")
        try:
            answer = _call(
                "GET",
                "/api/v1/account_validation",
                settings.MIDTRANS_IRIS_CREATOR_KEY,
                params={"bank": channel_code, "account": account_number},
            )
        except IrisRefused as exc:
            if exc.status == 400:  # does not exist, dormant, closed
                raise AccountNotFound(f"{exc.error_message} {exc.errors or ''}") from exc
            raise
        name = answer.get("account_name")
        if not isinstance(name, str) or not name.strip():
            raise GatewayUnavailable("Iris' account validation answered without a name")
        return name.strip()

    @classmethod
    def configuration_problems(cls, setting: Setting | None = None) -> list[str]:
        return configuration_problems(setting)


# --- the HTTP API -------------------------------------------------------------------------------


def _call(
    method: str,
    path: str,
    key: str,
    *,
    body: dict[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One call to Iris, its JSON answer; its failures sorted into an outage and a refusal.
    ``requests`` retries nothing by itself: one call, one time limit."""
    try:
        response = requests.request(
            method,
            base_url() + path,
            auth=(key, ""),
            json=body,
            params=params,
            headers={"Accept": "application/json", **(headers or {})},
            timeout=float(settings.GATEWAY_TIMEOUT_SECONDS),
        )
    except requests.RequestException as exc:  # timeouts, refused connections
        raise GatewayUnavailable(f"Iris cannot be reached: {type(exc).__name__}") from exc
    status = response.status_code
    if status >= 500 or status == 429:
        raise GatewayUnavailable(f"Iris answered {status}")
    try:
        answer = response.json()
    except ValueError:  # a proxy's error page, a cut-off body
        raise GatewayUnavailable(f"Iris answered {status} with something not JSON") from None
    if status >= 400:
        answer = answer if isinstance(answer, dict) else {}
        raise IrisRefused(status, str(answer.get("error_message", "")), answer.get("errors"))
    if not isinstance(answer, dict):
        raise GatewayUnavailable("Iris answered with something that is not an object")
    return answer


def _read_payout(reference_no: str) -> dict[str, Any]:
    return _call(
        "GET",
        f"/api/v1/payouts/{quote(reference_no, safe='')}",
        settings.MIDTRANS_IRIS_CREATOR_KEY,
    )


def _read_payout_for_webhook(reference_no: str) -> dict[str, Any]:
    """The payout a notification names; ``InvalidWebhook`` when Iris has none (a 404)."""
    try:
        return _read_payout(reference_no)
    except IrisRefused as exc:
        if exc.status == 404:
            raise InvalidWebhook("Iris has no such payout") from exc
        raise


def _notes(request: PayoutRequest) -> str:
    description = " ".join((request.description or "Garap withdrawal").split())
    return f"{request.reference} {description}"[:NOTES_LENGTH]


def _reference_in(notes: object) -> str:
    """Our reference, the first word of a payout's notes ("" when there is none)."""
    if not isinstance(notes, str) or not notes.strip():
        return ""
    first = notes.split(maxsplit=1)[0]
    return first if REFERENCE.fullmatch(first) else ""


def _header(headers: Mapping[str, str], name: str) -> str:
    return next((value for key, value in headers.items() if key.lower() == name), "")


def _status(value: object) -> PayoutStatus:
    status = PAYOUT_STATUSES.get(str(value))
    if status is None:
        raise ValueError(f"unknown payout status {value!r}")
    return status


def _event(data: Mapping[str, Any], *, reference: str, event_id: str = "") -> PayoutEvent:
    """A notification or a payout read from the API as a ``PayoutEvent``."""
    reference_no, iris_status = data["reference_no"], data["status"]
    if not (isinstance(reference_no, str) and reference_no and isinstance(iris_status, str)):
        raise ValueError("payout without reference_no or status")
    status = _status(iris_status)
    failure = ""
    if status == "failed":
        # A failed payout carries Iris' error_code; a rejected one (an approver's no) none.
        failure = str(data.get("error_code") or iris_status)
    return PayoutEvent(
        reference=reference,
        status=status,
        amount=rupiah(data["amount"]),
        failure_reason=failure,
        # Iris numbers no notification: the same payout in the same state is the same event.
        event_id=event_id or f"{reference_no}:{iris_status}",
        provider_reference=reference_no,
    )
