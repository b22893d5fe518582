"""Reads of gigs: the public browse and search, a client's own gigs, one gig.

A hidden gig (removed by a moderator, or its client suspended) is seen by its client and
moderators only.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Skill
from marketplace.errors import NotFound
from projects.access import is_moderator
from projects.models import Gig, GigAttachment, GigInvitation
from projects.models.gigs import BROWSABLE, taking_bids

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.requests import Visitor

# How the browse list may be sorted: the cursor paginator orders by these fields.
SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-published_at", "-id"),
    "closing_soon": ("bidding_deadline", "id"),
    "budget_high": ("-budget", "-id"),
    "budget_low": ("budget", "id"),
}


def visible_gigs(*, user: Visitor, as_moderator: bool = True) -> QuerySet[Gig]:
    """Gigs this user may see: published public ones, published invite-only ones they were
    invited to, their own in any state — and everything, for a moderator.

    The write services take part through the same rule, so a gig that answers 404 to a read
    also answers 404 to a bid. They pass ``as_moderator=False``: a moderator sees every gig to
    moderate it, but bids only on what anyone else could bid on.
    """
    if as_moderator and is_moderator(user):
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


def gig_get(*, gig_id: int, user: Visitor) -> Gig:
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


def gig_get_public(*, gig_id: int) -> Gig:
    """One gig anyone may see, whoever asks: what may be shared (its share card). The rule is
    ``visible_gigs`` for a visitor who is not signed in — published, public, not hidden — so
    the gig's own client and moderators get NotFound too for a draft, a pending, an invite-only
    or a hidden gig."""
    gig = (
        visible_gigs(user=AnonymousUser(), as_moderator=False)
        .select_related("category")
        .filter(pk=gig_id)
        .first()
    )
    if gig is None:
        raise NotFound(_("Gig not found."))
    return gig


def _text_filter(queryset: QuerySet[Gig], text: str) -> QuerySet[Gig]:
    if connection.vendor == "postgresql":
        # The stored vector (Gig.Meta.triggers) through its GIN index, with Indonesian stemming.
        query = SearchQuery(text, config="indonesian", search_type="websearch")
        return queryset.filter(search_vector=query)
    # SQLite, for development and the demo: every word must appear in the title or description.
    for word in text.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return queryset


def _open_public() -> QuerySet[Gig]:
    # Open, public, not hidden: the condition of the browse sorts' partial indexes.
    return Gig.objects.filter(BROWSABLE)


def _still_taking_bids(gigs: QuerySet[Gig]) -> QuerySet[Gig]:
    # Browse shows only what can still be done: a gig whose bidding deadline passed stays open
    # until the award window ends, but a bid on it would be refused. The deadline is a range
    # condition on the closing-soon index and a cheap filter on the others' rows.
    return gigs.filter(taking_bids(timezone.now()))


def _browse_filter(
    gigs: QuerySet[Gig],
    *,
    q: str = "",
    category: str | None = None,
    skills: list[int] | None = None,
    budget_min: int | None = None,
    budget_max: int | None = None,
    closes_before: datetime | None = None,
) -> QuerySet[Gig]:
    """``gigs`` (open public ones, ``_open_public``) narrowed by the browse filters."""
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
    return gigs


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
    """Open public gigs still taking bids that match the filters, lean: client, category and
    skills in ≤ 2 queries.
    ``sort`` is applied by the caller's cursor paginator (``SORTS``)."""
    gigs = _browse_filter(
        _still_taking_bids(_open_public()),
        q=q,
        category=category,
        skills=skills,
        budget_min=budget_min,
        budget_max=budget_max,
        closes_before=closes_before,
    )
    return (
        gigs.select_related("client", "category")
        .prefetch_related("skills")
        # The masked copies stay: the card shows them to everyone but the client.
        .defer("search_vector", "rejection_reason")
    )


def _owned_filter(*, user: User, status: str | None) -> QuerySet[Gig]:
    gigs = Gig.objects.filter(client=user)
    return gigs.filter(status=status) if status else gigs


def gig_list_owned(*, user: User, status: str | None = None) -> QuerySet[Gig]:
    """The client's own gigs in every state (or one state)."""
    return (
        _owned_filter(user=user, status=status)
        .select_related("client", "category")
        .prefetch_related("skills")
        .defer("search_vector")
    )


# --- the API's gig cards as rows --------------------------------------------------------------
# The API's gig lists read rows, not model instances: building a Gig, its client and its
# category per row, then walking them with DRF's fields, cost several times the query itself
# (issue #9). A row (a named tuple) holds what a card shows
# (projects.api.gigs.serializers.gig_cards) and the paginator's ordering field, which it reads
# with getattr.

CARD_COLUMNS = (
    "id",
    "title",
    "description",
    "title_masked",
    "description_masked",
    "budget",
    "bidding_deadline",
    "delivery_deadline",
    "visibility",
    "status",
    "bid_count",
    "published_at",
    "client_id",
    "client__username",
    "client__display_name",
    "category_id",
    "category__slug",
    "category__name_id",
    "category__name_en",
    "category__min_price",
    "flags_json",
)


def _card_rows(gigs: QuerySet[Gig], *more: str) -> QuerySet[Gig]:
    # The content filter's flags as JSON text: nearly every gig has none ("[]"), and a JSON
    # column would be decoded on every row; gig_cards decodes only the others.
    flags = Cast("content_flags", TextField())
    return gigs.annotate(flags_json=flags).values_list(*CARD_COLUMNS, *more, named=True)


@functools.cache
def _open_public_rows() -> QuerySet[Gig]:
    # Built once: resolving the joined columns costs more than the query's other work. Never
    # evaluated itself; every use is a clone (filter, order_by, slice).
    return _card_rows(_open_public())


def gig_browse_rows(*, sort: str = "newest", **filters: Any) -> QuerySet[Gig]:
    """``gig_browse`` (the same keyword arguments) as card rows (``CARD_COLUMNS``), client and
    category joined; the skills come per page from ``gig_card_skills``. Every sort's field is a
    card column, as the cursor paginator needs."""
    return _browse_filter(_still_taking_bids(_open_public_rows()), **filters)


def gig_list_owned_rows(*, user: User, status: str | None = None) -> QuerySet[Gig]:
    """``gig_list_owned`` as card rows, with ``created_at`` for the paginator's ordering."""
    return _card_rows(_owned_filter(user=user, status=status), "created_at")


# Table names are ours; the ids are parameters.
_CARD_SKILLS_SQL = (
    "SELECT gs.gig_id, s.id, s.slug, s.name"  # noqa: S608
    f" FROM {Gig.skills.through._meta.db_table} gs"
    f" JOIN {Skill._meta.db_table} s ON s.id = gs.skill_id"
    " WHERE gs.gig_id {ids} ORDER BY s.name, s.id"
)


def gig_card_skills(gig_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The skills of these gigs in one query: ``{gig id: [{id, slug, name}, …]}`` by name, as
    ``gig.skills.all()`` orders them (Skill.Meta.ordering); no query for an empty page."""
    skills: dict[int, list[dict[str, Any]]] = {}
    if not gig_ids:
        return skills
    # Plain SQL: the ORM's joins and compiling cost more than this query's work (issue #9).
    # On PostgreSQL one array parameter: the same statement text for any page size.
    params: list[Any]
    if connection.vendor == "postgresql":
        sql, params = _CARD_SKILLS_SQL.format(ids="= ANY(%s)"), [gig_ids]
    else:
        marks = ", ".join(["%s"] * len(gig_ids))
        sql, params = _CARD_SKILLS_SQL.format(ids=f"IN ({marks})"), gig_ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for gig_id, skill_id, slug, name in rows:
        skills.setdefault(gig_id, []).append({"id": skill_id, "slug": slug, "name": name})
    return skills


def gig_attachment_get(*, gig_id: int, attachment_id: int, user: Visitor) -> GigAttachment:
    gig = visible_gigs(user=user).filter(pk=gig_id).first()
    attachment = gig and GigAttachment.objects.filter(gig=gig, pk=attachment_id).first()
    if not attachment:
        raise NotFound(_("Attachment not found."))
    return attachment


def invitation_list(*, gig: Gig) -> QuerySet[GigInvitation]:
    return gig.invitations.select_related("freelancer").order_by("-created_at", "-id")


def gig_list_invitable(*, client: User, freelancer: User | None = None) -> QuerySet[Gig]:
    """The client's gigs a freelancer can be invited to and still bid on: drafts and gigs
    awaiting review (the invitation is told when they go live) and open ones still taking bids;
    none a moderator removed (``gig_invite``'s rule, less what could no longer take a bid).
    With ``freelancer``, each says whether they are invited already (``already_invited``)."""
    gigs = Gig.objects.filter(
        Q(status__in=(Gig.Status.DRAFT, Gig.Status.PENDING_REVIEW)) | taking_bids(timezone.now()),
        client=client,
        hidden_at__isnull=True,
    )
    if freelancer is not None:
        gigs = gigs.annotate(
            already_invited=Exists(
                GigInvitation.objects.filter(gig=OuterRef("pk"), freelancer=freelancer)
            )
        )
    return gigs.order_by("-created_at", "-id")


def raise_not_found() -> None:
    raise NotFound(_("Gig not found."))
