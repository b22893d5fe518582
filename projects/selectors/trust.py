"""Reads for trust and safety: signs that a contract's two parties are one person.

The facts live in the lower apps and are read through their selectors with plain ids (the
dependency rule: projects → payments → accounts): sign-in places in ``accounts``, withdrawals
and top-ups in ``payments``. The definitions of the signals are here, once.
"""

from __future__ import annotations

from accounts.selectors import sign_in_shared
from payments.selectors.trust import money_round_trip, payout_destination_shared
from projects.models import Contract, TrustCheck

Signal = TrustCheck.Signal


def contract_trust_signals(*, contract: Contract) -> list[str]:
    """The signals (``TrustCheck.Signal`` values, in a fixed order) that the contract's client
    and freelancer may be one person. A handful of indexed queries, whatever the data size."""
    client, freelancer = contract.client_id, contract.freelancer_id
    shared = sign_in_shared(user_id=client, other_id=freelancer)
    found = []
    if "address" in shared:
        found.append(Signal.SHARED_ADDRESS.value)
    if "device" in shared:
        found.append(Signal.SHARED_DEVICE.value)
    if payout_destination_shared(user_id=client, other_id=freelancer):
        found.append(Signal.SHARED_PAYOUT.value)
    if money_round_trip(payee_id=freelancer, payer_id=client, since=contract.created_at):
        found.append(Signal.ROUND_TRIP.value)
    return found


def signal_labels(signals: list[str]) -> list[str]:
    return [str(Signal(s).label) if s in Signal.values else s for s in signals]
