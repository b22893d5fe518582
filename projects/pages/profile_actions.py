"""What a person's public pages offer their viewer from the marketplace: on a freelancer's
profile, inviting them to a gig (or posting one to invite them to); on any person's page,
reporting the profile. Registered with ``accounts.profile_sections`` at start-up."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.profile_sections import AS_FREELANCER, ProfileAction
from projects.pages.gigs.inviting import post_and_invite_url
from projects.selectors.gigs import gig_list_invitable


def profile_actions(*, viewer: Any, person: Any, role: str) -> list[ProfileAction]:
    """Nothing on one's own page. A visitor is offered the invitation too: its page asks them
    to log in first, then brings them back."""
    signed_in = viewer is not None and viewer.is_authenticated
    if signed_in and viewer.pk == person.pk:
        return []
    actions = []
    if role == AS_FREELANCER:
        if not signed_in or gig_list_invitable(client=viewer).exists():
            url = reverse("freelancer-invite", args=[person.username])
            actions.append(ProfileAction(_("Invite to a gig"), url, primary=True))
        else:
            url = post_and_invite_url(person.username)
            actions.append(ProfileAction(_("Post a gig and invite them"), url, primary=True))
    if signed_in:
        url = reverse("report-profile", args=[person.username])
        actions.append(ProfileAction(_("Report this profile"), url))
    return actions
