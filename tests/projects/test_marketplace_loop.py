"""The whole loop through the API: a client posts, a freelancer bids, the client accepts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from projects.models import Bid, Contract, Gig, Milestone
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.projects.factories import CategoryFactory, GigFactory, SkillFactory


def iso(delta: timedelta) -> str:
    return (timezone.now() + delta).isoformat()


@pytest.mark.django_db
def test_post_bid_accept_creates_a_contract_with_its_first_milestone(settings):
    settings.GIG_MODERATION = "off"
    category = CategoryFactory(min_price=100_000)
    skill = SkillFactory(category=category)
    client_user = UserFactory(username="toko_sari")
    freelancer = UserFactory(username="budi")
    rival = UserFactory(username="rina")
    client, budi, rina = client_for(client_user), client_for(freelancer), client_for(rival)

    posted = client.post(
        "/api/v1/gigs/",
        {
            "title": "Logo untuk toko kue",
            "description": "Logo sederhana, warna pastel, untuk kemasan dan Instagram.",
            "category": category.pk,
            "skills": [skill.pk],
            "budget": 250_000,
            "bidding_deadline": iso(timedelta(days=3)),
            "delivery_deadline": iso(timedelta(days=10)),
            "publish": True,
        },
        format="json",
    )
    assert posted.status_code == 201, posted.json()
    gig_id = posted.json()["id"]
    assert posted.json()["status"] == "open"

    listed = budi.get("/api/v1/gigs/").json()["results"]
    assert [g["id"] for g in listed] == [gig_id]

    bid = budi.post(
        f"/api/v1/gigs/{gig_id}/bids/",
        {
            "amount": 200_000,
            "delivery_days": 4,
            "cover_letter": "Saya desainer logo berpengalaman lima tahun untuk UMKM.",
        },
        format="json",
    )
    assert bid.status_code == 201, bid.json()
    assert bid.json()["platform_fee"] == 20_000
    assert bid.json()["freelancer_receives"] == 180_000
    other = rina.post(
        f"/api/v1/gigs/{gig_id}/bids/",
        {
            "amount": 150_000,
            "delivery_days": 2,
            "cover_letter": "Bisa selesai dua hari, revisi sampai puas.",
        },
        format="json",
    )
    assert other.status_code == 201

    assert client.get(f"/api/v1/gigs/{gig_id}/").json()["bid_count"] == 2
    assert len(client.get(f"/api/v1/gigs/{gig_id}/bids/").json()["results"]) == 2
    assert [b["id"] for b in rina.get(f"/api/v1/gigs/{gig_id}/bids/").json()["results"]] == [
        other.json()["id"]
    ]

    accepted = client.post(f"/api/v1/bids/{bid.json()['id']}/accept/")
    assert accepted.status_code == 200, accepted.json()
    contract = accepted.json()
    assert contract["amount"] == 200_000
    assert contract["freelancer"]["username"] == "budi"
    assert [m["amount"] for m in contract["milestones"]] == [200_000]
    assert contract["milestones"][0]["status"] == "pending"

    assert Gig.objects.get(pk=gig_id).status == Gig.Status.AWARDED
    assert Bid.objects.get(pk=other.json()["id"]).status == Bid.Status.REJECTED
    assert Contract.objects.count() == 1
    milestone = Milestone.objects.get()
    assert (
        timedelta(days=4) - timedelta(minutes=1)
        < milestone.due_at - timezone.now()
        <= (timedelta(days=4))
    )
    kinds = sorted(Notification.objects.values_list("kind", "recipient__username"))
    assert kinds == [
        ("bid_accepted", "budi"),
        ("bid_received", "toko_sari"),
        ("bid_received", "toko_sari"),
        ("bid_rejected", "rina"),
    ]
    assert budi.get("/api/v1/contracts/").json()["results"][0]["id"] == contract["id"]
    assert rina.get(f"/api/v1/contracts/{contract['id']}/").status_code == 404


@pytest.mark.django_db
def test_contract_thread_and_milestone_split():
    gig = GigFactory(budget=300_000)
    freelancer = UserFactory()
    bid = (
        client_for(freelancer)
        .post(
            f"/api/v1/gigs/{gig.pk}/bids/",
            {
                "amount": 300_000,
                "delivery_days": 7,
                "cover_letter": "Tiga konsep logo, dua revisi, file master lengkap.",
            },
            format="json",
        )
        .json()
    )
    owner = client_for(gig.client)
    contract = owner.post(f"/api/v1/bids/{bid['id']}/accept/").json()

    split = owner.post(
        f"/api/v1/contracts/{contract['id']}/milestones/",
        {
            "milestones": [
                # Not before the bid's 7 days.
                {"title": "Konsep", "amount": 100_000, "due_at": iso(timedelta(days=7, hours=1))},
                {"title": "Final", "amount": 200_000, "due_at": iso(timedelta(days=9))},
            ]
        },
        format="json",
    )
    assert split.status_code == 201, split.json()
    assert [m["amount"] for m in split.json()] == [100_000, 200_000]

    posted = client_for(freelancer).post(
        f"/api/v1/contracts/{contract['id']}/messages/",
        {"body": "Konsep pertama besok ya."},
        format="json",
    )
    assert posted.status_code == 201
    thread = owner.get(f"/api/v1/contracts/{contract['id']}/messages/").json()["results"]
    assert [m["body"] for m in thread] == ["Konsep pertama besok ya."]
    assert Notification.objects.filter(recipient=gig.client, kind="message_received").count() == 1
