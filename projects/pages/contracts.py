"""The dashboard (as a client and as a freelancer) and the contract page: milestones with the
actions the viewer may take, deliveries, the message thread and the reviews.

Every write goes through the same service the API calls (``projects.services.milestones``,
``.contracts``, ``.reviews``); every read through the API's selectors. A refusal the person can
act on (not enough money, no revisions left, an empty note) re-renders the contract page with
the service's message on the form that failed (status 400); a stranger's request is the 404
page, a party acting out of turn the 403 page (``marketplace.pages``).
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
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.masking import shown
from accounts.requests import SignedInHttpRequest
from accounts.selectors import freelancer_capacity
from marketplace.errors import (
    DomainError,
    InsufficientStorage,
    NotFound,
    PaymentRequired,
    PermissionDenied,
    RateLimited,
)
from marketplace.formatting import rupiah
from marketplace.pages import add_domain_error, cursor_page
from marketplace.upload_limits import DOCUMENTS, accepts_uploads
from payments.fees import fee_basis_points, freelancer_receives, platform_fee
from payments.selectors import wallet_releases_this_month, wallet_summary
from projects.models import Bid, Contract, Delivery, Dispute, Gig, Milestone
from projects.pages.contract_forms import (
    DisputeForm,
    MessageForm,
    MilestoneActionForm,
    MilestoneSubmitForm,
    ReviewForm,
    RevisionRequestForm,
)
from projects.policies.messages import message_content_shown, message_hidden_kinds
from projects.policies.milestones import milestone_actions
from projects.selectors.bids import bid_list_mine, bids_to_review
from projects.selectors.contracts import (
    contract_get,
    contract_list,
    deliveries_by_milestone,
    disputes_by_milestone,
    message_list,
)
from projects.selectors.gigs import gig_list_owned
from projects.selectors.reviews import contract_review_status
from projects.services import contracts as contract_services
from projects.services import milestones as milestone_services
from projects.services import reviews as review_services

if TYPE_CHECKING:
    from accounts.models import User

M = Milestone.Status
# How a state looks (a CSS class of .pill): waiting on someone, done, or gone wrong.
MILESTONE_PILLS: dict[str, str] = {
    M.PENDING: "warn",
    M.SUBMITTED: "warn",
    M.REVISION_REQUESTED: "warn",
    M.RELEASED: "good",
    M.DISPUTED: "bad",
    M.CANCELLED: "bad",
}
CONTRACT_PILLS: dict[str, str] = {
    Contract.Status.COMPLETED: "good",
    Contract.Status.CANCELLED: "bad",
}
MESSAGES_PER_PAGE = 50
CLOSED_SHOWN = 10  # closed gigs and contracts listed on the dashboard, newest first


# --- time left ------------------------------------------------------------------------------


def duration_text(seconds: float) -> str:
    """A span as people say it: "2 days 3 hours", "3 hours 5 minutes", "5 minutes"."""
    minutes = int(abs(seconds)) // 60
    if minutes < 1:
        return _("less than a minute")
    n_days, rest = divmod(minutes, 24 * 60)
    n_hours, n_minutes = divmod(rest, 60)

    def days_(n: int) -> str:
        return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}

    def hours_(n: int) -> str:
        return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}

    def minutes_(n: int) -> str:
        return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}

    if n_days:
        return f"{days_(n_days)} {hours_(n_hours)}" if n_hours else days_(n_days)
    if n_hours:
        return f"{hours_(n_hours)} {minutes_(n_minutes)}" if n_minutes else hours_(n_hours)
    return minutes_(n_minutes)


@dataclass(frozen=True)
class Countdown:
    """Time left until ``at`` (or past it), written out on the server; the page's small script
    keeps it ticking with the two patterns, where ``{}`` stands for the span."""

    at: datetime
    text: str
    passed: bool
    future: str
    past: str


def countdown(at: datetime, now: datetime, *, future: str, past: str) -> Countdown:
    """``future``/``past`` are patterns with ``%(duration)s`` (translated by the caller)."""
    left = (at - now).total_seconds()
    passed = left <= 0
    text = (past if passed else future) % {"duration": duration_text(left)}
    return Countdown(
        at=at,
        text=text,
        passed=passed,
        future=future % {"duration": "{}"},
        past=past % {"duration": "{}"},
    )


def due_countdown(milestone: Milestone, now: datetime) -> Countdown:
    return countdown(
        milestone.due_at, now, future=_("due in %(duration)s"), past=_("overdue by %(duration)s")
    )


@dataclass(frozen=True)
class Action:
    form_class: type[forms.Form]
    perform: Callable[..., Milestone]
    done: Callable[[Milestone], str]  # the success message


def _fund_done(milestone: Milestone) -> str:
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
    "fund": Action(MilestoneActionForm, milestone_services.milestone_fund, _fund_done),
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


def _action_label(name: str, milestone: Milestone, *, is_client: bool) -> str:
    amount = rupiah(milestone.amount)
    if name == "fund":
        return _("Fund %(amount)s") % {"amount": amount}
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


def _action_hint(name: str, milestone: Milestone, *, contract: Contract, is_client: bool) -> str:
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


# --- reads the pages put together -----------------------------------------------------------


def _contract_of_milestone(*, user: User, milestone_id: int) -> Contract:
    """The viewer's contract holding the milestone; NotFound for anyone but its parties."""
    contract = contract_list(user=user).filter(milestones__pk=milestone_id).first()
    if contract is None:
        raise NotFound(_("Milestone not found."))
    return contract


def _gig_title(gig: Gig, request: HttpRequest) -> str:
    """The gig's title as this viewer may read it (contact details masked for all but its
    client)."""
    return shown(gig, "title", request.user)


# --- the contract page ----------------------------------------------------------------------


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
    buttons: list[ActionView] = field(default_factory=list)  # one click
    forms: list[ActionView] = field(default_factory=list)  # opened first: a note, or a warning
    errors: list[str] = field(default_factory=list)  # why the last action here was refused
    top_up_needed: bool = False


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
    is_client = viewer_id == contract.client_id
    offered = milestone_actions(milestone, contract=contract, viewer_id=viewer_id, now=now)
    failed_here = failed if failed and failed.milestone_id == milestone.pk else None
    if failed_here:
        # The service's refusal above the actions; a field's own error stays by its field —
        # unless that form is not offered now (e.g. not overdue yet), then it shows here too.
        form_errors = failed_here.form.errors
        view.errors = [
            str(message)  # already text: ErrorList hands out its messages as str
            for key, messages_ in form_errors.items()
            if key == NON_FIELD_ERRORS or failed_here.action not in offered
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
            label=_action_label(name, milestone, is_client=is_client),
            form=form,
            multipart=name == "submit",
            danger=name in ("cancel", "dispute"),
            hint=_action_hint(name, milestone, contract=contract, is_client=is_client),
        )
        # Fund and approve are one click (the label says what moves); the rest open first.
        (view.buttons if name in ("fund", "approve") else view.forms).append(item)
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
    if is_client and any(m.milestone.status == M.PENDING for m in milestones):
        wallet = wallet_summary(user=viewer)
    context = {
        "contract": contract,
        "contract_pill": CONTRACT_PILLS.get(contract.status, ""),
        "gig_title": _gig_title(contract.gig, request),
        "is_client": is_client,
        "is_freelancer": is_freelancer,
        "other": contract.freelancer if is_client else contract.client,
        "fee_percent": number_format(Decimal(fee_basis_points()) / 100),
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


# --- the dashboard --------------------------------------------------------------------------

GIG_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("draft", (Gig.Status.DRAFT,)),
    ("pending_review", (Gig.Status.PENDING_REVIEW,)),
    ("open", (Gig.Status.OPEN,)),
    ("awarded", (Gig.Status.AWARDED,)),
]
CLOSED_GIGS = (Gig.Status.COMPLETED, Gig.Status.EXPIRED, Gig.Status.CANCELLED, Gig.Status.REJECTED)
SETTLED = (M.RELEASED, M.RESOLVED, M.CANCELLED)


@dataclass
class GigGroup:
    key: str
    label: str
    gigs: list[Gig]


@dataclass
class ContractRow:
    contract: Contract
    pill: str
    gig_title: str
    other: Any
    paid: int  # milestones released or settled
    total: int
    next_milestone: Milestone | None
    due: Countdown | None


@dataclass
class BidsToReview:
    gig: Gig
    bids: list[Bid]


def _group_label(key: str) -> str:
    return {
        "draft": _("Drafts"),
        "pending_review": _("Waiting for a moderator"),
        "open": _("Open for bids"),
        "awarded": _("Awarded"),
    }[key]


def _contract_row(contract: Contract, request: HttpRequest, now: datetime) -> ContractRow:
    milestones = list(contract.milestones.all())  # prefetched by the selector
    upcoming = next((m for m in milestones if m.status not in SETTLED), None)
    is_client = contract.client_id == request.user.pk
    return ContractRow(
        contract=contract,
        pill=CONTRACT_PILLS.get(contract.status, ""),
        gig_title=_gig_title(contract.gig, request),
        other=contract.freelancer if is_client else contract.client,
        paid=sum(1 for m in milestones if m.status in (M.RELEASED, M.RESOLVED)),
        total=len(milestones),
        next_milestone=upcoming,
        due=due_countdown(upcoming, now)
        if upcoming and upcoming.status in (M.PENDING, M.FUNDED, M.REVISION_REQUESTED)
        else None,
    )


@login_required
def dashboard(request: SignedInHttpRequest) -> HttpResponse:
    """One person, both roles: their gigs, bids to review and contracts as a client; their bids,
    active contracts, capacity and this month's earnings as a freelancer. A fixed number of
    queries whatever the number of rows."""
    user, now = request.user, timezone.now()
    live_states = [status for _key, states in GIG_GROUPS for status in states]
    live_gigs = list(
        gig_list_owned(user=user).filter(status__in=live_states).order_by("-created_at")
    )
    closed_gigs = list(
        gig_list_owned(user=user)
        .filter(status__in=CLOSED_GIGS)
        .order_by("-updated_at")[:CLOSED_SHOWN]
    )
    groups = [
        GigGroup(key, _group_label(key), [g for g in live_gigs if g.status in states])
        for key, states in GIG_GROUPS
    ]
    to_review: dict[int, BidsToReview] = {}
    for bid in bids_to_review(client=user):
        to_review.setdefault(bid.gig_id, BidsToReview(gig=bid.gig, bids=[])).bids.append(bid)

    active = list(contract_list(user=user, status=Contract.Status.ACTIVE).order_by("-created_at"))
    closed = list(
        contract_list(user=user)
        .exclude(status=Contract.Status.ACTIVE)
        .order_by("-completed_at", "-id")[:CLOSED_SHOWN]
    )
    rows = [_contract_row(c, request, now) for c in active + closed]
    as_client = [r for r in rows if r.contract.client_id == user.pk]
    as_freelancer = [r for r in rows if r.contract.freelancer_id == user.pk]
    active_as_freelancer = sum(
        1 for r in as_freelancer if r.contract.status == Contract.Status.ACTIVE
    )
    capacity = freelancer_capacity(user_id=user.pk)
    bids = list(bid_list_mine(user=user).order_by("-created_at", "-id")[:50])
    context = {
        "gig_groups": groups,
        "closed_gigs": closed_gigs,
        "has_gigs": bool(live_gigs or closed_gigs),
        "bids_to_review": list(to_review.values()),
        "client_contracts": as_client,
        "freelancer_active": [
            r for r in as_freelancer if r.contract.status == Contract.Status.ACTIVE
        ],
        "freelancer_closed": [
            r for r in as_freelancer if r.contract.status != Contract.Status.ACTIVE
        ],
        "bids": [(bid, _gig_title(bid.gig, request)) for bid in bids],
        "active_count": active_as_freelancer,
        "capacity": capacity,
        "at_capacity": active_as_freelancer >= capacity,
        "earnings": wallet_releases_this_month(user=user, now=now),
        "month": timezone.localtime(now),
    }
    return render(request, "projects/dashboard.html", context)


def _milestone_path(action: str) -> Any:
    return path(
        f"milestones/<int:milestone_id>/{action}/",
        milestone_action,
        {"action": action},
        name=f"milestone-{action}",
    )


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("contracts/<int:contract_id>/", contract_detail, name="contract-detail"),
    path("contracts/<int:contract_id>/messages/", contract_message, name="contract-message"),
    path("contracts/<int:contract_id>/review/", contract_review, name="contract-review"),
    *[_milestone_path(action) for action in ACTIONS],
]
