"""The auto-release moment has one home, ``Milestone.auto_release_at`` (with its queryset twin
``Milestone.objects.auto_release_by``): the release service, the sweep's lists, the client's
warning and the contract page all follow it, so changing the timer setting moves every one of
them together, to the second."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings

from marketplace.timing import days, hours
from projects.models import Milestone
from projects.services import milestones as services
from projects.services import timers
from tests.contracts import START, fresh

M = Milestone.Status
SECOND = timedelta(seconds=1)


def test_only_a_submission_waiting_for_the_client_has_an_auto_release_moment(contract, funded):
    assert funded.auto_release_at is None
    submitted = services.milestone_submit(
        milestone_id=funded.pk, actor=contract.freelancer, note="Logo final terlampir."
    )
    assert submitted.auto_release_at == START + timedelta(days=3)
    services.milestone_approve(milestone_id=submitted.pk, actor=contract.client)
    assert fresh(submitted).status == M.RELEASED
    assert fresh(submitted).auto_release_at is None


@override_settings(AUTO_RELEASE_DAYS=5, TIMER_DAY_SECONDS=3600)
def test_every_user_of_the_moment_moves_with_the_setting(clock, contract, submitted):
    moment = START + days(5)
    assert submitted.auto_release_at == moment == START + timedelta(hours=5)

    def listed(query, now) -> bool:
        return query(now).filter(pk=submitted.pk).exists()

    assert not listed(timers.milestones_to_release, moment - SECOND)
    assert listed(timers.milestones_to_release, moment)
    assert not listed(timers.milestones_to_warn, moment - hours(24) - SECOND)
    assert listed(timers.milestones_to_warn, moment - hours(24))

    clock.move_to(moment - SECOND, tick=False)
    assert services.milestone_auto_release(milestone_id=submitted.pk) is None
    assert fresh(submitted).status == M.SUBMITTED
    clock.move_to(moment, tick=False)
    assert services.milestone_auto_release(milestone_id=submitted.pk) is not None
    assert fresh(submitted).status == M.RELEASED


@pytest.mark.parametrize("status", [M.FUNDED, M.REVISION_REQUESTED, M.DISPUTED, M.RELEASED])
def test_only_submitted_milestones_are_due_whatever_their_submission_time(
    contract, submitted, status
):
    Milestone.objects.filter(pk=submitted.pk).update(status=status)
    later = START + days(30)
    assert fresh(submitted).auto_release_at is None
    assert not Milestone.objects.auto_release_by(later).filter(pk=submitted.pk).exists()
