"""The wallet page's receipt downloads: the same PDFs as the API's (payments/api/receipts.py).

Anyone but the owner, and a payment not paid, gets the 404 page (marketplace.pages).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.requests import SignedInHttpRequest
from payments.downloads import receipt_response
from payments.selectors import receipts as selectors


@login_required
@require_GET
def deposit_receipt(request: SignedInHttpRequest, deposit_id: int) -> HttpResponse:
    return receipt_response(selectors.deposit_receipt(user=request.user, deposit_id=deposit_id))


@login_required
@require_GET
def withdrawal_receipt(request: SignedInHttpRequest, withdrawal_id: int) -> HttpResponse:
    return receipt_response(
        selectors.withdrawal_receipt(user=request.user, withdrawal_id=withdrawal_id)
    )


@login_required
@require_GET
def release_receipt(request: SignedInHttpRequest, transaction_id: int) -> HttpResponse:
    return receipt_response(
        selectors.release_receipt(user=request.user, transaction_id=transaction_id)
    )


urlpatterns = [
    path("wallet/deposits/<int:deposit_id>/receipt/", deposit_receipt, name="deposit-receipt"),
    path(
        "wallet/withdrawals/<int:withdrawal_id>/receipt/",
        withdrawal_receipt,
        name="withdrawal-receipt",
    ),
    path("wallet/releases/<int:transaction_id>/receipt/", release_receipt, name="release-receipt"),
]
