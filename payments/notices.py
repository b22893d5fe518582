"""The notices money movements send to the wallet's owner."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.notices import Notice, register, send

__all__ = ["NOTICES", "send"]

NOTICES: dict[str, Notice] = register(
    {
        "deposit_paid": Notice(
            _("Top-up of %(amount)s received"),
            _("%(amount)s is in your Garap wallet, ready to fund milestones."),
        ),
        "deposit_failed": Notice(
            _("Top-up of %(amount)s failed"),
            _("The payment did not go through and nothing was charged. You can try again."),
        ),
        "withdrawal_paid": Notice(
            _("Withdrawal of %(amount)s sent"),
            _("We sent %(amount)s to your %(bank)s account."),
        ),
        "withdrawal_rejected": Notice(
            _("Withdrawal of %(amount)s returned to your wallet"),
            _("It could not be paid out: %(reason)s Check your account details and try again."),
        ),
    }
)
