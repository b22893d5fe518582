"""What a person's public pages (``accounts.pages.profiles``) show from the apps above accounts.

A freelancer's profile and a client's record list the reviews the person received; reviews
follow contracts and live in projects, which registers their reader here at start-up
(``ProjectsConfig.ready``): accounts imports no app above it.
"""

from __future__ import annotations

from collections.abc import Callable

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
