"""A freelancer sends their service out, pauses it, resumes it or archives it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.errors import Conflict
from marketplace.state import ensure_transition
from marketplace.transactions import atomic_with_retry
from projects.models import Service
from projects.services.catalogue.guards import (
    ensure_service_shown,
    lock_own_service,
    publish_or_queue,
)
from projects.services.catalogue.writing import ensure_publishable
from projects.services.gigs.guards import ensure_not_suspended


@atomic_with_retry
def service_submit(*, service_id: int, actor: User) -> Service:
    """Publish a draft: live at once, or to a moderator first (``GIG_MODERATION``, as gigs).
    Needs at least one package, each at least the category's minimum price."""
    service = lock_own_service(service_id, actor)
    ensure_not_suspended(actor)
    ensure_service_shown(service)
    if service.status != Service.Status.DRAFT:
        raise Conflict(_("Only a draft can be submitted."), code="invalid_state")
    ensure_publishable(service, list(service.packages.all()))
    publish_or_queue(service)
    return service


def _move(service: Service, target: str) -> Service:
    ensure_transition(service, target)
    service.status = target
    service.save(update_fields=["status", "updated_at"])
    return service


@atomic_with_retry
def service_pause(*, service_id: int, actor: User) -> Service:
    """Take a live service out of the catalogue for a while (a repeat is a no-op). Open to a
    suspended freelancer too: it only takes something down."""
    service = lock_own_service(service_id, actor)
    if service.status == Service.Status.PAUSED:
        return service
    return _move(service, Service.Status.PAUSED)


@atomic_with_retry
def service_resume(*, service_id: int, actor: User) -> Service:
    """Put a paused service back in the catalogue (a repeat is a no-op). Its text was approved
    or passed the filter: an edit the filter flags sends a paused service to review instead."""
    service = lock_own_service(service_id, actor)
    if service.status == Service.Status.LIVE:
        return service
    ensure_not_suspended(actor)
    ensure_service_shown(service)
    return _move(service, Service.Status.LIVE)


@atomic_with_retry
def service_archive(*, service_id: int, actor: User) -> Service:
    """Retire a service for good, from any state (a repeat is a no-op). Open to a suspended
    freelancer too."""
    service = lock_own_service(service_id, actor)
    if service.status == Service.Status.ARCHIVED:
        return service
    return _move(service, Service.Status.ARCHIVED)
