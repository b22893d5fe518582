"""Suspensions: read-only once written; the add form and the lift action call the services
(registered by projects in ``accounts.moderation``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import BooleanField, Case, Value, When
from django.db.models.expressions import Combinable
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin.base import short_text
from accounts.models import Suspension, User
from accounts.models.users import suspension_in_force
from accounts.moderation import people_moderation
from accounts.requests import SignedInHttpRequest
from accounts.staff_admin import NoActionsOnOwnDeals
from marketplace.admin_actions import (
    action_with_form,
    future_or_empty,
    reason_field,
    suspension_end_field,
)
from marketplace.admin_base import staff_has
from marketplace.errors import DomainError
from marketplace.pages import add_domain_error

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups


class LiftForm(forms.Form):
    reason = reason_field(gettext_lazy("Why the suspension ends now (kept in the audit log)."))


class SuspensionStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [
            ("active", _("In force")),
            ("ended", _("Ended (end date passed)")),
            ("lifted", _("Lifted by a moderator")),
        ]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(suspension_in_force(now))
        if self.value() == "ended":
            return queryset.filter(lifted_at__isnull=True, ends_at__lte=now)
        if self.value() == "lifted":
            return queryset.filter(lifted_at__isnull=False)
        return queryset


class SuspensionAddForm(forms.ModelForm):
    """Suspending through the service: the service is the validation, so the form calls it
    while it is validated, inside the add view's transaction. A refusal becomes a form error
    and leaves nothing behind (the service's own transaction rolls back); on success the
    form's instance is the suspension the service made, and the admin saves nothing more."""

    ends_at = suspension_end_field()
    # Set per request by SuspensionAdmin.get_form: whoever suspends.
    moderator: User | None = None

    class Meta:
        model = Suspension
        fields = ["user", "reason", "ends_at"]
        help_texts = {"reason": gettext_lazy("The user is told this.")}

    def clean_ends_at(self) -> datetime | None:
        return future_or_empty(self.cleaned_data["ends_at"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what ModelForm.clean returns
        if self.errors or self.moderator is None:
            return cleaned
        try:
            self.instance = people_moderation().suspend(
                moderator=self.moderator,
                user_id=cleaned["user"].pk,
                reason=cleaned["reason"],
                ends_at=cleaned.get("ends_at"),
            )
        except DomainError as exc:
            add_domain_error(self, exc)
        return cleaned


@admin.register(Suspension)
class SuspensionAdmin(NoActionsOnOwnDeals, admin.ModelAdmin):
    """Suspensions in force first, then the newest. Added through ``suspension_create``, ended
    through ``suspension_lift``; never changed or deleted here."""

    list_display = [
        "user",
        "reason_short",
        "starts_at",
        "ends_at",
        "lifted_at",
        "created_by",
        "in_force",
    ]
    list_select_related = ["user", "created_by"]
    list_filter = [SuspensionStateFilter, "starts_at", "ends_at", "lifted_at"]
    search_fields = ["user__username", "reason"]
    autocomplete_fields = ["user"]
    fields = [
        "user",
        "reason",
        "starts_at",
        "ends_at",
        "created_by",
        "created_at",
        "lifted_at",
        "lifted_by",
        "lift_reason",
        "restored_at",
    ]
    actions = ["lift_selected"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Suspension]:
        # Not super(): it orders by get_ordering() before the annotation it names exists.
        in_force = Case(
            When(suspension_in_force(timezone.now()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        suspensions = Suspension.objects.annotate(active_now=in_force)
        return self.staff_party(request, suspensions).order_by(*self.get_ordering(request))

    def get_ordering(self, request: HttpRequest) -> list[str | Combinable]:
        return ["-active_now", "-starts_at", "-id"]

    def get_fields(self, request: HttpRequest, obj: Suspension | None = None) -> _FieldGroups:
        return ["user", "reason", "ends_at"] if obj is None else self.fields

    def get_form(
        self, request: HttpRequest, obj: Suspension | None = None, change: bool = False, **kwargs
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = type(
                "SuspensionAddForm", (SuspensionAddForm,), {"moderator": request.user}
            )
        return super().get_form(request, obj, change, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Suspension, form: forms.ModelForm, change: bool
    ) -> None:
        # suspension_create saved it (SuspensionAddForm.clean); a suspension is never changed.
        pass

    def has_add_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "accounts.add_suspension", "accounts.suspend_user")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_suspend_user_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "accounts.suspend_user")

    @admin.display(description=gettext_lazy("reason"), ordering="reason")
    def reason_short(self, suspension: Suspension) -> str:
        return short_text(suspension.reason)

    @admin.display(description=gettext_lazy("in force"), boolean=True, ordering="active_now")
    def in_force(self, suspension: Suspension) -> bool:
        return suspension.active_now  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.action(
        description=gettext_lazy("Lift selected suspensions…"), permissions=["suspend_user"]
    )
    def lift_selected(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[Suspension]
    ) -> HttpResponse | None:
        return action_with_form(
            self,
            request,
            queryset,
            form_class=LiftForm,
            title=_("Lift suspensions"),
            apply=lambda request, suspension, data: people_moderation().lift(
                moderator=request.user, suspension_id=suspension.pk, reason=data["reason"]
            ),
            done_message=_(
                "%(count)s suspension(s) lifted: the users' gigs are shown again; they were told."
            ),
            action_name="lift_selected",
        )
