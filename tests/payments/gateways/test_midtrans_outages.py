"""Midtrans down (hanging, 5xx, unreachable) while a client pays; the deploy checks' view of the
Midtrans settings; the local Midtrans sending notifications and running on its own."""

import subprocess
import sys
import time

import midtransclient
import pytest

from payments import checks
from payments.gateways.base import GatewayUnavailable
from payments.gateways.midtrans import MidtransGateway
from tests.payments.gateways.support import (
    CLIENT_KEY,
    SERVER_KEY,
    TIMEOUT,
    Receiver,
    body,
    closed_port,
    deposit,
)

# How long past GATEWAY_TIMEOUT_SECONDS a busy 2-core machine may take to give up. The fake
# holds a hanging request for 5 s, so a call that waited for it would fail this.
SLACK = 1.5


def timed(call):
    started = time.monotonic()
    with pytest.raises(GatewayUnavailable):
        call()
    return time.monotonic() - started


# --- the gateway down -----------------------------------------------------------------------


def test_a_hanging_midtrans_fails_the_checkout_within_the_timeout(midtrans, gateway):
    midtrans.down("hang")

    elapsed = timed(lambda: gateway.create_checkout(deposit()))

    assert TIMEOUT * 0.8 <= elapsed < TIMEOUT + SLACK
    assert midtrans.transactions == {}


@pytest.mark.parametrize("status", [500, 503])
def test_a_midtrans_server_error_fails_the_checkout(midtrans, gateway, status):
    midtrans.down(status)

    elapsed = timed(lambda: gateway.create_checkout(deposit()))

    assert elapsed < TIMEOUT + SLACK
    assert midtrans.transactions == {}


def test_an_unreachable_midtrans_fails_the_checkout(midtrans, gateway, settings):
    settings.MIDTRANS_SNAP_BASE_URL = f"http://127.0.0.1:{closed_port()}/snap/v1"

    elapsed = timed(lambda: gateway.create_checkout(deposit()))

    assert elapsed < TIMEOUT + SLACK


def test_a_hanging_midtrans_fails_the_confirmation_within_the_timeout(midtrans, gateway, opened):
    event = gateway.parse_webhook(body(midtrans.pay(opened)), {})
    midtrans.down("hang")

    elapsed = timed(lambda: gateway.confirm(event))

    assert TIMEOUT * 0.8 <= elapsed < TIMEOUT + SLACK


@pytest.mark.parametrize("status", [500, 503])
def test_a_midtrans_server_error_fails_the_confirmation(midtrans, gateway, opened, status):
    event = gateway.parse_webhook(body(midtrans.pay(opened)), {})
    midtrans.down(status)

    elapsed = timed(lambda: gateway.confirm(event))

    assert elapsed < TIMEOUT + SLACK


def test_once_midtrans_is_back_the_retried_confirmation_succeeds(midtrans, gateway, opened):
    event = gateway.parse_webhook(body(midtrans.pay(opened)), {})
    midtrans.down(503)
    with pytest.raises(GatewayUnavailable):
        gateway.confirm(event)

    midtrans.up()

    assert gateway.confirm(event) == event


def test_a_server_error_reported_in_an_http_200_body_is_an_outage():
    def answer():
        raise midtransclient.MidtransAPIError(
            "error", api_response_dict={"status_code": "500"}, http_status_code=200
        )

    with pytest.raises(GatewayUnavailable):
        MidtransGateway._call(answer)


def test_too_many_requests_is_an_outage():
    def answer():
        raise midtransclient.MidtransAPIError(
            "slow down", api_response_dict={}, http_status_code=429
        )

    with pytest.raises(GatewayUnavailable):
        MidtransGateway._call(answer)


# --- the deploy checks ----------------------------------------------------------------------

PRODUCTION = {
    "MIDTRANS_SERVER_KEY": "Mid-server-" + "k" * 24,
    "MIDTRANS_CLIENT_KEY": "Mid-client-" + "c" * 16,
    "MIDTRANS_IS_PRODUCTION": True,
    "MIDTRANS_SNAP_BASE_URL": "",
    "MIDTRANS_API_BASE_URL": "",
    "ALLOW_SANDBOX_GATEWAY": False,
    # Its payouts' (Iris) keys: tests/payments/gateways/test_midtrans_payouts.py checks them.
    "MIDTRANS_IRIS_CREATOR_KEY": "IRIS-creator-" + "c" * 32,
    "MIDTRANS_IRIS_MERCHANT_KEY": "m" * 40,
    "MIDTRANS_IRIS_BASE_URL": "",
}


def problems(**changes):
    values = PRODUCTION | changes
    return MidtransGateway().configuration_problems(values.get)


def test_production_keys_in_production_mode_have_no_problems():
    assert problems() == []


@pytest.mark.parametrize(
    ("changes", "names"),
    [
        ({"MIDTRANS_SERVER_KEY": ""}, "MIDTRANS_SERVER_KEY"),
        ({"MIDTRANS_CLIENT_KEY": ""}, "MIDTRANS_CLIENT_KEY"),
        ({"MIDTRANS_IS_PRODUCTION": False}, "sandbox collects no real money"),
        ({"MIDTRANS_SERVER_KEY": SERVER_KEY}, "sandbox keys"),
        ({"MIDTRANS_CLIENT_KEY": CLIENT_KEY}, "sandbox keys"),
        ({"MIDTRANS_API_BASE_URL": "http://127.0.0.1:8765"}, "away from Midtrans"),
        ({"MIDTRANS_SNAP_BASE_URL": "http://127.0.0.1:8765/snap/v1"}, "away from Midtrans"),
    ],
)
def test_each_unsafe_setting_is_one_problem(changes, names):
    found = problems(**changes)

    assert len(found) == 1
    assert names in found[0]


def test_a_staging_site_may_use_midtrans_sandbox():
    staging = {
        "MIDTRANS_SERVER_KEY": SERVER_KEY,
        "MIDTRANS_CLIENT_KEY": CLIENT_KEY,
        "MIDTRANS_IS_PRODUCTION": False,
        "ALLOW_SANDBOX_GATEWAY": True,
    }

    assert problems(**staging) == []


def test_nothing_set_at_all_lists_every_missing_piece(settings):
    settings.MIDTRANS_SERVER_KEY = settings.MIDTRANS_CLIENT_KEY = ""
    settings.MIDTRANS_IRIS_CREATOR_KEY = settings.MIDTRANS_IRIS_MERCHANT_KEY = ""
    settings.MIDTRANS_IS_PRODUCTION = settings.ALLOW_SANDBOX_GATEWAY = False

    # The server and client keys, production mode, and Iris' creator and merchant keys.
    assert len(MidtransGateway().configuration_problems()) == 5


def test_the_deploy_check_requires_a_server_key_to_sign_with(settings):
    settings.PAYMENT_GATEWAY = "midtrans"
    settings.MIDTRANS_SERVER_KEY = ""

    found = checks.gateway_problems(lambda name: getattr(settings, name, None))

    ids = [check_id for check_id, _message in found]
    assert ids[0] == "payments.E003"
    assert "MIDTRANS_SERVER_KEY" in found[0][1]
    # And the gateway's own checks, each a deploy error of its own: what Midtrans still lacks.
    own = [message for check_id, message in found if check_id == "payments.E004"]
    assert set(ids) == {"payments.E003", "payments.E004"}
    assert own == MidtransGateway().configuration_problems(lambda n: getattr(settings, n, None))
    assert any("MIDTRANS_SERVER_KEY" in message for message in own)


# --- the local Midtrans itself --------------------------------------------------------------


def test_the_fake_posts_a_signed_notification_our_gateway_reads(midtrans, gateway, opened):
    receiver = Receiver()
    try:
        answered = midtrans.send(receiver.url, midtrans.pay(opened, "other_qris"))
    finally:
        receiver.close()

    assert answered == 200
    [(content_type, raw)] = receiver.received
    assert content_type == "application/json"
    event = gateway.parse_webhook(raw, {})
    assert (event.reference, event.status, event.amount) == (opened, "paid", 150_000)


def test_the_fake_runs_on_its_own_for_other_processes(settings):
    port = closed_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.midtrans", "--port", str(port), "--server-key", "k"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        announced = [server.stdout.readline().strip(), server.stdout.readline().strip()]
        assert announced == [
            f"MIDTRANS_SNAP_BASE_URL=http://127.0.0.1:{port}/snap/v1",
            f"MIDTRANS_API_BASE_URL=http://127.0.0.1:{port}",
        ]
        snap = midtransclient.Snap(server_key="k")
        snap.api_config.SNAP_SANDBOX_BASE_URL = f"http://127.0.0.1:{port}/snap/v1"
        order = {"transaction_details": {"order_id": "story-1", "gross_amount": 150_000}}

        answer = snap.create_transaction(order)

        assert answer["redirect_url"].endswith(answer["token"])
    finally:
        server.terminate()
        server.wait(timeout=10)
