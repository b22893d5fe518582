"""Staff never act on what they are a party to.

A moderator may not approve or reject their own gig, settle a dispute on their own contract,
resolve a report they filed or that is about them (or about something of theirs), remove their
own content, warn or suspend themselves or someone they have an active contract with, or lift
such a suspension; a finance officer may not pay or reject their own withdrawal. Another
staff member does it.

This module is the rule's one home, with no HTTP in it:

- each app says who the parties of its objects are, as a filter on the object's table
  (``register_parties``; projects.parties and payments.parties do, at start-up), so the rule is
  one database question whether it guards one object or annotates a whole admin list;
- the services guard their staff actions with ``ensure_staff_not_party``, which raises
  ``StaffIsParty`` (403) — and ``accounts.services.audit.records_refused_attempts`` writes the
  attempt to the audit log after the refused action rolled back;
- the admin annotates its lists with ``with_staff_party`` and offers no action on a row the
  signed-in staff member is a party to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.errors import PermissionDenied

if TYPE_CHECKING:
    from accounts.models import User

# For a model: the filter selecting its rows that the user with this id is a party to.
PartyFilter = Callable[[int], Q]

_PARTIES: dict[type[models.Model], PartyFilter] = {}

# The name of the boolean ``with_staff_party`` annotates.
ANNOTATION = "staff_is_party"


class StaffIsParty(PermissionDenied):
    """A staff member tried to act on something they are a party to."""

    code = "staff_is_party"

    def __init__(self, message: str, *, staff: User, action: str, target: models.Model) -> None:
        super().__init__(message)
        self.staff, self.action, self.target = staff, action, target


def register_parties(model: type[models.Model], parties: PartyFilter) -> None:
    """Declare who the parties of ``model``'s rows are. Each app registers its own models."""
    _PARTIES[model] = parties


def party_filter(model: type[models.Model], user_id: int) -> Q:
    """The rows of ``model`` the user is a party to."""
    try:
        return _PARTIES[model](user_id)
    except KeyError:
        raise ImproperlyConfigured(
            f"Who the parties of {model._meta.label} are is not registered (register_parties)."
        ) from None


def staff_is_party(*, staff: User, obj: models.Model) -> bool:
    """Whether ``staff`` is a party to ``obj`` (one query)."""
    model = type(obj)
    return model._default_manager.filter(pk=obj.pk).filter(party_filter(model, staff.pk)).exists()


def ensure_staff_not_party(*, staff: User, action: str, obj: models.Model) -> None:
    """The guard of every staff action's service: refuse (``StaffIsParty``) when ``staff`` is a
    party to ``obj``. ``action`` (a ``ModeratorAction.Action``) names what was attempted."""
    if staff_is_party(staff=staff, obj=obj):
        raise StaffIsParty(
            _(
                "You are a party to this (it is yours, about you, or about someone you have an "
                "active contract with), so another staff member must handle it."
            ),
            staff=staff,
            action=action,
            target=obj,
        )


def with_staff_party(queryset: QuerySet[Any], *, staff: User) -> QuerySet[Any]:
    """``queryset`` with a boolean ``staff_is_party`` per row, in the same query (a correlated
    subquery): an admin list offers no action on the rows it marks."""
    model = queryset.model
    mine = model._default_manager.filter(pk=OuterRef("pk")).filter(party_filter(model, staff.pk))
    return queryset.annotate(**{ANNOTATION: Exists(mine)})
