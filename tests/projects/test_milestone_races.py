"""Milestone actions racing the client's split, with real threads and row locks (PostgreSQL).

A split replaces the contract's pending milestones under the contract's lock. An action that
found the milestone just before, and then waited for that lock, must answer 404 (the milestone
is gone) — never a 500 — and change nothing; an action that got the lock first wins, and the
split is refused (409) instead.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from payments.models import Account, LedgerTransaction
from projects.models import Milestone
from projects.services import contracts as contract_services
from projects.services.milestones import steps as milestone_steps
from tests.conftest import client_for
from tests.projects.factories import ContractFactory, top_up
from tests.projects.test_concurrency import statuses_and_codes, widen_after
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Every milestone action, with who takes it and its body.
ACTIONS = [
    ("fund", "client", None),
    ("submit", "freelancer", {"note": "Logo final terlampir."}),
    ("request-revision", "client", {"note": "Warna lebih gelap."}),
    ("approve", "client", None),
    ("cancel", "client", None),
    ("dispute", "client", {"reason": "Tidak ada kabar."}),
]


def split_body(contract) -> dict:
    due = (contract.milestones.get().due_at + timedelta(days=1)).isoformat()
    half = contract.amount // 2
    return {
        "milestones": [
            {"title": "Konsep", "amount": half, "due_at": due},
            {"title": "Final", "amount": contract.amount - half, "due_at": due},
        ]
    }


def later(seconds: float, call):
    def run():
        time.sleep(seconds)
        return call()

    return run


@pytest.mark.parametrize(("action", "actor", "body"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_an_action_on_a_milestone_the_split_replaces_is_a_404(monkeypatch, action, actor, body):
    # The split holds the contract's lock a while before it deletes the milestone, so the action
    # (started a moment later) finds the milestone, then waits for that lock.
    widen_after(monkeypatch, contract_services, "_lock_contract", 0.5)
    contract = ContractFactory()
    top_up(contract.client, contract.amount)
    milestone = contract.milestones.get()
    splitter, acting = client_for(contract.client), client_for(getattr(contract, actor))
    transactions = LedgerTransaction.objects.count()

    split, answer = race(
        [
            lambda: splitter.post(
                f"/api/v1/contracts/{contract.pk}/milestones/", split_body(contract), format="json"
            ),
            later(
                0.1,
                lambda: acting.post(
                    f"/api/v1/milestones/{milestone.pk}/{action}/", body, format="json"
                ),
            ),
        ]
    )

    assert statuses_and_codes([split, answer]) == [(201, None), (404, "not_found")]
    assert answer.json()["message"] == "Milestone not found."
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    assert list(contract.milestones.values_list("status", flat=True)) == ["pending", "pending"]
    assert LedgerTransaction.objects.count() == transactions  # no money moved
    assert not Account.objects.filter(reference__startswith="escrow:").exclude(balance=0).exists()


def test_funding_that_wins_the_lock_makes_the_split_a_409(monkeypatch):
    widen_after(monkeypatch, milestone_steps, "lock", 0.5)
    contract = ContractFactory()
    top_up(contract.client, contract.amount)
    milestone = contract.milestones.get()
    funder, splitter = client_for(contract.client), client_for(contract.client)

    fund, split = race(
        [
            lambda: funder.post(f"/api/v1/milestones/{milestone.pk}/fund/"),
            later(
                0.1,
                lambda: splitter.post(
                    f"/api/v1/contracts/{contract.pk}/milestones/",
                    split_body(contract),
                    format="json",
                ),
            ),
        ]
    )

    assert statuses_and_codes([fund, split]) == [(200, None), (409, "already_funded")]
    assert list(contract.milestones.values_list("pk", "status")) == [(milestone.pk, "funded")]
