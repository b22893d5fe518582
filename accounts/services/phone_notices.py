"""Notices on phones: push subscriptions, the WhatsApp opt-in, and the outbox that delivers
each notice once per push subscription and once on WhatsApp.

The outbox works as the e-mail one (accounts.services.notifications): the delivery rows are
written with the notice, in its event's transaction; after commit a task per row sends it,
retrying transient failures, and a sweep finds rows whose task was lost. Every attempt is
counted in a transaction committed before anything leaves, then the row is locked again, sent
and marked sent in one transaction, so two workers never both send it and a row whose sender
keeps dying still reaches ``DELIVERY_MAX_ATTEMPTS``. A crash between the send and that commit
may send it again; the copy carries the same tag (push: the browser replaces the first
notification with it; the push service's Topic) — WhatsApp has no such key, and the row's
``attempts`` shows that it may have gone out.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NoticeDelivery, Notification, PushSubscription, User, WhatsAppContact
from accounts.notices.registry import (
    email_preference_of,
    kind_named,
    notice_page_path,
    whatsapp_kinds,
)
from accounts.phone_channels import Undeliverable, push_endpoint_allowed, push_send, whatsapp_send
from marketplace.errors import DomainError

logger = logging.getLogger(__name__)

DELIVERY_MAX_ATTEMPTS = 5
E164 = re.compile(r"^\+[1-9]\d{7,14}$")


# --- subscriptions and the opt-in -----------------------------------------------------------


def push_subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Record (or refresh) this browser's subscription for ``user``.

    An endpoint belongs to one browser: if someone else was signed in on it before, it is
    theirs no more, so their notices stop going to a phone now in other hands.
    """
    if not settings.WEB_PUSH_ENABLED:
        raise DomainError(_("Phone notifications are not switched on here."), code="push_disabled")
    if not push_endpoint_allowed(endpoint):
        raise DomainError(
            "This is not the address of a known push service.",
            code="push_endpoint_refused",
            fields={"endpoint": ["This is not the address of a known push service."]},
        )
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )
    return subscription


def push_subscription_delete(*, user: User, endpoint: str) -> bool:
    """Forget ``user``'s subscription at ``endpoint``; False if they had none there."""
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return bool(deleted)


def push_preferences_update(*, user: User, muted_kinds: list[str]) -> User:
    user.push_muted_kinds = sorted(set(muted_kinds))
    user.save(update_fields=["push_muted_kinds"])
    return user


def whatsapp_opt_in(*, user: User, phone: str) -> WhatsAppContact:
    """Send the urgent notices to ``phone`` (E.164) on WhatsApp; the person ticked the consent
    box. A new number starts afresh (a number WhatsApp refused before is tried again)."""
    phone = re.sub(r"[\s\-().]", "", phone)
    if phone.startswith("08"):  # an Indonesian mobile as people write it
        phone = "+62" + phone[1:]
    if not E164.match(phone):
        message = _("Enter the number with its country code, e.g. +62 812 3456 7890.")
        raise DomainError(message, code="invalid_phone", fields={"phone": [message]})
    contact, _created = WhatsAppContact.objects.update_or_create(
        user=user,
        defaults={
            "phone": phone,
            "consented_at": timezone.now(),
            "stopped_at": None,
            "stop_reason": "",
        },
    )
    return contact


def whatsapp_opt_out(*, user: User) -> None:
    """No more WhatsApp notices; the ones still waiting are not sent."""
    with transaction.atomic():
        WhatsAppContact.objects.filter(user=user).delete()
        NoticeDelivery.objects.filter(
            notification__recipient=user,
            channel=NoticeDelivery.Channel.WHATSAPP,
            status=NoticeDelivery.Status.PENDING,
        ).update(status=NoticeDelivery.Status.UNDELIVERABLE, error="opted out")


# --- the outbox -----------------------------------------------------------------------------


def phone_deliveries_create(*, notification: Notification, recipient: User) -> list[int]:
    """The delivery rows of a new notice, in its transaction (``notification_send``): one per
    push subscription unless the kind is muted for push, one on WhatsApp if the kind has a
    template and the recipient opted in. Nothing is queried when both channels are off."""
    rows: list[NoticeDelivery] = []
    preference = email_preference_of(notification.kind)
    if settings.WEB_PUSH_ENABLED and preference not in (recipient.push_muted_kinds or []):
        rows += [
            NoticeDelivery(
                notification=notification,
                channel=NoticeDelivery.Channel.PUSH,
                subscription_id=pk,
            )
            for pk in PushSubscription.objects.filter(user_id=recipient.pk).values_list(
                "pk", flat=True
            )
        ]
    if settings.WHATSAPP_ENABLED and notification.kind in {k.code for k in whatsapp_kinds()}:
        opted_in = WhatsAppContact.objects.filter(
            user_id=recipient.pk, stopped_at__isnull=True
        ).exists()
        if opted_in:
            rows.append(
                NoticeDelivery(notification=notification, channel=NoticeDelivery.Channel.WHATSAPP)
            )
    if not rows:
        return []
    return [row.pk for row in NoticeDelivery.objects.bulk_create(rows)]


def notice_tag(notification: Notification) -> str:
    """The same for every copy of one notice (a hash of its unique key): the push Topic and
    the browser notification's tag, so a second copy replaces the first."""
    return hashlib.sha256(notification.key.encode()).hexdigest()[:32]


def _push_payload(notification: Notification) -> dict[str, str]:
    return {
        "title": notification.title,
        # A push message holds at most about 4 KB once encrypted.
        "body": notification.body[:600],
        "url": notice_page_path(notification.link),
        "tag": notice_tag(notification),
    }


def _attempt_record(*, delivery_id: int) -> bool:
    """Count one attempt at a pending row, committed before anything is sent; False if the row
    is not pending, is being sent by another worker, or has used up its attempts (then it is
    marked failed)."""
    with transaction.atomic():
        delivery = (
            NoticeDelivery.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
            .filter(pk=delivery_id, status=NoticeDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return False
        if delivery.attempts >= DELIVERY_MAX_ATTEMPTS:
            delivery.status = NoticeDelivery.Status.FAILED
            delivery.save(update_fields=["status"])
            return False
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
        return True


def _send(delivery: NoticeDelivery) -> str:
    notification = delivery.notification
    if delivery.channel == NoticeDelivery.Channel.PUSH:
        subscription = delivery.subscription
        assert subscription is not None  # noqa: S101 - the check constraint holds it
        return push_send(
            endpoint=subscription.endpoint,
            p256dh=subscription.p256dh,
            auth=subscription.auth,
            payload=_push_payload(notification),
            topic=notice_tag(notification),
        )
    recipient = notification.recipient
    contact = WhatsAppContact.objects.filter(user_id=recipient.pk, stopped_at__isnull=True).first()
    if contact is None:
        raise Undeliverable("opted out, or the number cannot receive WhatsApp messages")
    return whatsapp_send(
        phone=contact.phone,
        template=kind_named(notification.kind).whatsapp_template,
        language=recipient.preferred_language,
        parameters=[
            notification.title,
            f"{settings.SITE_URL}{notice_page_path(notification.link)}",
        ],
    )


def _undeliverable(delivery_id: int, reason: str) -> None:
    """The provider said the target is gone: a push subscription is deleted (its rows with
    it); a WhatsApp number is stopped, and its other waiting rows are not sent."""
    delivery = NoticeDelivery.objects.select_related("notification").filter(pk=delivery_id).first()
    if delivery is None:
        return
    with transaction.atomic():
        if delivery.subscription_id is not None:  # a push subscription
            PushSubscription.objects.filter(pk=delivery.subscription_id).delete()
            return
        recipient_id = delivery.notification.recipient_id
        WhatsAppContact.objects.filter(user_id=recipient_id, stopped_at__isnull=True).update(
            stopped_at=timezone.now(), stop_reason=reason[:200]
        )
        NoticeDelivery.objects.filter(
            notification__recipient_id=recipient_id,
            channel=NoticeDelivery.Channel.WHATSAPP,
            status=NoticeDelivery.Status.PENDING,
        ).update(status=NoticeDelivery.Status.UNDELIVERABLE, error=reason[:200])


def notice_delivery_send(*, delivery_id: int) -> bool:
    """Deliver one pending row; True if this call delivered it.

    An undeliverable target ends the row (and, for push, its subscription) without a retry;
    any other failure raises (the task retries it) and the attempt that reaches
    ``DELIVERY_MAX_ATTEMPTS`` marks the row failed.
    """
    if not _attempt_record(delivery_id=delivery_id):
        return False
    try:
        with transaction.atomic():
            delivery = (
                NoticeDelivery.objects.select_for_update(
                    skip_locked=True, of=("self",), no_key=True
                )
                .select_related("notification__recipient", "subscription")
                .filter(pk=delivery_id, status=NoticeDelivery.Status.PENDING)
                .first()
            )
            if delivery is None:  # another worker took it in between
                return False
            provider_id = _send(delivery)
            delivery.status = NoticeDelivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.provider_id = provider_id
            delivery.error = ""
            delivery.save(update_fields=["status", "sent_at", "provider_id", "error"])
            if delivery.subscription_id:
                PushSubscription.objects.filter(pk=delivery.subscription_id).update(
                    last_success_at=delivery.sent_at
                )
            return True
    except Undeliverable as exc:
        logger.info("notice delivery %s undeliverable: %s", delivery_id, exc)
        _undeliverable(delivery_id, str(exc))
        return False
    except Exception as exc:
        # Only while still pending: once this call's lock is released another worker may have
        # sent it, and a sent row must not turn failed.
        NoticeDelivery.objects.filter(pk=delivery_id, status=NoticeDelivery.Status.PENDING).update(
            error=str(exc)[:200]
        )
        NoticeDelivery.objects.filter(
            pk=delivery_id,
            status=NoticeDelivery.Status.PENDING,
            attempts__gte=DELIVERY_MAX_ATTEMPTS,
        ).update(status=NoticeDelivery.Status.FAILED)
        raise


def notice_deliveries_pending(*, older_than: datetime, limit: int) -> list[int]:
    """Pending deliveries whose task should have run by now (through the outbox index)."""
    return list(
        NoticeDelivery.objects.filter(
            status=NoticeDelivery.Status.PENDING, created_at__lte=older_than
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
