"""The checkout step: what a payer sees before going to the gateway's page, and again when they
come back to a payment they have not finished — how much, the ways the gateway takes it, and
until when an unpaid virtual account stays open.

The gateway's hosted page is where the method is chosen; ours says beforehand which there are,
in the payer's language, so nobody is sent to a page that cannot take their bank or e-wallet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.errors import NotFound
from payments import gateways, purposes
from payments.models import Deposit
from payments.selectors.wallet import deposit_list

if TYPE_CHECKING:
    from accounts.models import User

# The kinds of PaymentMethod, in the order the step lists them, with their headings.
KINDS: dict[str, Promise] = {
    "virtual_account": _("Bank transfer (virtual account)"),
    "qris": _("QRIS"),
    "ewallet": _("E-wallet"),
    "card": _("Card"),
}


@dataclass(frozen=True)
class MethodGroup:
    kind: str
    title: Promise
    labels: list[str]


@dataclass(frozen=True)
class CheckoutStep:
    deposit: Deposit
    groups: list[MethodGroup]
    expires_at: datetime
    # The payer can still go (back) to the gateway's page: pending, open, not run out.
    payable: bool
    # The deposit is pending but its time is up: the gateway takes no more money for it.
    ran_out: bool
    # What the payment is for (a milestone's gig and freelancer), as its receipt names it;
    # None for a top-up of the wallet.
    described: purposes.Described | None

    @property
    def offers_virtual_accounts(self) -> bool:
        return any(group.kind == "virtual_account" for group in self.groups)


def offers_methods(deposit: Deposit) -> bool:
    """Whether the deposit's gateway lists its methods — a real gateway, whose page the payer
    should know about before being sent there; the sandbox has none, and is its own step."""
    gateway = gateways.GATEWAYS.get(deposit.provider)
    return bool(gateway and gateway.payment_methods)


def checkout_step(*, user: User, reference: str) -> CheckoutStep:
    """The user's own payment ``reference`` as its checkout step shows it; ``NotFound`` for any
    other (another user's payment is as unknown as one that does not exist)."""
    deposit = deposit_list(user=user).filter(reference=reference).first()
    if deposit is None:
        raise NotFound(gettext("Payment not found."))
    gateway = gateways.GATEWAYS.get(deposit.provider)
    methods = gateway.payment_methods if gateway else ()
    groups = [
        MethodGroup(
            kind=kind,
            title=title,
            # The generic labels ("Other banks' transfer") are marked for translation where the
            # gateway lists them; brand names come back unchanged.
            labels=[gettext(method.label) for method in methods if method.kind == kind],
        )
        for kind, title in KINDS.items()
    ]
    pending = deposit.status == Deposit.Status.PENDING
    ran_out = pending and timezone.now() >= deposit.expires_at
    return CheckoutStep(
        deposit=deposit,
        groups=[group for group in groups if group.labels],
        expires_at=deposit.expires_at,
        payable=pending and not ran_out and bool(deposit.checkout_url),
        ran_out=ran_out,
        described=purposes.describe(deposit.purpose) if deposit.purpose else None,
    )
