"""Account e-mails leave through the worker and are limited per address and per account; the
reset form is no oracle; sign-up's taken e-mail is rate-limited hard and tells the owner; one-line
fields refuse control characters everywhere, and e-mail headers survive any stored text."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase

from accounts.models import User
from accounts.services import notification_email_deliver, notification_send
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.pages.conftest import browser

pytestmark = pytest.mark.django_db

RESET = "/accounts/password-reset/"
REGISTER = "/api/v1/auth/register/"


def _reset(email: str, remote: str = "203.0.113.9"):
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        response = browser().post(RESET, {"email": email}, REMOTE_ADDR=remote)
    return response, callbacks


def test_reset_e_mails_are_queued_after_commit_not_sent_in_the_request():
    user = UserFactory()
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = browser().post(RESET, {"email": user.email})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent while the request ran
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_reset_e_mails_are_limited_per_address_and_the_page_says_sent_anyway(settings):
    settings.ACCOUNT_EMAIL_RATE = "3/hour"
    user = UserFactory(email="rina@menulis.id")

    answers = [_reset("RINA@menulis.id", remote=f"198.51.100.{n}")[0] for n in range(6)]

    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, "/accounts/password-reset/sent/")
    }
    assert len(mail.outbox) == 3
    assert all(m.to == [user.email] for m in mail.outbox)


def test_verification_links_are_limited_and_429_for_the_owner(settings):
    settings.ACCOUNT_EMAIL_RATE = "2/hour"
    user = UserFactory(email_verified_at=None)
    api = client_for(user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        statuses = [api.post("/api/v1/me/verify-email/").status_code for _n in range(2)]
        refused = api.post("/api/v1/me/verify-email/")

    assert statuses == [202, 202]
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) == refused.json()["retry_after"]
    assert len(mail.outbox) == 2


def test_changing_the_address_does_not_reset_the_accounts_limit(settings):
    settings.ACCOUNT_EMAIL_RATE = "2/hour"
    user = UserFactory(email="lama@contoh.id", email_verified_at=None)
    api = client_for(user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        statuses = [api.post("/api/v1/me/verify-email/").status_code for _n in range(2)]
    User.objects.filter(pk=user.pk).update(email="baru@contoh.id")
    with TestCase.captureOnCommitCallbacks(execute=True):
        refused = api.post("/api/v1/me/verify-email/")

    assert statuses == [202, 202]
    assert refused.status_code == 429
    assert [m.to for m in mail.outbox] == [["lama@contoh.id"], ["lama@contoh.id"]]


def test_the_settings_page_says_wait_instead_of_sending_again(settings):
    settings.ACCOUNT_EMAIL_RATE = "1/hour"
    user = UserFactory(email_verified_at=None)
    page = browser(user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        page.post("/settings/verify-email/")
        again = page.post("/settings/verify-email/", follow=True)
    assert len(mail.outbox) == 1
    assert "Wait" in again.content.decode()


def test_signing_up_with_a_taken_e_mail_tells_the_owner_and_is_limited(settings):
    settings.SIGNUP_TAKEN_EMAIL_RATE = "2/hour"
    owner = UserFactory(email="sari@kue.id", preferred_language="en")
    users_before = User.objects.count()

    def attempt(n: int, email: str = "SARI@kue.id"):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return english_client().post(
                REGISTER,
                {"username": f"baru{n}", "email": email, "password": "kopi-susu-gula-aren"},
                format="json",
                REMOTE_ADDR="198.51.100.4",
            )

    taken = [attempt(n) for n in range(2)]
    limited = attempt(3)
    even_a_free_address = attempt(4, email="bebas@contoh.id")

    assert [r.status_code for r in taken] == [400, 400]
    assert limited.status_code == 429
    assert even_a_free_address.status_code == 429  # the client is out of tries, whatever it sends
    assert int(limited["Retry-After"]) == limited.json()["retry_after"]
    assert User.objects.count() == users_before
    warned = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(warned) == 2
    assert warned[0].subject == "Someone tried to sign up for Garap with your address"
    assert owner.username in warned[0].body
    # Another client is not affected.
    other = english_client().post(
        REGISTER,
        {"username": "lain.orang", "email": "lain@contoh.id", "password": "kopi-susu-gula-aren"},
        format="json",
        REMOTE_ADDR="198.51.100.5",
    )
    assert other.status_code == 201


def test_the_sign_up_page_limits_taken_e_mails_as_the_api_does(settings):
    settings.SIGNUP_TAKEN_EMAIL_RATE = "2/hour"
    owner = UserFactory(email="sari@kue.id", preferred_language="en")
    users_before = User.objects.count()

    def attempt(n: int, email: str = "SARI@kue.id"):
        data = {
            "username": f"baru{n}",
            "email": email,
            "password": "kopi-susu-gula-aren",
            "password_confirm": "kopi-susu-gula-aren",
            "preferred_language": "en",
        }
        with TestCase.captureOnCommitCallbacks(execute=True):
            return browser().post("/accounts/signup/", data, REMOTE_ADDR="198.51.100.4")

    taken = [attempt(n) for n in range(2)]
    limited = attempt(3)
    even_a_free_address = attempt(4, email="bebas@contoh.id")

    assert [r.status_code for r in taken] == [400, 400]
    assert (limited.status_code, even_a_free_address.status_code) == (429, 429)
    assert int(limited["Retry-After"]) >= 1
    assert User.objects.count() == users_before
    assert len([m for m in mail.outbox if m.to == [owner.email]]) == 2


# --- one-line text ----------------------------------------------------------------------------

BAD_NAMES = ["Budi\r\nBcc: korban@contoh.id", "Budi\tSantoso", "Bu\u2028di", "Bu\x85di"]


@pytest.mark.parametrize("bad", BAD_NAMES)
def test_a_display_name_with_control_characters_is_refused(bad):
    user = UserFactory(display_name="Budi")
    response = client_for(user).patch("/api/v1/me/", {"display_name": bad}, format="json")
    assert response.status_code == 400
    assert (
        "Write this on one line, without line breaks, tabs or other control characters."
        in response.json()["fields"]["display_name"]
    )
    user.refresh_from_db()
    assert user.display_name == "Budi"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        (
            "post",
            REGISTER,
            {
                "username": "a.b.c",
                "email": "x@y.id",
                "password": "kopi-susu-gula-aren",
                "display_name": "A\nB",
            },
            "display_name",
        ),
        ("put", "/api/v1/me/client-profile/", {"shop_name": "Toko\r\nSari"}, "shop_name"),
        (
            "put",
            "/api/v1/me/freelancer-profile/",
            {"headline": "Desain\nlogo", "skills": []},
            "headline",
        ),
        (
            "put",
            "/api/v1/me/freelancer-profile/",
            {"headline": "Desain", "city": "So\nlo", "skills": []},
            "city",
        ),
        ("post", "/api/v1/portfolio-items/", {"title": "Logo\rkopi", "link": ""}, "title"),
        (
            "post",
            "/api/v1/wallet/withdrawals/",
            {
                "amount": 50000,
                "bank_code": "bca",
                "account_number": "1234567",
                "holder_name": "Budi\nS",
            },
            "holder_name",
        ),
    ],
)
def test_every_one_line_api_field_refuses_control_characters(method, path, body, field):
    user = UserFactory()
    response = getattr(client_for(user), method)(path, body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"], response.json()


@pytest.mark.parametrize(
    ("path", "data", "field", "form"),
    [
        (
            "/settings/account/",
            {"display_name": "A\r\nB", "preferred_language": "id"},
            "display_name",
            "form",
        ),
        ("/settings/shop/", {"shop_name": "Toko\nSari"}, "shop_name", "form"),
    ],
)
def test_the_pages_refuse_control_characters_too(path, data, field, form):
    user = UserFactory(display_name="Budi")
    response = browser(user).post(path, data)
    assert response.status_code == 400
    assert response.context[form].errors[field]
    user.refresh_from_db()
    assert user.display_name == "Budi"


def test_a_notice_e_mail_goes_out_whatever_its_title_holds():
    """A title stored before the validator (or built from one) cannot suppress an e-mail."""
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(display_name="Budi\r\nBcc: x@y.id")
    notice = notification_send(
        recipient_id=user.pk, kind="test", key="k1", title="Tawaran dari Budi\r\nBcc: x@y.id"
    )
    assert notification_email_deliver(notification_id=notice.pk) is True
    (message,) = mail.outbox
    assert "\n" not in message.subject
    assert message.subject == "[Garap] Tawaran dari Budi Bcc: x@y.id"
