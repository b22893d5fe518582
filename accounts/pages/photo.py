"""The profile photo page (``/settings/photo/``): upload one, with a preview, or remove it
after a confirmation — both without JavaScript (the preview is added by garap.js when it runs).

The same services as ``PUT/DELETE /api/v1/me/photo/``; a file that is refused goes back onto
the form with the message saying what to do, and nothing is stored.
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

from accounts import services
from accounts.requests import SignedInHttpRequest
from marketplace.errors import DomainError, InsufficientStorage, PayloadTooLarge, RateLimited
from marketplace.upload_limits import PHOTO, accepts_uploads

# Refusals that are pages of their own (marketplace.pages.DomainErrorPagesMiddleware).
PAGE_ERRORS = (InsufficientStorage, PayloadTooLarge, RateLimited)


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=gettext_lazy("New photo"),
        help_text=gettext_lazy(
            "A JPEG, PNG or WebP image of at most 5 MB. It is cut to a square; the place and "
            "time a phone stores in a photo are removed."
        ),
        error_messages={"required": gettext_lazy("Choose a photo to upload.")},
        widget=forms.FileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "data-preview": "photo-preview"}
        ),
    )


def _page(request: SignedInHttpRequest, form: PhotoForm, status: int = 200) -> HttpResponse:
    return render(request, "accounts/photo.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@accepts_uploads(PHOTO)
def photo_page(request: SignedInHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, PhotoForm())
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.user_photo_set(user=request.user, upload=form.cleaned_data["photo"])
        except PAGE_ERRORS:
            raise
        except DomainError as exc:  # its message says what to do: shown at the field
            form.add_error("photo", exc.message)
        else:
            messages.success(request, _("Your photo is saved. Clients see it beside your name."))
            return redirect("profile-photo")
    return _page(request, form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def photo_remove(request: SignedInHttpRequest) -> HttpResponse:
    """Asks first (a page of its own, no JavaScript needed), then removes on the POST."""
    if request.method != "POST":
        if not request.user.photo:
            return redirect("profile-photo")
        return render(request, "accounts/photo_remove.html")
    services.user_photo_remove(user=request.user)
    messages.success(request, _("Your photo is removed. Your initials are shown instead."))
    return redirect("profile-photo")


urlpatterns = [
    path("settings/photo/", photo_page, name="profile-photo"),
    path("settings/photo/remove/", photo_remove, name="profile-photo-remove"),
]
