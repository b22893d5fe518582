"""Reads of services (jasa): the public browse and search, a freelancer's own, one service.

Only live services are public (not while their freelancer is suspended); a freelancer sees
their own in every state, moderators see every one. Every list costs the same number of
queries whatever its length: the freelancer and category are joined, the skills and packages
come in one query each per page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.errors import NotFound
from projects.access import is_moderator
from projects.models import Service
from projects.models.services import BROWSABLE

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.requests import Visitor

# How the browse list may be sorted: the cursor paginator orders by these fields.
SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-published_at", "-id"),
    "price_low": ("price_from", "id"),
    "price_high": ("-price_from", "-id"),
}


def visible_services(*, user: Visitor) -> QuerySet[Service]:
    """Services this user may see: live ones not hidden, their own in any state (hidden ones
    too) — and all, for a moderator."""
    if is_moderator(user):
        return Service.objects.all()
    if not user.is_authenticated:
        return Service.objects.filter(BROWSABLE)
    return Service.objects.filter(BROWSABLE | Q(freelancer=user))


def _lean(services: QuerySet[Service]) -> QuerySet[Service]:
    return (
        services.select_related("freelancer", "category")
        .prefetch_related("skills", "packages")
        .defer("search_vector")
    )


def service_get(*, service_id: int, user: Visitor) -> Service:
    """One service with what its page shows; NotFound if the user may not see it."""
    service = (
        _lean(visible_services(user=user))
        .prefetch_related("extras", "requirements")
        .filter(pk=service_id)
        .first()
    )
    if service is None:
        raise NotFound(_("Service not found."))
    return service


def _text_filter(services: QuerySet[Service], text: str) -> QuerySet[Service]:
    if connection.vendor == "postgresql":
        # The stored vector (Service.Meta.triggers) through its GIN index, as for gigs.
        query = SearchQuery(text, config="indonesian", search_type="websearch")
        return services.filter(search_vector=query)
    for word in text.split():  # SQLite, for development and the demo
        services = services.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return services


def service_browse(
    *,
    q: str = "",
    category: str | None = None,
    skills: list[int] | None = None,
    price_min: int | None = None,
    price_max: int | None = None,
    delivery_days: int | None = None,
) -> QuerySet[Service]:
    """Live services matching the filters. The price range is on the cheapest package; a
    service matches ``delivery_days`` when one of its packages delivers within them. The
    sort is applied by the caller's cursor paginator (``SORTS``)."""
    services = Service.objects.filter(BROWSABLE)
    if category:
        services = services.filter(category__slug=category)
    if skills:
        through = Service.skills.through.objects
        services = services.filter(
            Exists(through.filter(service_id=OuterRef("pk"), skill_id__in=skills))
        )
    if price_min is not None:
        services = services.filter(price_from__gte=price_min)
    if price_max is not None:
        services = services.filter(price_from__lte=price_max)
    if delivery_days is not None:
        services = services.filter(fastest_delivery_days__lte=delivery_days)
    if q.strip():
        services = _text_filter(services, q.strip())
    # The masked copies stay: the card shows them to everyone but the freelancer.
    return _lean(services).defer("rejection_reason")


def service_list_owned(*, user: User, status: str | None = None) -> QuerySet[Service]:
    """The freelancer's own services in every state (or one state)."""
    services = Service.objects.filter(freelancer=user)
    if status:
        services = services.filter(status=status)
    return _lean(services)
