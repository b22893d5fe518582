"""The sandbox gateway's checkout page: the stand-in for a real gateway's hosted payment page."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from marketplace.errors import NotFound
from payments import services
from payments.models import Deposit


@require_http_methods(["GET", "POST"])
def sandbox_checkout(request: HttpRequest, reference: str) -> HttpResponse:
    if settings.PAYMENT_GATEWAY != "sandbox":
        raise Http404("The sandbox gateway is off.")
    deposit = Deposit.objects.filter(reference=reference, provider="sandbox").first()
    if deposit is None:
        raise Http404("Unknown checkout.")
    sent = None
    if request.method == "POST" and deposit.status == Deposit.Status.PENDING:
        outcome = "failed" if request.POST.get("outcome") == "fail" else "paid"
        try:
            with transaction.atomic():
                services.sandbox_pay(reference=reference, status=outcome)
        except NotFound:
            raise Http404("Unknown checkout.") from None
        sent = outcome
    return render(request, "payments/sandbox_checkout.html", {"deposit": deposit, "sent": sent})
