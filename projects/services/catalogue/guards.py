"""What every service write shares: the service's lock, the moderation rule that decides
whether it goes live at once, and recording contact details found in its texts."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.errors import Conflict, NotFound
from marketplace.state import ensure_transition
from projects.models import ContactHit, Service
from projects.services.contact import contact_hit_record


def lock_service(service_id: int) -> Service:
    service = (
        Service.objects.select_for_update(of=("self",), no_key=True).filter(pk=service_id).first()
    )
    if service is None:
        raise NotFound(_("Service not found."))
    return service


def lock_own_service(service_id: int, actor: User) -> Service:
    """The actor's service, locked; anyone else's is NotFound (they may not know it exists)."""
    service = lock_service(service_id)
    if service.freelancer_id != actor.pk:
        raise NotFound(_("Service not found."))
    return service


def ensure_service_shown(service: Service) -> None:
    """A service a moderator removed after a report is seen by its freelancer and moderators
    only, and stays out of the catalogue: no edit, submit or resume brings it back. (One hidden
    while its freelancer is suspended is refused by the suspension itself.)"""
    if service.hidden_reason == Service.HiddenReason.REMOVED:
        raise Conflict(
            _("A moderator removed this service, so it cannot change or go live."),
            code="service_hidden",
        )


def needs_review(service: Service) -> bool:
    """The gigs' moderation rule (``GIG_MODERATION``), for services: all, none, or (the
    default) a freelancer's first service and anything the content filter flagged."""
    mode = settings.GIG_MODERATION
    if mode == "off":
        return False
    if mode == "all" or service.content_flags:
        return True
    return not Service.objects.filter(
        freelancer_id=service.freelancer_id, published_at__isnull=False
    ).exists()


def publish_or_queue(service: Service) -> None:
    """Send the locked service live, or to the moderators first (``needs_review``)."""
    if needs_review(service):
        ensure_transition(service, Service.Status.PENDING_REVIEW)
        service.status = Service.Status.PENDING_REVIEW
    else:
        ensure_transition(service, Service.Status.LIVE)
        service.status = Service.Status.LIVE
        service.published_at = timezone.now()
    service.save(update_fields=["status", "published_at", "updated_at"])


def record_contact_hit(service: Service, kinds: list[str], *, author: User) -> None:
    # Records the hit, tells the freelancer why and counts it towards an automatic report.
    contact_hit_record(
        author=author,
        source=ContactHit.Source.SERVICE,
        source_id=service.pk,
        kinds=kinds,
        link=reverse("api:service-detail", kwargs={"service_id": service.pk}),
    )
