""" "Pay" on a milestone: fund it from the wallet, or go to the gateway's checkout to pay what
the wallet lacks (``projects.services.milestone_payments``); the gateway brings the client back
to the milestone, funded once its payment is confirmed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.requests import SignedInHttpRequest
from projects.pages.contract_forms import MilestoneActionForm
from projects.pages.contracts.actions import fund_done
from projects.pages.contracts.contract_page import (
    Failed,
    _attempt,
    _contract_of_milestone,
    _contract_url,
    _render_contract,
)
from projects.services.milestone_payments import MilestonePayment, milestone_pay


@login_required
@require_POST
def milestone_pay_page(request: SignedInHttpRequest, milestone_id: int) -> HttpResponse:
    contract = _contract_of_milestone(user=request.user, milestone_id=milestone_id)
    back = _contract_url(contract.pk, f"milestone-{milestone_id}")
    form = MilestoneActionForm(request.POST, auto_id=f"m{milestone_id}-fund-%s")
    if form.is_valid():
        done: list[MilestonePayment] = []
        refusal = _attempt(
            form,
            lambda: done.append(
                milestone_pay(
                    milestone_id=milestone_id,
                    actor=request.user,
                    return_url=request.build_absolute_uri(back),
                )
            ),
        )
        if refusal is None:
            payment = done[0]
            if payment.deposit is None:  # the wallet held the amount
                messages.success(request, fund_done(payment.milestone))
                return redirect(back)
            # The gateway's own page (or the sandbox's), a URL our gateway module gave.
            return redirect(payment.deposit.checkout_url)
    else:
        refusal = None
    failed = Failed(milestone_id=milestone_id, action="fund", form=form, refusal=refusal)
    return _render_contract(request, contract, failed=failed, status=400)
