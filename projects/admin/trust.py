"""Trust and safety beyond reports: the contact filter's hits, and the trust checks on
contracts whose parties may be one person (their reviews held until a moderator decides).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import SignedInHttpRequest
from marketplace.admin_actions import (
    action_with_form,
    reason_field,
)
from marketplace.admin_base import staff_has
from projects.admin.base import ModerationPageMixin, ReadOnlyAdmin, admin_link, flag_text
from projects.models import (
    ContactHit,
    TrustCheck,
)
from projects.selectors.trust import contract_trust_signals, signal_labels
from projects.services.trust import trust_check_clear, trust_check_confirm


@admin.register(ContactHit)
class ContactHitAdmin(ReadOnlyAdmin):
    list_display = ["user", "source", "source_id", "kinds_shown", "created_at"]
    list_select_related = ["user"]
    list_filter = ["source", "created_at"]
    search_fields = ["user__username"]

    @admin.display(description=gettext_lazy("found"))
    def kinds_shown(self, hit: ContactHit) -> str:
        return flag_text(hit.kinds)


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
        return admin_link(self.admin_site, check.contract, str(check.contract))

    @admin.display(description=gettext_lazy("client"))
    def client(self, check: TrustCheck) -> str:
        return admin_link(self.admin_site, check.contract.client, check.contract.client.username)

    @admin.display(description=gettext_lazy("freelancer"))
    def freelancer(self, check: TrustCheck) -> str:
        user = check.contract.freelancer
        return admin_link(self.admin_site, user, user.username)

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
