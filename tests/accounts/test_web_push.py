"""Notices by web push, against a local push service that checks the VAPID signature and
decrypts what it receives with the subscription's own keys (tests/fakes/web_push.py).

One delivery row per (notice, subscription) is the outbox: written with the notice, sent by a
task after commit, found by the sweep when that task was lost; sent once whatever runs twice; a
404/410 deletes the subscription; other failures stay pending and are retried until the fifth
attempt fails the row. Muting a kind for push works as for e-mail.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import NoticeDelivery, PushSubscription
from accounts.phone_channels import DeliveryFailed
from accounts.services.phone_notices import (
    DELIVERY_MAX_ATTEMPTS,
    notice_delivery_send,
    push_preferences_update,
)
from accounts.tasks import deliver_pending_phone_notices
from projects import notices
from tests.accounts.factories import UserFactory
from tests.fakes.web_push import FakePushService, vapid_key_pair

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def vapid():
    return vapid_key_pair()


@pytest.fixture
def push_service(vapid):
    with FakePushService(vapid_public_key=vapid[0]) as service:
        yield service


@pytest.fixture(autouse=True)
def push_on(settings, vapid):
    settings.WEB_PUSH_ENABLED = True
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = vapid
    settings.VAPID_SUBJECT = "mailto:ops@garap.id"
    settings.WEB_PUSH_ALLOWED_HOSTS = ["127.0.0.1"]


def subscribe(user, push_service):
    browser = push_service.subscribe()
    keys = browser.as_browser_gives_it()["keys"]
    PushSubscription.objects.create(
        user=user, endpoint=browser.endpoint, p256dh=keys["p256dh"], auth=keys["auth"]
    )
    return browser


def send_notice(recipient, number: int = 1, kind=notices.MILESTONE_RELEASED):
    return notices.notify(
        recipient,
        kind,
        subject=number,
        link_args={"contract_id": number},
        milestone="Desain logo",
        amount="Rp 120.000",
        gig="Logo toko kue",
    )


def deliveries(notification):
    return list(
        NoticeDelivery.objects.filter(notification=notification).values_list("status", "attempts")
    )


@pytest.mark.django_db
def test_a_notice_is_pushed_encrypted_to_each_of_the_recipients_browsers(
    clock, push_service, django_capture_on_commit_callbacks
):
    user = UserFactory(preferred_language="en")
    phone, laptop = subscribe(user, push_service), subscribe(user, push_service)
    stranger_browser = subscribe(UserFactory(), push_service)

    with django_capture_on_commit_callbacks(execute=True):
        notification = send_notice(user)

    assert push_service.refused == []
    for browser in (phone, laptop):
        [message] = push_service.messages_for(browser)
        assert message["title"] == "Payment released for “Desain logo”"
        assert message["body"] == "Rp 120.000 less the platform fee is in your wallet."
        assert message["url"] == "/contracts/1/"
    assert push_service.messages_for(stranger_browser) == []
    assert deliveries(notification) == [("sent", 1), ("sent", 1)]
    assert PushSubscription.objects.filter(last_success_at__isnull=False).count() == 2
    topics = {r.headers["topic"] for r in push_service.received}
    assert len(topics) == 1  # one notice, one topic: a second copy replaces the first


@pytest.mark.django_db
def test_the_push_is_written_in_the_recipients_language(
    clock, push_service, django_capture_on_commit_callbacks
):
    user = UserFactory(preferred_language="id")
    browser = subscribe(user, push_service)
    with django_capture_on_commit_callbacks(execute=True):
        send_notice(user)
    [message] = push_service.messages_for(browser)
    assert message["title"] != "Payment released for “Desain logo”"
    assert "Desain logo" in message["title"]


@pytest.mark.django_db
def test_a_kind_muted_for_push_is_not_pushed_but_still_recorded(
    clock, push_service, django_capture_on_commit_callbacks
):
    user = UserFactory()
    browser = subscribe(user, push_service)
    push_preferences_update(user=user, muted_kinds=["milestone_released"])

    with django_capture_on_commit_callbacks(execute=True):
        muted = send_notice(user, 1)
        other = send_notice(user, 2, kind=notices.MILESTONE_FUNDED)

    assert deliveries(muted) == []
    assert len(push_service.messages_for(browser)) == 1
    assert deliveries(other) == [("sent", 1)]


@pytest.mark.django_db
def test_push_off_records_no_delivery(settings, clock, push_service):
    settings.WEB_PUSH_ENABLED = False
    user = UserFactory()
    subscribe(user, push_service)
    notification = send_notice(user)
    assert deliveries(notification) == []


@pytest.mark.django_db
def test_the_same_notice_twice_is_pushed_once(
    clock, push_service, django_capture_on_commit_callbacks
):
    user = UserFactory()
    browser = subscribe(user, push_service)
    with django_capture_on_commit_callbacks(execute=True):
        first = send_notice(user)
        again = send_notice(user)

    assert first.pk == again.pk
    assert len(push_service.messages_for(browser)) == 1
    assert NoticeDelivery.objects.count() == 1


@pytest.mark.django_db
def test_the_task_and_the_sweep_both_running_push_once(
    clock, push_service, django_capture_on_commit_callbacks
):
    user = UserFactory()
    browser = subscribe(user, push_service)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = send_notice(user)

    clock.move_to(START + timedelta(seconds=59))
    assert deliver_pending_phone_notices() == 0  # young rows are left to their task
    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_phone_notices() == 1
    for late_task in callbacks:
        late_task()
    assert deliver_pending_phone_notices() == 0

    assert len(push_service.messages_for(browser)) == 1
    assert deliveries(notification) == [("sent", 1)]


@pytest.mark.django_db
def test_the_sweep_pushes_what_a_lost_task_left(clock, push_service):
    user = UserFactory()
    browser = subscribe(user, push_service)
    notification = send_notice(user)  # never committed: the task is lost

    assert push_service.received == []
    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_phone_notices() == 1
    assert len(push_service.messages_for(browser)) == 1
    assert deliveries(notification) == [("sent", 1)]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted_and_never_tried_again(clock, push_service, status):
    user = UserFactory()
    browser = subscribe(user, push_service)
    kept = subscribe(user, push_service)
    notification = send_notice(user)
    push_service.answers = [status]  # the first POST (the gone browser) is refused
    first, second = NoticeDelivery.objects.filter(notification=notification).order_by("pk")

    assert notice_delivery_send(delivery_id=first.pk) is False
    assert notice_delivery_send(delivery_id=second.pk) is True

    assert not PushSubscription.objects.filter(endpoint=browser.endpoint).exists()
    assert PushSubscription.objects.filter(endpoint=kept.endpoint).exists()
    assert push_service.messages_for(browser) == []
    assert len(push_service.messages_for(kept)) == 1
    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_phone_notices() == 0
    later = send_notice(user, 2)
    assert [d.subscription_id for d in later.deliveries.all()] == [
        PushSubscription.objects.get(endpoint=kept.endpoint).pk
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_failing_push_service_is_retried_until_the_fifth_attempt_fails_the_row(
    clock, push_service, status
):
    user = UserFactory()
    browser = subscribe(user, push_service)
    notification = send_notice(user)
    [delivery] = NoticeDelivery.objects.filter(notification=notification)
    push_service.answers = [status] * DELIVERY_MAX_ATTEMPTS

    for attempt in range(1, DELIVERY_MAX_ATTEMPTS):
        with pytest.raises(DeliveryFailed):
            notice_delivery_send(delivery_id=delivery.pk)
        assert deliveries(notification) == [("pending", attempt)]
    with pytest.raises(DeliveryFailed):
        notice_delivery_send(delivery_id=delivery.pk)
    assert deliveries(notification) == [("failed", DELIVERY_MAX_ATTEMPTS)]

    assert notice_delivery_send(delivery_id=delivery.pk) is False
    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_phone_notices() == 0
    assert push_service.messages_for(browser) == []
    assert PushSubscription.objects.filter(endpoint=browser.endpoint).exists()


@pytest.mark.django_db
def test_a_push_that_failed_once_is_delivered_by_the_next_attempt(clock, push_service):
    user = UserFactory()
    browser = subscribe(user, push_service)
    notification = send_notice(user)
    [delivery] = NoticeDelivery.objects.filter(notification=notification)
    push_service.answers = [503]

    with pytest.raises(DeliveryFailed):
        notice_delivery_send(delivery_id=delivery.pk)
    clock.move_to(START + timedelta(minutes=2))
    assert deliver_pending_phone_notices() == 1

    assert len(push_service.messages_for(browser)) == 1
    assert deliveries(notification) == [("sent", 2)]


@pytest.mark.django_db
def test_an_unreachable_push_service_is_retried(clock, push_service):
    user = UserFactory()
    browser = subscribe(user, push_service)
    notification = send_notice(user)
    [delivery] = NoticeDelivery.objects.filter(notification=notification)
    push_service.stop()

    with pytest.raises(DeliveryFailed):
        notice_delivery_send(delivery_id=delivery.pk)
    assert deliveries(notification) == [("pending", 1)]
    assert PushSubscription.objects.filter(endpoint=browser.endpoint).exists()


@pytest.mark.django_db
def test_a_wrong_vapid_key_is_refused_by_the_push_service_and_retried(
    settings, clock, push_service
):
    user = UserFactory()
    subscribe(user, push_service)
    notification = send_notice(user)
    [delivery] = NoticeDelivery.objects.filter(notification=notification)
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = vapid_key_pair()  # not subscribed with

    with pytest.raises(DeliveryFailed):
        notice_delivery_send(delivery_id=delivery.pk)

    assert push_service.received == []
    assert push_service.refused[0][0] == 403
    assert deliveries(notification) == [("pending", 1)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_push_a_notice_once(push_service):
    from tests.races import race

    user = UserFactory()
    browser = subscribe(user, push_service)
    notification = send_notice(user)  # committed: its task ran at once
    NoticeDelivery.objects.filter(notification=notification).update(status="pending", attempts=0)
    push_service.received.clear()
    [delivery] = NoticeDelivery.objects.filter(notification=notification)

    results = race([lambda: notice_delivery_send(delivery_id=delivery.pk)] * 4)

    assert sorted(results) == [False, False, False, True]
    assert len(push_service.messages_for(browser)) == 1
    assert [status for status, _attempts in deliveries(notification)] == ["sent"]
