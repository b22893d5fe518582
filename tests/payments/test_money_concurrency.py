"""Races on money, with real threads and real row locks (PostgreSQL only).

Every thread sends its request through the API with its own client and its own database
connection; a barrier releases them together so they really overlap. Each test then checks what
the ledger holds, not only what the responses said, and ends with the ledger audit: a race may
refuse a request, but it never creates, loses or doubles money.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from payments.fees import platform_fee
from payments.gateways.sandbox import SIGNATURE_HEADER, sign, webhook_body
from payments.models import Account, Deposit, IdempotencyRecord, LedgerTransaction, Withdrawal
from payments.services import ledger
from payments.services.deposits import deposit_complete, deposit_create
from projects.audit import ledger_problems
from projects.models import Contract, Delivery, Dispute, Milestone
from projects.services import milestones as milestone_services
from projects.services.milestones import steps as milestone_steps
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.payments.factories import verified
from tests.projects.factories import ContractFactory
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Kind = LedgerTransaction.Kind
M = Milestone.Status
WEBHOOK = "/api/v1/payments/webhooks/sandbox/"
WITHDRAWALS = "/api/v1/wallet/withdrawals/"
SIGNATURE_META = f"HTTP_{SIGNATURE_HEADER.upper().replace('-', '_')}"


def withdrawal_body(amount: int) -> dict[str, Any]:
    return {
        "amount": amount,
        "method": "bank",
        "bank_code": "BCA",
        "account_number": "1234567890",
        "holder_name": "Sari Wulandari",
    }


# --- helpers ----------------------------------------------------------------------------------


def hold_locks_longer(monkeypatch: pytest.MonkeyPatch, seconds: float = 0.3) -> None:
    """Make every milestone action pause right after taking its locks, so the other side of a
    race is certainly waiting on them (not merely arriving later) when the winner commits."""
    original = milestone_steps.lock

    def slow(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(milestone_steps, "lock", slow)


def later(call: Callable[[], Any], seconds: float = 0.1) -> Callable[[], Any]:
    """``call``, started a moment after the others: biases who wins a race (the assertions
    still accept either winner) so that both outcomes are exercised."""

    def delayed() -> Any:
        time.sleep(seconds)
        return call()

    return delayed


def outcomes(responses: list[Any]) -> list[tuple[int, str | None]]:
    """(status, error code) of each response, sorted; fails on any exception (a 500)."""
    for response in responses:
        assert not isinstance(response, Exception), repr(response)
    return sorted(
        (r.status_code, r.json().get("code") if r.status_code >= 400 else None) for r in responses
    )


def replayed(response: Any) -> bool:
    return response.headers.get("Idempotent-Replayed") == "true"


def balance(reference: str) -> int:
    return (
        Account.objects.filter(reference=reference).values_list("balance", flat=True).first() or 0
    )


def wallet_of(user: User) -> int:
    return balance(ledger.wallet(user.pk).reference)


def escrow_of(milestone: Milestone) -> int:
    return balance(f"escrow:milestone:{milestone.pk}")


def assert_books_balance() -> None:
    assert ledger_problems() == []
    out = StringIO()
    call_command("ledger_audit", stdout=out)
    assert "ledger audit passed" in out.getvalue()


def top_up(user: User, amount: int) -> None:
    """Credit a wallet the way production does: a deposit, then the gateway's "paid"."""
    deposit = deposit_create(user=user, amount=amount)
    deposit_complete(provider="sandbox", reference=deposit.reference, status="paid", amount=amount)


def pending_milestone(amount: int = 250_000) -> tuple[Contract, Milestone]:
    contract = ContractFactory(bid__amount=amount)
    return contract, contract.milestones.get()


def funded_milestone(amount: int = 250_000) -> tuple[Contract, Milestone]:
    contract, milestone = pending_milestone(amount)
    top_up(contract.client, amount)
    milestone_services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    return contract, milestone


def submitted_milestone(amount: int = 250_000) -> tuple[Contract, Milestone]:
    contract, milestone = funded_milestone(amount)
    milestone_services.milestone_submit(
        milestone_id=milestone.pk, actor=contract.freelancer, note="Logo final, PNG dan SVG."
    )
    return contract, milestone


def post_webhook(client: APIClient, body: bytes) -> Any:
    return client.generic(
        "POST", WEBHOOK, body, content_type="application/json", **{SIGNATURE_META: sign(body)}
    )


# --- 1. many approvals of one milestone -------------------------------------------------------


def test_fifty_concurrent_approvals_release_once():
    contract, milestone = submitted_milestone(250_000)
    clients = [client_for(contract.client) for _ in range(50)]

    responses = race(
        [lambda c=c: c.post(f"/api/v1/milestones/{milestone.pk}/approve/") for c in clients]
    )

    # Every repeat is a no-op answered with the released milestone, not an error.
    assert outcomes(responses) == [(200, None)] * 50
    assert {r.json()["status"] for r in responses} == {"released"}
    milestone.refresh_from_db()
    assert milestone.status == M.RELEASED
    assert LedgerTransaction.objects.filter(kind=Kind.RELEASE).count() == 1
    assert wallet_of(contract.freelancer) == 250_000 - platform_fee(250_000) == 225_000
    assert balance(ledger.PLATFORM_FEES) == 25_000
    assert escrow_of(milestone) == 0
    assert wallet_of(contract.client) == 0
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    assert_books_balance()


# --- 2. two legal actions racing on one milestone ---------------------------------------------


@pytest.mark.parametrize("first", ["approve", "dispute"])
def test_approve_racing_a_dispute_one_wins_and_the_ledger_follows_it(monkeypatch, first):
    contract, milestone = submitted_milestone(300_000)
    client, worker = client_for(contract.client), client_for(contract.freelancer)
    url = f"/api/v1/milestones/{milestone.pk}"
    hold_locks_longer(monkeypatch)

    def approve_call() -> Any:
        return client.post(f"{url}/approve/")

    def dispute_call() -> Any:
        return worker.post(f"{url}/dispute/", {"reason": "Klien menolak membayar revisi."})

    approve, dispute = race(
        [
            approve_call if first == "approve" else later(approve_call),
            dispute_call if first == "dispute" else later(dispute_call),
        ]
    )

    assert outcomes([approve, dispute]) == [(200, None), (409, "invalid_state")]
    milestone.refresh_from_db()
    if approve.status_code == 200:
        assert milestone.status == M.RELEASED
        assert LedgerTransaction.objects.filter(kind=Kind.RELEASE).count() == 1
        assert wallet_of(contract.freelancer) == 270_000
        assert escrow_of(milestone) == 0
        assert not Dispute.objects.exists()
    else:
        assert milestone.status == M.DISPUTED
        assert not LedgerTransaction.objects.filter(kind=Kind.RELEASE).exists()
        assert wallet_of(contract.freelancer) == 0
        assert escrow_of(milestone) == 300_000
        assert Dispute.objects.get().opened_by_id == contract.freelancer_id
    assert_books_balance()


@pytest.mark.parametrize("first", ["cancel", "submit"])
def test_cancel_of_an_overdue_milestone_racing_a_submission_one_wins(monkeypatch, first):
    contract, milestone = funded_milestone(200_000)
    Milestone.objects.filter(pk=milestone.pk).update(due_at=timezone.now() - timedelta(hours=1))
    client, worker = client_for(contract.client), client_for(contract.freelancer)
    url = f"/api/v1/milestones/{milestone.pk}"
    hold_locks_longer(monkeypatch)

    def cancel_call() -> Any:
        return client.post(f"{url}/cancel/")

    def submit_call() -> Any:
        return worker.post(f"{url}/submit/", {"note": "Maaf terlambat, ini hasilnya."})

    cancel, submit = race(
        [
            cancel_call if first == "cancel" else later(cancel_call),
            submit_call if first == "submit" else later(submit_call),
        ]
    )

    assert outcomes([cancel, submit]) == [(200, None), (409, "invalid_state")]
    milestone.refresh_from_db()
    if cancel.status_code == 200:
        assert milestone.status == M.CANCELLED
        assert LedgerTransaction.objects.filter(kind=Kind.REFUND).count() == 1
        assert wallet_of(contract.client) == 200_000
        assert escrow_of(milestone) == 0
        assert not Delivery.objects.exists()
    else:
        assert milestone.status == M.SUBMITTED
        assert not LedgerTransaction.objects.filter(kind=Kind.REFUND).exists()
        assert wallet_of(contract.client) == 0
        assert escrow_of(milestone) == 200_000
        assert Delivery.objects.filter(milestone=milestone).count() == 1
    assert wallet_of(contract.freelancer) == 0
    assert_books_balance()


# --- 3. withdrawals beyond the balance --------------------------------------------------------


def test_twenty_concurrent_withdrawals_never_overdraw_the_wallet():
    owner = verified(UserFactory())
    top_up(owner, 1_000_000)
    clients = [client_for(owner) for _ in range(20)]

    responses = race([lambda c=c: c.post(WITHDRAWALS, withdrawal_body(100_000)) for c in clients])

    assert outcomes(responses) == [(201, None)] * 10 + [(402, "insufficient_funds")] * 10
    # The refused ones wrote nothing: no withdrawal row, no ledger transaction.
    ok = [r.json()["id"] for r in responses if r.status_code == 201]
    assert sorted(Withdrawal.objects.values_list("pk", flat=True)) == sorted(ok)
    assert sum(Withdrawal.objects.values_list("amount", flat=True)) == 1_000_000
    assert LedgerTransaction.objects.filter(kind=Kind.WITHDRAWAL_REQUEST).count() == 10
    assert wallet_of(owner) == 0
    assert balance(ledger.pending_withdrawal(owner.pk).reference) == 1_000_000
    assert_books_balance()


# --- 4. one Idempotency-Key sent by many threads at once --------------------------------------


def test_one_idempotency_key_funds_a_milestone_once():
    contract, milestone = pending_milestone(250_000)
    top_up(contract.client, 750_000)  # enough for three fundings, should any slip through
    clients = [client_for(contract.client) for _ in range(10)]
    url = f"/api/v1/milestones/{milestone.pk}/fund/"

    responses = race([lambda c=c: c.post(url, HTTP_IDEMPOTENCY_KEY="fund-7f3a") for c in clients])

    codes = outcomes(responses)
    assert set(codes) <= {(200, None), (409, "idempotency_in_progress")}, codes
    first = [r for r in responses if r.status_code == 200 and not replayed(r)]
    assert len(first) == 1, codes
    for response in responses:
        if response.status_code == 200:
            assert response.json() == first[0].json()
    later_repeat = clients[0].post(url, HTTP_IDEMPOTENCY_KEY="fund-7f3a")
    assert later_repeat.status_code == 200
    assert replayed(later_repeat)
    assert later_repeat.json() == first[0].json()
    assert LedgerTransaction.objects.filter(kind=Kind.FUND).count() == 1
    assert wallet_of(contract.client) == 500_000
    assert escrow_of(milestone) == 250_000
    record = IdempotencyRecord.objects.get()
    assert (record.key, record.response_status) == ("fund-7f3a", 200)
    assert_books_balance()


def test_one_idempotency_key_withdraws_once():
    owner = verified(UserFactory())
    top_up(owner, 1_000_000)
    clients = [client_for(owner) for _ in range(10)]

    responses = race(
        [
            lambda c=c: c.post(
                WITHDRAWALS, withdrawal_body(100_000), HTTP_IDEMPOTENCY_KEY="tarik-01"
            )
            for c in clients
        ]
    )

    codes = outcomes(responses)
    assert set(codes) <= {(201, None), (409, "idempotency_in_progress")}, codes
    first = [r for r in responses if r.status_code == 201 and not replayed(r)]
    assert len(first) == 1, codes
    for response in responses:
        if response.status_code == 201:
            assert response.json() == first[0].json()
    later_repeat = clients[0].post(
        WITHDRAWALS, withdrawal_body(100_000), HTTP_IDEMPOTENCY_KEY="tarik-01"
    )
    assert later_repeat.status_code == 201
    assert replayed(later_repeat)
    assert later_repeat.json() == first[0].json()
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.pk == first[0].json()["id"]
    assert LedgerTransaction.objects.filter(kind=Kind.WITHDRAWAL_REQUEST).count() == 1
    assert wallet_of(owner) == 900_000
    assert_books_balance()


def test_one_idempotency_key_whose_request_fails_is_refused_cleanly_by_every_thread():
    # The request holding the key is refused (402), which ends its transaction and with it the
    # claim: each thread gets the refusal itself or a 409 "in progress", never a 500, and no
    # key stays claimed.
    owner = verified(UserFactory())
    top_up(owner, 60_000)
    clients = [client_for(owner) for _ in range(20)]

    responses = race(
        [
            lambda c=c: c.post(
                WITHDRAWALS, withdrawal_body(100_000), HTTP_IDEMPOTENCY_KEY="tarik-kurang"
            )
            for c in clients
        ]
    )

    codes = outcomes(responses)
    assert set(codes) <= {(402, "insufficient_funds"), (409, "idempotency_in_progress")}, codes
    assert (402, "insufficient_funds") in codes
    assert not Withdrawal.objects.exists()
    assert not LedgerTransaction.objects.filter(kind=Kind.WITHDRAWAL_REQUEST).exists()
    assert not IdempotencyRecord.objects.exists()
    assert wallet_of(owner) == 60_000
    assert_books_balance()


def test_one_idempotency_key_with_another_body_is_refused_and_a_replay_repeats_the_answer():
    owner = verified(UserFactory())
    top_up(owner, 300_000)
    client = client_for(owner)

    first = client.post(WITHDRAWALS, withdrawal_body(100_000), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.json()
    assert not replayed(first)

    other = client.post(WITHDRAWALS, withdrawal_body(200_000), HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"

    again = client.post(WITHDRAWALS, withdrawal_body(100_000), HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201
    assert replayed(again)
    assert again.json() == first.json()

    assert Withdrawal.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind=Kind.WITHDRAWAL_REQUEST).count() == 1
    assert wallet_of(owner) == 200_000
    assert_books_balance()


# --- 5. a gateway's webhook delivered many times ----------------------------------------------


def test_webhook_replayed_ten_times_at_once_credits_once():
    owner = UserFactory()
    deposit = deposit_create(user=owner, amount=400_000)
    body = webhook_body(reference=deposit.reference, status="paid", amount=400_000)
    clients = [english_client() for _ in range(10)]

    responses = race([lambda c=c: post_webhook(c, body) for c in clients])

    assert outcomes(responses) == [(200, None)] * 10
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PAID
    assert LedgerTransaction.objects.filter(kind=Kind.DEPOSIT).count() == 1
    assert wallet_of(owner) == 400_000
    assert balance(ledger.gateway("sandbox").reference) == -400_000
    assert_books_balance()


def test_webhook_replayed_ten_times_in_a_row_credits_once(api_client):
    owner = UserFactory()
    deposit = deposit_create(user=owner, amount=150_000)
    body = webhook_body(reference=deposit.reference, status="paid", amount=150_000)

    for _ in range(10):
        assert post_webhook(api_client, body).status_code == 200
    # A gateway's retry may carry a fresh event id: still the same payment.
    fresh = webhook_body(reference=deposit.reference, status="paid", amount=150_000)
    assert post_webhook(api_client, fresh).status_code == 200

    assert LedgerTransaction.objects.filter(kind=Kind.DEPOSIT).count() == 1
    assert wallet_of(owner) == 150_000
    assert_books_balance()
