"""Reads of gigs: the public browse and search, a client's own gigs, one gig.

A hidden gig (removed by a moderator, or its client suspended) is seen by its client and
moderators only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.errors import NotFound
from projects.access import is_moderator
from projects.models import Gig, GigAttachment, GigInvitation

# How the browse list may be sorted: the cursor paginator orders by these fields.
SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-published_at", "-id"),
    "closing_soon": ("bidding_deadline", "id"),
    "budget_high": ("-budget", "-id"),
    "budget_low": ("budget", "id"),
}


def visible_gigs(*, user: Any) -> QuerySet[Gig]:
    """Gigs this user may see: published public ones, published invite-only ones they were
    invited to, their own in any state — and everything, for a moderator."""
    if is_moderator(user):
        return Gig.objects.all()
    # A gig a moderator removed, or whose client is suspended, is hidden from all but its client.
    published_public = Q(
        status__in=Gig.PUBLISHED, visibility=Gig.Visibility.PUBLIC, hidden_at__isnull=True
    )
    if not user.is_authenticated:
        return Gig.objects.filter(published_public)
    invited = Exists(GigInvitation.objects.filter(gig=OuterRef("pk"), freelancer=user))
    return Gig.objects.filter(
        published_public
        | Q(client=user)
        | (Q(status__in=Gig.PUBLISHED, hidden_at__isnull=True) & invited)
    )


def gig_get(*, gig_id: int, user: Any) -> Gig:
    """One gig with what its detail page shows; NotFound if the user may not see it."""
    gig = (
        visible_gigs(user=user)
        .select_related("client", "category")
        .prefetch_related("skills", "attachments")
        .filter(pk=gig_id)
        .first()
    )
    if gig is None:
        raise NotFound(_("Gig not found."))
    return gig


def _text_filter(queryset: QuerySet[Gig], text: str) -> QuerySet[Gig]:
    if connection.vendor == "postgresql":
        # The stored vector (migration 0003) through its GIN index, with Indonesian stemming.
        query = SearchQuery(text, config="indonesian", search_type="websearch")
        return queryset.filter(search_vector=query)
    # SQLite, for development and the demo: every word must appear in the title or description.
    for word in text.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return queryset


def gig_browse(
    *,
    q: str = "",
    category: str | None = None,
    skills: list[int] | None = None,
    budget_min: int | None = None,
    budget_max: int | None = None,
    closes_before: datetime | None = None,
    sort: str = "newest",
) -> QuerySet[Gig]:
    """Open public gigs matching the filters, lean: client, category and skills in ≤ 2 queries."""
    gigs = Gig.objects.filter(
        status=Gig.Status.OPEN, visibility=Gig.Visibility.PUBLIC, hidden_at__isnull=True
    )
    if category:
        gigs = gigs.filter(category__slug=category)
    if skills:
        gigs = gigs.filter(
            Exists(Gig.skills.through.objects.filter(gig_id=OuterRef("pk"), skill_id__in=skills))
        )
    if budget_min is not None:
        gigs = gigs.filter(budget__gte=budget_min)
    if budget_max is not None:
        gigs = gigs.filter(budget__lte=budget_max)
    if closes_before is not None:
        gigs = gigs.filter(bidding_deadline__lte=closes_before)
    if q.strip():
        gigs = _text_filter(gigs, q.strip())
    return (
        gigs.select_related("client", "category")
        .prefetch_related("skills")
        # content_flags stays: the card masks contact details by it, without a query per row.
        .defer("search_vector", "rejection_reason")
    )


def gig_list_owned(*, user: Any, status: str | None = None) -> QuerySet[Gig]:
    """The client's own gigs in every state (or one state)."""
    gigs = Gig.objects.filter(client=user)
    if status:
        gigs = gigs.filter(status=status)
    return (
        gigs.select_related("client", "category").prefetch_related("skills").defer("search_vector")
    )


def gig_attachment_get(*, gig_id: int, attachment_id: int, user: Any) -> GigAttachment:
    gig = visible_gigs(user=user).filter(pk=gig_id).first()
    attachment = gig and GigAttachment.objects.filter(gig=gig, pk=attachment_id).first()
    if not attachment:
        raise NotFound(_("Attachment not found."))
    return attachment


def invitation_list(*, gig: Gig) -> QuerySet[GigInvitation]:
    return gig.invitations.select_related("freelancer").order_by("-created_at", "-id")


def raise_not_found() -> None:
    raise NotFound(_("Gig not found."))
