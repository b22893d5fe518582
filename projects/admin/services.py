"""The service (jasa) moderation queue: pending review first, oldest first; approve, or reject
with a reason the freelancer reads in their language. The gig queue's shape
(projects.admin.gigs)."""

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
from marketplace.admin_actions import action_with_form, run_for_each
from marketplace.admin_base import staff_has
from marketplace.formatting import rupiah
from projects import content_filter
from projects.admin.base import ModerationPageMixin, ReadOnlyAdmin, RejectForm, flag_text
from projects.models import Service
from projects.selectors import moderation as queues
from projects.services.catalogue import service_approve, service_reject

# Reasons moderators give most; rendered in the freelancer's language when it is written.
COMMON_REJECT_REASONS = [
    (
        "off_platform",
        gettext_lazy("It asks clients to contact you or to pay outside Garap."),
    ),
    ("prohibited", gettext_lazy("The work offered is not allowed on Garap.")),
    (
        "unclear",
        gettext_lazy("The packages are unclear: say what each one delivers, and in how long."),
    ),
    ("duplicate", gettext_lazy("It repeats a service you already offer.")),
]


class ServiceRejectForm(RejectForm):
    common_reasons = COMMON_REJECT_REASONS
    reader_help = gettext_lazy("Added after the common reason. The freelancer reads it.")
    required_message = gettext_lazy("Choose a reason or write one: the freelancer is told why.")


@admin.register(Service)
class ServiceAdmin(ModerationPageMixin, ReadOnlyAdmin):
    """The service moderation queue: pending review first, oldest first."""

    list_display = [
        "title",
        "freelancer_link",
        "status",
        "category",
        "price_from_idr",
        "created_at",
        "flags",
        "freelancer_history",
    ]
    list_filter = ["status", "category", "created_at"]
    search_fields = ["title", "description", "freelancer__username"]
    actions = ["approve_selected", "reject_selected"]
    change_form_template = "admin/projects/moderation_change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "description",
                    "freelancer_link",
                    "category",
                    "package_list",
                    "status",
                    "rejection_reason",
                ]
            },
        ),
        (gettext_lazy("Content filter"), {"fields": ["flags", "filter_matches"]}),
        (gettext_lazy("The freelancer's history"), {"fields": ["freelancer_history"]}),
        (gettext_lazy("Dates"), {"fields": ["published_at", "created_at"]}),
    ]
    readonly_fields = [
        "freelancer_link",
        "price_from_idr",
        "package_list",
        "flags",
        "filter_matches",
        "freelancer_history",
        "published_at",
        "created_at",
    ]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Service]:
        return self.staff_party(request, queues.service_moderation_queue())

    def object_actions(self, service: Service) -> list[tuple[str, str]]:
        if service.status != Service.Status.PENDING_REVIEW:
            return []
        return [("approve_selected", _("Approve")), ("reject_selected", _("Reject…"))]

    def has_moderate_service_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "projects.moderate_service")

    @admin.display(description=gettext_lazy("freelancer"), ordering="freelancer__username")
    def freelancer_link(self, service: Service) -> str:
        url = (
            reverse("admin:projects_service_changelist")
            + f"?freelancer__id__exact={service.freelancer_id}"
        )
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            url,
            _("This freelancer's services"),
            service.freelancer.username,
        )

    @admin.display(description=gettext_lazy("price from"), ordering="price_from")
    def price_from_idr(self, service: Service) -> str:
        return "–" if service.price_from is None else rupiah(service.price_from)

    @admin.display(description=gettext_lazy("packages"))
    def package_list(self, service: Service) -> str:
        rows = [
            (package.get_tier_display(), package.name, rupiah(package.price), package.delivery_days)
            for package in service.packages.all()
        ]
        if not rows:
            return "–"
        return format_html_join("", "<div><strong>{}</strong> {}: {} · {} d</div>", rows)

    @admin.display(description=gettext_lazy("content-filter hits"))
    def flags(self, service: Service) -> str:
        return flag_text(service.content_flags) or "–"

    @admin.display(description=gettext_lazy("what the filter found"))
    def filter_matches(self, service: Service) -> str:
        """The filter's hits in the service's texts as they are now, each with its kind."""
        texts = [service.title, service.description]
        texts += [t for p in service.packages.all() for t in (p.name, p.description)]
        texts += [r.question for r in service.requirements.all()]
        rows = [
            (flag_text([hit.kind]), text[hit.start : hit.end])
            for text in texts
            for hit in content_filter.find_contacts(text)
        ]
        rows += [
            (flag_text(["prohibited"]), match.group(0))
            for text in texts
            for match in content_filter.PROHIBITED.finditer(text)
        ]
        if not rows:
            return "–"
        return format_html_join("", "<div><strong>{}</strong>: {}</div>", rows)

    @admin.display(
        description=gettext_lazy("freelancer's history"),
        ordering="freelancer_services_published",
    )
    def freelancer_history(self, service: Service) -> str:
        row: Any = service  # the freelancer's counts are annotated by get_queryset
        return _(
            "services published %(published)d · rejected before %(rejected)d · "
            "open reports %(reports)d · contact-filter hits %(hits)d"
        ) % {
            "published": row.freelancer_services_published,
            "rejected": row.freelancer_services_rejected,
            "reports": row.freelancer_open_reports,
            "hits": row.freelancer_contact_hits,
        }

    @admin.action(
        description=gettext_lazy("Approve selected services"), permissions=["moderate_service"]
    )
    def approve_selected(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[Service]
    ) -> None:
        run_for_each(
            self,
            request,
            queryset,
            lambda service: service_approve(service_id=service.pk, moderator=request.user),
            _("%(count)s service(s) approved."),
        )

    @admin.action(
        description=gettext_lazy("Reject selected services…"), permissions=["moderate_service"]
    )
    def reject_selected(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[Service]
    ) -> HttpResponse | None:
        return action_with_form(
            self,
            request,
            queryset,
            form_class=ServiceRejectForm,
            title=_("Reject services"),
            apply=lambda request, service, data: service_reject(
                service_id=service.pk,
                moderator=request.user,
                reason=ServiceRejectForm.reason_for(data, service.freelancer.preferred_language),
            ),
            done_message=_("%(count)s service(s) rejected; the freelancers can read why."),
            action_name="reject_selected",
        )
