"""A local Midtrans for each test, and the settings that point Garap's gateway at it."""

import pytest

from payments.gateways.midtrans import MidtransGateway
from tests.fakes.midtrans import FakeMidtrans
from tests.payments.gateways.support import CLIENT_KEY, SERVER_KEY, TIMEOUT, deposit


@pytest.fixture
def midtrans(settings):
    # A hanging request is let go after 5 s: far past TIMEOUT, so a test that returns sooner
    # shows the gateway's own timeout at work.
    with FakeMidtrans(SERVER_KEY, hang=5) as fake:
        settings.MIDTRANS_SERVER_KEY = SERVER_KEY
        settings.MIDTRANS_CLIENT_KEY = CLIENT_KEY
        settings.MIDTRANS_IS_PRODUCTION = False
        settings.MIDTRANS_SNAP_BASE_URL = fake.snap_base_url
        settings.MIDTRANS_API_BASE_URL = fake.api_base_url
        settings.GATEWAY_TIMEOUT_SECONDS = TIMEOUT
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
