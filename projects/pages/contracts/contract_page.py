"""The contract page: milestones with the actions the viewer may take, deliveries, the message
thread and the reviews, and the forms that post to it. Each milestone as the viewer sees it is
``milestone_views``; the thread's page of messages ``thread``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import SignedInHttpRequest
from marketplace.errors import (
    DomainError,
    InsufficientStorage,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from marketplace.formatting import decimal
from marketplace.pages import add_domain_error
from marketplace.upload_limits import DOCUMENTS, accepts_uploads
from payments.fees import fee_basis_points
from payments.pages.checkout import checkout_step_url
from payments.selectors.wallet import wallet_summary
from projects.models import Contract, Milestone
from projects.pages.contract_forms import MessageForm, ReviewForm
from projects.pages.contracts.actions import ACTIONS
from projects.pages.contracts.display import CONTRACT_PILLS, M, gig_title
from projects.pages.contracts.milestone_views import Failed, _milestone_view
from projects.pages.contracts.thread import _thread
from projects.selectors.contracts import (
    contract_get,
    contract_list,
    deliveries_by_milestone,
    disputes_by_milestone,
)
from projects.selectors.reviews import contract_review_status
from projects.services import contracts as contract_services
from projects.services import reviews as review_services
from projects.services.milestone_payments import open_payments

if TYPE_CHECKING:
    from accounts.models import User


def _contract_of_milestone(*, user: User, milestone_id: int) -> Contract:
    """The viewer's contract holding the milestone; NotFound for anyone but its parties."""
    contract = contract_list(user=user).filter(milestones__pk=milestone_id).first()
    if contract is None:
        raise NotFound(_("Milestone not found."))
    return contract


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
