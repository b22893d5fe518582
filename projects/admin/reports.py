"""The report queue: open reports first, oldest first; each resolution (dismiss, remove the
content, warn or suspend the user) applies to every open report on the same object.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import PortfolioItem, User
from accounts.requests import SignedInHttpRequest
from marketplace.admin_actions import (
    Apply,
    action_with_form,
    future_or_empty,
    reason_field,
    suspension_end_field,
)
from marketplace.admin_base import staff_has
from projects.admin.base import ModerationPageMixin, ReadOnlyAdmin, admin_link
from projects.models import (
    Bid,
    ContractMessage,
    Gig,
    Report,
    Review,
    Service,
)
from projects.selectors import moderation_reports as queues
from projects.services.reports import report_resolve

REPORT_TARGET_MODELS: dict[str, type[models.Model]] = {
    Report.TargetType.GIG: Gig,
    Report.TargetType.BID: Bid,
    Report.TargetType.PROFILE: User,
    Report.TargetType.PORTFOLIO_ITEM: PortfolioItem,
    Report.TargetType.REVIEW: Review,
    Report.TargetType.MESSAGE: ContractMessage,
    Report.TargetType.SERVICE: Service,
}


class DismissForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class ReasonForm(forms.Form):
    note = reason_field(gettext_lazy("The user is told this."))


class SuspendForm(ReasonForm):
    suspend_until = suspension_end_field()

    def clean_suspend_until(self) -> datetime | None:
        return future_or_empty(self.cleaned_data.get("suspend_until"))


def _resolve(outcome: str) -> Apply:
    """Apply one resolution to one report (and so to every open report on its object)."""

    def apply(request: SignedInHttpRequest, report: Any, data: dict[str, Any]) -> object:
        return report_resolve(
            report_id=report.pk,
            moderator=request.user,
            outcome=outcome,
            note=data.get("note", ""),
            suspend_until=data.get("suspend_until"),
        )

    return apply


class ReportStatusFilter(admin.SimpleListFilter):
    """Open, or resolved with which outcome."""

    title = gettext_lazy("status")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(Report.Status.OPEN, _("open")), *Report.Outcome.choices]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() == Report.Status.OPEN:
            return queryset.filter(status=Report.Status.OPEN)
        if self.value() in Report.Outcome.values:
            return queryset.filter(status=Report.Status.RESOLVED, outcome=self.value())
        return queryset


@admin.register(Report)
class ReportAdmin(ModerationPageMixin, ReadOnlyAdmin):
    """The report queue: open reports first, oldest first."""

    list_display = [
        "id",
        "target",
        "reason",
        "reporter_name",
        "target_user",
        "open_on_object",
        "created_at",
        "state",
    ]
    list_display_links = ["id"]
    list_filter = [ReportStatusFilter, "reason", "target_type", "created_at"]
    search_fields = ["reporter__username", "target_user__username", "note"]
    actions = ["dismiss", "remove_content", "warn_user", "suspend_user"]
    change_form_template = "admin/projects/moderation_change_form.html"
    fieldsets = [
        (None, {"fields": ["target", "reported_content", "target_user", "open_on_object"]}),
        (
            gettext_lazy("Report"),
            {"fields": ["reporter_name", "reason", "note", "created_at"]},
        ),
        (
            gettext_lazy("Resolution"),
            {"fields": ["state", "resolution_note", "resolved_by", "resolved_at"]},
        ),
    ]
    readonly_fields = [
        "target",
        "reported_content",
        "open_on_object",
        "reporter_name",
        "created_at",
        "state",
    ]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Report]:
        return self.staff_party(request, queues.report_queue())

    def object_actions(self, report: Report) -> list[tuple[str, str]]:
        if report.status != Report.Status.OPEN:
            return []
        return [
            ("dismiss", _("Dismiss…")),
            ("remove_content", _("Remove the content…")),
            ("warn_user", _("Warn the user…")),
            ("suspend_user", _("Suspend the user…")),
        ]

    def has_resolve_report_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "projects.resolve_report")

    def has_suspend_user_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "projects.resolve_report", "accounts.suspend_user")

    @admin.display(description=gettext_lazy("reported"), ordering="target_type")
    def target(self, report: Report) -> str:
        label = f"{Report.TargetType(report.target_type).label} #{report.target_id}"
        model = REPORT_TARGET_MODELS.get(report.target_type)
        summary = report.target_summary  # type: ignore[attr-defined]  # annotated by get_queryset
        text = format_html("{}: {}", label, summary or "–")
        if model is None or not self.admin_site.is_registered(model):
            return text
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[report.target_id])
        return format_html('<a href="{}">{}</a>', url, text)

    @admin.display(description=gettext_lazy("reporter"), ordering="reporter__username")
    def reporter_name(self, report: Report) -> str:
        return report.reporter.username if report.reporter else _("Garap (automatic)")

    @admin.display(description=gettext_lazy("open on this object"), ordering="open_on_object")
    def open_on_object(self, report: Report) -> int:
        return report.open_on_object  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def state(self, report: Report) -> str:
        if report.status == Report.Status.OPEN:
            return str(Report.Status.OPEN.label)
        return str(Report.Outcome(report.outcome).label) if report.outcome else report.status

    @admin.display(description=gettext_lazy("reported content"))
    def reported_content(self, report: Report) -> str:
        obj = queues.reported_object(report)
        if obj is None:
            return _("It no longer exists.")
        if isinstance(obj, Gig):
            text, hidden = f"{obj.title}\n\n{obj.description}", obj.hidden_at is not None
        elif isinstance(obj, Bid):
            text, hidden = obj.cover_letter, obj.removed_at is not None
        elif isinstance(obj, User):
            profile = getattr(obj, "freelancer_profile", None)
            text = obj.display_name or obj.username
            if profile is not None:
                text = f"{text}\n{profile.headline}\n\n{profile.bio}"
            hidden = profile is not None and profile.removed_at is not None
        elif isinstance(obj, PortfolioItem):
            text, hidden = f"{obj.title}\n\n{obj.description}", obj.removed_at is not None
        elif isinstance(obj, Review):
            text, hidden = obj.comment, obj.removed_at is not None
        else:
            text, hidden = obj.body, obj.removed_at is not None
        return format_html(
            '<div class="garap-pre-wrap">{}</div><div>{}</div>{}',
            text,
            admin_link(self.admin_site, obj, _("Open its admin page"))
            if self.admin_site.is_registered(type(obj))
            else "",
            format_html("<p><strong>{}</strong></p>", _("Removed: hidden from others."))
            if hidden
            else "",
        )

    @admin.action(description=gettext_lazy("Dismiss…"), permissions=["resolve_report"])
    def dismiss(
        self, request: SignedInHttpRequest, queryset: models.QuerySet
    ) -> HttpResponse | None:
        return self._resolve(request, queryset, Report.Outcome.DISMISSED, DismissForm, "dismiss")

    @admin.action(
        description=gettext_lazy("Remove the content (hide it)…"), permissions=["resolve_report"]
    )
    def remove_content(
        self, request: SignedInHttpRequest, queryset: models.QuerySet
    ) -> HttpResponse | None:
        return self._resolve(
            request, queryset, Report.Outcome.CONTENT_REMOVED, ReasonForm, "remove_content"
        )

    @admin.action(description=gettext_lazy("Warn the user…"), permissions=["resolve_report"])
    def warn_user(
        self, request: SignedInHttpRequest, queryset: models.QuerySet
    ) -> HttpResponse | None:
        return self._resolve(request, queryset, Report.Outcome.USER_WARNED, ReasonForm, "warn_user")

    @admin.action(description=gettext_lazy("Suspend the user…"), permissions=["suspend_user"])
    def suspend_user(
        self, request: SignedInHttpRequest, queryset: models.QuerySet
    ) -> HttpResponse | None:
        return self._resolve(
            request, queryset, Report.Outcome.USER_SUSPENDED, SuspendForm, "suspend_user"
        )

    def _resolve(
        self,
        request: SignedInHttpRequest,
        queryset: models.QuerySet,
        outcome: str,
        form_class: type[forms.Form],
        action_name: str,
    ) -> HttpResponse | None:
        return action_with_form(
            self,
            request,
            queryset,
            form_class=form_class,
            title=_("Resolve reports: %(outcome)s") % {"outcome": Report.Outcome(outcome).label},
            apply=_resolve(outcome),
            done_message=_("%(count)s report(s) resolved; the reporters were told."),
            action_name=action_name,
        )
