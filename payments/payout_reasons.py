"""What a payout gateway's failure codes mean to the freelancer whose payout failed.

Codes are Xendit's (Midtrans Iris' are mapped to the same where they mean the same); one not
listed gets the general sentence. The text is lazy: the notice renders it in the recipient's
language.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REASONS: dict[str, Promise] = {
    "INVALID_DESTINATION": _("The bank or e-wallet says this account does not exist."),
    "INVALID_ACCOUNT_DETAILS": _("The bank or e-wallet says this account does not exist."),
    "ACCOUNT_NAME_MISMATCH": _("The account is not in the name on your verified identity."),
    "REJECTED_BY_CHANNEL": _("The bank or e-wallet refused the transfer."),
    "DESTINATION_MAXIMUM_LIMIT": _("The account cannot receive this much; try a smaller amount."),
    "TEMPORARY_TRANSFER_ERROR": _("The bank or e-wallet had a problem; please try again later."),
    "CANCELLED": _("The transfer was cancelled."),
    "REVERSED": _("The bank sent the transfer back."),
}
GENERAL = _("The bank or e-wallet did not accept the transfer.")


def failure_message(code: str) -> Promise:
    return REASONS.get(code, GENERAL)
