"""The moderators' admin for projects: the gig queue, reports, the disputes console, and
read-only lists of contracts, bids, messages, reviews and contact-filter hits.

Nobody edits these rows by hand here (not even a superuser): every page but the taxonomy is
read-only, and every moderator action calls the service that does it (and writes its audit
record). An action is offered only to someone holding its exact permission
(``allowed_permissions``); the service checks again. Each changelist takes its per-row figures
from the queue selectors' annotations (``projects.selectors.moderation``) and ``select_related``,
so a page costs the same number of queries whatever its length.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Category, PortfolioItem, Skill, User
from accounts.requests import SignedInHttpRequest
from accounts.staff_admin import NoActionsOnOwnDeals, party_to, refused_as_party_text
from marketplace import admin_base
from marketplace.admin_actions import (
    Apply,
    action_with_form,
    future_or_empty,
    reason_field,
    run_for_each,
    suspension_end_field,
)
from marketplace.admin_base import ReadOnlyInline, staff_has
from marketplace.errors import DomainError, NotFound
from marketplace.formatting import rupiah
from marketplace.storage import download_response
from payments.fees import fee_basis_points
from projects import content_filter
from projects.models import (
    Bid,
    ContactHit,
    Contract,
    ContractMessage,
    Dispute,
    Gig,
    Milestone,
    Report,
    Review,
    TrustCheck,
)
from projects.selectors import moderation as queues
from projects.selectors.trust import contract_trust_signals, signal_labels
from projects.services.gigs import gig_approve, gig_reject
from projects.services.milestones import milestone_resolve
from projects.services.reports import report_resolve
from projects.services.trust import trust_check_clear, trust_check_confirm

# What the content filter's kinds (``projects.content_filter.scan``) mean, for moderators;
# a kind missing here is shown as it is stored.
FLAG_LABELS = {
    "email": gettext_lazy("e-mail address"),
    "phone": gettext_lazy("phone number"),
    "link": gettext_lazy("link to a messaging or social app"),
    "social_handle": gettext_lazy("social media handle"),
    "messaging_app": gettext_lazy("messaging app"),
    "off_platform": gettext_lazy("invitation to deal outside Garap"),
    "prohibited": gettext_lazy("prohibited work"),
}


def _flags(kinds: list[str]) -> str:
    return ", ".join(str(FLAG_LABELS.get(kind, kind)) for kind in kinds or [])


def _admin_link(site: admin.AdminSite, obj: models.Model | None, text: object) -> str:
    """A link to ``obj``'s admin page when its model is registered here, else the text."""
    if obj is None or not site.is_registered(type(obj)):
        return format_html("{}", text)
    meta = obj._meta
    try:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return format_html("{}", text)
    return format_html('<a href="{}">{}</a>', url, text)


class ReadOnlyAdmin(admin_base.ReadOnlyAdmin):
    list_per_page = 50  # the moderators' long lists


class RemovedFilter(admin.SimpleListFilter):
    """Removed by a moderator (hidden, never deleted) or not."""

    title = gettext_lazy("removed by a moderator")
    parameter_name = "removed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Removed")), ("no", _("Shown"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(removed_at__isnull=self.value() == "no")
        return queryset


# --- taxonomy (staff with the model permissions edit it) ---------------------------------------


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_id", "name_en", "min_price", "is_active", "position"]
    list_editable = ["min_price", "is_active", "position"]
    search_fields = ["slug", "name_id", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "category"]
    list_filter = ["category"]
    list_select_related = ["category"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}


# --- the gig moderation queue -----------------------------------------------------------------

# Reasons moderators give most; rendered in the client's language when the notice is written.
COMMON_REJECT_REASONS = [
    (
        "off_platform",
        gettext_lazy("It asks freelancers to contact you or to be paid outside Garap."),
    ),
    ("prohibited", gettext_lazy("The work asked for is not allowed on Garap.")),
    ("unclear", gettext_lazy("The task is unclear: say what should be delivered, and by when.")),
    ("budget", gettext_lazy("The budget does not fit the work asked for.")),
    ("duplicate", gettext_lazy("It repeats a gig you already posted.")),
]


class GigRejectForm(forms.Form):
    common_reason = forms.ChoiceField(
        label=gettext_lazy("Common reason"),
        choices=[("", "—"), *COMMON_REJECT_REASONS],
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason in your words"),
        help_text=gettext_lazy("Added after the common reason. The client reads it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        if not data.get("common_reason") and not (data.get("reason") or "").strip():
            raise forms.ValidationError(
                _("Choose a reason or write one: the client is told why."), code="required"
            )
        return data


def reject_reason(data: dict[str, Any], language: str) -> str:
    """The reason the client reads: the common reason in their language, then the free text."""
    parts = []
    if data.get("common_reason"):
        with translation.override(language):
            parts.append(str(dict(COMMON_REJECT_REASONS)[data["common_reason"]]))
    if (data.get("reason") or "").strip():
        parts.append(data["reason"].strip())
    return " ".join(parts)


class HiddenFilter(admin.SimpleListFilter):
    title = gettext_lazy("hidden")
    parameter_name = "hidden"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [
            ("no", _("Shown")),
            (Gig.HiddenReason.REMOVED, _("Removed by a moderator")),
            (Gig.HiddenReason.SUSPENDED, _("Client suspended")),
        ]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        if self.value() in Gig.HiddenReason.values:
            return queryset.filter(hidden_at__isnull=False, hidden_reason=self.value())
        return queryset


class ModerationPageMixin(NoActionsOnOwnDeals):
    """Buttons on a change page that run the changelist's actions for this one object: the
    same action, permission check and service as selecting the row in the list. None on an
    object the viewer is a party to, nor its row's checkbox in the list (NoActionsOnOwnDeals)."""

    def object_actions(self, obj: Any) -> list[tuple[str, str]]:
        """(action name, button label) of the actions that make sense for this object now."""
        return []

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        buttons = []
        if obj is not None and party_to(obj):
            if self.object_actions(obj):
                self.message_user(request, refused_as_party_text(), messages.WARNING)  # type: ignore[attr-defined]
        elif obj is not None:
            offered = self.get_actions(request)  # type: ignore[attr-defined]
            buttons = [(name, label) for name, label in self.object_actions(obj) if name in offered]
        extra = {**(extra_context or {}), "object_actions": buttons}
        return super().change_view(request, object_id, form_url, extra)  # type: ignore[misc]


@admin.register(Gig)
class GigAdmin(ModerationPageMixin, ReadOnlyAdmin):
    """The gig moderation queue: pending review first, oldest first."""

    list_display = [
        "title",
        "client_link",
        "status",
        "category",
        "budget_idr",
        "created_at",
        "flags",
        "client_history",
    ]
    list_filter = ["status", "category", "created_at", HiddenFilter]
    search_fields = ["title", "description", "client__username"]
    actions = ["approve_selected", "reject_selected"]
    change_form_template = "admin/projects/moderation_change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "description",
                    "client_link",
                    "category",
                    "budget_idr",
                    "bidding_deadline",
                    "delivery_deadline",
                    "visibility",
                    "status",
                    "rejection_reason",
                ]
            },
        ),
        (gettext_lazy("Content filter"), {"fields": ["flags", "filter_matches"]}),
        (gettext_lazy("The client's history"), {"fields": ["client_history"]}),
        (
            gettext_lazy("Visibility and dates"),
            {"fields": ["hidden_at", "hidden_reason", "published_at", "created_at"]},
        ),
    ]
    readonly_fields = [
        "client_link",
        "budget_idr",
        "flags",
        "filter_matches",
        "client_history",
        "published_at",
        "created_at",
    ]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Gig]:
        return self.staff_party(request, queues.gig_moderation_queue())

    def object_actions(self, gig: Gig) -> list[tuple[str, str]]:
        if gig.status != Gig.Status.PENDING_REVIEW:
            return []
        return [("approve_selected", _("Approve")), ("reject_selected", _("Reject…"))]

    def has_moderate_gig_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "projects.moderate_gig")

    @admin.display(description=gettext_lazy("client"), ordering="client__username")
    def client_link(self, gig: Gig) -> str:
        url = reverse("admin:projects_gig_changelist") + f"?client__id__exact={gig.client_id}"
        return format_html(
            '<a href="{}" title="{}">{}</a>', url, _("This client's gigs"), gig.client.username
        )

    @admin.display(description=gettext_lazy("budget"), ordering="budget")
    def budget_idr(self, gig: Gig) -> str:
        return rupiah(gig.budget)

    @admin.display(description=gettext_lazy("content-filter hits"))
    def flags(self, gig: Gig) -> str:
        return _flags(gig.content_flags) or "–"

    @admin.display(description=gettext_lazy("what the filter found"))
    def filter_matches(self, gig: Gig) -> str:
        """The filter's hits in the gig's text as it is now, each with its kind."""
        rows = [
            (_flags([hit.kind]), text[hit.start : hit.end])
            for text in (gig.title, gig.description)
            for hit in content_filter.find_contacts(text)
        ]
        rows += [
            (_flags(["prohibited"]), match.group(0))
            for text in (gig.title, gig.description)
            for match in content_filter.PROHIBITED.finditer(text)
        ]
        if not rows:
            return "–"
        return format_html_join("", "<div><strong>{}</strong>: {}</div>", rows)

    @admin.display(description=gettext_lazy("client's history"), ordering="client_gigs_posted")
    def client_history(self, gig: Gig) -> str:
        row: Any = gig  # the client's counts are annotated by get_queryset
        return _(
            "posted %(posted)d · completed %(completed)d · rejected before %(rejected)d · "
            "open reports %(reports)d · contact-filter hits %(hits)d"
        ) % {
            "posted": row.client_gigs_posted,
            "completed": row.client_gigs_completed,
            "rejected": row.client_gigs_rejected,
            "reports": row.client_open_reports,
            "hits": row.client_contact_hits,
        }

    @admin.action(description=gettext_lazy("Approve selected gigs"), permissions=["moderate_gig"])
    def approve_selected(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[Gig]
    ) -> None:
        run_for_each(
            self,
            request,
            queryset,
            lambda gig: gig_approve(gig_id=gig.pk, moderator=request.user),
            _("%(count)s gig(s) approved; the clients were told."),
        )

    @admin.action(description=gettext_lazy("Reject selected gigs…"), permissions=["moderate_gig"])
    def reject_selected(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[Gig]
    ) -> HttpResponse | None:
        return action_with_form(
            self,
            request,
            queryset,
            form_class=GigRejectForm,
            title=_("Reject gigs"),
            apply=lambda request, gig, data: gig_reject(
                gig_id=gig.pk,
                moderator=request.user,
                reason=reject_reason(data, gig.client.preferred_language),
            ),
            done_message=_("%(count)s gig(s) rejected; the clients were told why."),
            action_name="reject_selected",
        )


# --- the report queue -------------------------------------------------------------------------

REPORT_TARGET_MODELS: dict[str, type[models.Model]] = {
    Report.TargetType.GIG: Gig,
    Report.TargetType.BID: Bid,
    Report.TargetType.PROFILE: User,
    Report.TargetType.PORTFOLIO_ITEM: PortfolioItem,
    Report.TargetType.REVIEW: Review,
    Report.TargetType.MESSAGE: ContractMessage,
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
            _admin_link(self.admin_site, obj, _("Open its admin page"))
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


# --- the disputes console ---------------------------------------------------------------------


class DisputeResolveForm(forms.Form):
    def __init__(self, *args: Any, amount: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["freelancer_amount"] = forms.IntegerField(
            label=_("To the freelancer (Rp, before the fee)"),
            help_text=_("Between Rp 0 and %(amount)s; the rest goes back to the client.")
            % {"amount": rupiah(amount)},
            min_value=0,
            max_value=amount,
        )
        self.fields["note"] = forms.CharField(
            label=_("Why this split"),
            help_text=_("Kept in the audit log and on the dispute."),
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=2000,
        )


class UnansweredFilter(admin.SimpleListFilter):
    title = gettext_lazy("unanswered")
    parameter_name = "unanswered"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Unanswered")), ("no", _("Answered or recent"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(unanswered=self.value() == "yes")
        return queryset


@admin.register(Dispute)
class DisputeAdmin(NoActionsOnOwnDeals, ReadOnlyAdmin):
    """Open disputes, unanswered ones first; the change page is the console to settle one."""

    list_display = [
        "__str__",
        "flag",
        "contract_link",
        "milestone_amount",
        "client",
        "freelancer",
        "opened_by",
        "age",
        "status",
    ]
    list_filter = ["status", UnansweredFilter, "created_at"]
    search_fields = [
        "milestone__contract__client__username",
        "milestone__contract__freelancer__username",
        "milestone__contract__gig__title",
    ]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Dispute]:
        return self.staff_party(request, queues.dispute_console())

    def has_resolve_dispute_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "projects.resolve_dispute")

    @admin.display(description=gettext_lazy("unanswered"), ordering="queue_rank")
    def flag(self, dispute: Dispute) -> str:
        if not dispute.unanswered:  # type: ignore[attr-defined]  # annotated by get_queryset
            return "–"
        return format_html(
            '<strong class="garap-flag">{}</strong>',
            _("unanswered %(days)d days by %(user)s")
            % {
                "days": queues.dispute_age_days(dispute),
                "user": queues.dispute_silent_party(dispute).username,
            },
        )

    @admin.display(description=gettext_lazy("contract"))
    def contract_link(self, dispute: Dispute) -> str:
        contract = dispute.milestone.contract
        return _admin_link(self.admin_site, contract, contract.gig.title)

    @admin.display(description=gettext_lazy("milestone amount"), ordering="milestone__amount")
    def milestone_amount(self, dispute: Dispute) -> str:
        return rupiah(dispute.milestone.amount)

    @admin.display(description=gettext_lazy("client"))
    def client(self, dispute: Dispute) -> str:
        return dispute.milestone.contract.client.username

    @admin.display(description=gettext_lazy("freelancer"))
    def freelancer(self, dispute: Dispute) -> str:
        return dispute.milestone.contract.freelancer.username

    @admin.display(description=gettext_lazy("age (days)"), ordering="created_at")
    def age(self, dispute: Dispute) -> int:
        return queues.dispute_age_days(dispute)

    def get_urls(self) -> list:
        return [
            path(
                "<path:object_id>/files/<str:kind>/<int:file_id>/",
                self.admin_site.admin_view(self.file_view),
                name="projects_dispute_file",
            ),
            *super().get_urls(),
        ]

    def file_view(
        self, request: HttpRequest, object_id: str, kind: str, file_id: int
    ) -> FileResponse:
        """A delivered or attached file of the dispute, for whoever may view the console:
        private files are never linked by their storage path."""
        dispute = self.get_object(request, unquote(object_id))
        if dispute is None or not self.has_view_permission(request, dispute):
            raise Http404
        try:
            found = queues.dispute_file_get(dispute=dispute, kind=kind, file_id=file_id)
        except NotFound as exc:
            raise Http404 from exc
        return download_response(found.file, found.original_name)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The console: everything about the dispute, and on POST the settlement."""
        dispute = self.get_object(request, unquote(object_id))
        if dispute is None:
            # Django's own "no such object" answer; private, so not in django-stubs.
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]
        if not self.has_view_permission(request, dispute):
            raise PermissionDenied
        amount = dispute.milestone.amount
        if request.method != "POST":
            return self._console(request, dispute, DisputeResolveForm(amount=amount))
        if not self.has_resolve_dispute_permission(request):
            raise PermissionDenied
        if dispute.status != Dispute.Status.OPEN:
            self.message_user(request, _("This dispute is already settled."), messages.WARNING)
            return HttpResponseRedirect(request.path)
        form = DisputeResolveForm(request.POST, amount=amount)
        if form.is_valid():
            try:
                milestone_resolve(
                    milestone_id=dispute.milestone_id,
                    # The admin site lets signed-in staff only in (``change_view`` keeps
                    # Django's wider request type).
                    moderator=cast(User, request.user),
                    freelancer_amount=form.cleaned_data["freelancer_amount"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                field = "freelancer_amount" if "freelancer_amount" in exc.fields else None
                form.add_error(field, exc.message)
            else:
                self.message_user(
                    request,
                    _("Dispute settled: %(amount)s to the freelancer, the rest to the client.")
                    % {"amount": rupiah(form.cleaned_data["freelancer_amount"])},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:projects_dispute_changelist"))
        return self._console(request, dispute, form)

    def _console(
        self, request: HttpRequest, dispute: Dispute, form: DisputeResolveForm
    ) -> TemplateResponse:
        contract = dispute.milestone.contract
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dispute on “%(milestone)s”") % {"milestone": dispute.milestone.title},
            "opts": self.opts,
            "original": dispute,
            "dispute": dispute,
            "milestone": dispute.milestone,
            "contract": contract,
            "contract_link": _admin_link(self.admin_site, contract, contract),
            "gig_link": _admin_link(self.admin_site, contract.gig, contract.gig.title),
            "escrow": rupiah(dispute.milestone.amount),
            "settled_amount": rupiah(dispute.freelancer_amount or 0),
            "age_days": queues.dispute_age_days(dispute),
            "silent_party": queues.dispute_silent_party(dispute),
            "response_days": settings.DISPUTE_RESPONSE_DAYS,
            "thread": queues.dispute_messages(dispute),
            "deliveries": queues.dispute_deliveries(dispute),
            "timeline": queues.dispute_timeline(dispute),
            "can_resolve": dispute.status == Dispute.Status.OPEN
            and self.has_resolve_dispute_permission(request)
            and not party_to(dispute),
            "party_notice": refused_as_party_text()
            if party_to(dispute) and dispute.status == Dispute.Status.OPEN
            else "",
            "form": form,
            "fee_percent": f"{fee_basis_points() / 100:g}",
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/projects/dispute/console.html", context)


# --- contracts and the read-only lists --------------------------------------------------------


class SuspendedPartyFilter(admin.SimpleListFilter):
    """Active contracts with a suspended party: the moderators' list to settle."""

    title = gettext_lazy("a party is suspended now")
    parameter_name = "suspended_party"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Yes (active contracts)"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() == "yes":
            return queryset.filter(pk__in=queues.contracts_with_suspended_party().values("pk"))
        return queryset


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["position", "title", "amount", "status", "due_at", "funded_at", "closed_at"]
    readonly_fields = fields  # type: ignore[assignment]  # all of them: names only


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "gig_title",
        "client",
        "freelancer",
        "amount_idr",
        "status",
        "party_suspended",
        "created_at",
    ]
    list_filter = [SuspendedPartyFilter, "status", "created_at"]
    search_fields = ["client__username", "freelancer__username", "gig__title"]
    inlines = [MilestoneInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Everything is read-only here; the trust signals are computed for this contract now.
        return [*super().get_readonly_fields(request, obj), "trust_signals"]

    @admin.display(description=gettext_lazy("trust signals (the parties may be one person)"))
    def trust_signals(self, contract: Contract) -> str:
        found = signal_labels(contract_trust_signals(contract=contract))
        check = TrustCheck.objects.filter(contract=contract).first()
        status = (
            _admin_link(self.admin_site, check, check.get_status_display()) if check else _("none")
        )
        return format_html(
            "{}<br>{}: {}",
            "; ".join(found) or _("none found now"),
            _("Review of its reviews"),
            status,
        )

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Contract]:
        return queues.contract_list_for_moderators()

    @admin.display(description=gettext_lazy("gig"), ordering="gig__title")
    def gig_title(self, contract: Contract) -> str:
        return contract.gig.title

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_idr(self, contract: Contract) -> str:
        return rupiah(contract.amount)

    @admin.display(description=gettext_lazy("to settle: a party is suspended"), boolean=True)
    def party_suspended(self, contract: Contract) -> bool:
        return contract.party_suspended  # type: ignore[attr-defined]  # annotated by get_queryset


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "gig_title",
        "freelancer",
        "amount_idr",
        "status",
        "flags",
        "removed",
        "created_at",
    ]
    list_select_related = ["gig", "freelancer"]
    list_filter = ["status", RemovedFilter, "created_at"]
    search_fields = ["freelancer__username", "gig__title"]

    @admin.display(description=gettext_lazy("gig"), ordering="gig__title")
    def gig_title(self, bid: Bid) -> str:
        return bid.gig.title

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_idr(self, bid: Bid) -> str:
        return rupiah(bid.amount)

    @admin.display(description=gettext_lazy("contact-filter hits"))
    def flags(self, bid: Bid) -> str:
        return _flags(bid.contact_flags) or "–"

    @admin.display(description=gettext_lazy("removed"), boolean=True, ordering="removed_at")
    def removed(self, bid: Bid) -> bool:
        return bid.removed_at is not None


@admin.register(ContractMessage)
class ContractMessageAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "sender", "excerpt", "flags", "removed", "created_at"]
    list_select_related = ["sender"]
    list_filter = [RemovedFilter, "created_at"]
    search_fields = ["sender__username", "body"]

    @admin.display(description=gettext_lazy("message"))
    def excerpt(self, message: ContractMessage) -> str:
        return message.body[:80]

    @admin.display(description=gettext_lazy("contact-filter hits"))
    def flags(self, message: ContractMessage) -> str:
        return _flags(message.contact_flags) or "–"

    @admin.display(description=gettext_lazy("removed"), boolean=True, ordering="removed_at")
    def removed(self, message: ContractMessage) -> bool:
        return message.removed_at is not None


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "author",
        "subject_role",
        "scores",
        "excerpt",
        "revealed_at",
        "removed",
        "created_at",
    ]
    list_select_related = ["author", "subject"]
    list_filter = [RemovedFilter, "subject_role", "created_at"]
    search_fields = ["author__username", "subject__username", "comment"]

    @admin.display(description=gettext_lazy("quality / communication / value"))
    def scores(self, review: Review) -> str:
        return f"{review.quality} / {review.communication} / {review.value}"

    @admin.display(description=gettext_lazy("comment"))
    def excerpt(self, review: Review) -> str:
        return review.comment[:80]

    @admin.display(description=gettext_lazy("removed"), boolean=True, ordering="removed_at")
    def removed(self, review: Review) -> bool:
        return review.removed_at is not None


@admin.register(ContactHit)
class ContactHitAdmin(ReadOnlyAdmin):
    list_display = ["user", "source", "source_id", "kinds_shown", "created_at"]
    list_select_related = ["user"]
    list_filter = ["source", "created_at"]
    search_fields = ["user__username"]

    @admin.display(description=gettext_lazy("found"))
    def kinds_shown(self, hit: ContactHit) -> str:
        return _flags(hit.kinds)


# --- trust checks: contracts whose parties may be one person ------------------------------------


class TrustConfirmForm(forms.Form):
    reason = reason_field(
        gettext_lazy("Why the two accounts are one person. Both users are told this.")
    )
    then = forms.ChoiceField(
        label=gettext_lazy("And then"),
        choices=[
            ("warn", gettext_lazy("Warn both accounts")),
            ("suspend", gettext_lazy("Suspend both accounts until a moderator lifts it")),
        ],
        initial="warn",
    )


class TrustClearForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        help_text=gettext_lazy("Why these are different people (for the audit log)."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


@admin.register(TrustCheck)
class TrustCheckAdmin(ModerationPageMixin, ReadOnlyAdmin):
    """Contracts whose reviews are held because the parties may be one person: held first."""

    list_display = [
        "contract_link",
        "client",
        "freelancer",
        "signal_list",
        "status",
        "found_at",
        "reviewed_by",
    ]
    list_filter = ["status", "found_at"]
    search_fields = ["contract__client__username", "contract__freelancer__username"]
    actions = ["clear_selected", "confirm_selected"]
    change_form_template = "admin/projects/moderation_change_form.html"
    fields = [
        "contract_link",
        "client",
        "freelancer",
        "signal_list",
        "signals_now",
        "status",
        "found_at",
        "reviewed_by",
        "reviewed_at",
        "note",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # all of them: names only

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[TrustCheck]:
        held_first = models.Case(models.When(status=TrustCheck.Status.HELD, then=0), default=1)
        return (
            super()
            .get_queryset(request)
            .select_related("contract__client", "contract__freelancer", "reviewed_by")
            .order_by(held_first, "found_at", "contract_id")
        )

    def object_actions(self, check: TrustCheck) -> list[tuple[str, str]]:
        if check.status == TrustCheck.Status.CONFIRMED:
            return []
        actions = [("confirm_selected", _("Confirm: one person…"))]
        if check.status == TrustCheck.Status.HELD:
            actions.insert(0, ("clear_selected", _("Clear: different people…")))
        return actions

    def has_resolve_report_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "projects.resolve_report")

    @admin.display(description=gettext_lazy("contract"), ordering="contract_id")
    def contract_link(self, check: TrustCheck) -> str:
        return _admin_link(self.admin_site, check.contract, str(check.contract))

    @admin.display(description=gettext_lazy("client"))
    def client(self, check: TrustCheck) -> str:
        return _admin_link(self.admin_site, check.contract.client, check.contract.client.username)

    @admin.display(description=gettext_lazy("freelancer"))
    def freelancer(self, check: TrustCheck) -> str:
        user = check.contract.freelancer
        return _admin_link(self.admin_site, user, user.username)

    @admin.display(description=gettext_lazy("signals found"))
    def signal_list(self, check: TrustCheck) -> str:
        return "; ".join(signal_labels(check.signals))

    @admin.display(description=gettext_lazy("signals now"))
    def signals_now(self, check: TrustCheck) -> str:
        return "; ".join(signal_labels(contract_trust_signals(contract=check.contract))) or "–"

    @admin.action(
        description=gettext_lazy("Clear: different people (the reviews count)…"),
        permissions=["resolve_report"],
    )
    def clear_selected(self, request: SignedInHttpRequest, queryset: models.QuerySet) -> Any:
        return action_with_form(
            self,
            request,
            queryset,
            form_class=TrustClearForm,
            title=_("Clear trust checks"),
            apply=lambda request, check, data: trust_check_clear(
                moderator=request.user, contract_id=check.contract_id, note=data["note"]
            ),
            done_message=_("%(count)s contract(s) cleared; their reviews count."),
            action_name="clear_selected",
        )

    @admin.action(
        description=gettext_lazy("Confirm: one person (the reviews never count)…"),
        permissions=["resolve_report"],
    )
    def confirm_selected(self, request: SignedInHttpRequest, queryset: models.QuerySet) -> Any:
        return action_with_form(
            self,
            request,
            queryset,
            form_class=TrustConfirmForm,
            title=_("Confirm collusion"),
            apply=lambda request, check, data: trust_check_confirm(
                moderator=request.user,
                contract_id=check.contract_id,
                reason=data["reason"],
                suspend=data["then"] == "suspend",
            ),
            done_message=_("%(count)s contract(s) confirmed; both accounts were told."),
            action_name="confirm_selected",
        )
