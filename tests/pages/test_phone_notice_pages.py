"""The "notices on your phone" settings page: the push switch (script-driven), which notices
are pushed, and the WhatsApp opt-in with its explicit consent. Also the API a browser uses to
subscribe, where only real push services' https addresses are taken (no SSRF)."""

from __future__ import annotations

import pytest

from accounts.models import NoticeDelivery, Notification, PushSubscription, WhatsAppContact
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.pages.conftest import assert_login_redirect, browser

pytestmark = pytest.mark.django_db
PAGE = "/settings/phone/"
SUBSCRIBE = "/api/v1/me/push-subscriptions/"
KEYS = {"p256dh": "B" + "A" * 86, "auth": "A" * 22}


@pytest.fixture(autouse=True)
def channels_on(settings):
    settings.WEB_PUSH_ENABLED = True
    settings.VAPID_PUBLIC_KEY = "B" + "k" * 86
    settings.WHATSAPP_ENABLED = True


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", PAGE),
        ("post", "/settings/phone/push/"),
        ("post", "/settings/phone/whatsapp/"),
        ("post", "/settings/phone/whatsapp/stop/"),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(method, path):
    data = {"phone": "081234567890", "consent": "on"} if method == "post" else None
    response = getattr(browser(), method)(path, data)
    assert_login_redirect(response, path)
    assert WhatsAppContact.objects.count() == 0


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_page_offers_push_and_whatsapp(language):
    user = UserFactory(preferred_language=language)
    response = browser(user, language).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="push-toggle"' in html
    assert 'data-vapid-key="B' in html
    assert 'name="consent"' in html
    if language == "en":
        assert "Notices on your phone" in html
        assert "I agree to get these notices from Garap on WhatsApp." in html


def test_with_both_channels_off_the_page_says_so(settings):
    settings.WEB_PUSH_ENABLED = settings.WHATSAPP_ENABLED = False
    html = browser(UserFactory()).get(PAGE).content.decode()
    assert 'id="push-toggle"' not in html
    assert "Notices on WhatsApp are not available yet." in html


def test_the_settings_page_links_it():
    html = browser(UserFactory()).get("/settings/").content.decode()
    assert f'href="{PAGE}"' in html


def test_muting_a_kind_for_push_is_saved_as_for_email():
    user = UserFactory()
    response = browser(user).post("/settings/phone/push/", {"pushed": ["bid_received"]})
    assert response.status_code == 302
    user.refresh_from_db()
    assert "bid_received" not in user.push_muted_kinds
    assert "review_received" in user.push_muted_kinds
    assert user.email_muted_kinds == []  # e-mail is its own choice


def test_an_unknown_kind_is_refused_and_nothing_saved():
    user = UserFactory()
    response = browser(user).post("/settings/phone/push/", {"pushed": ["no_such_kind"]})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.push_muted_kinds == []


def test_whatsapp_needs_the_consent_box():
    user = UserFactory()
    response = browser(user).post("/settings/phone/whatsapp/", {"phone": "081234567890"})
    assert response.status_code == 400
    assert not WhatsAppContact.objects.exists()


def test_whatsapp_takes_a_number_as_people_write_it():
    user = UserFactory()
    response = browser(user).post(
        "/settings/phone/whatsapp/", {"phone": "0812-3456-7890", "consent": "on"}
    )
    assert response.status_code == 302
    contact = WhatsAppContact.objects.get(user=user)
    assert contact.phone == "+6281234567890"
    assert contact.consented_at is not None


@pytest.mark.parametrize("phone", ["12345", "+62 abc", "0", "+0812345678"])
def test_whatsapp_refuses_what_is_not_a_phone_number(phone):
    user = UserFactory()
    response = browser(user).post("/settings/phone/whatsapp/", {"phone": phone, "consent": "on"})
    assert response.status_code == 400
    assert "Enter the number with its country code" in response.content.decode()
    assert not WhatsAppContact.objects.exists()


def test_stopping_whatsapp_forgets_the_number_and_sends_nothing_still_waiting():
    user = UserFactory()
    WhatsAppContact.objects.create(user=user, phone="+6281234567890", consented_at=user.date_joined)
    notice = Notification.objects.create(recipient=user, kind="milestone_released", key="k:1")
    delivery = NoticeDelivery.objects.create(notification=notice, channel="whatsapp")

    response = browser(user).post("/settings/phone/whatsapp/stop/")

    assert response.status_code == 302
    assert not WhatsAppContact.objects.filter(user=user).exists()
    delivery.refresh_from_db()
    assert delivery.status == "undeliverable"


def test_stopping_is_one_persons_own():
    owner, other = UserFactory(), UserFactory()
    WhatsAppContact.objects.create(
        user=owner, phone="+6281234567890", consented_at=owner.date_joined
    )
    browser(other).post("/settings/phone/whatsapp/stop/")
    assert WhatsAppContact.objects.filter(user=owner).exists()


# --- the subscribe API ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/x",  # not https
        "https://127.0.0.1:8000/admin/",  # our own network
        "https://169.254.169.254/latest/meta-data/",
        "https://evil.example/fcm.googleapis.com/",
        "https://fcm.googleapis.com.evil.example/x",
        "https://user:pw@fcm.googleapis.com/x",
    ],
)
def test_only_a_known_push_services_address_is_taken(endpoint):
    user = UserFactory()
    response = client_for(user).post(SUBSCRIBE, {"endpoint": endpoint, "keys": KEYS}, format="json")
    assert response.status_code == 400, response.content
    assert not PushSubscription.objects.exists()


def test_a_browser_subscribes_with_what_tojson_gives():
    user = UserFactory()
    body = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
        "expirationTime": None,
        "keys": KEYS,
    }
    response = client_for(user).post(SUBSCRIBE, body, format="json")
    assert response.status_code == 201, response.content
    assert PushSubscription.objects.get().user == user
    listed = client_for(user).get(SUBSCRIBE).json()
    assert listed["vapid_public_key"] == "B" + "k" * 86
    assert [s["endpoint"] for s in listed["subscriptions"]] == [body["endpoint"]]


def test_a_browser_someone_else_signs_in_on_becomes_theirs():
    before, after = UserFactory(), UserFactory()
    body = {"endpoint": "https://updates.push.services.mozilla.com/wpush/v2/x", "keys": KEYS}
    client_for(before).post(SUBSCRIBE, body, format="json")
    client_for(after).post(SUBSCRIBE, body, format="json")
    assert list(PushSubscription.objects.values_list("user_id", flat=True)) == [after.pk]
    assert client_for(before).get(SUBSCRIBE).json()["subscriptions"] == []


def test_with_push_off_nothing_is_subscribed(settings):
    settings.WEB_PUSH_ENABLED = False
    body = {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": KEYS}
    response = client_for(UserFactory()).post(SUBSCRIBE, body, format="json")
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_the_whatsapp_api_needs_consent():
    user = UserFactory()
    client = client_for(user)
    refused = client.put(
        "/api/v1/me/whatsapp/", {"phone": "+6281234567890", "consent": False}, format="json"
    )
    assert refused.status_code == 400
    assert not WhatsAppContact.objects.exists()
    answer = client.put(
        "/api/v1/me/whatsapp/", {"phone": "+6281234567890", "consent": True}, format="json"
    ).json()
    assert answer["phone"] == "+6281234567890"
    assert answer["kinds"] == ["milestone_due_2h", "milestone_released", "milestone_submitted"]
