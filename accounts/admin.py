"""The admin for people: users, their suspensions, API tokens and the moderators' audit log.

Moderators act here through the services, never by editing rows: suspending, lifting and
warning are actions with a small form, and the add form for a suspension calls the suspending
service. Those services live in ``projects`` (suspending hides gigs and withdraws bids), which
registers them in ``accounts.moderation`` at start-up: accounts imports no app above it. An
action is offered only to someone holding its exact permission (``allowed_permissions``); the
service checks again. Suspensions and the audit log are read-only once written, for everyone.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import BooleanField, Case, Exists, OuterRef, Value, When
from django.db.models.expressions import Combinable
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import selectors
from accounts.models import AuthToken, ModeratorAction, Suspension, User
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
from marketplace.admin_base import ReadOnlyAdmin, ReadOnlyInline, staff_has
from marketplace.errors import DomainError
from marketplace.pages import add_domain_error

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups

# How many of a user's audit records their page lists; the rest are a link away.
HISTORY_ON_USER_PAGE = 20


def _short(text: str, words: int = 12) -> str:
    return Truncator(text).words(words)


class SuspendForm(forms.Form):
    reason = reason_field(gettext_lazy("The user is told this."))
    ends_at = suspension_end_field()

    def clean_ends_at(self) -> datetime | None:
        return future_or_empty(self.cleaned_data["ends_at"])


class WarnForm(forms.Form):
    reason = reason_field(gettext_lazy("The user is told this; it stays on their record."))


class LiftForm(forms.Form):
    reason = reason_field(gettext_lazy("Why the suspension ends now (kept in the audit log)."))


# --- users ------------------------------------------------------------------------------------


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
class UserAdmin(NoActionsOnOwnDeals, DjangoUserAdmin):
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
        return _("Suspended until %(until)s (Jakarta time): %(reason)s") % {
            "until": timezone.localtime(current.ends_at).strftime("%Y-%m-%d %H:%M"),
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
                    timezone.localtime(record.created_at).strftime("%Y-%m-%d %H:%M"),
                    record.moderator.username,
                    record.get_action_display(),
                    f": {_short(record.reason)}" if record.reason else "",
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


# --- suspensions ------------------------------------------------------------------------------


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
        return _short(suspension.reason)

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


# --- the audit log ----------------------------------------------------------------------------


def _target_model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


@admin.register(ModeratorAction)
class ModeratorActionAdmin(ReadOnlyAdmin):
    """The audit log, read-only for everyone, superusers included: no add, change, delete or
    bulk action. Rows are written only by the services (``accounts.services.audit_record``)."""

    list_display = ["created_at", "moderator", "action", "target_link", "reason_short"]
    list_select_related = ["moderator"]
    list_filter = [
        "action",
        ("moderator", admin.RelatedOnlyFieldListFilter),
        "target_type",
        "created_at",
    ]
    search_fields = ["target_repr", "reason", "moderator__username"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "moderator",
        "action",
        "target_link",
        "target_type",
        "target_id",
        "target_repr",
        "reason",
        "details_pretty",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # all of them: names only
    actions = None

    @admin.display(description=gettext_lazy("object"), ordering="target_repr")
    def target_link(self, record: ModeratorAction) -> str:
        """A link to the object's admin page when its model is registered here."""
        model = _target_model(record.target_type)
        if model is not None and self.admin_site.is_registered(model):
            meta = model._meta
            try:
                url = reverse(
                    f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.target_id]
                )
            except NoReverseMatch:
                pass
            else:
                return format_html('<a href="{}">{}</a>', url, record.target_repr)
        return record.target_repr

    @admin.display(description=gettext_lazy("reason"), ordering="reason")
    def reason_short(self, record: ModeratorAction) -> str:
        return _short(record.reason)

    @admin.display(description=gettext_lazy("details"))
    def details_pretty(self, record: ModeratorAction) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(record.details, indent=2, ensure_ascii=False)
        )


# --- API tokens -------------------------------------------------------------------------------


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """Tokens can be revoked (deleted) here but never created or read: only digests are stored."""

    list_display = ["prefix", "user", "created_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "prefix"]
    readonly_fields = ["user", "prefix", "digest", "created_at", "expires_at"]

    def has_add_permission(self, request) -> bool:
        return False
