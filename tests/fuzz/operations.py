"""Every operation of the API, read from its OpenAPI schema, and who acts on it.

The hostile-input tests and the fuzzer's hooks take their operations from here, so a new
endpoint is covered the day it appears in the schema.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

# The side of the marketplace each operation belongs to: the fuzzer's stateful phase acts as
# this user, so a chain of links (gig → bid → accept → fund → submit → approve) is done by the
# people who may do each step. Every operation not named is done by either user.
CLIENT_OPERATIONS = frozenset(
    {
        "v1_gigs_create",
        "v1_gigs_partial_update",
        "v1_gigs_destroy",
        "v1_gigs_submit_create",
        "v1_gigs_cancel_create",
        "v1_gigs_invitations_create",
        "v1_gigs_invitations_list",
        "v1_gigs_attachments_create",
        "v1_gigs_attachments_destroy",
        "v1_bids_shortlist_create",
        "v1_bids_reject_create",
        "v1_bids_accept_create",
        "v1_contracts_milestones_create",
        "v1_contracts_portfolio_permission_create",
        "v1_milestones_fund_create",
        "v1_milestones_approve_create",
        "v1_milestones_request_revision_create",
        "v1_wallet_deposits_create",
        "v1_me_client_profile_update",
    }
)
FREELANCER_OPERATIONS = frozenset(
    {
        "v1_gigs_bids_create",
        "v1_bids_partial_update",
        "v1_bids_withdraw_create",
        "v1_milestones_submit_create",
        "v1_contracts_portfolio_create",
        "v1_portfolio_items_create",
        "v1_portfolio_items_partial_update",
        "v1_portfolio_items_destroy",
        "v1_portfolio_items_images_create",
        "v1_portfolio_items_images_destroy",
        "v1_me_freelancer_profile_update",
        "v1_wallet_withdrawals_create",
        "v1_services_create",
        "v1_services_partial_update",
        "v1_services_submit_create",
        "v1_services_pause_create",
        "v1_services_resume_create",
        "v1_services_archive_create",
    }
)


def role_of(operation_id: str) -> str | None:
    """``client``, ``freelancer``, or None for an operation either may do."""
    if operation_id in CLIENT_OPERATIONS:
        return "client"
    if operation_id in FREELANCER_OPERATIONS:
        return "freelancer"
    return None


@dataclass(frozen=True)
class Operation:
    method: str
    route: str  # the schema's path, with {placeholders}
    operation_id: str
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    header_params: tuple[str, ...]
    # The request body's resolved schema per media type ("application/json", "multipart/…").
    bodies: dict[str, dict[str, Any]]
    # The operation may be called without logging in.
    anonymous: bool

    @property
    def role(self) -> str:
        return role_of(self.operation_id) or "client"

    @property
    def json_body(self) -> dict[str, Any] | None:
        return self.bodies.get("application/json")

    @property
    def form_body(self) -> dict[str, Any] | None:
        return self.bodies.get("multipart/form-data")

    def __str__(self) -> str:
        return f"{self.method} {self.route}"


def _resolve(schema: dict[str, Any], node: Any) -> Any:
    """``node`` with every ``$ref`` replaced by its component (the schema has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return _resolve(schema, schema["components"]["schemas"][name])
        return {key: _resolve(schema, value) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(schema, item) for item in node]
    return node


@functools.cache
def openapi_schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@functools.cache
def api_operations() -> tuple[Operation, ...]:
    schema = openapi_schema()
    found = []
    for route, methods in schema["paths"].items():
        for method, definition in methods.items():
            params = definition.get("parameters", [])

            def names(location: str, params: list = params) -> tuple[str, ...]:
                return tuple(p["name"] for p in params if p["in"] == location)

            content = definition.get("requestBody", {}).get("content", {})
            found.append(
                Operation(
                    method=method.upper(),
                    route=route,
                    operation_id=definition["operationId"],
                    path_params=names("path"),
                    query_params=names("query"),
                    header_params=names("header"),
                    bodies={
                        media: _resolve(schema, body.get("schema", {}))
                        for media, body in content.items()
                    },
                    anonymous={} in definition.get("security", [{}]),
                )
            )
    return tuple(found)


def string_fields(body: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted names of the writable text fields of a request body (``milestones.0.title`` for
    a list of objects), as the API's error format names them."""
    fields = []
    for name, prop in body.get("properties", {}).items():
        if prop.get("readOnly"):
            continue
        dotted = f"{prefix}{name}"
        kind, item = prop.get("type"), prop.get("items", {})
        if kind == "string" and prop.get("format") != "binary":
            fields.append(dotted)
        elif kind == "object":
            fields += string_fields(prop, f"{dotted}.")
        elif kind == "array" and item.get("type") == "object":
            fields += string_fields(item, f"{dotted}.0.")
        elif kind == "array" and item.get("type") == "string" and item.get("format") != "binary":
            fields.append(f"{dotted}.0")
    return fields


def nested_value(dotted: str, leaf: Any) -> tuple[str, Any]:
    """``("milestones", [{"title": leaf}])`` for ``milestones.0.title``: the top-level field and
    the value that puts ``leaf`` at that place."""
    head, *rest = dotted.split(".")
    value: Any = leaf
    for part in reversed(rest):
        value = [value] if part.isdigit() else {part: value}
    return head, value
