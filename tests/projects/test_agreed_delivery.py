"""The deadline the freelancer agreed to holds: a split cannot bring a due date before the
delivery date of the accepted bid, and a milestone funded late still leaves the bid's delivery
time — so a client cannot make the work "overdue" early and cancel it on the freelancer's record.

The ``contract`` fixture (tests/conftest.py) was hired at START with a 5-day bid: its agreed
delivery date, and its one milestone's due date, is 2025-03-08 10:00 in Jakarta (03:00 UTC).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.models import LedgerTransaction
from projects.models import Contract, Milestone
from projects.services import bids as bid_services
from projects.services import milestones as services
from projects.services.contracts import milestones_split
from tests.conftest import client_for
from tests.contracts import START, fresh, only
from tests.projects.factories import BidFactory
from tests.projects.test_milestones import DUE, assert_error, post

M = Milestone.Status
DAY = timedelta(days=1)


def split(contract: Contract, *dues):
    half = contract.amount // len(dues)
    amounts = [half] * (len(dues) - 1) + [contract.amount - half * (len(dues) - 1)]
    return client_for(contract.client).post(
        f"/api/v1/contracts/{contract.pk}/milestones/",
        {
            "milestones": [
                {"title": f"Bagian {n + 1}", "amount": amount, "due_at": due.isoformat()}
                for n, (amount, due) in enumerate(zip(amounts, dues, strict=True))
            ]
        },
        format="json",
    )


def milestones(contract: Contract) -> list[tuple[int, str, object]]:
    return list(contract.milestones.order_by("position").values_list("pk", "status", "due_at"))


# --- the split --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dues",
    [
        (START + 2 * DAY,),  # the whole work in two days instead of five
        (START + timedelta(minutes=5), DUE),  # a first part due in minutes
        (DUE - timedelta(minutes=1), DUE + DAY),  # a minute early is early
    ],
    ids=["all-early", "first-part-early", "a-minute-early"],
)
def test_a_split_cannot_bring_a_due_date_before_the_agreed_delivery(contract, dues):
    before = milestones(contract)

    response = split(contract, *dues)

    assert_error(
        response,
        400,
        "before_agreed_delivery",
        "No milestone may be due before 8 March 2025 10:00 WIB: that is the delivery "
        "date the freelancer's accepted bid promised.",
        {"milestones.0.due_at": ["Not before 8 March 2025 10:00 WIB."]},
    )
    assert milestones(contract) == before  # the original milestone, untouched


def test_a_split_may_put_due_dates_at_or_after_the_agreed_delivery(contract):
    response = split(contract, DUE, DUE + 2 * DAY)

    assert response.status_code == 201, response.json()
    assert [(m["due_at"], m["status"]) for m in response.json()] == [
        ("2025-03-08T10:00:00+07:00", "pending"),
        ("2025-03-10T10:00:00+07:00", "pending"),
    ]


def test_the_agreed_delivery_date_counts_to_the_minute(contract):
    # Hired at 10:00:30: the promise is 10:00:30 five days later, and a client typing the
    # minute (10:00) shortens nothing worth refusing.
    Contract.objects.filter(pk=contract.pk).update(agreed_delivery_at=DUE + timedelta(seconds=30))

    assert split(fresh(contract), DUE).status_code == 201


def test_the_contract_shows_its_agreed_delivery_date(contract):
    response = client_for(contract.freelancer).get(f"/api/v1/contracts/{contract.pk}/")

    assert response.json()["agreed_delivery_at"] == "2025-03-08T10:00:00+07:00"


def test_the_hire_records_the_bids_promise_as_the_agreed_delivery(clock):
    bid = BidFactory(delivery_days=4)

    contract = bid_services.bid_accept(bid_id=bid.pk, actor=bid.gig.client)

    assert contract.agreed_delivery_at == START + 4 * DAY
    assert only(contract).due_at == START + 4 * DAY


# --- funding late -----------------------------------------------------------------------------


def test_funding_on_time_keeps_the_due_date(contract):
    assert post(contract.client, only(contract), "fund").status_code == 200

    assert only(contract).due_at == DUE


def test_a_milestone_funded_after_its_due_date_gets_the_bids_delivery_time(contract, clock):
    clock.move_to(START + 6 * DAY)  # a day after the milestone was due

    response = post(contract.client, only(contract), "fund")

    assert response.json()["due_at"] == "2025-03-14T10:00:00+07:00"  # funded + 5 days
    assert only(contract).due_at == START + 11 * DAY
    # Not overdue, so the client cannot cancel it on the freelancer's record yet.
    ledger = LedgerTransaction.objects.count()
    refused = post(contract.client, only(contract), "cancel")
    assert_error(
        refused,
        409,
        "not_overdue",
        "The work is not overdue yet. Ask the freelancer to cancel, or wait until "
        "14 March 2025 10:00 WIB.",
    )
    assert only(contract).status == M.FUNDED
    assert LedgerTransaction.objects.count() == ledger

    clock.move_to(START + 11 * DAY)
    assert post(contract.client, only(contract), "cancel").status_code == 200
    assert only(contract).cancel_fault == Milestone.Fault.FREELANCER


def test_a_later_part_funded_late_gets_at_least_the_bids_delivery_time(contract, clock):
    first, second = milestones_split(
        contract_id=contract.pk,
        actor=contract.client,
        parts=[
            {"title": "Konsep", "amount": 60_000, "due_at": DUE},
            {"title": "Final", "amount": 60_000, "due_at": START + 12 * DAY},
        ],
    )
    services.milestone_fund(milestone_id=first.pk, actor=contract.client)
    clock.move_to(START + 8 * DAY)

    services.milestone_fund(milestone_id=second.pk, actor=contract.client)

    # Five days from the funding (day 13) is later than the part's own date (day 12).
    assert (fresh(first).due_at, fresh(second).due_at) == (DUE, START + 13 * DAY)


def test_a_part_funded_with_time_to_spare_keeps_its_due_date(contract, clock):
    [part] = milestones_split(
        contract_id=contract.pk,
        actor=contract.client,
        parts=[{"title": "Semua", "amount": 120_000, "due_at": START + 20 * DAY}],
    )
    clock.move_to(START + 2 * DAY)

    services.milestone_fund(milestone_id=part.pk, actor=contract.client)

    assert fresh(part).due_at == START + 20 * DAY
    assert fresh(part).funded_at == timezone.now()
