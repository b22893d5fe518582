"""The in-app inbox: list, unread count, mark read; notices sent once and in the right language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Notification
from accounts.services import notification_send
from projects import notices
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client

LIST = "/api/v1/notifications/"
COUNT = "/api/v1/notifications/unread-count/"
# the token (with its user), then the page of notices
LIST_QUERIES = 2


def notice(user, number: int, *, minutes_ago: int = 0, read: bool = False) -> Notification:
    sent = notification_send(
        recipient_id=user.pk,
        kind="bid_received",
        key=f"test:{user.pk}:{number}",
        title=f"Penawaran baru {number}",
        body="Isi pemberitahuan.",
        link=f"/api/v1/bids/{number}/",
    )
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    Notification.objects.filter(pk=sent.pk).update(
        created_at=moment, read_at=moment if read else None
    )
    sent.refresh_from_db()
    return sent


@pytest.mark.django_db
def test_list_shows_own_notices_newest_first(user):
    oldest = notice(user, 1, minutes_ago=30)
    newest = notice(user, 2, minutes_ago=1)
    middle = notice(user, 3, minutes_ago=10, read=True)
    notice(UserFactory(), 4)  # someone else's

    response = client_for(user).get(LIST)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [n["id"] for n in results] == [newest.pk, middle.pk, oldest.pk]
    assert results[0] == {
        "id": newest.pk,
        "kind": "bid_received",
        "title": "Penawaran baru 2",
        "body": "Isi pemberitahuan.",
        "link": "/api/v1/bids/2/",
        "read_at": None,
        "created_at": results[0]["created_at"],
    }
    assert results[1]["read_at"] is not None


@pytest.mark.django_db
def test_list_pages_with_a_cursor_without_gaps_or_repeats(user):
    made = [notice(user, n, minutes_ago=n) for n in range(5)]  # n=0 is the newest
    client = client_for(user)

    seen: list[int] = []
    pages = 0
    url: str | None = f"{LIST}?page_size=2"
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 2
        seen += [n["id"] for n in body["results"]]
        url = body["next"]
        pages += 1

    assert pages == 3
    assert seen == [n.pk for n in made]


@pytest.mark.django_db
def test_notices_with_the_same_time_page_in_a_stable_order(user):
    made = [notice(user, n) for n in range(4)]
    same = timezone.now()
    Notification.objects.filter(recipient=user).update(created_at=same)
    client = client_for(user)

    first = client.get(f"{LIST}?page_size=2").json()
    second = client.get(first["next"]).json()

    ids = [n["id"] for n in first["results"] + second["results"]]
    assert ids == sorted((n.pk for n in made), reverse=True)
    assert second["next"] is None


@pytest.mark.django_db
def test_unread_filter_lists_only_unread_notices(user):
    unread_old = notice(user, 1, minutes_ago=5)
    notice(user, 2, minutes_ago=3, read=True)
    unread_new = notice(user, 3, minutes_ago=1)

    response = client_for(user).get(f"{LIST}?unread=true")

    assert response.status_code == 200
    assert [n["id"] for n in response.json()["results"]] == [unread_new.pk, unread_old.pk]
    everything = client_for(user).get(f"{LIST}?unread=false").json()["results"]
    assert len(everything) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["unread=perhaps", "unread=true&unread=false", "page_size=0"])
def test_list_refuses_a_bad_query(user, query):
    response = client_for(user).get(f"{LIST}?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.django_db
def test_list_costs_the_same_queries_at_any_size(user, django_assert_num_queries):
    client = client_for(user)
    notice(user, 0)

    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(LIST).json()["results"]) == 1
    for number in range(1, 15):
        notice(user, number)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(LIST).json()["results"]) == 15


@pytest.mark.django_db
def test_unread_count_counts_only_own_unread_notices(user):
    notice(user, 1)
    notice(user, 2)
    notice(user, 3, read=True)
    notice(UserFactory(), 4)

    response = client_for(user).get(COUNT)

    assert response.status_code == 200
    assert response.json() == {"unread": 2}


@pytest.mark.django_db
def test_unread_count_is_zero_for_an_empty_inbox(user):
    assert client_for(user).get(COUNT).json() == {"unread": 0}


@pytest.mark.django_db
def test_mark_read_sets_read_at_once(user):
    target = notice(user, 1)
    client = client_for(user)
    url = f"/api/v1/notifications/{target.pk}/read/"

    first = client.post(url)
    target.refresh_from_db()
    read_at = target.read_at
    second = client.post(url)

    assert first.status_code == 200
    assert first.json()["id"] == target.pk
    assert first.json()["read_at"] is not None
    assert read_at is not None
    assert second.status_code == 200
    assert second.json()["read_at"] == first.json()["read_at"]
    target.refresh_from_db()
    assert target.read_at == read_at  # marking again keeps the first time
    assert client.get(COUNT).json() == {"unread": 0}


@pytest.mark.django_db
def test_marking_someone_elses_notice_is_not_found_and_changes_nothing(user):
    theirs = notice(UserFactory(), 1)

    response = client_for(user).post(f"/api/v1/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_marking_a_missing_notice_is_not_found(user):
    assert client_for(user).post("/api/v1/notifications/999999/read/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url"),
    [("get", LIST), ("get", COUNT), ("post", "/api/v1/notifications/1/read/")],
)
def test_inbox_needs_a_login(method, url):
    assert getattr(english_client(), method)(url).status_code == 401


@pytest.mark.django_db
def test_send_twice_with_one_key_records_one_notice(user):
    first = notification_send(
        recipient_id=user.pk, kind="gig_approved", key="gig_approved:gig:7", title="Pertama"
    )
    second = notification_send(
        recipient_id=user.pk, kind="gig_approved", key="gig_approved:gig:7", title="Kedua"
    )

    assert second.pk == first.pk
    assert Notification.objects.count() == 1
    assert Notification.objects.get().title == "Pertama"


@pytest.mark.django_db
def test_send_inside_a_failed_transaction_records_nothing(user):
    def event_that_fails() -> None:
        with transaction.atomic():
            notification_send(recipient_id=user.pk, kind="gig_approved", key="k:1", title="T")
            raise RuntimeError("the event rolled back")

    with pytest.raises(RuntimeError):
        event_that_fails()

    assert Notification.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "body"),
    [
        (
            "en",
            "Your gig “Logo toko kue” is live",
            "A moderator approved it; freelancers can bid now.",
        ),
        (
            "id",
            "Pekerjaan Anda “Logo toko kue” sudah tayang",
            "Moderator telah menyetujuinya; freelancer kini bisa mengajukan penawaran.",
        ),
    ],
)
def test_notice_is_written_in_the_recipients_language(language, title, body):
    recipient = UserFactory(preferred_language=language)

    notices.notify(
        recipient, notices.GIG_APPROVED, subject=1, link_args={"gig_id": 1}, gig="Logo toko kue"
    )

    notice_row = Notification.objects.get()
    assert (notice_row.recipient, notice_row.kind) == (recipient, "gig_approved")
    assert (notice_row.title, notice_row.body) == (title, body)
    assert (notice_row.key, notice_row.link) == ("gig_approved:gig:1", "/api/v1/gigs/1/")


@pytest.mark.django_db
def test_notice_language_does_not_follow_the_request(user):
    """An English-speaking actor's request still notifies an Indonesian recipient in Indonesian."""
    recipient = UserFactory(preferred_language="id")
    with translation.override("en"):
        notices.notify(
            recipient,
            notices.GIG_REJECTED,
            subject=1,
            link_args={"gig_id": 1},
            gig="Logo",
            reason="Kontak di luar Garap",
        )
        assert translation.get_language() == "en"

    assert Notification.objects.get().title == "Pekerjaan Anda “Logo” tidak disetujui"
    assert Notification.objects.get().body == "Alasan: Kontak di luar Garap"
