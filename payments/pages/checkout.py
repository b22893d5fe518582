"""The checkout step (``payments.selectors.checkout``): between "Pay" (or a top-up) and the
gateway's own page, and the page a payment left unfinished is taken up again from.

It is also why the payer reaches the gateway by a link rather than a redirect: the page they
leave from is ours, and the way back (``?next=``) is a page of ours too.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from accounts.requests import SignedInHttpRequest
from payments.models import Deposit
from payments.selectors.checkout import checkout_step, offers_methods


def checkout_step_url(deposit: Deposit, *, back: str = "") -> str:
    """Where a payer goes once ``deposit`` is opened: our checkout step when its gateway lists
    methods (``back``, a path of ours, is where "Back" and the gateway return them to), else
    straight to the gateway's page (the sandbox's checkout is a step of its own)."""
    if not offers_methods(deposit):
        return deposit.checkout_url
    url = reverse("payment-checkout", kwargs={"reference": deposit.reference})
    return f"{url}?{urlencode({'next': back})}" if back else url


@login_required
@require_GET
def payment_checkout(request: SignedInHttpRequest, reference: str) -> HttpResponse:
    step = checkout_step(user=request.user, reference=reference)
    context = {"step": step, "back": _own_url(request, request.GET.get("next", ""))}
    return render(request, "payments/checkout.html", context)


def _own_url(request: HttpRequest, url: str) -> str:
    """``url`` if it is a page of this site, else the wallet: a crafted link cannot make our
    "Back" button send the payer elsewhere."""
    own_hosts = {request.get_host(), urlsplit(settings.SITE_URL).netloc}
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=own_hosts):
        return url
    return reverse("wallet")


urlpatterns = [
    path("payments/checkout/<slug:reference>/", payment_checkout, name="payment-checkout"),
]
