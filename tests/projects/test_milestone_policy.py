"""Which milestone actions a party may take is one rule (``projects.policies.milestones``): for
every state the services reach, every viewer and every action, the service carries the action
out exactly when the policy lists it, and the contract page offers exactly the policy's list."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import transaction
from django.utils import timezone

from marketplace.errors import DomainError
from projects.models import Contract, Milestone
from projects.pages.contracts import actions as contract_pages
from projects.policies import milestones as policy
from projects.services import milestones as services
from tests.accounts.factories import UserFactory
from tests.contracts import NOTE, fresh, only
from tests.pages.conftest import browser

M = Milestone.Status


def _fund(c: Contract) -> Milestone:
    return services.milestone_fund(milestone_id=only(c).pk, actor=c.client)


def _submit(c: Contract) -> Milestone:
    _fund(c)
    return services.milestone_submit(milestone_id=only(c).pk, actor=c.freelancer, note=NOTE)


def _revise(c: Contract) -> Milestone:
    _submit(c)
    return services.milestone_request_revision(
        milestone_id=only(c).pk, actor=c.client, note="Warnanya lebih cerah."
    )


def _revisions_used_up(c: Contract) -> Milestone:
    milestone = _submit(c)
    for _ in range(c.revisions_included):
        services.milestone_request_revision(
            milestone_id=milestone.pk, actor=c.client, note="Warnanya lebih cerah."
        )
        milestone = services.milestone_submit(
            milestone_id=milestone.pk, actor=c.freelancer, note=NOTE
        )
    assert milestone.revisions_used == c.revisions_included > 0
    return milestone


def _overdue(c: Contract) -> Milestone:
    milestone = _fund(c)
    Milestone.objects.filter(pk=milestone.pk).update(due_at=timezone.now())
    return fresh(milestone)


def _disputed(c: Contract) -> Milestone:
    _fund(c)
    return services.milestone_dispute(
        milestone_id=only(c).pk, actor=c.client, reason="Tidak ada kabar."
    )


def _released(c: Contract) -> Milestone:
    _submit(c)
    return services.milestone_approve(milestone_id=only(c).pk, actor=c.client)


def _cancelled(c: Contract) -> Milestone:
    return services.milestone_cancel(milestone_id=only(c).pk, actor=c.client)


STATES: dict[str, Callable[[Contract], Milestone]] = {
    "pending": only,
    "funded": _fund,
    "funded and overdue": _overdue,
    "submitted": _submit,
    "submitted, no revisions left": _revisions_used_up,
    "revision requested": _revise,
    "disputed": _disputed,
    "released": _released,
    "cancelled": _cancelled,
}

PERFORM = {
    policy.FUND: lambda m, u: services.milestone_fund(milestone_id=m.pk, actor=u),
    policy.SUBMIT: lambda m, u: services.milestone_submit(milestone_id=m.pk, actor=u, note=NOTE),
    policy.APPROVE: lambda m, u: services.milestone_approve(milestone_id=m.pk, actor=u),
    policy.REQUEST_REVISION: lambda m, u: services.milestone_request_revision(
        milestone_id=m.pk, actor=u, note="Ganti font."
    ),
    policy.CANCEL: lambda m, u: services.milestone_cancel(milestone_id=m.pk, actor=u),
    policy.DISPUTE: lambda m, u: services.milestone_dispute(
        milestone_id=m.pk, actor=u, reason="Tidak sesuai."
    ),
}


class _Undo(Exception):
    pass


def _service_takes(action: str, milestone: Milestone, user) -> bool:
    """Whether the service moves the milestone to the action's state (then undone); a refusal,
    or a repeat answered as a no-op, is not taking it."""
    before = fresh(milestone).status
    try:
        with transaction.atomic():
            after = PERFORM[action](milestone, user).status
            raise _Undo
    except _Undo:
        pass
    except DomainError:
        return False
    assert fresh(milestone).status == before  # undone
    return after == policy.TARGETS[action] != before


def _page_offers(contract: Contract, user) -> set[str]:
    """The policy's actions the contract page offers. "Pay" is funding through the gateway
    (projects.services.milestone_payments, which asks the same policy): it goes with "fund"."""
    body = browser(user).get(f"/contracts/{contract.pk}/").content.decode()
    offered = set(re.findall(r'action="/milestones/\d+/([a-z-]+)/"', body))
    assert ("pay" in offered) == ("fund" in offered)
    return offered - {"pay"}


def test_the_page_has_a_form_for_every_action_of_the_policy():
    assert set(contract_pages.ACTIONS) == set(policy.ACTIONS) == set(PERFORM)


@pytest.mark.parametrize("state", STATES)
def test_services_and_page_follow_the_policy(contract, state):
    milestone = STATES[state](contract)
    contract.refresh_from_db()
    milestone = fresh(milestone)
    now = timezone.now()
    viewers = {
        "client": contract.client,
        "freelancer": contract.freelancer,
        "stranger": UserFactory(),
    }
    listed_somewhere = False
    for role, user in viewers.items():
        listed = policy.milestone_actions(milestone, contract=contract, viewer_id=user.pk, now=now)
        listed_somewhere |= bool(listed)
        for action in policy.ACTIONS:
            assert _service_takes(action, milestone, user) is (action in listed), (role, action)
        if role != "stranger":
            assert _page_offers(contract, user) == set(listed), role
    if state in ("pending", "funded", "submitted"):
        assert listed_somewhere


def test_the_refusal_is_the_one_the_service_gives(contract, funded):
    # The client may not cancel funded work before it is due: the page's reason and the API's.
    refusal = policy.state_refusal(
        policy.CANCEL, funded, contract=contract, actor_id=contract.client_id, now=timezone.now()
    )
    assert refusal is not None
    with pytest.raises(DomainError) as raised:
        services.milestone_cancel(milestone_id=funded.pk, actor=contract.client)
    assert (raised.value.code, raised.value.message) == (refusal.code, refusal.message)
    assert fresh(funded).status == M.FUNDED
