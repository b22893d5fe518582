"""Withdrawals paid out through the payout gateway (``payments.gateways.payouts``): sending
them, and finance holding, releasing or resending one.

A withdrawal requested on a site with a payout gateway starts *sending*: it gets a reference
and an idempotency key kept for life (``start_sending``), and ``payout_send`` — a task scheduled
after the commit, and the sweep for one a crashed worker left behind — hands it to the gateway
under the withdrawal's row lock, calling the gateway inside that transaction (bounded by its
timeout): two runs at once wait for each other and the second finds it *processing*. A run
that dies midway changed nothing, and the next one sends the same key, which the gateway
answers with the first payout: one payout per withdrawal whatever is retried. How the gateway's
answer closes it is ``payments.services.payout_outcomes``. Finance may hold one not yet sent,
release it, or send it again now.

Gateways remember idempotency keys for a while only (Iris: 24 hours). One still not taken
``PAYOUT_KEY_MAX_AGE_HOURS`` after its key was made is held for finance rather than resent:
finance looks for it in the gateway's dashboard, and releasing it starts the key's clock again.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ModeratorAction, User
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import Conflict, NotFound, PermissionDenied
from marketplace.state import ensure_transition
from marketplace.tasks import enqueue_on_commit
from marketplace.transactions import atomic_with_retry
from payments import gateways
from payments.gateways.base import GatewayRefused
from payments.gateways.payouts import PayoutRequest
from payments.models import Withdrawal

Action = ModeratorAction.Action
Status = Withdrawal.Status
logger = logging.getLogger(__name__)


def lock_withdrawal(withdrawal_id: int) -> Withdrawal:
    withdrawal = (
        Withdrawal.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk=withdrawal_id)
        .first()
    )
    if withdrawal is None:
        raise NotFound(_("Withdrawal not found."))
    return withdrawal


def ensure_processor(user: User) -> None:
    """Only finance staff process withdrawals (not an action itself: no staff argument)."""
    if not (user.is_staff and user.has_perm("payments.process_withdrawal")):
        raise PermissionDenied(_("Only finance staff can process withdrawals."))


def start_sending(withdrawal: Withdrawal) -> None:
    """Make it *sending* now, with its reference and idempotency key (made once, kept for
    life: a resend must be the same payout to the gateway). The caller holds its row."""
    ensure_transition(withdrawal, Status.SENDING)
    if not withdrawal.payout_idempotency_key:
        withdrawal.payout_reference = f"wd_{uuid.uuid4().hex}"
        withdrawal.payout_idempotency_key = f"garap-withdrawal-{uuid.uuid4().hex}"
        withdrawal.payout_provider = settings.PAYMENT_GATEWAY
        withdrawal.payout_key_since = timezone.now()
    withdrawal.status = Status.SENDING
    withdrawal.sending_since = timezone.now()
    withdrawal.payout_error = ""
    withdrawal.save(
        update_fields=[
            "status",
            "sending_since",
            "payout_error",
            "payout_reference",
            "payout_idempotency_key",
            "payout_provider",
            "payout_key_since",
        ]
    )


# What ``payout_send(skip_locked=True)`` answers for a withdrawal whose row is held elsewhere.
BUSY = "busy"


@atomic_with_retry
def payout_send(*, withdrawal_id: int, skip_locked: bool = False) -> str:
    """Hand a *sending* withdrawal to the payout gateway; its status afterwards. Anything else
    (sent already, held, paid, no payout gateway) is left as it is: safe to run twice.

    ``GatewayUnavailable`` propagates with nothing changed (send again later: the same key).
    A refusal (``GatewayRefused``: the request itself is wrong, resending will not help) holds
    it for finance with the gateway's words.

    The row is locked for the whole call to the gateway. ``skip_locked`` (the sweep) leaves a
    withdrawal whose row another transaction holds — its task sending it to a slow gateway,
    finance, a webhook — and answers ``BUSY`` at once instead of waiting behind it: the holder
    is dealing with it, and the next run finds it again if it is still stuck."""
    gateway = gateways.payout_gateway()
    if skip_locked:
        found = (
            Withdrawal.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
            .filter(pk=withdrawal_id)
            .first()
        )
        if found is None:
            return BUSY
        withdrawal = found
    else:
        withdrawal = lock_withdrawal(withdrawal_id)
    if gateway is None or withdrawal.status != Status.SENDING:
        return str(withdrawal.status)
    if withdrawal.payout_provider != gateway.name:
        return _hold_for_finance(
            withdrawal, f"sent through {withdrawal.payout_provider}, now {gateway.name}"
        )
    if _key_too_old(withdrawal):
        return _hold_for_finance(
            withdrawal,
            f"{KEY_TOO_OLD}: not taken by {gateway.name} within "
            f"{settings.PAYOUT_KEY_MAX_AGE_HOURS} hours, so it may have forgotten the "
            f"idempotency key. Look for {withdrawal.payout_reference} in its dashboard; release "
            "only if there is no payout for it.",
        )
    request = PayoutRequest(
        reference=str(withdrawal.payout_reference),
        amount=withdrawal.amount,
        channel_code=withdrawal.channel_code,
        account_number=withdrawal.account_number,
        account_holder_name=withdrawal.holder_name,
        description=f"Garap withdrawal {withdrawal.pk}",
    )
    try:
        result = gateway.create_payout(request, withdrawal.payout_idempotency_key)
    except (GatewayRefused, ValueError) as exc:
        logger.warning("payout of withdrawal %s refused: %s", withdrawal.pk, exc)
        return _hold_for_finance(withdrawal, str(exc))
    # Paid or failed is for the webhook to say, read back through the gateway's API.
    withdrawal.status = Status.PROCESSING
    withdrawal.provider_reference = result.provider_reference
    withdrawal.payout_checked_at = timezone.now()
    withdrawal.save(update_fields=["status", "provider_reference", "payout_checked_at"])
    return str(withdrawal.status)


# Held because the key may be forgotten: finance looked in the gateway's dashboard and found no
# payout when they release it, so releasing starts the key's clock again.
KEY_TOO_OLD = "idempotency key too old"


def _key_too_old(withdrawal: Withdrawal) -> bool:
    since = withdrawal.payout_key_since
    limit = timedelta(hours=settings.PAYOUT_KEY_MAX_AGE_HOURS)
    return since is not None and timezone.now() - since > limit


def _hold_for_finance(withdrawal: Withdrawal, error: str) -> str:
    withdrawal.status = Status.HELD
    withdrawal.payout_error = error[:300]
    withdrawal.save(update_fields=["status", "payout_error"])
    return str(withdrawal.status)


def payouts_stuck(*, older_than: datetime, limit: int) -> list[int]:
    """Withdrawals *sending* since before ``older_than``: their task was lost or its worker
    died (or the gateway was down past its retries). The sweep sends them again."""
    return list(
        Withdrawal.objects.filter(status=Status.SENDING, sending_since__lte=older_than)
        .order_by("sending_since")
        .values_list("pk", flat=True)[:limit]
    )


# --- finance ----------------------------------------------------------------------------------


@records_refused_attempts
@atomic_with_retry
def withdrawal_hold(*, withdrawal_id: int, staff: User, reason: str) -> Withdrawal:
    """Stop a withdrawal not yet sent (requested or sending) until finance releases it.
    Idempotent; never one's own. One the gateway has taken (processing) cannot be held."""
    ensure_processor(staff)
    withdrawal = lock_withdrawal(withdrawal_id)
    ensure_staff_not_party(staff=staff, action=Action.HOLD_WITHDRAWAL, obj=withdrawal)
    if withdrawal.status == Status.HELD:
        return withdrawal
    ensure_transition(withdrawal, Status.HELD)
    withdrawal.status = Status.HELD
    withdrawal.hold_reason = " ".join(reason.split())[:300]
    withdrawal.save(update_fields=["status", "hold_reason"])
    audit_record(moderator=staff, action=Action.HOLD_WITHDRAWAL, target=withdrawal, reason=reason)
    return withdrawal


@records_refused_attempts
@atomic_with_retry
def withdrawal_release(*, withdrawal_id: int, staff: User) -> Withdrawal:
    """Let a held withdrawal go on: sent through the payout gateway now, or back in the queue
    of those finance pays by hand. Never one's own."""
    ensure_processor(staff)
    withdrawal = lock_withdrawal(withdrawal_id)
    ensure_staff_not_party(staff=staff, action=Action.RELEASE_WITHDRAWAL, obj=withdrawal)
    if withdrawal.status != Status.HELD:
        raise Conflict(_("Only a held withdrawal can be released."), code="invalid_state")
    withdrawal.hold_reason = ""
    if withdrawal.payout_error.startswith(KEY_TOO_OLD):
        withdrawal.payout_key_since = timezone.now()
    withdrawal.save(update_fields=["hold_reason", "payout_key_since"])
    _send_or_queue(withdrawal)
    audit_record(moderator=staff, action=Action.RELEASE_WITHDRAWAL, target=withdrawal)
    return withdrawal


@records_refused_attempts
@atomic_with_retry
def withdrawal_retry(*, withdrawal_id: int, staff: User) -> Withdrawal:
    """Send a withdrawal not yet taken by the gateway again now: one stuck sending, or one
    requested before the site had a payout gateway. The same idempotency key: never a second
    payout. Never one's own."""
    ensure_processor(staff)
    withdrawal = lock_withdrawal(withdrawal_id)
    ensure_staff_not_party(staff=staff, action=Action.RETRY_WITHDRAWAL, obj=withdrawal)
    if gateways.payout_gateway() is None:
        raise Conflict(_("There is no payout gateway: finance pays by hand."), code="no_gateway")
    if withdrawal.status not in (Status.SENDING, Status.REQUESTED):
        raise Conflict(
            _("Only a withdrawal waiting to be sent can be sent again."), code="invalid_state"
        )
    _send_or_queue(withdrawal)
    audit_record(moderator=staff, action=Action.RETRY_WITHDRAWAL, target=withdrawal)
    return withdrawal


def _send_or_queue(withdrawal: Withdrawal) -> None:
    if gateways.payout_gateway() is None and not withdrawal.went_to_gateway:
        ensure_transition(withdrawal, Status.REQUESTED)
        withdrawal.status = Status.REQUESTED
        withdrawal.save(update_fields=["status"])
        return
    if withdrawal.status != Status.SENDING:
        start_sending(withdrawal)
    from payments.tasks import withdrawal_send_payout

    enqueue_on_commit(withdrawal_send_payout, withdrawal.pk)
