"""Every write checks what every read checks: a gig hidden from a freelancer (removed by a
moderator, or hidden while its client is suspended) is 404 to their bid, edit and withdrawal as
it is to their GET; its client, who still sees it, can move nothing on it (409 ``gig_hidden``);
and a suspended user takes no part at all (403 ``suspended``) — except what settles money
already in escrow, so a suspension never traps the other party's money.

One world per test: a client with an open public gig (a file on it, a freelancer's pending
bid), a draft, and an active contract with the same freelancer whose milestone is pending, the
client's wallet holding its amount. Each case hides the gig one way or the other, sends one
request and checks the exact answer — and, when refused, that nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Notification, User
from projects.models import Bid, Gig, Milestone
from projects.services import milestones as escrow
from projects.services.reports import content_remove
from projects.services.suspensions import suspension_create
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.matrix import moderators_group
from tests.projects.factories import BidFactory, ContractFactory, GigFactory, top_up
from tests.projects.test_permissions import gig_file, snapshot
from tests.samples import PDF

pytestmark = pytest.mark.django_db

REMOVED, SUSPENDED = "removed", "suspended"


@dataclass
class World:
    client: User
    freelancer: User
    other_freelancer: User
    moderator: User
    ids: dict[str, int]


@pytest.fixture
def world() -> World:
    client, freelancer, other = UserFactory(), UserFactory(), UserFactory()
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(moderators_group())
    gig = GigFactory(client=client, bid_count=1)
    bid = BidFactory(gig=gig, freelancer=freelancer)
    draft = GigFactory(client=client, status=Gig.Status.DRAFT, published_at=None)
    contract = ContractFactory(bid__gig__client=client, bid__freelancer=freelancer)
    top_up(client, contract.amount)
    return World(
        client=client,
        freelancer=freelancer,
        other_freelancer=other,
        moderator=moderator,
        ids={
            "gig": gig.pk,
            "bid": bid.pk,
            "file": gig_file(gig).pk,
            "draft": draft.pk,
            "contract": contract.pk,
            "milestone": contract.milestones.get().pk,
        },
    )


def hide(world: World, how: str) -> None:
    """Hide the world's gig the way the product does: a moderator removes it after a report, or
    suspends its client."""
    if how == REMOVED:
        content_remove(
            moderator=world.moderator,
            target_type="gig",
            target_id=world.ids["gig"],
            reason="Menawarkan pembayaran di luar Garap.",
        )
    else:
        suspension_create(moderator=world.moderator, user_id=world.client.pk, reason="Penipuan.")
    assert Gig.objects.get(pk=world.ids["gig"]).hidden_reason == how


def iso(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


BID = {"amount": 120_000, "delivery_days": 5, "cover_letter": "Saya bisa, portofolio di profil."}

# (who, method, path, body) of each write; the bodies would be accepted on a shown gig.
WRITES: dict[str, tuple[str, str, str, Callable[[World], Any]]] = {
    "bid": ("other_freelancer", "POST", "/gigs/{gig}/bids/", lambda w: BID),
    "edit bid": ("freelancer", "PATCH", "/bids/{bid}/", lambda w: {"amount": 130_000}),
    "withdraw bid": ("freelancer", "POST", "/bids/{bid}/withdraw/", lambda w: None),
    "shortlist": ("client", "POST", "/bids/{bid}/shortlist/", lambda w: None),
    "reject": ("client", "POST", "/bids/{bid}/reject/", lambda w: None),
    "accept": ("client", "POST", "/bids/{bid}/accept/", lambda w: None),
    "edit gig": ("client", "PATCH", "/gigs/{gig}/", lambda w: {"title": "Logo baru toko kue"}),
    "invite": (
        "client",
        "POST",
        "/gigs/{gig}/invitations/",
        lambda w: {"freelancer": w.other_freelancer.username},
    ),
    "attach": (
        "client",
        "POST",
        "/gigs/{gig}/attachments/",
        lambda w: {"file": SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")},
    ),
    "remove file": ("client", "DELETE", "/gigs/{gig}/attachments/{file}/", lambda w: None),
    "cancel gig": ("client", "POST", "/gigs/{gig}/cancel/", lambda w: None),
    "submit draft": ("client", "POST", "/gigs/{draft}/submit/", lambda w: None),
    "delete draft": ("client", "DELETE", "/gigs/{draft}/", lambda w: None),
    "post gig": (
        "client",
        "POST",
        "/gigs/",
        lambda w: {
            "title": "Foto produk untuk katalog",
            "description": "Dua puluh foto produk kue kering dengan latar putih polos.",
            "category": Gig.objects.get(pk=w.ids["gig"]).category_id,
            "budget": 200_000,
            "bidding_deadline": iso(3),
            "delivery_deadline": iso(10),
        },
    ),
    "message": (
        "client",
        "POST",
        "/contracts/{contract}/messages/",
        lambda w: {"body": "Bagaimana kabar pekerjaannya?"},
    ),
    "split": (
        "client",
        "POST",
        "/contracts/{contract}/milestones/",
        lambda w: {
            "milestones": [
                {"title": "Konsep", "amount": 60_000, "due_at": iso(6)},
                {"title": "Final", "amount": 60_000, "due_at": iso(8)},
            ]
        },
    ),
    "fund": ("client", "POST", "/milestones/{milestone}/fund/", lambda w: None),
}

NOT_FOUND = (404, "not_found")
HIDDEN = (409, "gig_hidden")
SUSPENDED_403 = (403, "suspended")

# fmt: off
EXPECTED: dict[str, tuple[tuple[int, str | None], tuple[int, str | None]]] = {
    #                  a moderator removed the gig   its client is suspended
    "bid":            (NOT_FOUND,                    NOT_FOUND),
    "edit bid":       (NOT_FOUND,                    NOT_FOUND),
    "withdraw bid":   (NOT_FOUND,                    NOT_FOUND),
    "shortlist":      (HIDDEN,                       SUSPENDED_403),
    "reject":         (HIDDEN,                       SUSPENDED_403),
    "accept":         (HIDDEN,                       SUSPENDED_403),
    "edit gig":       (HIDDEN,                       SUSPENDED_403),
    "invite":         (HIDDEN,                       SUSPENDED_403),
    "attach":         (HIDDEN,                       SUSPENDED_403),
    "remove file":    (HIDDEN,                       SUSPENDED_403),
    # The client may still call off their removed gig (its bidders are told), not while
    # suspended; the rest of their account is untouched by one gig's removal.
    "cancel gig":     ((200, None),                  SUSPENDED_403),
    "submit draft":   ((200, None),                  SUSPENDED_403),
    "delete draft":   ((204, None),                  SUSPENDED_403),
    "post gig":       ((201, None),                  SUSPENDED_403),
    "message":        ((201, None),                  SUSPENDED_403),
    "split":          ((201, None),                  SUSPENDED_403),
    "fund":           ((200, None),                  SUSPENDED_403),
}
# fmt: on

MESSAGES = {
    NOT_FOUND: "Gig not found.",
    HIDDEN: "A moderator removed this gig, so it cannot change or take a hire.",
    SUSPENDED_403: "Your account is suspended, so you cannot do this now. Contact support.",
}


def send(world: World, name: str) -> Any:
    who, method, path, body = WRITES[name]
    api = client_for(getattr(world, who))
    data = body(world)
    multipart = isinstance(data, dict) and any(hasattr(v, "read") for v in data.values())
    url = "/api/v1" + path.format(**world.ids)
    return getattr(api, method.lower())(url, data, format="multipart" if multipart else "json")


def test_the_table_covers_every_write():
    assert set(EXPECTED) == set(WRITES)


@pytest.mark.parametrize("how", [REMOVED, SUSPENDED])
@pytest.mark.parametrize("name", list(WRITES))
def test_a_write_on_a_hidden_gig_or_by_a_suspended_client(world, how, name):
    hide(world, how)
    expected = EXPECTED[name][0 if how == REMOVED else 1]
    before, notices = snapshot(), Notification.objects.count()

    response = send(world, name)

    body = response.json() if response.status_code >= 400 else {}
    assert (response.status_code, body.get("code")) == expected, response.content[:300]
    if expected[0] >= 400:
        assert body["message"] == MESSAGES[expected]
        assert snapshot() == before  # nothing moved: no bid, contract, file, money…
        assert Notification.objects.count() == notices  # …and nobody was told anything
    else:
        assert snapshot() != before


@pytest.mark.parametrize("how", [REMOVED, SUSPENDED])
def test_a_hidden_gig_is_the_same_404_to_a_read_and_to_a_bid(world, how):
    hide(world, how)
    api = client_for(world.other_freelancer)

    read = api.get(f"/api/v1/gigs/{world.ids['gig']}/")
    bid = api.post(f"/api/v1/gigs/{world.ids['gig']}/bids/", BID, format="json")
    missing = api.post("/api/v1/gigs/999999/bids/", BID, format="json")

    assert read.status_code == bid.status_code == 404
    assert read.json() == bid.json() == missing.json()


def test_an_invited_freelancer_cannot_bid_on_a_removed_invite_only_gig(world):
    gig = GigFactory(visibility=Gig.Visibility.INVITE_ONLY)
    gig.invitations.create(freelancer=world.other_freelancer)
    content_remove(
        moderator=world.moderator, target_type="gig", target_id=gig.pk, reason="Penipuan."
    )

    response = client_for(world.other_freelancer).post(
        f"/api/v1/gigs/{gig.pk}/bids/", BID, format="json"
    )

    assert response.status_code == 404
    assert not Bid.objects.filter(gig=gig).exists()


def test_a_moderator_sees_a_removed_gig_but_cannot_bid_on_it(world):
    hide(world, REMOVED)
    api = client_for(world.moderator)

    assert api.get(f"/api/v1/gigs/{world.ids['gig']}/").status_code == 200
    response = api.post(f"/api/v1/gigs/{world.ids['gig']}/bids/", BID, format="json")

    assert response.status_code == 404
    assert not Bid.objects.filter(freelancer=world.moderator).exists()


def test_once_the_suspension_is_lifted_the_gig_takes_bids_again(world):
    from projects.services.suspensions import suspension_lift

    hide(world, SUSPENDED)
    suspension = world.client.suspensions.get()
    suspension_lift(moderator=world.moderator, suspension_id=suspension.pk, reason="Banding.")

    response = send(world, "bid")

    assert response.status_code == 201
    assert send(world, "accept").status_code == 200


# --- what a suspended client may still do: settle money already in escrow --------------------


@pytest.fixture
def in_escrow(world) -> dict[str, Milestone]:
    """The contract split in four, each part funded, and moved on by the real services before
    the client is suspended."""
    from projects.services.contracts import milestones_split

    contract_id, client, freelancer = world.ids["contract"], world.client, world.freelancer
    due = timezone.now() + timedelta(days=6)
    parts = milestones_split(
        contract_id=contract_id,
        actor=client,
        parts=[{"title": f"Bagian {n}", "amount": 30_000, "due_at": due} for n in range(4)],
    )
    for part in parts:
        escrow.milestone_fund(milestone_id=part.pk, actor=client)
    for part in parts[:3]:
        escrow.milestone_submit(milestone_id=part.pk, actor=freelancer, note="Terlampir.")
    hide(world, SUSPENDED)
    return dict(zip(("approve", "revise", "dispute", "cancel_later"), parts, strict=True))


def test_a_suspended_client_still_settles_what_is_in_escrow(world, in_escrow):
    api = client_for(world.client)

    def post(part: str, action: str, body: dict | None = None) -> int:
        url = f"/api/v1/milestones/{in_escrow[part].pk}/{action}/"
        return api.post(url, body, format="json").status_code

    assert post("approve", "approve") == 200  # the freelancer is paid
    assert post("revise", "request-revision", {"note": "Warna lebih gelap."}) == 200
    assert post("dispute", "dispute", {"reason": "Tidak sesuai brief."}) == 200
    assert [Milestone.objects.get(pk=m.pk).status for m in in_escrow.values()] == [
        "released",
        "revision_requested",
        "disputed",
        "funded",
    ]
