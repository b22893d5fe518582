"""Invitations to bid: sent by the client, told to the freelancer once the gig is live."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from accounts.masking import text_of
from accounts.models import User
from accounts.selectors import user_is_suspended
from marketplace.errors import Conflict, DomainError
from marketplace.formatting import rupiah
from marketplace.ratelimit import rate_limit
from marketplace.transactions import atomic_with_retry
from projects import notices
from projects.models import Gig, GigInvitation
from projects.reputation.services import client_gigs_posted_refresh
from projects.services.gigs.guards import ensure_gig_shown, ensure_not_suspended, lock_own_gig


def _notify_invited(gig: Gig, invitations: list[GigInvitation]) -> None:
    """Tell invited freelancers about a gig once it is live (an invitation to a draft or a gig
    awaiting review waits until then). The key makes a second call send nothing."""
    for invitation in invitations:
        notices.notify(
            invitation.freelancer,
            notices.GIG_INVITED,
            subject=gig,
            link_args={"gig_id": gig.pk},
            gig=text_of(gig, "title"),
            client=gig.client.public_name,
            budget=rupiah(gig.budget),
        )


def went_live(gig: Gig) -> None:
    """What follows a gig going live (published straight away or approved): the invited are
    told, and the client's public record counts the gig at once, not after the nightly pass
    (their own first live gig would say "Gigs posted 0")."""
    _notify_invited(gig, list(gig.invitations.select_related("freelancer")))
    client_gigs_posted_refresh(user_id=gig.client_id)


@atomic_with_retry
def gig_invite(*, gig_id: int, actor: User, freelancer_username: str) -> GigInvitation:
    """Invite a freelancer to bid; inviting the same person again changes nothing.

    At most ``INVITATION_RATE`` invitations per client (each one notifies and e-mails
    someone). Staff accounts cannot be invited: they are not freelancers, and a stream of
    invitations is a way to reach them outside the moderation tools — they answer as an
    unknown username does, so the invitation form tells nobody who is staff."""
    rate_limit(
        "invitations",
        actor.pk,
        settings.INVITATION_RATE,
        ngettext_lazy(
            "You sent many invitations in a short time. Wait %(seconds)d second and try again.",
            "You sent many invitations in a short time. Wait %(seconds)d seconds and try again.",
            "seconds",
        ),
    )
    gig = lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    ensure_gig_shown(gig)
    if gig.status not in (Gig.Status.DRAFT, Gig.Status.PENDING_REVIEW, Gig.Status.OPEN):
        raise Conflict(
            _("Invitations are for gigs not yet awarded or closed."), code="invalid_state"
        )
    freelancer = User.objects.filter(
        username__iexact=freelancer_username, is_active=True, is_staff=False
    ).first()
    if freelancer is None:
        raise DomainError(
            _("No freelancer with that username."), fields={"freelancer": [_("Unknown username.")]}
        )
    if freelancer.pk == actor.pk:
        raise DomainError(
            _("You cannot invite yourself."), fields={"freelancer": [_("That is you.")]}
        )
    if user_is_suspended(user_id=freelancer.pk):
        # They could not bid (ensure_not_suspended): an invitation would only mislead both. Said
        # without the word "suspended": why is between them and the moderators.
        raise Conflict(
            _("%(name)s cannot take on work right now, so they cannot be invited.")
            % {"name": freelancer.public_name},
            code="freelancer_unavailable",
            fields={"freelancer": [_("Cannot be invited right now.")]},
        )
    invitation, created = GigInvitation.objects.get_or_create(gig=gig, freelancer=freelancer)
    if created and gig.status == Gig.Status.OPEN:
        _notify_invited(gig, [invitation])
    return invitation
