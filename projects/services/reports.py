"""Reports (flags) on content, and what a moderator does about them.

Anyone signed in may report something they can see; a second report by the same person on the
same object is the same report. A moderator resolves a report as dismissed, content removed
(hidden, never deleted), user warned or user suspended; the resolution settles every open report
on that object, and each reporter is told. Each moderator action writes one audit record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import FreelancerProfile, ModeratorAction, PortfolioItem, User
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.transactions import atomic_with_retry
from projects import notices
from projects.access import ensure_staff_permission
from projects.models import Bid, ContractMessage, Gig, Report, Review, Service
from projects.reputation import services as reputation
from projects.selectors.reports import report_open_mine, report_target_get

Action = ModeratorAction.Action
Target = Report.TargetType
Outcome = Report.Outcome


def _open_reports(target_type: str, target_id: int) -> models.QuerySet[Report]:
    return Report.objects.filter(
        target_type=target_type, target_id=target_id, status=Report.Status.OPEN
    )


@atomic_with_retry
def report_create(
    *, reporter: User, target_type: str, target_id: int, reason: str, note: str = ""
) -> tuple[Report, bool]:
    """Report something the reporter can see. Returns (report, created): reporting the same
    object again while the first report is open returns the first report unchanged."""
    if reason not in Report.Reason.values:
        raise DomainError(_("Choose a reason."), fields={"reason": [_("Unknown reason.")]})
    reported = report_target_get(reporter=reporter, target_type=target_type, target_id=target_id)
    if reported.owner_id == reporter.pk:
        raise Conflict(_("You cannot report your own content."), code="own_content")
    existing = report_open_mine(reporter=reporter, target_type=target_type, target_id=target_id)
    if existing is not None:
        return existing, False
    try:
        # A savepoint: a simultaneous duplicate loses on the unique constraint, and the
        # request still answers with the report that won.
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                target_type=target_type,
                target_id=target_id,
                target_user_id=reported.owner_id,
                reason=reason,
                note=note.strip(),
            )
    except IntegrityError:
        return _open_reports(target_type, target_id).get(reporter=reporter), False
    return report, True


@atomic_with_retry
def report_raise_automatically(*, user: User, note: str) -> Report:
    """Garap itself reports a user (e.g. contact details again and again). One open automatic
    report per user: while it is open, a further call adds nothing."""
    existing = _open_reports(Target.PROFILE, user.pk).filter(reporter__isnull=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=None,
                target_type=Target.PROFILE,
                target_id=user.pk,
                target_user=user,
                reason=Report.Reason.OFF_PLATFORM_PAYMENT,
                note=note,
            )
    except IntegrityError:
        return _open_reports(Target.PROFILE, user.pk).get(reporter__isnull=True)


@records_refused_attempts
@atomic_with_retry
def report_resolve(
    *,
    report_id: int,
    moderator: User,
    outcome: str,
    note: str = "",
    suspend_until: datetime | None = None,
) -> list[Report]:
    """Settle every open report on the report's object with one outcome, and tell each
    reporter. Removing, warning and suspending are their own actions (and audit records);
    resolving writes one more. Resolving a resolved report changes nothing. A moderator who is
    a party to the report (``projects.parties.report``) is refused, and the attempt recorded.
    """
    from projects.services.suspensions import suspension_create

    ensure_staff_permission(moderator, "projects.resolve_report")
    report = (
        Report.objects.select_for_update(of=("self",), no_key=True).filter(pk=report_id).first()
    )
    if report is None:
        raise NotFound(_("Report not found."))
    ensure_staff_not_party(staff=moderator, action=Action.RESOLVE_REPORT, obj=report)
    if report.status == Report.Status.RESOLVED:
        return [report]
    if outcome not in Outcome.values:
        raise DomainError(_("Choose an outcome."), fields={"outcome": [_("Unknown outcome.")]})
    if outcome != Outcome.DISMISSED and not note.strip():
        raise DomainError(
            _("Say why: the user is told."), fields={"note": [_("Required for this outcome.")]}
        )
    reports = list(
        _open_reports(report.target_type, report.target_id)
        .select_for_update(of=("self",), no_key=True)
        .order_by("pk")
    )
    if outcome == Outcome.CONTENT_REMOVED:
        content_remove(
            moderator=moderator,
            target_type=report.target_type,
            target_id=report.target_id,
            reason=note,
        )
    elif outcome == Outcome.USER_WARNED:
        user_warn(moderator=moderator, user_id=report.target_user_id, reason=note)
    elif outcome == Outcome.USER_SUSPENDED:
        suspension_create(
            moderator=moderator, user_id=report.target_user_id, reason=note, ends_at=suspend_until
        )
    now = timezone.now()
    for each in reports:
        each.status, each.outcome, each.resolution_note = Report.Status.RESOLVED, outcome, note
        each.resolved_by, each.resolved_at = moderator, now
        each.save(
            update_fields=["status", "outcome", "resolution_note", "resolved_by", "resolved_at"]
        )
    audit_record(
        moderator=moderator,
        action=Action.RESOLVE_REPORT,
        target=report,
        reason=note,
        outcome=outcome,
        reports=[each.pk for each in reports],
    )
    _tell_reporters(reports, outcome)
    return reports


def _tell_reporters(reports: list[Report], outcome: str) -> None:
    reporter_ids = {each.reporter_id for each in reports if each.reporter_id is not None}
    label = Outcome(outcome).label  # lazy: rendered in each reporter's language
    kind = notices.REPORT_DISMISSED if outcome == Outcome.DISMISSED else notices.REPORT_ACTIONED
    for reporter in User.objects.filter(pk__in=reporter_ids):
        own = next(each for each in reports if each.reporter_id == reporter.pk)
        notices.notify(
            reporter,
            kind,
            subject=own,
            what=Target(own.target_type).label,
            outcome=label,
        )


@records_refused_attempts
@atomic_with_retry
def content_remove(*, moderator: User, target_type: str, target_id: int, reason: str) -> None:
    """Hide a reported object from everyone but its author and moderators. Nothing is deleted:
    reports and the audit log still point at it. Removing it again changes nothing. Never by a
    moderator who is a party to it."""
    ensure_staff_permission(moderator, "projects.resolve_report")
    if not reason.strip():
        raise DomainError(_("Say why: the author is told."), fields={"reason": [_("Required.")]})
    now = timezone.now()
    obj, owner_id = _lock_target(target_type, target_id)
    ensure_staff_not_party(staff=moderator, action=Action.REMOVE_CONTENT, obj=obj)
    if target_type == Target.GIG:
        if obj.hidden_reason == Gig.HiddenReason.REMOVED:
            return
        obj.hidden_at, obj.hidden_reason = now, Gig.HiddenReason.REMOVED
        obj.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    elif target_type == Target.SERVICE:
        if obj.hidden_reason == Service.HiddenReason.REMOVED:
            return
        obj.hidden_at, obj.hidden_reason = now, Service.HiddenReason.REMOVED
        obj.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    elif target_type == Target.PROFILE:
        profile = (
            FreelancerProfile.objects.select_for_update(of=("self",), no_key=True)
            .filter(user_id=obj.pk)
            .first()
        )
        if profile is None or profile.removed_at is not None:
            return
        profile.removed_at = now
        profile.save(update_fields=["removed_at"])
    else:
        if obj.removed_at is not None:
            return
        obj.removed_at = now
        obj.save(update_fields=["removed_at"])
        if target_type == Target.BID and obj.status in Bid.OPEN:
            # A removed bid can no longer be accepted: it leaves the client's list for good.
            obj.status = Bid.Status.WITHDRAWN
            obj.save(update_fields=["status", "updated_at"])
            Gig.objects.filter(pk=obj.gig_id).update(bid_count=models.F("bid_count") - 1)
        if target_type == Target.REVIEW and obj.revealed_at is not None:
            reputation.reputation_event_record(
                user_id=obj.subject_id, kind="review_removed", reference=f"review:{obj.pk}"
            )
    audit_record(moderator=moderator, action=Action.REMOVE_CONTENT, target=obj, reason=reason)
    notices.notify(
        User.objects.get(pk=owner_id),
        notices.CONTENT_REMOVED,
        subject=(target_type, target_id),
        what=Target(target_type).label,
        reason=reason.strip(),
    )


# The reportable models share no base class beyond Model: each target is used by its kind.
_TARGET_MODELS: dict[str, tuple[type[Any], str]] = {
    Target.GIG: (Gig, "client_id"),
    Target.BID: (Bid, "freelancer_id"),
    Target.PROFILE: (User, "pk"),
    Target.PORTFOLIO_ITEM: (PortfolioItem, "owner_id"),
    Target.REVIEW: (Review, "author_id"),
    Target.MESSAGE: (ContractMessage, "sender_id"),
    Target.SERVICE: (Service, "freelancer_id"),
}


def _lock_target(target_type: str, target_id: int) -> tuple[Any, int]:
    if target_type not in _TARGET_MODELS:
        raise DomainError(_("Unknown kind of object."), fields={"target_type": [_("Unknown.")]})
    model, owner_attribute = _TARGET_MODELS[target_type]
    obj = model.objects.select_for_update(of=("self",), no_key=True).filter(pk=target_id).first()
    if obj is None:
        raise NotFound(_("Not found."))
    return obj, getattr(obj, owner_attribute)


@records_refused_attempts
@atomic_with_retry
def user_warn(*, moderator: User, user_id: int, reason: str) -> None:
    """A formal warning: the user is told why, and the audit log keeps it on their record.
    Never oneself, nor someone one has an active contract with."""
    ensure_staff_permission(moderator, "projects.resolve_report")
    if not reason.strip():
        raise DomainError(_("Say why: the user is told."), fields={"reason": [_("Required.")]})
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("User not found."))
    ensure_staff_not_party(staff=moderator, action=Action.WARN_USER, obj=user)
    record = audit_record(
        moderator=moderator, action=Action.WARN_USER, target=user, reason=reason.strip()
    )
    notices.notify(
        user,
        notices.USER_WARNED,
        subject=record,
        reason=reason.strip(),
    )
