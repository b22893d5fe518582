"""Midtrans payouts through Iris against a local Iris over real HTTP: one payout per idempotency
key, approved with the approver key, notifications verified by their signature and read back
before the ledger moves, the account holder's name from Iris' account validation."""

import dataclasses
import hashlib
import json
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

from payments import checks
from payments.gateways.base import GatewayRefused, GatewayUnavailable, InvalidWebhook
from payments.gateways.midtrans import MidtransGateway
from payments.gateways.midtrans_payouts import (
    AccountNotFound,
    IrisRefused,
    MidtransPayoutGateway,
    base_url,
    configuration_problems,
)
from payments.gateways.payouts import PayoutRequest
from tests.fakes.midtrans.iris import sign
from tests.payments.gateways.support import TIMEOUT, Receiver, closed_port

PAYOUTS = "/iris/api/v1/payouts"
APPROVE = "/iris/api/v1/payouts/approve"


def payout_request(amount=250_000, channel="bca", **fields):
    return PayoutRequest(
        reference=fields.pop("reference", f"wd_{uuid.uuid4().hex[:12]}"),
        amount=amount,
        channel_code=channel,
        account_number=fields.pop("account_number", "1234567890"),
        account_holder_name=fields.pop("account_holder_name", "Siti Rahayu"),
        description=fields.pop("description", ""),
    )


def calls(fake, method, path):
    return sum(1 for m, p, _body in fake.requests if (m, p) == (method, path))


def test_channels_list_banks_and_gopay_by_their_iris_codes():
    channels = {c.code: c.kind for c in MidtransPayoutGateway().channels()}

    for bank in ("bca", "bni", "bri", "mandiri", "permata", "cimb", "bsm", "danamon", "btn"):
        assert channels[bank] == "bank"
    assert channels["gopay"] == "ewallet"


def test_the_base_url_follows_production_mode_unless_set(settings):
    settings.MIDTRANS_IRIS_BASE_URL = ""
    settings.MIDTRANS_IS_PRODUCTION = False
    assert base_url() == "https://app.sandbox.midtrans.com/iris"
    settings.MIDTRANS_IS_PRODUCTION = True
    assert base_url() == "https://app.midtrans.com/iris"
    settings.MIDTRANS_IRIS_BASE_URL = "http://127.0.0.1:8765/iris/"
    assert base_url() == "http://127.0.0.1:8765/iris"


# --- creating a payout ------------------------------------------------------------------------


def test_create_sends_the_payout_to_iris_and_approves_it(iris):
    request = payout_request(description="Penarikan Garap")

    result = MidtransPayoutGateway().create_payout(request, idempotency_key="wd-1")

    payout = iris.iris.payouts[result.provider_reference]
    assert result.status == "pending"
    assert payout.status == "approved"
    assert (payout.bank, payout.beneficiary_account) == ("bca", "1234567890")
    assert payout.beneficiary_name == "Siti Rahayu"
    assert payout.amount == "250000.00"
    assert payout.notes == f"{request.reference} Penarikan Garap"
    sent = next(body for m, p, body in iris.requests if (m, p) == ("POST", PAYOUTS))
    assert sent["payouts"][0]["amount"] == "250000.00"  # Iris takes a decimal string


def test_without_an_approver_key_the_payout_waits_for_iris_own_approval(iris, settings):
    settings.MIDTRANS_IRIS_APPROVER_KEY = ""

    result = MidtransPayoutGateway().create_payout(payout_request(), idempotency_key="wd-2")

    assert result.status == "pending"
    assert iris.iris.payouts[result.provider_reference].status == "queued"
    assert calls(iris, "POST", APPROVE) == 0


def test_the_same_idempotency_key_twice_gives_one_payout(iris):
    request = payout_request()

    first = MidtransPayoutGateway().create_payout(request, idempotency_key="wd-42")
    again = MidtransPayoutGateway().create_payout(request, idempotency_key="wd-42")

    assert again == first
    assert list(iris.iris.payouts) == [first.provider_reference]
    assert iris.iris.payouts[first.provider_reference].status == "approved"
    assert calls(iris, "POST", PAYOUTS) == 2


def test_a_retry_after_a_lost_answer_pays_once_and_approves_it(iris):
    """Iris made the payout but its answer never came: the retry with the same key finds it."""
    gateway, request = MidtransPayoutGateway(), payout_request()
    iris.down("lose_answer")

    with pytest.raises(GatewayUnavailable):
        gateway.create_payout(request, idempotency_key="wd-7")
    iris.up()
    result = gateway.create_payout(request, idempotency_key="wd-7")

    assert list(iris.iris.payouts) == [result.provider_reference]
    assert iris.iris.payouts[result.provider_reference].status == "approved"


def test_an_approval_lost_on_the_way_is_made_by_the_retry(iris, settings):
    gateway, request = MidtransPayoutGateway(), payout_request()
    settings.MIDTRANS_IRIS_APPROVER_KEY = ""
    first = gateway.create_payout(request, idempotency_key="wd-8")  # as if approve timed out
    settings.MIDTRANS_IRIS_APPROVER_KEY = iris.iris.approver_key

    again = gateway.create_payout(request, idempotency_key="wd-8")

    assert again == first
    assert iris.iris.payouts[first.provider_reference].status == "approved"


def test_the_same_key_with_another_body_is_refused_and_pays_nothing_more(iris):
    gateway = MidtransPayoutGateway()
    gateway.create_payout(payout_request(reference="wd_a"), idempotency_key="wd-9")

    with pytest.raises(IrisRefused) as refused:
        gateway.create_payout(payout_request(reference="wd_b"), idempotency_key="wd-9")

    assert refused.value.status == 409
    assert len(iris.iris.payouts) == 1


@pytest.mark.parametrize(
    ("request_", "why"),
    [
        (payout_request(channel="ovo"), "bank"),
        (payout_request(channel="ID_BCA"), "bank"),
        (payout_request(reference="wd with spaces"), "reference"),
        (payout_request(reference=""), "reference"),
        (payout_request(amount=0), "positive"),
    ],
)
def test_what_iris_cannot_take_is_refused_before_sending(iris, request_, why):
    with pytest.raises(ValueError, match=why):
        MidtransPayoutGateway().create_payout(request_, idempotency_key="wd-3")

    assert iris.requests == []


@pytest.mark.parametrize("key", ["", "k" * 101])
def test_a_payout_without_a_usable_idempotency_key_is_not_sent(iris, key):
    with pytest.raises(ValueError, match="idempotency key"):
        MidtransPayoutGateway().create_payout(payout_request(), idempotency_key=key)

    assert iris.requests == []


@pytest.mark.parametrize("down", ["hang", 500, 503])
def test_iris_down_is_unavailable_within_the_timeout(iris, down):
    iris.down(down)
    started = time.monotonic()

    with pytest.raises(GatewayUnavailable):
        MidtransPayoutGateway().create_payout(payout_request(), idempotency_key="wd-5")

    assert time.monotonic() - started < TIMEOUT + 1.0
    assert calls(iris, "POST", PAYOUTS) == 1
    assert iris.iris.payouts == {}


def test_a_wrong_creator_key_is_refused_not_an_outage(iris, settings):
    settings.MIDTRANS_IRIS_CREATOR_KEY = "IRIS-creator-wrong"

    with pytest.raises(IrisRefused) as refused:
        MidtransPayoutGateway().create_payout(payout_request(), idempotency_key="wd-6")

    assert isinstance(refused.value, GatewayRefused)
    assert refused.value.status == 401
    assert iris.iris.payouts == {}


def test_a_refused_approval_leaves_the_payout_pending_for_the_dashboard(iris, settings, caplog):
    """The payout exists: saying "refused" could give the money back while it can still be
    approved in Iris' dashboard and paid."""
    settings.MIDTRANS_IRIS_APPROVER_KEY = "IRIS-approver-wrong"

    result = MidtransPayoutGateway().create_payout(payout_request(), idempotency_key="wd-10")

    assert result.status == "pending"
    assert iris.iris.payouts[result.provider_reference].status == "queued"
    assert "Iris refused to approve payout" in caplog.text


def test_iris_down_when_approving_is_unavailable_and_the_retry_approves(iris):
    gateway, request = MidtransPayoutGateway(), payout_request()
    iris.iris.unavailable.add("approve")

    with pytest.raises(GatewayUnavailable):
        gateway.create_payout(request, idempotency_key="wd-11")
    [queued] = iris.iris.payouts.values()
    iris.iris.unavailable.clear()
    result = gateway.create_payout(request, idempotency_key="wd-11")

    assert queued.status == "approved"
    assert list(iris.iris.payouts) == [result.provider_reference]
    assert calls(iris, "POST", APPROVE) == 2


# --- the account holder's name ----------------------------------------------------------------


def test_the_name_check_gives_the_name_the_bank_knows(iris):
    iris.iris.accounts[("bni", "0987654321")] = "SITI RAHAYU"
    gateway = MidtransPayoutGateway()

    name = gateway.check_account_name(channel_code="bni", account_number="0987654321")

    assert gateway.offers_name_check is True
    assert name == "SITI RAHAYU"


def test_an_account_the_bank_does_not_have_is_not_found(iris):
    with pytest.raises(AccountNotFound, match="does not exist"):
        MidtransPayoutGateway().check_account_name(channel_code="bca", account_number="000")


def test_a_name_check_on_a_channel_iris_does_not_pay_to_asks_nothing(iris):
    with pytest.raises(ValueError, match="bank"):
        MidtransPayoutGateway().check_account_name(channel_code="ovo", account_number="0812")

    assert iris.requests == []


@pytest.mark.parametrize("down", ["hang", 503])
def test_iris_down_during_a_name_check_is_unavailable(iris, down):
    iris.iris.accounts[("bca", "1234567890")] = "SITI RAHAYU"
    iris.down(down)

    with pytest.raises(GatewayUnavailable):
        MidtransPayoutGateway().check_account_name(channel_code="bca", account_number="1234567890")


def test_a_bank_that_cannot_be_asked_now_is_unavailable(iris):
    """Iris' 503 "Bank account validation is currently unavailable": ask again later."""
    iris.iris.accounts[("bca", "1234567890")] = "SITI RAHAYU"
    iris.iris.unavailable.add("validate")

    with pytest.raises(GatewayUnavailable):
        MidtransPayoutGateway().check_account_name(channel_code="bca", account_number="1234567890")


# --- notifications ----------------------------------------------------------------------------


def created(fake, request=None, key="wd-1"):
    gateway = MidtransPayoutGateway()
    return gateway, gateway.create_payout(request or payout_request(), idempotency_key=key)


def test_a_completed_notification_is_read_and_confirmed(iris):
    request = payout_request()
    gateway, result = created(iris, request)
    body = iris.iris.complete(result.provider_reference)

    event = gateway.parse_payout_webhook(body, iris.iris.headers(body))

    assert (event.reference, event.status, event.amount) == (request.reference, "paid", 250_000)
    assert event.failure_reason == ""
    assert event.provider_reference == result.provider_reference
    assert event.event_id == f"{result.provider_reference}:completed"
    assert gateway.confirm_payout(event) == event


def test_the_signature_header_is_read_in_any_case(iris):
    gateway, result = created(iris)
    body = iris.iris.complete(result.provider_reference)
    headers = {"iris-signature": iris.iris.headers(body)["Iris-Signature"]}

    assert gateway.parse_payout_webhook(body, headers).status == "paid"


def test_a_failed_notification_carries_the_error_code(iris):
    gateway, result = created(iris)
    body = iris.iris.fail(result.provider_reference, code="002")

    event = gateway.parse_payout_webhook(body, iris.iris.headers(body))

    assert (event.status, event.failure_reason) == ("failed", "002")
    assert gateway.confirm_payout(event) == event


def test_a_rejected_payout_is_failed(iris):
    gateway, result = created(iris)
    body = iris.iris.reject(result.provider_reference)

    event = gateway.parse_payout_webhook(body, iris.iris.headers(body))

    assert (event.status, event.failure_reason) == ("failed", "rejected")


def test_a_forged_success_is_corrected_by_the_lookup(iris):
    """A leaked merchant key lets anyone sign "completed": Iris' own answer says otherwise."""
    gateway, result = created(iris)
    forged = iris.iris.notification(result.provider_reference, status="completed")

    event = gateway.parse_payout_webhook(forged, iris.iris.headers(forged))

    assert event.status == "paid"
    assert gateway.confirm_payout(event).status == "pending"


def test_a_notification_with_another_amount_is_corrected_by_the_lookup(iris):
    gateway, result = created(iris)
    iris.iris.complete(result.provider_reference)
    body = iris.iris.notification(result.provider_reference, amount="1.00")

    event = gateway.parse_payout_webhook(body, iris.iris.headers(body))

    assert event.amount == 1
    assert gateway.confirm_payout(event).amount == 250_000


def test_a_confirmation_for_another_withdrawal_is_refused(iris):
    gateway, result = created(iris)
    body = iris.iris.complete(result.provider_reference)
    event = gateway.parse_payout_webhook(body, iris.iris.headers(body))

    with pytest.raises(InvalidWebhook, match="another reference"):
        gateway.confirm_payout(dataclasses.replace(event, reference="wd_someone_else"))


@pytest.mark.parametrize("field", ["reference", "provider_reference"])
def test_an_event_without_both_references_is_not_confirmed(iris, field):
    gateway, result = created(iris)
    body = iris.iris.complete(result.provider_reference)
    event = gateway.parse_payout_webhook(body, iris.iris.headers(body))

    with pytest.raises(InvalidWebhook, match="to confirm"):
        gateway.confirm_payout(dataclasses.replace(event, **{field: ""}))


def test_a_notification_for_a_payout_iris_never_made_is_refused(iris):
    gateway, result = created(iris)
    body = iris.iris.notification(result.provider_reference, reference_no="invented0000")

    with pytest.raises(InvalidWebhook, match="no such payout"):
        gateway.parse_payout_webhook(body, iris.iris.headers(body))


def test_a_payout_made_outside_garap_is_not_a_withdrawal(iris):
    gateway, result = created(iris)
    iris.iris.payouts[result.provider_reference].notes = "   "
    body = iris.iris.complete(result.provider_reference)

    with pytest.raises(InvalidWebhook, match="not one of Garap's"):
        gateway.parse_payout_webhook(body, iris.iris.headers(body))


@pytest.mark.parametrize("merchant_key", ["M-guessed-key", ""])
def test_a_notification_signed_with_another_key_is_refused(iris, merchant_key):
    gateway, result = created(iris)
    body = iris.iris.complete(result.provider_reference)
    before = len(iris.requests)

    with pytest.raises(InvalidWebhook, match="signature"):
        gateway.parse_payout_webhook(body, iris.iris.headers(body, merchant_key=merchant_key))

    assert len(iris.requests) == before  # refused without asking Iris anything


@pytest.mark.parametrize(
    "headers", [{}, {"Iris-Signature": ""}, {"Iris-Signature": "é" * 128}], ids=str
)
def test_a_notification_without_a_good_signature_is_refused(iris, headers):
    gateway, result = created(iris)

    with pytest.raises(InvalidWebhook, match="signature"):
        gateway.parse_payout_webhook(iris.iris.complete(result.provider_reference), headers)


def test_a_body_changed_after_signing_is_refused(iris):
    gateway, result = created(iris)
    signed = iris.iris.notification(result.provider_reference)
    changed = iris.iris.notification(result.provider_reference, status="completed")

    with pytest.raises(InvalidWebhook, match="signature"):
        gateway.parse_payout_webhook(changed, iris.iris.headers(signed))


def test_without_a_merchant_key_every_notification_is_refused(iris, settings):
    gateway, result = created(iris)
    settings.MIDTRANS_IRIS_MERCHANT_KEY = ""
    body = iris.iris.complete(result.provider_reference)

    with pytest.raises(InvalidWebhook, match="MIDTRANS_IRIS_MERCHANT_KEY"):
        gateway.parse_payout_webhook(body, iris.iris.headers(body, merchant_key=""))


@pytest.mark.parametrize(
    "override",
    [
        {"amount": "250000.5"},
        {"amount": 250000},
        {"amount": "-250000.00"},
        {"status": "maybe"},
        {"status": None},
        {"reference_no": None},
        {"reference_no": ""},
    ],
)
def test_a_malformed_notification_is_refused(iris, override):
    gateway, result = created(iris)
    body = iris.iris.notification(result.provider_reference, **override)

    with pytest.raises(InvalidWebhook, match="malformed"):
        gateway.parse_payout_webhook(body, iris.iris.headers(body))


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b"{}", b'{"reference_no": "x"}'])
def test_a_body_that_is_not_a_notification_is_refused(iris, body):
    with pytest.raises(InvalidWebhook, match="malformed"):
        MidtransPayoutGateway().parse_payout_webhook(body, iris.iris.headers(body))


@pytest.mark.parametrize("down", ["hang", 503])
def test_iris_down_when_confirming_is_unavailable_within_the_timeout(iris, down):
    gateway, result = created(iris)
    body = iris.iris.complete(result.provider_reference)
    event = gateway.parse_payout_webhook(body, iris.iris.headers(body))
    iris.down(down)
    started = time.monotonic()

    with pytest.raises(GatewayUnavailable):
        gateway.confirm_payout(event)

    assert time.monotonic() - started < TIMEOUT + 1.0


def test_iris_down_when_reading_a_notification_is_unavailable(iris):
    """The reference lives in the payout's notes: an outage then is the gateway's, retried."""
    gateway, result = created(iris)
    body = iris.iris.complete(result.provider_reference)
    iris.down(503)

    with pytest.raises(GatewayUnavailable):
        gateway.parse_payout_webhook(body, iris.iris.headers(body))


@pytest.mark.parametrize(
    ("iris_status", "status"),
    [
        ("queued", "pending"),
        ("approved", "pending"),
        ("processed", "pending"),
        ("completed", "paid"),
        ("failed", "failed"),
        ("rejected", "failed"),
    ],
)
def test_each_iris_status_comes_to_a_garap_status(iris, iris_status, status):
    gateway, result = created(iris)
    body = iris.iris.set_status(result.provider_reference, iris_status)

    event = gateway.parse_payout_webhook(body, iris.iris.headers(body))

    assert event.status == status
    assert gateway.confirm_payout(event).status == status


def test_the_fakes_signature_is_iris_documented_one():
    """SHA-512 over the raw body followed by the merchant key, in hex."""
    body = json.dumps({"reference_no": "abc", "status": "completed"}).encode()

    assert sign(body, "key") == hashlib.sha512(body + b"key").hexdigest()


# --- the local Iris itself ---------------------------------------------------------------------


def test_a_story_settles_a_payout_through_the_control_page_and_iris_notifies(iris):
    """What a browser or API story in another process does: the bank completes the payout, and
    the local Iris posts the signed notification to the site."""
    gateway, result = created(iris)
    receiver = Receiver()
    iris.iris.notification_url = receiver.url
    control = f"{iris.url}/_control/iris/complete?reference_no={result.provider_reference}"
    try:
        with urllib.request.urlopen(urllib.request.Request(control, method="POST")) as answer:  # noqa: S310
            assert json.loads(answer.read())["status"] == "completed"
    finally:
        receiver.close()

    [(content_type, raw)] = receiver.received
    assert content_type == "application/json"
    event = gateway.parse_payout_webhook(raw, receiver.headers[0])
    assert (event.status, event.amount) == ("paid", 250_000)
    assert gateway.confirm_payout(event) == event


def test_the_local_iris_runs_on_its_own_for_other_processes(settings):
    port = closed_port()
    keys = ["--iris-creator-key", "creator", "--iris-merchant-key", "merchant"]
    command = [sys.executable, "-m", "tests.fakes.midtrans", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--server-key", "k", *keys], stdout=subprocess.PIPE, text=True
    )
    try:
        announced = [server.stdout.readline().strip() for _line in range(3)]
        assert announced[2] == f"MIDTRANS_IRIS_BASE_URL=http://127.0.0.1:{port}/iris"
        settings.MIDTRANS_IRIS_BASE_URL = f"http://127.0.0.1:{port}/iris"
        settings.MIDTRANS_IRIS_CREATOR_KEY, settings.MIDTRANS_IRIS_APPROVER_KEY = "creator", ""
        settings.GATEWAY_TIMEOUT_SECONDS = 5

        result = MidtransPayoutGateway().create_payout(payout_request(), idempotency_key="s-1")

        assert result.status == "pending"
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- the deploy checks --------------------------------------------------------------------------

LIVE = {
    "MIDTRANS_IRIS_CREATOR_KEY": "IRIS-creator-" + "c" * 32,
    "MIDTRANS_IRIS_MERCHANT_KEY": "m" * 40,
    "MIDTRANS_IRIS_BASE_URL": "",
    "MIDTRANS_IS_PRODUCTION": True,
}


def test_live_iris_keys_have_no_problems():
    assert configuration_problems(LIVE.get) == []
    assert MidtransPayoutGateway().configuration_problems(LIVE.get) == []


@pytest.mark.parametrize(
    ("changes", "names"),
    [
        ({"MIDTRANS_IRIS_CREATOR_KEY": ""}, "MIDTRANS_IRIS_CREATOR_KEY"),
        ({"MIDTRANS_IRIS_MERCHANT_KEY": ""}, "MIDTRANS_IRIS_MERCHANT_KEY"),
        ({"MIDTRANS_IRIS_BASE_URL": "http://127.0.0.1:8765/iris"}, "away from Midtrans"),
    ],
)
def test_each_unsafe_iris_setting_is_one_problem(changes, names):
    found = configuration_problems((LIVE | changes).get)

    assert len(found) == 1
    assert names in found[0]


def test_a_local_iris_is_fine_outside_production():
    local = LIVE | {"MIDTRANS_IS_PRODUCTION": False, "MIDTRANS_IRIS_BASE_URL": "http://x/iris"}
    assert configuration_problems(local.get) == []


def test_a_midtrans_site_without_iris_keys_fails_the_deploy_check(settings):
    settings.PAYMENT_GATEWAY = "midtrans"
    settings.MIDTRANS_IRIS_CREATOR_KEY = settings.MIDTRANS_IRIS_MERCHANT_KEY = ""

    found = checks.gateway_problems(lambda name: getattr(settings, name, None))

    own = [message for check_id, message in found if check_id == "payments.E004"]
    assert any("MIDTRANS_IRIS_CREATOR_KEY" in message for message in own)
    assert any("MIDTRANS_IRIS_MERCHANT_KEY" in message for message in own)
    assert own == MidtransGateway().configuration_problems(lambda n: getattr(settings, n, None))
