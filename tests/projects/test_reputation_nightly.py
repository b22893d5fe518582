"""The nightly set-based reputation pass (``projects.reputation.nightly.recalculate_all``).

It must compute exactly what the per-user reference (``projects.reputation.calculation``)
computes, for every user, in a number of statements that does not grow with the data; log every
figure that moved (and nothing when nothing moved); and catch the movements no event announces —
a deadline passing, the platform mean moving.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import (
    ClientProfile,
    FreelancerProfile,
    ReputationChange,
    ReputationPass,
    User,
)
from accounts.services import profiles_ensure
from projects.models import Bid, Contract, Dispute, Gig, Milestone, Review
from projects.reputation.calculation import (
    LOGGED_FIGURES,
    client_figures,
    freelancer_figures,
    platform_mean,
)
from projects.reputation.nightly import CLIENT_COLUMNS, FREELANCER_COLUMNS, recalculate_all
from projects.reputation.services import reputation_recalculate_user
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.projects.factories import CategoryFactory
from tests.projects.test_reputation import (
    deliver,
    fund,
    hire,
    only,
    release,
    review_both,
    submit,
)
from tests.races import row_lock, within

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)
NOW = datetime(2025, 6, 1, 17, 0, tzinfo=UTC)
# The pass's statements: the platform mean, two profile INSERTs; for freelancers and for clients
# a CREATE TEMPORARY TABLE, the DELETE of the rows held elsewhere (PostgreSQL only), an UPDATE
# and a DROP; the change log INSERT and the pass's row (13), and the savepoint around them in a
# test (2).
QUERY_BUDGET = 15

# --- A varied market, bulk-created -------------------------------------------------------------
#
# Rows are written directly (no services, no ledger) so that hundreds of users take seconds;
# they are shaped like the services' rows: every gig status, contracts in every outcome,
# milestones funded or not, delivered early, exactly on the due date, a second late or never,
# disputes won, lost and exactly split, hidden and revealed reviews, clients who come back.

G, C, M = Gig.Status, Contract.Status, Milestone.Status
DAY = timedelta(days=1)


def _scores(rng: random.Random) -> tuple[int, int, int]:
    return tuple(rng.choice((1, 2, 3, 4, 4, 5, 5, 5, 5)) for _ in range(3))


def build_market(*, users: int, seed: int, tag: str) -> None:
    rng = random.Random(seed)
    people = User.objects.bulk_create(
        User(username=f"{tag}{i}", email=f"{tag}{i}@example.id", password="!") for i in range(users)
    )
    # Some users already have profile rows (signed up); the pass makes the others'.
    FreelancerProfile.objects.bulk_create(FreelancerProfile(user=u) for u in people[::2])
    ClientProfile.objects.bulk_create(ClientProfile(user=u) for u in people[::3])
    category = CategoryFactory()

    gigs, hires = [], []
    for client in people:
        if rng.random() < 0.25:
            continue  # only freelances, or only browses
        others = [p for p in people if p != client]
        regulars = rng.sample(others, k=min(2, len(others)))
        for _ in range(rng.randint(1, 5)):
            status = rng.choice(
                [G.DRAFT, G.PENDING_REVIEW, G.REJECTED, G.OPEN, G.EXPIRED]
                + [G.CANCELLED, G.AWARDED] * 2
                + [G.COMPLETED] * 5
            )
            published = status not in (G.DRAFT, G.PENDING_REVIEW, G.REJECTED)
            gig = Gig(
                client=client,
                title=f"Pekerjaan {len(gigs)}",
                description="Desain kemasan untuk produk UMKM.",
                category=category,
                budget=300_000,
                bidding_deadline=NOW - 20 * DAY,
                delivery_deadline=NOW + 20 * DAY,
                status=status,
                published_at=NOW - rng.randint(21, 90) * DAY if published else None,
            )
            gigs.append(gig)
            hired = status in (G.AWARDED, G.COMPLETED) or (
                status == G.CANCELLED and rng.random() < 0.6
            )
            if hired:
                freelancer = rng.choice(regulars) if rng.random() < 0.6 else rng.choice(others)
                hires.append((gig, freelancer))
    Gig.objects.bulk_create(gigs)

    bids = Bid.objects.bulk_create(
        Bid(
            gig=gig,
            freelancer=freelancer,
            amount=300_000,
            delivery_days=7,
            cover_letter="Saya siap mengerjakan.",
            revisions_included=2,
            status=Bid.Status.ACCEPTED,
        )
        for gig, freelancer in hires
    )
    contracts = []
    for bid in bids:
        status = {G.AWARDED: C.ACTIVE, G.COMPLETED: C.COMPLETED, G.CANCELLED: C.CANCELLED}[
            bid.gig.status
        ]
        outcome = {
            C.ACTIVE: [""],
            C.COMPLETED: [Contract.Outcome.COMPLETED] * 5 + [Contract.Outcome.DISPUTE_LOST],
            C.CANCELLED: [
                Contract.Outcome.CANCELLED_BY_CLIENT,
                Contract.Outcome.CANCELLED_BY_FREELANCER,
                Contract.Outcome.DISPUTE_LOST,
            ],
        }[status]
        response = rng.choice([None, 3600, 5401, 7200, rng.randint(30, 250_000)])
        contracts.append(
            Contract(
                gig=bid.gig,
                bid=bid,
                client=bid.gig.client,
                freelancer=bid.freelancer,
                amount=bid.amount,
                revisions_included=2,
                agreed_delivery_at=NOW,
                status=status,
                outcome=rng.choice(outcome),
                first_response_seconds=response,
                completed_at=None if status == C.ACTIVE else NOW - rng.randint(1, 20) * DAY,
            )
        )
    Contract.objects.bulk_create(contracts)

    milestones, disputed = [], []
    for contract in contracts:
        for position in range(1, rng.randint(1, 3) + 1):
            due = NOW + rng.randint(-30, 15) * DAY + rng.choice([timedelta(0), timedelta(hours=5)])
            if rng.random() < 0.05:
                due = NOW  # due exactly now: counted ("due date passed" is due_at <= now)
            funded = rng.random() < (0.7 if contract.status == C.ACTIVE else 0.9)
            submitted = None
            if funded and rng.random() < 0.75:
                offset = rng.choice([-2 * DAY, -timedelta(seconds=1), timedelta(0)])
                offset = rng.choice([offset, timedelta(seconds=1), 2 * DAY])
                submitted = due + offset if due + offset <= NOW else None
            milestone = Milestone(
                contract=contract,
                position=position,
                title=f"Bagian {position}",
                amount=100_000,
                due_at=due,
                funded_at=due - 7 * DAY if funded else None,
                submitted_at=submitted,
                first_submitted_at=submitted,
                revisions_used=rng.randint(0, 2) if submitted else 0,
            )
            if contract.status == C.ACTIVE:
                milestone.status = (
                    M.PENDING
                    if not funded
                    else rng.choice([M.SUBMITTED, M.REVISION_REQUESTED, M.DISPUTED])
                    if submitted
                    else M.FUNDED
                )
            elif submitted and rng.random() < 0.75:
                milestone.status = M.RELEASED
                milestone.approval_seconds = rng.choice([3600, 7201, rng.randint(60, 400_000)])
            elif funded and rng.random() < 0.5:
                milestone.status = M.RESOLVED
            else:
                milestone.status = M.CANCELLED
                milestone.cancel_fault = rng.choice(list(Milestone.Fault))
            if milestone.status in (M.DISPUTED, M.RESOLVED):
                disputed.append(milestone)
            milestones.append(milestone)
    Milestone.objects.bulk_create(milestones)
    Dispute.objects.bulk_create(
        Dispute(
            milestone=m,
            opened_by_id=rng.choice([m.contract.client_id, m.contract.freelancer_id]),
            reason="Hasil tidak sesuai brief.",
            status=Dispute.Status.OPEN if m.status == M.DISPUTED else Dispute.Status.RESOLVED,
            freelancer_amount=None
            if m.status == M.DISPUTED
            else rng.choice([0, 49_999, 50_000, 100_000]),
        )
        for m in disputed
    )

    reviews = []
    for contract in contracts:
        if contract.status != C.COMPLETED:
            continue
        for author, subject, role in (
            (contract.client, contract.freelancer, Review.Subject.FREELANCER),
            (contract.freelancer, contract.client, Review.Subject.CLIENT),
        ):
            if rng.random() < 0.8:
                quality, communication, value = _scores(rng)
                reviews.append(
                    Review(
                        contract=contract,
                        author=author,
                        subject=subject,
                        subject_role=role,
                        quality=quality,
                        communication=communication,
                        value=value,
                        comment="Oke.",
                        revealed_at=contract.completed_at if rng.random() < 0.85 else None,
                    )
                )
    Review.objects.bulk_create(reviews)


def reference() -> tuple[dict, dict]:
    """Every user's figures computed one by one with the reference implementation."""
    prior = platform_mean()
    users = list(User.objects.order_by("pk").values_list("pk", flat=True))
    freelancers = {
        pk: freelancer_figures(user_id=pk, now=NOW, prior=prior).as_dict() for pk in users
    }
    clients = {pk: client_figures(user_id=pk).as_dict() for pk in users}
    return freelancers, clients


def published() -> tuple[dict, dict]:
    freelancers = {
        row.pop("user_id"): row
        for row in FreelancerProfile.objects.values("user_id", *FREELANCER_COLUMNS)
    }
    clients = {
        row.pop("user_id"): row for row in ClientProfile.objects.values("user_id", *CLIENT_COLUMNS)
    }
    return freelancers, clients


def stamped() -> tuple[dict, dict]:
    """When each profile row was last written by a recalculation."""
    return (
        dict(FreelancerProfile.objects.values_list("user_id", "reputation_updated_at")),
        dict(ClientProfile.objects.values_list("user_id", "record_updated_at")),
    )


def moved_from_new(model, expected: dict) -> int:
    """How many users' reference figures differ from those of a profile nobody computed yet."""
    new = model().__dict__
    return sum(1 for figures in expected.values() if any(new[k] != v for k, v in figures.items()))


def run_nightly() -> tuple[dict[str, int], int]:
    with CaptureQueriesContext(connection) as queries:
        result = recalculate_all(now=NOW)
    return result, len(queries.captured_queries)


def assert_matches_reference() -> None:
    expected_freelancers, expected_clients = reference()
    got_freelancers, got_clients = published()
    assert got_freelancers.keys() == expected_freelancers.keys()  # a row for every user
    assert got_clients.keys() == expected_clients.keys()
    wrong = [
        (pk, name, got_freelancers[pk][name], value)
        for pk, figures in expected_freelancers.items()
        for name, value in figures.items()
        if got_freelancers[pk][name] != value
    ] + [
        (pk, name, got_clients[pk][name], value)
        for pk, figures in expected_clients.items()
        for name, value in figures.items()
        if got_clients[pk][name] != value
    ]
    assert wrong == []  # (user, figure, nightly, reference)


def text(value: object) -> str:
    return "" if value is None else str(value)


@pytest.mark.corrupts_ledger  # the market is bulk-created without its escrow side
def test_the_nightly_pass_computes_what_the_reference_computes(db):
    """On the database the suite runs on (SQLite by default, PostgreSQL under test-services)."""
    build_market(users=30, seed=7, tag="s")
    assert not FreelancerProfile.objects.filter(rating__isnull=False).exists()

    result, count = run_nightly()

    assert count <= QUERY_BUDGET
    assert_matches_reference()
    # The directory's rank follows the ratings the pass wrote: 0 without a review of one's own.
    ranks = list(FreelancerProfile.objects.values_list("rating", "rating_count", "rank"))
    assert [rank for _r, _n, rank in ranks] == [r if n else Decimal(0) for r, n, _rank in ranks]
    assert len({rank for _r, _n, rank in ranks}) > 5
    # Every profile started empty, so each figure that has a value now was logged once, from
    # "" to the value, written as the event-driven recalculation writes it ("0.500", not "0.5").
    expected_freelancers, _clients = reference()
    expected_log = sorted(
        (pk, name, "", text(figures[name]), "nightly", "")
        for pk, figures in expected_freelancers.items()
        for name in LOGGED_FIGURES
        if figures[name] is not None
    )
    log = sorted(
        ReputationChange.objects.values_list(
            "user_id", "figure", "old_value", "new_value", "cause", "reference"
        )
    )
    assert log == expected_log
    # Only the rows whose figures differ from a new profile's were written.
    expected_freelancers, expected_clients = reference()
    assert result == {
        "changes": len(expected_log),
        "freelancers_written": moved_from_new(FreelancerProfile, expected_freelancers),
        "clients_written": moved_from_new(ClientProfile, expected_clients),
        "held": 0,
    }
    assert 0 < result["clients_written"] < len(expected_clients)
    # The data set is varied enough to mean something.
    assert len({row[1] for row in log}) == len(LOGGED_FIGURES)
    assert ClientProfile.objects.filter(rating_count__gte=2).exists()

    # Nothing moved since: the second run logs nothing and writes no row.
    before, stamps = published(), stamped()
    assert recalculate_all(now=NOW + timedelta(seconds=1)) == {
        "changes": 0,
        "freelancers_written": 0,
        "clients_written": 0,
        "held": 0,
    }
    assert ReputationChange.objects.count() == len(expected_log)
    assert published() == before
    assert stamped() == stamps
    assert list(ReputationPass.objects.order_by("id").values_list("computed_at", flat=True)) == [
        NOW,
        NOW + timedelta(seconds=1),
    ]


@pytest.mark.postgres
@pytest.mark.corrupts_ledger  # the market is bulk-created without its escrow side
def test_on_postgresql_the_query_count_is_fixed_and_the_result_is_the_references(db):
    build_market(users=10, seed=11, tag="a")
    _result, small = run_nightly()
    assert_matches_reference()

    build_market(users=190, seed=12, tag="b")  # 200 users
    assert Contract.objects.count() > 200
    _result, large = run_nightly()
    assert_matches_reference()

    assert small == large
    assert large <= QUERY_BUDGET


# --- Movements no event announces ----------------------------------------------------------


def change_log(user) -> list[tuple[str, str, str, str, str]]:
    return list(
        ReputationChange.objects.filter(user=user)
        .order_by("id")
        .values_list("figure", "old_value", "new_value", "cause", "reference")
    )


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)

    def at(delta: timedelta) -> datetime:
        time_machine.move_to(START + delta, tick=False)
        return START + delta

    return at


def test_a_passed_deadline_moves_the_on_time_rate_with_cause_nightly(
    db, clock, django_capture_on_commit_callbacks
):
    freelancer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        done = deliver(hire(freelancer=freelancer))  # on time: 1 / 1
    late = hire(freelancer=freelancer)
    fund(late)  # due START + 5 days; nothing will be delivered
    assert FreelancerProfile.objects.get(user=freelancer).on_time_rate == Decimal("1.000")
    logged = len(change_log(freelancer))

    recalculate_all(now=START + 5 * DAY - timedelta(seconds=1))  # not due yet: nothing moves
    assert len(change_log(freelancer)) == logged

    # Due now, nothing delivered: 1 on time of 2. Only that freelancer's row is written.
    assert recalculate_all(now=START + 5 * DAY) == {
        "changes": 1,
        "freelancers_written": 1,
        "clients_written": 0,
        "held": 0,
    }
    assert change_log(freelancer)[logged:] == [
        ("on_time_rate", "1.000", "0.500", "nightly", ""),
    ]
    profile = FreelancerProfile.objects.get(user=freelancer)
    assert (profile.on_time_rate, profile.on_time_count, profile.on_time_total) == (
        Decimal("0.500"),
        1,
        2,
    )
    assert profile.reputation_updated_at == START + 5 * DAY

    # A second run finds nothing new and writes nothing.
    assert recalculate_all(now=START + 6 * DAY) == {
        "changes": 0,
        "freelancers_written": 0,
        "clients_written": 0,
        "held": 0,
    }
    assert len(change_log(freelancer)) == logged + 1
    assert FreelancerProfile.objects.get(user=freelancer).reputation_updated_at == START + 5 * DAY
    # The event-driven recalculation agrees, and logs nothing either.
    assert reputation_recalculate_user(user_id=freelancer.pk, now=START + 6 * DAY) == []
    assert done.outcome == Contract.Outcome.COMPLETED


def test_a_moved_platform_mean_moves_other_ratings_with_cause_nightly(
    db, clock, django_capture_on_commit_callbacks
):
    first, second = hire(), hire()
    with django_capture_on_commit_callbacks(execute=True):
        for contract in (first, second):
            fund(contract)
            submit(contract)
            release(contract)
    with django_capture_on_commit_callbacks(execute=True):
        review_both(first, of_freelancer=(5, 5, 5))
    # Platform mean 5.0000; rating (5 × 5 + 15/3) / 6 = 5.000
    assert change_log(first.freelancer)[-1][:4] == ("rating", "", "5.000", "review_revealed")
    logged = len(change_log(first.freelancer))

    with django_capture_on_commit_callbacks(execute=True):
        review_both(second, of_freelancer=(3, 3, 3))
    # The new review is about the second freelancer; the first one's rating moved too, with
    # the platform mean: (15 + 9) / 6 = 4.0000, (5 × 4 + 15/3) / 6 = 25 / 6 = 4.1666… → 4.167
    assert len(change_log(first.freelancer)) == logged  # no event of theirs
    recalculate_all(now=START + DAY)
    assert change_log(first.freelancer)[logged:] == [
        ("rating", "5.000", "4.167", "nightly", ""),
    ]
    # The second freelancer's rating was already current: (20 + 3) / 6 = 3.833, logged by
    # the event path, not again by the nightly pass.
    assert [c[:4] for c in change_log(second.freelancer) if c[0] == "rating"] == [
        ("rating", "", "3.833", "review_revealed"),
    ]
    assert only(second).approval_seconds == 0  # released the moment it was submitted


def test_the_published_time_is_the_last_pass_even_when_it_wrote_nothing(
    db, clock, django_capture_on_commit_callbacks
):
    """A pass writes only the rows that moved, yet it computed everyone's figures: a profile
    shows the last pass's time, unless the profile was made after that pass."""
    contract = hire()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(contract)  # both recalculated by the event, at START
    recalculate_all(now=START + DAY)
    clock(2 * DAY)
    assert recalculate_all(now=START + 2 * DAY)["freelancers_written"] == 0
    clock(3 * DAY)
    newcomer = UserFactory()
    profiles_ensure(user_id=newcomer.pk)
    freelancer, client = contract.freelancer, contract.client
    assert FreelancerProfile.objects.get(user=freelancer).reputation_updated_at == START
    assert ClientProfile.objects.get(user=client).record_updated_at == START

    def shown(user, path: str) -> datetime | None:
        response = client_for(user).get(path)
        assert response.status_code == 200
        body = response.json()
        value = body["reputation"]["updated_at"] if "reputation" in body else body["updated_at"]
        return value and datetime.fromisoformat(value)

    assert shown(freelancer, "/api/v1/me/freelancer-profile/") == START + 2 * DAY
    assert shown(client, f"/api/v1/clients/{client.username}/") == START + 2 * DAY
    # Made after the last pass: not computed by it (nor by anything else yet).
    assert shown(newcomer, "/api/v1/me/freelancer-profile/") is None
    assert shown(newcomer, f"/api/v1/clients/{newcomer.username}/") is None

    # The per-user recalculation stamps its own time, later than the pass.
    reputation_recalculate_user(user_id=freelancer.pk, now=START + 3 * DAY)
    assert shown(freelancer, "/api/v1/me/freelancer-profile/") == START + 3 * DAY


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_pass_leaves_a_profile_held_elsewhere_for_the_next_pass(
    clock, django_capture_on_commit_callbacks
):
    """A profile row another transaction holds (a review being written, an admin's edit) is
    passed over, not waited for: the worker stays free, and the next pass writes it."""
    freelancer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(hire(freelancer=freelancer))  # on time: 1 / 1
    fund(hire(freelancer=freelancer))  # due START + 5 days; nothing will be delivered
    profile = FreelancerProfile.objects.get(user=freelancer)
    logged = len(change_log(freelancer))

    with row_lock(profile) as holder:
        started = time.monotonic()
        result = within(10, lambda: recalculate_all(now=START + 5 * DAY), unblock=holder.rollback)
        assert time.monotonic() - started < 5
    assert (result["changes"], result["freelancers_written"], result["held"]) == (0, 0, 1)
    assert len(change_log(freelancer)) == logged
    assert FreelancerProfile.objects.get(user=freelancer).on_time_rate == Decimal("1.000")

    result = recalculate_all(now=START + 5 * DAY + timedelta(minutes=1))
    assert (result["changes"], result["freelancers_written"], result["held"]) == (1, 1, 0)
    assert change_log(freelancer)[logged:] == [("on_time_rate", "1.000", "0.500", "nightly", "")]
