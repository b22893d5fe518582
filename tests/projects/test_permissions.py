"""The permission matrix: every endpoint of the projects app (reviews and contract work shown
in a portfolio included), the notifications and the wallet, five actors. The accounts app's
profiles and portfolios have their own matrix, tests/accounts/test_profile_permissions.py.

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
``{disputed_milestone}``; the client also has a deposit still waiting for the gateway. Two more
contracts of theirs were completed by the real services (funded, submitted, released): on
``{done_contract}`` only the client has reviewed, so ``{hidden_review}`` is hidden; on
``{shown_contract}`` both have, so both reviews are revealed (``{shown_review}`` is the client's
review of the freelancer), and the client let the freelancer show that work in a portfolio.

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
- Milestone actions (``projects/services/milestones/``): a stranger gets 404 (``steps.lock``); the
  other party on a one-party action gets 403 (``_only``): only the client funds, asks for a
  revision, approves; only the freelancer submits. Cancelling a pending milestone is the
  client's; either party opens a dispute. Moderators can see the milestone, so every party
  action is 403 for them, not 404; settling a dispute is theirs alone (403 for both parties).
- Reviews (``projects/services/reviews.py``): a contract's parties write one each once it is
  completed (409 before, and for a second one); parties and moderators read them, but a hidden
  review only its author sees (``test_no_list_shows_a_hidden_review``). Only the reviewed person
  replies, to a revealed review: its author gets 403, as does a moderator (who sees the
  contract); anyone else, no party to it, 404. Revealed reviews are public, by role.
- Contract work in a portfolio: only the client allows it and only the freelancer adds it (403
  for the other party and for moderators, who see the contract), once there is released work
  and the client's leave (409 otherwise).
- The wallet is always one's own: no object ids in its routes, so nothing to hide and no 404;
  which rows each user sees is checked after the matrix. A receipt is its owner's alone (404
  for anyone else, the contract's other party and moderators included), and only of money
  that moved: the client's waiting deposit has none (404).
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

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Category, Notification, PortfolioItem, User
from accounts.roles import FINANCE
from accounts.services import freelancer_profile_update, notification_send
from payments.gateways.sandbox import SIGNATURE_HEADER, sign, webhook_body
from payments.models import (
    Account,
    Deposit,
    Entry,
    IdempotencyRecord,
    LedgerTransaction,
    PayoutDestination,
    Withdrawal,
)
from payments.services.deposits import deposit_complete, deposit_create
from payments.services.withdrawals import withdrawal_mark_paid, withdrawal_request
from projects.models import (
    Bid,
    Contract,
    ContractMessage,
    Delivery,
    DeliveryFile,
    Dispute,
    Gig,
    GigAttachment,
    GigInvitation,
    MessageAttachment,
    Milestone,
    Report,
    ReputationEvent,
    Review,
    Service,
)
from projects.reputation.services import reputation_recalculate_user
from projects.services import milestones as escrow
from projects.services import reviews
from projects.services.contracts import contract_portfolio_permission, milestones_split
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.matrix import body_of, class_world, moderators_group
from tests.payments.factories import NIK, verified
from tests.projects.factories import (
    BidFactory,
    CategoryFactory,
    ContractFactory,
    GigFactory,
    ServiceFactory,
    with_packages,
)

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
    # hidden by lock_own_gig (services/gigs/guards.py), as is the moderator.
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
    # Services (jasa), the freelancer's: live ones public; a draft, pending or paused one for
    # its freelancer and moderators only. Managing one is its freelancer's alone: everyone else
    # gets 404 (lock_own_service), a moderator too, as for a gig.
    ("GET",    "/services/",                                        200,  200,  200,  200,  200),
    ("GET",    "/services/?mine=true",                              401,  200,  200,  200,  200),
    ("POST",   "/services/",                                        401,  201,  201,  201,  201),
    ("GET",    "/services/{live_service}/",                         200,  200,  200,  200,  200),
    ("GET",    "/services/{draft_service}/",                        404,  404,  404,  200,  200),
    ("GET",    "/services/{pending_service}/",                      404,  404,  404,  200,  200),
    ("GET",    "/services/{paused_service}/",                       404,  404,  404,  200,  200),
    ("PATCH",  "/services/{live_service}/",                         401,  404,  404,  200,  404),
    ("POST",   "/services/{draft_service}/submit/",                 401,  404,  404,  200,  404),
    ("POST",   "/services/{live_service}/pause/",                   401,  404,  404,  200,  404),
    ("POST",   "/services/{paused_service}/resume/",                401,  404,  404,  200,  404),
    ("POST",   "/services/{live_service}/archive/",                 401,  404,  404,  200,  404),
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
    # Deliveries and their files: the contract's parties and moderators, like the thread's.
    ("GET",    "/contracts/{escrow_contract}/deliveries/",          401,  404,  200,  200,  200),
    ("GET", "/contracts/{escrow_contract}/deliveries/files/{delivered}/", 401, 404, 200, 200, 200),
    # Reviews of a completed contract: its parties, and moderators read. The client's review of
    # {done_contract} is in and hidden; the freelancer's is the second one, which reveals both.
    # A second review is 409, as is any review of a contract not completed; moderators write
    # none (404: review_submit knows only the two parties).
    ("GET",    "/contracts/{done_contract}/reviews/",               401,  404,  200,  200,  200),
    ("POST",   "/contracts/{done_contract}/reviews/",               401,  404,  409,  201,  404),
    ("POST",   "/contracts/{contract}/reviews/",                    401,  404,  409,  409,  404),
    # A reply: the reviewed person's, once, on a revealed review. {shown_review} is the client's
    # (public) review of the freelancer: its author gets 403, as does a moderator, who can see
    # it; a stranger gets 404. {hidden_review} is the client's hidden one: only its author may
    # know it exists (and is no subject: 403).
    ("POST",   "/reviews/{shown_review}/reply/",                    401,  404,  403,  200,  403),
    ("POST",   "/reviews/{hidden_review}/reply/",                   401,  404,  403,  404,  404),
    # Revealed reviews are public, by role.
    ("GET",    "/freelancers/{freelancer_name}/reviews/",           200,  200,  200,  200,  200),
    ("GET",    "/clients/{client_name}/reviews/",                   200,  200,  200,  200,  200),
    # Showing the work in a portfolio: the client allows it (the other party and a moderator,
    # who see the contract, get 403), the freelancer adds it: once the client allowed it
    # ({shown_contract}), not before ({done_contract}: 409), and only released work
    # ({contract}: 409).
    ("POST",   "/contracts/{done_contract}/portfolio-permission/",  401,  404,  200,  403,  403),
    ("POST",   "/contracts/{shown_contract}/portfolio/",            401,  404,  403,  201,  403),
    ("POST",   "/contracts/{done_contract}/portfolio/",             401,  404,  403,  409,  403),
    ("POST",   "/contracts/{contract}/portfolio/",                  401,  404,  403,  409,  403),
    # Notifications: one's own only. {notice} is the freelancer's; the client gets 404. Which
    # notices are e-mailed too is one's own setting (no ids in the route).
    ("GET",    "/notifications/",                                   401,  200,  200,  200,  200),
    ("GET",    "/notifications/unread-count/",                      401,  200,  200,  200,  200),
    ("POST",   "/notifications/{notice}/read/",                     401,  404,  404,  200,  404),
    ("GET",    "/me/notification-preferences/",                     401,  200,  200,  200,  200),
    ("PUT",    "/me/notification-preferences/",                     401,  200,  200,  200,  200),
    # Escrow, each milestone in the state its action needs. The client's actions: the
    # freelancer gets 403 (_only), as does the moderator, who can see the milestone.
    ("POST",   "/milestones/{milestone}/fund/",                     401,  404,  200,  403,  403),
    ("POST",   "/milestones/{milestone}/pay/",                      401,  404,  200,  403,  403),
    ("POST",   "/milestones/{submitted_milestone}/request-revision/", 401, 404, 200,  403,  403),
    ("POST",   "/milestones/{submitted_milestone}/approve/",        401,  404,  200,  403,  403),
    ("POST",   "/milestones/{milestone}/cancel/",                   401,  404,  200,  403,  403),
    # The freelancer's: the client gets 403.
    ("POST",   "/milestones/{funded_milestone}/submit/",            401,  404,  403,  200,  403),
    # Either party's; a moderator settles disputes instead of opening them.
    ("POST",   "/milestones/{funded_milestone}/dispute/",           401,  404,  200,  200,  403),
    # The moderators': the parties get 403, a stranger 404 like everywhere else.
    ("POST",   "/milestones/{disputed_milestone}/resolve/",         401,  404,  403,  403,  200),
    # Reports: anyone signed in reports what they can see, except their own content (409).
    # Bids are sealed, so only the gig's client may report one. One's own reports only.
    ("GET",    "/reports/",                                         401,  200,  200,  200,  200),
    ("POST",   "/reports/?case=gig",                                401,  201,  409,  201,  201),
    ("POST",   "/reports/?case=bid",                                401,  404,  201,  409,  404),
    ("POST",   "/reports/?case=service",                            401,  201,  201,  409,  201),
    # The wallet: one's own, whoever one is; a withdrawal needs the money and an approved
    # identity, which all have (so submitting an identity again is a 409).
    ("GET",    "/wallet/",                                          401,  200,  200,  200,  200),
    ("GET",    "/wallet/transactions/",                             401,  200,  200,  200,  200),
    ("GET",    "/wallet/deposits/",                                 401,  200,  200,  200,  200),
    ("POST",   "/wallet/deposits/",                                 401,  201,  201,  201,  201),
    ("GET",    "/wallet/withdrawals/",                              401,  200,  200,  200,  200),
    ("POST",   "/wallet/withdrawals/",                              401,  201,  201,  201,  201),
    ("GET",    "/me/identity/",                                     401,  200,  200,  200,  200),
    # Payout destinations: one's own, in one's verified name; {destination} is the freelancer's.
    ("GET",    "/me/payout-destinations/",                          401,  200,  200,  200,  200),
    ("POST",   "/me/payout-destinations/",                          401,  201,  201,  201,  201),
    ("DELETE", "/me/payout-destinations/{destination}/",            401,  404,  404,  204,  404),
    ("POST",   "/me/identity/",                                     401,  409,  409,  409,  409),
    ("GET",    "/wallet/deposits/{paid_deposit}/receipt/",          401,  404,  200,  404,  404),
    ("GET",    "/wallet/deposits/{waiting_deposit}/receipt/",       401,  404,  404,  404,  404),
    ("GET",    "/wallet/withdrawals/{paid_withdrawal}/receipt/",    401,  404,  404,  200,  404),
    ("GET",    "/wallet/releases/{release}/receipt/",               401,  404,  404,  200,  404),
    # Gateway webhooks: no login, the signature decides. The body pays the client's pending
    # deposit; "?case=forged" only names the row (the view ignores it): a wrong signature.
    ("POST",   "/payments/webhooks/{gateway}/",                     200,  200,  200,  200,  200),
    ("POST",   "/payments/webhooks/{gateway}/?case=forged",         400,  400,  400,  400,  400),
    ("POST",   "/payments/webhooks/{unknown_gateway}/",             404,  404,  404,  404,  404),
    # The sandbox has no payout gateway (finance pays by hand): no payout webhook to call.
    ("POST",   "/payments/webhooks/{gateway}/payouts/",             404,  404,  404,  404,  404),
]
# fmt: on

# Cells where the application answers otherwise than the rules above: the matrix keeps the
# status the rules call for, and the cell is a strict xfail until the code is fixed.
# Cells whose expected status is right but the code does not give it yet: a strict xfail each,
# so fixing the code turns the run red until the entry goes.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


def known_bug(method: str, path: str, actor: str) -> list[pytest.MarkDecorator]:
    reason = KNOWN_BUGS.get((method, path, actor))
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


CASES = [
    pytest.param(
        method,
        path,
        actor,
        expected,
        id=f"{method} {path} as {actor}",
        marks=known_bug(method, path, actor),
    )
    for method, path, *statuses in MATRIX
    for actor, expected in zip(ACTORS, statuses, strict=True)
]

ERROR_CODES = {
    400: "invalid_signature",  # the matrix's only 400s are forged webhooks
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
}
# Each 409 of the matrix, by the state that refuses the request.
CONFLICT_CODES: dict[tuple[str, str, str], str] = {
    ("POST", "/gigs/{open_gig}/bids/", CLIENT): "own_gig",
    ("POST", "/gigs/{open_gig}/bids/", FREELANCER): "duplicate_bid",
    ("POST", "/gigs/{invite_gig}/bids/", CLIENT): "own_gig",
    ("POST", "/gigs/{draft_gig}/bids/", CLIENT): "own_gig",
    ("POST", "/contracts/{done_contract}/reviews/", CLIENT): "already_reviewed",
    ("POST", "/contracts/{contract}/reviews/", CLIENT): "not_reviewable",
    ("POST", "/contracts/{contract}/reviews/", FREELANCER): "not_reviewable",
    ("POST", "/contracts/{done_contract}/portfolio/", FREELANCER): "portfolio_not_allowed",
    ("POST", "/contracts/{contract}/portfolio/", FREELANCER): "no_released_work",
    ("POST", "/reports/?case=gig", CLIENT): "own_content",
    ("POST", "/reports/?case=bid", FREELANCER): "own_content",
    ("POST", "/reports/?case=service", FREELANCER): "own_content",
    # Everyone in the world has an approved identity (withdrawals need it).
    **{("POST", "/me/identity/", actor): "identity_approved" for actor in ACTORS[1:]},
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
    deposit = deposit_create(user=user, amount=amount, provider="sandbox")
    return deposit_complete(
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
        for days, title in enumerate(("Sketsa", "Warna", "Final"), start=6)
    ]
    milestones_split(contract_id=contract.pk, actor=client, parts=parts)
    funded, submitted, disputed = contract.milestones.order_by("position")
    for milestone in (funded, submitted, disputed):
        escrow.milestone_fund(milestone_id=milestone.pk, actor=client)
    escrow.milestone_submit(
        milestone_id=submitted.pk,
        actor=freelancer,
        note="Warna terlampir.",
        files=[pdf_upload("warna.pdf")],
    )
    escrow.milestone_dispute(milestone_id=disputed.pk, actor=client, reason="Tidak ada kabar.")
    return {
        "escrow_contract": contract.pk,
        "delivered": DeliveryFile.objects.get(delivery__milestone=submitted).pk,
        "funded_milestone": funded.pk,
        "submitted_milestone": submitted.pk,
        "disputed_milestone": disputed.pk,
    }


SCORES = {"quality": 5, "communication": 5, "value": 5}
# The hidden review's scores are the lowest, so a figure that counted it would show.
HIDDEN_SCORES = {"quality": 1, "communication": 1, "value": 1}
HIDDEN_COMMENT = "Rahasia: logonya bagus, tapi terlambat dua hari."
COMPLETED_AMOUNT = 50_000  # rupiah, each completed contract's one milestone


def completed_contract(client: User, freelancer: User, category: Category) -> Contract:
    """A contract of the two whose one milestone the real services funded, moved to submitted
    and released: completed, with paid work."""
    contract = ContractFactory(
        bid__gig__client=client,
        bid__gig__category=category,
        bid__freelancer=freelancer,
        bid__amount=COMPLETED_AMOUNT,
    )
    milestone = contract.milestones.get()
    escrow.milestone_fund(milestone_id=milestone.pk, actor=client)
    escrow.milestone_submit(milestone_id=milestone.pk, actor=freelancer, note="Logo final.")
    escrow.milestone_release(milestone_id=milestone.pk, actor=client)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    return contract


def reviewed_contracts(client: User, freelancer: User, category: Category) -> dict[str, int]:
    """Two completed contracts of the same two, reviewed through the real service: on
    ``done_contract`` only the client wrote (hidden); on ``shown_contract`` both did (revealed),
    and the client let the freelancer show that work in their portfolio."""
    paid_deposit(client, 2 * COMPLETED_AMOUNT)  # leaves the 120 000 for the pending milestone
    done = completed_contract(client, freelancer, category)
    hidden = reviews.review_submit(
        contract_id=done.pk, actor=client, comment=HIDDEN_COMMENT, **HIDDEN_SCORES
    )
    shown = completed_contract(client, freelancer, category)
    about_freelancer = reviews.review_submit(
        contract_id=shown.pk, actor=client, comment="Rapi dan cepat.", **SCORES
    )
    about_client = reviews.review_submit(
        contract_id=shown.pk, actor=freelancer, comment="Brief-nya jelas.", **SCORES
    )
    contract_portfolio_permission(contract_id=shown.pk, actor=client, allowed=True)
    assert Review.objects.filter(revealed_at__isnull=True).get() == hidden
    return {
        "done_contract": done.pk,
        "hidden_review": hidden.pk,
        "shown_contract": shown.pk,
        "shown_review": about_freelancer.pk,
        "review_of_client": about_client.pk,
        "client_name": client.username,
        "freelancer_name": freelancer.username,
    }


@pytest.fixture
def moderators(db) -> Group:
    return moderators_group()


def make_moderator(group: Group) -> User:
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(group)
    return moderator


@pytest.fixture
def world(moderators) -> World:
    return build_world(moderators)


def build_world(moderators: Group) -> World:
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
    for user in (client, freelancer, stranger, moderator):
        verified(user)  # every withdrawal needs an approved identity
    waiting = deposit_create(user=client, amount=60_000, provider="sandbox")
    # The freelancer's services, one in each state the matrix reads or acts on.
    services = {
        f"{name}_service": with_packages(
            ServiceFactory(
                freelancer=freelancer,
                category=category,
                status=status,
                published_at=timezone.now() if status == Service.Status.LIVE else None,
            )
        ).pk
        for name, status in (
            ("live", Service.Status.LIVE),
            ("draft", Service.Status.DRAFT),
            ("pending", Service.Status.PENDING_REVIEW),
            ("paused", Service.Status.PAUSED),
        )
    }
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
            **reviewed_contracts(client, freelancer, category),
            "waiting_deposit": waiting.pk,
            **services,
            "gateway": "sandbox",
            "unknown_gateway": "paypal",
        },
    )


def build_matrix_world(moderators: Group) -> World:
    """The world, with what the receipts' rows need: the client's first paid deposit, the
    freelancer's release on ``done_contract`` and a withdrawal of theirs that finance paid."""
    world = build_world(moderators)
    client, freelancer = world.users[CLIENT], world.users[FREELANCER]
    withdrawal = withdrawal_request(user=freelancer, **WITHDRAWAL)
    finance = UserFactory(is_staff=True)
    finance.groups.add(Group.objects.get(name=FINANCE))  # accounts.roles, made with moderators
    withdrawal_mark_paid(withdrawal_id=withdrawal.pk, staff=finance)
    done_milestone = Milestone.objects.get(contract_id=world.ids["done_contract"])
    world.ids |= {
        "paid_deposit": Deposit.objects.filter(user=client, status=Deposit.Status.PAID)
        .earliest("pk")
        .pk,
        "paid_withdrawal": withdrawal.pk,
        "destination": PayoutDestination.objects.create(
            user=freelancer,
            channel_code="BCA",
            kind="bank",
            account_number="9876543210",
            holder_name="Siti Aminah",
        ).pk,
        "release": LedgerTransaction.objects.get(
            kind=LedgerTransaction.Kind.RELEASE, reference=f"milestone:{done_milestone.pk}"
        ).pk,
    }
    return world


matrix_world = class_world(build_matrix_world)


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
    ("POST", "/services/"): lambda w: {
        "title": "Foto produk untuk katalog",
        "description": "Dua puluh foto produk dengan latar putih polos, siap unggah.",
        "category": w.ids["category"],
        "packages": [
            {
                "tier": "basic",
                "name": "Dasar",
                "description": "Sepuluh foto.",
                "price": 100_000,
                "delivery_days": 3,
            }
        ],
    },
    ("PATCH", "/services/{live_service}/"): lambda w: {"title": "Foto produk yang lebih cerah"},
    ("POST", "/gigs/{open_gig}/invitations/"): lambda w: {"freelancer": w.users[STRANGER].username},
    ("POST", "/gigs/{open_gig}/attachments/"): lambda w: {"file": pdf_upload()},
    ("POST", "/gigs/{open_gig}/bids/"): lambda w: BID,
    ("POST", "/gigs/{invite_gig}/bids/"): lambda w: BID,
    ("POST", "/gigs/{draft_gig}/bids/"): lambda w: BID,
    ("PATCH", "/bids/{bid}/"): lambda w: {"amount": 130_000},
    ("POST", "/contracts/{contract}/milestones/"): lambda w: {
        "milestones": [
            {"title": "Konsep", "amount": 60_000, "due_at": iso(6)},
            {"title": "Final", "amount": 60_000, "due_at": iso(8)},
        ]
    },
    ("POST", "/contracts/{contract}/messages/"): lambda w: {"body": "Draf pertama besok pagi."},
    ("PUT", "/me/notification-preferences/"): lambda w: {"email": {"review_received": False}},
    ("POST", "/contracts/{done_contract}/reviews/"): lambda w: REVIEW,
    ("POST", "/contracts/{contract}/reviews/"): lambda w: REVIEW,
    ("POST", "/reviews/{shown_review}/reply/"): lambda w: REPLY,
    ("POST", "/reviews/{hidden_review}/reply/"): lambda w: REPLY,
    ("POST", "/contracts/{done_contract}/portfolio-permission/"): lambda w: {"allowed": True},
    ("POST", "/contracts/{shown_contract}/portfolio/"): lambda w: PORTFOLIO,
    ("POST", "/contracts/{done_contract}/portfolio/"): lambda w: PORTFOLIO,
    ("POST", "/contracts/{contract}/portfolio/"): lambda w: PORTFOLIO,
    ("POST", "/milestones/{submitted_milestone}/request-revision/"): lambda w: {
        "note": "Warna biru dibuat lebih gelap."
    },
    ("POST", "/milestones/{funded_milestone}/submit/"): lambda w: {"note": "Sketsa terlampir."},
    ("POST", "/milestones/{funded_milestone}/dispute/"): lambda w: {"reason": "Tidak sesuai."},
    ("POST", "/milestones/{disputed_milestone}/resolve/"): lambda w: {
        "freelancer_amount": 15_000,
        "note": "Sebagian dikerjakan.",
    },
    ("POST", "/reports/?case=gig"): lambda w: {
        "target_type": "gig",
        "target_id": w.ids["open_gig"],
        "reason": "scam",
    },
    ("POST", "/reports/?case=service"): lambda w: {
        "target_type": "service",
        "target_id": w.ids["live_service"],
        "reason": "scam",
    },
    ("POST", "/reports/?case=bid"): lambda w: {
        "target_type": "bid",
        "target_id": w.ids["bid"],
        "reason": "off_platform_payment",
    },
    ("POST", "/wallet/deposits/"): lambda w: {"amount": 100_000},
    ("POST", "/wallet/withdrawals/"): lambda w: WITHDRAWAL,
    ("POST", "/me/payout-destinations/"): lambda w: {
        "channel_code": "BCA",
        "account_number": "1234567890",
        "holder_name": "Siti Aminah",
    },
    ("POST", "/me/identity/"): lambda w: {
        "legal_name": "Siti Aminah",
        "nik": NIK,
        "ktp_image": SimpleUploadedFile("ktp.jpg", b"\xff\xd8\xff", content_type="image/jpeg"),
        "selfie_image": SimpleUploadedFile("s.jpg", b"\xff\xd8\xff", content_type="image/jpeg"),
    },
    ("POST", "/payments/webhooks/{gateway}/"): lambda w: gateway_says_paid(w),
    ("POST", "/payments/webhooks/{gateway}/?case=forged"): lambda w: gateway_says_paid(
        w, signature="sha256=" + "0" * 64
    ),
    ("POST", "/payments/webhooks/{unknown_gateway}/"): lambda w: gateway_says_paid(w),
}

REVIEW = {**SCORES, "comment": "Klien yang jelas dan cepat membayar."}
REPLY = {"body": "Terima kasih, senang bekerja sama."}
PORTFOLIO = {"title": "Logo toko kue", "description": "Logo dan kemasan."}

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
        "services": list(Service.objects.order_by("pk").values_list("pk", "status", "title")),
        "bids": list(Bid.objects.order_by("pk").values_list("pk", "status", "amount")),
        "invitations": list(
            GigInvitation.objects.order_by("pk").values_list("pk", "gig_id", "freelancer_id")
        ),
        "gig_files": list(GigAttachment.objects.order_by("pk").values_list("pk", flat=True)),
        "contracts": list(
            Contract.objects.order_by("pk").values_list("pk", "status", "portfolio_allowed")
        ),
        "milestones": list(Milestone.objects.order_by("pk").values_list("pk", "amount", "status")),
        "messages": list(ContractMessage.objects.order_by("pk").values_list("pk", flat=True)),
        "message_files": list(
            MessageAttachment.objects.order_by("pk").values_list("pk", flat=True)
        ),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        "muted_notices": list(User.objects.order_by("pk").values_list("pk", "email_muted_kinds")),
        "deliveries": list(Delivery.objects.order_by("pk").values_list("pk", flat=True)),
        "disputes": list(Dispute.objects.order_by("pk").values_list("pk", "status")),
        "reviews": list(
            Review.objects.order_by("pk").values_list("pk", "revealed_at", "reply", "replied_at")
        ),
        "reputation_events": list(ReputationEvent.objects.order_by("pk").values_list("pk")),
        "reports": list(Report.objects.order_by("pk").values_list("pk", "status")),
        "portfolio_items": list(
            PortfolioItem.objects.order_by("pk").values_list("pk", "owner_id", "contract_id")
        ),
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
        "payout_destinations": list(PayoutDestination.objects.order_by("pk").values_list("pk")),
        "idempotency_records": list(
            IdempotencyRecord.objects.order_by("pk").values_list("pk", "response_status")
        ),
    }


# --- the matrix -----------------------------------------------------------------------------


class TestMatrix:
    """Every (route, method, actor) of the table, on one shared world (see matrix_world)."""

    @pytest.mark.django_db
    @pytest.mark.parametrize(("method", "path", "actor", "expected"), CASES)
    def test_case(self, matrix_world, method, path, actor, expected):
        world = matrix_world
        before = snapshot()

        response = send(world, actor, method, path, world.ids)

        content = body_of(response)
        assert response.status_code == expected, content[:500]
        if expected in ERROR_CODES:
            assert response.json()["code"] == ERROR_CODES[expected]
        if expected == 409:
            assert response.json()["code"] == CONFLICT_CODES[(method, path, actor)]
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


def test_the_matrices_cover_every_route_and_method():
    """Every route of projects/urls.py, payments/urls.py and accounts/urls.py, with each method
    its view answers, has a row in this matrix or in the accounts one
    (tests/accounts/test_profile_permissions.py), and no row names a route that is gone."""
    from accounts.urls import urlpatterns as account_routes
    from payments.urls import urlpatterns as payment_routes
    from projects.urls import urlpatterns as project_routes
    from tests.accounts.test_profile_permissions import MATRIX as ACCOUNT_MATRIX

    def shape(route: str) -> str:  # "gigs/<int:gig_id>/" and "/gigs/{open_gig}/" alike
        parts = route.split("?")[0].strip("/").split("/")
        return "/".join("<>" if part[:1] in "<{" else part for part in parts)

    served = {
        (method.upper(), shape(str(route.pattern)))
        for route in [*project_routes, *payment_routes, *account_routes]
        for method in ("get", "post", "put", "patch", "delete")
        if hasattr(route.callback.view_class, method)
    }
    covered = {(method, shape(path)) for method, path, *_statuses in [*MATRIX, *ACCOUNT_MATRIX]}
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
    assert len(client_gigs) == 8  # open, invite-only, draft, pending and the four contracts'

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
    theirs = {
        world.ids[key] for key in ("contract", "escrow_contract", "done_contract", "shown_contract")
    }

    assert seen == {
        STRANGER: set(),
        CLIENT: theirs,
        FREELANCER: theirs,
        MODERATOR: set(),  # a moderator opens any contract, but lists only their own
    }
    assert result_ids(client_for(elsewhere.client), "/contracts/") == {elsewhere.pk}


@pytest.mark.django_db
def test_a_delivered_file_is_found_only_through_its_own_contract(world):
    path = "/api/v1/contracts/{}/deliveries/files/{}/"
    delivered, own = world.ids["delivered"], world.ids["escrow_contract"]
    for actor in (CLIENT, FREELANCER, MODERATOR):
        response = world.client(actor).get(path.format(own, delivered))
        assert (response.status_code, body_of(response)) == (200, PDF), actor
    # The same file through another contract of the same parties: not found, for anyone.
    for actor in (CLIENT, MODERATOR):
        assert (
            world.client(actor).get(path.format(world.ids["contract"], delivered)).status_code
            == 404
        )


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
    withdrawal_request(user=world.users[FREELANCER], **WITHDRAWAL)

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
        # Escrow is not theirs yet; the two completed contracts paid 50 000 less the 10 % fee.
        FREELANCER: wallet(30_000 + 2 * 45_000, pending_withdrawal=50_000),
        MODERATOR: wallet(90_000),
    }


def wallet_rows(client: APIClient, path: str, *fields: str) -> list[tuple[Any, ...]]:
    response = client.get("/api/v1/wallet/" + path)
    assert response.status_code == 200, response.json()
    return [tuple(row[field] for field in fields) for row in response.json()["results"]]


@pytest.mark.django_db
def test_wallet_history_deposits_and_withdrawals_show_only_ones_own(world):
    elsewhere = verified(UserFactory())  # someone else's money, in every list
    paid_deposit(elsewhere, 100_000)
    deposit_create(user=elsewhere, amount=20_000, provider="sandbox")
    withdrawal_request(user=elsewhere, **WITHDRAWAL)
    withdrawal_request(user=world.users[FREELANCER], **{**WITHDRAWAL, "amount": 60_000})
    clients = {actor: world.client(actor) for actor in ACTORS[1:]}
    fund = ("fund", -40_000)
    completed = [("fund", -50_000), ("fund", -50_000), ("deposit", 100_000)]

    history = {a: wallet_rows(c, "transactions/", "kind", "amount") for a, c in clients.items()}
    deposits = {a: wallet_rows(c, "deposits/", "amount", "status") for a, c in clients.items()}
    withdrawals = {a: wallet_rows(c, "withdrawals/", "amount") for a, c in clients.items()}

    assert history == {  # newest first
        STRANGER: [("deposit", 70_000)],
        CLIENT: [*completed, fund, fund, fund, ("deposit", 300_000)],
        FREELANCER: [
            ("withdrawal_request", -60_000),
            ("release", 45_000),
            ("release", 45_000),
            ("deposit", 80_000),
        ],
        MODERATOR: [("deposit", 90_000)],
    }
    assert deposits == {
        STRANGER: [(70_000, "paid")],
        CLIENT: [(100_000, "paid"), (60_000, "pending"), (300_000, "paid")],
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


# --- a hidden review is its author's alone ---------------------------------------------------

# Where a review, its text or its scores could show, and which of them list reviews.
REVIEW_LISTS = ("contract reviews", "as freelancer", "as client")


def hidden_review_places(world: World) -> dict[str, str]:
    ids = world.ids
    done, freelancer, client = ids["done_contract"], ids["freelancer_name"], ids["client_name"]
    return {
        "contract reviews": f"/contracts/{done}/reviews/",
        "as freelancer": f"/freelancers/{freelancer}/reviews/",
        "as client": f"/clients/{client}/reviews/",
        "profile": f"/freelancers/{freelancer}/",
        "directory": "/freelancers/",
        "client record": f"/clients/{client}/",
        "contract": f"/contracts/{done}/",
        "notifications": "/notifications/",
        "reputation log": "/me/reputation-changes/",
    }


def look_everywhere(world: World) -> dict[tuple[str, str], tuple[int, list[int] | None, str]]:
    """What each actor gets at each place: the status, the review ids listed, the raw text."""
    seen = {}
    for actor in ACTORS:
        for place, path in hidden_review_places(world).items():
            response = world.client(actor).get("/api/v1" + path)
            listed = None
            if place in REVIEW_LISTS and response.status_code == 200:
                payload = response.json()
                listed = [row["id"] for row in payload.get("reviews", payload.get("results"))]
            seen[place, actor] = (response.status_code, listed, response.content.decode())
    return seen


@pytest.mark.django_db
def test_no_list_shows_a_hidden_review(world):
    ids, users = world.ids, world.users
    hidden, shown, of_client = ids["hidden_review"], ids["shown_review"], ids["review_of_client"]
    # Listed, so the public profile is there to read; the figures recomputed as the debounced
    # task does after a reveal (on commit, which these tests never reach).
    freelancer_profile_update(user=users[FREELANCER], headline="Desainer logo untuk UMKM")
    for actor in (CLIENT, FREELANCER):
        reputation_recalculate_user(user_id=users[actor].pk)
    mentions_hidden = re.compile(rf"\breview:{hidden}\b")  # a reputation change's reference

    seen = look_everywhere(world)

    expected_lists = {
        ("contract reviews", ANON): (401, None),
        ("contract reviews", STRANGER): (404, None),
        ("contract reviews", CLIENT): (200, [hidden]),  # its author's own, and only there
        ("contract reviews", FREELANCER): (200, []),
        ("contract reviews", MODERATOR): (200, []),
        **{("as freelancer", actor): (200, [shown]) for actor in ACTORS},
        **{("as client", actor): (200, [of_client]) for actor in ACTORS},
    }
    assert {key: seen[key][:2] for key in expected_lists} == expected_lists
    expected_statuses = {
        **{
            (place, actor): 200
            for place in ("profile", "directory", "client record")
            for actor in ACTORS
        },
        **{(place, ANON): 401 for place in ("contract", "notifications", "reputation log")},
        **{
            (place, actor): 200
            for place in ("notifications", "reputation log")
            for actor in ACTORS[1:]
        },
        ("contract", STRANGER): 404,
        **{("contract", actor): 200 for actor in (CLIENT, FREELANCER, MODERATOR)},
    }
    assert {key: seen[key][0] for key in expected_statuses} == expected_statuses
    for (place, actor), (_status, _listed, text) in seen.items():
        if (place, actor) != ("contract reviews", CLIENT):
            assert HIDDEN_COMMENT not in text, (place, actor)
            assert not mentions_hidden.search(text), (place, actor)
    # Nor do its scores (1, 1, 1) count anywhere: one review of the freelancer, all fives.
    rating = json_of(seen["profile", ANON])["reputation"]["rating"]
    assert (rating["reviews"], rating["average"], rating["value"]) == (1, 5.0, 5.0)
    listed = json_of(seen["directory", ANON])["results"]
    assert [(row["username"], row["rating_count"]) for row in listed] == [
        (ids["freelancer_name"], 1)
    ]
    record = json_of(seen["client record", ANON])
    assert (record["rating_count"], record["rating_average"]) == (1, 5.0)  # the freelancer's
    # The freelancer's reputation log does name reviews, the revealed one: the check above
    # would have seen the hidden one.
    log = json_of(seen["reputation log", FREELANCER])["results"]
    assert {row["reference"] for row in log} == {f"review:{shown}"}
    # The reviewed freelancer knows that a review is in, not what it says.
    state = json_of(seen["contract reviews", FREELANCER])
    assert (state["other_reviewed"], state["you_reviewed"], state["can_review"]) == (
        True,
        False,
        True,
    )
    author = json_of(seen["contract reviews", CLIENT])["reviews"]
    assert [(r["comment"], r["revealed"]) for r in author] == [(HIDDEN_COMMENT, False)]

    # Once the freelancer's review is in, both are revealed, to everyone who may read them.
    response = world.client(FREELANCER).post(
        f"/api/v1/contracts/{ids['done_contract']}/reviews/", REVIEW, format="json"
    )
    assert response.status_code == 201, response.json()
    theirs = Review.objects.get(contract_id=ids["done_contract"], author=users[FREELANCER]).pk
    seen = look_everywhere(world)
    assert seen["as freelancer", STRANGER][1] == [hidden, shown]  # newest revealed first
    assert seen["as client", ANON][1] == [theirs, of_client]
    for actor in (CLIENT, FREELANCER, MODERATOR):
        assert seen["contract reviews", actor][1] == [hidden, theirs], actor


def json_of(seen: tuple[int, list[int] | None, str]) -> Any:
    return json.loads(seen[2])


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
