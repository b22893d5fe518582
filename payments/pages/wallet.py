"""The wallet pages: balances, history, top-up through the gateway's checkout, withdrawals.

The same selectors and services as the API's wallet endpoints (payments/api/). A form is
sent once: its hidden token is the idempotency key of ``payments.services.idempotency``, so a
double tap or a reload of the POST replays the first answer instead of creating a second
deposit or withdrawal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.requests import SignedInHttpRequest
from marketplace.errors import DomainError, RateLimited
from marketplace.formatting import rupiah
from marketplace.outages import Unavailable
from marketplace.pages import add_domain_error, cursor_page
from payments import gateways
from payments.pages.checkout import checkout_step_url
from payments.pages.forms import OneTimeForm, TopUpForm, WithdrawForm
from payments.selectors import wallet as selectors
from payments.services.deposits import deposit_create
from payments.services.idempotency import KeyReused, StillRunning, fingerprint, run_once
from payments.services.identity import identity_current
from payments.services.payout_destinations import destination_list
from payments.services.withdrawals import withdrawal_request, withdrawal_request_to

HISTORY_ORDERING = ("-created_at", "-id")  # as GET /api/v1/wallet/transactions/ pages it
RECENT = 10  # deposits and withdrawals shown on the wallet page


@login_required
@require_GET
def wallet(request: SignedInHttpRequest) -> HttpResponse:
    return _wallet_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def wallet_deposit(request: SignedInHttpRequest) -> HttpResponse:
    """Top up: a pending deposit, then the checkout step and the gateway's page to pay. The
    wallet is credited by the gateway's webhook, not here."""
    if request.method != "POST":
        return redirect("wallet")
    form = TopUpForm(request.POST)
    if form.is_valid():
        amount = form.cleaned_data["amount"]
        back_to_wallet = settings.SITE_URL.rstrip("/") + reverse("wallet")
        try:
            outcome = _once(
                request,
                form,
                lambda: deposit_create(user=request.user, amount=amount, return_url=back_to_wallet),
            )
        except Unavailable as outage:
            # The gateway did not answer: nothing was opened or charged, and the form's token
            # is free again — said on the form, which can be sent again as it is.
            form.add_error(None, str(outage.outage.message))
            response = _wallet_page(request, topup_form=form, status=503)
            response["Retry-After"] = str(outage.outage.retry_after)
            return response
        if outcome.done_id is not None:
            deposit = selectors.deposit_list(user=request.user).get(pk=outcome.done_id)
            messages.success(
                request,
                _("Top-up of %(amount)s started: your wallet is credited once it is paid.")
                % {"amount": rupiah(deposit.amount)},
            )
            return redirect(checkout_step_url(deposit, back=reverse("wallet")))
        if outcome.running:
            return _still_running(request)
    return _wallet_page(request, topup_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def wallet_withdraw(request: SignedInHttpRequest) -> HttpResponse:
    """Withdraw: the amount leaves the available balance at once; the payout gateway (or, on a
    site without one, finance) pays it out."""
    if request.method != "POST":
        return redirect("wallet")
    form = _withdraw_form(request, data=request.POST)
    if form.is_valid():
        values = form.values()

        def create() -> Model:
            if "destination" in values:
                return withdrawal_request_to(
                    user=request.user,
                    amount=values["amount"],
                    destination_id=values["destination"],
                )
            return withdrawal_request(user=request.user, **values)

        outcome = _once(request, form, create)
        if outcome.done_id is not None:
            withdrawal = selectors.withdrawal_list(user=request.user).get(pk=outcome.done_id)
            messages.success(
                request,
                _(
                    "Withdrawal of %(amount)s to %(bank)s requested. "
                    "We will let you know when it is paid."
                )
                % {"amount": rupiah(withdrawal.amount), "bank": withdrawal.bank_code},
            )
            return redirect("wallet")
        if outcome.running:
            return _still_running(request)
    return _wallet_page(request, withdraw_form=form, status=400)


def _wallet_page(
    request: SignedInHttpRequest,
    *,
    topup_form: TopUpForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    for form in (topup_form, withdraw_form):
        if form is not None and form.expired_message():
            form.renew_token()
    user = request.user
    history = cursor_page(request, selectors.wallet_entries(user=user), HISTORY_ORDERING)
    for entry in history.items:
        entry.size = abs(entry.amount)
    context = {
        "summary": selectors.wallet_summary(user=user),
        "history": history,
        "deposits": list(selectors.deposit_list(user=user).order_by("-created_at", "-id")[:RECENT]),
        "withdrawals": list(
            selectors.withdrawal_list(user=user).order_by("-created_at", "-id")[:RECENT]
        ),
        "topup_form": topup_form or TopUpForm(),
        "withdraw_form": withdraw_form or _withdraw_form(request),
        "by_hand": gateways.payout_gateway() is None,
        "deposit_min": settings.DEPOSIT_MIN_AMOUNT,
        "deposit_max": settings.DEPOSIT_MAX_AMOUNT,
        "withdrawal_min": settings.WITHDRAWAL_MIN_AMOUNT,
        "identity": identity_current(user=user),  # every withdrawal needs it approved
    }
    return render(request, "payments/wallet.html", context, status=status)


def _withdraw_form(request: SignedInHttpRequest, data: Any = None) -> WithdrawForm:
    return WithdrawForm(
        data,
        destinations=list(destination_list(user=request.user)),
        by_hand=gateways.payout_gateway() is None,
    )


def _still_running(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Your request is still being processed. Check your wallet below."))
    return redirect("wallet")


# --- sending a form once --------------------------------------------------------------------


@dataclass(frozen=True)
class _Created:
    """The outcome ``payments.services.idempotency`` remembers for a form: the object it created."""

    data: dict[str, Any]
    status_code: int = 201


@dataclass
class _Outcome:
    done_id: int | None = None  # the object the first sending of this form created
    running: bool = False  # the first sending is still being processed


def _once(request: SignedInHttpRequest, form: OneTimeForm, create: Callable[[], Model]) -> _Outcome:
    """Run ``create`` once per showing of ``form``. A service's refusal goes onto the form (and
    frees the token, as the API frees a key whose request failed)."""
    try:
        outcome = run_once(
            user_id=request.user.pk,
            key="page:" + form.cleaned_data["token"],
            endpoint=f"POST {request.path}",
            request_hash=fingerprint(form.values()),
            work=lambda: _Created({"id": create().pk}),
        )
    except RateLimited:
        raise  # the 429 page (marketplace.pages)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _Outcome()
    except StillRunning:
        return _Outcome(running=True)
    except KeyReused:
        pass
    else:
        return _Outcome(done_id=outcome.data["id"])
    # The same token with other values: a form sent, then changed via "back" and sent again.
    form.add_error(
        None,
        _(
            "This form was already sent with other values. "
            "Check your wallet and send it again if you meant a new one."
        ),
    )
    form.renew_token()
    return _Outcome()


urlpatterns = [
    path("wallet/", wallet, name="wallet"),
    path("wallet/deposits/", wallet_deposit, name="wallet-deposit"),
    path("wallet/withdrawals/", wallet_withdraw, name="wallet-withdraw"),
]
