"""The permission matrix: every endpoint of the projects app and the notifications, five actors.

Each case builds the same small world afresh (the ``world`` fixture), sends one request as one
actor and checks the exact status. The actors, relative to that world:

- ``anon``: no credentials.
- ``stranger``: logged in, with no relation to anything in the world.
- ``client``: owns every gig in the world and is the contract's client.
- ``freelancer``: the other party. Bidder on the open gig; invited to the invite-only, draft and
  pending gigs; the contract's freelancer; recipient of the notice ``{notice}``.
- ``moderator``: staff, in a group holding ``projects.moderate_gig``.

The rules the table encodes:

- ``anon`` gets 401 on anything that needs a login; public reads (taxonomy, open public gigs and
  their files) are 200.
- Whoever may not know that an object exists gets 404, never 403, with the same body as for an
  id that does not exist at all.
- The other party trying an action reserved to the owner gets 403 where the service raises
  ``PermissionDenied`` (bid actions, the milestone split), and 404 where the code deliberately
  hides: managing a gig (edit, delete, submit, cancel, invitations, files) goes through
  ``_lock_own_gig``, which treats everyone but the owner as a stranger, even a bidder or an
  invitee who can see the gig.
- Moderators see every gig, bid, contract and thread and may post in a thread, but manage
  nobody's gig or bid (404, as for a stranger) and do not split milestones (403: they can see
  the contract).
- A read or a refused request changes nothing; an allowed write changes something.

The tests after the matrix check that no list shows another user's objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification, User
from accounts.services import notification_send
from projects.models import (
    Bid,
    Contract,
    ContractMessage,
    Gig,
    GigAttachment,
    GigInvitation,
    MessageAttachment,
    Milestone,
)
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.projects.factories import BidFactory, CategoryFactory, ContractFactory, GigFactory

ACTORS = ("anon", "stranger", "client", "freelancer", "moderator")
ANON, STRANGER, CLIENT, FREELANCER, MODERATOR = ACTORS

# fmt: off
MATRIX: list[tuple[str, str, int, int, int, int, int]] = [
    # method   path (under /api/v1)                                anon strngr client frlncr  mod
    # Taxonomy and the browse list are public; ?mine=true is one's own gigs.
    ("GET",    "/categories/",                                      200,  200,  200,  200,  200),
    ("GET",    "/skills/",                                          200,  200,  200,  200,  200),
    ("GET",    "/gigs/",                                            200,  200,  200,  200,  200),
    ("GET",    "/gigs/?mine=true",                                  401,  200,  200,  200,  200),
    ("POST",   "/gigs/",                                            401,  201,  201,  201,  201),
    # One gig: an open public one for all; invite-only for invitees; draft and pending for
    # the owner and moderators only (the invited freelancer included: not yet published).
    ("GET",    "/gigs/{open_gig}/",                                 200,  200,  200,  200,  200),
    ("GET",    "/gigs/{invite_gig}/",                               404,  404,  200,  200,  200),
    ("GET",    "/gigs/{draft_gig}/",                                404,  404,  200,  404,  200),
    ("GET",    "/gigs/{pending_gig}/",                              404,  404,  200,  404,  200),
    # Managing a gig: the owner only. The invitee / bidder gets 404, not 403: deliberately
    # hidden by _lock_own_gig (services/gigs.py), as is the moderator.
    ("PATCH",  "/gigs/{invite_gig}/",                               401,  404,  200,  404,  404),
    ("DELETE", "/gigs/{draft_gig}/",                                401,  404,  204,  404,  404),
    ("POST",   "/gigs/{draft_gig}/submit/",                         401,  404,  200,  404,  404),
    ("POST",   "/gigs/{open_gig}/cancel/",                          401,  404,  200,  404,  404),
    ("GET",    "/gigs/{open_gig}/invitations/",                     401,  404,  200,  404,  404),
    ("POST",   "/gigs/{open_gig}/invitations/",                     401,  404,  201,  404,  404),
    ("POST",   "/gigs/{open_gig}/attachments/",                     401,  404,  201,  404,  404),
    ("DELETE", "/gigs/{open_gig}/attachments/{open_file}/",         401,  404,  204,  404,  404),
    # A gig's files: for whoever may see the gig.
    ("GET",    "/gigs/{open_gig}/attachments/{open_file}/",         200,  200,  200,  200,  200),
    ("GET",    "/gigs/{invite_gig}/attachments/{invite_file}/",     404,  404,  200,  200,  200),
    ("GET",    "/gigs/{draft_gig}/attachments/{draft_file}/",       404,  404,  200,  404,  200),
    # A gig's bids need a login; who sees which is test_bids_are_sealed.
    ("GET",    "/gigs/{open_gig}/bids/",                            401,  200,  200,  200,  200),
    ("GET",    "/gigs/{draft_gig}/bids/",                           401,  404,  200,  404,  200),
    # Bidding: whoever may bid on a gig they can see. 409 for the owner (own_gig) and for a
    # second live bid (duplicate_bid); an invite-only gig takes invitees only.
    ("POST",   "/gigs/{open_gig}/bids/",                            401,  201,  409,  409,  201),
    ("POST",   "/gigs/{invite_gig}/bids/",                          401,  404,  409,  201,  404),
    ("POST",   "/gigs/{draft_gig}/bids/",                           401,  404,  409,  404,  404),
    # One bid: its freelancer, the gig's client and moderators see it.
    ("GET",    "/bids/{bid}/",                                      401,  404,  200,  200,  200),
    # The freelancer's actions: the client (other party) gets 403 (PermissionDenied).
    ("PATCH",  "/bids/{bid}/",                                      401,  404,  403,  200,  404),
    ("POST",   "/bids/{bid}/withdraw/",                             401,  404,  403,  200,  404),
    # The client's actions: the bidder (other party) gets 403 (PermissionDenied).
    ("POST",   "/bids/{bid}/shortlist/",                            401,  404,  200,  403,  404),
    ("POST",   "/bids/{bid}/reject/",                               401,  404,  200,  403,  404),
    ("POST",   "/bids/{bid}/accept/",                               401,  404,  200,  403,  404),
    # Contracts: the two parties and moderators. Only the client splits (403 for the others
    # who can see the contract).
    ("GET",    "/contracts/",                                       401,  200,  200,  200,  200),
    ("GET",    "/contracts/{contract}/",                            401,  404,  200,  200,  200),
    ("POST",   "/contracts/{contract}/milestones/",                 401,  404,  201,  403,  403),
    ("GET",    "/contracts/{contract}/messages/",                   401,  404,  200,  200,  200),
    ("POST",   "/contracts/{contract}/messages/",                   401,  404,  201,  201,  201),
    ("GET",    "/contracts/{contract}/messages/attachments/{msg_file}/", 401, 404, 200, 200, 200),
    # Notifications: one's own only. {notice} is the freelancer's; the client gets 404.
    ("GET",    "/notifications/",                                   401,  200,  200,  200,  200),
    ("GET",    "/notifications/unread-count/",                      401,  200,  200,  200,  200),
    ("POST",   "/notifications/{notice}/read/",                     401,  404,  404,  200,  404),
]
# fmt: on

CASES = [
    pytest.param(method, path, actor, expected, id=f"{method} {path} as {actor}")
    for method, path, *statuses in MATRIX
    for actor, expected in zip(ACTORS, statuses, strict=True)
]

ERROR_CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
MISSING_ID = 999_999
PDF = b"%PDF-1.4\n% a brief\n"


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, int]

    def client(self, actor: str) -> APIClient:
        return english_client() if actor == ANON else client_for(self.users[actor])


def iso(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def pdf_upload(name: str = "brief.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def gig_file(gig: Gig) -> GigAttachment:
    attachment = GigAttachment(
        gig=gig, original_name="brief.pdf", content_type="application/pdf", size=len(PDF)
    )
    attachment.file.save("brief.pdf", ContentFile(PDF), save=True)
    return attachment


def message_with_file(contract: Contract, sender: User) -> MessageAttachment:
    message = ContractMessage.objects.create(
        contract=contract, sender=sender, body="Ini brief-nya."
    )
    attachment = MessageAttachment(
        message=message, original_name="brief.pdf", content_type="application/pdf", size=len(PDF)
    )
    attachment.file.save("brief.pdf", ContentFile(PDF), save=True)
    return attachment


def notice_for(user: User, key: str) -> Notification:
    return notification_send(recipient_id=user.pk, kind="bid_shortlisted", key=key, title="Hai")


@pytest.fixture
def moderators(db) -> Group:
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        Permission.objects.get(codename="moderate_gig", content_type__app_label="projects")
    )
    return group


def make_moderator(group: Group) -> User:
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(group)
    return moderator


@pytest.fixture
def world(moderators) -> World:
    client, freelancer, stranger = UserFactory(), UserFactory(), UserFactory()
    category = CategoryFactory()
    open_gig = GigFactory(client=client, category=category, bid_count=1)
    bid = BidFactory(gig=open_gig, freelancer=freelancer)
    invite_gig = GigFactory(client=client, category=category, visibility=Gig.Visibility.INVITE_ONLY)
    draft_gig = GigFactory(
        client=client, category=category, status=Gig.Status.DRAFT, published_at=None
    )
    pending_gig = GigFactory(
        client=client, category=category, status=Gig.Status.PENDING_REVIEW, published_at=None
    )
    for gig in (invite_gig, draft_gig, pending_gig):
        GigInvitation.objects.create(gig=gig, freelancer=freelancer)
    contract = ContractFactory(bid__gig__client=client, bid__freelancer=freelancer)
    notice_for(client, key="world:client")
    return World(
        users={
            STRANGER: stranger,
            CLIENT: client,
            FREELANCER: freelancer,
            MODERATOR: make_moderator(moderators),
        },
        ids={
            "category": category.pk,
            "open_gig": open_gig.pk,
            "invite_gig": invite_gig.pk,
            "draft_gig": draft_gig.pk,
            "pending_gig": pending_gig.pk,
            "open_file": gig_file(open_gig).pk,
            "invite_file": gig_file(invite_gig).pk,
            "draft_file": gig_file(draft_gig).pk,
            "bid": bid.pk,
            "contract": contract.pk,
            "msg_file": message_with_file(contract, sender=client).pk,
            "notice": notice_for(freelancer, key="world:freelancer").pk,
        },
    )


# --- request bodies for the writes ----------------------------------------------------------

BID = {"amount": 120_000, "delivery_days": 5, "cover_letter": "Saya bisa, portofolio di profil."}

BODIES: dict[tuple[str, str], Callable[[World], dict[str, Any]]] = {
    ("POST", "/gigs/"): lambda w: {
        "title": "Foto produk untuk katalog",
        "description": "Dua puluh foto produk kue kering dengan latar putih polos.",
        "category": w.ids["category"],
        "budget": 200_000,
        "bidding_deadline": iso(3),
        "delivery_deadline": iso(10),
    },
    ("PATCH", "/gigs/{invite_gig}/"): lambda w: {"title": "Logo baru untuk toko kue"},
    ("POST", "/gigs/{open_gig}/invitations/"): lambda w: {"freelancer": w.users[STRANGER].username},
    ("POST", "/gigs/{open_gig}/attachments/"): lambda w: {"file": pdf_upload()},
    ("POST", "/gigs/{open_gig}/bids/"): lambda w: BID,
    ("POST", "/gigs/{invite_gig}/bids/"): lambda w: BID,
    ("POST", "/gigs/{draft_gig}/bids/"): lambda w: BID,
    ("PATCH", "/bids/{bid}/"): lambda w: {"amount": 130_000},
    ("POST", "/contracts/{contract}/milestones/"): lambda w: {
        "milestones": [
            {"title": "Konsep", "amount": 60_000, "due_at": iso(2)},
            {"title": "Final", "amount": 60_000, "due_at": iso(4)},
        ]
    },
    ("POST", "/contracts/{contract}/messages/"): lambda w: {"body": "Draf pertama besok pagi."},
}


def send(world: World, actor: str, method: str, path: str, ids: dict[str, int]) -> Any:
    body = BODIES.get((method, path), lambda w: None)(world)
    multipart = body is not None and any(hasattr(v, "read") for v in body.values())
    return getattr(world.client(actor), method.lower())(
        "/api/v1" + path.format(**ids), body, format="multipart" if multipart else "json"
    )


def snapshot() -> dict[str, list[Any]]:
    """Everything a request to these endpoints could change."""
    return {
        "gigs": list(Gig.objects.order_by("pk").values_list("pk", "status", "title", "bid_count")),
        "bids": list(Bid.objects.order_by("pk").values_list("pk", "status", "amount")),
        "invitations": list(
            GigInvitation.objects.order_by("pk").values_list("pk", "gig_id", "freelancer_id")
        ),
        "gig_files": list(GigAttachment.objects.order_by("pk").values_list("pk", flat=True)),
        "contracts": list(Contract.objects.order_by("pk").values_list("pk", "status")),
        "milestones": list(Milestone.objects.order_by("pk").values_list("pk", "amount", "status")),
        "messages": list(ContractMessage.objects.order_by("pk").values_list("pk", flat=True)),
        "message_files": list(
            MessageAttachment.objects.order_by("pk").values_list("pk", flat=True)
        ),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
    }


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        # The test client closes the file once the stream is consumed; closing the response
        # again here would fire request_finished and close the test's database connection.
        return b"".join(response.streaming_content)
    return response.content


# --- the matrix -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "actor", "expected"), CASES)
def test_permission_matrix(world, method, path, actor, expected):
    before = snapshot()

    response = send(world, actor, method, path, world.ids)

    content = body_of(response)
    assert response.status_code == expected, content[:500]
    if expected in ERROR_CODES:
        assert response.json()["code"] == ERROR_CODES[expected]
    if expected == 404:
        # Indistinguishable from an object that does not exist: the same status and body.
        missing = send(world, actor, method, path, dict.fromkeys(world.ids, MISSING_ID))
        assert (missing.status_code, missing.json()) == (404, response.json())
    if "/attachments/" in path and method == "GET" and expected == 200:
        assert content == PDF
    if method == "GET" or expected >= 400:
        assert snapshot() == before  # a read or a refusal changes nothing
    else:
        assert snapshot() != before  # an allowed write did something


def test_the_matrix_covers_every_route_and_method():
    """Every route of projects/urls.py and the notification routes, with each method its view
    answers, has a row in the matrix."""
    from accounts.urls import urlpatterns as account_routes
    from projects.urls import urlpatterns as project_routes

    def shape(route: str) -> str:  # "gigs/<int:gig_id>/" and "/gigs/{open_gig}/" alike
        parts = route.split("?")[0].strip("/").split("/")
        return "/".join("<>" if part[:1] in "<{" else part for part in parts)

    routes = [p for p in project_routes] + [
        p for p in account_routes if str(p.pattern).startswith("notifications/")
    ]
    served = {
        (method.upper(), shape(str(route.pattern)))
        for route in routes
        for method in ("get", "post", "put", "patch", "delete")
        if hasattr(route.callback.view_class, method)
    }
    covered = {(method, shape(path)) for method, path, *_statuses in MATRIX}
    assert served == covered


# --- who sees a gig, by its state -------------------------------------------------------------

# The open public gig of the world, moved to each state; the freelancer has a bid on it.
# fmt: off
GIG_STATES: list[tuple[str, int, int, int, int, int]] = [
    # status                     anon strngr client frlncr  mod
    (Gig.Status.DRAFT,            404,  404,  200,  404,  200),
    (Gig.Status.PENDING_REVIEW,   404,  404,  200,  404,  200),
    (Gig.Status.OPEN,             200,  200,  200,  200,  200),
    (Gig.Status.AWARDED,          200,  200,  200,  200,  200),
    (Gig.Status.COMPLETED,        200,  200,  200,  200,  200),
    (Gig.Status.EXPIRED,          200,  200,  200,  200,  200),
    (Gig.Status.CANCELLED,        404,  404,  200,  404,  200),
    (Gig.Status.REJECTED,         404,  404,  200,  404,  200),
]
# fmt: on


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "actor", "expected"),
    [
        pytest.param(status, actor, expected, id=f"{status} as {actor}")
        for status, *statuses in GIG_STATES
        for actor, expected in zip(ACTORS, statuses, strict=True)
    ],
)
def test_who_sees_a_gig_in_each_state(world, status, actor, expected):
    Gig.objects.filter(pk=world.ids["open_gig"]).update(status=status)
    gig, file = world.ids["open_gig"], world.ids["open_file"]
    client = world.client(actor)

    assert client.get(f"/api/v1/gigs/{gig}/").status_code == expected
    download = client.get(f"/api/v1/gigs/{gig}/attachments/{file}/")
    assert download.status_code == expected
    if expected == 200:
        assert body_of(download) == PDF
    else:
        assert download.json()["code"] == "not_found"


@pytest.mark.django_db
def test_staff_without_the_permission_and_group_members_without_staff_are_no_moderators(
    world, moderators
):
    staff_only = UserFactory(is_staff=True)
    member_only = UserFactory()
    member_only.groups.add(moderators)
    paths = [
        f"/api/v1/gigs/{world.ids['draft_gig']}/",
        f"/api/v1/bids/{world.ids['bid']}/",
        f"/api/v1/contracts/{world.ids['contract']}/",
        f"/api/v1/contracts/{world.ids['contract']}/messages/",
    ]
    for user in (staff_only, member_only):
        client = client_for(user)
        assert [client.get(path).status_code for path in paths] == [404, 404, 404, 404]
        bids = client.get(f"/api/v1/gigs/{world.ids['open_gig']}/bids/").json()["results"]
        assert bids == []


# --- lists never leak -----------------------------------------------------------------------


def result_ids(client: APIClient, path: str) -> set[int]:
    response = client.get("/api/v1" + path)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_browse_lists_only_open_public_gigs_whoever_asks(world, actor):
    assert result_ids(world.client(actor), "/gigs/") == {world.ids["open_gig"]}


@pytest.mark.django_db
def test_mine_lists_only_ones_own_gigs_in_every_state(world):
    stranger_draft = GigFactory(
        client=world.users[STRANGER], status=Gig.Status.DRAFT, published_at=None
    )
    client_gigs = set(Gig.objects.filter(client=world.users[CLIENT]).values_list("pk", flat=True))
    assert len(client_gigs) == 5  # open, invite-only, draft, pending and the contract's

    mine = {actor: result_ids(world.client(actor), "/gigs/?mine=true") for actor in ACTORS[1:]}

    assert mine == {
        STRANGER: {stranger_draft.pk},
        CLIENT: client_gigs,
        FREELANCER: set(),
        MODERATOR: set(),  # moderators see every gig one by one, but "mine" is their own
    }


@pytest.mark.django_db
def test_bids_are_sealed(world):
    rival = UserFactory()
    rival_bid = BidFactory(gig_id=world.ids["open_gig"], freelancer=rival)
    Gig.objects.filter(pk=world.ids["open_gig"]).update(bid_count=2)
    path = f"/gigs/{world.ids['open_gig']}/bids/"
    own_bid = world.ids["bid"]

    seen = {actor: result_ids(world.client(actor), path) for actor in ACTORS[1:]}
    seen["rival"] = result_ids(client_for(rival), path)

    assert seen == {
        STRANGER: set(),
        CLIENT: {own_bid, rival_bid.pk},
        FREELANCER: {own_bid},
        "rival": {rival_bid.pk},
        MODERATOR: {own_bid, rival_bid.pk},
    }
    freelancer = world.client(FREELANCER)
    assert freelancer.get(f"/api/v1/bids/{rival_bid.pk}/").status_code == 404
    # Others see how many bids there are, not the bids.
    gig = freelancer.get(f"/api/v1/gigs/{world.ids['open_gig']}/").json()
    assert gig["bid_count"] == 2


@pytest.mark.django_db
def test_contract_list_shows_only_ones_own_contracts(world):
    elsewhere = ContractFactory()  # two other people's contract
    seen = {actor: result_ids(world.client(actor), "/contracts/") for actor in ACTORS[1:]}

    assert seen == {
        STRANGER: set(),
        CLIENT: {world.ids["contract"]},
        FREELANCER: {world.ids["contract"]},
        MODERATOR: set(),  # a moderator opens any contract, but lists only their own
    }
    assert result_ids(client_for(elsewhere.client), "/contracts/") == {elsewhere.pk}


@pytest.mark.django_db
def test_a_thread_shows_only_its_own_messages_and_files(world):
    elsewhere = ContractFactory()
    other_file = message_with_file(elsewhere, sender=elsewhere.freelancer)
    contract = world.ids["contract"]
    client, moderator = world.client(CLIENT), world.client(MODERATOR)

    thread = client.get(f"/api/v1/contracts/{contract}/messages/").json()["results"]
    assert [m["attachments"][0]["id"] for m in thread] == [world.ids["msg_file"]]
    # Another contract's file through this contract's address: not found, even for a moderator.
    wrong_thread = f"/api/v1/contracts/{contract}/messages/attachments/{other_file.pk}/"
    assert client.get(wrong_thread).status_code == 404
    assert moderator.get(wrong_thread).status_code == 404
    # ... and through its own contract: only its parties and moderators.
    own_thread = f"/api/v1/contracts/{elsewhere.pk}/messages/attachments/{other_file.pk}/"
    assert client.get(own_thread).status_code == 404
    assert client.get(f"/api/v1/contracts/{elsewhere.pk}/messages/").status_code == 404
    response = moderator.get(own_thread)
    assert (response.status_code, body_of(response)) == (200, PDF)


@pytest.mark.django_db
def test_a_gig_file_is_not_reachable_through_another_gig(world):
    wrong = f"/api/v1/gigs/{world.ids['open_gig']}/attachments/{world.ids['draft_file']}/"
    for actor in ACTORS:
        assert world.client(actor).get(wrong).status_code == 404, actor


@pytest.mark.django_db
def test_notifications_show_only_ones_own(world):
    notices = {
        actor: set(
            Notification.objects.filter(recipient=world.users[actor]).values_list("pk", flat=True)
        )
        for actor in ACTORS[1:]
    }
    assert notices[CLIENT]  # the world sent each one a notice
    assert notices[FREELANCER]

    for actor in ACTORS[1:]:
        client = world.client(actor)
        assert result_ids(client, "/notifications/") == notices[actor], actor
        assert result_ids(client, "/notifications/?unread=true") == notices[actor], actor
        count = client.get("/api/v1/notifications/unread-count/").json()
        assert count == {"unread": len(notices[actor])}, actor


@pytest.mark.django_db
def test_review_notes_of_a_gig_are_for_its_owner_and_moderators(world):
    Gig.objects.filter(pk=world.ids["open_gig"]).update(content_flags=["phone"])
    path = f"/api/v1/gigs/{world.ids['open_gig']}/"

    flags = {actor: world.client(actor).get(path).json()["content_flags"] for actor in ACTORS}

    assert flags == {
        ANON: [],
        STRANGER: [],
        FREELANCER: [],
        CLIENT: ["phone"],
        MODERATOR: ["phone"],
    }
