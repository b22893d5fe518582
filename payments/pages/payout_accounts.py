"""The "Payout accounts" page under the wallet: one's bank accounts and e-wallets, adding one
in one's verified name, removing one. The same services as ``/api/v1/me/payout-destinations/``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.requests import SignedInHttpRequest
from marketplace.errors import DomainError
from marketplace.pages import add_domain_error
from payments import gateways
from payments.pages.forms import PayoutDestinationForm, destination_label
from payments.services.identity import identity_current
from payments.services.payout_destinations import (
    destination_add,
    destination_list,
    destination_remove,
)


@login_required
@require_http_methods(["GET", "POST"])
def payout_accounts(request: SignedInHttpRequest) -> HttpResponse:
    channels = gateways.payout_channels()
    form = PayoutDestinationForm(channels=channels)
    status = 200
    if request.method == "POST":
        form = PayoutDestinationForm(request.POST, channels=channels)
        if form.is_valid():
            try:
                destination = destination_add(user=request.user, **form.cleaned_data)
            except DomainError as refusal:
                add_domain_error(form, refusal)
            else:
                messages.success(
                    request,
                    _("%(account)s added: you can withdraw to it now.")
                    % {"account": destination_label(destination)},
                )
                return redirect("wallet-payout-accounts")
        status = 400
    context = {
        "destinations": [
            (destination, destination_label(destination))
            for destination in destination_list(user=request.user)
        ],
        "form": form,
        "identity": identity_current(user=request.user),
    }
    return render(request, "payments/payout_accounts.html", context, status=status)


@login_required
@require_POST
def payout_account_remove(request: SignedInHttpRequest, destination_id: int) -> HttpResponse:
    # Someone else's, or none: NotFound, the 404 page (marketplace.pages).
    destination_remove(user=request.user, destination_id=destination_id)
    messages.success(request, _("Payout account removed."))
    return redirect("wallet-payout-accounts")


urlpatterns = [
    path("wallet/payout-accounts/", payout_accounts, name="wallet-payout-accounts"),
    path(
        "wallet/payout-accounts/<int:destination_id>/remove/",
        payout_account_remove,
        name="wallet-payout-account-remove",
    ),
]
