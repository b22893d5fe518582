"""Refunds racing spends of the same wallet, with real threads and row locks (PostgreSQL only):
whoever wins, the wallet never goes below zero, nothing is created or lost, and the ledger
audit passes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission

from accounts.models import User
from marketplace.errors import DomainError
from payments.models import Account, DepositRefund, Withdrawal
from payments.services import ledger
from payments.services.chargebacks import owed_amount
from payments.services.deposits import deposit_complete, deposit_create
from payments.services.refunds import deposit_refund
from payments.services.withdrawals import withdrawal_request
from projects.audit import ledger_problems
from projects.models import Milestone
from projects.services import milestones as milestone_services
from tests.accounts.factories import UserFactory
from tests.payments.factories import verified
from tests.projects.factories import ContractFactory
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _sandbox(settings):
    settings.PAYMENT_GATEWAY = "sandbox"


def finance() -> User:
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="process_withdrawal"))
    return User.objects.get(pk=staff.pk)


def paid(user: User, amount: int):
    deposit = deposit_create(user=user, amount=amount, provider="sandbox")
    return deposit_complete(
        provider="sandbox", reference=deposit.reference, status="paid", amount=amount
    )


def wallet_of(user: User) -> int:
    reference = ledger.wallet(user.pk).reference
    return Account.objects.filter(reference=reference).values_list("balance", flat=True).first()


def settle(result: Any) -> str:
    """ "ok" or the refusal's code; any other exception fails the test (a 500)."""
    if isinstance(result, DomainError):
        return "refused"
    assert not isinstance(result, Exception), repr(result)
    return "ok"


def withdraw(user: User, amount: int) -> Any:
    return withdrawal_request(
        user=user,
        amount=amount,
        method="bank",
        bank_code="BCA",
        account_number="1234567890",
        holder_name="Sari Wulandari",
    )


def test_a_refund_racing_a_withdrawal_never_overdraws_the_wallet():
    payer = verified(UserFactory())
    deposit = paid(payer, 150_000)
    staff = finance()

    results = race(
        [
            lambda: deposit_refund(
                deposit=deposit, amount=100_000, reason="", staff=staff, key="race-1"
            ),
            lambda: withdraw(payer, 100_000),
        ]
    )

    assert sorted(settle(r) for r in results) == ["ok", "refused"]
    assert wallet_of(payer) == 50_000
    refunded = DepositRefund.objects.filter(status="refunded").count()
    withdrawn = Withdrawal.objects.count()
    assert refunded + withdrawn == 1
    assert ledger_problems() == []


def test_a_refund_racing_a_milestone_funding_never_overdraws_the_wallet():
    contract = ContractFactory(bid__amount=120_000)
    client = contract.client
    milestone = contract.milestones.get()
    deposit = paid(client, 150_000)
    staff = finance()

    results = race(
        [
            lambda: deposit_refund(
                deposit=deposit, amount=100_000, reason="", staff=staff, key="race-2"
            ),
            lambda: milestone_services.milestone_fund(milestone_id=milestone.pk, actor=client),
        ]
    )

    assert sorted(settle(r) for r in results) == ["ok", "refused"]
    milestone.refresh_from_db()
    refunded = DepositRefund.objects.filter(status="refunded").exists()
    assert refunded != (milestone.status == Milestone.Status.FUNDED)
    assert wallet_of(client) == (50_000 if refunded else 30_000)
    assert ledger_problems() == []


def test_a_chargeback_racing_a_withdrawal_takes_what_is_left_and_records_the_rest():
    payer = verified(UserFactory())
    deposit = paid(payer, 150_000)

    results = race(
        [
            lambda: deposit_complete(
                provider="sandbox",
                reference=deposit.reference,
                status="refunded",
                amount=150_000,
                refunded=150_000,
            ),
            lambda: withdraw(payer, 100_000),
        ]
    )

    outcome = [settle(r) for r in results]
    assert outcome[0] == "ok"
    assert wallet_of(payer) == 0
    taken = DepositRefund.objects.get()
    # Either the withdrawal went first (100 000 owed) or was refused (all taken, nothing owed).
    if outcome[1] == "ok":
        assert (taken.taken_from_wallet, owed_amount(user_id=payer.pk)) == (50_000, 100_000)
    else:
        assert (taken.taken_from_wallet, owed_amount(user_id=payer.pk)) == (150_000, 0)
    assert ledger_problems() == []
