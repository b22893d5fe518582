"""What the moderators' admin pages for projects share: the content filter's labels, links
between admin pages, the read-only base, and the buttons that run a changelist action on one
object.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.staff_admin import NoActionsOnOwnDeals, party_to, refused_as_party_text
from marketplace import admin_base

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


def flag_text(kinds: list[str]) -> str:
    """The content filter's kinds as moderators read them."""
    return ", ".join(str(FLAG_LABELS.get(kind, kind)) for kind in kinds or [])


def admin_link(site: admin.AdminSite, obj: models.Model | None, text: object) -> str:
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


class RejectForm(forms.Form):
    """A moderator turning something down: one of the common reasons, words of their own, or
    both. Its author reads the reason in their own language (``reason_for``). A queue's form
    names its reasons and who reads them."""

    common_reasons: ClassVar[list[tuple[str, Any]]] = []
    reader_help: ClassVar[Any] = ""  # who reads the reason, under the text box
    required_message: ClassVar[Any] = ""  # when neither a reason nor words are given

    common_reason = forms.ChoiceField(
        label=gettext_lazy("Common reason"), choices=[], required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason in your words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        common = cast(forms.ChoiceField, self.fields["common_reason"])
        common.choices = [("", "—"), *self.common_reasons]
        self.fields["reason"].help_text = self.reader_help

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        if not data.get("common_reason") and not (data.get("reason") or "").strip():
            raise forms.ValidationError(self.required_message, code="required")
        return data

    @classmethod
    def reason_for(cls, data: dict[str, Any], language: str) -> str:
        """The reason the author reads: the common reason in their language, then the text."""
        parts = []
        if data.get("common_reason"):
            with translation.override(language):
                parts.append(str(dict(cls.common_reasons)[data["common_reason"]]))
        if (data.get("reason") or "").strip():
            parts.append(data["reason"].strip())
        return " ".join(parts)
