"""Idempotency-Key on money-moving calls, on any database (the races are in
test_money_concurrency.py, on PostgreSQL)."""

import pytest

from payments.models import IdempotencyRecord, Withdrawal
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.marketplace.faults import database_down
from tests.payments.factories import verified
from tests.projects.factories import top_up

URL = "/api/v1/wallet/withdrawals/"
BODY = {
    "amount": 100_000,
    "method": "bank",
    "bank_code": "BCA",
    "account_number": "1234567890",
    "holder_name": "Sari Wulandari",
}


@pytest.fixture
def saver(db):
    user = verified(UserFactory())
    top_up(user, 500_000)
    return user


def test_a_repeat_replays_the_first_response_and_moves_money_once(saver):
    api = client_for(saver)

    first = api.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1")
    again = api.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Withdrawal.objects.count() == 1
    assert api.get("/api/v1/wallet/").json()["available"] == 400_000


def test_the_same_key_on_another_request_is_422(saver):
    api = client_for(saver)
    api.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1")

    other = api.post(
        URL, {**BODY, "amount": 200_000}, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1"
    )

    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Withdrawal.objects.count() == 1


def test_keys_belong_to_their_user(saver):
    other = verified(UserFactory())
    top_up(other, 500_000)
    client_for(saver).post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1")

    theirs = client_for(other).post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1")

    assert theirs.status_code == 201
    assert Withdrawal.objects.count() == 2


def test_a_failed_request_frees_its_key(saver):
    api = client_for(saver)

    refused = api.post(
        URL, {**BODY, "amount": 900_000}, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1"
    )
    retried = api.post(
        URL, {**BODY, "amount": 900_000}, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1"
    )

    assert (refused.status_code, retried.status_code) == (402, 402)
    assert not IdempotencyRecord.objects.exists()
    assert not Withdrawal.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_database_dies_midway_leaves_its_key_free():
    # The database goes away after the withdrawal row is written, before the commit: nothing
    # commits, and the claim on the key goes with the transaction. (Committed ahead of the
    # work, the claim would outlive the request and refuse the retry as "in progress".)
    saver = verified(UserFactory())
    top_up(saver, 500_000)
    api = client_for(saver)

    with database_down(after='INSERT INTO "payments_withdrawal"'):
        failed = api.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1")
    assert failed.status_code == 503
    assert failed.json()["code"] == "service_unavailable"
    assert not Withdrawal.objects.exists()
    assert not IdempotencyRecord.objects.exists()

    retried = api.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1")
    again = api.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="tarik-1")

    assert (retried.status_code, again.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in retried
    assert again["Idempotent-Replayed"] == "true"
    assert Withdrawal.objects.get().pk == retried.json()["id"]
    assert api.get("/api/v1/wallet/").json()["available"] == 400_000


@pytest.mark.parametrize("key", ["", "x" * 101, "tab\there"])
def test_a_malformed_key_is_a_400(saver, key):
    response = client_for(saver).post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert response.status_code == 400
    assert not Withdrawal.objects.exists()
