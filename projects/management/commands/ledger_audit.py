from django.core.management.base import BaseCommand, CommandError

from projects.audit import ledger_problems


class Command(BaseCommand):
    help = (
        "Check the ledger's invariants: entries sum to zero overall and per transaction, cached "
        "balances match entries, no wallet or escrow is negative, each escrow holds its "
        "milestone's funded amount, each released milestone has exactly one release. Exits 1 "
        "and names the offending rows on any mismatch."
    )

    def handle(self, *args, **options) -> None:
        problems = ledger_problems()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"ledger audit failed: {len(problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS("ledger audit passed"))
