"""Urgent notices on WhatsApp, against a local Cloud API that checks the bearer token and the
template message's shape and answers as Meta's does (tests/fakes/whatsapp.py).

Only people who opted in, only the kinds with an approved template (deadline in 2 hours, work
delivered, payment released), in the recipient's language; once per notice through the same
outbox as push; failures retried until the fifth attempt; a number WhatsApp says is not a
WhatsApp user (131026) stops every further send to it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import NoticeDelivery, WhatsAppContact
from accounts.phone_channels import DeliveryFailed
from accounts.services.phone_notices import (
    DELIVERY_MAX_ATTEMPTS,
    notice_delivery_send,
    whatsapp_opt_in,
)
from accounts.tasks import deliver_pending_phone_notices
from projects import notices
from tests.accounts.factories import UserFactory
from tests.fakes.whatsapp import FakeWhatsApp

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)
TOKEN = "EAAG-test-system-user-token"
PHONE_ID = "106540352242922"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def cloud_api(settings):
    with FakeWhatsApp(token=TOKEN, phone_number_id=PHONE_ID) as fake:
        settings.WHATSAPP_ENABLED = True
        settings.WHATSAPP_API_BASE_URL = fake.base_url
        settings.WHATSAPP_TOKEN = TOKEN
        settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_ID
        settings.SITE_URL = "https://garap.id"
        yield fake


def opted_in(language: str = "en", phone: str = "+6281234567890"):
    user = UserFactory(preferred_language=language)
    whatsapp_opt_in(user=user, phone=phone)
    return user


def released(recipient, number: int = 1, kind=notices.MILESTONE_RELEASED):
    return notices.notify(
        recipient,
        kind,
        subject=number,
        link_args={"contract_id": number},
        milestone="Desain logo",
        amount="Rp 120.000",
        gig="Logo toko kue",
        due=START + timedelta(hours=2),
    )


def whatsapp_rows(notification):
    return list(
        NoticeDelivery.objects.filter(notification=notification, channel="whatsapp").values_list(
            "status", "attempts"
        )
    )


@pytest.mark.django_db
def test_an_urgent_notice_goes_out_as_its_approved_template(
    clock, cloud_api, django_capture_on_commit_callbacks
):
    user = opted_in("en")

    with django_capture_on_commit_callbacks(execute=True):
        notification = released(user)

    [message] = cloud_api.sent
    assert cloud_api.refused == []
    assert message["to"] == "6281234567890"
    assert message["type"] == "template"
    assert message["template"]["name"] == "garap_payment_released"
    assert message["template"]["language"] == {"code": "en"}
    [body] = message["template"]["components"]
    assert [p["text"] for p in body["parameters"]] == [
        "Payment released for “Desain logo”",
        "https://garap.id/contracts/1/",
    ]
    delivery = NoticeDelivery.objects.get(notification=notification)
    assert (delivery.status, delivery.provider_id) == ("sent", message["id"])


@pytest.mark.django_db
def test_the_template_is_in_the_recipients_language(
    clock, cloud_api, django_capture_on_commit_callbacks
):
    user = opted_in("id")
    with django_capture_on_commit_callbacks(execute=True):
        released(user, kind=notices.MILESTONE_DUE_2H)
    [message] = cloud_api.sent
    assert message["template"]["name"] == "garap_deadline_2h"
    assert message["template"]["language"] == {"code": "id"}


@pytest.mark.django_db
def test_other_kinds_and_people_who_did_not_opt_in_get_nothing(
    clock, cloud_api, django_capture_on_commit_callbacks
):
    user, not_in = opted_in(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        other_kind = released(user, 1, kind=notices.MILESTONE_FUNDED)
        not_opted = released(not_in, 2)

    assert cloud_api.sent == []
    assert whatsapp_rows(other_kind) == []
    assert whatsapp_rows(not_opted) == []


@pytest.mark.django_db
def test_whatsapp_off_sends_nothing(settings, clock, cloud_api):
    settings.WHATSAPP_ENABLED = False
    notification = released(opted_in())
    assert whatsapp_rows(notification) == []


@pytest.mark.django_db
def test_the_same_notice_twice_and_the_sweep_send_one_message(
    clock, cloud_api, django_capture_on_commit_callbacks
):
    user = opted_in()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = released(user)
        released(user)

    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_phone_notices() == 1
    for late_task in callbacks:
        late_task()
    assert deliver_pending_phone_notices() == 0

    assert len(cloud_api.sent) == 1
    assert whatsapp_rows(first) == [("sent", 1)]


@pytest.mark.django_db
def test_a_bad_token_is_refused_and_the_message_sent_once_it_is_fixed(settings, clock, cloud_api):
    notification = released(opted_in())
    [delivery] = NoticeDelivery.objects.filter(notification=notification)
    settings.WHATSAPP_TOKEN = "expired-token"

    with pytest.raises(DeliveryFailed):
        notice_delivery_send(delivery_id=delivery.pk)
    assert cloud_api.refused == [(401, 190)]
    assert whatsapp_rows(notification) == [("pending", 1)]
    assert cloud_api.sent == []

    settings.WHATSAPP_TOKEN = TOKEN
    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_phone_notices() == 1
    assert len(cloud_api.sent) == 1
    assert whatsapp_rows(notification) == [("sent", 2)]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_failing_cloud_api_is_retried_until_the_fifth_attempt_fails_the_row(
    clock, cloud_api, status
):
    notification = released(opted_in())
    [delivery] = NoticeDelivery.objects.filter(notification=notification)
    cloud_api.answers = [status] * DELIVERY_MAX_ATTEMPTS

    for attempt in range(1, DELIVERY_MAX_ATTEMPTS):
        with pytest.raises(DeliveryFailed):
            notice_delivery_send(delivery_id=delivery.pk)
        assert whatsapp_rows(notification) == [("pending", attempt)]
    with pytest.raises(DeliveryFailed):
        notice_delivery_send(delivery_id=delivery.pk)
    assert whatsapp_rows(notification) == [("failed", DELIVERY_MAX_ATTEMPTS)]

    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_phone_notices() == 0
    assert cloud_api.sent == []
    assert WhatsAppContact.objects.filter(stopped_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_an_unreachable_cloud_api_is_retried(clock, cloud_api):
    notification = released(opted_in())
    [delivery] = NoticeDelivery.objects.filter(notification=notification)
    cloud_api.stop()

    with pytest.raises(DeliveryFailed):
        notice_delivery_send(delivery_id=delivery.pk)
    assert whatsapp_rows(notification) == [("pending", 1)]


@pytest.mark.django_db
def test_a_number_not_on_whatsapp_stops_every_further_send(clock, cloud_api):
    user = opted_in()
    first, waiting = released(user, 1), released(user, 2)
    cloud_api.not_on_whatsapp.add("6281234567890")
    [delivery] = NoticeDelivery.objects.filter(notification=first)

    assert notice_delivery_send(delivery_id=delivery.pk) is False

    assert cloud_api.refused == [(400, 131026)]
    contact = WhatsAppContact.objects.get(user=user)
    assert contact.stopped_at is not None
    assert whatsapp_rows(first) == [("undeliverable", 1)]
    assert whatsapp_rows(waiting) == [("undeliverable", 0)]  # never tried
    later = released(user, 3)
    assert whatsapp_rows(later) == []
    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_phone_notices() == 0
    assert len(cloud_api.refused) == 1  # nothing more was sent to that number

    # The person enters the number again (or another): sending starts afresh.
    cloud_api.not_on_whatsapp.clear()
    whatsapp_opt_in(user=user, phone="+6281298765432")
    fresh = released(user, 4)
    [row] = NoticeDelivery.objects.filter(notification=fresh)
    assert notice_delivery_send(delivery_id=row.pk) is True
    assert cloud_api.sent[0]["to"] == "6281298765432"


@pytest.mark.django_db
def test_opting_out_before_the_send_sends_nothing(clock, cloud_api):
    user = opted_in()
    notification = released(user)
    [delivery] = NoticeDelivery.objects.filter(notification=notification)
    WhatsAppContact.objects.filter(user=user).delete()

    assert notice_delivery_send(delivery_id=delivery.pk) is False
    assert cloud_api.sent == []
    assert whatsapp_rows(notification) == [("undeliverable", 1)]


@pytest.mark.django_db
def test_delivered_work_reaches_the_clients_whatsapp(
    cloud_api, contract, funded, django_capture_on_commit_callbacks
):
    from projects.services.milestones import milestone_submit

    whatsapp_opt_in(user=contract.client, phone="+6281311112222")
    with django_capture_on_commit_callbacks(execute=True):
        milestone_submit(milestone_id=funded.pk, actor=contract.freelancer, note="Sudah jadi")

    [message] = cloud_api.sent
    assert message["to"] == "6281311112222"
    assert message["template"]["name"] == "garap_work_delivered"
