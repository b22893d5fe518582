"""A client posts a gig, edits it and submits it for publishing; the terms it must meet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import mask_texts
from accounts.models import Category, Skill, User
from marketplace.errors import Conflict, DomainError
from marketplace.formatting import rupiah
from marketplace.state import ensure_transition
from marketplace.timing import days, hours
from marketplace.transactions import atomic_with_retry
from projects import content_filter
from projects.models import Gig
from projects.policies.gigs import gig_edit_refusal
from projects.selectors.bids import gig_has_live_bids
from projects.services.gigs.guards import (
    ensure_gig_shown,
    ensure_not_suspended,
    lock_own_gig,
    record_contact_hit,
)
from projects.services.gigs.invitations import went_live

EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "skills",
    "budget",
    "bidding_deadline",
    "delivery_deadline",
    "visibility",
)


def _resolve_category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id, is_active=True).first()
    if category is None:
        raise DomainError(
            _("Choose one of the listed categories."),
            fields={"category": [_("Unknown category.")]},
        )
    return category


def _resolve_skills(skill_ids: list[int]) -> list[Skill]:
    unique = list(dict.fromkeys(skill_ids))
    if len(unique) > settings.GIG_MAX_SKILLS:
        raise DomainError(
            _("Choose at most %(n)d skills.") % {"n": settings.GIG_MAX_SKILLS},
            fields={"skills": [_("Too many skills.")]},
        )
    skills = list(Skill.objects.filter(pk__in=unique))
    if len(skills) != len(unique):
        missing = sorted(set(unique) - {s.pk for s in skills})
        raise DomainError(
            _("Unknown skills: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
            fields={"skills": [_("Unknown skill.")]},
        )
    return skills


def validate_gig_terms(
    *, category: Category, budget: int, bidding_deadline: datetime, delivery_deadline: datetime
) -> None:
    """The rules a gig's money and dates must meet, checked on create, edit and submit."""
    now = timezone.now()
    fields: dict[str, list[str]] = {}
    if budget < category.min_price:
        fields["budget"] = [
            _("The minimum for %(category)s is %(min)s.")
            % {"category": category.name, "min": rupiah(category.min_price)}
        ]
    elif budget > settings.GIG_MAX_BUDGET:
        fields["budget"] = [_("At most %(max)s.") % {"max": rupiah(settings.GIG_MAX_BUDGET)}]
    # Timer days: in a fast demo the bidding window shrinks with every other timer.
    earliest = now + hours(settings.GIG_BIDDING_MIN_HOURS)
    latest = now + days(settings.GIG_BIDDING_MAX_DAYS)
    if not earliest <= bidding_deadline <= latest:
        fields["bidding_deadline"] = [
            _("Bidding must close between 1 and %(days)d days from now.")
            % {"days": settings.GIG_BIDDING_MAX_DAYS}
        ]
    if delivery_deadline <= bidding_deadline:
        fields["delivery_deadline"] = [_("The delivery deadline must be after bidding closes.")]
    # The gap, not ``bidding_deadline + days``: a date near datetime.max must be a 400, not a 500.
    elif delivery_deadline - bidding_deadline > days(settings.GIG_DELIVERY_MAX_DAYS):
        fields["delivery_deadline"] = [
            _("Delivery must be due within %(days)d days after bidding closes.")
            % {"days": settings.GIG_DELIVERY_MAX_DAYS}
        ]
    if fields:
        raise DomainError(
            _("Check these fields: %(fields)s.") % {"fields": ", ".join(fields)}, fields=fields
        )


def _needs_review(gig: Gig) -> bool:
    mode = settings.GIG_MODERATION
    if mode == "off":
        return False
    if mode == "all" or gig.content_flags:
        return True
    first_gig = not Gig.objects.filter(client_id=gig.client_id, published_at__isnull=False).exists()
    return first_gig


@atomic_with_retry
def gig_create(
    *,
    client: User,
    title: str,
    description: str,
    category: int,
    budget: int,
    bidding_deadline: datetime,
    delivery_deadline: datetime,
    skills: list[int] | None = None,
    visibility: str = Gig.Visibility.PUBLIC,
    publish: bool = False,
) -> Gig:
    """Post a gig as a draft, or straight to publishing (then as ``gig_submit``)."""
    ensure_not_suspended(client)
    category_obj = _resolve_category(category)
    skill_objs = _resolve_skills(skills or [])
    validate_gig_terms(
        category=category_obj,
        budget=budget,
        bidding_deadline=bidding_deadline,
        delivery_deadline=delivery_deadline,
    )
    gig = Gig(
        client=client,
        title=title,
        description=description,
        category=category_obj,
        budget=budget,
        bidding_deadline=bidding_deadline,
        delivery_deadline=delivery_deadline,
        visibility=visibility,
    )
    kinds = _mask(gig)
    gig.save()
    gig.skills.set(skill_objs)
    record_contact_hit(gig, kinds, author=client)
    if publish:
        _publish_or_queue(gig)
    return gig


def _mask(gig: Gig) -> list[str]:
    """Mask the gig's title and description for everyone but its client (stored with the gig)
    and set its moderation flags; returns the contact kinds found."""
    kinds = mask_texts(gig)
    gig.content_flags = [*kinds, *content_filter.prohibited(gig.title, gig.description)]
    return kinds


def _publish_or_queue(gig: Gig) -> None:
    if _needs_review(gig):
        ensure_transition(gig, Gig.Status.PENDING_REVIEW)
        gig.status = Gig.Status.PENDING_REVIEW
    else:
        ensure_transition(gig, Gig.Status.OPEN)
        gig.status = Gig.Status.OPEN
        gig.published_at = timezone.now()
    gig.save(update_fields=["status", "published_at", "updated_at"])
    if gig.status == Gig.Status.OPEN:
        went_live(gig)


@atomic_with_retry
def gig_update(*, gig_id: int, actor: User, **changes: Any) -> Gig:
    """Edit a gig that has no live bid yet (draft, pending review or open).

    The content filter runs again; an open gig whose new text it flags goes back to review.
    """
    gig = lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    ensure_gig_shown(gig)
    refusal = gig_edit_refusal(gig, has_live_bids=gig_has_live_bids(gig_id=gig.pk))
    if refusal is not None:
        raise refusal
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:  # the API's serializer already refuses these; this guards other callers
        raise DomainError(_("These fields cannot be edited: %(f)s.") % {"f": ", ".join(unknown)})

    if "category" in changes:
        gig.category = _resolve_category(changes.pop("category"))
    skills = _resolve_skills(changes.pop("skills")) if "skills" in changes else None
    for name, value in changes.items():
        setattr(gig, name, value)
    validate_gig_terms(
        category=gig.category,
        budget=gig.budget,
        bidding_deadline=gig.bidding_deadline,
        delivery_deadline=gig.delivery_deadline,
    )
    kinds = _mask(gig)
    if gig.status == Gig.Status.OPEN and gig.content_flags and settings.GIG_MODERATION != "off":
        ensure_transition(gig, Gig.Status.PENDING_REVIEW)
        gig.status = Gig.Status.PENDING_REVIEW
    gig.save()
    if skills is not None:
        gig.skills.set(skills)
    record_contact_hit(gig, kinds, author=actor)
    return gig


@atomic_with_retry
def gig_submit(*, gig_id: int, actor: User) -> Gig:
    """Publish a draft: straight to open, or to a moderator first (``GIG_MODERATION``)."""
    gig = lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    ensure_gig_shown(gig)
    if gig.status != Gig.Status.DRAFT:
        raise Conflict(_("Only a draft can be submitted."), code="invalid_state")
    validate_gig_terms(
        category=gig.category,
        budget=gig.budget,
        bidding_deadline=gig.bidding_deadline,
        delivery_deadline=gig.delivery_deadline,
    )
    _publish_or_queue(gig)
    return gig
