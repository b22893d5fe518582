"""The moderators' actions on people: suspend, lift a suspension, warn.

A suspension is an accounts row, but what suspending does reaches into the marketplace (a
suspended client's open gigs are hidden, a freelancer's live bids withdrawn, the user told), so
the services live in projects (``projects.services.suspensions``, ``projects.services.reports``)
and projects registers them here at start-up (``ProjectsConfig.ready``). The admin of people
(``accounts.admin``) offers them through this module without importing projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from accounts.models import Suspension, User


class Suspend(Protocol):
    def __call__(
        self, *, moderator: User, user_id: int, reason: str, ends_at: datetime | None = None
    ) -> Suspension: ...


class Lift(Protocol):
    def __call__(self, *, moderator: User, suspension_id: int, reason: str) -> Suspension: ...


class Warn(Protocol):
    def __call__(self, *, moderator: User, user_id: int, reason: str) -> None: ...


@dataclass(frozen=True)
class PeopleModeration:
    suspend: Suspend
    lift: Lift
    warn: Warn


_registered: list[PeopleModeration] = []


def register(*, suspend: Suspend, lift: Lift, warn: Warn) -> None:
    """Set the services behind the actions; the last registration wins."""
    _registered[:] = [PeopleModeration(suspend=suspend, lift=lift, warn=warn)]


def people_moderation() -> PeopleModeration:
    if not _registered:
        raise ImproperlyConfigured(
            "Nothing registered the moderation of people (projects does, at start-up)."
        )
    return _registered[0]
