"""Users: who is suspended now, where they sign in from and who else does, their record in the
audit log; suspending and warning are actions with a small form.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import selectors
from accounts.admin.base import short_text
from accounts.models import ModeratorAction, Suspension, User
from accounts.moderation import people_moderation
from accounts.requests import SignedInHttpRequest
from accounts.staff_admin import NoActionsOnOwnDeals
from marketplace.admin_actions import (
    action_with_form,
    future_or_empty,
    reason_field,
    suspension_end_field,
)
from marketplace.admin_base import ReadOnlyInline, TranslatedPermissionsMixin, staff_has
from marketplace.formatting import local_datetime

# How many of a user's audit records their page lists; the rest are a link away.
HISTORY_ON_USER_PAGE = 20


class SuspendForm(forms.Form):
    reason = reason_field(gettext_lazy("The user is told this."))
    ends_at = suspension_end_field()

    def clean_ends_at(self) -> datetime | None:
        return future_or_empty(self.cleaned_data["ends_at"])


class WarnForm(forms.Form):
    reason = reason_field(gettext_lazy("The user is told this; it stays on their record."))


class SuspendedNowFilter(admin.SimpleListFilter):
    title = gettext_lazy("suspended now")
    parameter_name = "suspended"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(suspended_now=self.value() == "yes")
        return queryset


class UserSuspensionInline(ReadOnlyInline):
    """The user's suspensions, newest first, read-only: a suspension changes only by lifting."""

    model = Suspension
    fk_name = "user"
    fields = ["starts_at", "ends_at", "reason", "created_by", "lifted_at", "lifted_by"]
    readonly_fields = fields  # type: ignore[assignment]  # all of them: names only
    ordering = ["-starts_at", "-id"]
    show_change_link = True
    verbose_name_plural = gettext_lazy("suspensions")

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Suspension]:
        return super().get_queryset(request).select_related("created_by", "lifted_by")


@admin.register(User)
class UserAdmin(NoActionsOnOwnDeals, TranslatedPermissionsMixin, DjangoUserAdmin):
    """People. Moderators (view permission only) see a user's page read-only, with their
    suspensions and the audit records about them, and suspend or warn from the list."""

    list_display = [
        "username",
        "email",
        "display_name",
        "preferred_language",
        "is_staff",
        "suspended",
        "date_joined",
    ]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
        "preferred_language",
        SuspendedNowFilter,
        "date_joined",
    ]
    search_fields = ["username", "email", "display_name"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (gettext_lazy("Garap"), {"fields": ("display_name", "preferred_language")}),
        (
            gettext_lazy("Moderation"),
            {"fields": ("suspension_status", "moderation_record", "shared_sign_in_places")},
        ),
    )
    readonly_fields = ["suspension_status", "moderation_record", "shared_sign_in_places"]
    inlines = [UserSuspensionInline]
    actions = ["suspend_selected", "warn_selected"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[User]:
        active = Suspension.objects.in_force(timezone.now()).filter(user=OuterRef("pk"))
        users = super().get_queryset(request).annotate(suspended_now=Exists(active))
        # Oneself and whoever one has an active contract with: no suspend or warn offered.
        return self.staff_party(request, users)

    def get_inlines(self, request: HttpRequest, obj: User | None) -> list:
        # A user being created has no suspensions to show.
        return self.inlines if obj is not None else []

    def has_suspend_user_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "accounts.suspend_user")

    def has_warn_user_permission(self, request: HttpRequest) -> bool:
        # user_warn is part of settling reports: the same permission as resolving one.
        return staff_has(request, "projects.resolve_report")

    @admin.display(
        description=gettext_lazy("suspended now"), boolean=True, ordering="suspended_now"
    )
    def suspended(self, user: User) -> bool:
        return user.suspended_now  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description=gettext_lazy("suspension"))
    def suspension_status(self, user: User) -> str:
        if user.pk is None:
            return "–"
        now = timezone.now()
        current = (
            Suspension.objects.in_force(now).filter(user=user).order_by("-starts_at", "-id").first()
        )
        if current is None:
            return _("Not suspended.")
        if current.ends_at is None:
            return _("Suspended until a moderator lifts it: %(reason)s") % {
                "reason": current.reason
            }
        return _("Suspended until %(until)s: %(reason)s") % {
            "until": local_datetime(current.ends_at),
            "reason": current.reason,
        }

    @admin.display(description=gettext_lazy("moderator actions about this user"))
    def moderation_record(self, user: User) -> str:
        if user.pk is None:
            return "–"
        records = list(
            ModeratorAction.objects.filter(target_type="accounts.user", target_id=user.pk)
            .select_related("moderator")
            .order_by("-created_at", "-id")[:HISTORY_ON_USER_PAGE]
        )
        if not records:
            return _("None.")
        url = (
            reverse("admin:accounts_moderatoraction_changelist")
            + "?"
            + urlencode({"target_type": "accounts.user", "target_id": user.pk})
        )
        rows = format_html_join(
            "",
            "<li>{} · {} · {}{}</li>",
            (
                (
                    local_datetime(record.created_at),
                    record.moderator.username,
                    record.get_action_display(),
                    f": {short_text(record.reason)}" if record.reason else "",
                )
                for record in records
            ),
        )
        return format_html('<ul>{}</ul><a href="{}">{}</a>', rows, url, _("All of them"))

    @admin.display(
        description=gettext_lazy("other accounts signing in from the same address or browser")
    )
    def shared_sign_in_places(self, user: User) -> str:
        # Only keyed hashes are stored (accounts.models.SignIn): equal or not is all one sees.
        if user.pk is None:
            return "–"
        neighbours = selectors.sign_in_neighbours(user_id=user.pk)
        if not neighbours:
            return _("None.")
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> · {}</li>',
            (
                (
                    reverse("admin:accounts_user_change", args=[n["user"].pk]),
                    n["user"].username,
                    ", ".join(
                        str(label)
                        for shared, label in (
                            (n["address"], _("same address")),
                            (n["device"], _("same browser")),
                        )
                        if shared
                    ),
                )
                for n in neighbours
            ),
        )
        return format_html("<ul>{}</ul>", rows)

    @admin.action(description=gettext_lazy("Suspend selected users…"), permissions=["suspend_user"])
    def suspend_selected(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[User]
    ) -> HttpResponse | None:
        return action_with_form(
            self,
            request,
            queryset,
            form_class=SuspendForm,
            title=_("Suspend users"),
            apply=lambda request, user, data: people_moderation().suspend(
                moderator=request.user,
                user_id=user.pk,
                reason=data["reason"],
                ends_at=data["ends_at"],
            ),
            done_message=_(
                "%(count)s user(s) suspended: their open gigs are hidden and their live bids "
                "withdrawn; they were told why."
            ),
            action_name="suspend_selected",
        )

    @admin.action(description=gettext_lazy("Warn selected users…"), permissions=["warn_user"])
    def warn_selected(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[User]
    ) -> HttpResponse | None:
        return action_with_form(
            self,
            request,
            queryset,
            form_class=WarnForm,
            title=_("Warn users"),
            apply=lambda request, user, data: people_moderation().warn(
                moderator=request.user, user_id=user.pk, reason=data["reason"]
            ),
            done_message=_("%(count)s user(s) warned; they were told why."),
            action_name="warn_selected",
        )
