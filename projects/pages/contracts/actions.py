"""The milestone actions a contract page offers: each one's form, its button's label and hint,
and what the page says once it is done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from marketplace.formatting import rupiah
from projects.models import Contract, Milestone
from projects.pages.contract_forms import (
    DisputeForm,
    MilestoneActionForm,
    MilestoneSubmitForm,
    RevisionRequestForm,
)
from projects.pages.contracts.display import M
from projects.services import milestones as milestone_services


@dataclass(frozen=True)
class Action:
    form_class: type[forms.Form]
    perform: Callable[..., Milestone]
    done: Callable[[Milestone], str]  # the success message


def fund_done(milestone: Milestone) -> str:
    return _("Funded: %(amount)s is held in escrow. The freelancer can start.") % {
        "amount": rupiah(milestone.amount)
    }


def _submit_done(milestone: Milestone) -> str:
    return _(
        "Delivered. The client has %(n)d days to approve or ask for changes; then it is paid "
        "automatically."
    ) % {"n": settings.AUTO_RELEASE_DAYS}


def _approve_done(milestone: Milestone) -> str:
    return _("Approved: %(amount)s is released to the freelancer.") % {
        "amount": rupiah(milestone.amount)
    }


ACTIONS: dict[str, Action] = {
    "fund": Action(MilestoneActionForm, milestone_services.milestone_fund, fund_done),
    "submit": Action(MilestoneSubmitForm, milestone_services.milestone_submit, _submit_done),
    "request-revision": Action(
        RevisionRequestForm,
        milestone_services.milestone_request_revision,
        lambda m: _("Revision requested. The freelancer has been told."),
    ),
    # The API's approve: the client releases the escrow to the freelancer.
    "approve": Action(MilestoneActionForm, milestone_services.milestone_approve, _approve_done),
    "cancel": Action(
        MilestoneActionForm,
        milestone_services.milestone_cancel,
        lambda m: _("Milestone cancelled. Money held for it went back to the client's wallet."),
    ),
    "dispute": Action(
        DisputeForm,
        milestone_services.milestone_dispute,
        lambda m: _("Dispute opened. The money stays frozen until a moderator settles it."),
    ),
}


def action_label(name: str, milestone: Milestone, *, is_client: bool) -> str:
    amount = rupiah(milestone.amount)
    if name == "fund":
        return _("Fund %(amount)s") % {"amount": amount}
    if name == "pay":
        return _("Pay %(amount)s by bank transfer, QRIS or e-wallet") % {"amount": amount}
    if name == "submit":
        return _("Submit work")
    if name == "request-revision":
        return _("Request changes")
    if name == "approve":
        return _("Approve and release %(amount)s") % {"amount": amount}
    if name == "cancel":
        if milestone.status == M.PENDING:
            return _("Cancel milestone")
        return (
            _("Cancel and take the money back") if is_client else _("Cancel and refund the client")
        )
    return _("Open a dispute")


def action_hint(name: str, milestone: Milestone, *, contract: Contract, is_client: bool) -> str:
    if name == "cancel":
        if milestone.status == M.PENDING:
            return _(
                "The milestone is dropped and no money moves. When no milestone is left open, "
                "the contract ends."
            )
        if is_client:
            return _("The work is overdue: the money held for it goes back to your wallet.")
        return _("You give up this milestone: the money held for it goes back to the client.")
    if name == "request-revision":
        return _("%(used)d of %(included)d included revisions used.") % {
            "used": milestone.revisions_used,
            "included": contract.revisions_included,
        }
    if name == "submit":
        return _(
            "The client then has %(n)d days to approve or ask for changes; after that the "
            "money is released to you automatically."
        ) % {"n": settings.AUTO_RELEASE_DAYS}
    return ""
