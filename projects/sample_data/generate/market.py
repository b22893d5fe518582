"""The marketplace part of a generated run: gig after gig with its bids, invitations,
contract, milestones, deliveries, dispute and reviews.

Each gig's story is simulated forward from its publication with sampled durations and cut at
``now``: what has happened by then is written, in the states and with the timestamps the
services would have left (funded_at ≤ first_submitted_at ≤ submitted_at ≤ closed_at, a bid
before its award, a review after its contract closed, …). What a gig's status is follows from
its age and its story, so the proportions in ``projects.sample_data.generate`` are outcomes,
measured. The contract side of each story is written by ``contracts``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from django.conf import settings

from projects.models import Bid, Contract, Gig, GigInvitation
from projects.sample_data.generate.contracts import ContractWriter
from projects.sample_data.generate.load import Loader
from projects.sample_data.generate.people import HISTORY_DAYS, People
from projects.sample_data.generate.stories import ContractState, Planned, Stories
from projects.sample_data.generate.words import Text

RECENT_DAYS = 14
RECENT_SHARE = 0.18  # of gigs published in the last RECENT_DAYS: the marketplace is growing
# Bids per gig (0–8), mean ≈ 3.3 (≈ 3.1 live: 5 % are withdrawn).
BIDS_PER_GIG_WEIGHTS = (8, 14, 18, 18, 15, 11, 8, 5, 3)


@dataclass(slots=True)
class MoneyTrail:
    """What the ledger pass needs about every funded milestone, in compact parallel lists."""

    milestone_ids: list[int] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)
    clients: list[int] = field(default_factory=list)
    freelancers: list[int] = field(default_factory=list)
    # Sortable ints: time << 40 | index into the lists above << 3 | kind (see money.KINDS).
    events: list[int] = field(default_factory=list)
    resolved_amounts: dict[int, int] = field(default_factory=dict)  # index → freelancer's


class Market:
    def __init__(
        self,
        *,
        loader: Loader,
        rng: Random,
        text: Text,
        people: People,
    ) -> None:
        self.loader, self.rng, self.text, self.people = loader, rng, text, people
        self.gigs, self.now, self.categories = people.gigs, people.now, people.categories
        self.at = loader.timestamp()
        self.day = settings.TIMER_DAY_SECONDS
        self.hour = self.day // 24
        self.stories = Stories(rng=rng, now=self.now)
        self.trail = MoneyTrail()
        t = loader.table
        self.gig_rows = t(
            Gig,
            [
                "id",
                "client_id",
                "title",
                "description",
                "category_id",
                "budget",
                "bidding_deadline",
                "delivery_deadline",
                "visibility",
                "status",
                "rejection_reason",
                "bid_count",
                "published_at",
                "bidding_notice_stage",
                "created_at",
                "updated_at",
            ],
        )
        self.gig_skills = t(Gig.skills.through, ["id", "gig_id", "skill_id"])
        self.invitations = t(GigInvitation, ["id", "gig_id", "freelancer_id", "created_at"])
        self.bids = t(
            Bid,
            [
                "id",
                "gig_id",
                "freelancer_id",
                "amount",
                "delivery_days",
                "cover_letter",
                "revisions_included",
                "status",
                "created_at",
                "updated_at",
            ],
        )
        # The contract side's tables come after these (rows are written in this order).
        self.contract_writer = ContractWriter(
            loader=loader,
            rng=rng,
            text=text,
            stories=self.stories,
            trail=self.trail,
            at=self.at,
            now=self.now,
        )
        # What the gigs need to know of the people.
        self.client_ids = people.client_ids
        self.freelancer_ids, self.freelancer_names = people.freelancer_ids, people.freelancer_names
        self.capacity, self.active, self.pools = people.capacity, people.active, people.pools

    # --- gigs -------------------------------------------------------------------------------

    def make(self) -> None:
        weights = self.people.category_weights
        order = range(len(self.categories))
        for index in range(self.gigs):
            category = self.rng.choices(order, weights)[0]
            self.gig(index, category)
            self.loader.maybe_flush()

    def _age(self, index: int) -> int:
        """Seconds since gig ``index`` was published: the first gig is the oldest."""
        newer = (self.gigs - 1 - index + self.rng.random()) / self.gigs
        if newer < RECENT_SHARE:
            days = newer / RECENT_SHARE * RECENT_DAYS
        else:
            days = RECENT_DAYS + (newer - RECENT_SHARE) / (1 - RECENT_SHARE) * (
                HISTORY_DAYS - RECENT_DAYS
            )
        return max(int(days * self.day), 60)

    def _client(self) -> int:
        # A few shops post much of the work: the client at quantile u**2.
        return self.client_ids[int(len(self.client_ids) * self.rng.random() ** 2)]

    def _freelancers(self, category: int, count: int) -> list[int]:
        """``count`` distinct freelancer indices, mostly from the category's own pool."""
        rng, pool = self.rng, self.pools[category]
        chosen: list[int] = []
        everyone = len(self.freelancer_ids)
        count = min(count, everyone)
        while len(chosen) < count:
            if rng.random() < 0.7:
                candidate = pool[int(len(pool) * rng.random() ** 1.7)]
            else:
                candidate = int(everyone * rng.random() ** 1.7)
            if candidate not in chosen:
                chosen.append(candidate)
        return chosen

    def _bidding_stage(self, moment: int, deadline: int) -> int:
        """The bidding timer's notices sent by ``moment``: 1 a day before the deadline, 2 at it
        (none after the sweeps' last run)."""
        moment = min(moment, self.stories.swept)
        if deadline <= moment:
            return 2
        if deadline - 24 * self.hour <= moment:
            return 1
        return 0

    def gig(self, index: int, category: int) -> None:
        rng, at, now, day, hour = self.rng, self.at, self.now, self.day, self.hour
        category_id, slug, min_price, skills = self.categories[category]
        gig_id = self.gig_rows.new_id()
        client = self._client()
        title, description = self.text.gig(rng, slug, index)
        published = now - self._age(index)
        created = published - rng.randrange(60, 3 * hour)
        budget = min(
            max(min_price, round(min_price * rng.lognormvariate(0.7, 0.6) / 5_000) * 5_000),
            20_000_000,
        )
        bidding_days = rng.randint(1, 14)
        deadline = published + bidding_days * day
        delivery_deadline = deadline + rng.randint(3, 30) * day
        invite_only = rng.random() < 0.05
        if skills:
            for skill_id in sorted(rng.sample(skills, rng.randint(1, min(3, len(skills))))):
                self.gig_skills.add((self.gig_skills.new_id(), gig_id, skill_id))

        def write(
            status: str,
            bids: int,
            published_at: int | None,
            stage: int,
            updated: int,
            reason: str = "",
        ) -> None:
            self.gig_rows.add(
                (
                    gig_id,
                    client,
                    title,
                    description,
                    category_id,
                    budget,
                    at(deadline),
                    at(delivery_deadline),
                    "invite_only" if invite_only else "public",
                    status,
                    reason,
                    bids,
                    at(published_at) if published_at is not None else None,
                    stage,
                    at(created),
                    at(updated),
                )
            )

        moderation = rng.random()
        if moderation < 0.005:
            write(Gig.Status.REJECTED, 0, None, 0, published, "Menawarkan jasa yang dilarang.")
            return
        if published > now - RECENT_DAYS * day and moderation < 0.025:
            status = Gig.Status.DRAFT if moderation < 0.012 else Gig.Status.PENDING_REVIEW
            write(status, 0, None, 0, created)
            return

        # How bidding ends: the client cancels, nobody is hired (expiry), or a bid is accepted.
        outcome = rng.random()
        if outcome < 0.04:
            closes, kind = published + int(rng.uniform(0.1, 1.0) * bidding_days * day), "cancel"
        elif outcome < 0.27:
            closes = deadline + settings.AWARD_WINDOW_DAYS * day + rng.randrange(60, 1800)
            kind = "expire"
        else:
            if rng.random() < 0.65:
                closes = published + int(rng.uniform(0.25, 1.0) * bidding_days * day)
            else:
                closes = deadline + int(rng.uniform(0.0, 0.9) * settings.AWARD_WINDOW_DAYS * day)
            kind = "award"
        # Expiry is the bidding sweep's doing: not since its last run.
        still_open = closes > (self.stories.swept if kind == "expire" else now)
        bids_end = min(deadline, closes, now)
        first_bid = published + 600
        count = rng.choices(range(len(BIDS_PER_GIG_WEIGHTS)), BIDS_PER_GIG_WEIGHTS)[0]
        if kind == "award" and not still_open:
            count = max(count, 1)
        if bids_end <= first_bid:
            count = 0
            if kind == "award" and not still_open:  # hired before anyone could bid: not really
                kind, closes = "expire", max(closes, deadline + settings.AWARD_WINDOW_DAYS * day)
                still_open = closes > self.stories.swept
        bidders = self._freelancers(category, count)
        bid_times = sorted(rng.randrange(first_bid, bids_end) for _ in bidders) if count else []
        letters = [
            (
                max(min_price, round(budget * rng.uniform(0.6, 1.15) / 5_000) * 5_000),
                rng.randint(1, 14),
                rng.choices((0, 1, 2, 3), (10, 25, 50, 15))[0],
            )
            for _ in bidders
        ]

        plan: list[Planned] | None = None
        contract_state: ContractState | None = None
        winner = -1
        if kind == "award" and not still_open:
            winner = rng.randrange(count)
            amount, delivery_days, revisions = letters[winner]
            plan, contract_state = self.stories.contract(closes, amount, delivery_days, revisions)
            if contract_state[0] == Contract.Status.ACTIVE:
                chosen = self._with_capacity(bidders, winner, category)
                # The contract was simulated with the offer at ``winner``: it goes with the hire.
                letters[winner], letters[chosen] = letters[chosen], letters[winner]
                winner = chosen
                self.active[bidders[winner]] += 1

        if invite_only:
            for freelancer in bidders:
                self.invitations.add(
                    (
                        self.invitations.new_id(),
                        gig_id,
                        self.freelancer_ids[freelancer],
                        at(published + rng.randrange(1, 600)),
                    )
                )

        live = 0
        bid_ids = []
        for position, freelancer in enumerate(bidders):
            bid_id = self.bids.new_id()
            bid_ids.append(bid_id)
            amount, delivery_days, revisions = letters[position]
            placed = bid_times[position]
            if position == winner:
                live += 1
                bid_status, changed = Bid.Status.ACCEPTED, closes
            elif rng.random() < 0.05:
                bid_status, changed = Bid.Status.WITHDRAWN, rng.randrange(placed, bids_end + 1)
            else:
                live += 1
                if still_open:
                    shortlisted = rng.random() < 0.1
                    bid_status = Bid.Status.SHORTLISTED if shortlisted else Bid.Status.PENDING
                    changed = placed
                else:
                    bid_status, changed = Bid.Status.REJECTED, closes
            self.bids.add(
                (
                    bid_id,
                    gig_id,
                    self.freelancer_ids[freelancer],
                    amount,
                    delivery_days,
                    self.text.cover_letter(rng, slug, self.freelancer_names[freelancer]),
                    revisions,
                    bid_status,
                    at(placed),
                    at(changed),
                )
            )
        if still_open:
            stage = self._bidding_stage(now, deadline)
            write(Gig.Status.OPEN, live, published, stage, bid_times[-1] if count else published)
            return
        stage = self._bidding_stage(closes, deadline)
        if plan is None or contract_state is None:  # set together: no contract
            status = Gig.Status.CANCELLED if kind == "cancel" else Gig.Status.EXPIRED
            write(status, live, published, stage, closes)
            return
        contract_status, contract_closed = contract_state[0], contract_state[1]
        gig_status_of: dict[str, Gig.Status] = {
            Contract.Status.ACTIVE: Gig.Status.AWARDED,
            Contract.Status.COMPLETED: Gig.Status.COMPLETED,
            Contract.Status.CANCELLED: Gig.Status.CANCELLED,
        }
        gig_status = gig_status_of[contract_status]
        write(gig_status, live, published, stage, contract_closed or closes)
        self.contract_writer.write(
            gig_id=gig_id,
            bid_id=bid_ids[winner],
            client=client,
            freelancer=self.freelancer_ids[bidders[winner]],
            letter=letters[winner],
            title=title,
            awarded=closes,
            plan=plan,
            state=contract_state,
        )

    def _with_capacity(self, bidders: list[int], winner: int, category: int) -> int:
        """A bidder who may take one more active contract; a fresh one replaces a full bidder."""
        if self.active[bidders[winner]] < self.capacity[bidders[winner]]:
            return winner
        for position, freelancer in enumerate(bidders):
            if self.active[freelancer] < self.capacity[freelancer]:
                return position
        for _ in range(50):
            candidate = self._freelancers(category, 1)[0]
            if candidate not in bidders and self.active[candidate] < self.capacity[candidate]:
                bidders[winner] = candidate
                return winner
        return winner  # everyone is full: over capacity rather than endless (tiny runs only)
