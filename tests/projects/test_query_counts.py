"""Query budgets of the list and detail endpoints: a page costs the same number of queries
whatever the number of rows in the database, on the page, or hanging off each row.

Each test runs at a small and a large size with the same exact budget, so a count that grows
with the data (an N+1: a related object fetched per row) fails here. The budgets, per request:

* an authenticated request adds 1 query: the bearer token with its user;
* a list is 1 query for the page (the cursor paginator fetches ``page_size + 1`` rows and never
  counts) plus 1 per prefetched relation, and a prefetch is skipped when the page is empty.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from projects.models import Delivery, Gig, GigAttachment, RevisionRequest
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.projects.factories import (
    BidFactory,
    CategoryFactory,
    ContractFactory,
    ContractMessageFactory,
    GigFactory,
    MessageAttachmentFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db

TOKEN = 1  # the bearer token and its user, on every authenticated request


def make_gigs(count: int) -> list[Gig]:
    """``count`` open public gigs spread over clients and categories, two skills each."""
    categories = CategoryFactory.create_batch(3)
    skills = [SkillFactory(category=c) for c in categories for _ in range(2)]
    clients = UserFactory.create_batch(4)
    gigs = [
        GigFactory(client=clients[n % 4], category=categories[n % 3], budget=100_000 + n)
        for n in range(count)
    ]
    Gig.skills.through.objects.bulk_create(
        Gig.skills.through(gig_id=gig.pk, skill_id=skill.pk)
        for n, gig in enumerate(gigs)
        for skill in (skills[n % 6], skills[(n + 1) % 6])
    )
    return gigs


# --- gig list -------------------------------------------------------------------------------

GIG_LIST = 2  # the page with client and category joined; the skills of the page


@pytest.mark.parametrize("gigs_in_db", [10, 200])
@pytest.mark.parametrize("page_size", [10, 50])
@pytest.mark.parametrize("authenticated", [False, True], ids=["anonymous", "authenticated"])
def test_gig_list_costs_the_same_at_any_size(
    django_assert_num_queries, gigs_in_db, page_size, authenticated
):
    make_gigs(gigs_in_db)
    client = client_for(UserFactory()) if authenticated else english_client()

    with django_assert_num_queries(GIG_LIST + (TOKEN if authenticated else 0)):
        response = client.get("/api/v1/gigs/", {"page_size": page_size})

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == min(page_size, gigs_in_db)
    assert all(len(gig["skills"]) == 2 for gig in results)


@pytest.mark.parametrize("gigs_in_db", [10, 200])
def test_gig_search_and_filters_cost_the_same_at_any_size(django_assert_num_queries, gigs_in_db):
    gigs = make_gigs(gigs_in_db)
    skill_ids = ",".join(str(s.pk) for s in gigs[0].skills.all())

    with django_assert_num_queries(GIG_LIST):
        response = english_client().get(
            "/api/v1/gigs/",
            {"q": "logo", "skills": skill_ids, "budget_min": 1, "sort": "budget_high"},
        )

    assert response.status_code == 200
    assert response.json()["results"]


@pytest.mark.parametrize("gigs_owned", [3, 60])
def test_own_gig_list_costs_the_same_at_any_size(django_assert_num_queries, gigs_owned):
    owner = UserFactory()
    skill = SkillFactory()
    for gig in GigFactory.create_batch(gigs_owned, client=owner):
        gig.skills.add(skill)
    client = client_for(owner)

    with django_assert_num_queries(TOKEN + GIG_LIST):
        response = client.get("/api/v1/gigs/", {"mine": "true", "page_size": 100})

    assert response.status_code == 200
    assert len(response.json()["results"]) == gigs_owned


# --- gig detail -----------------------------------------------------------------------------

GIG_DETAIL = 3  # the gig with client and category; its skills; its attachments


@pytest.mark.parametrize("bids", [0, 50])
@pytest.mark.parametrize("viewer", ["anonymous", "owner", "freelancer"])
def test_gig_detail_costs_the_same_whatever_the_bids(django_assert_num_queries, bids, viewer):
    gig = GigFactory(bid_count=bids)
    gig.skills.add(*SkillFactory.create_batch(3))
    for n in range(2):
        GigAttachment.objects.create(
            gig=gig,
            file=f"gigs/{gig.pk}/brief-{n}.pdf",
            original_name=f"brief-{n}.pdf",
            content_type="application/pdf",
            size=1024,
        )
    BidFactory.create_batch(bids, gig=gig)
    client = {
        "anonymous": english_client,
        "owner": lambda: client_for(gig.client),
        "freelancer": lambda: client_for(UserFactory()),
    }[viewer]()

    with django_assert_num_queries(GIG_DETAIL + (0 if viewer == "anonymous" else TOKEN)):
        response = client.get(f"/api/v1/gigs/{gig.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["bid_count"] == bids
    assert len(body["skills"]) == 3
    assert len(body["attachments"]) == 2


# --- bids on a gig --------------------------------------------------------------------------

BID_LIST = 1  # the page of bids with their freelancers


@pytest.mark.parametrize("bids", [5, 60])
def test_bid_list_for_the_owner_costs_the_same_at_any_size(django_assert_num_queries, bids):
    gig = GigFactory()
    BidFactory.create_batch(bids, gig=gig)
    client = client_for(gig.client)

    with django_assert_num_queries(TOKEN + GIG_DETAIL + BID_LIST):
        response = client.get(f"/api/v1/gigs/{gig.pk}/bids/", {"page_size": 100})

    assert response.status_code == 200
    assert len(response.json()["results"]) == bids


@pytest.mark.parametrize("bids", [5, 60])
def test_bid_list_for_a_bidder_costs_the_same_at_any_size(django_assert_num_queries, bids):
    gig = GigFactory()
    BidFactory.create_batch(bids, gig=gig)
    mine = BidFactory(gig=gig)
    client = client_for(mine.freelancer)

    with django_assert_num_queries(TOKEN + GIG_DETAIL + BID_LIST):
        response = client.get(f"/api/v1/gigs/{gig.pk}/bids/")

    assert response.status_code == 200
    assert [b["id"] for b in response.json()["results"]] == [mine.pk]


# --- contracts, messages, notifications -----------------------------------------------------

CONTRACT_LIST = 3  # the page with gig, client and freelancer joined; the milestones; their
# revision requests


@pytest.mark.parametrize("contracts", [2, 40])
def test_contract_list_costs_the_same_at_any_size(django_assert_num_queries, contracts):
    person = UserFactory()
    for n in range(contracts):
        # Half as the client, half as the freelancer: the list holds both sides.
        if n % 2:
            contract = ContractFactory(bid__gig__client=person)
        else:
            contract = ContractFactory(bid__freelancer=person)
        # Each milestone sent back once: its revision requests are listed with it.
        delivery = Delivery.objects.create(milestone=contract.milestones.get(), note="V1.")
        RevisionRequest.objects.create(delivery=delivery, note="Lebih cerah.", number=1)
    ContractFactory.create_batch(3)  # other people's: never listed
    client = client_for(person)

    with django_assert_num_queries(TOKEN + CONTRACT_LIST):
        response = client.get("/api/v1/contracts/", {"page_size": 100})

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == contracts
    assert all(len(c["milestones"]) == 1 for c in results)
    assert all(len(c["milestones"][0]["revision_requests"]) == 1 for c in results)


MESSAGE_LIST = 2 + 2  # the contract and its milestones; the page with senders; attachments


@pytest.mark.parametrize("messages", [3, 60])
def test_message_list_costs_the_same_at_any_size(django_assert_num_queries, messages):
    contract = ContractFactory()
    for n in range(messages):
        sender = contract.client if n % 2 else contract.freelancer
        message = ContractMessageFactory(contract=contract, sender=sender)
        MessageAttachmentFactory.create_batch(n % 3, message=message)
    client = client_for(contract.freelancer)

    with django_assert_num_queries(TOKEN + MESSAGE_LIST):
        response = client.get(f"/api/v1/contracts/{contract.pk}/messages/", {"page_size": 100})

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == messages
    assert sum(len(m["attachments"]) for m in results) == sum(n % 3 for n in range(messages))


NOTIFICATION_LIST = 1


@pytest.mark.parametrize("notifications", [3, 80])
@pytest.mark.parametrize("unread", ["false", "true"])
def test_notification_list_costs_the_same_at_any_size(
    django_assert_num_queries, notifications, unread
):
    user = UserFactory()
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind="bid_received",
            key=f"test:{user.pk}:{n}",
            title=f"Tawaran baru {n}",
            link="/api/v1/bids/1/",
            read_at=None if n % 2 else now - timedelta(minutes=n),
        )
        for n in range(notifications)
    )
    client = client_for(user)

    with django_assert_num_queries(TOKEN + NOTIFICATION_LIST):
        response = client.get("/api/v1/notifications/", {"unread": unread, "page_size": 100})

    assert response.status_code == 200
    expected = notifications // 2 if unread == "true" else notifications
    assert len(response.json()["results"]) == expected
