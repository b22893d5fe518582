"""The admin site: its login behind the same limits as every other login, and the staff's
second factor.

- The login form counts against the per-address throttle (``AUTH_THROTTLE_RATE``) and goes
  through the backend's per-account delay (``accounts.lockout``); both answer 429.
- A staff member with a confirmed authenticator (``accounts.services.two_factor``) must give its
  code at login; the session then counts as verified (django-otp's ``OTPMiddleware``).
- ``has_permission`` lets in only a verified session when the member has a device, or always
  when ``STAFF_REQUIRE_2FA`` is on (production): a password alone — or a session opened on the
  public login page — is not enough for the admin.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import lockout
from accounts.pages.auth import throttle_refusal
from accounts.pages.forms import LoginDelayMixin
from accounts.services import two_factor


class AdminLoginForm(LoginDelayMixin, AdminAuthenticationForm):
    otp_token = forms.CharField(
        label=gettext_lazy("Authenticator code"),
        required=False,
        max_length=12,
        help_text=gettext_lazy(
            "Only if you set up two-factor sign-in: the 6 digits your app shows."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        # An e-mail address logs in too: the field and its box take one (Django sized both
        # for a username, 30).
        username = cast(forms.CharField, self.fields["username"])
        username.max_length = 254
        username.widget.attrs["maxlength"] = 254

    def clean(self) -> dict[str, Any]:
        refusal = throttle_refusal(self.request)
        if refusal is not None:
            # Refused before the password is checked: checking it is what is limited.
            lockout.mark_delayed(self.request, refusal[1])
            raise forms.ValidationError(refusal[0], code="throttled")
        data = super().clean()
        user = self.get_user()
        device = two_factor.totp_device_confirmed(user=user)
        if device is None:
            if settings.STAFF_REQUIRE_2FA:
                raise forms.ValidationError(
                    _(
                        "Staff sign in to the admin with a second factor. Log in on the site, "
                        "set up an authenticator app at %(path)s, then come back."
                    )
                    % {"path": reverse("settings-two-factor")},
                    code="two_factor_required",
                )
            return data
        token = (data.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError(
                _("Enter the code your authenticator app shows."), code="otp_required"
            )
        if not two_factor.totp_verify(device=device, token=token):
            raise forms.ValidationError(
                _("That code is wrong or expired. Enter the code your app shows now."),
                code="otp_invalid",
            )
        # django-otp's user_logged_in receiver stores the device in the session: verified.
        user.otp_device = device  # type: ignore[attr-defined]  # django-otp's own attribute
        return data


class GarapAdminSite(admin.AdminSite):
    # Garap's name where Django's stock one ("Django administration", "Django site admin")
    # would be: in the header, the browser tab and the index page, in the reader's language.
    site_header = gettext_lazy("Garap administration")
    site_title = gettext_lazy("Garap administration")
    index_title = gettext_lazy("Garap administration")
    login_form = AdminLoginForm
    login_template = "admin/garap_login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return True
        if settings.STAFF_REQUIRE_2FA:
            return False
        return two_factor.totp_device_confirmed(user=user) is None  # type: ignore[arg-type]

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().login(request, extra_context)
        wait = lockout.delay_of(request)
        if wait and request.method == "POST":
            response.status_code = 429
            response["Retry-After"] = str(wait)
        return response
