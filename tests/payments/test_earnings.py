"""A freelancer's earnings in a calendar month: releases into their wallet, counted by the
month in Jakarta (UTC+7), not in UTC. A client's spending: what they released to freelancers in
the month, and what they hold in escrow."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from payments.selectors.wallet import (
    client_spending_this_month,
    wallet_releases_this_month,
    wallet_releases_total,
)
from projects.services import milestones as services
from tests.accounts.factories import UserFactory
from tests.projects.factories import ContractFactory, top_up

pytestmark = pytest.mark.django_db

FEB_LAST_MINUTE = datetime(2025, 2, 28, 16, 59, tzinfo=UTC)  # 28 Feb, 23:59 in Jakarta
MARCH_FIRST_MINUTE = datetime(2025, 2, 28, 17, 0, tzinfo=UTC)  # 1 Mar, 00:00 in Jakarta
MARCH_LAST_MINUTE = datetime(2025, 3, 31, 16, 59, tzinfo=UTC)  # 31 Mar, 23:59 in Jakarta
APRIL_FIRST_MINUTE = datetime(2025, 3, 31, 17, 0, tzinfo=UTC)  # 1 Apr, 00:00 in Jakarta


def release(freelancer, amount: int, client=None):
    """Fund, deliver and approve a one-milestone contract of ``amount`` for ``freelancer``."""
    extra = {"bid__gig__client": client} if client is not None else {}
    contract = ContractFactory(bid__freelancer=freelancer, bid__amount=amount, **extra)
    top_up(contract.client, amount)
    milestone = contract.milestones.get()
    services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    services.milestone_submit(milestone_id=milestone.pk, actor=freelancer, note="Selesai.")
    services.milestone_approve(milestone_id=milestone.pk, actor=contract.client)
    return contract


def test_the_month_is_the_calendar_month_in_jakarta(time_machine):
    freelancer = UserFactory()
    for moment, amount in [
        (FEB_LAST_MINUTE, 100_000),
        (MARCH_FIRST_MINUTE, 120_000),
        (MARCH_LAST_MINUTE, 150_000),
        (APRIL_FIRST_MINUTE, 200_000),
    ]:
        time_machine.move_to(moment, tick=False)
        release(freelancer, amount)

    # Less the 10 % fee: 108.000 + 135.000 in March.
    assert wallet_releases_this_month(user=freelancer, now=MARCH_FIRST_MINUTE) == 243_000
    assert wallet_releases_this_month(user=freelancer, now=MARCH_LAST_MINUTE) == 243_000
    assert wallet_releases_this_month(user=freelancer, now=FEB_LAST_MINUTE) == 90_000
    assert wallet_releases_this_month(user=freelancer, now=APRIL_FIRST_MINUTE) == 180_000


def test_top_ups_refunds_and_other_peoples_releases_are_not_earnings(time_machine):
    time_machine.move_to(MARCH_FIRST_MINUTE, tick=False)
    freelancer, someone_else = UserFactory(), UserFactory()
    top_up(freelancer, 500_000)
    release(someone_else, 120_000)
    contract = ContractFactory(bid__freelancer=freelancer, bid__amount=120_000)
    top_up(contract.client, 120_000)
    milestone = contract.milestones.get()
    services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    services.milestone_cancel(milestone_id=milestone.pk, actor=freelancer)  # a refund

    assert wallet_releases_this_month(user=freelancer) == 0
    assert wallet_releases_this_month(user=contract.client) == 0
    assert wallet_releases_this_month(user=someone_else) == 108_000


def test_the_total_counts_from_start_up_to_but_not_including_end(time_machine):
    time_machine.move_to(MARCH_FIRST_MINUTE, tick=False)
    freelancer = UserFactory()
    release(freelancer, 120_000)

    assert (
        wallet_releases_total(user=freelancer, start=MARCH_FIRST_MINUTE, end=APRIL_FIRST_MINUTE)
        == 108_000
    )
    assert (
        wallet_releases_total(user=freelancer, start=FEB_LAST_MINUTE, end=MARCH_FIRST_MINUTE) == 0
    )


def test_a_clients_spending_is_the_months_releases_with_the_fee_and_what_escrow_holds(
    time_machine,
):
    client, freelancer = UserFactory(), UserFactory()
    time_machine.move_to(FEB_LAST_MINUTE, tick=False)
    release(freelancer, 100_000, client=client)  # February in Jakarta
    time_machine.move_to(MARCH_FIRST_MINUTE, tick=False)
    release(freelancer, 120_000, client=client)
    release(UserFactory(), 50_000, client=client)
    release(freelancer, 70_000)  # another client's
    funded = ContractFactory(bid__gig__client=client, bid__amount=80_000)
    top_up(client, 80_000)
    services.milestone_fund(milestone_id=funded.milestones.get().pk, actor=client)
    refunded = ContractFactory(bid__gig__client=client, bid__amount=30_000)
    top_up(client, 30_000)
    milestone = refunded.milestones.get()
    services.milestone_fund(milestone_id=milestone.pk, actor=client)
    services.milestone_cancel(milestone_id=milestone.pk, actor=refunded.freelancer)

    spending = client_spending_this_month(user=client, now=MARCH_LAST_MINUTE)

    assert spending.paid == 170_000  # the prices the client paid, fee included; not February's
    assert spending.in_escrow == 80_000  # the refunded one went back to the wallet
    assert client_spending_this_month(user=client, now=FEB_LAST_MINUTE).paid == 100_000
    nobody = client_spending_this_month(user=freelancer, now=MARCH_LAST_MINUTE)
    assert (nobody.paid, nobody.in_escrow) == (0, 0)
