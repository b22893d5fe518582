"""Inviting freelancers to bid, and invite-only gigs."""

from __future__ import annotations

import pytest

from accounts.models import Notification
from projects.models import Bid, Gig, GigInvitation
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.projects.factories import GigFactory

BID = {
    "amount": 140_000,
    "delivery_days": 4,
    "cover_letter": "Saya bisa mengerjakan logo ini dengan tiga konsep awal.",
}


# token, gig with its skills and attachments, the invitations with their freelancers
QUERIES = 5


def invite(client, gig: Gig, username: str):
    return client.post(
        f"/api/v1/gigs/{gig.pk}/invitations/", {"freelancer": username}, format="json"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "body"),
    [
        (
            "en",
            "You are invited to bid on “Logo toko kue”",
            "Toko Sari would like your offer. Budget: Rp 250.000.",
        ),
        (
            "id",
            "Anda diundang mengajukan penawaran untuk “Logo toko kue”",
            "Toko Sari ingin menerima penawaran Anda. Anggaran: Rp 250.000.",
        ),
    ],
)
def test_invite_creates_one_invitation_and_a_notice_in_the_freelancers_language(
    language, title, body
):
    gig = GigFactory(title="Logo toko kue", budget=250_000, client__display_name="Toko Sari")
    freelancer = UserFactory(username="budi", preferred_language=language)

    response = invite(client_for(gig.client), gig, "budi")

    assert response.status_code == 201, response.json()
    invitation = GigInvitation.objects.get()
    assert (invitation.gig, invitation.freelancer) == (gig, freelancer)
    assert response.json() == {
        "id": invitation.pk,
        "freelancer": response.json()["freelancer"],
        "created_at": response.json()["created_at"],
    }
    assert response.json()["freelancer"]["username"] == "budi"
    notice = Notification.objects.get()
    assert notice.recipient == freelancer
    assert notice.kind == "gig_invited"
    assert notice.title == title
    assert notice.body == body
    assert notice.link == f"/api/v1/gigs/{gig.pk}/"
    assert notice.read_at is None


@pytest.mark.django_db
def test_inviting_twice_changes_nothing():
    gig = GigFactory()
    UserFactory(username="budi")
    owner = client_for(gig.client)

    first = invite(owner, gig, "budi")
    second = invite(owner, gig, "BUDI")  # usernames match in any letter case

    assert first.status_code == 201
    assert second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert GigInvitation.objects.count() == 1
    assert Notification.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "message", "field"),
    [
        ("tidak_ada", "No freelancer with that username.", "Unknown username."),
        ("nonaktif", "No freelancer with that username.", "Unknown username."),
        ("pemilik", "You cannot invite yourself.", "That is you."),
    ],
)
def test_invite_refuses_unknown_inactive_or_self_and_writes_nothing(username, message, field):
    gig = GigFactory(client__username="pemilik")
    UserFactory(username="nonaktif", is_active=False)

    response = invite(client_for(gig.client), gig, username)

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": message,
        "fields": {"freelancer": [field]},
    }
    assert GigInvitation.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_invite_without_a_username_is_refused():
    gig = GigFactory()

    response = client_for(gig.client).post(f"/api/v1/gigs/{gig.pk}/invitations/", {}, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["freelancer"]


@pytest.mark.django_db
def test_only_the_owner_invites_and_lists_invitations():
    gig = GigFactory()
    UserFactory(username="budi")
    stranger = client_for(UserFactory())

    assert invite(stranger, gig, "budi").status_code == 404
    assert invite(english_client(), gig, "budi").status_code == 401
    assert stranger.get(f"/api/v1/gigs/{gig.pk}/invitations/").status_code == 404
    assert english_client().get(f"/api/v1/gigs/{gig.pk}/invitations/").status_code == 401
    assert GigInvitation.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Gig.Status.AWARDED, Gig.Status.CANCELLED])
def test_no_invitations_once_a_gig_is_awarded_or_closed(status):
    gig = GigFactory(status=status)
    UserFactory(username="budi")

    response = invite(client_for(gig.client), gig, "budi")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert GigInvitation.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_owner_lists_invitations_newest_first():
    gig = GigFactory()
    owner = client_for(gig.client)
    for name in ("budi", "rina", "sari"):
        UserFactory(username=name)
        assert invite(owner, gig, name).status_code == 201
    url = f"/api/v1/gigs/{gig.pk}/invitations/"

    response = owner.get(url)

    assert response.status_code == 200
    assert [i["freelancer"]["username"] for i in response.json()["results"]] == [
        "sari",
        "rina",
        "budi",
    ]


@pytest.mark.django_db
def test_invitation_list_costs_the_same_queries_at_any_size(django_assert_num_queries):
    gig = GigFactory()
    owner = client_for(gig.client)
    GigInvitation.objects.create(gig=gig, freelancer=UserFactory())
    url = f"/api/v1/gigs/{gig.pk}/invitations/"

    with django_assert_num_queries(QUERIES):
        assert len(owner.get(url).json()["results"]) == 1
    for _ in range(4):
        GigInvitation.objects.create(gig=gig, freelancer=UserFactory())
    with django_assert_num_queries(QUERIES):
        assert len(owner.get(url).json()["results"]) == 5


@pytest.mark.django_db
def test_invite_only_gig_takes_bids_only_from_invited_freelancers():
    gig = GigFactory(visibility=Gig.Visibility.INVITE_ONLY)
    invited = UserFactory(username="budi")
    other = UserFactory(username="rina")
    assert invite(client_for(gig.client), gig, "budi").status_code == 201

    refused = client_for(other).post(f"/api/v1/gigs/{gig.pk}/bids/", BID, format="json")
    placed = client_for(invited).post(f"/api/v1/gigs/{gig.pk}/bids/", BID, format="json")

    assert refused.status_code == 404
    assert placed.status_code == 201, placed.json()
    assert list(Bid.objects.values_list("freelancer__username", flat=True)) == ["budi"]


@pytest.mark.django_db
def test_invite_only_gig_is_shown_to_the_invited_freelancer_only():
    gig = GigFactory(visibility=Gig.Visibility.INVITE_ONLY, title="Logo rahasia")
    invited = UserFactory(username="budi")
    assert invite(client_for(gig.client), gig, "budi").status_code == 201
    url = f"/api/v1/gigs/{gig.pk}/"

    shown = client_for(invited).get(url)

    assert shown.status_code == 200
    assert shown.json()["title"] == "Logo rahasia"
    assert shown.json()["visibility"] == "invite_only"
    assert client_for(UserFactory()).get(url).status_code == 404
    assert english_client().get(url).status_code == 404
    # never in the public browse, not even for the invited freelancer
    assert client_for(invited).get("/api/v1/gigs/").json()["results"] == []


@pytest.mark.django_db
def test_invitation_to_a_draft_shows_the_gig_only_once_published():
    gig = GigFactory(
        visibility=Gig.Visibility.INVITE_ONLY, status=Gig.Status.DRAFT, published_at=None
    )
    invited = UserFactory(username="budi")
    assert invite(client_for(gig.client), gig, "budi").status_code == 201

    assert client_for(invited).get(f"/api/v1/gigs/{gig.pk}/").status_code == 404
    Gig.objects.filter(pk=gig.pk).update(status=Gig.Status.OPEN)
    assert client_for(invited).get(f"/api/v1/gigs/{gig.pk}/").status_code == 200
