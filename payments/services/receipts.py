"""A receipt (kuitansi) as PDF bytes, built from a ``payments.selectors.receipts.Receipt``.

Plain data in, bytes out: no request, no query. fpdf2's core fonts cover Latin-1, which is
enough for Bahasa Indonesia and English; anything outside it (an emoji in a display name, a
typographic dash in a translation) is written as its closest Latin-1 form or "?", so a name can
never make a receipt fail. Times are in WIB (Asia/Jakarta), labelled.
"""

from __future__ import annotations

import unicodedata
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from marketplace.formatting import rupiah
from payments.selectors.receipts import Receipt

WIB = ZoneInfo("Asia/Jakarta")
ISSUER = "Garap"
# Typographic characters our texts use that Latin-1 lacks, and their plain forms.
_PLAIN = str.maketrans({"—": "-", "–": "-", "−": "-", "“": '"', "”": '"', "‘": "'", "’": "'"})


def latin1(text: str) -> str:
    """``text`` as the core PDF fonts can write it."""
    text = unicodedata.normalize("NFKC", text).translate(_PLAIN)
    return text.encode("latin-1", "replace").decode("latin-1")


def wib(receipt: Receipt) -> str:
    return receipt.moment.astimezone(WIB).strftime("%d-%m-%Y %H:%M") + " WIB"


def receipt_filename(receipt: Receipt) -> str:
    with translation.override(receipt.language):
        # Translators: the start of a receipt's file name, lower case, no spaces.
        name = _("receipt")
    return f"{name}-{receipt.number}.pdf"


def _rows(receipt: Receipt) -> list[tuple[str, str]]:
    """(label, value) lines of the receipt, in the active language."""
    holder = f"{receipt.holder} <{receipt.holder_email}>"
    purpose = receipt.purpose
    rows = [(_("Receipt number"), receipt.number), (_("Date and time"), wib(receipt))]
    if receipt.kind == "deposit":
        rows += [(_("Received from"), holder), (_("Received by"), ISSUER)]
        if purpose is not None:
            rows += [
                (_("For"), _("Payment for a milestone of “%(title)s”") % {"title": purpose.title}),
                (_("Freelancer"), purpose.payee),
            ]
        else:
            rows.append((_("For"), _("Wallet top-up")))
        rows.append((_("Amount"), rupiah(receipt.amount)))
    elif receipt.kind == "withdrawal":
        rows += [
            (_("Paid by"), ISSUER),
            (_("Paid to"), holder),
            (_("For"), _("Withdrawal from the wallet")),
            (_("Method"), receipt.method),
            (_("Destination"), receipt.destination),
            (_("Amount"), rupiah(receipt.amount)),
        ]
    else:
        rows += [(_("Paid by"), ISSUER), (_("Paid to"), holder)]
        if purpose is not None:
            rows += [
                (_("For"), _("Approved milestone of “%(title)s”") % {"title": purpose.title}),
                (_("Client"), purpose.payer),
            ]
        rows += [
            (_("Milestone amount"), rupiah(receipt.amount)),
            (_("Platform fee"), rupiah(receipt.fee)),
            (_("Received"), rupiah(receipt.net)),
        ]
    rows.append((_("Our reference"), receipt.reference))
    if receipt.kind == "deposit":
        gateway = receipt.gateway_reference or "-"
        rows.append((_("Gateway reference"), f"{gateway} ({receipt.provider})"))
    return rows


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as a one-page A4 PDF in the holder's preferred language."""
    with translation.override(receipt.language):
        title = _("Receipt")
        rows = _rows(receipt)
        note = _("Issued electronically by Garap; valid without a signature.")
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(f"{title} {receipt.number}"))
    pdf.set_author(ISSUER)
    pdf.set_creation_date(receipt.moment)  # the same receipt is the same bytes
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=18)
    pdf.cell(0, 12, latin1(f"{ISSUER} - {title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for label, value in rows:
        pdf.set_font("Helvetica", style="B", size=10)
        pdf.cell(55, 7, latin1(label))
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 7, latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", style="I", size=8)
    pdf.multi_cell(0, 5, latin1(note), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
