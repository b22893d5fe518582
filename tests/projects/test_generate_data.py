"""``manage.py generate_data``: a generated marketplace of 1 000 gigs has the documented
proportions, states the services could have left, a ledger that passes the audit, searchable
text, and the same rows for the same seed.

Runs on SQLite and on PostgreSQL (where the rows go in by COPY and the search trigger fills
the vectors). Each test generates 1 000 gigs in well under a second on SQLite.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum

from accounts.models import ClientProfile, FreelancerProfile, User
from payments.fees import platform_fee
from payments.models import Account, Deposit, Entry, LedgerTransaction
from projects.audit import ledger_problems
from projects.models import Bid, Contract, Delivery, Dispute, Gig, Milestone, Review
from projects.sample_data.generate import SEARCH_WORDS, GenerateRefused, generate
from projects.sample_data.generate.words import RARE_WORDS
from projects.selectors.gigs import _text_filter
from projects.services.timers import bidding_sweep, milestone_due_sweep, milestones_due

NOW = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
GIGS = 1_000


@pytest.fixture(scope="class")
def _generated(django_db_setup, django_db_blocker):
    """One generated marketplace for the tests of a class, rolled back after its last test
    (each test's own changes are rolled back after it, as usual)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(gigs=GIGS, seed=1, now=NOW)
        transaction.set_rollback(True)


@pytest.fixture
def report(_generated, db):
    return _generated


def _share(count: int) -> float:
    return count / GIGS


class TestGenerated1000Gigs:
    """Read what one generated run of 1 000 gigs wrote."""

    def test_1000_gigs_have_the_documented_proportions(self, report):
        assert report.rows["projects_gig"] == Gig.objects.count() == GIGS
        assert User.objects.count() == 200
        assert ClientProfile.objects.count() == 80
        assert FreelancerProfile.objects.count() == 120
        statuses = dict(Gig.objects.values_list("status").annotate(n=Count("id")).order_by())
        assert 0.50 <= _share(statuses["completed"]) <= 0.65
        assert 0.12 <= _share(statuses["expired"]) <= 0.25
        assert 0.06 <= _share(statuses["open"]) <= 0.16
        assert 0.02 <= _share(statuses["awarded"]) <= 0.12
        assert 0.03 <= _share(statuses["cancelled"]) <= 0.12
        assert 2.8 <= _share(Bid.objects.count()) <= 3.8
        assert 0.6 <= _share(Contract.objects.count()) <= 0.75
        # About one review per party of a completed contract: ≈ N reviews.
        completed = Contract.objects.filter(status=Contract.Status.COMPLETED).count()
        assert 0.9 * 2 * completed <= Review.objects.count() <= 2 * completed
        assert 0.95 <= _share(Review.objects.count()) <= 1.25
        assert Milestone.objects.filter(status=Milestone.Status.FUNDED).exists()
        assert Milestone.objects.filter(status=Milestone.Status.SUBMITTED).exists()
        assert Deposit.objects.filter(status=Deposit.Status.PAID).exists()
        assert report.rows["payments_entry"] == Entry.objects.count()

    def test_the_ledger_is_balanced_and_matches_the_milestones(self, report):
        assert ledger_problems() == []
        assert Entry.objects.aggregate(total=Sum("amount"))["total"] == 0
        released = set(
            Milestone.objects.filter(status=Milestone.Status.RELEASED).values_list("pk", flat=True)
        )
        releases = LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE)
        assert sorted(releases.values_list("reference", flat=True)) == sorted(
            f"milestone:{pk}" for pk in released
        )
        amounts = dict(Milestone.objects.values_list("pk", "amount"))
        for reference, balance in Account.objects.filter(kind=Account.Kind.ESCROW).values_list(
            "reference", "balance"
        ):
            assert balance in (0, amounts[int(reference.rsplit(":", 1)[1])])
        # The fee on every release and on the freelancer's share of every settled dispute.
        settled = Dispute.objects.filter(status=Dispute.Status.RESOLVED)
        assert Account.objects.get(reference="platform:fees").balance == sum(
            platform_fee(amounts[pk]) for pk in released
        ) + sum(
            platform_fee(amount) for amount in settled.values_list("freelancer_amount", flat=True)
        )
        call_command("ledger_audit")

    def test_states_and_times_are_consistent(self, report):
        milestones = Milestone.objects.all()
        assert not milestones.filter(funded_at__gt=F("first_submitted_at")).exists()
        assert not milestones.filter(first_submitted_at__gt=F("submitted_at")).exists()
        assert not milestones.filter(submitted_at__gt=F("closed_at")).exists()
        assert not milestones.filter(funded_at__gt=F("closed_at")).exists()
        assert not milestones.filter(closed_at__gt=NOW).exists()
        unfunded = Q(status__in=[Milestone.Status.PENDING]) | Q(status=Milestone.Status.CANCELLED)
        assert not milestones.filter(funded_at__isnull=True).exclude(unfunded).exists()
        # Every delivered milestone has its deliveries, one per submission.
        delivered = milestones.filter(first_submitted_at__isnull=False)
        assert Delivery.objects.values("milestone").distinct().count() == delivered.count()
        # The contract's milestones add up to it; its bid is the accepted one on its gig.
        for contract in Contract.objects.annotate(total=Sum("milestones__amount")).select_related(
            "bid", "gig"
        ):
            assert contract.total == contract.amount
            assert contract.bid.status == Bid.Status.ACCEPTED
            assert contract.bid.gig_id == contract.gig_id
            assert contract.bid.freelancer_id == contract.freelancer_id
            assert contract.gig.client_id == contract.client_id
        assert Bid.objects.filter(status=Bid.Status.ACCEPTED).count() == Contract.objects.count()
        # bid_count counts the bids that were not withdrawn.
        live = dict(
            Bid.objects.exclude(status=Bid.Status.WITHDRAWN)
            .values_list("gig")
            .annotate(n=Count("id"))
            .order_by()
        )
        for gig_id, bid_count in Gig.objects.values_list("pk", "bid_count"):
            assert bid_count == live.get(gig_id, 0)
        # Reviews follow completed contracts only, after they closed.
        assert not Review.objects.exclude(contract__status=Contract.Status.COMPLETED).exists()
        assert not Review.objects.filter(created_at__lt=F("contract__completed_at")).exists()
        # Nothing hired a freelancer beyond their capacity.
        active = (
            Contract.objects.filter(status=Contract.Status.ACTIVE)
            .values("freelancer")
            .annotate(n=Count("id"))
        )
        capacity = dict(FreelancerProfile.objects.values_list("user_id", "max_active_contracts"))
        assert all(row["n"] <= capacity[row["freelancer"]] for row in active)

    def test_the_timer_sweeps_have_work_and_leave_the_books_right(self, report):
        assert milestones_due(NOW).exists()
        assert milestone_due_sweep(now=NOW) > 0
        assert bidding_sweep(now=NOW) > 0
        assert ledger_problems() == []

    def test_search_finds_the_rare_medium_and_common_words(self, report):
        def hits(word: str) -> int:
            return _text_filter(Gig.objects.all(), word).count()

        for word in RARE_WORDS:
            assert hits(word) == 1  # one gig in every 10 000: gig number 7, 11 or 13
        for word in SEARCH_WORDS["medium"]:  # about 1 %
            assert 1 <= hits(word) <= 40
        for word in SEARCH_WORDS["common"]:  # a quarter to a half
            assert hits(word) >= 150

    @pytest.mark.postgres
    def test_the_search_trigger_fills_every_copied_gig(self, report):
        assert not Gig.objects.filter(search_vector__isnull=True).exists()
        assert connection.vendor == "postgresql"

    def test_a_second_run_is_refused_and_writes_nothing(self, report):
        before = Gig.objects.count()
        with pytest.raises(GenerateRefused, match="already holds generated data"):
            generate(gigs=GIGS, now=NOW)
        with pytest.raises(CommandError, match="already holds generated data"):
            call_command("generate_data", "--gigs", "1000")
        assert Gig.objects.count() == before


def _fingerprint() -> str:
    digest = hashlib.sha256()
    tables = [
        (User, ("pk", "username", "email", "password", "date_joined", "display_name")),
        (Gig, ("pk", "client", "title", "description", "status", "budget", "published_at")),
        (Bid, ("pk", "gig", "freelancer", "amount", "status", "created_at", "cover_letter")),
        (Contract, ("pk", "bid", "status", "outcome", "completed_at")),
        (Milestone, ("pk", "status", "amount", "due_at", "funded_at", "closed_at")),
        (Review, ("pk", "author", "quality", "comment", "revealed_at")),
        (Account, ("pk", "reference", "balance")),
        (Entry, ("pk", "transaction", "account", "amount", "created_at")),
        (Deposit, ("pk", "reference", "amount")),
    ]
    for model, fields in tables:
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _generated_fingerprint(seed: int) -> str:
    """Generate, fingerprint, and roll the rows back (a flush of exactly what was written)."""
    savepoint = transaction.savepoint()
    generate(gigs=GIGS, seed=seed, now=NOW)
    fingerprint = _fingerprint()
    transaction.savepoint_rollback(savepoint)
    assert not Gig.objects.exists()
    return fingerprint


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    first = _generated_fingerprint(seed=1)
    assert _generated_fingerprint(seed=1) == first
    assert _generated_fingerprint(seed=2) != first


@pytest.mark.django_db
@pytest.mark.parametrize("gigs", [999, 1_000_001])
def test_sizes_out_of_range_are_refused(gigs):
    with pytest.raises(CommandError, match="between 1,000 and 1,000,000"):
        call_command("generate_data", "--gigs", str(gigs))
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sqlite_refuses_more_than_20000_gigs():
    if connection.vendor != "sqlite":
        pytest.skip("the limit is SQLite's")
    with pytest.raises(GenerateRefused, match="at most 20,000 gigs"):
        generate(gigs=20_001)
    assert not Gig.objects.exists()
