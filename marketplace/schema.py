"""OpenAPI generation: every operation documents the error shape for the 4xx it can answer.

Schemathesis checks that each response's status and body match the schema, so the errors a
request can run into are part of the contract, not an afterthought.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from marketplace.api import ErrorSerializer

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
        # Our list views are plain APIViews documented with marketplace.api.page_of(...), which
        # drf-spectacular cannot tell from a detail view: name them "…_list" so the ids of
        # /gigs/ and /gigs/{id}/ do not collide.
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
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["409", "415"]
        # Money-moving views list theirs (402 insufficient funds, 422 reused Idempotency-Key).
        codes += getattr(self.view, "extra_error_codes", [])
        return codes


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.BearerTokenAuthentication"
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
