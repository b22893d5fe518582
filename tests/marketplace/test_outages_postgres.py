"""A real PostgreSQL stopped under the marketplace — a cluster of the test's own
(tests/marketplace/own_postgres.py), never the shared server — and started again.

While it is down every answer is a 503 with Retry-After (the API's error shape, the friendly
page); once it is back the same process serves again with no restart (``CONN_HEALTH_CHECKS``),
everything committed before is there, and nothing half-done is left behind: a request the crash
cut in the middle is retried with its Idempotency-Key and done once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import token_issue
from payments.models import IdempotencyRecord, LedgerTransaction, Withdrawal
from payments.services import withdrawals as payment_services
from projects.audit import ledger_problems
from projects.models import Gig
from tests.accounts.factories import UserFactory
from tests.marketplace import own_postgres
from tests.payments.factories import verified
from tests.projects.factories import CategoryFactory, GigFactory, top_up

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WITHDRAWAL = {
    "amount": 100_000,
    "method": "bank",
    "bank_code": "BCA",
    "account_number": "1234567890",
    "holder_name": "Sari Wulandari",
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[own_postgres.Cluster]:
    reason = own_postgres.unavailable()
    if reason:
        pytest.skip(reason)
    with own_postgres.own_cluster() as cluster:
        yield cluster


@pytest.fixture
def serving(cluster):
    """This process's database is the cluster for the test (running at its start)."""
    with own_postgres.serving(cluster):
        yield cluster


class Served:
    """A test client as a WSGI server runs Django: the request_started and request_finished
    signals close a connection that broke or outlived CONN_MAX_AGE (Django's test client
    leaves that out), and an exception is answered, not raised."""

    def request(self, **request):
        close_old_connections()
        try:
            return super().request(**request)  # type: ignore[misc]
        finally:
            close_old_connections()


class ServedClient(Served, Client):
    pass


class ServedAPIClient(Served, APIClient):
    pass


def page_client(user=None) -> Client:
    client = ServedClient(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def client_for(user=None) -> APIClient:
    client = ServedAPIClient(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)[1]}")
    return client


def is_api_503(response) -> bool:
    return (
        response.status_code == 503
        and response["Retry-After"] == "30"
        and response.json()["code"] == "service_unavailable"
    )


def test_while_postgresql_is_stopped_everything_is_503_and_it_serves_again_once_started(
    serving,
):
    client_user = UserFactory()
    gig = GigFactory(client=client_user, title="Desain kemasan keripik")
    api, visitor, member = client_for(client_user), page_client(), page_client(client_user)
    anonymous = client_for()
    category = CategoryFactory(min_price=50_000)
    now = timezone.now()
    draft = {
        "title": "Caption Instagram untuk toko",
        "description": "Sepuluh caption promosi untuk produk keripik pedas, bahasa santai.",
        "category": category.pk,
        "budget": 75_000,
        "bidding_deadline": (now + timedelta(days=3)).isoformat(),
        "delivery_deadline": (now + timedelta(days=9)).isoformat(),
    }
    assert api.get("/api/v1/me/").status_code == 200  # a live, reused connection

    serving.crash()
    down = {
        "browse (anonymous API)": anonymous.get("/api/v1/gigs/"),
        "me (bearer token)": api.get("/api/v1/me/"),
        "post a gig (a write)": api.post("/api/v1/gigs/", draft, format="json"),
        "log in": anonymous.post(
            "/api/v1/auth/token/", {"username": "sari", "password": "x"}, format="json"
        ),
    }
    pages = {"home": visitor.get("/"), "dashboard (session)": member.get("/dashboard/")}

    assert [name for name, r in down.items() if not is_api_503(r)] == []
    for name, page in pages.items():
        assert (page.status_code, page["Retry-After"]) == (503, "30"), name
        assert "our database is not answering" in page.content.decode(), name

    serving.start()
    assert api.get("/api/v1/me/").json()["username"] == client_user.username
    assert visitor.get("/").status_code == 200
    assert member.get("/dashboard/").status_code == 200
    # What was committed before the crash is there; the refused write left nothing and is
    # simply sent again.
    assert Gig.objects.get(pk=gig.pk).title == "Desain kemasan keripik"
    assert not Gig.objects.filter(title=draft["title"]).exists()
    assert api.post("/api/v1/gigs/", draft, format="json").status_code == 201
    assert Gig.objects.filter(title=draft["title"]).count() == 1
    assert ledger_problems() == []


def test_a_withdrawal_cut_short_by_a_crash_is_done_once_when_retried_with_its_key(
    serving, monkeypatch
):
    saver = verified(UserFactory())
    top_up(saver, 500_000)
    api = client_for(saver)
    original = payment_services.withdrawal_request

    def then_crash(**kwargs):
        withdrawal = original(**kwargs)  # written, not yet committed
        serving.crash()
        return withdrawal

    monkeypatch.setattr(payment_services, "withdrawal_request", then_crash)
    cut = api.post(
        "/api/v1/wallet/withdrawals/", WITHDRAWAL, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1"
    )
    monkeypatch.setattr(payment_services, "withdrawal_request", original)
    assert is_api_503(cut)

    serving.start()
    retried = api.post(
        "/api/v1/wallet/withdrawals/", WITHDRAWAL, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1"
    )
    again = api.post(
        "/api/v1/wallet/withdrawals/", WITHDRAWAL, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1"
    )

    # Processed now — not "still in progress" for ten minutes — and only once.
    assert retried.status_code == 201, retried.json()
    assert "Idempotent-Replayed" not in retried
    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")
    assert again.json() == retried.json()
    assert list(Withdrawal.objects.filter(user=saver).values_list("pk", flat=True)) == [
        retried.json()["id"]
    ]
    assert IdempotencyRecord.objects.filter(user=saver).count() == 1
    assert (
        LedgerTransaction.objects.filter(
            kind=LedgerTransaction.Kind.WITHDRAWAL_REQUEST, entries__account__owner=saver
        )
        .distinct()
        .count()
        == 1
    )
    assert api.get("/api/v1/wallet/").json()["available"] == 400_000
    assert ledger_problems() == []
