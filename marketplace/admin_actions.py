"""Admin actions that ask for something first (a reason, an amount) and then call a service.

Moderators act through the same services as the API, never by editing rows: an action here
shows a small form for the selected objects, and on a valid POST calls the service once per
object. A refusal from the service (``DomainError``) is shown as a message naming the object;
the others still go through, each in its own transaction. Whether the user may run the action
at all is the admin's ``allowed_permissions`` check plus the service's own check.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import SignedInHttpRequest
from marketplace.errors import DomainError

if TYPE_CHECKING:
    # Django's lazy translations as django-stubs types them (an alias for type checking).
    from django_stubs_ext import StrOrPromise

# Admin views run for signed-in staff only, so the request's user is a User.
# The object is whichever model the admin shows (Any: each action knows its own).
Apply = Callable[[SignedInHttpRequest, Any, dict[str, Any]], object]


def run_for_each(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    objects: models.QuerySet | list[models.Model],
    apply: Callable[[models.Model], object],
    done_message: str,
) -> int:
    """Call ``apply`` for each object; report refusals per object and the count done."""
    done = 0
    for obj in objects:
        try:
            apply(obj)
        except DomainError as exc:
            model_admin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        model_admin.message_user(request, done_message % {"count": done}, messages.SUCCESS)
    return done


def action_with_form(
    model_admin: admin.ModelAdmin,
    request: SignedInHttpRequest,
    queryset: models.QuerySet,
    *,
    form_class: type[forms.Form],
    title: str,
    apply: Apply,
    done_message: str,
    action_name: str,
) -> HttpResponse | None:
    """The body of an admin action: show ``form_class`` for the selection, then apply it.

    ``done_message`` takes ``%(count)s``. Returns None once applied (the admin goes back to
    the changelist), or the form page.
    """
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            run_for_each(
                model_admin,
                request,
                queryset,
                lambda obj: apply(request, obj, form.cleaned_data),
                done_message,
            )
            return None
    else:
        form = form_class()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "objects": queryset,
        "opts": model_admin.model._meta,
        "action_name": action_name,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "submit_label": _("Apply"),
    }
    return TemplateResponse(request, "admin/action_form.html", context)


# --- fields the moderators' forms share ----------------------------------------------------


class JakartaDateTimeField(forms.DateTimeField):
    """A moment typed in Jakarta time (WIB), whatever time zone the request is in; stored UTC."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> datetime | None:
        with timezone.override(settings.TIME_ZONE):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(settings.TIME_ZONE):
            return super().prepare_value(value)


def suspension_end_field() -> JakartaDateTimeField:
    return JakartaDateTimeField(
        label=gettext_lazy("Suspended until (Jakarta time)"),
        help_text=gettext_lazy("Empty: until a moderator lifts it."),
        required=False,
    )


def future_or_empty(ends_at: datetime | None) -> datetime | None:
    # The services refuse a past end too; here the moderator sees it as a field error before
    # anything is applied.
    if ends_at is not None and ends_at <= timezone.now():
        raise forms.ValidationError(_("The end must be in the future, or empty."))
    return ends_at


def reason_field(help_text: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
