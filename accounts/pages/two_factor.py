"""The staff's two-factor page: enrol an authenticator app (QR code and secret), confirm it with
its first code, or turn it off. Staff only: for anyone else the page does not exist (404).

Confirming also marks this session as verified, so the admin opens without logging in again.
"""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from accounts.requests import SignedInHttpRequest
from accounts.services import two_factor
from marketplace.errors import DomainError
from marketplace.pages import add_domain_error

FORM_ERROR = 400


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _staff(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise Http404


def _render(request: SignedInHttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
    device = two_factor.totp_device_confirmed(user=request.user)
    context: dict = {"form": form, "enabled": device is not None}
    if device is None:
        pending = two_factor.totp_enrol_start(user=request.user)
        context["secret"] = two_factor.totp_secret(device=pending)
        # Inline SVG: no image request, no data: URL for a content security policy to allow.
        context["qr_svg"] = segno.make(pending.config_url).svg_inline(scale=4, title="QR")
    return render(request, "accounts/two_factor.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_page(request: SignedInHttpRequest) -> HttpResponse:
    _staff(request)
    if request.method != "POST":
        return _render(request, CodeForm())
    form = CodeForm(request.POST)
    if form.is_valid():
        enabled = two_factor.totp_device_confirmed(user=request.user) is not None
        try:
            if enabled:
                two_factor.totp_disable(user=request.user, token=form.cleaned_data["token"])
            else:
                device = two_factor.totp_enrol_confirm(
                    user=request.user, token=form.cleaned_data["token"]
                )
                otp_login(request, device)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if enabled:
                messages.info(request, _("Two-factor sign-in is off."))
            else:
                messages.success(
                    request, _("Two-factor sign-in is on: the admin asks for a code from now on.")
                )
            return redirect("settings-two-factor")
    return _render(request, form, status=FORM_ERROR)


urlpatterns = [
    path("settings/two-factor/", two_factor_page, name="settings-two-factor"),
]
