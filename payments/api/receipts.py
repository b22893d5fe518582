"""API views of receipts (kuitansi): a paid deposit's, a paid withdrawal's, a release's, as PDF.

Only the owner gets one; anyone else, and a payment not paid, gets the 404 of a missing id.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from accounts.requests import SignedInRequest
from marketplace.api.renderers import BinaryRenderer, JSONRenderer
from payments.downloads import receipt_response
from payments.selectors import receipts as selectors

PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}


class PdfRenderer(BinaryRenderer):
    """Lets a receipt's endpoint accept ``Accept: application/pdf``."""

    media_type = "application/pdf"
    format = "pdf"


class _ReceiptApi(APIView):
    renderer_classes = [JSONRenderer, PdfRenderer]


@extend_schema(tags=["wallet"], responses=PDF)
class DepositReceiptApi(_ReceiptApi):
    def get(self, request: SignedInRequest, deposit_id: int) -> HttpResponse:
        """The receipt of a paid top-up or payment, in the user's preferred language."""
        return receipt_response(selectors.deposit_receipt(user=request.user, deposit_id=deposit_id))


@extend_schema(tags=["wallet"], responses=PDF)
class WithdrawalReceiptApi(_ReceiptApi):
    def get(self, request: SignedInRequest, withdrawal_id: int) -> HttpResponse:
        """The receipt of a paid-out withdrawal, in the user's preferred language."""
        return receipt_response(
            selectors.withdrawal_receipt(user=request.user, withdrawal_id=withdrawal_id)
        )


@extend_schema(tags=["wallet"], responses=PDF)
class ReleaseReceiptApi(_ReceiptApi):
    def get(self, request: SignedInRequest, transaction_id: int) -> HttpResponse:
        """The receipt of a milestone released to the user's wallet (``kind: release`` in the
        wallet's transactions): the amount, Garap's platform fee and what the user received."""
        return receipt_response(
            selectors.release_receipt(user=request.user, transaction_id=transaction_id)
        )


urlpatterns = [
    path(
        "wallet/deposits/<int:deposit_id>/receipt/",
        DepositReceiptApi.as_view(),
        name="deposit-receipt",
    ),
    path(
        "wallet/withdrawals/<int:withdrawal_id>/receipt/",
        WithdrawalReceiptApi.as_view(),
        name="withdrawal-receipt",
    ),
    path(
        "wallet/releases/<int:transaction_id>/receipt/",
        ReleaseReceiptApi.as_view(),
        name="release-receipt",
    ),
]
