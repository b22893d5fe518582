"""A local Midtrans and a local Xendit for each test that asks, with the site's settings
pointed at it."""

import pytest

from payments.gateways.midtrans import MidtransGateway
from tests.fakes.midtrans import FakeMidtrans
from tests.fakes.xendit import FakeXendit
from tests.payments.gateways.support import CLIENT_KEY, SERVER_KEY, deposit
from tests.payments.gateways.support import TIMEOUT as MIDTRANS_TIMEOUT

SECRET_KEY = "xnd_development_" + "k" * 40
CALLBACK_TOKEN = "xendit-verification-token-" + "t" * 24
TIMEOUT = 1.0  # seconds: short, so the "Xendit is down" tests stay quick


@pytest.fixture
def midtrans(settings):
    # A hanging request is let go after 5 s: far past the timeout, so a test that returns sooner
    # shows the gateway's own timeout at work.
    with FakeMidtrans(SERVER_KEY, hang=5) as fake:
        settings.MIDTRANS_SERVER_KEY = SERVER_KEY
        settings.MIDTRANS_CLIENT_KEY = CLIENT_KEY
        settings.MIDTRANS_IS_PRODUCTION = False
        settings.MIDTRANS_SNAP_BASE_URL = fake.snap_base_url
        settings.MIDTRANS_API_BASE_URL = fake.api_base_url
        settings.GATEWAY_TIMEOUT_SECONDS = MIDTRANS_TIMEOUT
        settings.VIRTUAL_ACCOUNT_EXPIRY_HOURS = 24
        yield fake


@pytest.fixture
def gateway():
    return MidtransGateway()


@pytest.fixture
def opened(midtrans, gateway):
    """A Snap transaction opened for a Rp 150.000 deposit; its order id."""
    new = deposit()
    gateway.create_checkout(new)
    return new.reference


IRIS_CREATOR_KEY = "IRIS-creator-" + "c" * 32
IRIS_APPROVER_KEY = "IRIS-approver-" + "a" * 32
IRIS_MERCHANT_KEY = "M" + "m" * 40


@pytest.fixture
def iris(settings):
    """A local Midtrans whose Iris pays out, with the site's Iris settings pointed at it; its
    payouts are approved with the approver key."""
    with FakeMidtrans(
        SERVER_KEY,
        hang=5,
        iris_creator_key=IRIS_CREATOR_KEY,
        iris_approver_key=IRIS_APPROVER_KEY,
        iris_merchant_key=IRIS_MERCHANT_KEY,
    ) as fake:
        settings.MIDTRANS_IS_PRODUCTION = False
        settings.MIDTRANS_IRIS_BASE_URL = fake.iris_base_url
        settings.MIDTRANS_IRIS_CREATOR_KEY = IRIS_CREATOR_KEY
        settings.MIDTRANS_IRIS_APPROVER_KEY = IRIS_APPROVER_KEY
        settings.MIDTRANS_IRIS_MERCHANT_KEY = IRIS_MERCHANT_KEY
        settings.GATEWAY_TIMEOUT_SECONDS = MIDTRANS_TIMEOUT
        yield fake


@pytest.fixture
def fake_xendit(settings):
    with FakeXendit(secret_key=SECRET_KEY, callback_token=CALLBACK_TOKEN) as fake:
        settings.XENDIT_BASE_URL = fake.url
        settings.XENDIT_SECRET_KEY = SECRET_KEY
        settings.XENDIT_CALLBACK_TOKEN = CALLBACK_TOKEN
        settings.GATEWAY_TIMEOUT_SECONDS = TIMEOUT
        yield fake
