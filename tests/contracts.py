"""The contract both the milestone service tests and the contract page tests start from (their
fixtures live in tests/conftest.py): a Rp 120.000 contract, one milestone due five days after
START, two revisions included, and Rp 200.000 in the client's wallet; and ``complete``, which
takes a contract through to paid work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from projects.models import Contract, Milestone
from projects.services import milestones as milestone_services
from tests.projects.factories import top_up

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta
NOTE = "Logo final terlampir: PNG transparan dan SVG."


def only(contract: Contract) -> Milestone:
    return contract.milestones.get()


def fresh(obj):
    obj.refresh_from_db()
    return obj


def complete(
    contract: Contract, time_machine, *, note: str = "Selesai, silakan dicek.", start=START
) -> Contract:
    """Fund, deliver and release the contract's one milestone: a completed, paid contract.
    Funded at ``start``, delivered five hours later, released three hours after that."""
    top_up(contract.client, 200_000)
    milestone = contract.milestones.get()
    milestone_services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    time_machine.move_to(start + timedelta(hours=5), tick=False)
    milestone_services.milestone_submit(
        milestone_id=milestone.pk, actor=contract.freelancer, note=note
    )
    time_machine.move_to(start + timedelta(hours=8), tick=False)
    milestone_services.milestone_release(milestone_id=milestone.pk, actor=contract.client)
    contract.refresh_from_db()
    return contract
