"""A sweep never waits on a row lock held elsewhere (PostgreSQL, a real second connection).

A person's request, an admin's edit or a stuck transaction may hold a row a sweep needs. The
sweep skips a row whose own lock is taken (``skip_locked``), waits at most
``TIMER_LOCK_TIMEOUT_SECONDS`` for any further lock its transaction needs, handles the other
rows meanwhile, and comes back to the skipped one on its next run — which then does it once.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Notification
from payments.models import Account, LedgerTransaction
from projects.models import Bid, Contract, Gig, Milestone
from projects.services import bids as bid_services
from projects.services import milestones as services
from projects.tasks import sweep_auto_release, sweep_bidding_deadlines, sweep_unfunded_contracts
from tests.accounts.factories import UserFactory
from tests.projects.factories import ContractFactory, GigFactory, top_up
from tests.races import row_lock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

M = Milestone.Status
AMOUNT = 120_000


def no_lock_waiters() -> bool:
    """Nothing in the database is still waiting for a lock (asked on the test's connection)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] == 0


def timed(call) -> tuple[object, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


# --- auto-release ------------------------------------------------------------------------------


def due_for_auto_release() -> Milestone:
    """A funded Rp 120.000 milestone submitted AUTO_RELEASE_DAYS and an hour ago."""
    ago = timedelta(days=settings.AUTO_RELEASE_DAYS, hours=1)
    with time_machine.travel(timezone.now() - ago, tick=True):
        contract = ContractFactory(bid__amount=AMOUNT)
        top_up(contract.client, AMOUNT)
        milestone = contract.milestones.get()
        services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
        return services.milestone_submit(
            milestone_id=milestone.pk, actor=contract.freelancer, note="Logo final terlampir."
        )


def releases(milestone: Milestone) -> int:
    return LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.RELEASE, reference=f"milestone:{milestone.pk}"
    ).count()


def escrow(milestone: Milestone) -> int:
    found = Account.objects.filter(reference=f"escrow:milestone:{milestone.pk}")
    return found.values_list("balance", flat=True).first() or 0


def released_notices(milestone: Milestone) -> int:
    return Notification.objects.filter(
        kind="milestone_released", key__startswith=f"milestone_released:milestone:{milestone.pk}:"
    ).count()


def assert_untouched(milestone: Milestone) -> None:
    fresh = Milestone.objects.get(pk=milestone.pk)
    assert fresh.status == M.SUBMITTED
    assert releases(milestone) == 0
    assert escrow(milestone) == AMOUNT
    assert released_notices(milestone) == 0
    assert Contract.objects.get(pk=milestone.contract_id).status == Contract.Status.ACTIVE


def assert_released_once(milestone: Milestone) -> None:
    assert Milestone.objects.get(pk=milestone.pk).status == M.RELEASED
    assert releases(milestone) == 1
    assert escrow(milestone) == 0
    assert released_notices(milestone) == 1


@pytest.mark.parametrize(
    "locked",
    [
        # The contract: the release's first lock, so the row is skipped at once.
        pytest.param(lambda m: m.contract, id="its contract (skipped at once)"),
        # The gig, which the release locks last, as the contract completes: waited for
        # TIMER_LOCK_TIMEOUT_SECONDS, then the row's transaction is rolled back.
        pytest.param(lambda m: m.contract.gig, id="its gig (a bounded wait)"),
    ],
)
def test_the_auto_release_sweep_passes_a_locked_row_and_releases_it_next_run(settings, locked):
    settings.TIMER_LOCK_TIMEOUT_SECONDS = 0.5
    first, busy, last = (due_for_auto_release() for _ in range(3))

    with row_lock(locked(busy)) as holder:
        released, took = timed(sweep_auto_release)

        # It did not sit behind the lock: at most the bounded wait, and it let go of it.
        assert took < 0.5 + 2.0, took
        assert no_lock_waiters()
        assert released == 2
        assert_released_once(first)
        assert_released_once(last)
        assert_untouched(busy)  # nothing of its half-done release was kept
        holder.rollback()

    assert sweep_auto_release() == 1  # the next run comes back to it
    assert_released_once(busy)
    assert sweep_auto_release() == 0
    for milestone in (first, busy, last):
        assert_released_once(milestone)


def test_a_locked_row_does_not_hold_up_a_sweep_for_the_rest_of_its_batch(settings):
    """Many rows behind one lock each: the sweep's time is bounded by the locked rows it meets,
    never by how long the holder keeps them."""
    settings.TIMER_LOCK_TIMEOUT_SECONDS = 0.2
    milestones = [due_for_auto_release() for _ in range(4)]
    gigs = [Gig.objects.get(pk=m.contract.gig_id) for m in milestones[:2]]

    with row_lock(gigs[0]), row_lock(gigs[1]):
        released, took = timed(sweep_auto_release)
        assert released == 2
        assert took < 2 * 0.2 + 2.0, took
        assert no_lock_waiters()
        for busy in milestones[:2]:
            assert_untouched(busy)

    assert sweep_auto_release() == 2
    for milestone in milestones:
        assert_released_once(milestone)


# --- the bidding and funding timers -----------------------------------------------------------


def test_the_gig_expiry_sweep_passes_a_gig_whose_bid_is_locked(settings):
    """An expiring gig rejects its open bids: a bid locked elsewhere (its freelancer is editing
    it) makes the gig wait for the next run, without stalling the other gigs."""
    settings.TIMER_LOCK_TIMEOUT_SECONDS = 0.5
    ago = timedelta(days=settings.AWARD_WINDOW_DAYS + 2)
    gigs, bids = [], []
    for _ in range(2):
        with time_machine.travel(timezone.now() - ago, tick=True):
            gig = GigFactory()
            bids.append(
                bid_services.bid_place(
                    gig_id=gig.pk,
                    freelancer=UserFactory(),
                    amount=AMOUNT,
                    delivery_days=5,
                    cover_letter="Saya siap mengerjakan ini minggu ini.",
                )
            )
        gigs.append(gig)
    Gig.objects.filter(pk__in=[g.pk for g in gigs]).update(
        bidding_deadline=timezone.now() - timedelta(days=settings.AWARD_WINDOW_DAYS, hours=1)
    )

    def state(gig: Gig, bid: Bid) -> tuple[str, str]:
        return Gig.objects.get(pk=gig.pk).status, Bid.objects.get(pk=bid.pk).status

    with row_lock(bids[0]) as holder:
        handled, took = timed(sweep_bidding_deadlines)
        assert took < 0.5 + 2.0, took
        assert handled == 1
        assert state(gigs[0], bids[0]) == (Gig.Status.OPEN, Bid.Status.PENDING)
        assert not Notification.objects.filter(key=f"gig_expired:gig:{gigs[0].pk}").exists()
        assert state(gigs[1], bids[1]) == (Gig.Status.EXPIRED, Bid.Status.REJECTED)
        holder.rollback()

    assert sweep_bidding_deadlines() == 1
    assert state(gigs[0], bids[0]) == (Gig.Status.EXPIRED, Bid.Status.REJECTED)
    assert Notification.objects.filter(key=f"gig_expired:gig:{gigs[0].pk}").count() == 1


def test_the_unfunded_contract_sweep_passes_a_contract_whose_milestone_is_locked(settings):
    """Cancelling an unfunded contract cancels its pending milestones: one locked elsewhere (the
    client is funding it right now) leaves the contract for the next run."""
    settings.TIMER_LOCK_TIMEOUT_SECONDS = 0.5
    ago = timedelta(days=settings.FUNDING_WINDOW_DAYS, hours=1)
    with time_machine.travel(timezone.now() - ago, tick=True):
        busy, free = ContractFactory(), ContractFactory()

    def state(contract: Contract) -> tuple[str, str]:
        fresh = Contract.objects.get(pk=contract.pk)
        return fresh.status, fresh.milestones.get().status

    with row_lock(busy.milestones.get()) as holder:
        handled, took = timed(sweep_unfunded_contracts)
        assert took < 0.5 + 2.0, took
        assert no_lock_waiters()
        assert handled == 1
        assert state(busy) == (Contract.Status.ACTIVE, M.PENDING)
        assert state(free) == (Contract.Status.CANCELLED, M.CANCELLED)
        holder.rollback()

    assert sweep_unfunded_contracts() == 1
    assert state(busy) == (Contract.Status.CANCELLED, M.CANCELLED)
