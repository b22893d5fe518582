""" "Pay" on a milestone: fund it from the wallet, or go through the checkout step to the
gateway's page to pay what the wallet lacks (``projects.services.milestone_payments``); the
gateway brings the client back to the milestone, funded once its payment is confirmed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.requests import SignedInHttpRequest
from marketplace.outages import Unavailable
from payments.pages.checkout import checkout_step_url
from projects.pages.contract_forms import MilestoneActionForm
from projects.pages.contracts.actions import fund_done
from projects.pages.contracts.contract_page import (
    _attempt,
    _contract_of_milestone,
    _contract_url,
    _render_contract,
)
from projects.pages.contracts.milestone_views import Failed
from projects.services.milestone_payments import MilestonePayment, milestone_pay


@login_required
@require_POST
def milestone_pay_page(request: SignedInHttpRequest, milestone_id: int) -> HttpResponse:
    contract = _contract_of_milestone(user=request.user, milestone_id=milestone_id)
    back = _contract_url(contract.pk, f"milestone-{milestone_id}")
    form = MilestoneActionForm(request.POST, auto_id=f"m{milestone_id}-fund-%s")
    if form.is_valid():
        done: list[MilestonePayment] = []
        try:
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
        except Unavailable as outage:
            # The gateway did not answer (or refused us): nothing was opened or charged. Said
            # beside the milestone, whose "Pay" can simply be pressed again.
            form.add_error(None, str(outage.outage.message))
            failed = Failed(milestone_id=milestone_id, action="fund", form=form, refusal=None)
            response = _render_contract(request, contract, failed=failed, status=503)
            response["Retry-After"] = str(outage.outage.retry_after)
            return response
        if refusal is None:
            payment = done[0]
            if payment.deposit is None:  # the wallet held the amount
                messages.success(request, fund_done(payment.milestone))
                return redirect(back)
            # The checkout step (the gateway's methods, then on to its page), or the sandbox's
            # page at once. A payment already open for this milestone comes back here too.
            return redirect(checkout_step_url(payment.deposit, back=back))
    else:
        refusal = None
    failed = Failed(milestone_id=milestone_id, action="fund", form=form, refusal=refusal)
    return _render_contract(request, contract, failed=failed, status=400)
