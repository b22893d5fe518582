"""The disputes console: open disputes, unanswered ones first; the change page shows the
whole contract (thread, deliveries, timeline) and settles the escrow between the parties.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from accounts.staff_admin import NoActionsOnOwnDeals, party_to, refused_as_party_text
from marketplace.admin_base import staff_has
from marketplace.errors import DomainError, NotFound
from marketplace.formatting import decimal, rupiah
from marketplace.rupiah import RupiahField
from marketplace.storage import download_response
from payments.fees import fee_basis_points
from projects.admin.base import ReadOnlyAdmin, admin_link, flag_text
from projects.models import (
    Dispute,
)
from projects.selectors import moderation_disputes as queues
from projects.services.milestones import milestone_resolve


class DisputeResolveForm(forms.Form):
    def __init__(self, *args: Any, amount: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["freelancer_amount"] = RupiahField(
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
            ngettext(
                "unanswered %(days)d day by %(user)s",
                "unanswered %(days)d days by %(user)s",
                queues.dispute_age_days(dispute),
            )
            % {
                "days": queues.dispute_age_days(dispute),
                "user": queues.dispute_silent_party(dispute).username,
            },
        )

    @admin.display(description=gettext_lazy("contract"))
    def contract_link(self, dispute: Dispute) -> str:
        contract = dispute.milestone.contract
        return admin_link(self.admin_site, contract, contract.gig.title)

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
        thread = list(queues.dispute_messages(dispute))
        for message in thread:
            # The content filter's kinds as moderators read them, in their language.
            message.flag_labels = flag_text(message.contact_flags)  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dispute on “%(milestone)s”") % {"milestone": dispute.milestone.title},
            "opts": self.opts,
            "original": dispute,
            "dispute": dispute,
            "milestone": dispute.milestone,
            "contract": contract,
            "contract_link": admin_link(self.admin_site, contract, contract),
            "gig_link": admin_link(self.admin_site, contract.gig, contract.gig.title),
            "escrow": rupiah(dispute.milestone.amount),
            "settled_amount": rupiah(dispute.freelancer_amount or 0),
            "age_days": queues.dispute_age_days(dispute),
            "silent_party": queues.dispute_silent_party(dispute),
            "response_days": settings.DISPUTE_RESPONSE_DAYS,
            "thread": thread,
            "deliveries": queues.dispute_deliveries(dispute),
            "timeline": queues.dispute_timeline(dispute),
            "can_resolve": dispute.status == Dispute.Status.OPEN
            and self.has_resolve_dispute_permission(request)
            and not party_to(dispute),
            "party_notice": refused_as_party_text()
            if party_to(dispute) and dispute.status == Dispute.Status.OPEN
            else "",
            "form": form,
            "fee_percent": decimal(Decimal(fee_basis_points()) / 100),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/projects/dispute/console.html", context)
