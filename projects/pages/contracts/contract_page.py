"""The contract page: milestones with the actions the viewer may take, deliveries, the message
thread and the reviews, and the forms that post to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.masking import shown
from accounts.requests import SignedInHttpRequest
from marketplace.errors import (
    DomainError,
    InsufficientStorage,
    NotFound,
    PaymentRequired,
    PermissionDenied,
    RateLimited,
)
from marketplace.formatting import decimal
from marketplace.pages import add_domain_error, cursor_page
from marketplace.upload_limits import DOCUMENTS, accepts_uploads
from payments.fees import (
    SplitShares,
    fee_basis_points,
    freelancer_receives,
    platform_fee,
    split_shares,
)
from payments.models import Deposit
from payments.pages.checkout import checkout_step_url
from payments.selectors.wallet import wallet_summary
from projects.models import Contract, Delivery, Dispute, Milestone
from projects.pages.contract_forms import (
    MessageForm,
    ReviewForm,
)
from projects.pages.contracts.actions import ACTIONS, action_hint, action_label
from projects.pages.contracts.display import (
    CONTRACT_PILLS,
    MILESTONE_PILLS,
    Countdown,
    M,
    countdown,
    due_countdown,
    gig_title,
)
from projects.policies.messages import message_content_shown, message_hidden_kinds
from projects.policies.milestones import milestone_actions
from projects.selectors.contracts import (
    contract_get,
    contract_list,
    deliveries_by_milestone,
    disputes_by_milestone,
    message_list,
)
from projects.selectors.reviews import contract_review_status
from projects.services import contracts as contract_services
from projects.services import reviews as review_services
from projects.services.milestone_payments import open_payments

if TYPE_CHECKING:
    from accounts.models import User

MESSAGES_PER_PAGE = 50


def _contract_of_milestone(*, user: User, milestone_id: int) -> Contract:
    """The viewer's contract holding the milestone; NotFound for anyone but its parties."""
    contract = contract_list(user=user).filter(milestones__pk=milestone_id).first()
    if contract is None:
        raise NotFound(_("Milestone not found."))
    return contract


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


@dataclass
class ThreadMessage:
    message: Any
    body: str
    attachments: list[dict]
    removed: bool
    hidden_kinds: list[str]
    mine: bool


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


def _thread(request: HttpRequest, contract: Contract) -> tuple[list[ThreadMessage], Any]:
    """The newest page of the thread, shown oldest first; masked or removed messages by the
    rules the API's MessageSerializer follows too: a removed message is empty but for moderators
    (``projects.policies.messages``), contact details are masked for the other party
    (``accounts.masking``)."""
    page = cursor_page(
        request,
        message_list(contract=contract),
        ordering=("-created_at", "-id"),
        page_size=MESSAGES_PER_PAGE,
    )
    viewer = request.user
    thread = []
    for message in reversed(page.items):
        removed = message.removed_at is not None
        mine = message.sender_id == viewer.pk
        empty = not message_content_shown(message, viewer)
        thread.append(
            ThreadMessage(
                message=message,
                body="" if empty else shown(message, "body", viewer),
                attachments=[]
                if empty
                else [
                    {"id": file.pk, "name": shown(file, "original_name", viewer), "size": file.size}
                    for file in message.attachments.all()
                ],
                removed=removed,
                hidden_kinds=message_hidden_kinds(message, viewer),
                mine=mine,
            )
        )
    return thread, page


def _render_contract(
    request: SignedInHttpRequest,
    contract: Contract,
    *,
    failed: Failed | None = None,
    message_form: MessageForm | None = None,
    review_form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = request.user
    now = timezone.now()
    is_client = viewer.pk == contract.client_id
    is_freelancer = viewer.pk == contract.freelancer_id
    deliveries = deliveries_by_milestone(contract=contract)
    disputes = disputes_by_milestone(contract=contract)
    milestones = [
        _milestone_view(
            milestone,
            contract=contract,
            viewer_id=viewer.pk,
            now=now,
            deliveries=deliveries,
            disputes=disputes,
            failed=failed,
        )
        for milestone in contract.milestones.all()
    ]
    thread, thread_page = _thread(request, contract)
    reviews = None
    if contract.status == Contract.Status.COMPLETED and (is_client or is_freelancer):
        reviews = contract_review_status(contract=contract, viewer=viewer)
    wallet = None
    pending = [m for m in milestones if m.milestone.status == M.PENDING]
    if is_client and pending:
        wallet = wallet_summary(user=viewer)
        opened = open_payments(user=viewer, milestone_ids=[m.milestone.pk for m in pending])
        for item in pending:
            deposit = opened.get(item.milestone.pk)
            if deposit is not None and any(action.name == "pay" for action in item.buttons):
                item.open_payment = deposit
                item.open_payment_url = checkout_step_url(
                    deposit, back=_contract_url(contract.pk, f"milestone-{item.milestone.pk}")
                )
    context = {
        "contract": contract,
        "contract_pill": CONTRACT_PILLS.get(contract.status, ""),
        "gig_title": gig_title(contract.gig, request),
        "is_client": is_client,
        "is_freelancer": is_freelancer,
        "other": contract.freelancer if is_client else contract.client,
        "fee_percent": decimal(Decimal(fee_basis_points()) / 100),
        "milestones": milestones,
        "wallet": wallet,
        "thread": thread,
        "thread_page": thread_page,
        "message_form": message_form or MessageForm(auto_id="message-%s"),
        "reviews": reviews,
        "review_form": review_form or ReviewForm(auto_id="review-%s"),
        "auto_release_days": settings.AUTO_RELEASE_DAYS,
    }
    return render(request, "projects/contracts/detail.html", context, status=status)


def _contract_url(contract_id: int, anchor: str = "") -> str:
    url = reverse("contract-detail", args=[contract_id])
    return f"{url}#{anchor}" if anchor else url


def _attempt(form: forms.Form, call: Callable[[], Any]) -> DomainError | None:
    """Run the service call; a refusal the person can act on goes onto the form and is
    returned. A stranger's NotFound and an out-of-turn PermissionDenied propagate: the 404 and
    403 pages. The service's transaction rolled back, so nothing changed."""
    try:
        call()
    except (NotFound, PermissionDenied, InsufficientStorage, RateLimited):
        raise  # the 404 / 403 / 507 / 429 page (marketplace.pages.DomainErrorPagesMiddleware)
    except DomainError as exc:
        add_domain_error(form, exc)
        return exc
    return None


@login_required
def contract_detail(request: SignedInHttpRequest, contract_id: int) -> HttpResponse:
    contract = contract_get(contract_id=contract_id, user=request.user)
    return _render_contract(request, contract)


@login_required
@require_POST
@accepts_uploads(DOCUMENTS)  # the delivery's files (the other actions send none)
def milestone_action(request: SignedInHttpRequest, milestone_id: int, action: str) -> HttpResponse:
    """One of fund, submit, request-revision, approve, cancel, dispute, through its service."""
    contract = _contract_of_milestone(user=request.user, milestone_id=milestone_id)
    spec = ACTIONS[action]
    form = spec.form_class(request.POST, request.FILES, auto_id=f"m{milestone_id}-{action}-%s")
    refusal = None
    if form.is_valid():
        done: list[Milestone] = []
        refusal = _attempt(
            form,
            lambda: done.append(
                spec.perform(milestone_id=milestone_id, actor=request.user, **form.cleaned_data)
            ),
        )
        if refusal is None:
            messages.success(request, spec.done(done[0]))
            return redirect(_contract_url(contract.pk, f"milestone-{milestone_id}"))
    failed = Failed(milestone_id=milestone_id, action=action, form=form, refusal=refusal)
    return _render_contract(request, contract, failed=failed, status=400)


@login_required
@require_POST
@accepts_uploads(DOCUMENTS)
def contract_message(request: SignedInHttpRequest, contract_id: int) -> HttpResponse:
    contract = contract_get(contract_id=contract_id, user=request.user)
    form = MessageForm(request.POST, request.FILES, auto_id="message-%s")
    if form.is_valid():
        refusal = _attempt(
            form,
            lambda: contract_services.message_post(
                contract_id=contract.pk, actor=request.user, **form.cleaned_data
            ),
        )
        if refusal is None:
            messages.success(request, _("Message sent."))
            return redirect(_contract_url(contract.pk, "thread"))
    return _render_contract(request, contract, message_form=form, status=400)


@login_required
@require_POST
def contract_review(request: SignedInHttpRequest, contract_id: int) -> HttpResponse:
    contract = contract_get(contract_id=contract_id, user=request.user)
    form = ReviewForm(request.POST, auto_id="review-%s")
    if form.is_valid():
        refusal = _attempt(
            form,
            lambda: review_services.review_submit(
                contract_id=contract.pk, actor=request.user, **form.cleaned_data
            ),
        )
        if refusal is None:
            messages.success(
                request,
                _(
                    "Thank you. Your review is shown once both of you have reviewed, or when the "
                    "review window closes."
                ),
            )
            return redirect(_contract_url(contract.pk, "reviews"))
    return _render_contract(request, contract, review_form=form, status=400)
