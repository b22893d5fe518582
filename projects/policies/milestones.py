"""Who may take which action on a milestone, and when: the milestone services' guard and the
list of buttons the contract page offers, written once.

Each action has two checks, kept apart because the services run other steps between them: a
repeat of a done action is a no-op only for someone allowed to take it (after ``role_refusal``),
and a missing note is reported before the state is (before ``state_refusal``). The services
also refuse a suspended actor and check what is sent (a note, files, money in the wallet); the
page still offers those actions and shows the service's refusal.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from marketplace.errors import Conflict, DomainError, PermissionDenied
from marketplace.formatting import local_datetime
from marketplace.state import transition_refusal
from projects.models import Contract, Milestone

M = Milestone.Status

FUND = "fund"
SUBMIT = "submit"
APPROVE = "approve"
REQUEST_REVISION = "request-revision"
CANCEL = "cancel"
DISPUTE = "dispute"
# Every action, in the order the page shows them.
ACTIONS = (FUND, SUBMIT, APPROVE, REQUEST_REVISION, CANCEL, DISPUTE)

# The state each action moves a milestone to.
TARGETS = {
    FUND: M.FUNDED,
    SUBMIT: M.SUBMITTED,
    APPROVE: M.RELEASED,
    REQUEST_REVISION: M.REVISION_REQUESTED,
    CANCEL: M.CANCELLED,
    DISPUTE: M.DISPUTED,
}


def role_refusal(action: str, *, contract: Contract, actor_id: int | None) -> DomainError | None:
    """Why ``actor_id`` may never take ``action`` on this contract's milestones, or None. The
    client funds, approves and asks for revisions; the freelancer submits; either cancels or
    disputes. Moderators act in the admin, not here."""
    if action in (FUND, APPROVE, REQUEST_REVISION):
        if actor_id == contract.client_id:
            return None
        return PermissionDenied(
            {
                FUND: _("Only the client funds milestones."),
                APPROVE: _("Only the client approves work."),
                REQUEST_REVISION: _("Only the client asks for revisions."),
            }[action]
        )
    if action == SUBMIT:
        if actor_id == contract.freelancer_id:
            return None
        return PermissionDenied(_("Only the freelancer submits work."))
    if actor_id in (contract.client_id, contract.freelancer_id):
        return None
    if action == CANCEL:
        return PermissionDenied(_("Only the client or the freelancer can cancel a milestone."))
    return PermissionDenied(_("Only the client or the freelancer can open a dispute."))


def _closed(contract: Contract) -> DomainError | None:
    if contract.status == Contract.Status.ACTIVE:
        return None
    return Conflict(_("This contract is closed."), code="invalid_state")


def state_refusal(
    action: str, milestone: Milestone, *, contract: Contract, actor_id: int | None, now: datetime
) -> DomainError | None:
    """Why the milestone's state (and the contract's, and the clock) does not allow ``action``
    by ``actor_id`` now, or None.

    A closed contract takes no action. A client cancels pending work, or funded work once it
    is overdue (due date passed with nothing submitted); the freelancer cancels funded work,
    which refunds the client. A revision is asked for while the bid's included ones last.
    """
    if action == FUND:  # a closed contract is named first: its pending work cannot be funded
        return _closed(contract) or transition_refusal(milestone, TARGETS[action])
    refusal = transition_refusal(milestone, TARGETS[action])
    if refusal is not None:
        return refusal
    if action == REQUEST_REVISION and milestone.revisions_used >= contract.revisions_included:
        return Conflict(
            _("All %(n)d included revisions are used. Approve, or open a dispute.")
            % {"n": contract.revisions_included},
            code="no_revisions_left",
        )
    if action == CANCEL:
        is_client = actor_id == contract.client_id
        if milestone.status == M.PENDING and not is_client:
            return PermissionDenied(_("Only the client cancels an unfunded milestone."))
        if milestone.status == M.FUNDED and is_client and milestone.due_at > now:
            return Conflict(
                _(
                    "The work is not overdue yet. Ask the freelancer to cancel, or wait until "
                    "%(due)s."
                )
                % {"due": local_datetime(milestone.due_at)},
                code="not_overdue",
            )
    return _closed(contract)


def ensure_role(action: str, *, contract: Contract, actor_id: int | None) -> None:
    refusal = role_refusal(action, contract=contract, actor_id=actor_id)
    if refusal is not None:
        raise refusal


def ensure_state(
    action: str, milestone: Milestone, *, contract: Contract, actor_id: int | None, now: datetime
) -> None:
    refusal = state_refusal(action, milestone, contract=contract, actor_id=actor_id, now=now)
    if refusal is not None:
        raise refusal


def milestone_actions(
    milestone: Milestone, *, contract: Contract, viewer_id: int | None, now: datetime
) -> list[str]:
    """The actions ``viewer_id`` may take on the milestone now, in the order the page shows
    them: those both checks allow."""
    return [
        action
        for action in ACTIONS
        if role_refusal(action, contract=contract, actor_id=viewer_id) is None
        and state_refusal(action, milestone, contract=contract, actor_id=viewer_id, now=now) is None
    ]
