""" "Suspension in force" has one home, ``Suspension.objects.in_force`` (its condition
``suspension_in_force``): the guard every write checks (``user_is_suspended``), the moderators'
list of contracts with a suspended party and the admin's "suspended now" all read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Suspension, User
from accounts.selectors import user_is_suspended
from projects.selectors.moderation import contracts_with_suspended_party
from tests.accounts.factories import UserFactory
from tests.projects.factories import ContractFactory

NOW = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

# (starts, ends, lifted) relative to NOW, and whether the suspension is in force at NOW.
CASES = {
    "until lifted": (-HOUR, None, None, True),
    "until a later time": (-HOUR, HOUR, None, True),
    "starting later": (HOUR, None, None, False),
    "ended": (-2 * HOUR, -HOUR, None, False),
    "ending right now": (-HOUR, timedelta(0), None, False),
    "lifted": (-2 * HOUR, None, -HOUR, False),
}


def _suspend(user: User, starts, ends, lifted) -> Suspension:
    return Suspension.objects.create(
        user=user,
        reason="Spam",
        starts_at=NOW + starts,
        ends_at=None if ends is None else NOW + ends,
        lifted_at=None if lifted is None else NOW + lifted,
    )


@pytest.mark.parametrize("case", CASES)
def test_in_force_is_one_rule_for_the_guard_and_the_moderators_list(db, time_machine, case):
    starts, ends, lifted, in_force = CASES[case]
    time_machine.move_to(NOW, tick=False)
    contract = ContractFactory()
    other = ContractFactory()
    suspension = _suspend(contract.freelancer, starts, ends, lifted)

    assert Suspension.objects.in_force(NOW).filter(pk=suspension.pk).exists() is in_force
    assert user_is_suspended(user_id=contract.freelancer_id) is in_force
    assert user_is_suspended(user_id=UserFactory().pk) is False
    listed = set(contracts_with_suspended_party().values_list("pk", flat=True))
    assert listed == ({contract.pk} if in_force else set())
    assert other.pk not in listed
