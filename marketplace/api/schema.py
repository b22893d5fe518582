"""OpenAPI generation: every operation documents the error shape for the 4xx it can answer, and
the links between operations that make up the marketplace's flows.

Schemathesis checks that each response's status and body match the schema, so the errors a
request can run into are part of the contract, not an afterthought. Its stateful phase follows
the links (``add_links``), so the fuzzer walks the flows people walk — a gig posted, bid on,
accepted, funded, delivered, approved — with the ids the API handed back, rather than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from marketplace.api.errors import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: see `fields` for what to fix.",
    "401": "Not logged in, or the token is wrong, revoked or expired.",
    "403": "Logged in, but this action is not allowed for you.",
    "404": "Not found, or not visible to you.",
    "405": "Method not allowed on this path.",
    "406": "Cannot answer in the requested format (ask for application/json).",
    "402": "Not enough money in the wallet: the message says how much to top up.",
    "409": "The object's current state does not allow this action, or a request with the same "
    "Idempotency-Key is still running.",
    "413": "The request is too large (its body, or the number of files): send less at once.",
    "415": "Unsupported content type (send application/json).",
    "422": "This Idempotency-Key was already used for a different request.",
    "429": "Too many requests: wait `retry_after` seconds.",
    # Any operation, while the database, cache or broker is down (marketplace.outages).
    "503": "Briefly unavailable: try again after `retry_after` seconds (also Retry-After).",
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in [*self._error_codes(), "503"]:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses

    def get_operation_id(self) -> str:
        # Our list views are plain APIViews documented with
        # marketplace.api.pagination.page_of(...), which drf-spectacular cannot tell from a
        # detail view: name them "…_list" so the ids of /gigs/ and /gigs/{id}/ do not collide.
        operation_id = super().get_operation_id()
        response = self.get_response_serializers()
        if (
            self.method == "GET"
            and isinstance(response, type)
            and response.__name__.startswith("Paginated")
            and operation_id.endswith("_retrieve")
        ):
            operation_id = operation_id.removesuffix("_retrieve") + "_list"
        return operation_id

    def _error_codes(self) -> list[str]:
        codes = ["400", "401", "403", "404", "405", "406", "429"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            # A write the object's state does not allow: deleting a gig that is no longer a draft,
            # a file of an awarded gig, as much as accepting a closed bid.
            codes.append("409")
        if self.method in ("POST", "PUT", "PATCH"):
            # A body over the size a request may have, or more files than an upload takes.
            codes += ["413", "415"]
        # Money-moving views list theirs (402 insufficient funds, 422 reused Idempotency-Key).
        codes += getattr(self.view, "extra_error_codes", [])
        return codes


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The token from `POST /api/v1/auth/token/` or `auth/register/`.",
        }


def forbid_unknown_request_fields(result: dict, **_kwargs: Any) -> dict:
    """Request bodies list every field they accept; the API rejects any other field."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component.setdefault("additionalProperties", False)
    return result


# --- OpenAPI links: the main flows ---------------------------------------------------------------

ID = "$response.body#/id"
FIRST = "$response.body#/results/0/id"  # the first item of a cursor page
SAME_GIG = "$request.path.gig_id"
SAME_CONTRACT = "$request.path.contract_id"
SAME_MILESTONE = "$request.path.milestone_id"
SAME_ITEM = "$request.path.item_id"
NEW_TOKEN = "Bearer {$response.body#/token}"  # noqa: S105 - an expression, not a secret


@dataclass(frozen=True)
class Link:
    """``source``'s ``status`` response feeds ``target``: each of ``parameters`` (``path.x``,
    ``header.X``…) takes the value of its runtime expression; ``body`` is the target's body."""

    source: str
    status: str
    name: str
    target: str
    parameters: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] | None = None


def _fan_out(source: str, status: str, targets: dict[str, str], **parameters: str) -> list[Link]:
    return [
        Link(source, status, name, target, {f"path.{k}": v for k, v in parameters.items()})
        for name, target in targets.items()
    ]


_GIG_ACTIONS = {
    "GetGig": "v1_gigs_retrieve",
    "EditGig": "v1_gigs_partial_update",
    "DeleteGig": "v1_gigs_destroy",
    "SubmitGig": "v1_gigs_submit_create",
    "CancelGig": "v1_gigs_cancel_create",
    "ListBids": "v1_gigs_bids_list",
    "PlaceBid": "v1_gigs_bids_create",
    "Invite": "v1_gigs_invitations_create",
    "ListInvitations": "v1_gigs_invitations_list",
    "AttachFile": "v1_gigs_attachments_create",
}
_BID_ACTIONS = {
    "GetBid": "v1_bids_retrieve",
    "EditBid": "v1_bids_partial_update",
    "WithdrawBid": "v1_bids_withdraw_create",
    "ShortlistBid": "v1_bids_shortlist_create",
    "RejectBid": "v1_bids_reject_create",
    "AcceptBid": "v1_bids_accept_create",
}
_CONTRACT_ACTIONS = {
    "GetContract": "v1_contracts_retrieve",
    "SplitMilestones": "v1_contracts_milestones_create",
    "ListMessages": "v1_contracts_messages_list",
    "PostMessage": "v1_contracts_messages_create",
    "GetReviews": "v1_contracts_reviews_retrieve",
    "Review": "v1_contracts_reviews_create",
    "AllowPortfolio": "v1_contracts_portfolio_permission_create",
    "AddToPortfolio": "v1_contracts_portfolio_create",
}
_FUNDED_MILESTONE = {
    "Submit": "v1_milestones_submit_create",
    "Dispute": "v1_milestones_dispute_create",
    "CancelMilestone": "v1_milestones_cancel_create",
}
_SUBMITTED_MILESTONE = {
    "Approve": "v1_milestones_approve_create",
    "RequestRevision": "v1_milestones_request_revision_create",
    "Dispute": "v1_milestones_dispute_create",
}
_FIRST_MILESTONE = {
    "FundFirstMilestone": "v1_milestones_fund_create",
    "CancelFirstMilestone": "v1_milestones_cancel_create",
    "DisputeFirstMilestone": "v1_milestones_dispute_create",
    "SubmitFirstMilestone": "v1_milestones_submit_create",
    "ApproveFirstMilestone": "v1_milestones_approve_create",
}
_ITEM_ACTIONS = {
    "GetItem": "v1_portfolio_items_retrieve",
    "EditItem": "v1_portfolio_items_partial_update",
    "DeleteItem": "v1_portfolio_items_destroy",
    "AddImage": "v1_portfolio_items_images_create",
}

LINKS: list[Link] = [
    # Sign up → log in with the same credentials; either token → who am I, and log that token
    # out (never the caller's own).
    Link(
        "v1_auth_register_create",
        "201",
        "LogIn",
        "v1_auth_token_create",
        body={"username": "$request.body#/username", "password": "$request.body#/password"},
    ),
    Link(
        "v1_auth_register_create",
        "201",
        "Me",
        "v1_me_retrieve",
        {"header.Authorization": NEW_TOKEN},
    ),
    Link(
        "v1_auth_token_create", "200", "Me", "v1_me_retrieve", {"header.Authorization": NEW_TOKEN}
    ),
    Link(
        "v1_auth_token_create",
        "200",
        "LogOut",
        "v1_auth_logout_create",
        {"header.Authorization": NEW_TOKEN},
    ),
    # Gigs: post → submit → bids → accept → a contract.
    *_fan_out("v1_gigs_create", "201", _GIG_ACTIONS, gig_id=ID),
    *_fan_out(
        "v1_gigs_list",
        "200",
        {
            "GetGig": "v1_gigs_retrieve",
            "PlaceBid": "v1_gigs_bids_create",
            "ListBids": "v1_gigs_bids_list",
        },
        gig_id=FIRST,
    ),
    *_fan_out(
        "v1_gigs_submit_create",
        "200",
        {
            "PlaceBid": "v1_gigs_bids_create",
            "ListBids": "v1_gigs_bids_list",
            "CancelGig": "v1_gigs_cancel_create",
        },
        gig_id=SAME_GIG,
    ),
    Link(
        "v1_gigs_attachments_create",
        "201",
        "GetAttachment",
        "v1_gigs_attachments_retrieve",
        {"path.gig_id": SAME_GIG, "path.attachment_id": ID},
    ),
    Link(
        "v1_gigs_attachments_create",
        "201",
        "DeleteAttachment",
        "v1_gigs_attachments_destroy",
        {"path.gig_id": SAME_GIG, "path.attachment_id": ID},
    ),
    *_fan_out("v1_gigs_bids_create", "201", _BID_ACTIONS, bid_id=ID),
    *_fan_out("v1_gigs_bids_list", "200", _BID_ACTIONS, bid_id=FIRST),
    *_fan_out(
        "v1_bids_shortlist_create",
        "200",
        {"AcceptBid": "v1_bids_accept_create", "RejectBid": "v1_bids_reject_create"},
        bid_id="$request.path.bid_id",
    ),
    # Accepting a bid answers with the contract and its first milestone.
    *_fan_out("v1_bids_accept_create", "200", _CONTRACT_ACTIONS, contract_id=ID),
    *_fan_out(
        "v1_bids_accept_create",
        "200",
        _FIRST_MILESTONE,
        milestone_id="$response.body#/milestones/0/id",
    ),
    *_fan_out(
        "v1_contracts_list",
        "200",
        {"GetContract": "v1_contracts_retrieve", "ListMessages": "v1_contracts_messages_list"},
        contract_id=FIRST,
    ),
    *_fan_out("v1_contracts_retrieve", "200", _CONTRACT_ACTIONS, contract_id=ID),
    *_fan_out(
        "v1_contracts_retrieve",
        "200",
        _FIRST_MILESTONE,
        milestone_id="$response.body#/milestones/0/id",
    ),
    *_fan_out(
        "v1_contracts_milestones_create",
        "201",
        _FIRST_MILESTONE,
        milestone_id="$response.body#/0/id",
    ),
    # Milestones: fund → submit → approve (or a revision, a dispute, a cancellation).
    *_fan_out("v1_milestones_fund_create", "200", _FUNDED_MILESTONE, milestone_id=SAME_MILESTONE),
    *_fan_out(
        "v1_milestones_submit_create", "200", _SUBMITTED_MILESTONE, milestone_id=SAME_MILESTONE
    ),
    *_fan_out(
        "v1_milestones_request_revision_create",
        "200",
        {"Submit": "v1_milestones_submit_create"},
        milestone_id=SAME_MILESTONE,
    ),
    # The thread and its files.
    *_fan_out(
        "v1_contracts_messages_create",
        "201",
        {"ListMessages": "v1_contracts_messages_list"},
        contract_id=SAME_CONTRACT,
    ),
    Link(
        "v1_contracts_messages_create",
        "201",
        "GetAttachment",
        "v1_contracts_messages_attachments_retrieve",
        {
            "path.contract_id": SAME_CONTRACT,
            "path.attachment_id": "$response.body#/attachments/0/id",
        },
    ),
    Link(
        "v1_contracts_messages_list",
        "200",
        "GetAttachment",
        "v1_contracts_messages_attachments_retrieve",
        {
            "path.contract_id": SAME_CONTRACT,
            "path.attachment_id": "$response.body#/results/0/attachments/0/id",
        },
    ),
    Link(
        "v1_contracts_reviews_create",
        "201",
        "Reply",
        "v1_reviews_reply_create",
        {"path.review_id": "$response.body#/reviews/0/id"},
    ),
    Link(
        "v1_contracts_reviews_retrieve",
        "200",
        "Reply",
        "v1_reviews_reply_create",
        {"path.review_id": "$response.body#/reviews/0/id"},
    ),
    # Portfolio items and their images.
    *_fan_out("v1_portfolio_items_create", "201", _ITEM_ACTIONS, item_id=ID),
    *_fan_out(
        "v1_portfolio_items_list",
        "200",
        {"GetItem": "v1_portfolio_items_retrieve", "EditItem": "v1_portfolio_items_partial_update"},
        item_id=FIRST,
    ),
    Link(
        "v1_portfolio_items_images_create",
        "201",
        "GetImage",
        "v1_portfolio_items_images_retrieve",
        {"path.item_id": SAME_ITEM, "path.image_id": ID},
    ),
    Link(
        "v1_portfolio_items_images_create",
        "201",
        "DeleteImage",
        "v1_portfolio_items_images_destroy",
        {"path.item_id": SAME_ITEM, "path.image_id": ID},
    ),
    # Profiles and notices.
    *_fan_out(
        "v1_freelancers_list",
        "200",
        {
            "GetFreelancer": "v1_freelancers_retrieve",
            "FreelancerReviews": "v1_freelancers_reviews_list",
        },
        username="$response.body#/results/0/username",
    ),
    *_fan_out(
        "v1_notifications_list",
        "200",
        {"MarkRead": "v1_notifications_read_create"},
        notification_id=FIRST,
    ),
]


def add_links(result: dict, **_kwargs: Any) -> dict:
    """Publish ``LINKS`` on their source responses. A link whose source, status or target is not
    in the schema is left out (tests/test_schema.py fails on it, naming the link)."""
    operations = {
        operation["operationId"]: operation
        for methods in result.get("paths", {}).values()
        for operation in methods.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for link in LINKS:
        source = operations.get(link.source)
        response = (source or {}).get("responses", {}).get(link.status)
        if response is None or link.target not in operations:
            continue
        definition: dict[str, Any] = {"operationId": link.target}
        if link.parameters:
            definition["parameters"] = dict(link.parameters)
        if link.body is not None:
            definition["requestBody"] = dict(link.body)
        response.setdefault("links", {})[link.name] = definition
    return result
