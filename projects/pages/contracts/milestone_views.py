"""Each milestone of the contract page as the viewer sees it: its state, fee and countdowns,
its deliveries and dispute, and the actions the viewer may take (one click, or a form opened
first), with the form a refused action left behind shown again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.forms import BaseForm
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, PaymentRequired
from payments.fees import SplitShares, freelancer_receives, platform_fee, split_shares
from payments.models import Deposit
from projects.models import Contract, Delivery, Dispute, Milestone
from projects.pages.contracts.actions import ACTIONS, action_hint, action_label
from projects.pages.contracts.display import MILESTONE_PILLS, Countdown, M, countdown, due_countdown
from projects.policies.milestones import milestone_actions


@dataclass
class ActionView:
    name: str
    url: str
    label: str
    form: forms.Form
    multipart: bool = False
    danger: bool = False
    hint: str = ""


@dataclass
class MilestoneView:
    milestone: Milestone
    pill: str
    fee: int
    receives: int
    due: Countdown | None
    auto_release: Countdown | None
    deliveries: list[Delivery]
    dispute: Dispute | None
    # A dispute settled by a split: what the freelancer really received and the client got
    # back (the ledger's own rule, payments.fees.split_shares), instead of the full payout.
    settlement: SplitShares | None = None
    buttons: list[ActionView] = field(default_factory=list)  # one click
    forms: list[ActionView] = field(default_factory=list)  # opened first: a note, or a warning
    errors: list[str] = field(default_factory=list)  # why the last action here was refused
    # That action's form when it is still offered: the error summary lists its messages, a
    # field's linked to the field.
    failed_form: BaseForm | None = None  # (the field above hides the forms module)
    top_up_needed: bool = False
    # The payment the client opened for it and has not finished: its checkout step, to take
    # it up again (empty: none).
    open_payment: Deposit | None = None
    open_payment_url: str = ""


@dataclass
class Failed:
    """The action whose form is shown again with the service's refusal on it."""

    milestone_id: int
    action: str
    form: forms.Form
    refusal: DomainError | None


def _milestone_view(
    milestone: Milestone,
    *,
    contract: Contract,
    viewer_id: int,
    now: datetime,
    deliveries: dict[int, list[Delivery]],
    disputes: dict[int, Dispute],
    failed: Failed | None,
) -> MilestoneView:
    open_work = milestone.status in (M.PENDING, M.FUNDED, M.REVISION_REQUESTED)
    release_at = milestone.auto_release_at
    view = MilestoneView(
        milestone=milestone,
        pill=MILESTONE_PILLS.get(milestone.status, ""),
        fee=platform_fee(milestone.amount),
        receives=freelancer_receives(milestone.amount),
        due=due_countdown(milestone, now) if open_work else None,
        auto_release=None
        if release_at is None
        else countdown(
            release_at,
            now,
            future=_("paid automatically in %(duration)s"),
            past=_("to be paid automatically any moment now"),
        ),
        deliveries=deliveries.get(milestone.pk, []),
        dispute=disputes.get(milestone.pk),
    )
    if view.dispute is not None and view.dispute.freelancer_amount is not None:
        view.settlement = split_shares(milestone.amount, view.dispute.freelancer_amount)
    is_client = viewer_id == contract.client_id
    offered = milestone_actions(milestone, contract=contract, viewer_id=viewer_id, now=now)
    failed_here = failed if failed and failed.milestone_id == milestone.pk else None
    if failed_here:
        # The error summary above the actions (forms/_refusal.html): the form's messages with
        # links to its fields — or, when that form is not offered now (e.g. not overdue yet),
        # every message as text, there being no field to go to.
        if failed_here.action in offered:
            view.failed_form = failed_here.form
        else:
            view.errors = [
                str(message)  # already text: ErrorList hands out its messages as str
                for messages_ in failed_here.form.errors.values()
                for message in messages_
            ]
        view.top_up_needed = isinstance(failed_here.refusal, PaymentRequired)
    for name in offered:
        action = ACTIONS[name]
        if failed_here and failed_here.action == name:
            form = failed_here.form
        else:
            form = action.form_class(auto_id=f"m{milestone.pk}-{name}-%s")
        item = ActionView(
            name=name,
            url=reverse(f"milestone-{name}", args=[milestone.pk]),
            label=action_label(name, milestone, is_client=is_client),
            form=form,
            multipart=name == "submit",
            danger=name in ("cancel", "dispute"),
            hint=action_hint(name, milestone, contract=contract, is_client=is_client),
        )
        # Fund and approve are one click (the label says what moves); the rest open first.
        (view.buttons if name in ("fund", "approve") else view.forms).append(item)
        if name == "fund":
            # Or pay it at the gateway in one step: the wallet's part first, the rest there.
            view.buttons.append(
                ActionView(
                    name="pay",
                    url=reverse("milestone-pay", args=[milestone.pk]),
                    label=action_label("pay", milestone, is_client=is_client),
                    form=form,
                    multipart=False,
                    danger=False,
                    hint="",
                )
            )
    return view
