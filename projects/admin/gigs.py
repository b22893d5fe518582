"""The gig moderation queue: pending review first, oldest first; approve, or reject with a
reason the client reads in their language.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import SignedInHttpRequest
from marketplace.admin_actions import (
    action_with_form,
    run_for_each,
)
from marketplace.admin_base import staff_has
from marketplace.formatting import rupiah
from projects import content_filter
from projects.admin.base import ModerationPageMixin, ReadOnlyAdmin, RejectForm, flag_text
from projects.models import (
    Gig,
)
from projects.selectors import moderation as queues
from projects.services.gigs import gig_approve, gig_reject

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


class GigRejectForm(RejectForm):
    common_reasons = COMMON_REJECT_REASONS
    reader_help = gettext_lazy("Added after the common reason. The client reads it.")
    required_message = gettext_lazy("Choose a reason or write one: the client is told why.")


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
        return flag_text(gig.content_flags) or "–"

    @admin.display(description=gettext_lazy("what the filter found"))
    def filter_matches(self, gig: Gig) -> str:
        """The filter's hits in the gig's text as it is now, each with its kind."""
        rows = [
            (flag_text([hit.kind]), text[hit.start : hit.end])
            for text in (gig.title, gig.description)
            for hit in content_filter.find_contacts(text)
        ]
        rows += [
            (flag_text(["prohibited"]), match.group(0))
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
                reason=GigRejectForm.reason_for(data, gig.client.preferred_language),
            ),
            done_message=_("%(count)s gig(s) rejected; the clients were told why."),
            action_name="reject_selected",
        )
