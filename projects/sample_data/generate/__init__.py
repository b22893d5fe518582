"""Generated marketplace data for benchmarks: ``manage.py generate_data --gigs N``.

Deterministic: the same ``seed``, ``gigs`` and ``now`` give the same rows, ids included (ids
start after the tables' current maxima, so from the same starting database). Every time is
placed relative to ``now`` (default: the current minute), so open gigs are open and due dates
are due when the benchmark runs; pass ``now`` to reproduce a run exactly.

Proportions, for N gigs (measured at N = 200 000, seed 1; they hold at any N):

====================  ==========================================================================
users                 N / 5: 40 % clients (with a ClientProfile, 80 % with a shop name), 60 %
                      freelancers (a FreelancerProfile, 90 % listed with a headline, 2–6 skills,
                      capacity 3 for 80 %, else 2, 4, 5 or 10). Everyone joined before the
                      gigs' history; password ``garap-bench-2026``; e-mail @generated.garap.test
gigs                  published over the last 365 days, 18 % in the last 14 (a growing market):
                      58 % completed, 19 % expired, 10 % open, 7 % cancelled, 5 % awarded,
                      1 % draft, pending review or rejected. 5 % invite-only (an invitation per
                      bidder); 1–3 skills of their category; text from ``words`` (Zipf-like)
bids                  3.3 per gig (0–8), from distinct freelancers (one live bid per freelancer
                      per gig), 5 % withdrawn; ``bid_count`` counts the others (3.2). On a gig
                      that hired, one bid is accepted and the rest rejected at the award; a
                      hired freelancer is never over capacity
contracts             0.66 N: one per hire; 1, 2 or 3 milestones (72/20/8 %)
milestones            0.87 N, in the state their story reached by ``now`` (at 200 000 gigs:
                      149 763 released, 9 341 cancelled, 6 709 funded, 3 111 pending, 2 504
                      submitted, 1 821 resolved, 459 revision requested, 53 disputed); funded
                      ones due within a day or overdue, submitted ones past auto-release;
                      funded_at ≤ first_submitted_at ≤ submitted_at ≤ closed_at ≤ now
deliveries            one per submission: 1.0 N
reviews               1.1 N: each party of a completed contract reviews the other with
                      probability 0.97 within the 14-day review window — about one review per
                      contract side, 1.1 million at a million gigs (the nightly
                      recalculation's benchmark); revealed when both are in or the window
                      closed, else still hidden (1 %)
ledger                per funded milestone a ``fund``; per released one a ``release`` (10 % fee
                      to ``platform:fees``); refunds and dispute splits; a sandbox deposit
                      before any funding the client's wallet would not cover (0.6 per
                      contract); freelancers withdraw part of their earnings (requested, then
                      paid). 2.3 transactions and 5.3 entries per gig; balanced, and
                      ``manage.py ledger_audit`` passes
====================  ==========================================================================

Not generated: messages, notifications, reputation events, moderation (reports, audit log),
files. Reputation figures are left for the nightly recalculation, which computes them from
these rows. The data is what it would be had the timer sweeps stopped a day before ``now``
(``stories.SWEEPS_PAUSED_DAYS``): the notices, expiries, auto-releases, cancellations of
unfunded contracts and reveals of reviews of that day are left undone, so every sweep has a
day's work right after loading. Everything people do (bids, awards, funding, deliveries,
approvals, reviews) runs up to ``now``.

The gig ``search_vector`` is filled by its PostgreSQL trigger (``Gig.Meta.triggers``) as each row is
copied: COPY fires row triggers. On SQLite it stays empty, as everywhere on SQLite.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from random import Random

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Category, User
from projects.sample_data.generate.load import Loader
from projects.sample_data.generate.market import Market
from projects.sample_data.generate.money import Ledger
from projects.sample_data.generate.people import GENERATED_EMAIL_DOMAIN, GENERATED_PASSWORD, People
from projects.sample_data.generate.words import SEARCH_WORDS, Text

__all__ = ["GENERATED_PASSWORD", "SEARCH_WORDS", "GenerateRefused", "Report", "generate"]

MIN_GIGS, MAX_GIGS = 1_000, 1_000_000
# Raise it whenever a change makes the generated rows differ: the benchmark rebuilds its data
# sets when it does not match theirs (bench/datasets.py).
GENERATOR_VERSION = 1
SQLITE_MAX_GIGS = 20_000  # SQLite is for tests and development; benchmarks run on PostgreSQL


class GenerateRefused(Exception):
    """The run would not make sense here; nothing was written."""


@dataclass
class Report:
    gigs: int
    seed: int
    now: datetime
    vendor: str
    rows: dict[str, int] = field(default_factory=dict)
    # Seconds spent writing each table (COPY or INSERT: the database's constraints, indexes
    # and triggers); on PostgreSQL this overlaps the generation of the next rows.
    write_seconds: dict[str, float] = field(default_factory=dict)
    phases: list[tuple[str, float]] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return sum(seconds for _name, seconds in self.phases)


def generate(
    *,
    gigs: int,
    seed: int = 1,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Write a generated marketplace of ``gigs`` gigs into the default database, in one
    transaction. Raises ``GenerateRefused`` (writing nothing) for a size out of range, SQLite
    beyond ``SQLITE_MAX_GIGS``, or a database that already holds generated users."""
    if not MIN_GIGS <= gigs <= MAX_GIGS:
        raise GenerateRefused(f"--gigs must be between {MIN_GIGS:,} and {MAX_GIGS:,}.")
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise GenerateRefused(f"Generating data needs PostgreSQL or SQLite, not {vendor}.")
    if vendor == "sqlite" and gigs > SQLITE_MAX_GIGS:
        raise GenerateRefused(
            f"SQLite is for tests and development: at most {SQLITE_MAX_GIGS:,} gigs. "
            "Benchmark on PostgreSQL (DATABASE_URL=postgres://…)."
        )
    if User.objects.filter(email__iendswith=f"@{GENERATED_EMAIL_DOMAIN}").exists():
        raise GenerateRefused(
            "This database already holds generated data (users @"
            f"{GENERATED_EMAIL_DOMAIN}). Use an empty database, or flush this one."
        )
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    report = Report(gigs=gigs, seed=seed, now=now, vendor=vendor)
    say = progress or (lambda _message: None)

    with transaction.atomic():
        started = time.perf_counter()
        if not Category.objects.filter(is_active=True).exists():
            from projects.sample_data.demo.taxonomy import load_taxonomy

            load_taxonomy()
        categories = [
            (
                category.pk,
                category.slug,
                category.min_price,
                sorted(s.pk for s in category.skills.all()),
            )
            for category in Category.objects.filter(is_active=True)
            .prefetch_related("skills")
            .order_by("position", "slug")
        ]
        loader = Loader(connection)
        text = Text([slug for _pk, slug, _price, _skills in categories])
        people = People(
            loader=loader,
            rng=Random(f"garap:{seed}:people"),  # noqa: S311 - data, not secrets
            text=text,
            gigs=gigs,
            now=int(now.timestamp()),
            categories=categories,
        )
        market = Market(
            loader=loader,
            rng=Random(f"garap:{seed}:market"),  # noqa: S311
            text=text,
            people=people,
        )
        ledger = Ledger(
            loader=loader,
            rng=Random(f"garap:{seed}:ledger"),  # noqa: S311
            now=int(now.timestamp()),
            holders={},
        )

        def phase(name: str, step: Callable[[], None]) -> None:
            nonlocal started
            step()
            loader.wait()
            elapsed = time.perf_counter() - started
            report.phases.append((name, elapsed))
            say(f"{name}: {elapsed:.1f} s")
            started = time.perf_counter()

        def post_ledger() -> None:
            ledger.run(market.trail)
            ledger.set_balances()

        def finish_tables() -> None:
            loader.reset_sequences()
            loader.finish()

        try:
            phase("users and profiles", people.make)
            ledger.holders = dict(zip(people.freelancer_ids, people.freelancer_names, strict=True))
            phase("gigs, bids, contracts, milestones, reviews", market.make)
            phase("ledger", post_ledger)
            phase("sequences and statistics", finish_tables)
        finally:
            loader.close()  # the writer thread must not outlive the transaction
    for name, count, seconds in loader.counts():
        report.rows[name] = count
        report.write_seconds[name] = seconds
    return report
