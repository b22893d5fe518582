"""What a viewer of a gig may read beyond its public text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projects.access import is_moderator
from projects.models import Gig

if TYPE_CHECKING:
    from accounts.requests import Viewer


def is_gig_client(gig: Gig, viewer: Viewer) -> bool:
    return viewer is not None and viewer.is_authenticated and gig.client_id == viewer.pk


def rejection_reason_shown(gig: Gig, viewer: Viewer) -> str:
    """The moderator's reason for rejecting the gig, as ``viewer`` may read it: written to the
    gig's client, and read by them and by the moderators who judge the gig (as its content
    flags are); "" for anyone else."""
    if is_gig_client(gig, viewer) or is_moderator(viewer):
        return gig.rejection_reason
    return ""


def content_flags_shown(gig: Gig, viewer: Viewer) -> list[str]:
    """What the content filter found in the gig (contact details, prohibited work): its client
    and moderators read it; [] for anyone else."""
    if is_gig_client(gig, viewer) or is_moderator(viewer):
        return list(gig.content_flags)
    return []
