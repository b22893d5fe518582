"""The contact filter through the API: contact details in gigs, bids and messages written before
a contract is funded are masked for the other party, shown to their author with the reason and
to moderators as written; each object is one hit and one notice; the third hit within the
window raises one automatic report. After funding, messages are not checked.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification, User
from projects import content_filter
from projects.models import Bid, ContactHit, ContractMessage, Gig, Report
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.matrix import moderators_group
from tests.projects.factories import (
    BidFactory,
    CategoryFactory,
    ContractFactory,
    ContractMessageFactory,
    GigFactory,
    MessageAttachmentFactory,
    top_up,
)

pytestmark = pytest.mark.django_db

PHONE_LETTER = "Saya siap mengerjakan logo ini dalam tiga hari. WA 0812-3456-7890 ya."
EMAIL_LETTER = "Portofolio lengkap saya kirim lewat email: budi.desain@gmail.com saja."
CLEAN_LETTER = "Saya siap mengerjakan logo ini dalam tiga hari, dua revisi termasuk."
ORDINARY = "Harga Rp 150.000 sudah termasuk 3 revisi, video 1080p, selesai 2 hari."
GIG_DESCRIPTION = "Logo untuk toko kue rumahan. Kirim contoh karya ke sari.kue@gmail.com ya."
MESSAGE = "Biar cepat, kita lanjut di nomor 0857 1234 5678 saja, bisa?"


def moderator() -> User:
    user = UserFactory(is_staff=True)
    user.groups.add(moderators_group())
    return user


def place_bid(freelancer: User, gig: Gig, cover_letter: str, amount: int = 120_000):
    return client_for(freelancer).post(
        f"/api/v1/gigs/{gig.pk}/bids/",
        {"amount": amount, "delivery_days": 3, "cover_letter": cover_letter},
        format="json",
    )


def notices_of(user: User, kind: str = "contact_details_hidden") -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("id"))


def open_automatic_reports(user: User) -> list[Report]:
    return list(
        Report.objects.filter(
            reporter__isnull=True, target_type="profile", target_id=user.pk, status="open"
        )
    )


# --- bids ------------------------------------------------------------------------------------


def test_client_sees_a_cover_letter_masked_and_its_freelancer_sees_it_with_the_reason():
    gig = GigFactory()
    freelancer = UserFactory(preferred_language="en")

    placed = place_bid(freelancer, gig, PHONE_LETTER)

    assert placed.status_code == 201, placed.json()
    assert placed.json()["cover_letter"] == PHONE_LETTER
    assert placed.json()["contact_details_hidden"] == ["phone"]
    bid = Bid.objects.get()
    assert bid.contact_flags == ["phone"]
    masked = content_filter.mask_contacts(PHONE_LETTER)
    assert "0812" not in masked
    assert content_filter.MASK in masked

    as_client = client_for(gig.client)
    detail = as_client.get(f"/api/v1/bids/{bid.pk}/").json()
    assert (detail["cover_letter"], detail["contact_details_hidden"]) == (masked, [])
    listed = as_client.get(f"/api/v1/gigs/{gig.pk}/bids/").json()["results"]
    assert [(b["cover_letter"], b["contact_details_hidden"]) for b in listed] == [(masked, [])]

    own = client_for(freelancer).get(f"/api/v1/bids/{bid.pk}/").json()
    assert (own["cover_letter"], own["contact_details_hidden"]) == (PHONE_LETTER, ["phone"])
    as_moderator = client_for(moderator()).get(f"/api/v1/bids/{bid.pk}/").json()
    assert (as_moderator["cover_letter"], as_moderator["contact_details_hidden"]) == (
        PHONE_LETTER,
        [],
    )

    hit = ContactHit.objects.get()
    assert (hit.user, hit.source, hit.source_id) == (freelancer, "bid", bid.pk)
    assert hit.kinds == ["phone"]
    [notice] = notices_of(freelancer)
    assert notice.link == f"/api/v1/bids/{bid.pk}/"
    assert notice.title == "Contact details hidden in your bid"
    assert notice.body.startswith(
        "The other side sees it without what looks like contact details (phone number). "
    )
    # The client is told about the bid, never about the filter.
    assert notices_of(gig.client) == []


def test_editing_a_bid_keeps_one_hit_and_one_notice_and_unmasks_a_clean_letter():
    gig = GigFactory()
    freelancer = UserFactory()
    bid_id = place_bid(freelancer, gig, PHONE_LETTER).json()["id"]
    as_freelancer = client_for(freelancer)

    edited = as_freelancer.patch(
        f"/api/v1/bids/{bid_id}/", {"cover_letter": EMAIL_LETTER}, format="json"
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["contact_details_hidden"] == ["email"]
    hit = ContactHit.objects.get()
    assert hit.kinds == ["email", "phone"]  # every kind the object ever held
    assert len(notices_of(freelancer)) == 1

    cleaned = as_freelancer.patch(
        f"/api/v1/bids/{bid_id}/", {"cover_letter": CLEAN_LETTER}, format="json"
    )
    assert cleaned.json()["contact_details_hidden"] == []
    assert Bid.objects.get().contact_flags == []
    shown = client_for(gig.client).get(f"/api/v1/bids/{bid_id}/").json()
    assert shown["cover_letter"] == CLEAN_LETTER
    # The attempt happened: the hit stays and still counts towards a report.
    assert ContactHit.objects.get().kinds == ["email", "phone"]
    assert len(notices_of(freelancer)) == 1


def test_prices_and_ordinary_numbers_are_not_hits():
    gig = GigFactory()
    freelancer = UserFactory()

    placed = place_bid(freelancer, gig, ORDINARY)

    assert placed.status_code == 201, placed.json()
    assert content_filter.contact_kinds(ORDINARY) == []
    shown = client_for(gig.client).get(f"/api/v1/bids/{placed.json()['id']}/").json()
    assert (shown["cover_letter"], shown["contact_details_hidden"]) == (ORDINARY, [])
    assert Bid.objects.get().contact_flags == []
    assert ContactHit.objects.count() == 0
    assert notices_of(freelancer) == []


def test_a_refused_bid_records_no_hit_and_sends_no_notice():
    gig = GigFactory(category=CategoryFactory(min_price=100_000))
    freelancer = UserFactory()

    refused = place_bid(freelancer, gig, PHONE_LETTER, amount=99_000)

    assert refused.status_code == 400
    assert Bid.objects.count() == 0
    assert ContactHit.objects.count() == 0
    assert Notification.objects.count() == 0
    assert open_automatic_reports(freelancer) == []


# --- gigs ------------------------------------------------------------------------------------


def test_gig_text_is_masked_for_freelancers_and_not_for_its_client(settings):
    settings.GIG_MODERATION = "off"
    category = CategoryFactory(min_price=100_000)
    client_user = UserFactory(preferred_language="en")
    as_client = client_for(client_user)
    posted = as_client.post(
        "/api/v1/gigs/",
        {
            "title": "Logo toko kue, email sari.kue@gmail.com",
            "description": GIG_DESCRIPTION,
            "category": category.pk,
            "budget": 250_000,
            "bidding_deadline": (timezone.now() + timedelta(days=3)).isoformat(),
            "delivery_deadline": (timezone.now() + timedelta(days=10)).isoformat(),
            "publish": True,
        },
        format="json",
    )
    assert posted.status_code == 201, posted.json()
    gig_id = posted.json()["id"]
    assert posted.json()["status"] == "open"
    assert posted.json()["description"] == GIG_DESCRIPTION
    assert posted.json()["contact_details_hidden"] == ["email"]

    masked_title = content_filter.mask_contacts("Logo toko kue, email sari.kue@gmail.com")
    masked = content_filter.mask_contacts(GIG_DESCRIPTION)
    assert "sari.kue" not in masked + masked_title
    for viewer in (client_for(UserFactory()), english_client()):
        detail = viewer.get(f"/api/v1/gigs/{gig_id}/").json()
        assert (detail["title"], detail["description"], detail["summary"]) == (
            masked_title,
            masked,
            masked[:200],
        )
        assert detail["contact_details_hidden"] == []
        [card] = viewer.get("/api/v1/gigs/").json()["results"]
        assert (card["title"], card["summary"], card["contact_details_hidden"]) == (
            masked_title,
            masked[:200],
            [],
        )

    own = as_client.get(f"/api/v1/gigs/{gig_id}/").json()
    assert (own["description"], own["contact_details_hidden"]) == (GIG_DESCRIPTION, ["email"])
    [own_card] = as_client.get("/api/v1/gigs/", {"mine": "true"}).json()["results"]
    assert own_card["summary"] == GIG_DESCRIPTION[:200]
    as_moderator = client_for(moderator()).get(f"/api/v1/gigs/{gig_id}/").json()
    assert as_moderator["description"] == GIG_DESCRIPTION

    # One hit and one notice, however often the client edits the gig.
    as_client.patch(f"/api/v1/gigs/{gig_id}/", {"title": "Logo toko kue pastel"}, format="json")
    hit = ContactHit.objects.get()
    assert (hit.user, hit.source, hit.source_id) == (client_user, "gig", gig_id)
    [notice] = notices_of(client_user)
    assert notice.title == "Contact details hidden in your gig"


def test_a_contracts_gig_title_is_masked_for_the_freelancer():
    title = "Logo toko kue, email sari.kue@gmail.com"
    contract = ContractFactory(bid__gig__title=title, bid__gig__content_flags=["email"])
    path = f"/api/v1/contracts/{contract.pk}/"

    assert client_for(contract.freelancer).get(path).json()["gig"]["title"] == (
        content_filter.mask_contacts(title)
    )
    assert client_for(contract.client).get(path).json()["gig"]["title"] == title


# --- messages --------------------------------------------------------------------------------


def post_message(user: User, contract_id: int, body: str):
    return client_for(user).post(
        f"/api/v1/contracts/{contract_id}/messages/", {"body": body}, format="json"
    )


def test_messages_are_masked_before_funding_and_not_checked_after():
    contract = ContractFactory(bid__amount=120_000)
    freelancer, client_user = contract.freelancer, contract.client

    before = post_message(freelancer, contract.pk, MESSAGE)

    assert before.status_code == 201, before.json()
    assert (before.json()["body"], before.json()["contact_details_hidden"]) == (MESSAGE, ["phone"])
    masked = content_filter.mask_contacts(MESSAGE)
    path = f"/api/v1/contracts/{contract.pk}/messages/"
    [seen] = client_for(client_user).get(path).json()["results"]
    assert (seen["body"], seen["contact_details_hidden"], seen["removed"]) == (masked, [], False)
    [own] = client_for(freelancer).get(path).json()["results"]
    assert (own["body"], own["contact_details_hidden"]) == (MESSAGE, ["phone"])
    [as_moderator] = client_for(moderator()).get(path).json()["results"]
    assert as_moderator["body"] == MESSAGE
    # The notice's excerpt is what the client may see.
    [received] = notices_of(client_user, "message_received")
    assert received.body == f"{freelancer.public_name}: {masked[:80]}"
    assert len(notices_of(freelancer)) == 1

    top_up(client_user, 120_000)
    milestone = contract.milestones.get()
    funded = client_for(client_user).post(f"/api/v1/milestones/{milestone.pk}/fund/")
    assert funded.status_code == 200, funded.json()

    after = post_message(freelancer, contract.pk, MESSAGE)

    assert after.status_code == 201, after.json()
    assert after.json()["contact_details_hidden"] == []
    assert ContractMessage.objects.get(pk=after.json()["id"]).contact_flags == []
    newest, first = client_for(client_user).get(path).json()["results"]
    assert (newest["body"], first["body"]) == (MESSAGE, masked)
    assert ContactHit.objects.count() == 1
    assert len(notices_of(freelancer)) == 1


def test_each_message_is_its_own_hit_with_its_own_notice():
    contract = ContractFactory()

    first = post_message(contract.client, contract.pk, MESSAGE).json()["id"]
    second = post_message(contract.client, contract.pk, EMAIL_LETTER).json()["id"]
    post_message(contract.client, contract.pk, ORDINARY)

    hits = ContactHit.objects.order_by("id")
    assert [(h.source, h.source_id, h.kinds) for h in hits] == [
        ("message", first, ["phone"]),
        ("message", second, ["email"]),
    ]
    assert len(notices_of(contract.client)) == 2


def test_a_removed_message_is_empty_for_the_parties_and_whole_for_moderators():
    message = ContractMessageFactory(body=MESSAGE, contact_flags=["phone"])
    MessageAttachmentFactory(message=message)
    ContractMessage.objects.filter(pk=message.pk).update(removed_at=timezone.now())
    contract = message.contract
    path = f"/api/v1/contracts/{contract.pk}/messages/"

    for party in (contract.client, contract.freelancer):
        [shown] = client_for(party).get(path).json()["results"]
        assert (shown["body"], shown["attachments"], shown["removed"]) == ("", [], True)
        assert shown["contact_details_hidden"] == []
    [whole] = client_for(moderator()).get(path).json()["results"]
    assert (whole["body"], len(whole["attachments"]), whole["removed"]) == (MESSAGE, 1, True)


# --- repeated hits ----------------------------------------------------------------------------


def test_the_third_hit_within_the_window_raises_one_automatic_report(settings):
    assert (settings.CONTACT_HITS_BEFORE_REPORT, settings.CONTACT_HITS_WINDOW_DAYS) == (3, 30)
    freelancer = UserFactory()

    for _n in range(2):
        assert place_bid(freelancer, GigFactory(), PHONE_LETTER).status_code == 201
    assert open_automatic_reports(freelancer) == []

    assert place_bid(freelancer, GigFactory(), PHONE_LETTER).status_code == 201
    [report] = open_automatic_reports(freelancer)
    assert (report.target_user, report.reason) == (freelancer, "off_platform_payment")

    assert place_bid(freelancer, GigFactory(), PHONE_LETTER).status_code == 201
    assert [r.pk for r in open_automatic_reports(freelancer)] == [report.pk]
    assert Report.objects.count() == 1
    assert ContactHit.objects.filter(user=freelancer).count() == 4
    assert len(notices_of(freelancer)) == 4


def test_hits_older_than_the_window_do_not_count():
    freelancer = UserFactory()
    place_bid(freelancer, GigFactory(), PHONE_LETTER)
    ContactHit.objects.update(created_at=timezone.now() - timedelta(days=31))

    place_bid(freelancer, GigFactory(), PHONE_LETTER)
    place_bid(freelancer, GigFactory(), PHONE_LETTER)

    assert ContactHit.objects.filter(user=freelancer).count() == 3
    assert open_automatic_reports(freelancer) == []


# --- query counts -----------------------------------------------------------------------------


def count_queries(client, path: str, params: dict | None = None) -> tuple[int, list[dict]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries), response.json()["results"]


def test_the_bid_list_costs_the_same_with_2_and_10_masked_bids():
    masked = content_filter.mask_contacts(PHONE_LETTER)
    counts = []
    for size in (2, 10):
        gig = GigFactory()
        BidFactory.create_batch(size, gig=gig, cover_letter=PHONE_LETTER, contact_flags=["phone"])
        count, results = count_queries(
            client_for(gig.client), f"/api/v1/gigs/{gig.pk}/bids/", {"page_size": 100}
        )
        assert [b["cover_letter"] for b in results] == [masked] * size
        counts.append(count)
    assert counts[0] == counts[1]


def test_the_message_list_costs_the_same_with_2_and_10_masked_messages():
    masked = content_filter.mask_contacts(MESSAGE)
    counts = []
    for size in (2, 10):
        contract = ContractFactory()
        for _n in range(size):
            message = ContractMessageFactory(
                contract=contract, sender=contract.client, body=MESSAGE, contact_flags=["phone"]
            )
            MessageAttachmentFactory(message=message)
        path = f"/api/v1/contracts/{contract.pk}/messages/"
        count, results = count_queries(client_for(contract.freelancer), path, {"page_size": 100})
        assert [m["body"] for m in results] == [masked] * size
        counts.append(count)
    assert counts[0] == counts[1]


def test_the_gig_list_costs_the_same_with_2_and_10_masked_gigs():
    masked = content_filter.mask_contacts(GIG_DESCRIPTION)
    counts = []
    for size in (2, 10):
        category = CategoryFactory()
        GigFactory.create_batch(
            size, category=category, description=GIG_DESCRIPTION, content_flags=["email"]
        )
        count, results = count_queries(
            client_for(UserFactory()), "/api/v1/gigs/", {"category": category.slug}
        )
        assert [g["summary"] for g in results] == [masked[:200]] * size
        counts.append(count)
    assert counts[0] == counts[1]
