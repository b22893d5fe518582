"""The sandbox gateway's checkout page: the stand-in for a real gateway's hosted payment page."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from marketplace.errors import NotFound
from payments import gateways
from payments.models import Deposit
from payments.services.deposits import sandbox_pay


@require_http_methods(["GET", "POST"])
def sandbox_checkout(request: HttpRequest, reference: str) -> HttpResponse:
    if not gateways.sandbox_enabled():  # the route is not even mounted then; belt and braces
        raise Http404("The sandbox gateway is off.")
    deposit = Deposit.objects.filter(reference=reference, provider="sandbox").first()
    if deposit is None:
        raise Http404("Unknown checkout.")
    sent = None
    if request.method == "POST" and deposit.status == Deposit.Status.PENDING:
        outcome = "failed" if request.POST.get("outcome") == "fail" else "paid"
        try:
            with transaction.atomic():
                sandbox_pay(reference=reference, status=outcome)
        except NotFound:
            raise Http404("Unknown checkout.") from None
        sent = outcome
    context = {"deposit": deposit, "sent": sent, "return_url": _return_url(request)}
    return render(request, "payments/sandbox_checkout.html", context)


def _return_url(request: HttpRequest) -> str:
    """Where the payer goes back to (``?return=``, set by the deposit's creator): only a page of
    our own site, so a crafted checkout link cannot send the payer elsewhere."""
    url = request.GET.get("return", "")
    own_hosts = {request.get_host(), urlsplit(settings.SITE_URL).netloc}
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=own_hosts):
        return url
    return ""
