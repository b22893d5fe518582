"""Payments' Celery tasks."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from marketplace.locking import LockWaitTimeout, bounded_lock_wait
from payments import gateways
from payments.gateways.base import GatewayUnavailable
from payments.gateways.sandbox import SIGNATURE_HEADER, sign, webhook_body

logger = logging.getLogger(__name__)


@shared_task(
    name="payments.deliver_sandbox_webhook",
    autoretry_for=(urllib.error.URLError, ConnectionError, TimeoutError),
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=8,
)
def deliver_sandbox_webhook(reference: str, status: str, amount: int) -> int:
    """Be the sandbox gateway's server: POST its signed webhook to our endpoint over HTTP,
    retrying while our site is unreachable, exactly as a real gateway would. Nothing once the
    sandbox is not the gateway any more."""
    if not gateways.sandbox_enabled():
        return 404
    body = webhook_body(reference=reference, status=status, amount=amount)
    url = settings.SITE_URL.rstrip("/") + reverse(
        "api:payment-webhook", kwargs={"provider": "sandbox"}
    )
    request = urllib.request.Request(  # noqa: S310 - our own URL
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(body)},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - our URL
            return int(response.status)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500:
            raise  # our side failed: retry
        return exc.code  # a 4xx will not get better by retrying


@shared_task(name="payments.redeliver_sandbox_webhooks")
def redeliver_sandbox_webhooks() -> int:
    """The sandbox gateway's retry schedule: checkouts paid (or failed) over a minute ago and
    still unconfirmed get their webhook again — a bounded batch, sent from here."""
    from payments.services.deposits import sandbox_unconfirmed

    if not gateways.sandbox_enabled():
        return 0
    sent = 0
    older_than = timezone.now() - timedelta(seconds=60)
    for deposit in sandbox_unconfirmed(older_than=older_than, limit=settings.TIMER_BATCH_SIZE):
        try:
            deliver_sandbox_webhook(deposit.reference, deposit.gateway_outcome, deposit.amount)
            sent += 1
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            logger.warning("sandbox webhook for %s not delivered; next run", deposit.reference)
            break  # our site is unreachable: no point trying the rest now
    return sent


@shared_task(name="payments.resend_pending_refunds")
def resend_pending_refunds() -> int:
    """Refunds whose gateway did not answer, a few minutes old, are sent again under their own
    key (the gateway treats it as the same refund): how many were closed."""
    from payments.services.refunds import deposit_refunds_resend_pending

    older_than = timezone.now() - timedelta(minutes=5)
    return deposit_refunds_resend_pending(older_than=older_than, limit=settings.TIMER_BATCH_SIZE)


@shared_task(name="payments.expire_identity_images")
def expire_identity_images() -> int:
    """Delete the KTP photos and selfies kept past ``KYC_IMAGE_RETENTION_DAYS`` after their
    check was decided, batch by batch until a batch deletes nothing (a check held elsewhere
    waits for the next run). Safe to run twice."""
    from payments.services.identity import identity_images_expire

    total, now = 0, timezone.now()
    while done := identity_images_expire(now=now):
        total += done
    return total


@shared_task(
    name="payments.withdrawal_send_payout",
    autoretry_for=(GatewayUnavailable,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=8,
)
def withdrawal_send_payout(withdrawal_id: int) -> str:
    """Hand a withdrawal to the payout gateway (``payments.services.payouts.payout_send``),
    retried with a growing pause while the gateway is down; past the retries the sweep picks it
    up. Safe to run twice: the row lock, the state check and the idempotency key."""
    from payments.services.payouts import payout_send

    return payout_send(withdrawal_id=withdrawal_id)


@shared_task(name="payments.resend_stuck_payouts")
def resend_stuck_payouts() -> int:
    """Withdrawals left *sending* longer than ``PAYOUT_RESEND_AFTER_SECONDS`` (their task was
    lost, or its worker died mid-call) are sent again, a bounded batch; how many were sent. One
    whose row is locked elsewhere is passed, not waited for (it is being handled; the next run
    looks again). The gateway down: stop, the next run tries again."""
    from payments.services.payouts import BUSY, payout_send, payouts_stuck

    if gateways.payout_gateway() is None:
        return 0
    older_than = timezone.now() - timedelta(seconds=settings.PAYOUT_RESEND_AFTER_SECONDS)
    sent = 0
    for withdrawal_id in payouts_stuck(older_than=older_than, limit=settings.TIMER_BATCH_SIZE):
        try:
            if payout_send(withdrawal_id=withdrawal_id, skip_locked=True) == BUSY:
                continue
        except GatewayUnavailable:
            logger.warning("payout gateway down; stuck payouts wait for the next run")
            break
        sent += 1
    return sent


@shared_task(name="payments.confirm_unsettled_payouts")
def confirm_unsettled_payouts() -> int:
    """Withdrawals the payout gateway has had longer than ``PAYOUT_CONFIRM_AFTER_SECONDS``
    with no callback (lost, or never sent) are read back from the gateway and settled as its
    webhook would, a bounded batch; how many were asked about. The gateway down: stop, the
    next run asks again. A withdrawal whose locks (its row, the ledger accounts) are not had in
    ``TIMER_LOCK_TIMEOUT_SECONDS`` is left for the next run: the sweep's worker is not stalled
    behind a transaction that holds them."""
    from payments.services.payout_outcomes import payout_check, payouts_unconfirmed

    if gateways.payout_gateway() is None:
        return 0
    older_than = timezone.now() - timedelta(seconds=settings.PAYOUT_CONFIRM_AFTER_SECONDS)
    asked = 0
    for withdrawal_id in payouts_unconfirmed(
        older_than=older_than, limit=settings.TIMER_BATCH_SIZE
    ):
        try:
            with bounded_lock_wait(settings.TIMER_LOCK_TIMEOUT_SECONDS):
                payout_check(withdrawal_id=withdrawal_id)
        except GatewayUnavailable:
            logger.warning("payout gateway down; unconfirmed payouts wait for the next run")
            break
        except LockWaitTimeout:
            logger.warning("withdrawal %s is held elsewhere; asked about next run", withdrawal_id)
            continue
        asked += 1
    return asked
