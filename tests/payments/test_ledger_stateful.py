"""Random histories of the money side, checked step by step against a model of every rupiah.

Hypothesis plays six people: ``ani`` and ``budi`` post gigs, ``citra`` and ``dodi`` bid on them
(``ani`` also works and ``citra`` also hires, so one wallet gets both pay and refunds), a
``moderator`` (staff, ``projects.moderate_gig``) settles disputes and ``finance`` (staff,
``payments.process_withdrawal``) pays or rejects withdrawals. Each example starts with
everyone topped up and one contract signed, then runs up to 25 steps: top-ups whose gateway
reports paid, failed, twice or with a wrong amount; hiring through ``bid_place`` + ``bid_accept``
(refused on one's own gig, under the category minimum, at the freelancer's capacity); splitting
a contract into milestones; fund, submit, ask for a revision, approve, auto-release, cancel,
dispute, resolve with a random share; a due date or the auto-release window passing;
withdrawals of any amount (more than the wallet too); staff paying or rejecting them; and
``repeat_last``, the previous step again (a double click, a retried request or task).

Every action is tried by a random person — usually the one who may — on a milestone that is
usually, not always, in a state where the action applies. The services are called directly.

The model: before each call the test decides, from its own records and never from the app,
whether the action must succeed (or be a harmless repeat) or be refused. A refusal must be a
``DomainError`` and change nothing: the model stays as it was, and the invariants after the step
find every account balance, ledger row and status still where it says. A success
updates the model by hand: a paid top-up adds to the wallet; funding moves the milestone's amount
from the client's wallet into its escrow; a release pays the freelancer the amount less
``payments.fees.platform_fee`` and Garap the fee; a cancelled funded milestone is refunded to
the client; a resolution pays the freelancer's share less the fee on that share, the rest back
to the client; a withdrawal moves to pending, then out to payouts or back to the wallet.

After every step the invariants compare the database with the model: every non-zero account
balance (each user's wallet and pending withdrawal, each escrow, the fees, the gateway, the
payouts), every ledger transaction as (kind, reference) exactly once — so a released milestone
has exactly one release — and the status of every milestone, contract, deposit and withdrawal;
and the books' own rules: ``ledger_problems() == []``, the balances summing to zero, no wallet,
escrow or pending withdrawal below zero.

Each example runs inside a savepoint that teardown rolls back, so examples share nothing.
``LEDGER_EXAMPLES`` sets the number of examples (by default the Hypothesis profile's: 200 in CI,
40 locally).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Value
from django.utils import timezone, translation
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import User
from marketplace.errors import DomainError
from payments.fees import platform_fee
from payments.models import Account, Deposit, LedgerTransaction, Withdrawal
from payments.services import ledger
from payments.services.deposits import deposit_complete, deposit_create
from payments.services.withdrawals import (
    withdrawal_mark_paid,
    withdrawal_reject,
    withdrawal_request,
)
from projects.audit import ledger_problems
from projects.models import Contract, Milestone
from projects.services import milestones as work
from projects.services.bids import bid_accept, bid_place
from projects.services.contracts import milestones_split
from tests.accounts.factories import UserFactory
from tests.payments.factories import verified
from tests.projects.factories import GigFactory

T = TypeVar("T")
M = Milestone.Status
Kind = LedgerTransaction.Kind
HOLDS_ESCROW = {M.FUNDED, M.SUBMITTED, M.REVISION_REQUESTED, M.DISPUTED}
SETTLED = {M.RELEASED, M.RESOLVED, M.CANCELLED}
EXTERNAL = {str(kind) for kind in Account.EXTERNAL}  # the gateway and payouts may go negative
CAPACITY = 3  # active contracts of a freelancer without a profile
CATEGORY_MIN = 50_000  # CategoryFactory's min_price
DELIVERY_DAYS = 5

MARKET = ("ani", "budi", "citra", "dodi")
HIRERS = st.sampled_from(["ani", "budi", "citra"])
WORKERS = st.sampled_from(["citra", "dodi", "ani"])
ANYONE = st.sampled_from(MARKET)
# Who tries an action, relative to the contract: usually the one who may.
CLIENT_SIDE = st.sampled_from(["client"] * 4 + ["freelancer", "moderator", "other"])
WORKER_SIDE = st.sampled_from(["freelancer"] * 4 + ["client", "moderator"])
EITHER_SIDE = st.sampled_from(
    ["client", "client", "freelancer", "freelancer", "moderator", "other"]
)
SETTLER = st.sampled_from(["moderator"] * 4 + ["client", "freelancer", "finance"])
PROCESSOR = st.sampled_from(["finance"] * 4 + ["moderator", "ani"])
NOTE = st.sampled_from(["Logo final terlampir.", "Warna sudah direvisi.", "   "])
# What the gateway reports after a top-up, in order.
WEBHOOKS = st.sampled_from(
    [["paid"], ["paid", "paid"], ["failed"], ["failed", "paid"], ["paid", "failed"], []]
)
# Which object a step acts on: "ready" prefers those in a state where the action applies
# (so histories get deep), "any" takes any; ``i`` picks one of them.
WHICH = st.sampled_from(["ready", "ready", "any"])
INDEX = st.integers(0, 7)


@dataclass
class ContractModel:
    client: str
    freelancer: str
    amount: int
    revisions_included: int
    milestones: list[int]  # primary keys of its current milestones, in order
    status: str = Contract.Status.ACTIVE


@dataclass
class MilestoneModel:
    contract: ContractModel
    amount: int
    status: str = M.PENDING
    revisions_used: int = 0
    freelancer_share: int = 0  # what a resolution gave the freelancer
    overdue: bool = False  # due_at has passed
    submitted_long_ago: bool = False  # the auto-release window has passed since submission


@dataclass
class DepositModel:
    user: str
    reference: str
    amount: int
    status: str = Deposit.Status.PENDING


@dataclass
class WithdrawalModel:
    user: str
    amount: int
    status: str = Withdrawal.Status.REQUESTED


@dataclass
class Books:
    """Where the money should be, worked out by the test alone."""

    wallet: Counter[str] = field(default_factory=Counter)
    pending_withdrawal: Counter[str] = field(default_factory=Counter)
    fees: int = 0
    deposited: int = 0  # what came in through the gateway
    paid_out: int = 0  # what went out to bank accounts
    # Every ledger transaction there should be, as (kind, reference): each exactly once.
    postings: Counter[tuple[str, str]] = field(default_factory=Counter)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self._english = translation.override("en")  # refusals read in English
        self._english.__enter__()
        self.users = {name: UserFactory(username=name, display_name=name) for name in MARKET}
        self.users["moderator"] = staff("moderator", "Moderators", "projects", "moderate_gig")
        self.users["finance"] = staff("finance", "Finance", "payments", "process_withdrawal")
        self.books = Books()
        self.contract_models: dict[int, ContractModel] = {}
        self.milestone_models: dict[int, MilestoneModel] = {}
        self.deposit_models: dict[int, DepositModel] = {}
        self.withdrawal_models: dict[int, WithdrawalModel] = {}
        self.last_step: tuple[Callable[..., object], dict[str, Any]] | None = None
        self.last_outcome = "at the start"  # named by every invariant's failure

    def teardown(self) -> None:
        self._english.__exit__(None, None, None)
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- how a step runs -----------------------------------------------------------------------

    def do(self, action: Callable[..., T], **kwargs: Any) -> T:
        """Run one concrete action and remember it for ``repeat_last``."""
        self.last_step = (action, kwargs)
        return action(**kwargs)

    def attempt(self, what: str, allowed: bool, call: Callable[[], T]) -> T | None:
        """Call a service the model says must succeed (``allowed``) or be refused.

        A refusal leaves the model as it was, so the invariants checked right after this step
        assert that it changed nothing: every balance, ledger row and status is still what the
        model says (the previous step's invariants showed the database matched it then).
        """
        try:
            result = call()
        except DomainError as error:
            refusal: DomainError | None = error
        else:
            refusal = None
        self.last_outcome = f"after: {what} ({'refused' if refusal else 'done'})"
        if refusal is not None:
            assert not allowed, f"{what}: the model allows it, the service refused: {refusal}"
            return None
        assert allowed, f"{what}: the model forbids it, the service did it"
        return result

    # --- reading the model ---------------------------------------------------------------------

    def uid(self, name: str) -> int:
        return self.users[name].pk

    @staticmethod
    def pick(items: dict[int, Any], ready: Callable[[Any], bool], which: str, i: int) -> int:
        pks = sorted(items)
        if which == "ready":
            pks = [pk for pk in pks if ready(items[pk])] or pks
        return pks[i % len(pks)]

    def pick_milestone(self, ready: set[str], which: str, i: int) -> int:
        return self.pick(self.milestone_models, lambda m: m.status in ready, which, i)

    @staticmethod
    def person(contract: ContractModel, role: str) -> str:
        if role in ("client", "freelancer"):
            return getattr(contract, role)
        if role == "other":
            return next(n for n in MARKET if n not in (contract.client, contract.freelancer))
        return role

    @staticmethod
    def party(contract: ContractModel, actor: str) -> bool:
        return actor in (contract.client, contract.freelancer)

    def active_contracts(self, freelancer: str) -> int:
        return sum(
            c.freelancer == freelancer and c.status == Contract.Status.ACTIVE
            for c in self.contract_models.values()
        )

    # --- changing the model ---------------------------------------------------------------------

    def settle(self, pk: int, status: str) -> None:
        """A milestone closes; the contract ends with its last open milestone: completed if
        any work was paid (a release, or a resolution giving the freelancer something),
        cancelled if not."""
        self.milestone_models[pk].status = status
        contract = self.milestone_models[pk].contract
        milestones = [self.milestone_models[m] for m in contract.milestones]
        if all(m.status in SETTLED for m in milestones):
            paid = any(m.status == M.RELEASED or m.freelancer_share for m in milestones)
            contract.status = Contract.Status.COMPLETED if paid else Contract.Status.CANCELLED

    def pay_out_escrow(self, pk: int, kind: str, to_freelancer: int) -> None:
        """Milestone ``pk``'s escrow empties: ``to_freelancer`` less the fee on it to the
        freelancer, the fee to Garap, the rest back to the client."""
        milestone = self.milestone_models[pk]
        fee = platform_fee(to_freelancer)
        self.books.wallet[milestone.contract.freelancer] += to_freelancer - fee
        self.books.fees += fee
        self.books.wallet[milestone.contract.client] += milestone.amount - to_freelancer
        self.books.postings[(kind, f"milestone:{pk}")] += 1

    def expected_balances(self) -> dict[str, int]:
        expected: Counter[str] = Counter()
        for name, amount in self.books.wallet.items():
            expected[ledger.wallet(self.uid(name)).reference] += amount
        for name, amount in self.books.pending_withdrawal.items():
            expected[ledger.pending_withdrawal(self.uid(name)).reference] += amount
        for pk, milestone in self.milestone_models.items():
            if milestone.status in HOLDS_ESCROW:
                expected[f"escrow:milestone:{pk}"] += milestone.amount
        expected[ledger.PLATFORM_FEES] += self.books.fees
        expected[ledger.gateway("sandbox").reference] -= self.books.deposited
        expected[ledger.PAYOUTS] += self.books.paid_out
        return {reference: amount for reference, amount in expected.items() if amount}

    # --- the start -----------------------------------------------------------------------------

    @initialize(amounts=st.lists(st.integers(500_000, 5_000_000), min_size=4, max_size=4))
    def everyone_tops_up(self, amounts: list[int]) -> None:
        for user, amount in zip(MARKET, amounts, strict=True):
            self.top_up(user=user, amount=amount, webhooks=["paid"])

    @initialize(
        client=st.sampled_from(["ani", "budi"]),
        freelancer=st.sampled_from(["citra", "dodi"]),
        amount=st.integers(CATEGORY_MIN, 1_500_000),
        revisions=st.integers(1, 3),
        progress=st.sampled_from(["pending", "funded", "submitted", "disputed"]),
    )
    def first_contract(
        self, client: str, freelancer: str, amount: int, revisions: int, progress: str
    ) -> None:
        """One contract, its milestone already at ``progress`` (so histories reach deep)."""
        self.hire_freelancer(
            client=client, freelancer=freelancer, amount=amount, revisions=revisions
        )
        (pk,) = self.milestone_models
        if progress != "pending":
            self.fund_milestone(pk=pk, role="client")
        if progress == "submitted":
            self.submit_work(pk=pk, role="freelancer", note="Draf pertama terlampir.")
        if progress == "disputed":
            self.open_dispute(pk=pk, role="client", reason="Belum ada kabar sama sekali.")

    # --- rules: which action, on what, by whom ---------------------------------------------------

    @rule(
        user=ANYONE,
        amount=st.integers(9_000, 4_000_000) | st.just(django_settings.DEPOSIT_MAX_AMOUNT + 1),
        webhooks=WEBHOOKS,
    )
    def deposit(self, user: str, amount: int, webhooks: list[str]) -> None:
        self.do(self.top_up, user=user, amount=amount, webhooks=webhooks)

    @rule(which=WHICH, i=INDEX, status=st.sampled_from(["paid", "failed"]), wrong=st.booleans())
    def webhook(self, which: str, i: int, status: str, wrong: bool) -> None:
        """The gateway (re)sends an outcome, sometimes for another amount."""
        pk = self.pick(self.deposit_models, lambda d: d.status == "pending", which, i)
        self.do(self.complete_deposit, pk=pk, status=status, amount_off=1_000 if wrong else 0)

    @rule(
        client=HIRERS,
        freelancer=WORKERS,
        amount=st.integers(CATEGORY_MIN - 1_000, 1_500_000),
        revisions=st.integers(0, 3),
    )
    def hire(self, client: str, freelancer: str, amount: int, revisions: int) -> None:
        self.do(
            self.hire_freelancer,
            client=client,
            freelancer=freelancer,
            amount=amount,
            revisions=revisions,
        )

    @rule(which=WHICH, i=INDEX, role=CLIENT_SIDE, parts=st.integers(1, 5), exact=st.booleans())
    def split(self, which: str, i: int, role: str, parts: int, exact: bool) -> None:
        def unfunded(c: ContractModel) -> bool:
            return all(self.milestone_models[pk].status == M.PENDING for pk in c.milestones)

        pk = self.pick(self.contract_models, unfunded, which, i)
        self.do(self.split_contract, pk=pk, role=role, parts=parts, exact=exact)

    @rule(which=WHICH, i=INDEX, role=CLIENT_SIDE)
    def fund(self, which: str, i: int, role: str) -> None:
        pk = self.pick_milestone({M.PENDING}, which, i)
        self.do(self.fund_milestone, pk=pk, role=role)

    @rule(which=WHICH, i=INDEX, role=WORKER_SIDE, note=NOTE)
    def submit(self, which: str, i: int, role: str, note: str) -> None:
        pk = self.pick_milestone({M.FUNDED, M.REVISION_REQUESTED}, which, i)
        self.do(self.submit_work, pk=pk, role=role, note=note)

    @rule(which=WHICH, i=INDEX, role=CLIENT_SIDE, note=NOTE)
    def request_revision(self, which: str, i: int, role: str, note: str) -> None:
        pk = self.pick_milestone({M.SUBMITTED}, which, i)
        self.do(self.ask_for_revision, pk=pk, role=role, note=note)

    @rule(which=WHICH, i=INDEX, role=CLIENT_SIDE)
    def approve(self, which: str, i: int, role: str) -> None:
        pk = self.pick_milestone({M.SUBMITTED}, which, i)
        self.do(self.approve_work, pk=pk, role=role)

    @rule(which=WHICH, i=INDEX)
    def time_passes(self, which: str, i: int) -> None:
        pk = self.pick_milestone({M.FUNDED, M.SUBMITTED}, which, i)
        self.do(self.let_time_pass, pk=pk)

    @rule(which=WHICH, i=INDEX)
    def auto_release(self, which: str, i: int) -> None:
        pk = self.pick_milestone({M.SUBMITTED}, which, i)
        self.do(self.sweep_auto_release, pk=pk)

    @rule(which=WHICH, i=INDEX, role=EITHER_SIDE)
    def cancel(self, which: str, i: int, role: str) -> None:
        pk = self.pick_milestone({M.PENDING, M.FUNDED}, which, i)
        self.do(self.cancel_milestone, pk=pk, role=role)

    @rule(which=WHICH, i=INDEX, role=EITHER_SIDE, reason=NOTE)
    def dispute(self, which: str, i: int, role: str, reason: str) -> None:
        pk = self.pick_milestone({M.FUNDED, M.SUBMITTED, M.REVISION_REQUESTED}, which, i)
        self.do(self.open_dispute, pk=pk, role=role, reason=reason)

    @rule(which=WHICH, i=INDEX, role=SETTLER, permille=st.integers(-10, 1010))
    def resolve(self, which: str, i: int, role: str, permille: int) -> None:
        pk = self.pick_milestone({M.DISPUTED}, which, i)
        self.do(self.resolve_dispute, pk=pk, role=role, permille=permille)

    @rule(which=WHICH, i=INDEX, revise=st.booleans(), permille=st.integers(0, 1000))
    def work_goes_on(self, which: str, i: int, revise: bool, permille: int) -> None:
        """The usual next step of an open milestone, by the one who takes it: fund, submit,
        approve or ask for a revision, resubmit, settle the dispute. Without it few random
        histories get deep."""
        pk = self.pick_milestone(HOLDS_ESCROW | {M.PENDING}, which, i)
        status = self.milestone_models[pk].status
        if status == M.PENDING:
            self.do(self.fund_milestone, pk=pk, role="client")
        elif status in (M.FUNDED, M.REVISION_REQUESTED):
            self.do(self.submit_work, pk=pk, role="freelancer", note="Hasil kerja terlampir.")
        elif status == M.SUBMITTED and revise:
            self.do(self.ask_for_revision, pk=pk, role="client", note="Warnanya lebih cerah.")
        elif status == M.SUBMITTED:
            self.do(self.approve_work, pk=pk, role="client")
        elif status == M.DISPUTED:
            self.do(self.resolve_dispute, pk=pk, role="moderator", permille=permille)

    @rule(
        user=ANYONE,
        how=st.sampled_from(["amount", "everything", "more than everything"]),
        amount=st.integers(0, 1_500_000),
    )
    def withdraw(self, user: str, how: str, amount: int) -> None:
        self.do(self.request_withdrawal, user=user, how=how, amount=amount)

    @precondition(lambda self: self.withdrawal_models)
    @rule(which=WHICH, i=INDEX, staff=PROCESSOR, pay=st.booleans())
    def process_withdrawal(self, which: str, i: int, staff: str, pay: bool) -> None:
        pk = self.pick(self.withdrawal_models, lambda w: w.status == "requested", which, i)
        action = self.pay_withdrawal if pay else self.reject_withdrawal
        self.do(action, pk=pk, staff=staff)

    @precondition(lambda self: self.last_step is not None)
    @rule()
    def repeat_last(self) -> None:
        """The previous step again: a double click, a retried request, a redelivered task."""
        assert self.last_step is not None
        action, kwargs = self.last_step
        action(**kwargs)

    # --- actions: predict, call the service, update the model -------------------------------

    def top_up(self, user: str, amount: int, webhooks: list[str]) -> None:
        """A deposit; then the gateway reports zero, one or two outcomes."""
        allowed = django_settings.DEPOSIT_MIN_AMOUNT <= amount <= django_settings.DEPOSIT_MAX_AMOUNT
        deposit = self.attempt(
            f"{user} tops up {amount}",
            allowed,
            lambda: deposit_create(user=self.users[user], amount=amount),
        )
        if deposit is None:
            return
        self.deposit_models[deposit.pk] = DepositModel(user, deposit.reference, amount)
        for status in webhooks:
            self.complete_deposit(pk=deposit.pk, status=status, amount_off=0)

    def complete_deposit(self, pk: int, status: str, amount_off: int) -> None:
        d = self.deposit_models[pk]
        amount = d.amount + amount_off
        target = Deposit.Status.PAID if status == "paid" else Deposit.Status.FAILED
        allowed = amount == d.amount and d.status in (Deposit.Status.PENDING, target)
        self.attempt(
            f"webhook {status} {amount} for deposit {pk} ({d.status})",
            allowed,
            lambda: deposit_complete(
                provider="sandbox", reference=d.reference, status=status, amount=amount
            ),
        )
        if allowed and d.status == Deposit.Status.PENDING:
            d.status = target
            if target == Deposit.Status.PAID:
                self.books.wallet[d.user] += amount
                self.books.deposited += amount
                self.books.postings[(Kind.DEPOSIT, f"deposit:{pk}")] += 1

    def hire_freelancer(self, client: str, freelancer: str, amount: int, revisions: int) -> None:
        """A gig gets a bid and the client accepts it: a contract with one pending milestone."""
        allowed = (
            client != freelancer
            and amount >= CATEGORY_MIN
            and self.active_contracts(freelancer) < CAPACITY
        )
        gig = GigFactory(client=self.users[client])

        def place_and_accept() -> Contract:
            bid = bid_place(
                gig_id=gig.pk,
                freelancer=self.users[freelancer],
                amount=amount,
                delivery_days=DELIVERY_DAYS,
                cover_letter="Saya kerjakan dengan rapi dan tepat waktu.",
                revisions_included=revisions,
            )
            return bid_accept(bid_id=bid.pk, actor=self.users[client])

        contract = self.attempt(f"{client} hires {freelancer}", allowed, place_and_accept)
        if contract is None:
            return
        pks = list(contract.milestones.values_list("pk", flat=True))
        model = ContractModel(client, freelancer, amount, revisions, pks)
        self.contract_models[contract.pk] = model
        self.milestone_models[pks[0]] = MilestoneModel(model, amount)

    def split_contract(self, pk: int, role: str, parts: int, exact: bool) -> None:
        """The client replaces the milestones with ``parts`` equal ones (the last Rp 1 too
        large unless ``exact``), due on the following days."""
        c = self.contract_models[pk]
        actor = self.person(c, role)
        share = c.amount // parts
        amounts = [share] * (parts - 1) + [c.amount - share * (parts - 1) + (not exact)]
        now = timezone.now()
        allowed = (
            actor == c.client
            and c.status == Contract.Status.ACTIVE
            and all(self.milestone_models[m].status == M.PENDING for m in c.milestones)
            and exact
            and min(amounts) >= django_settings.MILESTONE_MIN_AMOUNT
        )
        done = self.attempt(
            f"{actor} splits contract {pk} into {amounts}",
            allowed,
            lambda: milestones_split(
                contract_id=pk,
                actor=self.users[actor],
                parts=[
                    # Due after the bid's delivery days, as a split must be.
                    {
                        "title": f"Bagian {n + 1}",
                        "amount": a,
                        "due_at": now + timedelta(days=DELIVERY_DAYS + n + 1),
                    }
                    for n, a in enumerate(amounts)
                ],
            ),
        )
        if done is None:
            return
        for old in c.milestones:
            del self.milestone_models[old]
        c.milestones = list(
            Milestone.objects.filter(contract_id=pk)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        for new, amount in zip(c.milestones, amounts, strict=True):
            self.milestone_models[new] = MilestoneModel(c, amount)

    def fund_milestone(self, pk: int, role: str) -> None:
        m = self.milestone_models[pk]
        actor = self.person(m.contract, role)
        moves = (
            actor == m.contract.client
            and m.status == M.PENDING
            and m.contract.status == Contract.Status.ACTIVE
            and self.books.wallet[actor] >= m.amount
        )
        allowed = moves or (actor == m.contract.client and m.status == M.FUNDED)
        self.attempt(
            f"{actor} funds milestone {pk} ({m.status})",
            allowed,
            lambda: work.milestone_fund(milestone_id=pk, actor=self.users[actor]),
        )
        if moves:
            m.status = M.FUNDED
            # Funding leaves the freelancer the delivery time the bid promised: a milestone
            # funded after its due date is due again, that long after funding.
            m.overdue = False
            self.books.wallet[actor] -= m.amount
            self.books.postings[(Kind.FUND, f"milestone:{pk}")] += 1

    def submit_work(self, pk: int, role: str, note: str) -> None:
        m = self.milestone_models[pk]
        actor = self.person(m.contract, role)
        allowed = (
            actor == m.contract.freelancer
            and bool(note.strip())
            and m.status in (M.FUNDED, M.REVISION_REQUESTED)
        )
        self.attempt(
            f"{actor} submits milestone {pk} ({m.status})",
            allowed,
            lambda: work.milestone_submit(milestone_id=pk, actor=self.users[actor], note=note),
        )
        if allowed:
            m.status, m.submitted_long_ago = M.SUBMITTED, False

    def ask_for_revision(self, pk: int, role: str, note: str) -> None:
        m = self.milestone_models[pk]
        actor = self.person(m.contract, role)
        allowed = (
            actor == m.contract.client
            and bool(note.strip())
            and m.status == M.SUBMITTED
            and m.revisions_used < m.contract.revisions_included
        )
        self.attempt(
            f"{actor} asks for a revision of milestone {pk} ({m.status})",
            allowed,
            lambda: work.milestone_request_revision(
                milestone_id=pk, actor=self.users[actor], note=note
            ),
        )
        if allowed:
            m.status = M.REVISION_REQUESTED
            m.revisions_used += 1

    def approve_work(self, pk: int, role: str) -> None:
        m = self.milestone_models[pk]
        actor = self.person(m.contract, role)
        moves = actor == m.contract.client and m.status == M.SUBMITTED
        allowed = moves or (actor == m.contract.client and m.status == M.RELEASED)
        self.attempt(
            f"{actor} approves milestone {pk} ({m.status})",
            allowed,
            lambda: work.milestone_approve(milestone_id=pk, actor=self.users[actor]),
        )
        if moves:
            self.pay_out_escrow(pk, Kind.RELEASE, to_freelancer=m.amount)
            self.settle(pk, M.RELEASED)

    def let_time_pass(self, pk: int) -> None:
        """The due date passes and, if the work was submitted, the auto-release window too."""
        m = self.milestone_models[pk]
        long_ago = timezone.now() - timedelta(days=django_settings.AUTO_RELEASE_DAYS + 1)
        Milestone.objects.filter(pk=pk).update(due_at=long_ago)
        m.overdue = True
        submitted = Milestone.objects.filter(pk=pk, submitted_at__isnull=False)
        if submitted.update(submitted_at=long_ago):
            m.submitted_long_ago = True

    def sweep_auto_release(self, pk: int) -> None:
        """The periodic task pays out work the client left alone for the whole window."""
        m = self.milestone_models[pk]
        moves = m.status == M.SUBMITTED and m.submitted_long_ago
        released = self.attempt(
            f"auto-release of milestone {pk} ({m.status})",
            True,
            lambda: work.milestone_auto_release(milestone_id=pk),
        )
        assert (released is not None) == moves, f"auto-release of milestone {pk} ({m.status})"
        if moves:
            self.pay_out_escrow(pk, Kind.RELEASE, to_freelancer=m.amount)
            self.settle(pk, M.RELEASED)

    def cancel_milestone(self, pk: int, role: str) -> None:
        """The client cancels a pending milestone, or a funded one once overdue; the freelancer
        cancels a funded one (agreeing to refund). Only the parties, even for a repeat."""
        m = self.milestone_models[pk]
        actor = self.person(m.contract, role)
        is_client, is_freelancer = actor == m.contract.client, actor == m.contract.freelancer
        moves = (m.status == M.PENDING and is_client) or (
            m.status == M.FUNDED and (is_freelancer or (is_client and m.overdue))
        )
        allowed = moves or (self.party(m.contract, actor) and m.status == M.CANCELLED)
        self.attempt(
            f"{actor} cancels milestone {pk} ({m.status})",
            allowed,
            lambda: work.milestone_cancel(milestone_id=pk, actor=self.users[actor]),
        )
        if moves:
            if m.status == M.FUNDED:
                self.books.wallet[m.contract.client] += m.amount
                self.books.postings[(Kind.REFUND, f"milestone:{pk}")] += 1
            self.settle(pk, M.CANCELLED)

    def open_dispute(self, pk: int, role: str, reason: str) -> None:
        m = self.milestone_models[pk]
        actor = self.person(m.contract, role)
        party = self.party(m.contract, actor)
        moves = (
            party
            and bool(reason.strip())
            and m.status in (M.FUNDED, M.SUBMITTED, M.REVISION_REQUESTED)
        )
        allowed = moves or (party and m.status == M.DISPUTED)
        self.attempt(
            f"{actor} disputes milestone {pk} ({m.status})",
            allowed,
            lambda: work.milestone_dispute(milestone_id=pk, actor=self.users[actor], reason=reason),
        )
        if moves:
            m.status = M.DISPUTED

    def resolve_dispute(self, pk: int, role: str, permille: int) -> None:
        """A moderator gives the freelancer ``permille``/1000 of the escrow (out of range
        below 0 or above 1000), the rest back to the client."""
        m = self.milestone_models[pk]
        actor = self.person(m.contract, role)
        share = m.amount * permille // 1000
        moderator = actor == "moderator"
        moves = moderator and m.status == M.DISPUTED and 0 <= share <= m.amount
        allowed = moves or (moderator and m.status == M.RESOLVED)
        self.attempt(
            f"{actor} resolves milestone {pk} ({m.status}) giving {share} of {m.amount}",
            allowed,
            lambda: work.milestone_resolve(
                milestone_id=pk,
                moderator=self.users[actor],
                freelancer_amount=share,
                note="Dibagi sesuai bukti di percakapan.",
            ),
        )
        if moves:
            m.freelancer_share = share
            self.pay_out_escrow(pk, Kind.RESOLVE, to_freelancer=share)
            self.settle(pk, M.RESOLVED)

    def request_withdrawal(self, user: str, how: str, amount: int) -> None:
        balance = self.books.wallet[user]
        amount = {"amount": amount, "everything": balance, "more than everything": balance + 1}[how]
        allowed = django_settings.WITHDRAWAL_MIN_AMOUNT <= amount <= balance
        withdrawal = self.attempt(
            f"{user} withdraws {amount} of {balance}",
            allowed,
            lambda: withdrawal_request(
                user=verified(self.users[user]),
                amount=amount,
                method=Withdrawal.Method.BANK,
                bank_code="bca",
                account_number="1234567890",
                holder_name=user.title(),
            ),
        )
        if withdrawal is None:
            return
        self.withdrawal_models[withdrawal.pk] = WithdrawalModel(user, amount)
        self.books.wallet[user] -= amount
        self.books.pending_withdrawal[user] += amount
        self.books.postings[(Kind.WITHDRAWAL_REQUEST, f"withdrawal:{withdrawal.pk}")] += 1

    def pay_withdrawal(self, pk: int, staff: str) -> None:
        w = self.withdrawal_models[pk]
        moves = staff == "finance" and w.status == Withdrawal.Status.REQUESTED
        allowed = moves or (staff == "finance" and w.status == Withdrawal.Status.PAID)
        self.attempt(
            f"{staff} pays withdrawal {pk} ({w.status})",
            allowed,
            lambda: withdrawal_mark_paid(withdrawal_id=pk, staff=self.users[staff]),
        )
        if moves:
            w.status = Withdrawal.Status.PAID
            self.books.pending_withdrawal[w.user] -= w.amount
            self.books.paid_out += w.amount
            self.books.postings[(Kind.WITHDRAWAL_PAID, f"withdrawal:{pk}")] += 1

    def reject_withdrawal(self, pk: int, staff: str) -> None:
        w = self.withdrawal_models[pk]
        moves = staff == "finance" and w.status == Withdrawal.Status.REQUESTED
        allowed = moves or (staff == "finance" and w.status == Withdrawal.Status.REJECTED)
        self.attempt(
            f"{staff} rejects withdrawal {pk} ({w.status})",
            allowed,
            lambda: withdrawal_reject(
                withdrawal_id=pk, staff=self.users[staff], reason="Rekening tidak aktif."
            ),
        )
        if moves:
            w.status = Withdrawal.Status.REJECTED
            self.books.pending_withdrawal[w.user] -= w.amount
            self.books.wallet[w.user] += w.amount
            self.books.postings[(Kind.WITHDRAWAL_REJECTED, f"withdrawal:{pk}")] += 1

    # --- invariants: after every step ----------------------------------------------------------

    @invariant()
    def books_pass_the_audit(self) -> None:
        assert ledger_problems() == [], self.last_outcome

    @invariant()
    def balances_match_the_model(self) -> None:
        accounts = list(Account.objects.values_list("reference", "kind", "balance"))
        assert sum(balance for _r, _k, balance in accounts) == 0, self.last_outcome
        negative = [r for r, kind, balance in accounts if balance < 0 and kind not in EXTERNAL]
        assert negative == [], self.last_outcome
        balances = {reference: balance for reference, _k, balance in accounts if balance}
        for name in MARKET:
            wallet = ledger.wallet(self.uid(name)).reference
            assert balances.get(wallet, 0) == self.books.wallet[name], (name, self.last_outcome)
        assert balances == self.expected_balances(), self.last_outcome

    @invariant()
    def each_movement_is_posted_exactly_once(self) -> None:
        # Among others: a released milestone has exactly one release transaction.
        posted = Counter(LedgerTransaction.objects.values_list("kind", "reference"))
        assert posted == self.books.postings, self.last_outcome

    @invariant()
    def statuses_match_the_model(self) -> None:
        expected = {
            ("milestone", pk): (m.status, m.revisions_used)
            for pk, m in self.milestone_models.items()
        }
        expected |= {("contract", pk): (c.status, 0) for pk, c in self.contract_models.items()}
        expected |= {("deposit", pk): (d.status, 0) for pk, d in self.deposit_models.items()}
        expected |= {("withdrawal", pk): (w.status, 0) for pk, w in self.withdrawal_models.items()}
        assert statuses() == expected, self.last_outcome


def statuses() -> dict[tuple[str, int], tuple[str, int]]:
    """Every milestone's, contract's, deposit's and withdrawal's status (and a milestone's
    revisions used), in one query: this runs after every step."""
    # order_by(): no model's default ordering inside a UNION (SQLite refuses it).
    milestones = Milestone.objects.order_by()
    rows = milestones.values_list(Value("milestone"), "pk", "status", "revisions_used").union(
        Contract.objects.order_by().values_list(Value("contract"), "pk", "status", Value(0)),
        Deposit.objects.order_by().values_list(Value("deposit"), "pk", "status", Value(0)),
        Withdrawal.objects.order_by().values_list(Value("withdrawal"), "pk", "status", Value(0)),
        all=True,
    )
    return {(table, pk): (status, used) for table, pk, status, used in rows}


def staff(username: str, group_name: str, app_label: str, codename: str) -> User:
    group, _created = Group.objects.get_or_create(name=group_name)
    group.permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    user = UserFactory(username=username, display_name=username, is_staff=True)
    user.groups.add(group)
    return user


# Generating 200 histories (the CI profile: tests/conftest.py) takes about a minute; shrinking a
# failure can take minutes more.
@pytest.mark.timeout(900)
@pytest.mark.long
@pytest.mark.django_db
def test_random_histories_keep_every_rupiah_where_the_model_says():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=int(os.environ.get("LEDGER_EXAMPLES", settings.default.max_examples)),
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.function_scoped_fixture,
                HealthCheck.filter_too_much,
            ],
        ),
    )
