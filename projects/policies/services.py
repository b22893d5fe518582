"""What a viewer of a service may read beyond its public text, and what its freelancer may do
with it now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from marketplace.state import can_transition
from projects.access import is_moderator
from projects.models import Service

if TYPE_CHECKING:
    from accounts.requests import Viewer


def is_service_freelancer(service: Service, viewer: Viewer) -> bool:
    return viewer is not None and viewer.is_authenticated and service.freelancer_id == viewer.pk


def rejection_reason_shown(service: Service, viewer: Viewer) -> str:
    """The moderator's reason for rejecting the service: its freelancer and moderators read
    it; "" for anyone else."""
    if is_service_freelancer(service, viewer) or is_moderator(viewer):
        return service.rejection_reason
    return ""


def content_flags_shown(service: Service, viewer: Viewer) -> list[str]:
    """What the content filter found in the service: its freelancer and moderators read it."""
    if is_service_freelancer(service, viewer) or is_moderator(viewer):
        return list(service.content_flags)
    return []


def service_actions(service: Service, viewer: Viewer) -> list[str]:
    """The lifecycle actions the viewer may take on the service now (the API lists them, so a
    button is offered exactly when the service would accept it); [] for anyone but its
    freelancer. Whether the freelancer is suspended is the services' check, made on the act."""
    if not is_service_freelancer(service, viewer):
        return []
    S = Service.Status
    actions = []
    if service.status == S.DRAFT:
        actions.append("submit")
    if service.status == S.LIVE:
        actions.append("pause")
    if service.status == S.PAUSED and can_transition(service, S.LIVE):
        actions.append("resume")
    if can_transition(service, S.ARCHIVED):
        actions.append("archive")
    return actions
