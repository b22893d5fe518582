"""E-mail delivery of notices and the cleaning of portfolio images: a task per notice or image,
and a sweep for any whose task was lost."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from accounts.phone_channels import DeliveryFailed
from accounts.services import notification_email_deliver, notification_emails_pending
from accounts.services.account_emails import account_email_deliver
from accounts.services.phone_notices import notice_deliveries_pending, notice_delivery_send
from accounts.services.portfolio import portfolio_image_process, portfolio_images_stuck
from marketplace.errors import InsufficientStorage
from marketplace.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

# Worth retrying: the mail server was unreachable or busy. Anything else (a template error) is
# a bug that a retry would only repeat.
TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@shared_task(
    name="accounts.tasks.send_notification_email",
    autoretry_for=TRANSIENT,
    retry_backoff=5,  # 5 s, 10 s, 20 s, … with jitter
    retry_backoff_max=600,
    max_retries=4,
)
def send_notification_email(notification_id: int) -> bool:
    return notification_email_deliver(notification_id=notification_id)


@shared_task(name="accounts.tasks.deliver_pending_emails")
def deliver_pending_emails() -> int:
    """Send e-mails whose task never ran (lost with a broker that was down), a bounded batch.

    Rows younger than a minute are left to their own task.
    """
    older_than = timezone.now() - timedelta(seconds=60)
    sent = 0
    for pk in notification_emails_pending(older_than=older_than, limit=settings.TIMER_BATCH_SIZE):
        try:
            sent += notification_email_deliver(notification_id=pk)
        except Exception:  # one broken row must not stall the rest
            # The attempt is counted; after EMAIL_MAX_ATTEMPTS the row is marked failed.
            logger.warning("e-mail for notice %s failed; will retry", pk, exc_info=True)
    return sent


@shared_task(
    name="accounts.tasks.process_portfolio_image",
    # A full disk or a storage hiccup passes; the image stays processing meanwhile (and the
    # sweep below tries again after the retries).
    autoretry_for=(InsufficientStorage, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def process_portfolio_image(image_id: int) -> str | None:
    image = portfolio_image_process(image_id=image_id)
    return image.status if image else None


@shared_task(name="accounts.tasks.sweep_processing_images")
def sweep_processing_images() -> int:
    """Hand images whose processing task was lost back to a worker, a bounded batch."""
    older_than = timezone.now() - timedelta(seconds=settings.IMAGE_PROCESSING_RETRY_SECONDS)
    stuck = portfolio_images_stuck(older_than=older_than, limit=settings.TIMER_BATCH_SIZE)
    for pk in stuck:
        enqueue_on_commit(process_portfolio_image, pk)
    return len(stuck)


@shared_task(
    name="accounts.tasks.send_account_email",
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=4,
)
def send_account_email(kind: str, user_id: int) -> bool:
    """A password-reset, verification or sign-up-attempt e-mail (services.account_emails)."""
    return account_email_deliver(kind=kind, user_id=user_id)


@shared_task(
    name="accounts.tasks.send_notice_delivery",
    # A push service or WhatsApp that was down, busy (5xx, 429) or refused for a reason that
    # may pass; an undeliverable target is not raised (the row ends without a retry).
    autoretry_for=(DeliveryFailed, ConnectionError, TimeoutError, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=4,
)
def send_notice_delivery(delivery_id: int) -> bool:
    """A notice's web push to one subscription, or its WhatsApp message."""
    return notice_delivery_send(delivery_id=delivery_id)


@shared_task(name="accounts.tasks.deliver_pending_phone_notices")
def deliver_pending_phone_notices() -> int:
    """Send push and WhatsApp notices whose task never ran or gave up early, a bounded batch;
    rows younger than a minute are left to their own task."""
    older_than = timezone.now() - timedelta(seconds=60)
    sent = 0
    for pk in notice_deliveries_pending(older_than=older_than, limit=settings.TIMER_BATCH_SIZE):
        try:
            sent += notice_delivery_send(delivery_id=pk)
        except Exception:  # one broken row must not stall the rest
            logger.warning("phone notice delivery %s failed; will retry", pk, exc_info=True)
    return sent
