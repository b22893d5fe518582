"""A contract's story: its milestones from the award to ``now``, simulated with sampled
durations — funded, delivered (on time or late), revised, disputed, released or auto-released,
cancelled — and cut where ``now`` falls. Pure: it decides states and times, writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from django.conf import settings

from projects.models import Contract, Milestone

MILESTONES_WEIGHTS = (72, 20, 8)  # a contract with 1, 2 or 3 milestones
# The data is generated as if the timer sweeps had stopped this many timer days before ``now``:
# what they would have done since (notices, expiries, auto-releases, cancellations of unfunded
# contracts, reveals of reviews) is left for them, so they have a day's work after loading.
SWEEPS_PAUSED_DAYS = 1

M = Milestone.Status
# (status, closed at, outcome, first funded at, funding notice stage)
ContractState = tuple[str, int | None, str, int | None, int]


@dataclass(slots=True)
class Planned:
    """One milestone's story up to now."""

    position: int
    amount: int
    due: int
    status: str = M.PENDING
    revisions_used: int = 0
    funded: int | None = None
    submitted: int | None = None
    first_submitted: int | None = None
    closed: int | None = None
    approval_seconds: int | None = None
    cancel_fault: str = ""
    warned: int | None = None
    deliveries: list[int] = field(default_factory=list)
    # (opened at, opened by the client?, resolved at or None, freelancer's amount)
    dispute: tuple[int, bool, int | None, int] | None = None


class Stories:
    def __init__(self, *, rng: Random, now: int) -> None:
        self.rng, self.now = rng, now
        self.day = settings.TIMER_DAY_SECONDS
        self.hour = self.day // 24
        self.swept = now - SWEEPS_PAUSED_DAYS * self.day  # the sweeps' last run

    def stage(self, moment: int, deadline: int) -> int:
        """How far the 24 h / 2 h / due notices for ``deadline`` had got at ``moment`` (the
        sweeps send them; none after their last run)."""
        moment = min(moment, self.swept)
        if deadline <= moment:
            return 3
        if deadline - 2 * self.hour <= moment:
            return 2
        if deadline - 24 * self.hour <= moment:
            return 1
        return 0

    def split(self, amount: int) -> list[int]:
        rng = self.rng
        parts = rng.choices((1, 2, 3), MILESTONES_WEIGHTS)[0]
        minimum = max(settings.MILESTONE_MIN_AMOUNT, 20_000)
        while parts > 1 and amount < parts * minimum:
            parts -= 1
        if parts == 1:
            return [amount]
        shares = [rng.uniform(1, 2) for _ in range(parts)]
        total = sum(shares)
        amounts = [max(minimum, round(amount * s / total / 1_000) * 1_000) for s in shares[:-1]]
        last = amount - sum(amounts)
        if last < minimum:
            return [amount]
        return [*amounts, last]

    def contract(
        self, awarded: int, amount: int, delivery_days: int, revisions: int
    ) -> tuple[list[Planned], ContractState]:
        """Milestones' stories from the award to now, and (contract status, closed at, outcome,
        first funded at, funding notice stage)."""
        rng, now, day, hour = self.rng, self.now, self.day, self.hour
        amounts = self.split(amount)
        span = delivery_days * day
        plan = [
            Planned(position=k + 1, amount=a, due=awarded + span * (k + 1) // len(amounts))
            for k, a in enumerate(amounts)
        ]
        funding_window = settings.FUNDING_WINDOW_DAYS * day
        reminded = awarded + funding_window // 2
        if rng.random() < 0.035:  # never funded: the funding sweep cancels it
            cancelled = awarded + funding_window + rng.randrange(60, 1200)
            if cancelled > self.swept:
                return plan, (Contract.Status.ACTIVE, None, "", None, int(self.swept >= reminded))
            for milestone in plan:
                milestone.status, milestone.closed, milestone.cancel_fault = (
                    M.CANCELLED,
                    cancelled,
                    "client",
                )
            return plan, (Contract.Status.CANCELLED, cancelled, "cancelled_by_client", None, 1)

        auto_release = settings.AUTO_RELEASE_DAYS * day
        moment = awarded
        ended: tuple[int, str] | None = None  # (closed at, outcome) when the contract ended early
        for k, milestone in enumerate(plan):
            if k == 0:
                funded = moment + min(int(rng.expovariate(1 / (6 * hour))), funding_window - hour)
            else:
                funded = moment + min(int(rng.expovariate(1 / (12 * hour))), 5 * day)
            if funded > now:
                break
            milestone.status, milestone.funded = M.FUNDED, funded
            due = milestone.due
            if rng.random() < 0.015:  # the freelancer never delivers; the client cancels
                cancelled = max(due, funded) + int(rng.uniform(0.5, 3) * day)
                if cancelled > now:
                    break
                milestone.status, milestone.closed = M.CANCELLED, cancelled
                milestone.cancel_fault = "freelancer"
                ended = (cancelled, "cancelled_by_freelancer")
                break
            if due > funded + hour and rng.random() < 0.88:
                first = funded + int((due - funded) * rng.uniform(0.25, 1.0))
            else:  # late
                first = max(due, funded) + int(rng.uniform(0.05, 2) * day)
            if first > now:
                break
            milestone.deliveries.append(first)
            milestone.status, milestone.submitted, milestone.first_submitted = (
                M.SUBMITTED,
                first,
                first,
            )
            if rng.random() < 0.012:  # disputed after delivery
                opened = first + int(rng.uniform(2 * hour, 2 * day))
                if opened > now:
                    break
                milestone.status = M.DISPUTED
                resolved = opened + int(rng.uniform(1, 5) * day)
                if resolved > now:
                    milestone.dispute = (opened, rng.random() < 0.8, None, 0)
                    break
                share = rng.choice((0, 0.5, 0.7, 1.0))
                to_freelancer = round(milestone.amount * share / 1_000) * 1_000
                milestone.dispute = (opened, rng.random() < 0.8, resolved, to_freelancer)
                milestone.status, milestone.closed = M.RESOLVED, resolved
                lost = 2 * to_freelancer < milestone.amount
                ended = (resolved, "dispute_lost" if lost else "completed")
                break
            rounds = min(rng.choices((0, 1, 2), (70, 22, 8))[0], revisions)
            waiting = False
            for round_ in range(rounds):
                asked = milestone.submitted + int(rng.uniform(hour, 2 * day))
                if asked > now:
                    waiting = True
                    break
                milestone.status, milestone.revisions_used = M.REVISION_REQUESTED, round_ + 1
                again = asked + int(rng.uniform(2 * hour, 2 * day))
                if again > now:
                    waiting = True
                    break
                milestone.status, milestone.submitted = M.SUBMITTED, again
                milestone.deliveries.append(again)
            if waiting:
                break
            choice = rng.random()
            if choice < 0.55:
                released = milestone.submitted + int(rng.uniform(600, day))
            elif choice < 0.88:
                released = milestone.submitted + int(rng.uniform(day, auto_release - hour))
            else:  # left to the client: auto-released by the sweep
                released = milestone.submitted + auto_release + rng.randrange(60, 1200)
            warned = milestone.submitted + auto_release - 24 * hour + rng.randrange(5, 600)
            if released > now or (choice >= 0.88 and released > self.swept):
                if warned <= self.swept:
                    milestone.warned = warned
                break
            if warned <= min(released, self.swept):
                milestone.warned = warned
            milestone.status, milestone.closed = M.RELEASED, released
            milestone.approval_seconds = released - milestone.submitted
            moment = released

        first_funded = plan[0].funded
        # The funding reminder went out if the contract was still unfunded when it was due.
        stage = int(reminded <= self.swept and (first_funded is None or first_funded >= reminded))
        if ended is not None:
            closed, outcome = ended
            for milestone in plan:
                if milestone.status == M.PENDING:
                    milestone.status, milestone.closed, milestone.cancel_fault = (
                        M.CANCELLED,
                        closed,
                        "client",
                    )
            paid = any(
                m.status == M.RELEASED or (m.dispute and m.dispute[2] and m.dispute[3] > 0)
                for m in plan
            )
            if outcome == "cancelled_by_freelancer" and paid:
                outcome = "completed"
            status = Contract.Status.COMPLETED if paid else Contract.Status.CANCELLED
            return plan, (status, closed, outcome, first_funded, stage)
        if all(m.status == M.RELEASED for m in plan):
            return plan, (
                Contract.Status.COMPLETED,
                plan[-1].closed,
                "completed",
                first_funded,
                stage,
            )
        return plan, (Contract.Status.ACTIVE, None, "", first_funded, stage)
