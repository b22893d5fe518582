"""The escrow side of milestones: fund, submit, revise, approve/release, cancel, dispute,
resolve — and closing the contract when its last milestone settles.

Every action locks the contract, then the milestone (parents before children), re-reads the
state, and is a no-op when it was already done (``steps``). Money moves only through
``payments.services`` in the same transaction, keyed by ``milestone:<id>``, so no retry or race
pays twice.

This package is the service's public face: callers use ``projects.services.milestones``; the
modules hold the parts (funding, delivery, release, cancellation, disputes).
"""

from projects.services.milestones.cancellation import contract_cancel_unfunded, milestone_cancel
from projects.services.milestones.delivery import milestone_request_revision, milestone_submit
from projects.services.milestones.disputes import milestone_dispute, milestone_resolve
from projects.services.milestones.funding import milestone_fund
from projects.services.milestones.release import (
    milestone_approve,
    milestone_auto_release,
    milestone_release,
)

__all__ = [
    "contract_cancel_unfunded",
    "milestone_approve",
    "milestone_auto_release",
    "milestone_cancel",
    "milestone_dispute",
    "milestone_fund",
    "milestone_release",
    "milestone_request_revision",
    "milestone_resolve",
    "milestone_submit",
]
