"""The notices money movements send to the wallet's owner (the machinery: ``accounts.notices``).
``PaymentsConfig.ready()`` registers every kind declared here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.notices import NoticeGroup, NoticeKind, notify, register_page

__all__ = ["notify"]

WALLET = NoticeGroup(_("Wallet"), position=20)


def register_pages() -> None:
    """Deposits and withdrawals lead to the wallet page."""
    register_page("api:wallet", "wallet")
    register_page("api:wallet-withdrawals", "wallet")
    register_page("api:me-identity", "wallet-identity")


DEPOSIT_PAID = NoticeKind(
    "deposit_paid",
    _("Top-up of %(amount)s received"),
    _("%(amount)s is in your Garap wallet, ready to fund milestones."),
    subject="deposit",
    link="api:wallet",
    group=WALLET,
)

DEPOSIT_FAILED = NoticeKind(
    "deposit_failed",
    _("Top-up of %(amount)s failed"),
    _("The payment did not go through and nothing was charged. You can try again."),
    subject="deposit",
    link="api:wallet",
    group=WALLET,
)

DEPOSIT_REFUNDED = NoticeKind(
    "deposit_refunded",
    _("Refund of %(amount)s sent"),
    _(
        "We refunded %(amount)s of your top-up to the way you paid; it left your Garap wallet. "
        "Your bank or e-wallet may take a few days to show it."
    ),
    subject="depositrefund",
    link="api:wallet",
    group=WALLET,
)

DEPOSIT_TAKEN_BACK = NoticeKind(
    "deposit_taken_back",
    _("%(amount)s of a top-up was taken back"),
    _(
        "Your payment of %(amount)s was refunded or charged back at the payment gateway, so "
        "we took it out of your Garap wallet."
    ),
    subject="depositrefund",
    link="api:wallet",
    group=WALLET,
)

DEPOSIT_TAKEN_BACK_OWED = NoticeKind(
    "deposit_taken_back_owed",
    _("%(amount)s of a top-up was taken back: you owe %(owed)s"),
    _(
        "Your payment of %(amount)s was refunded or charged back at the payment gateway, but "
        "your wallet no longer held all of it: you owe Garap %(owed)s. Your next top-up "
        "settles it first, and you cannot withdraw until it is settled."
    ),
    subject="depositrefund",
    link="api:wallet",
    group=WALLET,
)

WITHDRAWAL_PAID = NoticeKind(
    "withdrawal_paid",
    _("Withdrawal of %(amount)s sent"),
    _("We sent %(amount)s to your %(bank)s account."),
    subject="withdrawal",
    link="api:wallet-withdrawals",
    group=WALLET,
)

WITHDRAWAL_REJECTED = NoticeKind(
    "withdrawal_rejected",
    _("Withdrawal of %(amount)s returned to your wallet"),
    _("It could not be paid out: %(reason)s Check your account details and try again."),
    subject="withdrawal",
    link="api:wallet-withdrawals",
    group=WALLET,
)

WITHDRAWAL_FAILED = NoticeKind(
    "withdrawal_failed",
    _("Withdrawal of %(amount)s returned to your wallet"),
    _("The payout to your %(bank)s account failed: %(reason)s The money is back in your wallet."),
    subject="withdrawal",
    link="api:wallet-withdrawals",
    group=WALLET,
    # The same "returned to your wallet" to the person as a refused one: one preference.
    preference="withdrawal_rejected",
)

WITHDRAWAL_RETURNED = NoticeKind(
    "withdrawal_returned",
    _("Withdrawal of %(amount)s sent back to your wallet"),
    _(
        "The payout to your %(bank)s account was sent back after it was paid: %(reason)s "
        "The money is in your wallet again."
    ),
    subject="withdrawal",
    link="api:wallet-withdrawals",
    group=WALLET,
)

IDENTITY_APPROVED = NoticeKind(
    "identity_approved",
    _("Your identity is verified"),
    _("Finance checked your KTP: you can withdraw from your wallet now."),
    subject="identitycheck",
    link="api:me-identity",
    group=WALLET,
)

IDENTITY_REJECTED = NoticeKind(
    "identity_rejected",
    _("We could not verify your identity"),
    _("Finance could not verify your KTP: %(reason)s You can submit it again."),
    subject="identitycheck",
    link="api:me-identity",
    group=WALLET,
)
