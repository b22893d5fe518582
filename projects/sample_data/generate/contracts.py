"""The contract side of a generated gig: the contract, its milestones with their deliveries and
dispute, the money trail of every funded milestone, and the reviews once it completed.

``Market`` decides who is hired and simulates the contract's story (``stories``); this writes
what that story left by ``now``, in the states and with the timestamps the services would have
left.
"""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings

from projects.models import Contract, Delivery, Dispute, Milestone, Review
from projects.sample_data.generate.load import Loader
from projects.sample_data.generate.stories import ContractState, Planned, Stories
from projects.sample_data.generate.words import Text

if TYPE_CHECKING:
    from projects.sample_data.generate.market import MoneyTrail

REVIEW_PROBABILITY = 0.97  # each party of a completed contract reviews the other
SCORE_WEIGHTS = (2, 4, 9, 25, 60)  # 1 to 5 stars

M = Milestone.Status


class ContractWriter:
    def __init__(
        self,
        *,
        loader: Loader,
        rng: Random,
        text: Text,
        stories: Stories,
        trail: MoneyTrail,
        at: Any,
        now: int,
    ) -> None:
        self.rng, self.text, self.stories, self.trail = rng, text, stories, trail
        self.at, self.now = at, now
        self.day = settings.TIMER_DAY_SECONDS
        self.hour = self.day // 24
        t = loader.table
        self.contracts = t(
            Contract,
            [
                "id",
                "gig_id",
                "bid_id",
                "client_id",
                "freelancer_id",
                "amount",
                "revisions_included",
                "agreed_delivery_at",
                "status",
                "created_at",
                "updated_at",
                "completed_at",
                "outcome",
                "first_response_seconds",
                "portfolio_allowed",
                "first_funded_at",
                "funding_notice_stage",
            ],
        )
        self.milestones = t(
            Milestone,
            [
                "id",
                "contract_id",
                "position",
                "title",
                "amount",
                "due_at",
                "status",
                "revisions_used",
                "funded_at",
                "submitted_at",
                "first_submitted_at",
                "closed_at",
                "approval_seconds",
                "cancel_fault",
                "due_notice_stage",
                "auto_release_warned_at",
                "created_at",
                "updated_at",
            ],
        )
        self.deliveries = t(Delivery, ["id", "milestone_id", "note", "created_at"])
        self.disputes = t(
            Dispute,
            [
                "id",
                "milestone_id",
                "opened_by_id",
                "reason",
                "status",
                "freelancer_amount",
                "created_at",
                "resolved_at",
            ],
        )
        self.reviews = t(
            Review,
            [
                "id",
                "contract_id",
                "author_id",
                "subject_id",
                "subject_role",
                "quality",
                "communication",
                "value",
                "comment",
                "created_at",
                "revealed_at",
                "reply",
                "replied_at",
            ],
        )

    def write(
        self,
        *,
        gig_id: int,
        bid_id: int,
        client: int,
        freelancer: int,
        letter: tuple[int, int, int],
        title: str,
        awarded: int,
        plan: list[Planned],
        state: ContractState,
    ) -> None:
        rng, at, now, trail = self.rng, self.at, self.now, self.trail
        status, closed, outcome, first_funded, funding_stage = state
        amount, delivery_days, revisions = letter
        contract_id = self.contracts.new_id()
        first_delivery = plan[0].first_submitted
        waited = 60 + int(rng.expovariate(1 / (3 * self.hour)))
        response: int | None = waited
        if first_delivery is not None:
            response = min(waited, first_delivery - awarded)
        elif awarded + waited > now:
            response = None
        last_change = max(
            [awarded] + [t for m in plan for t in (m.funded, m.submitted, m.closed) if t]
        )
        self.contracts.add(
            (
                contract_id,
                gig_id,
                bid_id,
                client,
                freelancer,
                amount,
                revisions,
                at(awarded + delivery_days * self.day),
                status,
                at(awarded),
                at(last_change),
                at(closed) if closed else None,
                outcome,
                response,
                status == Contract.Status.COMPLETED and rng.random() < 0.3,
                at(first_funded) if first_funded else None,
                funding_stage,
            )
        )
        for milestone in plan:
            milestone_id = self.milestones.new_id()
            if milestone.status == M.FUNDED:
                due_stage = self.stories.stage(now, milestone.due)
            elif milestone.funded is not None:
                # Funded and moved on: it was submitted, or it closed.
                moved = cast(int, milestone.first_submitted or milestone.closed)
                due_stage = self.stories.stage(moved, milestone.due)
            else:
                due_stage = 0
            opened = milestone.dispute[0] if milestone.dispute else None
            changed = max(
                t
                for t in (awarded, milestone.funded, milestone.submitted, opened, milestone.closed)
                if t
            )
            self.milestones.add(
                (
                    milestone_id,
                    contract_id,
                    milestone.position,
                    title
                    if milestone.position == 1
                    else f"Tahap {milestone.position}: {title}"[:120],
                    milestone.amount,
                    at(milestone.due),
                    milestone.status,
                    milestone.revisions_used,
                    at(milestone.funded) if milestone.funded else None,
                    at(milestone.submitted) if milestone.submitted else None,
                    at(milestone.first_submitted) if milestone.first_submitted else None,
                    at(milestone.closed) if milestone.closed else None,
                    milestone.approval_seconds,
                    milestone.cancel_fault,
                    due_stage,
                    at(milestone.warned) if milestone.warned else None,
                    at(awarded),
                    at(changed),
                )
            )
            for revision, delivered in enumerate(milestone.deliveries):
                self.deliveries.add(
                    (
                        self.deliveries.new_id(),
                        milestone_id,
                        self.text.delivery_note(rng, revision),
                        at(delivered),
                    )
                )
            if milestone.dispute is not None:
                opened, by_client, resolved, to_freelancer = milestone.dispute
                self.disputes.add(
                    (
                        self.disputes.new_id(),
                        milestone_id,
                        client if by_client else freelancer,
                        self.text.dispute_reason(rng),
                        "resolved" if resolved else "open",
                        to_freelancer if resolved else None,
                        at(opened),
                        at(resolved) if resolved else None,
                    )
                )
            if milestone.funded is None:
                continue
            index = len(trail.milestone_ids)
            trail.milestone_ids.append(milestone_id)
            trail.amounts.append(milestone.amount)
            trail.clients.append(client)
            trail.freelancers.append(freelancer)
            trail.events.append(milestone.funded << 40 | index << 3 | 0)
            closed_at = milestone.closed
            if closed_at is None:  # still open: its funding is all that happened
                continue
            if milestone.status == M.RELEASED:
                trail.events.append(closed_at << 40 | index << 3 | 1)
            elif milestone.status == M.CANCELLED:
                trail.events.append(closed_at << 40 | index << 3 | 2)
            elif milestone.status == M.RESOLVED:
                trail.events.append(closed_at << 40 | index << 3 | 3)
                if milestone.dispute:  # a resolved milestone had its dispute
                    trail.resolved_amounts[index] = milestone.dispute[3]
        if status == Contract.Status.COMPLETED and closed is not None:  # completed: closed
            self._reviews(contract_id, client, freelancer, closed)

    def _reviews(self, contract_id: int, client: int, freelancer: int, closed: int) -> None:
        rng, at, now, day = self.rng, self.at, self.now, self.day
        window = settings.REVIEW_WINDOW_DAYS * day
        written = []
        for author, subject, role in (
            (client, freelancer, Review.Subject.FREELANCER),
            (freelancer, client, Review.Subject.CLIENT),
        ):
            if rng.random() >= REVIEW_PROBABILITY:
                continue
            moment = closed + min(int(rng.expovariate(1 / (1.5 * day))), window - self.hour)
            if moment <= now:
                written.append((author, subject, role, moment))
        if len(written) == 2:
            revealed = max(w[3] for w in written)
        elif closed + window + 600 <= self.stories.swept:  # the reveal sweep's doing
            revealed = closed + window + rng.randrange(60, 600)
        else:
            revealed = None
        for author, subject, role, moment in written:
            score = rng.choices((1, 2, 3, 4, 5), SCORE_WEIGHTS)[0]
            scores = [min(5, max(1, score + rng.choice((-1, 0, 0, 0, 0, 1)))) for _ in range(3)]
            reply, replied = "", None
            if revealed is not None and rng.random() < 0.08:
                replied = revealed + rng.randrange(self.hour, 3 * day)
                if replied <= now:
                    reply = "Terima kasih atas ulasannya!"
                else:
                    replied = None
            self.reviews.add(
                (
                    self.reviews.new_id(),
                    contract_id,
                    author,
                    subject,
                    role,
                    *scores,
                    self.text.review(rng, score, role == Review.Subject.FREELANCER),
                    at(moment),
                    at(revealed) if revealed else None,
                    reply,
                    at(replied) if replied else None,
                )
            )
