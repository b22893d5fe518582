"""Push and WhatsApp are optional in production, but one that is switched on must be complete;
``generate_vapid_keys`` makes a pair that signs what the push services verify."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from py_vapid import Vapid

from tests.fakes.web_push import vapid_key_pair
from tests.marketplace.test_settings import GOOD_ENV, manage

PUSH_KEYS = dict(zip(("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY"), vapid_key_pair(), strict=True))


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"WEB_PUSH_ENABLED": "true"}, "VAPID_PUBLIC_KEY"),
        ({"WEB_PUSH_ENABLED": "true", "VAPID_PUBLIC_KEY": "x"}, "VAPID_PRIVATE_KEY"),
        ({"WHATSAPP_ENABLED": "true"}, "WHATSAPP_TOKEN"),
        ({"WHATSAPP_ENABLED": "true", "WHATSAPP_TOKEN": "t"}, "WHATSAPP_PHONE_NUMBER_ID"),
    ],
)
def test_production_refuses_a_channel_switched_on_without_its_keys(change, complaint):
    result = manage("check", env={**GOOD_ENV, **change})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_production_runs_with_both_channels_off_and_with_both_complete():
    assert manage("check", env=GOOD_ENV).returncode == 0
    complete = {
        **GOOD_ENV,
        **PUSH_KEYS,
        "WEB_PUSH_ENABLED": "true",
        "WHATSAPP_ENABLED": "true",
        "WHATSAPP_TOKEN": "EAAG-token",
        "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    }
    result = manage("check", env=complete)
    assert result.returncode == 0, result.stderr


def test_generate_vapid_keys_prints_a_pair_that_signs():
    out = io.StringIO()
    call_command("generate_vapid_keys", stdout=out)
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    signer = Vapid.from_string(private_key=values["VAPID_PRIVATE_KEY"])
    headers = signer.sign({"sub": "mailto:ops@garap.id", "aud": "https://fcm.googleapis.com"})
    assert f"k={values['VAPID_PUBLIC_KEY']}" in headers["Authorization"]
