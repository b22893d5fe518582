"""A local Xendit for each test, with the site's settings pointed at it."""

import pytest

from tests.fakes.xendit import FakeXendit

SECRET_KEY = "xnd_development_" + "k" * 40
CALLBACK_TOKEN = "xendit-verification-token-" + "t" * 24
TIMEOUT = 1.0  # seconds: short, so the "Xendit is down" tests stay quick


@pytest.fixture
def fake_xendit(settings):
    with FakeXendit(secret_key=SECRET_KEY, callback_token=CALLBACK_TOKEN) as fake:
        settings.XENDIT_BASE_URL = fake.url
        settings.XENDIT_SECRET_KEY = SECRET_KEY
        settings.XENDIT_CALLBACK_TOKEN = CALLBACK_TOKEN
        settings.XENDIT_TIMEOUT_SECONDS = TIMEOUT
        yield fake
