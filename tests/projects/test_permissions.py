"""The permission matrix: every endpoint of the projects app, the notifications and the wallet,
five actors.

Each case builds the same small world afresh (the ``world`` fixture), sends one request as one
actor and checks the exact status. The actors, relative to that world:

- ``anon``: no credentials.
- ``stranger``: logged in, with no relation to anything in the world.
- ``client``: owns every gig in the world and is the contract's client.
- ``freelancer``: the other party. Bidder on the open gig; invited to the invite-only, draft and
  pending gigs; the contract's freelancer; recipient of the notice ``{notice}``.
- ``moderator``: staff, in a group holding ``projects.moderate_gig``.

Everyone logged in has topped up their wallet. Besides the contract with its pending milestone
(``{milestone}``), the client and the freelancer have an escrow contract whose three milestones
the real services moved on: ``{funded_milestone}``, ``{submitted_milestone}`` and
``{disputed_milestone}``; the client also has a deposit still waiting for the gateway.

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
- Milestone actions (``projects/services/milestones.py``): a stranger gets 404 (``_lock``); the
  other party on a one-party action gets 403 (``_only``): only the client funds, asks for a
  revision, approves; only the freelancer submits. Cancelling a pending milestone is the
  client's; either party opens a dispute. Moderators can see the milestone, so every party
  action is 403 for them, not 404; settling a dispute is theirs alone (403 for both parties).
- The wallet is always one's own: no object ids in its routes, so nothing to hide and no 404;
  which rows each user sees is checked after the matrix.
- A gateway's webhook needs no login: its signature is the credential, and a token sent along
  changes nothing. A signed one is applied whoever delivers it, a forged one is 400, an
  unknown gateway 404.
- A read or a refused request changes nothing — no ledger transaction, entry or balance moves
  either; an allowed write changes something.

The tests after the matrix check that no list shows another user's objects or money, that a
party refused an action stays refused whatever state the milestone is in, and that an
``Idempotency-Key`` never replays another user's response.
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
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification, User
from accounts.services import notification_send
from payments import services as payments
from payments.gateways.sandbox import SIGNATURE_HEADER, sign, webhook_body
from payments.models import (
    Account,
    Deposit,
    Entry,
    IdempotencyRecord,
    LedgerTransaction,
    Withdrawal,
)
from projects.models import (
    Bid,
    Category,
    Contract,
    ContractMessage,
    Delivery,
    Dispute,
    Gig,
    GigAttachment,
    GigInvitation,
    MessageAttachment,
    Milestone,
)
from projects.services import milestones as escrow
from projects.services.contracts import milestones_split
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
    # Escrow, each milestone in the state its action needs. The client's actions: the
    # freelancer gets 403 (_only), as does the moderator, who can see the milestone.
    ("POST",   "/milestones/{milestone}/fund/",                     401,  404,  200,  403,  403),
    ("POST",   "/milestones/{submitted_milestone}/request-revision/", 401, 404, 200,  403,  403),
    ("POST",   "/milestones/{submitted_milestone}/approve/",        401,  404,  200,  403,  403),
    ("POST",   "/milestones/{milestone}/cancel/",                   401,  404,  200,  403,  403),
    # The freelancer's: the client gets 403.
    ("POST",   "/milestones/{funded_milestone}/submit/",            401,  404,  403,  200,  403),
    # Either party's; a moderator settles disputes instead of opening them.
    ("POST",   "/milestones/{funded_milestone}/dispute/",           401,  404,  200,  200,  403),
    # The moderators': the parties get 403, a stranger 404 like everywhere else.
    ("POST",   "/milestones/{disputed_milestone}/resolve/",         401,  404,  403,  403,  200),
    # The wallet: one's own, whoever one is; a withdrawal needs the money, which all have.
    ("GET",    "/wallet/",                                          401,  200,  200,  200,  200),
    ("GET",    "/wallet/transactions/",                             401,  200,  200,  200,  200),
    ("GET",    "/wallet/deposits/",                                 401,  200,  200,  200,  200),
    ("POST",   "/wallet/deposits/",                                 401,  201,  201,  201,  201),
    ("GET",    "/wallet/withdrawals/",                              401,  200,  200,  200,  200),
    ("POST",   "/wallet/withdrawals/",                              401,  201,  201,  201,  201),
    # Gateway webhooks: no login, the signature decides. The body pays the client's pending
    # deposit; "?case=forged" only names the row (the view ignores it): a wrong signature.
    ("POST",   "/payments/webhooks/{gateway}/",                     200,  200,  200,  200,  200),
    ("POST",   "/payments/webhooks/{gateway}/?case=forged",         400,  400,  400,  400,  400),
    ("POST",   "/payments/webhooks/{unknown_gateway}/",             404,  404,  404,  404,  404),
]
# fmt: on

CASES = [
    pytest.param(method, path, actor, expected, id=f"{method} {path} as {actor}")
    for method, path, *statuses in MATRIX
    for actor, expected in zip(ACTORS, statuses, strict=True)
]

ERROR_CODES = {
    400: "invalid_signature",  # the matrix's only 400s are forged webhooks
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
}
MISSING_ID = 999_999
PDF = b"%PDF-1.4\n% a brief\n"


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, int | str]  # what the paths' {placeholders} stand for

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


def paid_deposit(user: User, amount: int) -> Deposit:
    """A top-up through the sandbox gateway, confirmed by the services its webhook drives."""
    deposit = payments.deposit_create(user=user, amount=amount, provider="sandbox")
    return payments.deposit_complete(
        provider="sandbox", reference=deposit.reference, status="paid", amount=amount
    )


def escrow_milestones(client: User, freelancer: User, category: Category) -> dict[str, int]:
    """Another contract of the same two, split in three and moved on by the real services, so
    the ledger holds their escrow: one funded, one submitted, one disputed."""
    contract = ContractFactory(
        bid__gig__client=client, bid__gig__category=category, bid__freelancer=freelancer
    )
    parts = [
        {
            "title": title,
            "amount": contract.amount // 3,
            "due_at": timezone.now() + timedelta(days=days),
        }
        for days, title in enumerate(("Sketsa", "Warna", "Final"), start=3)
    ]
    milestones_split(contract_id=contract.pk, actor=client, parts=parts)
    funded, submitted, disputed = contract.milestones.order_by("position")
    for milestone in (funded, submitted, disputed):
        escrow.milestone_fund(milestone_id=milestone.pk, actor=client)
    escrow.milestone_submit(milestone_id=submitted.pk, actor=freelancer, note="Warna terlampir.")
    escrow.milestone_dispute(milestone_id=disputed.pk, actor=client, reason="Tidak ada kabar.")
    return {
        "escrow_contract": contract.pk,
        "funded_milestone": funded.pk,
        "submitted_milestone": submitted.pk,
        "disputed_milestone": disputed.pk,
    }


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
    moderator = make_moderator(moderators)
    # Different sums, so a balance shows whose it is: the client funds 120 000 of escrow on
    # the escrow contract and can still fund the pending milestone's 120 000.
    for user, amount in ((client, 300_000), (freelancer, 80_000), (stranger, 70_000)):
        paid_deposit(user, amount)
    paid_deposit(moderator, 90_000)
    waiting = payments.deposit_create(user=client, amount=60_000, provider="sandbox")
    return World(
        users={
            STRANGER: stranger,
            CLIENT: client,
            FREELANCER: freelancer,
            MODERATOR: moderator,
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
            "milestone": contract.milestones.get().pk,
            **escrow_milestones(client, freelancer, category),
            "waiting_deposit": waiting.pk,
            "gateway": "sandbox",
            "unknown_gateway": "paypal",
        },
    )


# --- request bodies for the writes ----------------------------------------------------------

BID = {"amount": 120_000, "delivery_days": 5, "cover_letter": "Saya bisa, portofolio di profil."}

BODIES: dict[tuple[str, str], Callable[[World], dict[str, Any] | Raw]] = {
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
    ("POST", "/milestones/{submitted_milestone}/request-revision/"): lambda w: {
        "note": "Warna biru dibuat lebih gelap."
    },
    ("POST", "/milestones/{funded_milestone}/submit/"): lambda w: {"note": "Sketsa terlampir."},
    ("POST", "/milestones/{funded_milestone}/dispute/"): lambda w: {"reason": "Tidak sesuai."},
    ("POST", "/milestones/{disputed_milestone}/resolve/"): lambda w: {
        "freelancer_amount": 15_000,
        "note": "Sebagian dikerjakan.",
    },
    ("POST", "/wallet/deposits/"): lambda w: {"amount": 100_000},
    ("POST", "/wallet/withdrawals/"): lambda w: WITHDRAWAL,
    ("POST", "/payments/webhooks/{gateway}/"): lambda w: gateway_says_paid(w),
    ("POST", "/payments/webhooks/{gateway}/?case=forged"): lambda w: gateway_says_paid(
        w, signature="sha256=" + "0" * 64
    ),
    ("POST", "/payments/webhooks/{unknown_gateway}/"): lambda w: gateway_says_paid(w),
}

WITHDRAWAL = {
    "amount": 50_000,
    "method": "bank",
    "bank_code": "BCA",
    "account_number": "1234567890",
    "holder_name": "Siti Rahma",
}


@dataclass
class Raw:
    """A body sent as these exact bytes, with these headers: a webhook is signed over them."""

    body: bytes
    headers: dict[str, str]


def signature_header(signature: str) -> dict[str, str]:
    return {"HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_"): signature}


def gateway_says_paid(world: World, signature: str | None = None) -> Raw:
    """The sandbox gateway's webhook: the client's waiting deposit was paid."""
    deposit = Deposit.objects.get(pk=world.ids["waiting_deposit"])
    body = webhook_body(reference=deposit.reference, status="paid", amount=deposit.amount)
    return Raw(body, signature_header(signature or sign(body)))


def send(world: World, actor: str, method: str, path: str, ids: dict[str, Any]) -> Any:
    body = BODIES.get((method, path), lambda w: None)(world)
    url = "/api/v1" + path.format(**ids)
    client = world.client(actor)
    if isinstance(body, Raw):
        return client.generic(method, url, body.body, "application/json", **body.headers)
    multipart = body is not None and any(hasattr(v, "read") for v in body.values())
    return getattr(client, method.lower())(url, body, format="multipart" if multipart else "json")


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
        "deliveries": list(Delivery.objects.order_by("pk").values_list("pk", flat=True)),
        "disputes": list(Dispute.objects.order_by("pk").values_list("pk", "status")),
        **money_snapshot(),
    }


def money_snapshot() -> dict[str, list[Any]]:
    """Every trace a movement of money leaves: a refusal must leave none of them."""
    return {
        "ledger_transactions": list(
            LedgerTransaction.objects.order_by("pk").values_list("pk", "kind", "reference")
        ),
        "entries_per_account": list(
            Entry.objects.order_by("account_id")
            .values("account_id")
            .annotate(n=Count("pk"))
            .values_list("account_id", "n")
        ),
        "balances": list(Account.objects.order_by("pk").values_list("reference", "balance")),
        "deposits": list(Deposit.objects.order_by("pk").values_list("pk", "status")),
        "withdrawals": list(Withdrawal.objects.order_by("pk").values_list("pk", "status")),
        "idempotency_records": list(
            IdempotencyRecord.objects.order_by("pk").values_list("pk", "response_status")
        ),
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
    """Every route of projects/urls.py and payments/urls.py and the notification routes, with
    each method its view answers, has a row in the matrix."""
    from accounts.urls import urlpatterns as account_routes
    from payments.urls import urlpatterns as payment_routes
    from projects.urls import urlpatterns as project_routes

    def shape(route: str) -> str:  # "gigs/<int:gig_id>/" and "/gigs/{open_gig}/" alike
        parts = route.split("?")[0].strip("/").split("/")
        return "/".join("<>" if part[:1] in "<{" else part for part in parts)

    routes = [*project_routes, *payment_routes] + [
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


# --- a refused party stays refused, whatever the milestone's state --------------------------

M = Milestone.Status

# Who may never take each milestone action, and the answer they get in every state: the
# permission is checked before the state, so neither a 409 nor a "no-op" 200 (repeating an
# action already done) tells them more. Cancel and dispute are either party's, so only the
# moderator is refused there. Sent with an Idempotency-Key: a refusal must not keep it either.
# fmt: off
NEVER: dict[str, dict[str, int]] = {
    "fund":             {ANON: 401, STRANGER: 404, FREELANCER: 403, MODERATOR: 403},
    "submit":           {ANON: 401, STRANGER: 404, CLIENT: 403,     MODERATOR: 403},
    "request-revision": {ANON: 401, STRANGER: 404, FREELANCER: 403, MODERATOR: 403},
    "approve":          {ANON: 401, STRANGER: 404, FREELANCER: 403, MODERATOR: 403},
    "cancel":           {ANON: 401, STRANGER: 404,                  MODERATOR: 403},
    "dispute":          {ANON: 401, STRANGER: 404,                  MODERATOR: 403},
    "resolve":          {ANON: 401, STRANGER: 404, CLIENT: 403, FREELANCER: 403},
}
# fmt: on

ACTION_BODIES: dict[str, dict[str, Any]] = {
    "submit": {"note": "Hasil akhir terlampir."},
    "request-revision": {"note": "Hurufnya diperbesar."},
    "dispute": {"reason": "Tidak bisa dihubungi."},
    "resolve": {"freelancer_amount": 10_000},
}


def milestone_in(world: World, state: str) -> int:
    """A milestone of the world in ``state``, moved there by the real services."""
    ids, users = world.ids, world.users
    client, moderator = users[CLIENT], users[MODERATOR]
    if state == M.REVISION_REQUESTED:
        escrow.milestone_request_revision(
            milestone_id=ids["submitted_milestone"], actor=client, note="Lebih terang."
        )
    elif state == M.RELEASED:
        escrow.milestone_approve(milestone_id=ids["submitted_milestone"], actor=client)
    elif state == M.RESOLVED:
        escrow.milestone_resolve(
            milestone_id=ids["disputed_milestone"],
            moderator=moderator,
            freelancer_amount=0,
            note="",
        )
    elif state == M.CANCELLED:
        escrow.milestone_cancel(milestone_id=ids["milestone"], actor=client)
    key = {
        M.PENDING: "milestone",
        M.FUNDED: "funded_milestone",
        M.SUBMITTED: "submitted_milestone",
        M.REVISION_REQUESTED: "submitted_milestone",
        M.RELEASED: "submitted_milestone",
        M.DISPUTED: "disputed_milestone",
        M.RESOLVED: "disputed_milestone",
        M.CANCELLED: "milestone",
    }[state]
    milestone = Milestone.objects.get(pk=ids[key])
    assert milestone.status == state
    return milestone.pk


@pytest.mark.django_db
@pytest.mark.parametrize("state", M.values)
def test_a_refused_party_stays_refused_in_every_milestone_state(world, state):
    milestone = milestone_in(world, state)
    before = snapshot()

    answers = {
        (action, actor): world.client(actor)
        .post(
            f"/api/v1/milestones/{milestone}/{action}/",
            ACTION_BODIES.get(action),
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"{action}-{actor}",
        )
        .status_code
        for action, refused in NEVER.items()
        for actor in refused
    }

    assert answers == {
        (action, actor): status
        for action, refused in NEVER.items()
        for actor, status in refused.items()
    }
    assert snapshot() == before


@pytest.mark.django_db
def test_only_moderators_settle_disputes_not_staff_or_group_members_alone(world, moderators):
    staff_only = UserFactory(is_staff=True)
    member_only = UserFactory()
    member_only.groups.add(moderators)
    path = f"/api/v1/milestones/{world.ids['disputed_milestone']}/resolve/"
    before = snapshot()

    for user in (staff_only, member_only):
        response = client_for(user).post(path, {"freelancer_amount": 0}, format="json")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")

    assert snapshot() == before


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
    assert len(client_gigs) == 6  # open, invite-only, draft, pending and the two contracts'

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
    theirs = {world.ids["contract"], world.ids["escrow_contract"]}

    assert seen == {
        STRANGER: set(),
        CLIENT: theirs,
        FREELANCER: theirs,
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


@pytest.mark.django_db
def test_the_wallet_shows_each_user_their_own_balances(world):
    payments.withdrawal_request(user=world.users[FREELANCER], **WITHDRAWAL)

    wallets = {actor: world.client(actor).get("/api/v1/wallet/").json() for actor in ACTORS[1:]}

    def wallet(available: int, in_escrow: int = 0, pending_withdrawal: int = 0) -> dict:
        return {
            "currency": "IDR",
            "available": available,
            "in_escrow": in_escrow,
            "pending_withdrawal": pending_withdrawal,
        }

    assert wallets == {
        STRANGER: wallet(70_000),
        CLIENT: wallet(180_000, in_escrow=120_000),  # three milestones of 40 000 funded
        FREELANCER: wallet(30_000, pending_withdrawal=50_000),  # escrow is not theirs yet
        MODERATOR: wallet(90_000),
    }


def wallet_rows(client: APIClient, path: str, *fields: str) -> list[tuple[Any, ...]]:
    response = client.get("/api/v1/wallet/" + path)
    assert response.status_code == 200, response.json()
    return [tuple(row[field] for field in fields) for row in response.json()["results"]]


@pytest.mark.django_db
def test_wallet_history_deposits_and_withdrawals_show_only_ones_own(world):
    elsewhere = UserFactory()  # someone else's money, in every list
    paid_deposit(elsewhere, 100_000)
    payments.deposit_create(user=elsewhere, amount=20_000, provider="sandbox")
    payments.withdrawal_request(user=elsewhere, **WITHDRAWAL)
    payments.withdrawal_request(user=world.users[FREELANCER], **{**WITHDRAWAL, "amount": 60_000})
    clients = {actor: world.client(actor) for actor in ACTORS[1:]}
    fund = ("fund", -40_000)

    history = {a: wallet_rows(c, "transactions/", "kind", "amount") for a, c in clients.items()}
    deposits = {a: wallet_rows(c, "deposits/", "amount", "status") for a, c in clients.items()}
    withdrawals = {a: wallet_rows(c, "withdrawals/", "amount") for a, c in clients.items()}

    assert history == {  # newest first
        STRANGER: [("deposit", 70_000)],
        CLIENT: [fund, fund, fund, ("deposit", 300_000)],
        FREELANCER: [("withdrawal_request", -60_000), ("deposit", 80_000)],
        MODERATOR: [("deposit", 90_000)],
    }
    assert deposits == {
        STRANGER: [(70_000, "paid")],
        CLIENT: [(60_000, "pending"), (300_000, "paid")],
        FREELANCER: [(80_000, "paid")],
        MODERATOR: [(90_000, "paid")],
    }
    assert withdrawals == {STRANGER: [], CLIENT: [], FREELANCER: [(60_000,)], MODERATOR: []}
    # The rows are the actor's own, not merely alike: ids match the owner's records.
    freelancer = world.users[FREELANCER]
    entry_ids = {row[0] for row in wallet_rows(clients[FREELANCER], "transactions/", "id")}
    assert entry_ids == set(
        Entry.objects.filter(
            account__owner=freelancer, account__kind=Account.Kind.WALLET
        ).values_list("pk", flat=True)
    )
    deposit_ids = {row[0] for row in wallet_rows(clients[CLIENT], "deposits/", "id")}
    assert deposit_ids == set(
        Deposit.objects.filter(user=world.users[CLIENT]).values_list("pk", flat=True)
    )


# --- money moves only for the right caller ---------------------------------------------------


@pytest.mark.django_db
def test_an_idempotency_key_replays_only_for_the_user_who_sent_it(world):
    path = f"/api/v1/milestones/{world.ids['milestone']}/fund/"
    key = {"HTTP_IDEMPOTENCY_KEY": "fund-once"}
    first = world.client(CLIENT).post(path, **key)
    assert first.status_code == 200, first.json()
    before = snapshot()

    # The same key from anyone else is their own, fresh request: refused, not replayed.
    for actor, expected in ((ANON, 401), (STRANGER, 404), (FREELANCER, 403), (MODERATOR, 403)):
        response = world.client(actor).post(path, **key)
        assert response.status_code == expected, actor
        assert "Idempotent-Replayed" not in response.headers
    assert snapshot() == before

    replay = world.client(CLIENT).post(path, **key)
    assert (replay.status_code, replay.headers["Idempotent-Replayed"]) == (200, "true")
    assert replay.json() == first.json()
    assert snapshot() == before


WEBHOOK = "/api/v1/payments/webhooks/sandbox/"


@pytest.mark.django_db
def test_a_webhook_without_the_gateways_signature_moves_no_money(world):
    deposit = Deposit.objects.get(pk=world.ids["waiting_deposit"])
    body = webhook_body(reference=deposit.reference, status="paid", amount=deposit.amount)
    richer = webhook_body(reference=deposit.reference, status="paid", amount=5_000_000)
    with override_settings(SANDBOX_WEBHOOK_SECRET="not-the-gateways-secret"):
        foreign = sign(body)
    forged = {
        "no signature": (body, {}),
        "another secret": (body, signature_header(foreign)),
        "a body changed after signing": (richer, signature_header(sign(body))),
        "the digest without its scheme": (body, signature_header(sign(body)[len("sha256=") :])),
    }
    before = snapshot()

    for case, (raw, headers) in forged.items():
        # The deposit's owner logged in is no signature either: the view reads no login.
        for actor in (ANON, CLIENT):
            response = world.client(actor).generic(
                "POST", WEBHOOK, raw, "application/json", **headers
            )
            assert (response.status_code, response.json()["code"]) == (400, "invalid_signature"), (
                case,
                actor,
            )

    assert snapshot() == before
    signed = world.client(ANON).generic(
        "POST", WEBHOOK, body, "application/json", **signature_header(sign(body))
    )
    assert signed.status_code == 200
    assert world.client(CLIENT).get("/api/v1/wallet/").json()["available"] == 180_000 + 60_000


@pytest.mark.django_db
def test_a_signed_webhook_for_a_deposit_we_never_issued_moves_no_money(world):
    body = webhook_body(reference="f" * 32, status="paid", amount=60_000)
    before = snapshot()

    response = world.client(ANON).generic(
        "POST", WEBHOOK, body, "application/json", **signature_header(sign(body))
    )

    assert (response.status_code, response.json()["code"]) == (404, "unknown_reference")
    assert snapshot() == before
