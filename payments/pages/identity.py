"""The "Verify your identity" page: the state of one's identity check, and submitting it.

The same service as ``POST /api/v1/me/identity/``. Linked from the wallet, because every
withdrawal needs an approved identity.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.requests import SignedInHttpRequest
from marketplace.errors import DomainError
from marketplace.pages import add_domain_error
from marketplace.text import validate_single_line
from marketplace.upload_limits import IDENTITY_IMAGES, accepts_uploads
from payments.models import IdentityCheck
from payments.services.identity import identity_current, identity_submit

IMAGE_TYPES = "image/jpeg,image/png,image/webp"


class IdentityForm(forms.Form):
    legal_name = forms.CharField(
        label=gettext_lazy("Legal name"),
        help_text=gettext_lazy("Exactly as it is written on your KTP."),
        min_length=2,
        max_length=100,
        validators=[validate_single_line],
    )
    nik = forms.RegexField(
        r"^[0-9]{16}$",
        label=gettext_lazy("NIK"),
        help_text=gettext_lazy("The 16-digit number on your KTP."),
        error_messages={"invalid": gettext_lazy("A NIK is 16 digits, as printed on your KTP.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    ktp_image = forms.FileField(
        label=gettext_lazy("Photo of your KTP"),
        help_text=gettext_lazy("JPEG, PNG or WebP, at most 5 MB; every word readable."),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
    )
    selfie_image = forms.FileField(
        label=gettext_lazy("Selfie holding your KTP"),
        help_text=gettext_lazy("Your face and the KTP both visible."),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
    )


@login_required
@require_http_methods(["GET", "POST"])
@accepts_uploads(IDENTITY_IMAGES)
def identity_page(request: SignedInHttpRequest) -> HttpResponse:
    form = IdentityForm()
    status = 200
    if request.method == "POST":
        form = IdentityForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                identity_submit(user=request.user, **form.cleaned_data)
            except DomainError as refusal:
                add_domain_error(form, refusal)
            else:
                messages.success(
                    request,
                    _("Thank you. Finance will check your identity and let you know."),
                )
                return redirect("wallet-identity")
        status = 400
    check = identity_current(user=request.user)
    can_submit = check is None or check.status == IdentityCheck.Status.REJECTED
    context = {"check": check, "form": form, "can_submit": can_submit}
    return render(request, "payments/identity.html", context, status=status)


urlpatterns = [path("wallet/identity/", identity_page, name="wallet-identity")]
