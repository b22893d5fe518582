"""What a person's public pages (``accounts.pages.profiles``) show from the apps above accounts.

A freelancer's profile and a client's record list the reviews the person received, and offer
the viewer what they can do about the person (invite them to a gig, report the profile);
reviews, gigs and reports live in projects, which registers their readers here at start-up
(``ProjectsConfig.ready``): accounts imports no app above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

# Whose reviews: of the person as a freelancer, or as a client.
AS_FREELANCER, AS_CLIENT = "freelancer", "client"

# (username=, role=) -> the person's public reviews in that role; NotFound for an unknown user.
ReviewList = Callable[..., QuerySet]
_review_lists: list[ReviewList] = []


def show_reviews(review_list: ReviewList) -> None:
    """Set the reader of a person's public reviews; the last registration wins."""
    _review_lists[:] = [review_list]


def reviews_of(*, username: str, role: str) -> QuerySet:
    if not _review_lists:
        raise ImproperlyConfigured("Nothing registered the reviews profiles show (projects does).")
    return _review_lists[0](username=username, role=role)


@dataclass(frozen=True)
class ProfileAction:
    """A link a person's page offers its viewer: what it says and where it leads."""

    label: str
    url: str
    primary: bool = False  # the page's main call (a button), or a quiet link


# (viewer=, person=, role=) -> the actions the viewer is offered on the person's page.
ActionList = Callable[..., list[ProfileAction]]
_action_lists: list[ActionList] = []


def offer_actions(action_list: ActionList) -> None:
    """Set what a person's pages offer their viewer; the last registration wins."""
    _action_lists[:] = [action_list]


def actions_for(*, viewer: Any, person: Any, role: str) -> list[ProfileAction]:
    """What ``viewer`` is offered on ``person``'s page in ``role`` (none when nothing above
    accounts registered: the pages still work, with nothing to offer)."""
    if not _action_lists:
        return []
    return _action_lists[0](viewer=viewer, person=person, role=role)
