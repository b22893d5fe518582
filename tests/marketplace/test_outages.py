"""A dependency that is down is a 503 with Retry-After — the API's error shape under /api/, a
page that needs nothing elsewhere — never a 500; and service resumes by itself when it is back.

On any database: the connection's queries fail as the driver fails them for a database it
cannot reach (tests/marketplace/faults.py). A real PostgreSQL stopped and started again is in
test_outages_postgres.py.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
import redis
from django.db import OperationalError, ProgrammingError
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from accounts.models import User
from marketplace import outages, views
from projects.models import Bid, Gig
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.marketplace.faults import database_down, driver_connection_error
from tests.marketplace.processes import DEAD_BROKER_URL, broker
from tests.projects.factories import CategoryFactory, GigFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHAPE = {"code", "message", "fields", "retry_after"}
GIG = {
    "title": "Desain logo toko kue",
    "description": "Butuh logo sederhana dan modern untuk toko kue rumahan di Bandung.",
    "budget": 150_000,
}


def assert_api_503(response) -> None:
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "30"
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == "service_unavailable"
    assert body["retry_after"] == 30
    assert "try again" in body["message"]


def page_client(user: User | None = None, language: str = "en") -> Client:
    # As a server answers: an exception becomes a response, it is not re-raised to the test.
    client = Client(headers={"accept-language": language}, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def gig_body() -> dict:
    category = CategoryFactory(min_price=50_000)
    now = timezone.now()
    return {
        **GIG,
        "category": category.pk,
        "bidding_deadline": (now + timedelta(days=3)).isoformat(),
        "delivery_deadline": (now + timedelta(days=10)).isoformat(),
    }


def test_the_api_answers_503_for_anyone_while_the_database_is_down_and_recovers():
    user = UserFactory()
    signed_in = client_for(user)
    anonymous = client_for(UserFactory())
    anonymous.credentials()  # no token: the browse list is public
    body = gig_body()

    with database_down():
        browse = anonymous.get("/api/v1/gigs/")
        me = signed_in.get("/api/v1/me/")  # the bearer token is looked up first: that fails
        write = signed_in.post("/api/v1/gigs/", body, format="json")
        token = anonymous.post(
            "/api/v1/auth/token/", {"username": user.username, "password": "x"}, format="json"
        )

    for response in (browse, me, write, token):
        assert_api_503(response)
    assert not Gig.objects.exists()
    # Back: the next requests are served, without a restart.
    assert anonymous.get("/api/v1/gigs/").status_code == 200
    assert signed_in.get("/api/v1/me/").json()["username"] == user.username
    assert signed_in.post("/api/v1/gigs/", body, format="json").status_code == 201
    assert Gig.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "our database is not answering"), ("id", "database kami tidak menjawab")],
)
def test_pages_answer_a_friendly_503_page_while_the_database_is_down(language, text):
    user = UserFactory()
    GigFactory(title="Foto produk untuk katalog")
    visitor, member = page_client(language=language), page_client(user, language=language)

    with database_down():
        pages = [visitor.get("/"), member.get("/dashboard/"), visitor.get("/freelancers/")]

    for page in pages:
        assert page.status_code == 503
        assert page["Retry-After"] == "30"
        assert page["Content-Type"].startswith("text/html")
        assert text in page.content.decode()
    assert visitor.get("/").status_code == 200
    assert "Foto produk untuk katalog" in visitor.get("/").content.decode()
    assert member.get("/dashboard/").status_code == 200


class QueryingMiddleware:
    """A middleware that reads the database before the view, as the session middleware does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        User.objects.exists()
        return self.get_response(request)


@override_settings(
    MIDDLEWARE=[
        "marketplace.request_guard.RequestGuardMiddleware",
        "tests.marketplace.test_outages.QueryingMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
)
def test_a_database_error_raised_by_a_middleware_is_a_503_too():
    with database_down():
        page = page_client().get("/")
        api = page_client().get("/api/v1/gigs/")

    assert (page.status_code, page["Retry-After"]) == (503, "30")
    assert "our database is not answering" in page.content.decode()
    assert_api_503(api)


def test_the_500_handler_tells_an_outage_from_a_bug():
    request = RequestFactory().get("/api/v1/gigs/")
    cause = driver_connection_error()
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError:
        outage = views.server_error(request)
    try:
        raise ProgrammingError("column gigs.nope does not exist")
    except ProgrammingError:
        bug = views.server_error(request)

    assert (outage.status_code, outage["Retry-After"]) == (503, "30")
    assert bug.status_code == 500
    assert not bug.has_header("Retry-After")


def test_an_sqlite_error_in_a_statement_is_a_bug_not_an_outage():
    try:
        sqlite3.connect(":memory:").execute("SELECT * FROM nope")
    except sqlite3.OperationalError as cause:
        statement_error = OperationalError(str(cause))
        statement_error.__cause__ = cause
    assert outages.outage_of(statement_error) is None
    assert outages.outage_of(redis.exceptions.ConnectionError("refused")) is outages.SERVICE


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: the cache is down
        }
    },
    AUTH_THROTTLE_RATE="10/min",
)
def test_signing_in_or_up_while_the_cache_is_down_is_never_a_500():
    user = UserFactory()
    user.set_password("rahasia-panjang-sekali")
    user.save()
    api = client_for(user)
    api.credentials()

    token = api.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": "rahasia-panjang-sekali"},
        format="json",
    )
    register = api.post(
        "/api/v1/auth/register/",
        {"username": "baru_daftar", "email": "baru@example.com", "password": "rahasia-panjang-1"},
        format="json",
    )

    # The login throttles read the cache: they either let the request through (fail open)
    # or the answer is a 503 to retry — never a 500.
    for response in (token, register):
        assert response.status_code in (200, 201, 503), response.content
        if response.status_code == 503:
            assert response["Retry-After"] == "30"
            assert response.json()["code"] == "service_unavailable"


def test_a_write_that_committed_is_a_success_even_when_its_tasks_cannot_be_sent():
    # A new bid tells the client by e-mail through a task; the broker is down when the bid
    # commits. The bid stands and the answer says so: the outbox row is found by the sweep.
    gig = GigFactory(category=CategoryFactory(min_price=50_000))
    freelancer = UserFactory()
    body = {
        "amount": 120_000,
        "delivery_days": 4,
        "cover_letter": "Saya desainer logo berpengalaman lima tahun untuk UMKM.",
    }

    with broker(DEAD_BROKER_URL):
        response = client_for(freelancer).post(f"/api/v1/gigs/{gig.pk}/bids/", body)

    assert response.status_code == 201, response.content
    bid = Bid.objects.get()
    assert (bid.gig_id, bid.freelancer_id, bid.amount) == (gig.pk, freelancer.pk, 120_000)
    assert gig.client.notifications.get().email_status == "pending"


@pytest.mark.postgres
def test_a_database_that_does_not_answer_is_given_up_on_after_a_few_seconds():
    from django.db import connection

    assert connection.get_connection_params()["connect_timeout"] == 5


def test_every_operation_documents_the_503_in_the_error_shape():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        if path == "/api/v1/health/":
            continue  # its 503 is the health report itself, naming what is down
        for method, operation in operations.items():
            content = operation["responses"]["503"]["content"]["application/json"]
            assert content["schema"]["$ref"] == "#/components/schemas/Error", (method, path)
