"""Reads of reviews. A hidden review is seen by its author only — never listed for anyone else."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.errors import NotFound
from projects.models import Contract, Review


def review_list_public(*, username: str, role: str) -> QuerySet[Review]:
    """Revealed reviews of this user as a freelancer (or as a client), newest first."""
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise NotFound(_("User not found."))
    return Review.objects.filter(
        subject=user, subject_role=role, revealed_at__isnull=False
    ).select_related("author", "contract__gig")


def review_list_for_contract(*, contract: Contract, viewer: Any) -> list[Review]:
    """The contract's revealed reviews, plus the viewer's own even while it is hidden."""
    visible = Q(revealed_at__isnull=False) | Q(author_id=viewer.pk)
    return list(
        Review.objects.filter(contract=contract)
        .filter(visible)
        .select_related("author", "contract__gig")
        .order_by("id")
    )


def review_written(*, contract: Contract, author_id: int) -> bool:
    return Review.objects.filter(contract=contract, author_id=author_id).exists()
