"""The notice registry: every kind the code sends is registered by its app, every kind's link
resolves and leads to a page, and each kind's key is the one its notices have always had (the
key makes a notice idempotent and names its e-mail's Message-ID, so a changed key would send a
redelivered event's notice twice)."""

from __future__ import annotations

import ast
import importlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import get_resolver, resolve, reverse
from django.utils import translation

from accounts.models import ModeratorAction, Suspension
from accounts.notices import (
    NoticeKind,
    all_kinds,
    email_optional_kinds,
    email_preference_of,
    kind_named,
    kinds_in,
    notice_key,
    notice_page_path,
    notify,
)
from payments.models import Deposit, DepositRefund, IdentityCheck, Withdrawal
from projects.models import Bid, Contract, ContractMessage, Gig, Milestone, Report, Review

APPS = ("accounts", "payments", "projects")
BASE = Path(settings.BASE_DIR)


def app_sources() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for app in APPS
        for path in sorted((BASE / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def imported_notices_module(tree: ast.Module) -> str | None:
    """Which app's ``notices`` a module imports (``from projects import notices``)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module in APPS
            and any(alias.name == "notices" and alias.asname is None for alias in node.names)
        ):
            return f"{node.module}.notices"
    return None


def test_every_kind_an_app_declares_is_registered():
    declared = [
        kind
        for app in APPS[1:]
        for kind in kinds_in(vars(importlib.import_module(f"{app}.notices")))
    ]

    assert len(declared) == 56
    assert {kind.code for kind in all_kinds()} == {kind.code for kind in declared}
    assert all(kind_named(kind.code) is kind for kind in declared)


def test_every_kind_the_code_sends_is_registered():
    """Each ``notices.NAME`` the apps use is a registered kind; no kind is named by a string."""
    used: set[str] = set()
    for path, tree in app_sources():
        module_name = imported_notices_module(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "notices"
                and node.attr.isupper()
            ):
                assert module_name, (
                    f"{path}: notices.{node.attr} without `from <app> import notices`"
                )
                kind = getattr(importlib.import_module(module_name), node.attr)
                assert isinstance(kind, NoticeKind), f"{path}: notices.{node.attr}"
                assert kind_named(kind.code) is kind, f"{path}: {kind.code} is not registered"
                used.add(kind.code)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "notify":
                kind_arg = node.args[1] if len(node.args) > 1 else None
                assert not isinstance(kind_arg, ast.Constant), f"{path}:{node.lineno}"

    assert len(used) == 56  # every registered kind is sent somewhere


def test_no_service_writes_an_api_path_by_hand():
    """Links are reversed from route names; the pages are found from them by route name."""
    hand_written = [
        f"{path.relative_to(BASE)}:{node.lineno}"
        for path, tree in app_sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.keyword)
        and node.arg == "link"
        and "/api/v1/" in ast.unparse(node.value)
    ]

    assert hand_written == []


def route_parameters(name: str) -> list[str]:
    """The arguments of the named URL route ("api:contract-detail" → ["contract_id"])."""
    resolver = get_resolver()
    *namespaces, short = name.split(":")
    for namespace in namespaces:
        _prefix, resolver = resolver.namespace_dict[namespace]
    [(possibilities, _pattern, _defaults, _converters)] = resolver.reverse_dict.getlist(short)
    [(_format, parameters)] = possibilities
    return parameters


SAMPLE_ARGUMENTS = {"app_label": "payments"}  # the admin's app index takes our app labels


@pytest.mark.parametrize("kind", [kind for kind in all_kinds() if kind.link], ids=str)
def test_each_registered_kinds_link_resolves_and_leads_to_a_page(kind):
    arguments = {name: SAMPLE_ARGUMENTS.get(name, 7) for name in route_parameters(kind.link)}
    link = reverse(kind.link, kwargs=arguments)

    assert resolve(link).view_name == kind.link
    page = notice_page_path(link)
    assert not resolve(page).view_name.startswith(("api:", "api-"))
    # Only a bid (its gig is not in its path) and a report have no page of their own.
    if kind.link in ("api:bid-detail", "api:report-list"):
        assert page == "/dashboard/"
    else:
        assert page != "/dashboard/"


def test_kinds_without_a_route_have_no_fixed_link():
    without = sorted(kind.code for kind in all_kinds() if not kind.link)

    assert without == [
        "account_suspended",
        "account_suspended_until",
        "contact_details_hidden",  # the object's own link, given by the caller
        "content_removed",
        "suspension_ended",
        "suspension_lifted",
        "user_warned",
    ]


def test_the_email_preferences_list_the_marketplace_then_the_wallet():
    with translation.override("en"):
        groups = [str(kind.group.label) for kind in email_optional_kinds(staff=False)]
        for_staff = [str(kind.group.label) for kind in email_optional_kinds(staff=True)]

    assert groups == ["Gigs, bids and contracts"] * 34 + ["Wallet"] * 10
    assert for_staff == ["Gigs, bids and contracts"] * 35 + ["Wallet"] * 10
    assert email_optional_kinds(staff=False)[0].code == "bid_received"
    assert email_optional_kinds(staff=False)[-1].code == "identity_rejected"


@pytest.mark.parametrize("staff", [False, True])
def test_each_notice_people_know_is_one_preference(staff):
    # Kinds with one title are one notice to the person: one line, one switch.
    with translation.override("en"):
        titles = [str(kind.title) for kind in email_optional_kinds(staff=staff)]

    assert len(titles) == len(set(titles))
    codes = {kind.code for kind in email_optional_kinds(staff=staff)}
    assert "milestone_overdue" in codes
    assert "milestone_overdue_client" not in codes
    assert "withdrawal_rejected" in codes
    assert "withdrawal_failed" not in codes
    assert ("ledger_audit_failed" in codes) is staff


def test_a_kind_covered_by_another_preference_is_muted_by_it():
    assert email_preference_of("milestone_overdue_client") == "milestone_overdue"
    assert email_preference_of("withdrawal_failed") == "withdrawal_rejected"
    assert email_preference_of("bid_received") == "bid_received"
    assert email_preference_of("no_such_kind") == "no_such_kind"


# --- the keys ------------------------------------------------------------------------------------

RECIPIENT = 3
DUE = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)
BID, GIG, MILESTONE, CONTRACT = Bid(pk=42), Gig(pk=7), Milestone(pk=9), Contract(pk=5)
REVIEW, MESSAGE, REPORT = Review(pk=11), ContractMessage(pk=13), Report(pk=17)
DEPOSIT, WITHDRAWAL = Deposit(pk=19), Withdrawal(pk=23)
IDENTITY = IdentityCheck(pk=31)
REFUND = DepositRefund(pk=37)
SUSPENSION, RECORD = Suspension(pk=29), ModeratorAction(pk=31)

# (kind, subject, occurrence) → the key, as the services wrote it by hand before kinds were
# registered (e.g. f"{kind}:milestone:{milestone.pk}:{recipient_id}:{due_at.isoformat()}").
KEYS = {
    ("bid_received", BID, None): "bid_received:bid:42",
    ("bid_shortlisted", BID, None): "bid_shortlisted:bid:42",
    ("bid_accepted", BID, None): "bid_accepted:bid:42",
    ("bid_rejected", BID, None): "bid_rejected:bid:42",
    ("bid_withdrawn", BID, None): "bid_withdrawn:bid:42",
    ("gig_cancelled", BID, None): "gig_cancelled:bid:42",
    ("gig_expired_bidder", BID, None): "gig_expired_bidder:bid:42",
    ("gig_invited", GIG, None): "gig_invited:gig:7:3",
    ("gig_approved", GIG, None): "gig_approved:gig:7",
    ("gig_rejected", GIG, None): "gig_rejected:gig:7",
    ("gig_expired", GIG, None): "gig_expired:gig:7",
    ("bidding_closes_soon", GIG, None): "bidding_closes_soon:gig:7",
    ("bidding_closed", GIG, None): "bidding_closed:gig:7",
    ("bidding_closed_no_bids", GIG, None): "bidding_closed:gig:7",
    ("milestone_funded", MILESTONE, None): "milestone_funded:milestone:9:3",
    ("milestone_payment_kept", DEPOSIT, None): "milestone_payment_kept:deposit:19",
    ("milestone_submitted", MILESTONE, 8): "milestone_submitted:milestone:9:3:8",
    ("revision_requested", MILESTONE, 0): "revision_requested:milestone:9:3:0",
    ("milestone_released", MILESTONE, None): "milestone_released:milestone:9:3",
    ("milestone_auto_released", MILESTONE, None): "milestone_auto_released:milestone:9:3",
    ("milestone_cancelled", MILESTONE, None): "milestone_cancelled:milestone:9:3",
    ("milestone_disputed", MILESTONE, None): "milestone_disputed:milestone:9:3",
    ("dispute_resolved", MILESTONE, None): "dispute_resolved:milestone:9:3",
    (
        "milestone_due_24h",
        MILESTONE,
        DUE,
    ): "milestone_due_24h:milestone:9:3:2025-03-03T03:00:00+00:00",
    (
        "milestone_due_2h",
        MILESTONE,
        DUE,
    ): "milestone_due_2h:milestone:9:3:2025-03-03T03:00:00+00:00",
    (
        "milestone_overdue",
        MILESTONE,
        DUE,
    ): "milestone_overdue:milestone:9:3:2025-03-03T03:00:00+00:00",
    (
        "milestone_overdue_client",
        MILESTONE,
        DUE,
    ): "milestone_overdue:milestone:9:3:2025-03-03T03:00:00+00:00",
    (
        "auto_release_warning",
        MILESTONE,
        DUE,
    ): "auto_release_warning:milestone:9:3:2025-03-03T03:00:00+00:00",
    ("contract_completed", CONTRACT, None): "contract_completed:contract:5:3",
    ("contract_unfunded_reminder", CONTRACT, None): "contract_unfunded_reminder:contract:5",
    ("contract_cancelled_unfunded", CONTRACT, None): "contract_cancelled_unfunded:contract:5:3",
    ("reviews_revealed", CONTRACT, None): "reviews_revealed:contract:5:3",
    ("review_window_closed", CONTRACT, None): "reviews_revealed:contract:5:3",
    ("review_received", REVIEW, None): "review_received:review:11:3",
    ("message_received", MESSAGE, None): "message_received:message:13:3",
    ("ledger_audit_failed", "2025-03-03", None): "ledger_audit_failed:2025-03-03:3",
    (
        "contact_details_hidden",
        ("portfolio_item", 37),
        None,
    ): "contact_details_hidden:portfolio_item:37",
    ("report_dismissed", REPORT, None): "report_dismissed:report:17",
    ("report_actioned", REPORT, None): "report_actioned:report:17",
    ("content_removed", ("review", 11), None): "content_removed:review:11",
    ("user_warned", RECORD, None): "user_warned:31",
    ("account_suspended", SUSPENSION, None): "account_suspended:29",
    ("account_suspended_until", SUSPENSION, None): "account_suspended:29",
    ("suspension_lifted", SUSPENSION, None): "suspension_lifted:29",
    ("suspension_ended", SUSPENSION, None): "suspension_ended:29",
    ("deposit_paid", DEPOSIT, None): "deposit_paid:deposit:19",
    ("deposit_failed", DEPOSIT, None): "deposit_failed:deposit:19",
    ("deposit_refunded", REFUND, None): "deposit_refunded:depositrefund:37",
    ("deposit_taken_back", REFUND, None): "deposit_taken_back:depositrefund:37",
    ("deposit_taken_back_owed", REFUND, None): "deposit_taken_back_owed:depositrefund:37",
    ("withdrawal_paid", WITHDRAWAL, None): "withdrawal_paid:withdrawal:23",
    ("withdrawal_rejected", WITHDRAWAL, None): "withdrawal_rejected:withdrawal:23",
    ("withdrawal_failed", WITHDRAWAL, None): "withdrawal_failed:withdrawal:23",
    ("withdrawal_returned", WITHDRAWAL, None): "withdrawal_returned:withdrawal:23",
    ("identity_approved", IDENTITY, None): "identity_approved:identitycheck:31",
    ("identity_rejected", IDENTITY, None): "identity_rejected:identitycheck:31",
}


@pytest.mark.parametrize(("case", "expected"), KEYS.items(), ids=[code for code, *_ in KEYS])
def test_each_kind_keeps_its_key(case, expected):
    code, subject, occurrence = case

    key = notice_key(
        kind_named(code), recipient_id=RECIPIENT, subject=subject, occurrence=occurrence
    )

    assert key == expected


def test_every_registered_kind_has_its_key_pinned():
    assert sorted({code for code, *_ in KEYS}) == sorted(kind.code for kind in all_kinds())


@pytest.mark.django_db
def test_an_unregistered_kind_sends_nothing(user):
    stray = NoticeKind("stray", kind_named("gig_approved").title, kind_named("gig_approved").body)

    with pytest.raises(LookupError):
        notify(user, stray, subject=1, gig="Logo")

    assert not user.notifications.exists()


@pytest.mark.django_db
def test_a_kind_with_a_route_takes_no_link_of_the_callers(user):
    with pytest.raises(ValueError, match="links to its route"):
        notify(
            user,
            kind_named("gig_approved"),
            subject=1,
            link="/somewhere/",
            link_args={"gig_id": 1},
            gig="Logo",
        )

    assert not user.notifications.exists()


def test_only_the_most_urgent_kinds_go_to_whatsapp():
    """Deadline in 2 hours, work delivered, payment released: each with its approved template
    (accounts.models.WhatsAppContact; tests/accounts/test_whatsapp_notices.py)."""
    from accounts.notices import whatsapp_kinds

    assert {kind.code: kind.whatsapp_template for kind in whatsapp_kinds()} == {
        "milestone_due_2h": "garap_deadline_2h",
        "milestone_submitted": "garap_work_delivered",
        "milestone_released": "garap_payment_released",
    }
