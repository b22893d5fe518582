"""Notices that reach a phone: web push subscriptions, the WhatsApp opt-in, and the outbox of
their deliveries.

A notice (``Notification``) is written with its event; in the same transaction it gets one
``NoticeDelivery`` row per push subscription of its recipient (unless they muted that kind for
push) and one for WhatsApp (if they opted in and the kind is one of the urgent few). The rows
are the outbox: unique per (notice, subscription) and per (notice, WhatsApp), so a notice is
delivered at most once on each, whatever retries; a task sends each after commit, and a sweep
finds those whose task was lost (accounts.services.phone_notices).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.users import Notification, User


class PushSubscription(models.Model):
    """One browser's push subscription (the Push API's ``PushSubscription``): where to POST and
    the keys to encrypt for. The endpoint is a secret URL of the browser's push service."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    # The browser's P-256 public key and auth secret, base64url as the browser gives them.
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"push → {self.user}"


class WhatsAppContact(models.Model):
    """A person's opt-in to WhatsApp notices: their number (E.164, "+62812…") and when they
    agreed. WhatsApp's Business rules require that explicit opt-in before any template
    message; opting out deletes the row."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="whatsapp_contact")
    phone = models.CharField(max_length=16)
    consented_at = models.DateTimeField()
    # Set when WhatsApp said the number cannot receive messages (131026: not a WhatsApp user):
    # nothing more is sent to it until the person enters a number again.
    stopped_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("WhatsApp contact")
        verbose_name_plural = _("WhatsApp contacts")

    def __str__(self) -> str:
        return f"WhatsApp → {self.user}"


class NoticeDelivery(models.Model):
    """A notice's delivery on one channel (a push subscription, or WhatsApp): the outbox row."""

    class Channel(models.TextChoices):
        PUSH = "push", _("web push")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Status(models.TextChoices):
        PENDING = "pending", _("to send")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        # The push service said the subscription is gone (404/410), or WhatsApp said the
        # number is not on WhatsApp: nothing was delivered, and nothing more will be tried.
        UNDELIVERABLE = "undeliverable", _("undeliverable")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # The push subscription; a gone subscription takes its pending rows with it.
    subscription = models.ForeignKey(
        PushSubscription, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The provider's id of what it accepted (WhatsApp's message id), or its last refusal.
    provider_id = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("notice delivery")
        verbose_name_plural = _("notice deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "subscription"],
                condition=models.Q(channel="push"),
                name="delivery_once_per_push_subscription",
            ),
            models.UniqueConstraint(
                fields=["notification"],
                condition=models.Q(channel="whatsapp"),
                name="delivery_once_per_whatsapp_notice",
            ),
            models.CheckConstraint(
                condition=models.Q(channel="whatsapp", subscription__isnull=True)
                | models.Q(channel="push", subscription__isnull=False),
                name="delivery_push_has_subscription",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="delivery_outbox",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.notification_id}"
