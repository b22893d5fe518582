"""What a payment is for, beyond the payer's wallet: "pay and fund in one step".

A deposit may carry a purpose — an opaque reference such as ``"milestone:42"`` — that a higher
app registers a settler for in its ``AppConfig.ready()`` (payments never imports projects). When
the gateway confirms the payment, ``deposit_complete`` hands the settler the deposit and the way
to credit the wallet, in the same transaction: the settler takes its own row locks first (the
locking order puts contracts and milestones before ledger accounts), credits, then spends.

Whatever the settler does, the payer's money is never lost: if it refuses (the milestone was
cancelled meanwhile), the credit stands alone and the money stays in the wallet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payments.models import Deposit

# settler(deposit, object_id, credit): credit() moves the payment into the payer's wallet.
Settler = Callable[["Deposit", int, Callable[[], None]], None]

_settlers: dict[str, Settler] = {}


def register(kind: str, settler: Settler) -> None:
    """Name what deposits of ``kind`` pay for; called once, from an app's ``ready()``."""
    _settlers[kind] = settler


def purpose(kind: str, object_id: int) -> str:
    """The reference a deposit carries: ``purpose("milestone", 42) == "milestone:42"``."""
    if kind not in _settlers:
        raise LookupError(f"no settler registered for {kind!r}")
    return f"{kind}:{object_id}"


def settle(deposit: Deposit, credit: Callable[[], None]) -> None:
    """Credit the paid ``deposit`` and do what it was for; a plain top-up is only credited."""
    kind, _, raw_id = deposit.purpose.partition(":")
    settler = _settlers.get(kind) if raw_id.isdigit() else None
    if settler is None:
        credit()
        return
    settler(deposit, int(raw_id), credit)


# --- what a receipt says a payment was for --------------------------------------------------


@dataclass(frozen=True)
class Described:
    """A payment's object as its receipt names it: the work and the two parties to it."""

    title: str  # e.g. the contract's gig title
    payer: str  # public names
    payee: str


# describer(object_id) -> Described, or None when the object is gone; one query at most.
Describer = Callable[[int], "Described | None"]

_describers: dict[str, Describer] = {}


def register_describer(kind: str, describer: Describer) -> None:
    """Name how receipts describe objects of ``kind``; called once, from an app's ``ready()``."""
    _describers[kind] = describer


def describe(reference: str) -> Described | None:
    """What ``"milestone:42"`` (a deposit's purpose, a release's reference) was for."""
    kind, _, raw_id = reference.partition(":")
    describer = _describers.get(kind) if raw_id.isdigit() else None
    return describer(int(raw_id)) if describer is not None else None
