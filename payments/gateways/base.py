"""What every payment gateway provides to Garap.

A gateway opens a checkout for a deposit, verifies and reads its webhooks, and — before any
money moves — confirms the payment's state by asking the gateway's own API (``confirm``): a
leaked webhook secret or callback token alone must never be enough to credit a wallet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext_lazy as _

from marketplace.outages import Outage, Unavailable

if TYPE_CHECKING:
    from payments.models import Deposit

# Reads one setting by name: Django's settings, or the production settings module reading itself
# while it loads (``payments.checks``).
Setting = Callable[[str], Any]


def from_settings(name: str) -> Any:
    from django.conf import settings

    return getattr(settings, name, None)


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogs (``makemessages`` looks for this name) and returns it
    as it is. Django's own ``gettext_noop`` reads ``settings.USE_I18N`` on its first call, and
    the gateway modules are imported while the production settings load (``payments.checks``):
    reading the settings then would configure Django from the half-loaded module."""
    return message


# What a gateway's own statuses come to in Garap (each gateway documents its mapping).
PaymentStatus = Literal["paid", "pending", "failed", "refunded"]


class InvalidWebhook(Exception):
    """The webhook's signature or body is not what the gateway sends; nothing is done."""


class GatewayUnavailable(Unavailable):
    """The gateway did not answer in time, or answered with a server error: nothing was opened
    or confirmed. The caller says so (503) and the payer or the gateway's retry tries again."""

    outage = Outage(
        retry_after=60,
        message=_(
            "The payment gateway is not answering. Nothing was charged; please try again in a "
            "minute."
        ),
    )


class GatewayRefused(Unavailable):
    """The gateway heard our request and refused it (a 4xx: a wrong key, a parameter it does
    not take). Our mistake, not the payer's: nothing was opened or charged, the payer is told to
    try later (503), and the operators find it in the log."""

    outage = Outage(
        retry_after=300,
        message=_(
            "The payment gateway could not open this payment. Nothing was charged; please try "
            "again later."
        ),
    )


@dataclass(frozen=True)
class Checkout:
    url: str  # where the payer goes to pay
    provider_reference: str  # the gateway's own id for the payment


@dataclass(frozen=True)
class WebhookEvent:
    reference: str  # our Deposit.reference, echoed back by the gateway
    status: PaymentStatus
    amount: int  # whole rupiah the gateway says it collected
    event_id: str
    currency: str = "IDR"
    # For "refunded": the whole rupiah the gateway has given back on this payment so far, all
    # refunds and chargebacks together (0 when it does not say).
    refunded: int = 0


@dataclass(frozen=True)
class RefundResult:
    """The gateway took a refund: the money is on its way back to the payer."""

    reference: str  # the gateway's own id for the refund (or our key when it gives none)


@dataclass(frozen=True)
class PaymentMethod:
    """A way to pay that the gateway's checkout offers, shown on our checkout step."""

    code: str  # e.g. "bca_va", "qris", "gopay"
    label: str  # what the payer sees: "BCA Virtual Account", "QRIS", "GoPay"
    kind: Literal["virtual_account", "qris", "ewallet", "card"]


class Gateway:
    name = ""
    # The setting that holds the secret its webhooks are signed with (checked by
    # payments.checks: never a public default, never short).
    secret_setting = ""
    # True for a gateway that collects real money; the sandbox "pays" with one click.
    live = True
    # The methods its checkout offers, in the order shown.
    payment_methods: tuple[PaymentMethod, ...] = ()
    # Whether finance can refund a payment through Garap (``refund``); otherwise only in the
    # gateway's own dashboard, and its refund webhook tells Garap.
    offers_refunds = False

    def create_checkout(self, deposit: Deposit, *, return_url: str = "") -> Checkout:
        """Open a payment for ``deposit``. ``return_url`` is where the gateway's page sends the
        payer back afterwards (Midtrans' finish URL, Xendit's success redirect); empty: none.
        Raises ``GatewayUnavailable`` when the gateway cannot be reached."""
        raise NotImplementedError

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookEvent:
        """Verify the signature and read the event; raise ``InvalidWebhook`` otherwise."""
        raise NotImplementedError

    def confirm(self, event: WebhookEvent) -> WebhookEvent:
        """The payment as the gateway's API reports it now, which is what money moves on.
        Raises ``GatewayUnavailable`` when the gateway cannot be asked (the webhook is then
        answered 503, and the gateway sends it again). The sandbox is its own API."""
        return event

    def refund(self, deposit: Deposit, *, amount: int, key: str, reason: str) -> RefundResult:
        """Give ``amount`` of the paid ``deposit`` back to the payer's payment method, once per
        ``key`` (a retry with the same key is the same refund at the gateway). Raises
        ``GatewayUnavailable`` when the gateway cannot be asked or its answer was lost (whether
        it refunded is then unknown: retry with the same key) and ``GatewayRefused`` when it
        refuses (nothing refunded)."""
        raise NotImplementedError

    @classmethod
    def configuration_problems(cls, setting: Setting | None = None) -> list[str]:
        """Why the settings read by ``setting(name)`` (default: Django's) cannot take real money
        on a public site — missing keys, test keys — for the deploy checks; empty: they can."""
        return []
