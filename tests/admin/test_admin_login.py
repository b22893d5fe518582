"""The admin's login: the same throttle and per-account delay as every login, and the staff's
second factor (TOTP) with ``STAFF_REQUIRE_2FA``."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.factories import PASSWORD, UserFactory
from tests.pages.conftest import assert_login_redirect, browser

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/?next=/admin/"
TWO_FACTOR = "/settings/two-factor/"


def _code(device: TOTPDevice) -> str:
    """The code the authenticator app shows now."""
    return str(totp(device.bin_key, device.step, device.t0, device.digits)).zfill(device.digits)


def _admin_login(client: Client, username: str, password: str, code: str = ""):
    data = {"username": username, "password": password, "next": "/admin/"}
    if code:
        data["otp_token"] = code
    return client.post(ADMIN_LOGIN, data)


def _signed_in_to_admin(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_thirty_wrong_passwords_then_the_right_one_is_refused(settings):
    settings.AUTH_THROTTLE_RATE = "10/min"
    UserFactory(username="moderator", is_staff=True)
    client = Client(headers={"accept-language": "en"})

    statuses = [_admin_login(client, "moderator", f"tebakan-{n}").status_code for n in range(30)]
    right = _admin_login(client, "moderator", PASSWORD)

    assert statuses[:5] == [200] * 5  # the form again, "wrong password"
    assert set(statuses[5:]) == {429}
    assert right.status_code == 429
    assert int(right["Retry-After"]) >= 1
    assert not _signed_in_to_admin(client)


def test_the_per_account_delay_holds_from_every_address(settings):
    settings.LOGIN_FAILURES_BEFORE_DELAY = 3
    UserFactory(username="moderator", is_staff=True)
    statuses = [
        _admin_login(Client(REMOTE_ADDR=f"198.51.100.{n}"), "moderator", "x").status_code
        for n in range(4)
    ]
    refused = _admin_login(
        Client(REMOTE_ADDR="192.0.2.1", headers={"accept-language": "en"}), "moderator", PASSWORD
    )

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert "Too many wrong passwords" in refused.content.decode()


def test_staff_without_a_device_sign_in_with_a_password_when_not_required(settings):
    settings.STAFF_REQUIRE_2FA = False
    UserFactory(username="moderator", is_staff=True)
    client = Client()
    assert _admin_login(client, "moderator", PASSWORD).status_code == 302
    assert _signed_in_to_admin(client)


def test_required_two_factor_refuses_staff_without_a_device(settings):
    settings.STAFF_REQUIRE_2FA = True
    staff = UserFactory(username="moderator", is_staff=True)
    client = Client(headers={"accept-language": "en"})

    response = _admin_login(client, "moderator", PASSWORD)

    assert response.status_code == 200
    assert "second factor" in response.content.decode()
    assert TWO_FACTOR in response.content.decode()
    assert not _signed_in_to_admin(client)
    # A session from the public login page is not enough either.
    assert not _signed_in_to_admin(browser(staff))


def test_staff_enrol_an_authenticator_and_the_admin_then_asks_for_its_code(settings):
    settings.STAFF_REQUIRE_2FA = True
    staff = UserFactory(username="moderator", is_staff=True)
    page = browser(staff)

    shown = page.get(TWO_FACTOR)
    assert shown.status_code == 200
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    html = shown.content.decode()
    assert "<svg" in html
    from accounts.services.two_factor import totp_secret

    assert totp_secret(device=device) in html
    assert page.get(TWO_FACTOR).status_code == 200  # a reload keeps the same secret
    assert TOTPDevice.objects.filter(user=staff).count() == 1

    wrong = page.post(TWO_FACTOR, {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()

    assert page.post(TWO_FACTOR, {"token": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert _signed_in_to_admin(page)  # this session was verified by the confirming code

    # A fresh login: the password alone is refused, the code from the app lets in.
    client = Client(headers={"accept-language": "en"})
    no_code = _admin_login(client, "moderator", PASSWORD)
    assert no_code.status_code == 200
    assert "Enter the code" in no_code.content.decode()
    bad_code = _admin_login(client, "moderator", PASSWORD, "123456")
    assert bad_code.status_code == 200
    assert not _signed_in_to_admin(client)


def test_a_device_is_asked_for_even_when_two_factor_is_not_required(settings):
    settings.STAFF_REQUIRE_2FA = False
    staff = UserFactory(username="moderator", is_staff=True)
    device = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)

    client = Client()
    assert _admin_login(client, "moderator", PASSWORD).status_code == 200
    assert not _signed_in_to_admin(client)
    assert not _signed_in_to_admin(browser(staff))  # a password-only session
    assert _admin_login(client, "moderator", PASSWORD, _code(device)).status_code == 302
    assert _signed_in_to_admin(client)


def test_turning_two_factor_off_needs_a_current_code(settings):
    staff = UserFactory(is_staff=True)
    device = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True)
    page = browser(staff)
    assert "on" in page.get(TWO_FACTOR).content.decode()

    assert page.post(TWO_FACTOR, {"token": "12x"}).status_code == 400
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert page.post(TWO_FACTOR, {"token": _code(device)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_the_two_factor_page_is_for_staff_only():
    assert_login_redirect(Client().get(TWO_FACTOR), TWO_FACTOR)
    stranger = browser(UserFactory())
    assert stranger.get(TWO_FACTOR).status_code == 404
    assert stranger.post(TWO_FACTOR, {"token": "123456"}).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_the_username_box_takes_a_long_email_address():
    # Staff log in with their e-mail address too; the box must not stop at a username's 30.
    address = "moderasi.konten.garap@perusahaan-panjang.example"
    UserFactory(username="moderator", email=address, is_staff=True)
    client = Client()

    page = client.get(ADMIN_LOGIN).content.decode()

    username_box = re.search(r'<input[^>]*name="username"[^>]*>', page)
    assert username_box is not None
    assert 'maxlength="254"' in username_box.group(0)
    assert _admin_login(client, address, PASSWORD).status_code == 302
    assert _signed_in_to_admin(client)
