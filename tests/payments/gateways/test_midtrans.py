"""The Midtrans gateway through the official client, against a local Midtrans over real HTTP:
Snap checkouts, notifications (signed, forged, tampered), the status mapping, and confirm()."""

import hashlib
import json
import re

import midtransclient
import pytest

from payments.gateways import GATEWAYS, InvalidWebhook, WebhookEvent
from payments.gateways.midtrans import (
    METHODS,
    MidtransGateway,
    MidtransRejected,
    payment_status,
    rupiah,
)
from payments.models import Deposit
from tests.payments.gateways.support import SERVER_KEY, body, deposit

# --- checkout -------------------------------------------------------------------------------


def test_midtrans_is_a_gateway_garap_has():
    assert GATEWAYS["midtrans"] is MidtransGateway
    assert MidtransGateway.live is True
    assert MidtransGateway.secret_setting == "MIDTRANS_SERVER_KEY"


def test_create_checkout_opens_a_snap_transaction(midtrans, gateway):
    new = deposit(150_000)

    checkout = gateway.create_checkout(new, return_url="https://garap.id/wallet/")

    transaction = midtrans.transactions[new.reference]
    assert checkout.provider_reference == transaction.token
    assert checkout.url == f"{midtrans.url}/snap/v4/redirection/{transaction.token}"
    sent = transaction.parameters
    assert sent["transaction_details"] == {"order_id": new.reference, "gross_amount": 150_000}
    assert sent["enabled_payments"] == [snap_name for _method, snap_name in METHODS]
    assert sent["callbacks"] == {"finish": "https://garap.id/wallet/"}
    assert sent["expiry"]["unit"] == "hours"
    assert sent["expiry"]["duration"] == 24
    # Jakarta time, in the format Snap asks for.
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0700", sent["expiry"]["start_time"])


def test_the_expiry_comes_from_settings(midtrans, gateway, settings):
    settings.VIRTUAL_ACCOUNT_EXPIRY_HOURS = 6
    new = deposit()

    gateway.create_checkout(new)

    assert midtrans.transactions[new.reference].parameters["expiry"]["duration"] == 6


def test_without_a_return_url_no_finish_callback_is_sent(midtrans, gateway):
    new = deposit()

    gateway.create_checkout(new)

    assert "callbacks" not in midtrans.transactions[new.reference].parameters


def test_a_reference_used_before_is_refused_by_midtrans(midtrans, gateway, opened):
    with pytest.raises(MidtransRejected) as refused:
        gateway.create_checkout(Deposit(amount=150_000, reference=opened))

    assert refused.value.status == 400
    assert refused.value.messages == ["transaction_details.order_id has already been taken"]


def test_a_wrong_server_key_is_refused_and_opens_nothing(midtrans, gateway, settings):
    settings.MIDTRANS_SERVER_KEY = "SB-Mid-server-not-ours"

    with pytest.raises(MidtransRejected) as refused:
        gateway.create_checkout(deposit())

    assert refused.value.status == 401
    assert midtrans.transactions == {}


def test_the_payment_methods_shown_are_the_ones_snap_is_asked_for():
    codes = [method.code for method in MidtransGateway.payment_methods]

    assert codes[:5] == ["bca_va", "mandiri_va", "bni_va", "bri_va", "permata_va"]
    assert {"qris", "gopay", "shopeepay"} <= set(codes)
    assert dict(METHODS)[MidtransGateway.payment_methods[1]] == "echannel"
    assert dict((m.code, name) for m, name in METHODS)["qris"] == "other_qris"


# --- notifications --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method",
    ["bca_va", "echannel", "permata_va", "other_qris", "gopay", "shopeepay", "credit_card"],
)
def test_a_payment_is_read_from_its_notification_and_confirmed(midtrans, gateway, opened, method):
    notification = midtrans.pay(opened, method)

    event = gateway.parse_webhook(body(notification), {"Content-Type": "application/json"})

    assert event == WebhookEvent(
        reference=opened,
        status="paid",
        amount=150_000,
        event_id=event.event_id,
        currency="IDR",
    )
    assert event.event_id.startswith(notification["transaction_id"])
    assert gateway.confirm(event) == event


def test_the_same_notification_twice_is_the_same_event(midtrans, gateway, opened):
    notification = midtrans.pay(opened)

    first = gateway.parse_webhook(body(notification), {})
    again = gateway.parse_webhook(body(notification), {})

    assert first.event_id == again.event_id


@pytest.mark.parametrize(
    ("transaction_status", "fraud_status", "expected"),
    [
        ("capture", "accept", "paid"),
        ("capture", "challenge", "pending"),
        ("capture", "deny", "failed"),
        ("settlement", "accept", "paid"),
        ("pending", "accept", "pending"),
        ("authorize", "accept", "pending"),
        ("deny", "deny", "failed"),
        ("cancel", "accept", "failed"),
        ("expire", "accept", "failed"),
        ("failure", "accept", "failed"),
        ("refund", "accept", "refunded"),
        ("partial_refund", "accept", "refunded"),
    ],
)
def test_each_midtrans_status_maps_as_documented(
    midtrans, gateway, opened, transaction_status, fraud_status, expected
):
    midtrans.choose(opened, "credit_card" if transaction_status == "capture" else "bca_va")
    notification = midtrans.set_status(opened, transaction_status, fraud_status)

    event = gateway.parse_webhook(body(notification), {})

    assert event.status == expected
    assert gateway.confirm(event).status == expected


def test_a_capture_without_a_fraud_verdict_is_not_paid():
    assert payment_status("capture") == "pending"


def test_a_status_midtrans_does_not_send_is_refused():
    with pytest.raises(InvalidWebhook):
        payment_status("paid")


def test_a_va_chosen_then_left_unpaid_goes_pending_then_failed(midtrans, gateway, opened):
    pending = gateway.parse_webhook(body(midtrans.choose(opened, "bni_va")), {})
    expired = gateway.parse_webhook(body(midtrans.expire(opened)), {})

    assert pending.status == "pending"
    assert expired.status == "failed"
    # The status lookup answers "407" for an expired transaction: still read, still failed.
    assert gateway.confirm(expired).status == "failed"


def test_a_refund_through_the_core_api_is_then_reported(midtrans, gateway, opened):
    midtrans.pay(opened, "gopay")
    core = gateway._client(midtransclient.CoreApi)

    answer = core.transactions.refund(opened, {"refund_key": "rf-1", "amount": 50_000})

    assert answer["transaction_status"] == "partial_refund"
    event = gateway.parse_webhook(body(midtrans.notification(opened)), {})
    assert gateway.confirm(event).status == "refunded"


def test_the_signature_is_sha512_of_order_status_amount_and_server_key(midtrans, gateway, opened):
    notification = midtrans.pay(opened)
    signed = f"{opened}200150000.00{SERVER_KEY}".encode()

    assert notification["signature_key"] == hashlib.sha512(signed).hexdigest()
    assert gateway.parse_webhook(body(notification), {}).status == "paid"


def test_a_forged_notification_is_refused(midtrans, gateway, opened):
    with pytest.raises(InvalidWebhook, match="bad signature"):
        gateway.parse_webhook(body(midtrans.forged_notification(opened)), {})


def test_an_amount_changed_in_transit_breaks_the_signature(midtrans, gateway, opened):
    midtrans.pay(opened)

    tampered = midtrans.notification_with_amount(opened, "15000000.00", signed=False)

    with pytest.raises(InvalidWebhook, match="bad signature"):
        gateway.parse_webhook(body(tampered), {})


def test_a_signed_notification_with_another_amount_is_corrected_by_confirm(
    midtrans, gateway, opened
):
    midtrans.pay(opened)
    claimed = midtrans.notification_with_amount(opened, "15000000.00")

    event = gateway.parse_webhook(body(claimed), {})

    assert event.amount == 15_000_000
    assert gateway.confirm(event).amount == 150_000  # what money moves on


@pytest.mark.parametrize("amount", ["150000.50", "150000.01", "0.00", "-150000.00", "1e5", "", "٣"])
def test_an_amount_that_is_not_whole_positive_rupiah_is_refused(midtrans, gateway, opened, amount):
    midtrans.pay(opened)

    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body(midtrans.notification_with_amount(opened, amount)), {})


def test_rupiah_reads_midtrans_decimal_strings():
    assert rupiah("150000.00") == 150_000
    assert rupiah("150000") == 150_000
    assert rupiah("150000.0") == 150_000
    with pytest.raises(InvalidWebhook):
        rupiah(150_000)  # Midtrans sends a string; a number is not its notification


def test_a_notification_moved_to_another_order_breaks_the_signature(midtrans, gateway, opened):
    midtrans.pay(opened)
    other = deposit().reference

    with pytest.raises(InvalidWebhook, match="bad signature"):
        gateway.parse_webhook(
            body(midtrans.notification_for_order(opened, other, signed=False)), {}
        )


def test_a_signed_notification_for_an_order_midtrans_never_had_fails_confirm(
    midtrans, gateway, opened
):
    midtrans.pay(opened)
    unknown = deposit().reference
    event = gateway.parse_webhook(body(midtrans.notification_for_order(opened, unknown)), {})

    with pytest.raises(InvalidWebhook, match="no payment for this order"):
        gateway.confirm(event)


def test_a_paid_notification_for_another_unpaid_order_is_corrected_by_confirm(
    midtrans, gateway, opened
):
    other = deposit()
    gateway.create_checkout(other)
    midtrans.choose(other.reference, "bri_va")
    midtrans.pay(opened)

    event = gateway.parse_webhook(
        body(midtrans.notification_for_order(opened, other.reference)), {}
    )

    assert (event.reference, event.status) == (other.reference, "paid")
    assert gateway.confirm(event).status == "pending"


def test_when_the_status_lookup_disagrees_the_lookup_wins(midtrans, gateway, opened):
    paid = midtrans.pay(opened)
    midtrans.deny(opened)  # e.g. reversed at Midtrans after the notification was sent

    event = gateway.parse_webhook(body(paid), {})

    assert event.status == "paid"
    assert gateway.confirm(event).status == "failed"


def test_a_pending_notification_for_a_payment_since_settled_confirms_paid(
    midtrans, gateway, opened
):
    pending = midtrans.choose(opened, "permata_va")
    midtrans.pay(opened, "permata_va")

    assert gateway.confirm(gateway.parse_webhook(body(pending), {})).status == "paid"


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'"settlement"',
        b"{}",
        json.dumps({"order_id": "x", "status_code": 200, "gross_amount": "1.00"}).encode(),
    ],
)
def test_a_malformed_body_is_refused(midtrans, gateway, raw):
    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(raw, {})


def test_a_signed_body_missing_the_transaction_fields_is_refused(midtrans, gateway, opened):
    notification = midtrans.pay(opened)
    del notification["transaction_status"]

    with pytest.raises(InvalidWebhook, match="transaction_status"):
        gateway.parse_webhook(body(notification), {})


def test_a_signature_that_is_not_ascii_is_simply_wrong(midtrans, gateway, opened):
    notification = midtrans.pay(opened) | {"signature_key": "é" * 128}

    with pytest.raises(InvalidWebhook, match="bad signature"):
        gateway.parse_webhook(body(notification), {})


def test_without_a_server_key_every_notification_is_refused(midtrans, gateway, opened, settings):
    notification = midtrans.pay(opened)
    settings.MIDTRANS_SERVER_KEY = ""
    # Signed with the empty key, as anyone could.
    digest = hashlib.sha512(f"{opened}200150000.00".encode()).hexdigest()

    with pytest.raises(InvalidWebhook, match="not set"):
        gateway.parse_webhook(body(notification | {"signature_key": digest}), {})


def test_the_currency_is_carried_for_the_deposit_check(midtrans, gateway, opened):
    notification = midtrans.pay(opened) | {"currency": "USD"}

    assert gateway.parse_webhook(body(notification), {}).currency == "USD"
