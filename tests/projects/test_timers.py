"""The marketplace's timers (DESIGN.md §4) with a controlled clock.

Each timer is run through the sweep tasks beat runs: one second before its moment nothing
happens, at the moment it fires, and later it has still fired exactly once. Notices are checked
word for word in English, and in Bahasa Indonesia against the catalogue (the wording is the
translators'); the sweeps run with the *other* language active, so only the recipient's
preference can pick the right one. Running every sweep twice leaves the same state.

The figures: a Rp 120.000 milestone, funded at START from a Rp 200.000 wallet and due five days
later (DUE); at the default 10 % fee its release pays the freelancer Rp 108.000 and Garap
Rp 12.000. Timers run on the default 24-hour day unless a test changes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import translation

from accounts.models import Notification, User
from accounts.notices import kind_named
from accounts.tasks import deliver_pending_emails
from marketplace.errors import Conflict
from marketplace.timing import days, hours
from payments.models import Account, Entry, LedgerTransaction
from payments.selectors.wallet import WalletSummary, wallet_summary
from projects import tasks
from projects.models import Bid, Contract, Gig, Milestone, ReputationEvent, Review
from projects.services import bids as bid_services
from projects.services import milestones as services
from projects.services import reviews as review_services
from projects.services import timers
from tests.accounts.factories import UserFactory
from tests.projects.factories import ContractFactory, GigFactory, top_up

M = Milestone.Status
SECOND = timedelta(seconds=1)
START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta
DUE = START + timedelta(days=5)  # ContractFactory's milestone is due 5 days after creation


class ByLanguage(dict):
    """A parameter as each language writes it: a notice is written in its recipient's."""


def resolved(params: dict[str, Any], language: str) -> dict[str, Any]:
    return {k: v[language] if isinstance(v, ByLanguage) else v for k, v in params.items()}


# DUE in Asia/Jakarta, as the notices write it: the day, the time the language's way, and WIB.
DUE_LOCAL = ByLanguage(en="8 March 2025 10:00 WIB", id="8 Maret 2025 10.00 WIB")
AMOUNT = "Rp 120.000"
NOTE = "Logo final terlampir: PNG transparan dan SVG."

# What each timer notice says in English, with the notice's own parameters.
ENGLISH = {
    "milestone_due_24h": (
        "“%(milestone)s” is due in 24 hours",
        "Deliver “%(gig)s” by %(due)s.",
    ),
    "milestone_due_2h": (
        "“%(milestone)s” is due in 2 hours",
        "Deliver “%(gig)s” by %(due)s, or tell the client in the messages.",
    ),
    "milestone_overdue": (
        "“%(milestone)s” is overdue",
        "It was due %(due)s. Deliver as soon as you can: the client may now cancel it and get "
        "the %(amount)s back.",
    ),
    "milestone_overdue_client": (
        "“%(milestone)s” is overdue",
        "Nothing was delivered by %(due)s. You may wait, or cancel the milestone and get "
        "%(amount)s back in your wallet.",
    ),
    "auto_release_warning": (
        "“%(milestone)s” will be paid out automatically",
        "Approve it, or ask for a revision, before %(when)s; otherwise %(amount)s is released "
        "to the freelancer then.",
    ),
    "milestone_released": (
        "Payment released for “%(milestone)s”",
        "%(amount)s less the platform fee is in your wallet.",
    ),
    "bidding_closes_soon": (
        "Bidding on “%(gig)s” closes within 24 hours",
        "It closes %(when)s with %(count)s so far.",
    ),
    "bidding_closed": (
        "Bidding on “%(gig)s” has closed",
        "You have %(count)s. Accept one within %(days)s, or the gig expires and the bidders "
        "are told.",
    ),
    "bidding_closed_no_bids": (
        "Bidding on “%(gig)s” closed without bids",
        "Invite freelancers or post it again with a longer deadline or a higher budget.",
    ),
    "gig_expired": (
        "“%(gig)s” expired",
        "No bid was accepted within %(days)s after bidding closed.",
    ),
    "gig_expired_bidder": (
        "“%(gig)s” expired without an award",
        "The client chose no bid, so your bid is closed.",
    ),
    "contract_unfunded_reminder": (
        "Fund “%(gig)s” to start the work",
        "Fund the first milestone before %(when)s, or the contract is cancelled.",
    ),
    "contract_cancelled_unfunded": (
        "The contract for “%(gig)s” was cancelled",
        "No milestone was funded within %(days)s of the award.",
    ),
    "reviews_revealed": (
        "Reviews for “%(gig)s” are public",
        "Both reviews of this contract can now be read, and you may reply to yours once.",
    ),
    "review_window_closed": (
        "The review window for “%(gig)s” has closed",
        "The review that was written is now public; the reviewed person may reply once.",
    ),
    "ledger_audit_failed": (
        "Ledger audit failed: %(count)s",
        "%(summary)s Run `manage.py ledger_audit` for the full list.",
    ),
}
TIMER_KINDS = sorted(ENGLISH)


def written(kind: str, language: str, params: dict[str, Any]) -> tuple[str, str]:
    """The (title, body) a recipient reading ``language`` should get."""
    params = resolved(params, language)
    if language == "en":
        title, body = ENGLISH[kind]
        return title % params, body % params
    with translation.override(language):
        return str(kind_named(kind).title) % params, str(kind_named(kind).body) % params


def run_sweeps() -> None:
    """Every timer sweep, the way beat runs them."""
    tasks.sweep_milestone_due_dates()
    tasks.sweep_auto_release()
    tasks.sweep_bidding_deadlines()
    tasks.sweep_unfunded_contracts()
    tasks.reveal_due_reviews()


def notices(*kinds: str) -> list[tuple[str, int, str, str]]:
    return sorted(
        Notification.objects.filter(kind__in=kinds).values_list(
            "kind", "recipient", "title", "body"
        )
    )


def balance(reference: str) -> int:
    return (
        Account.objects.filter(reference=reference).values_list("balance", flat=True).first() or 0
    )


@pytest.fixture
def clock(time_machine):
    """Time stands still at START until a test moves it."""
    time_machine.move_to(START, tick=False)
    return time_machine


# --- the objects the timers act on ----------------------------------------------------------


def active_contract() -> tuple[Contract, Milestone]:
    """An awarded, unfunded Rp 120.000 contract; the client's wallet holds Rp 200.000."""
    contract = ContractFactory(bid__amount=120_000, bid__revisions_included=2)
    top_up(contract.client, 200_000)
    return contract, contract.milestones.get()


def funded_contract() -> tuple[Contract, Milestone]:
    contract, milestone = active_contract()
    services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    return contract, Milestone.objects.get(pk=milestone.pk)


def submitted_contract(clock, at: datetime) -> tuple[Contract, Milestone]:
    contract, milestone = funded_contract()
    clock.move_to(at)
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)
    return contract, Milestone.objects.get(pk=milestone.pk)


def place_bid(gig: Gig) -> Bid:
    return bid_services.bid_place(
        gig_id=gig.pk,
        freelancer=UserFactory(),
        amount=120_000,
        delivery_days=5,
        cover_letter="Saya sudah membuat puluhan logo untuk UMKM.",
    )


def milestone_params(contract: Contract, milestone: Milestone) -> dict[str, Any]:
    return {
        "gig": contract.gig.title,
        "milestone": milestone.title,
        "due": DUE_LOCAL,
        "amount": AMOUNT,
    }


# --- one timer each: (moment, later moment, what it changes, the notices it sends) ------------


@dataclass
class Case:
    moment: datetime
    after: datetime  # a later moment at which nothing new may happen
    kinds: tuple[str, ...]
    state: Callable[[], dict[str, Any]]
    before: dict[str, Any]
    fired: dict[str, Any]
    # (kind, recipient, params) of every notice the timer sends
    sends: list[tuple[str, User, dict[str, Any]]] = field(default_factory=list)


def milestone_stage(milestone: Milestone) -> Callable[[], dict[str, Any]]:
    return lambda: {
        "stage": Milestone.objects.get(pk=milestone.pk).due_notice_stage,
        "status": Milestone.objects.get(pk=milestone.pk).status,
    }


def due_24h(clock) -> Case:
    contract, milestone = funded_contract()
    return Case(
        moment=DUE - hours(24),
        after=DUE - hours(3),
        kinds=("milestone_due_24h",),
        state=milestone_stage(milestone),
        before={"stage": timers.DUE_NONE, "status": M.FUNDED},
        fired={"stage": timers.DUE_24H, "status": M.FUNDED},
        sends=[("milestone_due_24h", contract.freelancer, milestone_params(contract, milestone))],
    )


def due_2h(clock) -> Case:
    contract, milestone = funded_contract()
    return Case(
        moment=DUE - hours(2),
        after=DUE - hours(1),
        kinds=("milestone_due_2h",),
        state=milestone_stage(milestone),
        before={"stage": timers.DUE_24H, "status": M.FUNDED},
        fired={"stage": timers.DUE_2H, "status": M.FUNDED},
        sends=[("milestone_due_2h", contract.freelancer, milestone_params(contract, milestone))],
    )


def overdue(clock) -> Case:
    contract, milestone = funded_contract()
    params = milestone_params(contract, milestone)
    return Case(
        moment=DUE,
        after=DUE + days(1),
        kinds=("milestone_overdue", "milestone_overdue_client"),
        state=milestone_stage(milestone),
        before={"stage": timers.DUE_2H, "status": M.FUNDED},
        fired={"stage": timers.DUE_OVERDUE, "status": M.FUNDED},
        sends=[
            ("milestone_overdue", contract.freelancer, params),
            ("milestone_overdue_client", contract.client, params),
        ],
    )


def auto_release_warning(clock) -> Case:
    submitted_at = START + days(1)
    contract, milestone = submitted_contract(clock, submitted_at)
    release = submitted_at + days(settings.AUTO_RELEASE_DAYS)
    moment = release - hours(24)
    return Case(
        moment=moment,
        after=release - SECOND,
        kinds=("auto_release_warning",),
        state=lambda: {
            "warned_at": Milestone.objects.get(pk=milestone.pk).auto_release_warned_at,
            "status": Milestone.objects.get(pk=milestone.pk).status,
        },
        before={"warned_at": None, "status": M.SUBMITTED},
        fired={"warned_at": moment, "status": M.SUBMITTED},
        sends=[
            (
                "auto_release_warning",
                contract.client,
                {
                    **milestone_params(contract, milestone),
                    "when": ByLanguage(en="7 March 2025 10:00 WIB", id="7 Maret 2025 10.00 WIB"),
                },
            )
        ],
    )


def auto_release(clock) -> Case:
    submitted_at = START + days(1)
    contract, milestone = submitted_contract(clock, submitted_at)
    reference = f"milestone:{milestone.pk}"

    def state() -> dict[str, Any]:
        return {
            "status": Milestone.objects.get(pk=milestone.pk).status,
            "contract": Contract.objects.get(pk=contract.pk).status,
            "freelancer wallet": wallet_summary(user=contract.freelancer).available,
            "client wallet": wallet_summary(user=contract.client).available,
            "platform fees": balance("platform:fees"),
            "escrow": balance(f"escrow:{reference}"),
            "releases": LedgerTransaction.objects.filter(
                kind=LedgerTransaction.Kind.RELEASE, reference=reference
            ).count(),
        }

    before = {
        "status": M.SUBMITTED,
        "contract": Contract.Status.ACTIVE,
        "freelancer wallet": 0,
        "client wallet": 80_000,
        "platform fees": 0,
        "escrow": 120_000,
        "releases": 0,
    }
    return Case(
        moment=submitted_at + days(settings.AUTO_RELEASE_DAYS),
        after=submitted_at + days(settings.AUTO_RELEASE_DAYS + 1),
        kinds=("milestone_released",),
        state=state,
        before=before,
        fired={
            **before,
            "status": M.RELEASED,
            "contract": Contract.Status.COMPLETED,
            "freelancer wallet": 108_000,
            "platform fees": 12_000,
            "escrow": 0,
            "releases": 1,
        },
        sends=[("milestone_released", contract.freelancer, milestone_params(contract, milestone))],
    )


def gig_state(gig: Gig) -> Callable[[], dict[str, Any]]:
    def state() -> dict[str, Any]:
        fresh = Gig.objects.get(pk=gig.pk)
        return {
            "status": fresh.status,
            "stage": fresh.bidding_notice_stage,
            "bids": list(
                Bid.objects.filter(gig=gig).order_by("pk").values_list("status", flat=True)
            ),
        }

    return state


def bidding_closes_soon(clock) -> Case:
    gig = GigFactory()  # bidding closes 3 days after START
    place_bid(gig)
    return Case(
        moment=gig.bidding_deadline - hours(24),
        after=gig.bidding_deadline - SECOND,
        kinds=("bidding_closes_soon",),
        state=gig_state(gig),
        before={"status": Gig.Status.OPEN, "stage": timers.BIDDING_NONE, "bids": ["pending"]},
        fired={
            "status": Gig.Status.OPEN,
            "stage": timers.BIDDING_CLOSES_SOON,
            "bids": ["pending"],
        },
        sends=[
            (
                "bidding_closes_soon",
                gig.client,
                {
                    "gig": gig.title,
                    "when": ByLanguage(en="6 March 2025 10:00 WIB", id="6 Maret 2025 10.00 WIB"),
                    "count": ByLanguage(en="1 bid", id="1 penawaran"),
                },
            )
        ],
    )


def bidding_closed(clock) -> Case:
    gig = GigFactory()
    place_bid(gig)
    place_bid(gig)
    return Case(
        moment=gig.bidding_deadline,
        after=gig.bidding_deadline + days(1),
        kinds=("bidding_closed", "bidding_closed_no_bids"),
        state=gig_state(gig),
        before={
            "status": Gig.Status.OPEN,
            "stage": timers.BIDDING_CLOSES_SOON,
            "bids": ["pending", "pending"],
        },
        fired={
            "status": Gig.Status.OPEN,
            "stage": timers.BIDDING_CLOSED,
            "bids": ["pending", "pending"],
        },
        sends=[
            (
                "bidding_closed",
                gig.client,
                {
                    "gig": gig.title,
                    "count": ByLanguage(en="2 bids", id="2 penawaran"),
                    "days": ByLanguage(en="7 days", id="7 hari"),
                },
            )
        ],
    )


def bidding_closed_without_bids(clock) -> Case:
    gig = GigFactory()
    return Case(
        moment=gig.bidding_deadline,
        after=gig.bidding_deadline + days(1),
        kinds=("bidding_closed", "bidding_closed_no_bids"),
        state=gig_state(gig),
        before={"status": Gig.Status.OPEN, "stage": timers.BIDDING_CLOSES_SOON, "bids": []},
        fired={"status": Gig.Status.OPEN, "stage": timers.BIDDING_CLOSED, "bids": []},
        sends=[("bidding_closed_no_bids", gig.client, {"gig": gig.title})],
    )


def gig_expiry(clock) -> Case:
    gig = GigFactory()
    pending = place_bid(gig)
    shortlisted = place_bid(gig)
    withdrawn = place_bid(gig)
    bid_services.bid_shortlist(bid_id=shortlisted.pk, actor=gig.client)
    bid_services.bid_withdraw(bid_id=withdrawn.pk, actor=withdrawn.freelancer)
    return Case(
        moment=gig.bidding_deadline + days(settings.AWARD_WINDOW_DAYS),
        after=gig.bidding_deadline + days(settings.AWARD_WINDOW_DAYS + 1),
        kinds=("gig_expired", "gig_expired_bidder"),
        state=gig_state(gig),
        before={
            "status": Gig.Status.OPEN,
            "stage": timers.BIDDING_CLOSED,
            "bids": ["pending", "shortlisted", "withdrawn"],
        },
        fired={
            "status": Gig.Status.EXPIRED,
            "stage": timers.BIDDING_CLOSED,
            "bids": ["rejected", "rejected", "withdrawn"],
        },
        sends=[
            (
                "gig_expired",
                gig.client,
                {"gig": gig.title, "days": ByLanguage(en="7 days", id="7 hari")},
            ),
            ("gig_expired_bidder", pending.freelancer, {"gig": gig.title}),
            ("gig_expired_bidder", shortlisted.freelancer, {"gig": gig.title}),
        ],
    )


def contract_state(contract: Contract) -> Callable[[], dict[str, Any]]:
    def state() -> dict[str, Any]:
        fresh = Contract.objects.select_related("gig").get(pk=contract.pk)
        milestone = fresh.milestones.get()
        return {
            "contract": fresh.status,
            "outcome": fresh.outcome,
            "stage": fresh.funding_notice_stage,
            "gig": fresh.gig.status,
            "milestone": milestone.status,
            "fault": milestone.cancel_fault,
            "client wallet": wallet_summary(user=fresh.client).available,
        }

    return state


UNFUNDED = {
    "contract": Contract.Status.ACTIVE,
    "outcome": "",
    "stage": timers.FUNDING_NONE,
    "gig": Gig.Status.AWARDED,
    "milestone": M.PENDING,
    "fault": "",
    "client wallet": 200_000,
}


def unfunded_reminder(clock) -> Case:
    contract, _milestone = active_contract()
    return Case(
        moment=START + days(settings.FUNDING_WINDOW_DAYS) / 2,
        after=START + days(settings.FUNDING_WINDOW_DAYS) - SECOND,
        kinds=("contract_unfunded_reminder",),
        state=contract_state(contract),
        before=UNFUNDED,
        fired={**UNFUNDED, "stage": timers.FUNDING_REMINDED},
        sends=[
            (
                "contract_unfunded_reminder",
                contract.client,
                {
                    "gig": contract.gig.title,
                    "when": ByLanguage(en="6 March 2025 10:00 WIB", id="6 Maret 2025 10.00 WIB"),
                },
            )
        ],
    )


def unfunded_cancellation(clock) -> Case:
    contract, _milestone = active_contract()
    params = {"gig": contract.gig.title, "days": ByLanguage(en="3 days", id="3 hari")}
    return Case(
        moment=START + days(settings.FUNDING_WINDOW_DAYS),
        after=START + days(settings.FUNDING_WINDOW_DAYS + 1),
        kinds=("contract_cancelled_unfunded",),
        state=contract_state(contract),
        before={**UNFUNDED, "stage": timers.FUNDING_REMINDED},
        fired={
            **UNFUNDED,
            "stage": timers.FUNDING_REMINDED,
            "contract": Contract.Status.CANCELLED,
            "outcome": Contract.Outcome.CANCELLED_BY_CLIENT,
            "gig": Gig.Status.CANCELLED,
            "milestone": M.CANCELLED,
            "fault": Milestone.Fault.CLIENT,
        },
        sends=[
            ("contract_cancelled_unfunded", contract.client, params),
            ("contract_cancelled_unfunded", contract.freelancer, params),
        ],
    )


def completed_contract() -> Contract:
    """A contract paid out at START."""
    contract, milestone = funded_contract()
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)
    services.milestone_approve(milestone_id=milestone.pk, actor=contract.client)
    return contract


def write_review(contract: Contract, author: User) -> Review:
    return review_services.review_submit(
        contract_id=contract.pk,
        actor=author,
        quality=5,
        communication=4,
        value=5,
        comment="Cepat, rapi, komunikatif.",
    )


def review_reveal(clock) -> Case:
    contract = completed_contract()
    clock.move_to(START + days(1))
    review = write_review(contract, contract.client)
    moment = START + days(settings.REVIEW_WINDOW_DAYS)
    return Case(
        moment=moment,
        after=moment + days(1),
        kinds=("reviews_revealed", "review_window_closed"),
        state=lambda: {"revealed_at": Review.objects.get(pk=review.pk).revealed_at},
        before={"revealed_at": None},
        fired={"revealed_at": moment},
        sends=[
            ("review_window_closed", contract.client, {"gig": contract.gig.title}),
            ("review_window_closed", contract.freelancer, {"gig": contract.gig.title}),
        ],
    )


CASES = [
    due_24h,
    due_2h,
    overdue,
    auto_release_warning,
    auto_release,
    bidding_closes_soon,
    bidding_closed,
    bidding_closed_without_bids,
    gig_expiry,
    unfunded_reminder,
    unfunded_cancellation,
    review_reveal,
]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize("arrange", CASES, ids=[case.__name__ for case in CASES])
def test_timer_fires_at_its_moment_once_in_the_recipients_language(clock, arrange, language):
    case = arrange(clock)
    User.objects.update(preferred_language=language)
    expected = sorted(
        (kind, recipient.pk, *written(kind, language, params))
        for kind, recipient, params in case.sends
    )
    other_language = "id" if language == "en" else "en"

    def sweep_at(moment: datetime) -> tuple[dict[str, Any], list]:
        clock.move_to(moment)
        with translation.override(other_language):
            run_sweeps()
        return case.state(), notices(*case.kinds)

    assert sweep_at(case.moment - SECOND) == (case.before, [])
    assert sweep_at(case.moment) == (case.fired, expected)
    assert sweep_at(case.after) == (case.fired, expected)


# --- details of single timers -----------------------------------------------------------------


@pytest.mark.django_db
def test_client_cancels_an_overdue_funded_milestone_and_is_refunded(clock):
    contract, milestone = funded_contract()
    assert wallet_summary(user=contract.client).available == 80_000

    clock.move_to(DUE - SECOND)
    with pytest.raises(Conflict) as refused:
        services.milestone_cancel(milestone_id=milestone.pk, actor=contract.client)
    assert refused.value.code == "not_overdue"
    assert Milestone.objects.get(pk=milestone.pk).status == M.FUNDED
    assert wallet_summary(user=contract.client).available == 80_000

    clock.move_to(DUE)
    run_sweeps()
    services.milestone_cancel(milestone_id=milestone.pk, actor=contract.client)

    milestone.refresh_from_db()
    contract.refresh_from_db()
    assert (milestone.status, milestone.cancel_fault) == (M.CANCELLED, Milestone.Fault.FREELANCER)
    assert wallet_summary(user=contract.client) == WalletSummary(
        available=200_000, in_escrow=0, pending_withdrawal=0
    )
    assert wallet_summary(user=contract.freelancer).available == 0
    assert balance(f"escrow:milestone:{milestone.pk}") == 0
    assert (contract.status, contract.outcome) == (
        Contract.Status.CANCELLED,
        Contract.Outcome.CANCELLED_BY_FREELANCER,
    )
    clock.move_to(DUE + days(1))
    run_sweeps()  # a cancelled milestone has no timer left
    assert [kind for kind, *_ in notices("milestone_overdue", "milestone_overdue_client")] == [
        "milestone_overdue",
        "milestone_overdue_client",
    ]


@pytest.mark.django_db
def test_milestone_funded_an_hour_before_it_is_due_gets_only_the_2h_notice(clock):
    contract, milestone = active_contract()
    # A bid that promised the work within the hour (the hire was at START).
    Contract.objects.filter(pk=contract.pk).update(agreed_delivery_at=START + hours(1))
    Milestone.objects.filter(pk=milestone.pk).update(due_at=START + hours(1))
    services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)

    run_sweeps()

    assert Milestone.objects.get(pk=milestone.pk).due_notice_stage == timers.DUE_2H
    kinds = ("milestone_due_24h", "milestone_due_2h", "milestone_overdue")
    assert [(kind, who) for kind, who, *_ in notices(*kinds)] == [
        ("milestone_due_2h", contract.freelancer_id)
    ]

    clock.move_to(START + hours(1))
    run_sweeps()
    assert [kind for kind, *_ in notices(*kinds)] == ["milestone_due_2h", "milestone_overdue"]


@pytest.mark.django_db
def test_a_resubmission_after_a_revision_has_its_own_auto_release_timer(clock):
    first = START + days(1)
    contract, milestone = submitted_contract(clock, first)
    clock.move_to(first + days(2))  # a day before the first auto-release
    run_sweeps()
    assert len(notices("auto_release_warning")) == 1

    clock.move_to(first + days(2) + hours(1))
    services.milestone_request_revision(
        milestone_id=milestone.pk, actor=contract.client, note="Warnanya lebih cerah, ya."
    )
    second = first + days(2) + hours(2)
    clock.move_to(second)
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)
    assert Milestone.objects.get(pk=milestone.pk).auto_release_warned_at is None

    clock.move_to(first + days(settings.AUTO_RELEASE_DAYS))  # the first timer's end: gone
    run_sweeps()
    clock.move_to(second + days(2) - SECOND)
    run_sweeps()
    assert Milestone.objects.get(pk=milestone.pk).status == M.SUBMITTED
    assert len(notices("auto_release_warning")) == 1

    clock.move_to(second + days(2))
    run_sweeps()
    assert Milestone.objects.get(pk=milestone.pk).auto_release_warned_at == second + days(2)
    bodies = [body for *_, body in notices("auto_release_warning")]
    assert len(bodies) == 2
    assert any("7 Maret 2025 10" in body for body in bodies)  # the first submission's
    assert any("9 Maret 2025 12" in body for body in bodies)  # the resubmission's

    clock.move_to(second + days(settings.AUTO_RELEASE_DAYS) - SECOND)
    run_sweeps()
    assert Milestone.objects.get(pk=milestone.pk).status == M.SUBMITTED
    clock.move_to(second + days(settings.AUTO_RELEASE_DAYS))
    run_sweeps()
    assert Milestone.objects.get(pk=milestone.pk).status == M.RELEASED
    assert len(notices("auto_release_warning")) == 2


@pytest.mark.django_db
def test_a_gig_takes_no_bids_once_bidding_closed(clock):
    gig = GigFactory()
    clock.move_to(gig.bidding_deadline - SECOND)
    place_bid(gig)

    clock.move_to(gig.bidding_deadline)
    with pytest.raises(Conflict) as refused:
        place_bid(gig)

    assert refused.value.code == "bidding_closed"
    assert Bid.objects.filter(gig=gig).count() == 1
    assert Gig.objects.get(pk=gig.pk).bid_count == 1


@pytest.mark.django_db
@override_settings(TIMER_DAY_SECONDS=60)
def test_a_timer_day_is_timer_day_seconds_long(clock):
    """The fast demo: a day of 60 s auto-releases three "days" (three minutes) after delivery."""
    _contract, milestone = submitted_contract(clock, START)

    clock.move_to(START + timedelta(minutes=2) - SECOND)
    run_sweeps()
    assert notices("auto_release_warning") == []
    clock.move_to(START + timedelta(minutes=2))
    run_sweeps()
    assert len(notices("auto_release_warning")) == 1

    clock.move_to(START + timedelta(minutes=3) - SECOND)
    run_sweeps()
    assert Milestone.objects.get(pk=milestone.pk).status == M.SUBMITTED
    clock.move_to(START + timedelta(minutes=3))
    run_sweeps()
    assert Milestone.objects.get(pk=milestone.pk).status == M.RELEASED


@pytest.mark.django_db
@override_settings(TIMER_DAY_SECONDS=60)
def test_the_review_window_is_measured_in_timer_days(clock):
    contract = completed_contract()
    review = write_review(contract, contract.client)

    closes = START + timedelta(minutes=settings.REVIEW_WINDOW_DAYS)

    clock.move_to(closes - SECOND)
    run_sweeps()
    assert Review.objects.get(pk=review.pk).revealed_at is None
    clock.move_to(closes)
    run_sweeps()
    assert Review.objects.get(pk=review.pk).revealed_at == closes


# --- batches ----------------------------------------------------------------------------------


def five_due_milestones(clock) -> Callable[..., int]:
    for _ in range(5):
        funded_contract()
    clock.move_to(DUE - hours(24))
    return timers.milestone_due_sweep


def five_releases(clock) -> Callable[..., int]:
    for _ in range(5):
        submitted_contract(clock, START)
    clock.move_to(START + days(settings.AUTO_RELEASE_DAYS))
    return timers.auto_release_sweep


def five_closed_gigs(clock) -> Callable[..., int]:
    for _ in range(5):
        GigFactory()
    clock.move_to(START + days(3))
    return timers.bidding_sweep


def five_unfunded_contracts(clock) -> Callable[..., int]:
    for _ in range(5):
        active_contract()
    clock.move_to(START + days(settings.FUNDING_WINDOW_DAYS))
    return timers.funding_sweep


def five_hidden_reviews(clock) -> Callable[..., int]:
    for _ in range(5):
        contract = completed_contract()
        write_review(contract, contract.freelancer)
    clock.move_to(START + days(settings.REVIEW_WINDOW_DAYS))
    return review_services.reviews_reveal_due


BACKLOGS = [
    five_due_milestones,
    five_releases,
    five_closed_gigs,
    five_unfunded_contracts,
    five_hidden_reviews,
]


@pytest.mark.django_db
@pytest.mark.parametrize("backlog", BACKLOGS, ids=[b.__name__ for b in BACKLOGS])
def test_a_sweep_handles_one_batch_and_the_next_run_continues(clock, backlog):
    sweep = backlog(clock)

    assert [sweep(batch=2) for _ in range(4)] == [2, 2, 1, 0]


@pytest.mark.django_db
@override_settings(TIMER_BATCH_SIZE=2, TIMER_MAX_BATCHES=2)
def test_a_sweep_task_runs_at_most_its_batches_per_run(clock):
    five_due_milestones(clock)

    assert tasks.sweep_milestone_due_dates() == 4
    assert Milestone.objects.filter(due_notice_stage=timers.DUE_24H).count() == 4
    assert tasks.sweep_milestone_due_dates() == 1
    assert tasks.sweep_milestone_due_dates() == 0
    assert len(notices("milestone_due_24h")) == 5


# --- every sweep twice ------------------------------------------------------------------------


def snapshot() -> dict[str, Any]:
    """Everything a sweep may change."""
    return {
        "milestones": list(
            Milestone.objects.order_by("pk").values_list(
                "pk",
                "status",
                "due_notice_stage",
                "auto_release_warned_at",
                "submitted_at",
                "closed_at",
                "cancel_fault",
            )
        ),
        "contracts": list(
            Contract.objects.order_by("pk").values_list(
                "pk", "status", "outcome", "funding_notice_stage", "completed_at"
            )
        ),
        "gigs": list(
            Gig.objects.order_by("pk").values_list("pk", "status", "bidding_notice_stage")
        ),
        "bids": list(Bid.objects.order_by("pk").values_list("pk", "status")),
        "reviews": list(Review.objects.order_by("pk").values_list("pk", "revealed_at")),
        "notices": list(
            Notification.objects.order_by("key").values_list(
                "key", "recipient", "kind", "title", "email_status", "email_attempts"
            )
        ),
        "ledger": (LedgerTransaction.objects.count(), Entry.objects.count()),
        "balances": list(Account.objects.order_by("reference").values_list("reference", "balance")),
        "reputation events": ReputationEvent.objects.count(),
        "e-mails": len(mail.outbox),
    }


def run_every_sweep() -> None:
    run_sweeps()
    tasks.audit_ledger()
    deliver_pending_emails()


@pytest.mark.django_db
def test_running_every_sweep_twice_changes_nothing_the_second_time(clock):
    at = START + days(20)  # every timer below is due then

    completed = completed_contract()  # completed at START: its review window closed at +14 days
    clock.move_to(START + days(1))
    write_review(completed, completed.freelancer)
    expiring = GigFactory()  # bidding closed at START + 3 days: expired at + 10 days
    place_bid(expiring)

    clock.move_to(at - days(6))
    closed = GigFactory(bidding_deadline=at - days(1))
    place_bid(closed)
    GigFactory(bidding_deadline=at - hours(1))  # closed without bids
    GigFactory(bidding_deadline=at + hours(12))  # closes soon
    for due in (at + hours(12), at + hours(1), at - hours(1)):  # 24 h, 2 h, overdue
        _contract, milestone = funded_contract()
        Milestone.objects.filter(pk=milestone.pk).update(due_at=due)
    submitted_contract(clock, at - days(2) - hours(1))  # to warn
    submitted_contract(clock, at - days(3) - hours(1))  # to release
    clock.move_to(at - days(4))
    active_contract()  # to cancel
    clock.move_to(at - days(2))
    active_contract()  # to remind

    clock.move_to(at)
    run_every_sweep()
    first = snapshot()
    fired = {kind for _key, _who, kind, *_ in first["notices"]}
    assert fired >= {
        "milestone_due_24h",
        "milestone_due_2h",
        "milestone_overdue",
        "milestone_overdue_client",
        "auto_release_warning",
        "milestone_released",
        "bidding_closes_soon",
        "bidding_closed",
        "bidding_closed_no_bids",
        "gig_expired",
        "gig_expired_bidder",
        "contract_unfunded_reminder",
        "contract_cancelled_unfunded",
        "review_window_closed",
    }
    assert first["e-mails"] > 0  # the notices written before the sweeps' minute went out

    run_every_sweep()

    assert snapshot() == first


# --- the words --------------------------------------------------------------------------------


SAMPLE = {
    "gig": "Logo toko kue",
    "milestone": "Logo final",
    "due": DUE_LOCAL,
    "when": DUE_LOCAL,
    "amount": AMOUNT,
    "count": ByLanguage(en="2 bids", id="2 penawaran"),
    "days": ByLanguage(en="7 days", id="7 hari"),
    "summary": "entries sum to 5, not 0.",
}


def test_every_timer_notice_is_translated_to_indonesian():
    """A kind listed here reads in English for Indonesian recipients (``locale/id``)."""
    missing = [
        kind
        for kind in TIMER_KINDS
        for english, indonesian in [(written(kind, "en", SAMPLE), written(kind, "id", SAMPLE))]
        if english[0] == indonesian[0] or english[1] == indonesian[1]
    ]

    assert missing == []


def test_the_english_table_matches_the_notice_catalogue():
    with translation.override("en"):
        catalogue = {
            kind: (
                str(kind_named(kind).title) % resolved(SAMPLE, "en"),
                str(kind_named(kind).body) % resolved(SAMPLE, "en"),
            )
            for kind in TIMER_KINDS
        }

    assert {kind: written(kind, "en", SAMPLE) for kind in TIMER_KINDS} == catalogue


@pytest.mark.django_db
def test_a_funded_contract_missing_its_funding_mark_is_never_cancelled_as_unfunded(time_machine):
    # A contract funded before the funding timer existed has no first_funded_at (the migration
    # fills it in; this is the service's own guard): the milestones say it was funded.
    time_machine.move_to(datetime(2025, 3, 3, 3, 0, tzinfo=UTC), tick=False)
    contract = ContractFactory()
    top_up(contract.client, 200_000)
    milestone = contract.milestones.get()
    services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    Contract.objects.filter(pk=contract.pk).update(first_funded_at=None)
    time_machine.move_to(
        datetime(2025, 3, 3, 3, 0, tzinfo=UTC) + days(settings.FUNDING_WINDOW_DAYS + 1), tick=False
    )

    timers.funding_sweep()

    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    assert contract.first_funded_at == Milestone.objects.get(pk=milestone.pk).funded_at
    assert Milestone.objects.get(pk=milestone.pk).status == Milestone.Status.FUNDED
    assert not Notification.objects.filter(kind="contract_cancelled_unfunded").exists()
    assert timers.funding_sweep() == 0  # marked: the sweep no longer selects it
