"""Xendit payouts through the official client against a local Xendit over real HTTP: one payout
per idempotency key, callbacks verified and read, the outcome read back before the ledger moves."""

import json
import time
import uuid

import pytest

from payments.gateways.base import GatewayUnavailable, InvalidWebhook
from payments.gateways.payouts import NameCheckUnavailable, PayoutRequest
from payments.gateways.xendit import XenditRefused
from payments.gateways.xendit_payouts import XenditPayoutGateway
from tests.payments.gateways.conftest import TIMEOUT


def payout_request(amount=250_000, channel="ID_BCA", **fields):
    return PayoutRequest(
        reference=fields.pop("reference", f"wd_{uuid.uuid4().hex[:12]}"),
        amount=amount,
        channel_code=channel,
        account_number=fields.pop("account_number", "1234567890"),
        account_holder_name=fields.pop("account_holder_name", "Siti Rahayu"),
        description=fields.pop("description", ""),
    )


def test_channels_list_banks_and_e_wallets_by_their_xendit_codes():
    channels = {c.code: c.kind for c in XenditPayoutGateway().channels()}

    for bank in ("ID_BCA", "ID_BNI", "ID_BRI", "ID_MANDIRI"):
        assert channels[bank] == "bank"
    for wallet in ("ID_OVO", "ID_DANA", "ID_GOPAY", "ID_SHOPEEPAY"):
        assert channels[wallet] == "ewallet"


def test_xendit_offers_no_name_check_through_its_client():
    gateway = XenditPayoutGateway()

    assert gateway.offers_name_check is False
    with pytest.raises(NameCheckUnavailable):
        gateway.check_account_name(channel_code="ID_BCA", account_number="1234567890")


def test_create_sends_the_payout_to_xendit(fake_xendit):
    request = payout_request(channel="ID_OVO", account_number="081234567890")

    result = XenditPayoutGateway().create_payout(request, idempotency_key="wd-1")

    payout = fake_xendit.payouts[result.provider_reference]
    assert result.status == "pending"
    assert payout["reference_id"] == request.reference
    assert payout["amount"] == 250_000
    assert payout["currency"] == "IDR"
    assert payout["channel_code"] == "ID_OVO"
    assert payout["channel_properties"] == {
        "account_number": "081234567890",
        "account_holder_name": "Siti Rahayu",
    }


def test_the_same_idempotency_key_twice_gives_one_payout(fake_xendit):
    gateway, request = XenditPayoutGateway(), payout_request()

    first = gateway.create_payout(request, idempotency_key="wd-42")
    again = XenditPayoutGateway().create_payout(request, idempotency_key="wd-42")

    assert again == first
    assert len(fake_xendit.payouts) == 1
    assert fake_xendit.requests.count(("POST", "/v2/payouts")) == 2


def test_a_retry_after_a_timeout_that_xendit_had_served_pays_once(fake_xendit):
    """Xendit made the payout but its answer never came: the retry with the same key finds it."""
    gateway, request = XenditPayoutGateway(), payout_request()
    fake_xendit.down = "lose_answer"

    with pytest.raises(GatewayUnavailable):
        gateway.create_payout(request, idempotency_key="wd-7")
    fake_xendit.down = None
    result = gateway.create_payout(request, idempotency_key="wd-7")

    assert list(fake_xendit.payouts) == [result.provider_reference]


def test_the_same_key_with_another_body_is_refused_and_pays_nothing_more(fake_xendit):
    gateway = XenditPayoutGateway()
    gateway.create_payout(payout_request(reference="wd_a"), idempotency_key="wd-9")

    with pytest.raises(XenditRefused) as refused:
        gateway.create_payout(payout_request(reference="wd_b"), idempotency_key="wd-9")

    assert refused.value.error_code == "DUPLICATE_ERROR"
    assert len(fake_xendit.payouts) == 1


def test_a_channel_xendit_does_not_pay_to_is_refused_before_sending(fake_xendit):
    with pytest.raises(ValueError, match="channel"):
        XenditPayoutGateway().create_payout(payout_request(channel="ID_NOPE"), "wd-3")

    assert fake_xendit.requests == []


@pytest.mark.parametrize("down", ["hang", 500, 503])
def test_xendit_down_is_unavailable_within_the_timeout(fake_xendit, down):
    fake_xendit.down = down
    started = time.monotonic()

    with pytest.raises(GatewayUnavailable):
        XenditPayoutGateway().create_payout(payout_request(), idempotency_key="wd-5")

    assert time.monotonic() - started < TIMEOUT + 1.0
    assert fake_xendit.requests.count(("POST", "/v2/payouts")) == 1


# --- callbacks --------------------------------------------------------------------------------


def created(fake, request=None, key="wd-1"):
    gateway = XenditPayoutGateway()
    return gateway, gateway.create_payout(request or payout_request(), idempotency_key=key)


def test_a_succeeded_callback_is_read_and_confirmed(fake_xendit):
    gateway, result = created(fake_xendit)
    fake_xendit.succeed_payout(result.provider_reference)
    headers = fake_xendit.callback_headers()

    event = gateway.parse_payout_webhook(
        fake_xendit.payout_callback(result.provider_reference), headers
    )

    assert (event.status, event.amount, event.failure_reason) == ("paid", 250_000, "")
    assert event.provider_reference == result.provider_reference
    assert event.event_id == headers["webhook-id"]
    assert gateway.confirm_payout(event) == event


def test_a_failed_callback_carries_the_reason(fake_xendit):
    gateway, result = created(fake_xendit)
    fake_xendit.fail_payout(result.provider_reference, reason="INVALID_DESTINATION")

    event = gateway.parse_payout_webhook(
        fake_xendit.payout_callback(result.provider_reference), fake_xendit.callback_headers()
    )

    assert (event.status, event.failure_reason) == ("failed", "INVALID_DESTINATION")
    assert gateway.confirm_payout(event) == event


def test_a_reversed_payout_is_failed(fake_xendit):
    gateway, result = created(fake_xendit)
    fake_xendit.payouts[result.provider_reference]["status"] = "REVERSED"

    event = gateway.parse_payout_webhook(
        fake_xendit.payout_callback(result.provider_reference), fake_xendit.callback_headers()
    )

    assert (event.status, event.failure_reason) == ("failed", "REVERSED")
    assert json.loads(fake_xendit.payout_callback(result.provider_reference))["event"] == (
        "payout.reversed"
    )


def test_a_forged_success_is_corrected_by_the_lookup(fake_xendit):
    """A leaked token lets anyone post "succeeded": Xendit's own answer says otherwise."""
    gateway, result = created(fake_xendit)
    forged = fake_xendit.payout_callback(result.provider_reference, status="SUCCEEDED")

    event = gateway.parse_payout_webhook(forged, fake_xendit.callback_headers())

    assert event.status == "paid"
    assert gateway.confirm_payout(event).status == "pending"


def test_a_callback_naming_another_withdrawal_is_not_confirmed(fake_xendit):
    gateway, result = created(fake_xendit)
    fake_xendit.succeed_payout(result.provider_reference)
    body = fake_xendit.payout_callback(result.provider_reference, reference_id="wd_someone_else")
    event = gateway.parse_payout_webhook(body, fake_xendit.callback_headers())

    with pytest.raises(InvalidWebhook, match="another reference"):
        gateway.confirm_payout(event)


def test_a_callback_for_a_payout_xendit_never_made_is_not_confirmed(fake_xendit):
    gateway, result = created(fake_xendit)
    body = fake_xendit.payout_callback(result.provider_reference, id="disb-invented")
    event = gateway.parse_payout_webhook(body, fake_xendit.callback_headers())

    with pytest.raises(InvalidWebhook, match="no such payout"):
        gateway.confirm_payout(event)


def test_a_callback_with_another_amount_is_corrected_by_the_lookup(fake_xendit):
    gateway, result = created(fake_xendit)
    fake_xendit.succeed_payout(result.provider_reference)
    body = fake_xendit.payout_callback(result.provider_reference, amount=1)

    event = gateway.parse_payout_webhook(body, fake_xendit.callback_headers())

    assert event.amount == 1
    assert gateway.confirm_payout(event).amount == 250_000


@pytest.mark.parametrize("token", ["wrong-token", ""])
def test_a_forged_token_is_refused(fake_xendit, token):
    gateway, result = created(fake_xendit)
    fake_xendit.succeed_payout(result.provider_reference)

    with pytest.raises(InvalidWebhook, match="token"):
        gateway.parse_payout_webhook(
            fake_xendit.payout_callback(result.provider_reference),
            fake_xendit.callback_headers(token),
        )


@pytest.mark.parametrize(
    "override",
    [{"amount": 250_000.5}, {"amount": "250000"}, {"status": "MAYBE"}, {"reference_id": None}],
)
def test_a_malformed_payout_callback_is_refused(fake_xendit, override):
    gateway, result = created(fake_xendit)
    body = fake_xendit.payout_callback(result.provider_reference, **override)

    with pytest.raises(InvalidWebhook, match="malformed"):
        gateway.parse_payout_webhook(body, fake_xendit.callback_headers())


@pytest.mark.parametrize(
    "body", [b"", b"{}", b'{"event": "invoice.paid", "data": {}}', b'{"event": "payout.failed"}']
)
def test_a_body_that_is_not_a_payout_callback_is_refused(fake_xendit, body):
    with pytest.raises(InvalidWebhook, match="malformed"):
        XenditPayoutGateway().parse_payout_webhook(body, fake_xendit.callback_headers())


@pytest.mark.parametrize("down", ["hang", 503])
def test_xendit_down_when_confirming_is_unavailable_within_the_timeout(fake_xendit, down):
    gateway, result = created(fake_xendit)
    fake_xendit.succeed_payout(result.provider_reference)
    event = gateway.parse_payout_webhook(
        fake_xendit.payout_callback(result.provider_reference), fake_xendit.callback_headers()
    )
    fake_xendit.down = down
    started = time.monotonic()

    with pytest.raises(GatewayUnavailable):
        gateway.confirm_payout(event)

    assert time.monotonic() - started < TIMEOUT + 1.0
