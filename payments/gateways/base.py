"""What every payment gateway provides to Garap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payments.models import Deposit


class InvalidWebhook(Exception):
    """The webhook's signature or body is not what the gateway sends; nothing is done."""


@dataclass(frozen=True)
class Checkout:
    url: str  # where the payer goes to pay
    provider_reference: str  # the gateway's own id for the payment


@dataclass(frozen=True)
class WebhookEvent:
    reference: str  # our Deposit.reference, echoed back by the gateway
    status: str  # "paid" or "failed"
    amount: int  # whole rupiah the gateway says it collected
    event_id: str


class Gateway:
    name = ""
    # The setting that holds the secret its webhooks are signed with (checked by
    # payments.checks: never a public default, never short).
    secret_setting = ""
    # True for a gateway that collects real money; the sandbox "pays" with one click.
    live = True

    def create_checkout(self, deposit: Deposit, *, return_url: str = "") -> Checkout:
        """Open a payment for ``deposit``. ``return_url`` is where the gateway's page sends the
        payer back afterwards (Midtrans' finish URL, Xendit's success redirect); empty: none."""
        raise NotImplementedError

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookEvent:
        """Verify the signature and read the event; raise ``InvalidWebhook`` otherwise."""
        raise NotImplementedError
