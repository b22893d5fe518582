"""The "notices on your phone" settings page: web push on this browser (switched on by the
page's script, which subscribes with the Push API and tells the API), which notices are
pushed, and the WhatsApp opt-in for the urgent few. Each form has its own POST target."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User, WhatsAppContact
from accounts.notices import email_optional_kinds, whatsapp_kinds
from accounts.pages.forms import CHECKBOXES
from accounts.pages.settings import notice_groups, notice_label
from accounts.requests import SignedInHttpRequest
from accounts.services import phone_notices
from marketplace.errors import DomainError
from marketplace.pages import add_domain_error
from marketplace.text import validate_single_line

FORM_ERROR = 400


class PushPreferencesForm(forms.Form):
    pushed = forms.MultipleChoiceField(
        label=gettext_lazy("Send these notices to my phone"), required=False, widget=CHECKBOXES
    )

    def __init__(self, *args: Any, groups: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pushed"].choices = groups  # type: ignore[attr-defined]


class WhatsAppForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("WhatsApp number"),
        max_length=30,
        validators=[validate_single_line],
        help_text=gettext_lazy("For example 0812 3456 7890 or +62 812 3456 7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I agree to get these notices from Garap on WhatsApp. I can stop them here at any time."
        )
    )


def _push_codes(user: User) -> list[str]:
    return [kind.code for kind in email_optional_kinds(staff=user.is_staff)]


def _page(request: SignedInHttpRequest, status: int = 200, **bound: Any) -> HttpResponse:
    user = request.user
    muted = set(user.push_muted_kinds or [])
    contact = WhatsAppContact.objects.filter(user=user).first()
    context = {
        "push_enabled": settings.WEB_PUSH_ENABLED,
        "vapid_public_key": settings.VAPID_PUBLIC_KEY if settings.WEB_PUSH_ENABLED else "",
        "push_count": user.push_subscriptions.count(),
        "push_form": PushPreferencesForm(
            initial={"pushed": [k for k in _push_codes(user) if k not in muted]},
            groups=notice_groups(user),
        ),
        "whatsapp_enabled": settings.WHATSAPP_ENABLED,
        "whatsapp_contact": contact,
        "whatsapp_kinds": [notice_label(kind) for kind in whatsapp_kinds()],
        "whatsapp_form": WhatsAppForm(initial={"phone": contact.phone if contact else ""}),
        **bound,
    }
    return render(request, "accounts/phone_notices.html", context, status=status)


def _back(section: str) -> HttpResponse:
    return redirect(reverse("settings-phone") + f"#{section}")


@login_required
def phone_notices_page(request: SignedInHttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def push_preferences_update(request: SignedInHttpRequest) -> HttpResponse:
    form = PushPreferencesForm(request.POST, groups=notice_groups(request.user))
    if not form.is_valid():
        return _page(request, FORM_ERROR, push_form=form)
    pushed = set(form.cleaned_data["pushed"])
    phone_notices.push_preferences_update(
        user=request.user, muted_kinds=[k for k in _push_codes(request.user) if k not in pushed]
    )
    messages.success(request, _("Your phone notification choices are saved."))
    return _back("push")


@login_required
@require_POST
def whatsapp_update(request: SignedInHttpRequest) -> HttpResponse:
    form = WhatsAppForm(request.POST)
    if not form.is_valid():
        return _page(request, FORM_ERROR, whatsapp_form=form)
    try:
        phone_notices.whatsapp_opt_in(user=request.user, phone=form.cleaned_data["phone"])
    except DomainError as exc:
        add_domain_error(form, exc)
        return _page(request, FORM_ERROR, whatsapp_form=form)
    messages.success(request, _("Urgent notices will come to your WhatsApp."))
    return _back("whatsapp")


@login_required
@require_POST
def whatsapp_stop(request: SignedInHttpRequest) -> HttpResponse:
    phone_notices.whatsapp_opt_out(user=request.user)
    messages.success(request, _("No more notices on WhatsApp."))
    return _back("whatsapp")


urlpatterns = [
    path("settings/phone/", phone_notices_page, name="settings-phone"),
    path("settings/phone/push/", push_preferences_update, name="settings-phone-push"),
    path("settings/phone/whatsapp/", whatsapp_update, name="settings-phone-whatsapp"),
    path("settings/phone/whatsapp/stop/", whatsapp_stop, name="settings-phone-whatsapp-stop"),
]
