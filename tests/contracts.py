"""The contract both the milestone service tests and the contract page tests start from (their
fixtures live in tests/conftest.py): a Rp 120.000 contract, one milestone due five days after
START, two revisions included, and Rp 200.000 in the client's wallet."""

from __future__ import annotations

from datetime import UTC, datetime

from projects.models import Contract, Milestone

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta
NOTE = "Logo final terlampir: PNG transparan dan SVG."


def only(contract: Contract) -> Milestone:
    return contract.milestones.get()


def fresh(obj):
    obj.refresh_from_db()
    return obj
