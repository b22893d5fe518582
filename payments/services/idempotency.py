"""Doing a money-moving request once per key: the rule, with no web framework in it.

The first request with a key does its work and stores its successful outcome in **one**
transaction, unique per user and key; every repeat replays that outcome. A repeat while the
first is still running is ``StillRunning``, the same key on a different request ``KeyReused``.
The API speaks this through the ``Idempotency-Key`` header (``payments.api.idempotency``); the
wallet pages through each form's one-time token (``payments.pages.wallet``).

The key is claimed inside that same transaction, never in a row committed ahead of the work: on
PostgreSQL by a transaction-level advisory lock, on SQLite by the database's write lock (which
every transaction takes at its start, ``transaction_mode=IMMEDIATE``). Whatever ends the
request — an error, a refusal, a crash of the process, the database going away — ends the
transaction, and the database itself releases the claim with it: nothing committed, nothing
left to clean up, and a retry is processed at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db import connection

from accounts.staff_policy import StaffIsParty
from marketplace.transactions import run_atomic
from payments.models import IdempotencyRecord


class Outcome(Protocol):
    """What a request's work answered: a status and a JSON-able body (a DRF ``Response`` is
    one)."""

    @property
    def status_code(self) -> int: ...

    @property
    def data(self) -> Any: ...


OutcomeT = TypeVar("OutcomeT", bound=Outcome)


@dataclass(frozen=True)
class Replayed:
    """The stored outcome of the first request with this key."""

    status_code: int
    data: Any


class StillRunning(Exception):
    """Another request with this key holds it: it is still being processed."""


class KeyReused(Exception):
    """The key was already used for a different request (another endpoint or body)."""


def fingerprint(data: Any) -> str:
    """What makes two requests with one key the same request: their body."""
    body = json.dumps(data, sort_keys=True, default=str) if data else ""
    return hashlib.sha256(body.encode()).hexdigest()


def _claim(user_id: int, key: str) -> bool:
    """Claim the key for the current transaction; False if another transaction holds it."""
    if connection.vendor != "postgresql":
        return True  # SQLite: this transaction already holds the database's only write lock
    # One 64-bit lock id per (user, key); a collision of two keys only makes one of them wait
    # for the other's refusal to pass.
    digest = hashlib.blake2b(f"idempotency:{user_id}:{key}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )
        return bool(cursor.fetchone()[0])


def run_once(
    *, user_id: int, key: str, endpoint: str, request_hash: str, work: Callable[[], OutcomeT]
) -> OutcomeT | Replayed:
    """Run ``work`` once for this user's ``key``: its outcome the first time, ``Replayed`` after.

    The claim, the work and the stored outcome commit together or not at all; a transaction
    that loses a deadlock is run again whole (``marketplace.transactions``). An outcome of 400
    or more moved no money and is not remembered: the key stays free. Raises ``StillRunning``
    and ``KeyReused`` (nothing done), ``StaffIsParty`` after the refusal's audit record
    committed, and whatever ``work`` raises (rolled back, the key free).
    """

    # A refusal is returned, not raised, so that the transaction commits (nothing but the
    # audit record of a StaffIsParty was written), then raised once it has.
    def once() -> OutcomeT | Replayed | StaffIsParty | StillRunning | KeyReused:
        if not _claim(user_id, key):
            return StillRunning()
        record = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
        if record is not None:
            if record.endpoint != endpoint or record.request_hash != request_hash:
                return KeyReused()
            return Replayed(record.response_status, record.response_body)
        try:
            outcome = work()
        except StaffIsParty as refusal:
            # Staff acting on their own deal: the service rolled its work back and wrote the
            # attempt to the audit log, which must commit; the refusal is raised after that.
            return refusal
        if outcome.status_code < 400:
            IdempotencyRecord.objects.create(
                user_id=user_id,
                key=key,
                endpoint=endpoint,
                request_hash=request_hash,
                response_status=outcome.status_code,
                response_body=json.loads(json.dumps(outcome.data, default=str)),
            )
        return outcome

    result = run_atomic(once)
    if isinstance(result, (StaffIsParty, StillRunning, KeyReused)):
        raise result
    return result
