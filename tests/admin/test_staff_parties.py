"""Staff never act on what they are a party to (accounts.staff_policy).

Every staff action is a case below, built so that the acting staff member is a party to its
object in one of the ways the rule names: their own gig, contract, dispute or withdrawal, a
report they filed or that is about them or something of theirs, a report on an object they also
reported, their own account, or a user they have an active contract with. For each case:

- the service refuses the party (403 ``staff_is_party``): nothing changes — no status, money,
  notice or hidden gig — and the audit log gets exactly one record of the attempt;
- the same service does it for an uninvolved staff member of the same role;
- the admin does not offer it to the party (no checkbox on the row, no button on the page, no
  settle form on the console), does offer it to the uninvolved one, and a crafted POST by the
  party is refused and recorded like a service call.
"""

from __future__ import annotations

import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

import payments.services
import projects.services
from accounts.models import Category, ModeratorAction, Suspension, User
from accounts.roles import FINANCE, MODERATORS
from accounts.staff_policy import StaffIsParty, ensure_staff_not_party
from payments.models import IdentityCheck, Withdrawal
from payments.services import identity, payouts, withdrawals
from projects.models import Contract, ContractMessage, Dispute, Gig, Report, Service
from projects.services import milestones as escrow
from projects.services.catalogue import service_approve, service_reject
from projects.services.gigs import gig_approve, gig_reject
from projects.services.reports import report_create, report_resolve, user_warn
from projects.services.suspensions import suspension_create, suspension_lift
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.payments.factories import IdentityCheckFactory, verified
from tests.projects.factories import (
    ContractFactory,
    GigFactory,
    ServiceFactory,
    top_up,
    with_packages,
)
from tests.projects.test_permissions import snapshot

A = ModeratorAction.Action
O = Report.Outcome  # noqa: E741 - the outcomes read as O.DISMISSED


@dataclass
class Staff:
    party: User  # the staff member who is a party to each case's object
    other: User  # an uninvolved one of the same role


@dataclass
class Case:
    """One staff action. ``build`` makes its object with ``party`` involved and returns it;
    ``act`` runs the service as ``staff``; ``admin`` is how the admin offers it: (changelist
    URL, action name, form fields) — or None for the disputes console."""

    role: str  # "moderator" or "finance"
    attempted: str  # the ModeratorAction.Action the refusal names
    build: Callable[[User], Any]
    act: Callable[[Any, User], Any]
    admin: tuple[str, str, dict[str, str]] | None
    target: Callable[[Any], Any] = lambda obj: obj  # what the audit record points at


GIGS, REPORTS, USERS = "/admin/projects/gig/", "/admin/projects/report/", "/admin/accounts/user/"
SUSPENSIONS, WITHDRAWALS = "/admin/accounts/suspension/", "/admin/payments/withdrawal/"
IDENTITIES = "/admin/payments/identitycheck/"
SERVICES = "/admin/projects/service/"


def pending_gig_of(user: User) -> Gig:
    return GigFactory(client=user, status=Gig.Status.PENDING_REVIEW, published_at=None)


def pending_service_of(user: User) -> Service:
    return with_packages(
        ServiceFactory(freelancer=user, status=Service.Status.PENDING_REVIEW, published_at=None)
    )


def report(reporter: User, target_type: str, target_id: int) -> Report:
    created, _new = report_create(
        reporter=reporter, target_type=target_type, target_id=target_id, reason="scam"
    )
    return created


def counterpart_of(user: User) -> User:
    """A freelancer with an active contract for ``user``'s gig."""
    return ContractFactory(bid__gig__client=user).freelancer


def reported_by_the_party(party: User) -> Report:
    return report(party, "gig", GigFactory().pk)


def about_the_partys_gig(party: User) -> Report:
    return report(UserFactory(), "gig", GigFactory(client=party).pk)


def about_the_partys_counterpart(party: User) -> Report:
    return report(UserFactory(), "profile", counterpart_of(party).pk)


def on_an_object_the_party_also_reported(party: User) -> Report:
    gig = GigFactory()
    report(party, "gig", gig.pk)
    return report(UserFactory(), "gig", gig.pk)


def on_the_partys_thread(party: User) -> Report:
    contract = ContractFactory(bid__gig__client=party)
    message = ContractMessage.objects.create(
        contract=contract, sender=contract.freelancer, body="Transfer langsung ke saya."
    )
    return report(party, "message", message.pk)


def dispute_of(party: User) -> Dispute:
    contract = ContractFactory(bid__gig__client=party, bid__amount=120_000)
    top_up(party, 120_000)
    milestone = contract.milestones.get()
    escrow.milestone_fund(milestone_id=milestone.pk, actor=party)
    escrow.milestone_dispute(
        milestone_id=milestone.pk, actor=contract.freelancer, reason="Klien menghilang."
    )
    return Dispute.objects.get(milestone=milestone)


def suspension_of_the_partys_counterpart(party: User) -> Suspension:
    admin = UserFactory(is_staff=True, is_superuser=True)
    return suspension_create(moderator=admin, user_id=counterpart_of(party).pk, reason="Spam.")


def identity_check_of(party: User) -> IdentityCheck:
    return IdentityCheckFactory(user=party)


def withdrawal_of(party: User) -> Withdrawal:
    verified(party)
    top_up(party, 100_000)
    return withdrawals.withdrawal_request(
        user=party,
        amount=100_000,
        method=Withdrawal.Method.BANK,
        bank_code="bca",
        account_number="1234567890",
        holder_name="Siti Aminah",
    )


def held_withdrawal_of(party: User) -> Withdrawal:
    withdrawal = withdrawal_of(party)
    Withdrawal.objects.filter(pk=withdrawal.pk).update(status=Withdrawal.Status.HELD)
    return withdrawal


def resolving(outcome: str) -> Callable[[Report, User], Any]:
    def act(obj: Report, staff: User) -> Any:
        return report_resolve(
            report_id=obj.pk, moderator=staff, outcome=outcome, note="Melanggar aturan."
        )

    return act


REASON = {"note": "Melanggar aturan."}

CASES: dict[str, Case] = {
    "approve own gig": Case(
        "moderator",
        A.APPROVE_GIG,
        pending_gig_of,
        lambda gig, staff: gig_approve(gig_id=gig.pk, moderator=staff),
        (GIGS, "approve_selected", {}),
    ),
    "reject own gig": Case(
        "moderator",
        A.REJECT_GIG,
        pending_gig_of,
        lambda gig, staff: gig_reject(gig_id=gig.pk, moderator=staff, reason="Tidak jelas."),
        (GIGS, "reject_selected", {"common_reason": "unclear"}),
    ),
    "approve own service": Case(
        "moderator",
        A.APPROVE_SERVICE,
        pending_service_of,
        lambda service, staff: service_approve(service_id=service.pk, moderator=staff),
        (SERVICES, "approve_selected", {}),
    ),
    "reject own service": Case(
        "moderator",
        A.REJECT_SERVICE,
        pending_service_of,
        lambda service, staff: service_reject(
            service_id=service.pk, moderator=staff, reason="Tidak jelas."
        ),
        (SERVICES, "reject_selected", {"common_reason": "unclear"}),
    ),
    "dismiss a report one filed": Case(
        "moderator",
        A.RESOLVE_REPORT,
        reported_by_the_party,
        resolving(O.DISMISSED),
        (REPORTS, "dismiss", {"note": ""}),
    ),
    "remove content from a report about one's gig": Case(
        "moderator",
        A.RESOLVE_REPORT,
        about_the_partys_gig,
        resolving(O.CONTENT_REMOVED),
        (REPORTS, "remove_content", REASON),
    ),
    "warn one's counterpart from a report": Case(
        "moderator",
        A.RESOLVE_REPORT,
        about_the_partys_counterpart,
        resolving(O.USER_WARNED),
        (REPORTS, "warn_user", REASON),
    ),
    "suspend from a report on an object one also reported": Case(
        "moderator",
        A.RESOLVE_REPORT,
        on_an_object_the_party_also_reported,
        resolving(O.USER_SUSPENDED),
        (REPORTS, "suspend_user", {**REASON, "suspend_until": ""}),
    ),
    "remove a message from one's own thread": Case(
        "moderator",
        A.RESOLVE_REPORT,
        on_the_partys_thread,
        resolving(O.CONTENT_REMOVED),
        (REPORTS, "remove_content", REASON),
    ),
    "settle one's own dispute": Case(
        "moderator",
        A.RESOLVE_DISPUTE,
        dispute_of,
        lambda dispute, staff: escrow.milestone_resolve(
            milestone_id=dispute.milestone_id,
            moderator=staff,
            freelancer_amount=0,
            note="Semua kembali ke klien.",
        ),
        None,
    ),
    "suspend one's counterpart": Case(
        "moderator",
        A.SUSPEND_USER,
        counterpart_of,
        lambda user, staff: suspension_create(moderator=staff, user_id=user.pk, reason="Spam."),
        (USERS, "suspend_selected", {"reason": "Spam.", "ends_at": ""}),
    ),
    "warn oneself": Case(
        "moderator",
        A.WARN_USER,
        lambda party: party,
        lambda user, staff: user_warn(moderator=staff, user_id=user.pk, reason="Spam."),
        (USERS, "warn_selected", {"reason": "Spam."}),
    ),
    "lift one's counterpart's suspension": Case(
        "moderator",
        A.LIFT_SUSPENSION,
        suspension_of_the_partys_counterpart,
        lambda suspension, staff: suspension_lift(
            moderator=staff, suspension_id=suspension.pk, reason="Banding diterima."
        ),
        (SUSPENSIONS, "lift_selected", {"reason": "Banding diterima."}),
    ),
    "mark one's own withdrawal paid": Case(
        "finance",
        A.MARK_WITHDRAWAL_PAID,
        withdrawal_of,
        lambda withdrawal, staff: withdrawals.withdrawal_mark_paid(
            withdrawal_id=withdrawal.pk, staff=staff
        ),
        (WITHDRAWALS, "mark_paid", {}),
    ),
    "reject one's own withdrawal": Case(
        "finance",
        A.REJECT_WITHDRAWAL,
        withdrawal_of,
        lambda withdrawal, staff: withdrawals.withdrawal_reject(
            withdrawal_id=withdrawal.pk, staff=staff, reason="Rekening salah."
        ),
        (WITHDRAWALS, "reject", {"reason": "Rekening salah."}),
    ),
    "hold one's own withdrawal": Case(
        "finance",
        A.HOLD_WITHDRAWAL,
        withdrawal_of,
        lambda withdrawal, staff: payouts.withdrawal_hold(
            withdrawal_id=withdrawal.pk, staff=staff, reason="Periksa dulu."
        ),
        (WITHDRAWALS, "hold", {"reason": "Periksa dulu."}),
    ),
    "release one's own held withdrawal": Case(
        "finance",
        A.RELEASE_WITHDRAWAL,
        held_withdrawal_of,
        lambda withdrawal, staff: payouts.withdrawal_release(
            withdrawal_id=withdrawal.pk, staff=staff
        ),
        (WITHDRAWALS, "release", {}),
    ),
    "approve one's own identity check": Case(
        "finance",
        A.APPROVE_IDENTITY,
        identity_check_of,
        lambda check, staff: identity.identity_approve(check_id=check.pk, staff=staff),
        (IDENTITIES, "approve", {}),
    ),
    "reject one's own identity check": Case(
        "finance",
        A.REJECT_IDENTITY,
        identity_check_of,
        lambda check, staff: identity.identity_reject(
            check_id=check.pk, staff=staff, reason="Foto buram."
        ),
        (IDENTITIES, "reject", {"reason": "Foto buram."}),
    ),
}


@pytest.fixture
def staff(roles) -> dict[str, Staff]:
    def another(group: str) -> User:
        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return {
        "moderator": Staff(party=roles["moderator"], other=another(MODERATORS)),
        "finance": Staff(party=roles["finance"], other=another(FINANCE)),
    }


def state() -> dict[str, list[Any]]:
    """What any of these actions would change (the audit log is checked on its own)."""
    return {
        **snapshot(),
        "hidden": list(Gig.objects.order_by("pk").values_list("pk", "hidden_at")),
        "suspensions": list(Suspension.objects.order_by("pk").values_list("pk", "lifted_at")),
        "messages_removed": list(
            ContractMessage.objects.order_by("pk").values_list("pk", "removed_at")
        ),
    }


def audit_since(last: int) -> list[tuple[Any, ...]]:
    return list(
        ModeratorAction.objects.filter(pk__gt=last)
        .order_by("pk")
        .values_list("moderator_id", "action", "target_type", "target_id", "details")
    )


def last_audit() -> int:
    return ModeratorAction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def refusal_record(party: User, case: Case, obj: Any) -> tuple[Any, ...]:
    target = case.target(obj) if case.attempted != A.RESOLVE_DISPUTE else obj
    return (
        party.pk,
        A.REFUSED_AS_PARTY,
        target._meta.label_lower,
        target.pk,
        {"attempted": str(case.attempted)},
    )


# --- the services -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_the_service_refuses_a_party_and_records_the_attempt(staff, name):
    case = CASES[name]
    party = staff[case.role].party
    obj = case.build(party)
    before, last = state(), last_audit()

    with pytest.raises(StaffIsParty) as refused:
        case.act(obj, party)

    assert (refused.value.status_code, refused.value.code) == (403, "staff_is_party")
    assert state() == before
    assert audit_since(last) == [refusal_record(party, case, obj)]


@pytest.mark.parametrize("name", list(CASES))
def test_the_service_acts_for_an_uninvolved_staff_member(staff, name):
    case = CASES[name]
    obj = case.build(staff[case.role].party)
    uninvolved = staff[case.role].other
    before, last = state(), last_audit()

    case.act(obj, uninvolved)

    assert state() != before
    records = audit_since(last)
    assert records, "the action writes its audit record"
    assert {(who, action) for who, action, *_ in records} >= {(uninvolved.pk, case.attempted)}
    assert A.REFUSED_AS_PARTY not in {action for _who, action, *_ in records}


# --- the admin --------------------------------------------------------------------------------


def checkbox(pk: int) -> str:
    return f'name="_selected_action" value="{pk}"'


def admin_as(admin_client_for, user: User):
    client = admin_client_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


ADMIN_CASES = [name for name, case in CASES.items() if case.admin]


@pytest.mark.parametrize("name", ADMIN_CASES)
def test_the_admin_list_offers_no_action_on_a_row_one_is_a_party_to(staff, admin_client_for, name):
    case = CASES[name]
    obj = case.build(staff[case.role].party)
    changelist = case.admin[0]

    as_party = admin_as(admin_client_for, staff[case.role].party).get(changelist)
    as_other = admin_as(admin_client_for, staff[case.role].other).get(changelist)

    assert as_party.status_code == as_other.status_code == 200
    assert checkbox(obj.pk) not in as_party.content.decode()
    assert "You are a party to this, so another staff member handles it." in (
        as_party.content.decode()
    )
    assert checkbox(obj.pk) in as_other.content.decode()


@pytest.mark.parametrize("name", ADMIN_CASES)
def test_a_crafted_admin_post_by_a_party_is_refused_and_recorded(staff, admin_client_for, name):
    case = CASES[name]
    party = staff[case.role].party
    obj = case.build(party)
    changelist, action, form = case.admin
    data = {"action": action, "_selected_action": [obj.pk], **form}
    data.update({"apply": "1"} if form else {"index": "0"})
    before, last = state(), last_audit()

    response = admin_as(admin_client_for, party).post(changelist, data, follow=True)

    assert response.status_code == 200
    assert "You are a party to this (it is yours, about you" in response.content.decode()
    assert state() == before
    assert audit_since(last) == [refusal_record(party, case, obj)]


@pytest.mark.parametrize(
    ("name", "page", "button"),
    [
        ("approve own gig", GIGS, "approve_selected"),
        ("approve own service", SERVICES, "approve_selected"),
        ("remove content from a report about one's gig", REPORTS, "remove_content"),
    ],
)
def test_the_change_page_shows_no_action_button_to_a_party(
    staff, admin_client_for, name, page, button
):
    obj = CASES[name].build(staff["moderator"].party)
    url = f"{page}{obj.pk}/change/"

    as_party = admin_as(admin_client_for, staff["moderator"].party).get(url).content.decode()
    as_other = admin_as(admin_client_for, staff["moderator"].other).get(url).content.decode()

    assert f'value="{button}"' not in as_party
    assert "You are a party to this, so another staff member handles it." in as_party
    assert f'value="{button}"' in as_other


def test_the_disputes_console_offers_no_settlement_to_a_party(staff, admin_client_for):
    party, other = staff["moderator"].party, staff["moderator"].other
    dispute = dispute_of(party)
    url = f"/admin/projects/dispute/{dispute.pk}/change/"

    as_party = admin_as(admin_client_for, party).get(url).content.decode()
    as_other = admin_as(admin_client_for, other).get(url).content.decode()

    assert "Settle with this split" not in as_party
    assert "You are a party to this, so another staff member handles it." in as_party
    assert "Settle with this split" in as_other


def test_a_crafted_settlement_on_the_console_by_a_party_is_refused_and_recorded(
    staff, admin_client_for
):
    party = staff["moderator"].party
    dispute = dispute_of(party)
    before, last = state(), last_audit()

    response = admin_as(admin_client_for, party).post(
        f"/admin/projects/dispute/{dispute.pk}/change/",
        {"freelancer_amount": 0, "note": "Semua kembali ke klien."},
    )

    assert response.status_code == 200
    assert state() == before
    assert audit_since(last) == [refusal_record(party, CASES["settle one's own dispute"], dispute)]


# --- the API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "selesaikan-1"], ids=["plain", "idempotency-key"])
def test_settling_ones_own_dispute_through_the_api_is_refused_and_recorded(staff, key):
    party = staff["moderator"].party
    dispute = dispute_of(party)
    before, last = state(), last_audit()
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}

    response = client_for(party).post(
        f"/api/v1/milestones/{dispute.milestone_id}/resolve/",
        {"freelancer_amount": 0, "note": "Semua kembali ke klien."},
        format="json",
        **headers,
    )

    assert response.status_code == 403
    assert response.json() == {
        "code": "staff_is_party",
        "message": "You are a party to this (it is yours, about you, or about someone you have "
        "an active contract with), so another staff member must handle it.",
        "fields": {},
    }
    # The refusal released the key (state() holds the idempotency records) and kept its record.
    assert state() == before
    assert audit_since(last) == [refusal_record(party, CASES["settle one's own dispute"], dispute)]


def test_an_uninvolved_moderator_settles_through_the_api(staff):
    dispute = dispute_of(staff["moderator"].party)

    response = client_for(staff["moderator"].other).post(
        f"/api/v1/milestones/{dispute.milestone_id}/resolve/",
        {"freelancer_amount": 60_000, "note": "Separuh."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="selesaikan-2",
    )

    assert response.status_code == 200
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.RESOLVED


# --- every staff action is guarded --------------------------------------------------------------


def staff_actions() -> dict[str, Callable[..., Any]]:
    """Every service that takes a staff member (a ``moderator`` or ``staff`` argument)."""
    modules = [
        import_module(info.name)
        for package in (projects.services, payments.services)
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
    ]
    found = {}
    for module in modules:
        for name, function in vars(module).items():
            if not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            if name.startswith("_"):
                continue
            parameters = inspect.signature(function).parameters
            if "moderator" in parameters or "staff" in parameters:
                found[f"{module.__name__}.{name}"] = function
    return found


def test_every_staff_action_refuses_parties_and_records_the_attempt():
    """A new staff action without the guard fails here: each must call
    ``ensure_staff_not_party`` and carry ``records_refused_attempts``."""
    actions = staff_actions()

    assert set(actions) == {
        "projects.services.gigs.moderation.gig_approve",
        "projects.services.gigs.moderation.gig_reject",
        "projects.services.catalogue.moderation.service_approve",
        "projects.services.catalogue.moderation.service_reject",
        "projects.services.milestones.disputes.milestone_resolve",
        "projects.services.reports.content_remove",
        "projects.services.reports.report_resolve",
        "projects.services.reports.user_warn",
        "projects.services.suspensions.suspension_create",
        "projects.services.suspensions.suspension_lift",
        "payments.services.withdrawals.withdrawal_mark_paid",
        "payments.services.withdrawals.withdrawal_reject",
        "payments.services.payouts.withdrawal_hold",
        "payments.services.payouts.withdrawal_release",
        "payments.services.payouts.withdrawal_retry",
        "payments.services.identity.identity_approve",
        "payments.services.identity.identity_reject",
        "payments.services.refunds.deposit_refund",
        "payments.services.refunds.deposit_refund_resend",
        "projects.services.trust.trust_check_clear",
        "projects.services.trust.trust_check_confirm",
    }
    unguarded = [
        name
        for name, action in actions.items()
        if not getattr(action, "records_refused_attempts", False)
        or "ensure_staff_not_party" not in inspect.unwrap(action).__code__.co_names
    ]
    assert unguarded == []


def test_a_former_counterpart_is_no_conflict(staff):
    """Only a live deal is a conflict: once the contract is over, the moderator may act."""
    party = staff["moderator"].party
    contract = ContractFactory(bid__gig__client=party)
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.COMPLETED)

    user_warn(moderator=party, user_id=contract.freelancer_id, reason="Spam.")

    assert ModeratorAction.objects.get().action == A.WARN_USER


def test_a_model_without_registered_parties_is_a_configuration_error(staff):
    with pytest.raises(ImproperlyConfigured):
        ensure_staff_not_party(
            staff=staff["moderator"].party,
            action=A.APPROVE_GIG,
            obj=Category.objects.create(
                slug="x", name_id="x", name_en="x", min_price=1, position=1
            ),
        )
