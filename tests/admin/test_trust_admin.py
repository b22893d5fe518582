"""Moderators see the trust signals of a contract — on its trust check (the queue), on the
contract's page and on each user's page — and clear or confirm it from the admin, through the
audit-logged services. Other staff get 403 and marketplace users the admin's login page."""

import pytest

from accounts.models import ModeratorAction
from accounts.services import sign_in_record
from projects.models import TrustCheck
from projects.services.trust import trust_check_contract
from tests.admin.helpers import LOGIN
from tests.projects.factories import ContractFactory

QUEUE = "/admin/projects/trustcheck/"
HOME = "203.0.113.7"


@pytest.fixture
def held(db):
    """A contract whose client and freelancer signed in from one address: held."""
    contract = ContractFactory()
    for user in (contract.client, contract.freelancer):
        sign_in_record(user_id=user.pk, kind="login", address=HOME, device="")
    check = trust_check_contract(contract_id=contract.pk)
    assert check.status == TrustCheck.Status.HELD
    return contract


PAGES = [
    lambda c: QUEUE,
    lambda c: f"{QUEUE}{c.pk}/change/",
    lambda c: f"/admin/projects/contract/{c.pk}/change/",
    lambda c: f"/admin/accounts/user/{c.client_id}/change/",
]


@pytest.mark.parametrize("role", ["moderator", "superuser"])
def test_moderators_see_the_signals_everywhere(as_role, held, role):
    client = as_role(role)
    pages = [client.get(page(held)) for page in PAGES]

    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    queue, check, contract, user = (p.content.decode() for p in pages)
    signal = "both signed up or logged in from one address"
    for page in (queue, check, contract):
        assert signal in page
    assert "held: waiting for a moderator" in contract
    assert held.freelancer.username in user
    assert "same address" in user
    assert "Clear: different people" in check


@pytest.mark.parametrize(("role", "expected"), [("plain_staff", 403), ("finance", 403)])
def test_other_staff_see_no_trust_check(as_role, held, role, expected):
    client = as_role(role)

    assert client.get(QUEUE).status_code == expected
    assert client.get(f"{QUEUE}{held.pk}/change/").status_code == expected


def test_marketplace_users_are_sent_to_the_admin_login(as_role, held):
    client = as_role("ordinary")

    for page in PAGES:
        response = client.get(page(held))
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_a_moderator_clears_from_the_admin_and_it_is_audit_logged(as_role, held, roles):
    response = as_role("moderator").post(
        QUEUE,
        {
            "action": "clear_selected",
            "_selected_action": [held.pk],
            "apply": "1",
            "note": "Tetangga satu wifi.",
        },
    )

    assert response.status_code == 302
    assert TrustCheck.objects.get().status == TrustCheck.Status.CLEARED
    record = ModeratorAction.objects.get()
    assert (record.action, record.moderator, record.target_type, record.target_id) == (
        "clear_trust_signals",
        roles["moderator"],
        "projects.contract",
        held.pk,
    )


def test_plain_staff_cannot_run_the_actions(as_role, held):
    response = as_role("plain_staff").post(
        QUEUE,
        {"action": "confirm_selected", "_selected_action": [held.pk], "apply": "1", "reason": "x"},
    )

    assert response.status_code == 403
    assert TrustCheck.objects.get().status == TrustCheck.Status.HELD
    assert not ModeratorAction.objects.exists()


def test_confirming_needs_a_reason(as_role, held):
    response = as_role("moderator").post(
        QUEUE,
        {"action": "confirm_selected", "_selected_action": [held.pk], "apply": "1", "reason": ""},
    )

    assert response.status_code == 200  # the form again, with the error
    assert TrustCheck.objects.get().status == TrustCheck.Status.HELD
    assert not ModeratorAction.objects.exists()
