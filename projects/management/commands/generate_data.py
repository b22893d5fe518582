from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.sample_data.generate import SEARCH_WORDS, GenerateRefused, generate


class Command(BaseCommand):
    help = (
        "Fill the database with a generated marketplace for benchmarks: N gigs and, in "
        "proportion, users, bids, contracts, milestones, reviews and a balanced ledger "
        "(see projects/sample_data/generate/__init__.py). Deterministic for a seed and --now. "
        "Refuses a database that already holds generated data, and SQLite beyond 20 000 gigs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gigs", type=int, required=True, help="1 000 to 1 000 000")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--now",
            type=datetime.fromisoformat,
            help="ISO time every generated time is relative to (default: the current minute); "
            "the same seed, --gigs and --now give the same rows",
        )

    def handle(self, *args, gigs: int, seed: int, now: datetime | None, **options) -> None:
        try:
            report = generate(gigs=gigs, seed=seed, now=now, progress=self.stdout.write)
        except GenerateRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Generated {gigs:,} gigs (seed {seed}, now {report.now.isoformat()}) on "
            f"{report.vendor} in {report.total_seconds:.1f} s."
        )
        width = max(len(name) for name in report.rows)
        self.stdout.write(f"  {'table':<{width}}  {'rows':>12}  {'writing':>9}")
        for name, count in report.rows.items():
            seconds = report.write_seconds[name]
            self.stdout.write(f"  {name:<{width}}  {count:>12,}  {seconds:>7.1f} s")
        self.stdout.write("  Elapsed per phase:")
        for name, seconds in report.phases:
            self.stdout.write(f"  {seconds:8.1f} s  {name}")
        for kind, words in SEARCH_WORDS.items():
            self.stdout.write(f"  search words, {kind}: {', '.join(words)}")
        self.stdout.write(self.style.SUCCESS("Done. `manage.py ledger_audit` checks the ledger."))
