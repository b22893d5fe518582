"""Every error the API answers has one JSON shape with a message a person can act on."""

import pytest
from django.test import RequestFactory
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from marketplace import errors, views
from tests.conftest import client_for

SHAPE = {"code", "message", "fields"}


@pytest.mark.django_db
def test_malformed_json_is_a_400_parse_error(user):
    response = client_for(user).generic(
        "PATCH", "/api/v1/me/", '{"display_name": "x",', content_type="application/json"
    )

    assert response.status_code == 400
    assert set(response.json()) == SHAPE
    assert response.json()["code"] == "parse_error"
    assert "JSON" in response.json()["message"]


@pytest.mark.django_db
def test_json_that_is_not_an_object_is_a_400(user):
    response = client_for(user).generic(
        "PATCH", "/api/v1/me/", "[1, 2, 3]", content_type="application/json"
    )

    assert response.status_code == 400
    assert set(response.json()) == SHAPE


@pytest.mark.django_db
def test_unsupported_content_type_is_a_415(user):
    response = client_for(user).generic(
        "PATCH", "/api/v1/me/", "display_name=x", content_type="text/plain"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.django_db
def test_oversized_body_is_a_413_not_a_500(user):
    huge = '{"display_name": "' + "x" * (3 * 1024 * 1024) + '"}'

    response = client_for(user).generic(
        "PATCH", "/api/v1/me/", huge, content_type="application/json"
    )

    # Refused from its Content-Length, before a byte of it was read.
    assert response.status_code == 413
    assert set(response.json()) == SHAPE
    assert response.json()["code"] == "request_too_large"
    assert response.json()["message"] == "The request is larger than 2 MB. Send less at once."


@pytest.mark.django_db
def test_unknown_api_path_is_a_json_404(api_client):
    response = api_client.get("/api/v1/tidak-ada/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_unknown_page_is_an_html_404(client):
    response = client.get("/tidak-ada/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert b"This page does not exist" in response.content


@pytest.mark.django_db
def test_wrong_method_is_a_405(user):
    response = client_for(user).delete("/api/v1/me/")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_unacceptable_format_is_a_406(user):
    response = client_for(user).get("/api/v1/me/", HTTP_ACCEPT="application/xml")

    assert response.status_code == 406
    assert set(response.json()) == SHAPE


class _Raises(APIView):
    permission_classes = [AllowAny]
    exc: Exception = Exception()

    def get(self, request):
        raise self.exc


urlpatterns = [
    path("conflict/", _Raises.as_view(exc=errors.Conflict("Milestone is not submitted."))),
    path("payment/", _Raises.as_view(exc=errors.PaymentRequired("Top up Rp 50.000."))),
    path("forbidden/", _Raises.as_view(exc=errors.PermissionDenied("Only the client may."))),
    path("missing/", _Raises.as_view(exc=errors.NotFound("No such gig."))),
    path(
        "fields/",
        _Raises.as_view(exc=errors.DomainError("Bad.", fields={"amount": ["Too small."]})),
    ),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "status", "code", "message"),
    [
        ("/conflict/", 409, "conflict", "Milestone is not submitted."),
        ("/payment/", 402, "insufficient_funds", "Top up Rp 50.000."),
        ("/forbidden/", 403, "permission_denied", "Only the client may."),
        ("/missing/", 404, "not_found", "No such gig."),
        ("/fields/", 400, "invalid", "Bad."),
    ],
)
def test_domain_errors_map_to_their_status(api_client, url, status, code, message):
    response = api_client.get(url)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"] == message


@pytest.mark.urls(__name__)
def test_domain_error_fields_are_passed_through(api_client):
    assert api_client.get("/fields/").json()["fields"] == {"amount": ["Too small."]}


def test_server_error_under_api_answers_in_the_error_shape():
    response = views.server_error(RequestFactory().get("/api/v1/gigs/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert b'"code": "server_error"' in response.content


@pytest.mark.django_db
def test_messages_follow_accept_language(api_client):
    indonesian = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="id")
    english = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")

    assert english.json()["message"] == "Authentication credentials were not provided."
    assert indonesian.json()["message"] != english.json()["message"]
    assert indonesian.json()["code"] == english.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_our_own_messages_are_translated(user):
    client = client_for(user)

    english = client.patch(
        "/api/v1/me/", {"kota": "Bandung"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    indonesian = client.patch(
        "/api/v1/me/", {"kota": "Bandung"}, format="json", HTTP_ACCEPT_LANGUAGE="id"
    )

    assert english.json()["fields"]["kota"] == ["Unknown field. Remove it from the request."]
    assert indonesian.json()["fields"]["kota"] == ["Kolom tidak dikenal. Hapus dari permintaan."]


@pytest.mark.django_db
def test_a_form_body_on_a_json_endpoint_is_a_415_and_changes_nothing(user):
    response = client_for(user).patch(
        "/api/v1/me/", {"display_name": "Lewat form"}, format="multipart"
    )

    assert response.status_code == 415
    user.refresh_from_db()
    assert user.display_name != "Lewat form"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "xml", "JSON"])
def test_an_empty_or_unknown_format_parameter_is_a_400_naming_it(api_client, value):
    response = api_client.get(f"/api/v1/categories/?format={value}")

    assert response.status_code == 400
    assert response.json()["fields"] == {"format": ["Must be one of: json."]}


@pytest.mark.django_db
def test_the_format_parameter_may_name_a_renderer_the_view_has(api_client):
    assert api_client.get("/api/v1/categories/?format=json").status_code == 200
