"""The reputation figures, computed by hand: the formula as a table, then every figure on data
made through the real services (fund, submit, release, cancel, dispute, resolve, message,
review), the change log of the event-driven recalculation, its debounce (counted on a real
broker's queue) and the sweep that finds events whose task message was lost.

The nightly set-based pass is in ``test_reputation_nightly.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import ClientProfile, FreelancerProfile, ReputationChange
from marketplace.celery import app as celery_app
from marketplace.errors import Conflict
from projects.models import Contract, Gig, Milestone, ReputationEvent
from projects.reputation.calculation import (
    FOUR,
    TWO,
    bayesian_rating,
    client_figures,
    freelancer_figures,
    platform_mean,
    share,
)
from projects.reputation.services import reputation_recalculate_user
from projects.services import milestones as ms
from projects.services.contracts import message_post, milestones_split
from projects.services.reviews import review_submit
from projects.tasks import recalculate_user_reputation, sweep_reputation_events
from tests.accounts.factories import UserFactory
from tests.projects.factories import ContractFactory, GigFactory, top_up

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)
NOTE = "Selesai, silakan dicek."
ALL_FIVE = (5, 5, 5)


# --- Building real histories through the services ---------------------------------------------


def hire(
    *,
    client=None,
    freelancer=None,
    amount: int = 120_000,
    revisions: int = 2,
    delivery_days: int = 5,
) -> Contract:
    """An active contract (one pending milestone due in ``delivery_days``, 5) with the client's
    wallet holding its amount. Users are made when not given."""
    client = client or UserFactory()
    freelancer = freelancer or UserFactory()
    contract = ContractFactory(
        bid__gig__client=client,
        bid__freelancer=freelancer,
        bid__amount=amount,
        bid__revisions_included=revisions,
        bid__delivery_days=delivery_days,
    )
    top_up(client, amount)
    return contract


def only(contract: Contract) -> Milestone:
    return contract.milestones.get()


def fund(contract: Contract, milestone: Milestone | None = None) -> Milestone:
    milestone = milestone or only(contract)
    return ms.milestone_fund(milestone_id=milestone.pk, actor=contract.client)


def submit(contract: Contract, milestone: Milestone | None = None) -> Milestone:
    milestone = milestone or only(contract)
    return ms.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)


def release(contract: Contract, milestone: Milestone | None = None) -> Milestone:
    milestone = milestone or only(contract)
    return ms.milestone_release(milestone_id=milestone.pk, actor=contract.client)


def revise(contract: Contract, milestone: Milestone | None = None) -> Milestone:
    milestone = milestone or only(contract)
    return ms.milestone_request_revision(
        milestone_id=milestone.pk, actor=contract.client, note="Warnanya lebih cerah."
    )


def deliver(contract: Contract) -> Contract:
    """Fund, submit and release the only milestone now: the contract completes."""
    fund(contract)
    submit(contract)
    release(contract)
    contract.refresh_from_db()
    return contract


def review_both(contract: Contract, of_freelancer=ALL_FIVE, of_client=ALL_FIVE) -> None:
    """Both parties review (scores as quality, communication, value): both are revealed."""
    for actor, (quality, communication, value) in (
        (contract.client, of_freelancer),
        (contract.freelancer, of_client),
    ):
        review_submit(
            contract_id=contract.pk,
            actor=actor,
            quality=quality,
            communication=communication,
            value=value,
            comment="Kerja sama yang baik.",
        )


def figures(user, now: datetime) -> dict:
    return freelancer_figures(user_id=user.pk, now=now, prior=platform_mean()).as_dict()


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)

    def at(delta: timedelta) -> datetime:
        time_machine.move_to(START + delta, tick=False)
        return START + delta

    return at


@pytest.fixture
def moderator(db):
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        Permission.objects.get(codename="moderate_gig", content_type__app_label="projects")
    )
    user = UserFactory(is_staff=True)
    user.groups.add(group)
    return user


# --- (a) The formula, by hand -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "prior", "points", "count", "weight", "expected"),
    [
        # No review revealed anywhere on the platform: nobody has a rating yet.
        ("nothing revealed anywhere", None, 0, 0, 5, None),
        # No review of their own: 5 imaginary reviews at the mean, (5 × 4.5) / 5 = 4.500.
        ("no review yet", Decimal("4.5"), 0, 0, 5, Decimal("4.500")),
        # New freelancer, one 5-star review (points 15 = 5+5+5):
        # (5 × 4.5 + 15/3) / (5 + 1) = 27.5 / 6 = 4.58333… → 4.583
        ("new, one 5-star", Decimal("4.5"), 15, 1, 5, Decimal("4.583")),
        # Established, fifty reviews averaging 4.8 (points 50 × 14.4 = 720):
        # (5 × 4.5 + 720/3) / (5 + 50) = 262.5 / 55 = 4.77272… → 4.773 — above the new one,
        # although their plain averages are 4.8 < 5.0.
        ("established, fifty 4.8s", Decimal("4.5"), 720, 50, 5, Decimal("4.773")),
        # One 1-star review: (22.5 + 1) / 6 = 3.91666… → 3.917
        ("new, one 1-star", Decimal("4.5"), 3, 1, 5, Decimal("3.917")),
        # Exactly half way: (5 × 4.8182 + 5) / 6 = 29.091 / 6 = 4.8485 → 4.849 (half up; half
        # to even would give 4.848, and so would a float).
        ("half up", Decimal("4.8182"), 15, 1, 5, Decimal("4.849")),
        # Without a prior weight it is the plain mean: 14 / 3 = 4.6666… → 4.667
        ("weight 0 is the plain mean", Decimal("4.5"), 14, 1, 0, Decimal("4.667")),
        # A thousand 3-star reviews drown the prior: (22.5 + 3000) / 1005 = 3.00746… → 3.007
        ("many reviews outweigh the prior", Decimal("4.5"), 9000, 1000, 5, Decimal("3.007")),
    ],
)
def test_bayesian_rating_by_hand(case, prior, points, count, weight, expected):
    assert bayesian_rating(points=points, count=count, prior=prior, weight=weight) == expected


def test_the_prior_keeps_one_five_star_review_below_fifty_four_point_eights():
    new = bayesian_rating(points=15, count=1, prior=Decimal("4.5"), weight=5)
    established = bayesian_rating(points=720, count=50, prior=Decimal("4.5"), weight=5)

    assert (new, established) == (Decimal("4.583"), Decimal("4.773"))
    assert established > new


@pytest.mark.parametrize(
    ("part", "whole", "places", "expected"),
    [
        (2, 3, None, Decimal("0.667")),  # 0.6666… → 0.667
        (1, 3, None, Decimal("0.333")),  # 0.3333… → 0.333
        (0, 5, None, Decimal("0.000")),  # measured, and zero
        (5, 5, None, Decimal("1.000")),
        (1, 0, None, None),  # nothing to measure yet
        (0, 0, None, None),
        (1, 16, None, Decimal("0.063")),  # 0.0625 → half up
        (7, 16, None, Decimal("0.438")),  # 0.4375 → half up
        (1, 8, TWO, Decimal("0.13")),  # 0.125 → half up at two places
        (2, 3, TWO, Decimal("0.67")),
        (195, 45, FOUR, Decimal("4.3333")),  # a platform mean: 4.3333…
        (25201, 2, Decimal(1), Decimal("12601")),  # 12600.5 seconds → 12601
    ],
)
def test_share_by_hand(part, whole, places, expected):
    result = share(part, whole) if places is None else share(part, whole, places)
    assert result == expected
    if expected is not None:
        assert str(result) == str(expected)  # the published number of decimals


# --- (a) Each figure on histories made through the services -----------------------------------


def test_rating_new_freelancer_one_five_star_vs_established_many_four_point_eights(db, clock):
    new, established, mediocre = UserFactory(), UserFactory(), UserFactory()
    deliver(contract := hire(freelancer=new))
    review_both(contract, of_freelancer=(5, 5, 5))
    # Ten reviews averaging 4.8: four of 15 points and six of 14 (5, 5, 4): 60 + 84 = 144.
    for scores in [(5, 5, 5)] * 4 + [(5, 5, 4)] * 6:
        deliver(contract := hire(freelancer=established))
        review_both(contract, of_freelancer=scores)
    for _ in range(4):  # four 3-star reviews: 4 × 9 = 36 points
        deliver(contract := hire(freelancer=mediocre))
        review_both(contract, of_freelancer=(3, 3, 3))
    # A hidden review (the other party has not reviewed yet) counts nowhere.
    deliver(contract := hire(freelancer=mediocre))
    review_submit(
        contract_id=contract.pk,
        actor=contract.client,
        quality=1,
        communication=1,
        value=1,
        comment="Terlambat.",
    )

    # Platform mean C over 15 revealed reviews of freelancers: (15 + 144 + 36) / 45
    # = 195 / 45 = 4.33333… → 4.3333 (the reviews of clients do not count).
    assert platform_mean() == Decimal("4.3333")
    now = START
    # new:         (5 × 4.3333 + 15/3)  / (5 + 1)  = (64.9995 + 15)  / 18 = 4.44441… → 4.444
    # established: (5 × 4.3333 + 144/3) / (5 + 10) = (64.9995 + 144) / 45 = 4.64443… → 4.644
    # mediocre:    (5 × 4.3333 + 36/3)  / (5 + 4)  = (64.9995 + 36)  / 27 = 3.74072… → 3.741
    got = {name: figures(user, now) for name, user in [("new", new), ("est", established)]}
    got["med"] = figures(mediocre, now)
    assert {name: f["rating"] for name, f in got.items()} == {
        "new": Decimal("4.444"),
        "est": Decimal("4.644"),
        "med": Decimal("3.741"),
    }
    assert [(f["rating_count"], f["rating_points"]) for f in got.values()] == [
        (1, 15),
        (10, 144),
        (4, 36),
    ]
    assert {f["rating_prior"] for f in got.values()} == {Decimal("4.3333")}
    # The plain averages (5.0 vs 4.8) would rank the newcomer first; the prior does not.
    assert got["est"]["rating"] > got["new"]["rating"]


def test_on_time_rate_counts_first_submissions_of_funded_milestones_by_their_due_date(db, clock):
    # A one-day bid, so the split may set due dates from one day on.
    contract = hire(amount=700_000, delivery_days=1)
    day = timedelta(days=1)
    due = [1 * day, 2 * day, 3 * day, 3 * day, 4 * day, 4 * day, 10 * day]
    parts = milestones_split(
        contract_id=contract.pk,
        actor=contract.client,
        parts=[
            {"title": f"Bagian {i + 1}", "amount": 100_000, "due_at": START + d}
            for i, d in enumerate(due)
        ],
    )
    p1, p2, p3, p4, _p5, p6, p7 = parts
    for milestone in (p1, p2, p3, p4, p6, p7):  # p5 stays unfunded
        fund(contract, milestone)

    clock(timedelta(hours=12))
    submit(contract, p1)  # half a day early: on time
    clock(2 * day)
    submit(contract, p2)  # exactly at the due date: on time ("at or before")
    clock(2 * day + timedelta(hours=12))
    submit(contract, p4)  # on time the first time…
    clock(2 * day + timedelta(hours=13))
    revise(contract, p4)
    clock(3 * day + timedelta(seconds=1))
    submit(contract, p3)  # one second late
    clock(4 * day)
    submit(contract, p4)  # …resubmitted after its due date: the first submission counts

    # At day 5: counted are the funded milestones submitted or past due — p1, p2, p3, p4 and
    # p6 (funded, due day 4, nothing delivered); not p5 (never funded) nor p7 (due day 10).
    # On time: p1, p2, p4.  3 / 5 = 0.600
    at_day_5 = figures(contract.freelancer, START + 5 * day)
    assert (at_day_5["on_time_count"], at_day_5["on_time_total"]) == (3, 5)
    assert at_day_5["on_time_rate"] == Decimal("0.600")
    # At day 11 p7 is past due with nothing delivered: 3 / 6 = 0.500
    at_day_11 = figures(contract.freelancer, START + 11 * day)
    assert (at_day_11["on_time_count"], at_day_11["on_time_total"]) == (3, 6)
    assert at_day_11["on_time_rate"] == Decimal("0.500")


def test_completion_rate_counts_completions_against_the_freelancers_failures(db, clock, moderator):
    freelancer = UserFactory()
    completed = deliver(hire(freelancer=freelancer))

    quit_ = hire(freelancer=freelancer)
    fund(quit_)
    ms.milestone_cancel(milestone_id=only(quit_).pk, actor=freelancer)

    withdrawn = hire(freelancer=freelancer)  # the client cancels before funding
    ms.milestone_cancel(milestone_id=only(withdrawn).pk, actor=withdrawn.client)

    overdue = hire(freelancer=freelancer)
    fund(overdue)
    with pytest.raises(Conflict):  # not overdue yet: the client may not cancel alone
        ms.milestone_cancel(milestone_id=only(overdue).pk, actor=overdue.client)

    lost, half = hire(freelancer=freelancer), hire(freelancer=freelancer)
    for contract, freelancer_amount in ((lost, 59_999), (half, 60_000)):
        fund(contract)
        submit(contract)
        ms.milestone_dispute(milestone_id=only(contract).pk, actor=contract.client, reason="Buruk")
        ms.milestone_resolve(
            milestone_id=only(contract).pk,
            moderator=moderator,
            freelancer_amount=freelancer_amount,
            note="Diputuskan.",
        )
    active = hire(freelancer=freelancer)
    fund(active)

    clock(timedelta(days=5))  # the due date: now the client may cancel, at the freelancer's cost
    ms.milestone_cancel(milestone_id=only(overdue).pk, actor=overdue.client)

    outcomes = {
        c.pk: c.outcome for c in Contract.objects.filter(freelancer=freelancer).order_by("pk")
    }
    assert outcomes == {
        completed.pk: Contract.Outcome.COMPLETED,
        quit_.pk: Contract.Outcome.CANCELLED_BY_FREELANCER,
        withdrawn.pk: Contract.Outcome.CANCELLED_BY_CLIENT,
        overdue.pk: Contract.Outcome.CANCELLED_BY_FREELANCER,
        # 59.999 × 2 = 119.998 < 120.000: lost. 60.000 × 2 = 120.000 is not less: paid work.
        lost.pk: Contract.Outcome.DISPUTE_LOST,
        half.pk: Contract.Outcome.COMPLETED,
        active.pk: "",
    }
    # Completed: the release and the half-won dispute (2). Counted: those, the freelancer's
    # cancellation, the overdue one and the lost dispute (5); not the client's withdrawal, not
    # the active contract.  2 / 5 = 0.400
    result = figures(freelancer, START + timedelta(days=5))
    assert (result["completed_count"], result["completion_total"]) == (2, 5)
    assert result["completion_rate"] == Decimal("0.400")


def test_repeat_client_rate_counts_clients_with_two_completed_contracts(db, clock):
    freelancer = UserFactory()
    a, b, c, d = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    for client, completed in ((a, 2), (b, 1), (c, 1), (d, 3)):
        for _ in range(completed):
            deliver(hire(client=client, freelancer=freelancer))
    cancelled = hire(client=c, freelancer=freelancer)  # c's second contract never completes
    ms.milestone_cancel(milestone_id=only(cancelled).pk, actor=c)

    # Clients of completed contracts: a, b, c, d (4). With two or more: a (2) and d (3).
    # 2 / 4 = 0.500
    result = figures(freelancer, START)
    assert (result["repeat_clients"], result["distinct_clients"]) == (2, 4)
    assert result["repeat_client_rate"] == Decimal("0.500")


def test_median_response_is_the_freelancers_first_message_or_delivery_after_the_hire(db, clock):
    freelancer = UserFactory()
    r1, r2, r3, r4, _silent = (hire(freelancer=freelancer) for _ in range(5))
    for contract in (r2, r3):
        fund(contract)

    clock(timedelta(minutes=10))
    message_post(contract_id=r1.pk, actor=r1.client, body="Halo, sudah mulai?")  # not theirs
    clock(timedelta(hours=1))
    message_post(contract_id=r1.pk, actor=freelancer, body="Sudah, draf sore ini.")  # 3600 s
    clock(timedelta(hours=1, minutes=30, seconds=1))
    submit(r2)  # a delivery is a response: 5401 s
    clock(timedelta(hours=2))
    message_post(contract_id=r3.pk, actor=freelancer, body="Siap.")  # 7200 s
    clock(timedelta(hours=3))
    submit(r3)  # the second response on r3 changes nothing
    clock(timedelta(seconds=100_000))
    message_post(contract_id=r4.pk, actor=freelancer, body="Maaf baru balas.")  # 100000 s

    seconds = [
        c.first_response_seconds
        for c in Contract.objects.filter(freelancer=freelancer).order_by("pk")
    ]
    assert seconds == [3600, 5401, 7200, 100_000, None]
    # Median of four: (5401 + 7200) / 2 = 6300.5 → 6301 (half up); the silent contract has no
    # sample.
    result = figures(freelancer, START + timedelta(days=2))
    assert (result["median_response_seconds"], result["response_samples"]) == (6301, 4)


def test_client_record_by_hand(db, clock, moderator):
    client = UserFactory()
    GigFactory(client=client, status=Gig.Status.OPEN)  # published, bidding still open
    GigFactory(client=client, status=Gig.Status.EXPIRED)
    GigFactory(client=client, status=Gig.Status.CANCELLED)
    GigFactory(client=client, status=Gig.Status.DRAFT, published_at=None)  # never published
    revised, quick, disputed = (hire(client=client) for _ in range(3))
    for contract in (revised, quick, disputed):
        fund(contract)
    hour = timedelta(hours=1)

    clock(24 * hour)
    submit(revised)
    submit(quick)
    submit(disputed)
    clock(25 * hour)
    revise(revised)
    ms.milestone_dispute(milestone_id=only(disputed).pk, actor=client, reason="Tidak sesuai.")
    clock(26 * hour)
    submit(revised)
    clock(27 * hour)
    revise(revised)
    clock(28 * hour)
    submit(revised)
    clock(29 * hour + timedelta(seconds=1))
    release(quick)  # 5 h 0 min 1 s after its submission: 18001 s
    clock(30 * hour)
    release(revised)  # 2 h after the last submission: 7200 s
    ms.milestone_resolve(
        milestone_id=only(disputed).pk, moderator=moderator, freelancer_amount=80_000, note="Bagi."
    )
    review_both(revised, of_client=(5, 4, 4))  # 13 points
    review_both(quick, of_client=(3, 3, 4))  # 10 points

    record = client_figures(user_id=client.pk).as_dict()
    assert record == {
        # Published: the open, expired and cancelled gigs and the three hired ones (6); the
        # draft is not. Bidding over: all but the open one (5).
        "gigs_posted": 6,
        "gigs_closed": 5,
        "hires": 3,
        "hire_rate": Decimal("0.600"),  # 3 / 5
        # (18001 + 7200) / 2 = 12600.5 → 12601; the resolved dispute has no approval
        "avg_approval_seconds": 12601,
        "approvals": 2,
        "contracts": 3,
        "disputed_contracts": 1,
        "dispute_rate": Decimal("0.333"),  # 1 / 3
        "revisions_requested": 2,
        "milestones_delivered": 3,
        "revisions_per_milestone": Decimal("0.67"),  # 2 / 3 = 0.666… → 0.67
        "rating_count": 2,
        "rating_points": 23,  # 13 + 10
        "rating_average": Decimal("3.833"),  # 23 / 6 = 3.8333… → 3.833
    }


# --- (c) The change log of the event-driven recalculation --------------------------------------


def change_log(user) -> list[tuple[str, str, str, str, str]]:
    return list(
        ReputationChange.objects.filter(user=user)
        .order_by("id")
        .values_list("figure", "old_value", "new_value", "cause", "reference")
    )


def test_each_moved_figure_is_logged_once_with_the_event_that_moved_it(
    db, clock, django_capture_on_commit_callbacks
):
    contract = hire()
    fund(contract)
    clock(timedelta(hours=5))
    submit(contract)
    clock(timedelta(hours=8))
    with django_capture_on_commit_callbacks(execute=True):
        release(contract)  # the contract closes: an event for each party

    closed = f"contract:{contract.pk}"
    assert change_log(contract.freelancer) == [
        # No review anywhere: the rating stays empty and is not logged.
        ("on_time_rate", "", "1.000", "contract_closed", closed),
        ("completion_rate", "", "1.000", "contract_closed", closed),
        ("repeat_client_rate", "", "0.000", "contract_closed", closed),  # 0 of 1 client
        ("median_response_seconds", "", "18000", "contract_closed", closed),  # 5 h
    ]
    assert change_log(contract.client) == []  # no freelancer figures of theirs moved
    assert ClientProfile.objects.get(user=contract.client).avg_approval_seconds == 3 * 3600

    with django_capture_on_commit_callbacks(execute=True):
        review_both(contract, of_freelancer=(5, 4, 4))
    review = contract.reviews.get(subject=contract.freelancer)
    # Platform mean: 13 / 3 = 4.3333; rating (5 × 4.3333 + 13/3) / 6 = (64.9995 + 13) / 18
    # = 77.9995 / 18 = 4.33330… → 4.333
    assert change_log(contract.freelancer)[4:] == [
        ("rating", "", "4.333", "review_revealed", f"review:{review.pk}"),
    ]
    profile = FreelancerProfile.objects.get(user=contract.freelancer)
    assert (profile.rating, profile.rating_count, profile.rating_points) == (
        Decimal("4.333"),
        1,
        13,
    )
    assert not ReputationEvent.objects.filter(processed_at__isnull=True).exists()

    # Nothing moved since: a second recalculation logs nothing.
    logged = ReputationChange.objects.count()
    assert reputation_recalculate_user(user_id=contract.freelancer.pk) == []
    assert reputation_recalculate_user(user_id=contract.client.pk) == []
    assert ReputationChange.objects.count() == logged


# --- (d) Debounce, counted on a real broker ----------------------------------------------------


@pytest.fixture
def broker_queue(tmp_path):
    """Celery, for this test, sends real messages to a filesystem broker in ``tmp_path``
    instead of running tasks eagerly; yields a function that takes the messages sent so far.

    Nothing is mocked: the code under test calls ``apply_async`` as in production, kombu
    writes one file per message, and the test reads them back with kombu as a worker would.
    """
    folder = tmp_path / "queue"
    folder.mkdir()
    # broker_transport too: with REDIS_URL set it names the Redis transport, which would
    # otherwise take the filesystem URL as the default Redis on localhost.
    names = ("broker_url", "broker_transport", "broker_transport_options", "task_always_eager")
    saved = {name: celery_app.conf[name] for name in names}

    def forget_pools() -> None:
        # The app caches its broker connection pool and producer pool (keyed by the broker's
        # options at first use); ``app.close()`` would also unregister the app.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    forget_pools()
    celery_app.conf.update(
        broker_url="filesystem://",
        broker_transport=None,
        broker_transport_options={"data_folder_in": str(folder), "data_folder_out": str(folder)},
        task_always_eager=False,
    )

    def take() -> list[tuple[list, str | None]]:
        """The (args, eta) of every reputation message in the queue, taking all messages out
        (the notification e-mails that go with the same events are not counted here)."""
        taken = []
        with celery_app.connection_for_read() as connection:
            assert connection.transport.driver_type == "filesystem"  # not a shared Redis
            # The reputation task's own queue ("heavy"), as Celery routes it.
            route = celery_app.amqp.router.route({}, recalculate_user_reputation.name)
            queue = connection.SimpleQueue(route["queue"].name)
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                args, _kwargs, _options = message.decode()
                if message.headers["task"] == recalculate_user_reputation.name:
                    taken.append((args, message.headers["eta"]))
                message.ack()
            queue.close()
        return taken

    try:
        yield take
    finally:
        forget_pools()
        celery_app.conf.update(saved)


def close_contract(contract: Contract) -> None:
    fund(contract)
    submit(contract)
    release(contract)


@pytest.mark.django_db(transaction=True)
def test_a_burst_in_one_transaction_sends_one_message_per_user(clock, broker_queue, settings):
    settings.REPUTATION_DEBOUNCE_SECONDS = 30
    freelancer = UserFactory()
    contracts = [hire(freelancer=freelancer) for _ in range(3)]
    with transaction.atomic():  # three contracts close: three events for the freelancer
        for contract in contracts:
            close_contract(contract)
        assert broker_queue() == []  # nothing before the commit

    messages = broker_queue()
    # One message for the freelancer (3 events) and one for each client (1 event each), each
    # sent with the debounce countdown.
    assert sorted(args for args, _eta in messages) == sorted(
        [[freelancer.pk]] + [[c.client_id] for c in contracts]
    )
    assert {datetime.fromisoformat(eta) for _args, eta in messages} == {
        START + timedelta(seconds=30)
    }
    assert ReputationEvent.objects.filter(user=freelancer, processed_at__isnull=True).count() == 3


@pytest.mark.django_db(transaction=True)
def test_events_in_several_transactions_within_the_window_send_one_message(
    clock, broker_queue, settings
):
    settings.REPUTATION_DEBOUNCE_SECONDS = 30  # the window: the message's countdown
    freelancer = UserFactory()
    first, second, later = (hire(freelancer=freelancer) for _ in range(3))
    close_contract(first)  # each service call commits its own transaction
    clock(timedelta(seconds=5))
    close_contract(second)
    clock(timedelta(seconds=10))

    messages = [args for args, _eta in broker_queue()]
    assert sorted(messages) == sorted([[first.client_id], [second.client_id], [freelancer.pk]])

    # A worker runs the freelancer's message — the task by its registered name, with the
    # message's arguments: it handles both events and frees the window.
    celery_app.tasks[recalculate_user_reputation.name].apply(args=[freelancer.pk])
    assert ReputationEvent.objects.filter(user=freelancer, processed_at__isnull=True).count() == 0
    profile = FreelancerProfile.objects.get(user=freelancer)
    assert (profile.completed_count, profile.completion_total) == (2, 2)

    close_contract(later)  # an event after the run: a new message
    assert sorted(args for args, _eta in broker_queue()) == sorted(
        [[later.client_id], [freelancer.pk]]
    )


# --- (d) The sweep finds events whose message was lost ----------------------------------------


def test_the_sweep_recalculates_users_whose_message_was_lost(
    db, clock, settings, django_capture_on_commit_callbacks
):
    settings.REPUTATION_DEBOUNCE_SECONDS = 30
    contract = hire()
    fund(contract)
    submit(contract)
    # The commit's callbacks are dropped: the task message never reaches the broker.
    with django_capture_on_commit_callbacks(execute=False) as lost:
        release(contract)
    assert lost  # the enqueue was there, and is lost
    pending = ReputationEvent.objects.filter(processed_at__isnull=True)
    assert sorted(pending.values_list("user_id", flat=True)) == sorted(
        [contract.client_id, contract.freelancer_id]
    )
    assert FreelancerProfile.objects.filter(user=contract.freelancer).first() is None

    clock(timedelta(seconds=59))  # within two windows: the message may still come
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_reputation_events.apply().get() == 0
    assert pending.count() == 2

    clock(timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_reputation_events.apply().get() == 2
    assert pending.count() == 0
    profile = FreelancerProfile.objects.get(user=contract.freelancer)
    assert (profile.completion_rate, profile.reputation_updated_at) == (
        Decimal("1.000"),
        START + timedelta(seconds=61),
    )
    assert ("completion_rate", "contract_closed", f"contract:{contract.pk}") in [
        (figure, cause, reference)
        for figure, _old, _new, cause, reference in change_log(contract.freelancer)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_reputation_events.apply().get() == 0  # nothing left
