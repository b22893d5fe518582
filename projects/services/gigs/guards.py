"""What every gig write shares: the gig's lock, and the checks that refuse a suspended user or a
hidden gig; recording contact details found in a gig's text; removing stored files."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_is_suspended
from marketplace.errors import Conflict, NotFound, PermissionDenied
from projects.models import ContactHit, Gig
from projects.services.contact import contact_hit_record


def lock_gig(gig_id: int) -> Gig:
    gig = Gig.objects.select_for_update(of=("self",), no_key=True).filter(pk=gig_id).first()
    if gig is None:
        raise NotFound(_("Gig not found."))
    return gig


def lock_own_gig(gig_id: int, actor: User) -> Gig:
    """The actor's gig, locked; anyone else's gig is NotFound (they may not know it exists)."""
    gig = lock_gig(gig_id)
    if gig.client_id != actor.pk:
        raise NotFound(_("Gig not found."))
    return gig


def ensure_not_suspended(user: User) -> None:
    """A suspended user takes no part in the marketplace: no gig, bid, invitation, file, message
    or review, no hiring, splitting or funding. What settles money already in escrow (approve,
    ask for a revision, cancel, dispute) stays open, so a suspension never traps the other
    party's money."""
    if user_is_suspended(user_id=user.pk):
        raise PermissionDenied(
            _("Your account is suspended, so you cannot do this now. Contact support."),
            code="suspended",
        )


def ensure_gig_shown(gig: Gig) -> None:
    """A hidden gig (a moderator removed it, or its client is suspended) is seen by its client
    only (``visible_gigs``), so nothing moves on it: no edit, invitation, file, shortlist or
    hire until it is shown again. Everyone else gets 404 for it, as on a read."""
    if gig.hidden_at is None:
        return
    if gig.hidden_reason == Gig.HiddenReason.REMOVED:
        message = _("A moderator removed this gig, so it cannot change or take a hire.")
    else:
        message = _("This gig is hidden while your account is suspended.")
    raise Conflict(message, code="gig_hidden")


def record_contact_hit(gig: Gig, kinds: list[str], *, author: User) -> None:
    # Records the hit, tells the client why and counts it towards an automatic report.
    contact_hit_record(
        author=author,
        source=ContactHit.Source.GIG,
        source_id=gig.pk,
        kinds=kinds,
        link=reverse("api:gig-detail", kwargs={"gig_id": gig.pk}),
    )


def delete_stored(files: list[FieldFile]) -> None:
    for file in files:
        if file.name:  # a stored file always has its name
            file.storage.delete(file.name)
