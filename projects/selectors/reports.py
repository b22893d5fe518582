"""Reads of reports for the people who make them (moderators' queue: moderation_reports):
what one may report, and one's own reports."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import PortfolioItem, User
from marketplace.errors import DomainError, NotFound
from projects.models import Bid, ContractMessage, Report, Review

Target = Report.TargetType


@dataclass(frozen=True)
class Reported:
    """The reported object as the reporter may see it, and whose content it is."""

    obj: models.Model
    owner_id: int


def report_target_get(*, reporter: User, target_type: str, target_id: int) -> Reported:
    """The object if the reporter can see it; NotFound otherwise (as for any hidden object).
    ``report_create`` checks with it, and the report page before it shows its form."""
    obj: models.Model | None
    if target_type == Target.GIG:
        from projects.selectors.gigs import visible_gigs

        obj = visible_gigs(user=reporter).filter(pk=target_id).first()
        return _found(obj, "client_id")
    if target_type == Target.BID:
        obj = (
            Bid.objects.filter(pk=target_id, removed_at__isnull=True)
            .filter(Q(freelancer=reporter) | Q(gig__client=reporter))
            .select_related("freelancer", "gig")
            .first()
        )
        return _found(obj, "freelancer_id")
    if target_type == Target.PROFILE:
        obj = User.objects.filter(pk=target_id, is_active=True).first()
        return _found(obj, "pk")
    if target_type == Target.PORTFOLIO_ITEM:
        obj = PortfolioItem.objects.filter(
            pk=target_id, removed_at__isnull=True, owner__is_active=True
        ).first()
        return _found(obj, "owner_id")
    if target_type == Target.REVIEW:
        obj = Review.objects.filter(
            pk=target_id, revealed_at__isnull=False, removed_at__isnull=True
        ).first()
        return _found(obj, "author_id")
    if target_type == Target.MESSAGE:
        obj = (
            ContractMessage.objects.filter(pk=target_id, removed_at__isnull=True)
            .filter(Q(contract__client=reporter) | Q(contract__freelancer=reporter))
            .select_related("sender")
            .first()
        )
        return _found(obj, "sender_id")
    if target_type == Target.SERVICE:
        from projects.selectors.services import visible_services

        obj = visible_services(user=reporter).filter(pk=target_id).first()
        return _found(obj, "freelancer_id")
    raise DomainError(_("Unknown kind of object."), fields={"target_type": [_("Unknown.")]})


def _found(obj: models.Model | None, owner_attribute: str) -> Reported:
    if obj is None:
        raise NotFound(_("There is nothing to report there."))
    return Reported(obj=obj, owner_id=getattr(obj, owner_attribute))


def report_open_mine(*, reporter: User, target_type: str, target_id: int) -> Report | None:
    """The reporter's open report on the object, if they made one (a second is the same)."""
    return Report.objects.filter(
        reporter=reporter,
        target_type=target_type,
        target_id=target_id,
        status=Report.Status.OPEN,
    ).first()


def report_list_mine(*, reporter: User) -> QuerySet[Report]:
    return Report.objects.filter(reporter=reporter)


def report_get_mine(*, reporter: User, report_id: int) -> Report:
    """One of the reporter's own reports; NotFound for anyone else's."""
    report = Report.objects.filter(reporter=reporter, pk=report_id).first()
    if report is None:
        raise NotFound(_("Report not found."))
    return report
