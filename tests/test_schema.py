"""The OpenAPI schema is valid, documents the error shape and forbids unknown request fields."""

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").stat().st_size > 1000


def test_every_operation_documents_the_error_shape(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ("400", "401", "404", "429"):
                response = operation["responses"][code]
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, code)


def test_every_write_documents_a_conflict(schema):
    # DELETE too: a gig that is no longer a draft, or a file of an awarded gig, answers 409.
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch", "delete"):
                assert "409" in operation["responses"], (method, path)


def test_every_request_with_a_body_documents_too_large(schema):
    # Too many files at once, or a body over the cap, is a 413 in the error shape.
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch"):
                response = operation["responses"]["413"]
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path)


def test_request_bodies_forbid_unknown_fields(schema):
    requests = {
        name: component
        for name, component in schema["components"]["schemas"].items()
        if name.endswith("Request")
    }
    assert {"RegisterRequest", "LoginRequest", "PatchedUserRequest"} <= set(requests)
    for component in requests.values():
        assert component["additionalProperties"] is False


def test_docs_page_is_served(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def _links(schema):
    for operations in schema["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                for name, link in response.get("links", {}).items():
                    yield operation, status, name, link


def _operations_by_id(schema):
    return {
        operation["operationId"]: operation
        for operations in schema["paths"].values()
        for operation in operations.values()
    }


def test_every_declared_link_is_published(schema):
    from marketplace.api.schema import LINKS

    published = {(op["operationId"], status, name) for op, status, name, _ in _links(schema)}
    missing = [link for link in LINKS if (link.source, link.status, link.name) not in published]
    assert missing == [], "links whose source, status or target is not in the schema"


def test_links_name_real_parameters(schema):
    operations = _operations_by_id(schema)
    for source, status, name, link in _links(schema):
        target = operations[link["operationId"]]
        target_params = {(p["in"], p["name"]) for p in target.get("parameters", [])}
        source_params = {(p["in"], p["name"]) for p in source.get("parameters", [])}
        for key, expression in link.get("parameters", {}).items():
            location, param = key.split(".", 1)
            if location == "path":
                assert ("path", param) in target_params, (source["operationId"], name, key)
            if expression.startswith("$request.path."):
                used = expression.removeprefix("$request.path.")
                assert ("path", used) in source_params, (source["operationId"], name, expression)
        target_path_params = {p for loc, p in target_params if loc == "path"}
        given = {k.split(".", 1)[1] for k in link.get("parameters", {}) if k.startswith("path.")}
        assert target_path_params <= given, (source["operationId"], status, name, "path unfilled")


def _reachable(schema, start):
    graph = {}
    for source, _status, _name, link in _links(schema):
        graph.setdefault(source["operationId"], set()).add(link["operationId"])
    seen, todo = {start}, [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


@pytest.mark.parametrize(
    ("start", "flow"),
    [
        (
            "v1_gigs_create",
            [
                "v1_gigs_submit_create",
                "v1_gigs_bids_create",
                "v1_bids_accept_create",
                "v1_contracts_retrieve",
                "v1_contracts_milestones_create",
                "v1_milestones_fund_create",
                "v1_milestones_submit_create",
                "v1_milestones_request_revision_create",
                "v1_milestones_approve_create",
                "v1_contracts_messages_create",
                "v1_contracts_messages_attachments_retrieve",
                "v1_contracts_reviews_create",
                "v1_reviews_reply_create",
                "v1_gigs_attachments_retrieve",
            ],
        ),
        (
            "v1_auth_register_create",
            ["v1_auth_token_create", "v1_me_retrieve", "v1_auth_logout_create"],
        ),
        (
            "v1_portfolio_items_create",
            ["v1_portfolio_items_images_create", "v1_portfolio_items_images_destroy"],
        ),
    ],
)
def test_links_walk_the_main_flows(schema, start, flow):
    assert set(flow) <= _reachable(schema, start)
