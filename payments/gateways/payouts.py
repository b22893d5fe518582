"""What every payout gateway provides to Garap: money out to a bank account or an e-wallet.

A withdrawal is paid out with ``create_payout`` under an idempotency key that the withdrawal
keeps for life: sent again after a timeout or a worker crash, the same key gives back the same
payout, never a second one. The gateway's webhook closes it (``parse_payout_webhook``), and —
as for payments — the outcome is read back through the gateway's API (``confirm_payout``)
before the ledger moves: a leaked callback token alone must not mark a payout paid or failed.

Failures are those of ``payments.gateways.base``: ``InvalidWebhook`` for a callback that is not
the gateway's, ``GatewayUnavailable`` when the gateway cannot be asked (try again later; the
same idempotency key makes that safe).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# What a gateway's payout statuses come to in Garap (each gateway documents its mapping).
PayoutStatus = Literal["paid", "failed", "pending"]


class NameCheckUnavailable(Exception):
    """The gateway offers no account-holder name check (or not to this account)."""


class NoSuchAccount(Exception):
    """``check_account_name``: the bank has no such account, or it is dormant or closed — the
    freelancer's input to correct, not an outage."""


@dataclass(frozen=True)
class PayoutChannel:
    """A bank or e-wallet the gateway pays out to, for the payout destination form."""

    code: str  # the gateway's channel code, e.g. "ID_BCA", "ID_OVO"
    label: str  # what the freelancer sees: "BCA", "OVO"
    kind: Literal["bank", "ewallet"]


@dataclass(frozen=True)
class PayoutRequest:
    reference: str  # our withdrawal's reference, echoed back in the gateway's webhook
    amount: int  # whole rupiah
    channel_code: str  # a PayoutChannel.code
    account_number: str  # the bank account number, or the e-wallet's phone number
    account_holder_name: str
    description: str = ""


@dataclass(frozen=True)
class PayoutResult:
    provider_reference: str  # the gateway's own id for the payout: keep it on the withdrawal
    status: PayoutStatus


@dataclass(frozen=True)
class PayoutEvent:
    reference: str  # our withdrawal's reference
    status: PayoutStatus
    amount: int  # whole rupiah
    failure_reason: str  # the gateway's reason code when failed ("INVALID_DESTINATION"), else ""
    event_id: str
    provider_reference: str = ""  # the gateway's payout id, which confirm_payout reads back


class PayoutGateway:
    name = ""
    # Whether check_account_name works with this gateway.
    offers_name_check = False

    def channels(self) -> tuple[PayoutChannel, ...]:
        """The banks and e-wallets it pays out to, in the order shown."""
        raise NotImplementedError

    def create_payout(self, request: PayoutRequest, idempotency_key: str) -> PayoutResult:
        """Send ``request``; the same ``idempotency_key`` again returns the first payout.
        Raises ``GatewayUnavailable`` when the gateway cannot be reached (then nothing is
        known: send it again with the same key)."""
        raise NotImplementedError

    def parse_payout_webhook(self, body: bytes, headers: dict[str, str]) -> PayoutEvent:
        """Verify and read the payout callback; raise ``InvalidWebhook`` otherwise."""
        raise NotImplementedError

    def confirm_payout(self, event: PayoutEvent) -> PayoutEvent:
        """The payout as the gateway's API reports it now, which is what the ledger moves on.
        Raises ``InvalidWebhook`` when the gateway has no such payout for that reference."""
        raise NotImplementedError

    def check_account_name(self, *, channel_code: str, account_number: str) -> str:
        """The account holder's name as the bank or e-wallet knows it, to compare with the
        verified name before paying out. Raises ``NameCheckUnavailable`` where not offered."""
        raise NameCheckUnavailable(f"{self.name or 'this gateway'} offers no name check")
