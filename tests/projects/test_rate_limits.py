"""Per-account rates on what one account can flood others with: messages, invitations and
top-ups. Beyond the rate: 429 in the API's error shape with Retry-After and retry_after, the 429
page on the pages — and nothing was written."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Notification
from payments.models import Deposit
from projects.models import ContractMessage, GigInvitation
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.pages.conftest import browser
from tests.projects.factories import ContractFactory, GigFactory

pytestmark = pytest.mark.django_db


def _assert_throttled(response) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert set(body) == {"code", "message", "fields", "retry_after"}
    assert 1 <= body["retry_after"] <= 60
    assert int(response["Retry-After"]) == body["retry_after"]
    assert f"{body['retry_after']} seconds" in body["message"]


def test_messages_beyond_the_rate_are_refused(settings):
    settings.MESSAGE_RATE = "3/min"
    contract = ContractFactory()
    api = client_for(contract.client)
    url = f"/api/v1/contracts/{contract.pk}/messages/"

    sent = [api.post(url, {"body": f"Halo {n}"}, format="json").status_code for n in range(3)]
    refused = api.post(url, {"body": "Halo lagi"}, format="json")

    assert sent == [201, 201, 201]
    _assert_throttled(refused)
    assert ContractMessage.objects.filter(contract=contract).count() == 3
    assert not ContractMessage.objects.filter(body="Halo lagi").exists()
    # Per account: the other party still writes.
    other = client_for(contract.freelancer).post(url, {"body": "Siap"}, format="json")
    assert other.status_code == 201


def test_the_message_page_answers_429_too(settings):
    settings.MESSAGE_RATE = "1/min"
    contract = ContractFactory()
    page = browser(contract.client)
    url = f"/contracts/{contract.pk}/messages/"
    assert page.post(url, {"body": "Satu"}).status_code == 302

    refused = page.post(url, {"body": "Dua"})

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "too fast" in refused.content.decode()
    assert ContractMessage.objects.filter(contract=contract).count() == 1


def test_invitations_beyond_the_rate_are_refused(settings):
    settings.INVITATION_RATE = "2/hour"
    gig = GigFactory()
    freelancers = UserFactory.create_batch(3)
    api = client_for(gig.client)
    url = f"/api/v1/gigs/{gig.pk}/invitations/"
    notices_before = Notification.objects.count()

    sent = [
        api.post(url, {"freelancer": f.username}, format="json").status_code
        for f in freelancers[:2]
    ]
    refused = api.post(url, {"freelancer": freelancers[2].username}, format="json")

    assert sent == [201, 201]
    _assert_throttled_hours(refused)
    assert not GigInvitation.objects.filter(freelancer=freelancers[2]).exists()
    assert Notification.objects.count() == notices_before + 2


def test_the_invite_page_answers_429_too(settings):
    settings.INVITATION_RATE = "1/hour"
    gig = GigFactory()
    first, second = UserFactory.create_batch(2)
    page = browser(gig.client)
    url = f"/gigs/{gig.pk}/invite/"
    assert page.post(url, {"freelancer": first.username}).status_code == 302

    refused = page.post(url, {"freelancer": second.username})

    assert refused.status_code == 429
    assert not GigInvitation.objects.filter(freelancer=second).exists()


def test_staff_cannot_be_invited():
    gig = GigFactory()
    moderator = UserFactory(username="moderator", is_staff=True)
    unknown = client_for(gig.client).post(
        f"/api/v1/gigs/{gig.pk}/invitations/", {"freelancer": "no.such.user"}, format="json"
    )
    mail.outbox.clear()

    response = client_for(gig.client).post(
        f"/api/v1/gigs/{gig.pk}/invitations/", {"freelancer": "MODERATOR"}, format="json"
    )

    assert response.status_code == 400
    # The same answer as for a name nobody has: the form does not tell who is staff.
    assert response.json() == unknown.json()
    assert not GigInvitation.objects.filter(freelancer=moderator).exists()
    assert not Notification.objects.filter(recipient=moderator).exists()
    assert mail.outbox == []


def test_top_ups_beyond_the_rate_are_refused(settings):
    settings.DEPOSIT_RATE = "2/hour"
    user = UserFactory()
    api = client_for(user)

    started = [
        api.post("/api/v1/wallet/deposits/", {"amount": 50_000}, format="json").status_code
        for _n in range(2)
    ]
    refused = api.post(
        "/api/v1/wallet/deposits/",
        {"amount": 50_000},
        format="json",
        HTTP_IDEMPOTENCY_KEY="topup-3",
    )

    assert started == [201, 201]
    _assert_throttled_hours(refused)
    assert Deposit.objects.filter(user=user).count() == 2


def _assert_throttled_hours(response) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert 1 <= body["retry_after"] <= 3600
    assert int(response["Retry-After"]) == body["retry_after"]


def test_the_wallet_page_answers_429_too(settings):
    from tests.pages.test_wallet_pages import token_of

    settings.DEPOSIT_RATE = "1/hour"
    user = UserFactory()
    page = browser(user)

    def send():
        token = token_of(page.get("/wallet/").content.decode(), "topup")
        return page.post("/wallet/deposits/", {"topup-token": token, "topup-amount": "50000"})

    assert send().status_code == 302
    refused = send()

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert Deposit.objects.filter(user=user).count() == 1


def test_a_cache_outage_does_not_stop_messages(settings):
    """Limits fail open: with the cache (Redis) down, a message still goes through."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.MESSAGE_RATE = "1/min"
    contract = ContractFactory()
    api = client_for(contract.client)
    url = f"/api/v1/contracts/{contract.pk}/messages/"
    statuses = [api.post(url, {"body": f"Halo {n}"}, format="json").status_code for n in range(3)]
    assert statuses == [201, 201, 201]
