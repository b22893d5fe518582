"""What a viewer of a gig may read beyond its public text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from marketplace.errors import Conflict
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


# A gig is edited only before anyone relies on its terms: not yet awarded or closed, no live bid.
EDITABLE_STATUSES = (Gig.Status.DRAFT, Gig.Status.PENDING_REVIEW, Gig.Status.OPEN)


def gig_edit_refusal(gig: Gig, *, has_live_bids: bool) -> Conflict | None:
    """Why the gig's client may not edit it now, or None when they may. ``gig_update`` raises
    it; the gig page offers its edit link only when this is None, and the edit page says it."""
    if gig.status not in EDITABLE_STATUSES:
        return Conflict(_("Only a draft, pending or open gig can be edited."), code="invalid_state")
    if has_live_bids:
        return Conflict(
            _("This gig has bids, so it can no longer be edited. Cancel it and post a new one."),
            code="has_bids",
        )
    return None
