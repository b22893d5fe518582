"""In-app notices and their e-mails.

The notification row is the outbox: it is written in the event's own transaction, with
``email_status`` pending unless the recipient muted that kind or has no address. After commit
a task sends the e-mail (retrying transient failures with backoff); if that task's message is
lost — the broker was down at commit — ``notification_emails_pending`` finds the row for the
periodic sweep. Each row is e-mailed under its row lock and marked sent in the same
transaction, so two workers never both send it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Notification, User
from accounts.notice_links import notice_page_path
from marketplace.text import header_safe

logger = logging.getLogger(__name__)

EMAIL_MAX_ATTEMPTS = 5


def _email_status(recipient: User, kind: str) -> str:
    if not recipient.email or kind in (recipient.email_muted_kinds or []):
        return Notification.EmailStatus.SKIPPED
    return Notification.EmailStatus.PENDING


def notification_send(
    *, recipient_id: int, kind: str, key: str, title: str, body: str = "", link: str = ""
) -> Notification:
    """Record an in-app notice once per ``key``; sending the same key again changes nothing.

    Runs inside the caller's transaction, so a notice exists exactly when its event committed;
    its e-mail is sent after the commit.
    """
    from accounts.tasks import send_notification_email  # tasks import this module

    recipient = User.objects.only("email", "email_muted_kinds").get(pk=recipient_id)
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
    except IntegrityError:  # the same key inserted concurrently: the other one counts
        return Notification.objects.get(key=key)
    if created and notification.email_status == Notification.EmailStatus.PENDING:
        from marketplace.tasks import enqueue_on_commit

        enqueue_on_commit(send_notification_email, notification.pk)
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
        "settings_url": f"{settings.SITE_URL}/settings/#notices",
    }
    with translation.override(recipient.preferred_language):
        text = render_to_string("email/notice.txt", context)
        html = render_to_string("email/notice.html", context)
    message = EmailMultiAlternatives(
        # The title holds user text (a gig title): never let it break the header.
        subject=header_safe(f"[Garap] {notification.title}", limit=250),
        body=text,
        to=[recipient.email],
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send one pending notice's e-mail; True if this call sent it.

    A row already sent, skipped, or being sent by another worker is left alone. A failure to
    send raises (the task retries it) after counting the attempt; after ``EMAIL_MAX_ATTEMPTS``
    the row is marked failed and the sweep stops trying.
    """
    try:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(pk=notification_id, email_status=Notification.EmailStatus.PENDING)
                .first()
            )
            if notification is None:
                return False
            _render(notification).send(fail_silently=False)
            notification.email_status = Notification.EmailStatus.SENT
            notification.emailed_at = timezone.now()
            notification.email_attempts += 1
            notification.save(update_fields=["email_status", "emailed_at", "email_attempts"])
            return True
    except Exception:
        # One statement, on the row only while it is still pending: once this call's lock is
        # released another worker may have sent it, and a sent row must not turn pending again
        # (it would be e-mailed twice).
        Notification.objects.filter(
            pk=notification_id, email_status=Notification.EmailStatus.PENDING
        ).update(
            email_attempts=F("email_attempts") + 1,
            email_status=Case(
                When(
                    email_attempts__gte=EMAIL_MAX_ATTEMPTS - 1,
                    then=Value(Notification.EmailStatus.FAILED),
                ),
                default=Value(Notification.EmailStatus.PENDING),
            ),
        )
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
