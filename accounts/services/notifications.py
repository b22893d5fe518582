"""In-app notices and their e-mails.

The notification row is the outbox: it is written in the event's own transaction, with
``email_status`` pending unless the recipient muted that kind or has no address. After commit
a task sends the e-mail (retrying transient failures with backoff); if that task's message is
lost — the broker was down at commit — ``notification_emails_pending`` finds the row for the
periodic sweep. Each row is e-mailed under its row lock and marked sent in the same
transaction, so two workers never both send it.

A crash between the send and that commit (the database or the worker dies) leaves a sent row
pending, and it is sent again. Two things make that harmless: every attempt is counted in a
transaction committed *before* the message leaves, so the row shows that a send may have
happened (and a row whose sender keeps dying still reaches ``EMAIL_MAX_ATTEMPTS``); and each
copy carries the same Message-ID, derived from the notice's unique key, so mail systems drop
the second copy as a duplicate of the first.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Notification, User
from accounts.notices.registry import email_preference_of, notice_page_path
from marketplace.text import header_safe

logger = logging.getLogger(__name__)

EMAIL_MAX_ATTEMPTS = 5


def _email_status(recipient: User, kind: str) -> str:
    # Muted by its preference: a kind covered by another's is muted with it.
    if not recipient.email or email_preference_of(kind) in (recipient.email_muted_kinds or []):
        return Notification.EmailStatus.SKIPPED
    return Notification.EmailStatus.PENDING


def notification_send(
    *, recipient_id: int, kind: str, key: str, title: str, body: str = "", link: str = ""
) -> Notification:
    """Record an in-app notice once per ``key``; sending the same key again changes nothing.

    Runs inside the caller's transaction, so a notice exists exactly when its event committed;
    its e-mail is sent after the commit.
    """
    from accounts.services.phone_notices import phone_deliveries_create
    from accounts.tasks import send_notice_delivery, send_notification_email  # they import us

    recipient = User.objects.only("email", "email_muted_kinds", "push_muted_kinds").get(
        pk=recipient_id
    )
    deliveries: list[int] = []
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                key=key,
                defaults={
                    "recipient_id": recipient_id,
                    "kind": kind,
                    "title": title[:200],
                    "body": body,
                    "link": link,
                    "email_status": _email_status(recipient, kind),
                },
            )
            if created:  # its push and WhatsApp outbox rows, with it or not at all
                deliveries = phone_deliveries_create(notification=notification, recipient=recipient)
    except IntegrityError:  # the same key inserted concurrently: the other one counts
        return Notification.objects.get(key=key)
    from marketplace.tasks import enqueue_on_commit

    if created and notification.email_status == Notification.EmailStatus.PENDING:
        enqueue_on_commit(send_notification_email, notification.pk)
    for delivery_id in deliveries:
        enqueue_on_commit(send_notice_delivery, delivery_id)
    return notification


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def _render(notification: Notification) -> EmailMultiAlternatives:
    recipient = notification.recipient
    context = {
        "name": recipient.public_name,
        "title": notification.title,
        "body": notification.body,
        # People open e-mails in a browser: the links lead to the pages, not the API.
        "url": f"{settings.SITE_URL}{notice_page_path(notification.link)}",
        "settings_url": f"{settings.SITE_URL}{reverse('settings-notifications')}",
    }
    with translation.override(recipient.preferred_language):
        text = render_to_string("email/notice.txt", context)
        html = render_to_string("email/notice.html", context)
    message = EmailMultiAlternatives(
        # The title holds user text (a gig title): never let it break the header.
        subject=header_safe(f"[Garap] {notification.title}", limit=250),
        body=text,
        to=[recipient.email],
        headers={"Message-ID": notification_message_id(notification)},
    )
    message.attach_alternative(html, "text/html")
    return message


def _message_id_domain() -> str:
    """The domain our Message-IDs end in: the sender address's, else the site's."""
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return sender.rpartition("@")[2] or urlsplit(settings.SITE_URL).hostname or "garap.local"


def notification_message_id(notification: Notification) -> str:
    """The Message-ID of a notice's e-mail: the same for every copy of one notice (a hash of
    its unique key), different for every other notice."""
    digest = hashlib.sha256(notification.key.encode()).hexdigest()[:40]
    return f"<notice.{digest}@{_message_id_domain()}>"


def _email_attempt_record(*, notification_id: int) -> bool:
    """Count one attempt at a pending row's e-mail, in a transaction of its own that commits
    before anything is sent; False (nothing counted) if the row is not pending any more, is
    being sent by another worker, or has used up its attempts (then it is marked failed:
    every earlier attempt died before it could say how it went)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
            .filter(pk=notification_id, email_status=Notification.EmailStatus.PENDING)
            .first()
        )
        if notification is None:
            return False
        if notification.email_attempts >= EMAIL_MAX_ATTEMPTS:
            notification.email_status = Notification.EmailStatus.FAILED
            notification.save(update_fields=["email_status"])
            return False
        notification.email_attempts += 1
        notification.save(update_fields=["email_attempts"])
        return True


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send one pending notice's e-mail; True if this call sent it.

    The attempt is counted and committed first; then the row is locked again, the e-mail sent
    and the row marked sent in one transaction. A row already sent, skipped, or being sent by
    another worker is left alone. A failure to send raises (the task retries it); the attempt
    that reaches ``EMAIL_MAX_ATTEMPTS`` marks the row failed, and the sweep stops trying.
    """
    if not _email_attempt_record(notification_id=notification_id):
        return False
    try:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
                .select_related("recipient")
                .filter(pk=notification_id, email_status=Notification.EmailStatus.PENDING)
                .first()
            )
            if notification is None:  # another worker took it in between
                return False
            _render(notification).send(fail_silently=False)
            notification.email_status = Notification.EmailStatus.SENT
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["email_status", "emailed_at"])
            return True
    except Exception:
        # One statement, on the row only while it is still pending: once this call's lock is
        # released another worker may have sent it, and a sent row must not turn failed.
        Notification.objects.filter(
            pk=notification_id,
            email_status=Notification.EmailStatus.PENDING,
            email_attempts__gte=EMAIL_MAX_ATTEMPTS,
        ).update(email_status=Notification.EmailStatus.FAILED)
        raise


def notification_emails_pending(*, older_than: datetime, limit: int) -> list[int]:
    """Pending e-mails whose task should have run by now (through the outbox index)."""
    return list(
        Notification.objects.filter(
            email_status=Notification.EmailStatus.PENDING, created_at__lte=older_than
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def notification_preferences_update(*, user: User, muted_kinds: list[str]) -> User:
    user.email_muted_kinds = sorted(set(muted_kinds))
    user.save(update_fields=["email_muted_kinds"])
    return user
