"""Reads of reviews. A hidden review is seen by its author only — never listed for anyone else."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.errors import NotFound
from marketplace.timing import days
from projects.models import Contract, Review


def review_window_closes_at(contract: Contract) -> datetime | None:
    """Reviews may be written until REVIEW_WINDOW_DAYS (timer days) after the contract closed."""
    if contract.completed_at is None:
        return None
    return contract.completed_at + days(settings.REVIEW_WINDOW_DAYS)


def review_list_public(*, username: str, role: str) -> QuerySet[Review]:
    """Revealed reviews of this user as a freelancer (or as a client) that count, newest first."""
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise NotFound(_("User not found."))
    # A held review (projects.services.trust) is not shown until a moderator clears it.
    return Review.objects.filter(
        subject=user,
        subject_role=role,
        revealed_at__isnull=False,
        removed_at__isnull=True,
        held_at__isnull=True,
    ).select_related("author", "contract__gig")


def review_list_for_contract(*, contract: Contract, viewer: User) -> list[Review]:
    """The contract's revealed reviews, plus the viewer's own even while it is hidden."""
    # A review a moderator removed is still shown to its author (it is theirs), to no one else.
    visible = Q(revealed_at__isnull=False, removed_at__isnull=True) | Q(author_id=viewer.pk)
    return list(
        Review.objects.filter(contract=contract)
        .filter(visible)
        .select_related("author", "contract__gig")
        .order_by("id")
    )


def review_written(*, contract: Contract, author_id: int) -> bool:
    return Review.objects.filter(contract=contract, author_id=author_id).exists()


def contract_review_status(*, contract: Contract, viewer: User) -> dict:
    """What the contract's reviews page shows this viewer: the reviews they may see, whether
    they may write theirs now, and whether the other party's is in (not what it says)."""
    closes = review_window_closes_at(contract)
    is_party = viewer.pk in (contract.client_id, contract.freelancer_id)
    other = contract.freelancer_id if viewer.pk == contract.client_id else contract.client_id
    written = review_written(contract=contract, author_id=viewer.pk)
    return {
        "reviews": review_list_for_contract(contract=contract, viewer=viewer),
        "can_review": is_party
        and not written
        and contract.status == Contract.Status.COMPLETED
        and closes is not None
        and closes > timezone.now(),
        "you_reviewed": written,
        "other_reviewed": review_written(contract=contract, author_id=other),
        "window_closes_at": closes,
    }
