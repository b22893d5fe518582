"""A moderator approves or rejects a service waiting for review (never their own)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ModeratorAction, User
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import Conflict, DomainError
from marketplace.state import ensure_transition
from marketplace.transactions import atomic_with_retry
from projects.access import ensure_staff_permission
from projects.models import Service
from projects.services.catalogue.guards import lock_service

Action = ModeratorAction.Action
PERMISSION = "projects.moderate_service"


@records_refused_attempts
@atomic_with_retry
def service_approve(*, service_id: int, moderator: User) -> Service:
    """Publish a service waiting for review (a repeat is a no-op; ``StaffIsParty`` for one's
    own)."""
    ensure_staff_permission(moderator, PERMISSION)
    service = lock_service(service_id)
    ensure_staff_not_party(staff=moderator, action=Action.APPROVE_SERVICE, obj=service)
    if service.status == Service.Status.LIVE:
        return service
    # The table lets a draft go live (the freelancer's own submit); a moderator approves only
    # what was submitted for review.
    if service.status != Service.Status.PENDING_REVIEW:
        raise Conflict(_("Only a service pending review can be approved."), code="invalid_state")
    ensure_transition(service, Service.Status.LIVE)
    service.status = Service.Status.LIVE
    service.published_at = service.published_at or timezone.now()
    service.rejection_reason = ""
    service.save(update_fields=["status", "published_at", "rejection_reason", "updated_at"])
    audit_record(moderator=moderator, action=Action.APPROVE_SERVICE, target=service)
    return service


@records_refused_attempts
@atomic_with_retry
def service_reject(*, service_id: int, moderator: User, reason: str) -> Service:
    """Turn a service down with a reason the freelancer reads; they may edit it (a draft again)
    and submit it anew."""
    ensure_staff_permission(moderator, PERMISSION)
    if not reason.strip():
        raise DomainError(_("Give the freelancer a reason."), fields={"reason": [_("Required.")]})
    service = lock_service(service_id)
    ensure_staff_not_party(staff=moderator, action=Action.REJECT_SERVICE, obj=service)
    if service.status == Service.Status.REJECTED:
        return service
    ensure_transition(service, Service.Status.REJECTED)
    service.status = Service.Status.REJECTED
    service.rejection_reason = reason.strip()
    service.save(update_fields=["status", "rejection_reason", "updated_at"])
    audit_record(
        moderator=moderator,
        action=Action.REJECT_SERVICE,
        target=service,
        reason=service.rejection_reason,
    )
    return service
