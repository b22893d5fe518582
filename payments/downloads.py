"""A receipt as a download: the response the API and the pages both send (payments/api,
payments/pages)."""

from __future__ import annotations

from django.http import HttpResponse

from payments.selectors.receipts import Receipt
from payments.services.receipts import receipt_filename, receipt_pdf


def receipt_response(receipt: Receipt) -> HttpResponse:
    """Never inline, kept by no shared cache: it names a person and their money."""
    response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(receipt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
