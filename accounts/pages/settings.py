"""The settings pages: one short page per form, each saving through its service. A page
shows its form (GET) and saves it (POST); a save redirects back to the page with its
confirmation right above the form, a refusal shows the form again with its error summary on
top (``templates/forms/_refusal.html``), so feedback always lands where the eye is. The
sections (``settings`` is the first, the account):

- account (display name, language): ``accounts.services.user_update`` — the language is also
  switched at once for the pages (Django's language cookie);
- e-mail notices: ``notification_preferences_update``, over the kinds every app registered
  with an e-mail preference (``accounts.notices.email_optional_kinds``, as the API's
  ``me/notification-preferences/`` offers them; the moderators' notices are always e-mailed
  and not listed);
- freelancer profile and capacity: ``freelancer_profile_update``;
- the client's shop name: ``client_profile_update``;
- a new link to confirm the e-mail address: ``email_verification_send``;
- a new password (``user_password_set``: every other session and API token ends, this one
  stays) and "log out everywhere" (``user_logout_everywhere``: this session too).

Like the admin, a page is over every app: this module reads the skill taxonomy from
``projects``; the domain code of accounts still imports neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.notices import NoticeKind, email_optional_kinds
from accounts.pages.auth import remember_language, throttle_refusal
from accounts.pages.forms import (
    AccountForm,
    FreelancerProfileForm,
    GarapPasswordChangeForm,
    NotificationPreferencesForm,
    ShopForm,
    grouped,
    skill_groups,
)
from accounts.requests import SignedInHttpRequest
from marketplace.errors import DomainError
from marketplace.pages import add_domain_error

if TYPE_CHECKING:
    from accounts.models import FreelancerProfile, User

FORM_ERROR = 400


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def notice_label(kind: NoticeKind) -> str:
    """A notice kind as people know it: its title with the blanks left open ("New bid on “…”")."""
    try:
        return str(kind.title) % _Blank()
    except (TypeError, ValueError):  # a title with a number placeholder: shown as written
        return str(kind.title)


def notice_groups(user: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """The e-mail preferences ``user`` is offered under their groups' headings, each in its
    app's order."""
    return grouped(
        [
            (str(kind.group.label), (kind.code, notice_label(kind)))  # type: ignore[union-attr]
            for kind in email_optional_kinds(staff=user.is_staff)
        ]
    )


def _email_optional_codes(user: User) -> list[str]:
    return [kind.code for kind in email_optional_kinds(staff=user.is_staff)]


def _account_form(user: User) -> AccountForm:
    return AccountForm(
        initial={"display_name": user.display_name, "preferred_language": user.preferred_language}
    )


def _notifications_form(user: User) -> NotificationPreferencesForm:
    muted = set(user.email_muted_kinds or [])
    return NotificationPreferencesForm(
        initial={"emailed": [k for k in _email_optional_codes(user) if k not in muted]},
        groups=notice_groups(user),
    )


def _profile_form(profile: FreelancerProfile) -> FreelancerProfileForm:
    return FreelancerProfileForm(
        initial={
            "headline": profile.headline,
            "bio": profile.bio,
            "skills": [s.pk for s in profile.skills.all()] if profile.pk else [],
            "starting_price": profile.starting_price,
            "city": profile.city,
            "province": profile.province,
            "languages": profile.languages,
            "availability": profile.availability,
            "max_active_contracts": profile.max_active_contracts,
        },
        skill_groups=skill_groups(),
    )


def _shop_form(user: User) -> ShopForm:
    return ShopForm(
        initial={"shop_name": selectors.client_record_get(username=user.username).shop_name}
    )


def _page(
    request: SignedInHttpRequest, section: str, context: dict[str, Any], *, failed: bool = False
) -> HttpResponse:
    """One settings page: the sections' links, its form, and its messages right above the
    form. A form that failed comes back as submitted, with its error summary (400)."""
    return render(
        request,
        f"accounts/settings/{section}.html",
        {"section": section, **context},
        status=FORM_ERROR if failed else 200,
    )


# Each page shows its form on GET and saves it on POST; a save redirects back to the page
# (POST/redirect/GET), whose confirmation is then shown right above the form.


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_page(request: SignedInHttpRequest) -> HttpResponse:
    """Display name and language; the e-mail address and its confirmation."""
    if request.method != "POST":
        return _page(request, "account", {"form": _account_form(request.user)})
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            user = services.user_update(user=request.user, **form.cleaned_data)
        except DomainError as exc:  # e.g. contact details in the display name
            add_domain_error(form, exc)
        else:
            translation.activate(user.preferred_language)  # the message in the new language
            messages.success(request, _("Your account settings are saved."))
            return remember_language(redirect("settings"), user.preferred_language)
    return _page(request, "account", {"form": form}, failed=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notifications_page(request: SignedInHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, "notices", {"form": _notifications_form(request.user)})
    form = NotificationPreferencesForm(request.POST, groups=notice_groups(request.user))
    if not form.is_valid():
        return _page(request, "notices", {"form": form}, failed=True)
    emailed = set(form.cleaned_data["emailed"])
    services.notification_preferences_update(
        user=request.user,
        muted_kinds=[kind for kind in _email_optional_codes(request.user) if kind not in emailed],
    )
    messages.success(request, _("Your e-mail preferences are saved."))
    return redirect("settings-notifications")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_page(request: SignedInHttpRequest) -> HttpResponse:
    profile = selectors.freelancer_profile_own(user=request.user)
    if request.method != "POST":
        return _page(request, "profile", {"form": _profile_form(profile), "profile": profile})
    form = FreelancerProfileForm(request.POST, skill_groups=skill_groups())
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["skill_ids"] = data.pop("skills")
        try:
            services.freelancer_profile_update(user=request.user, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your freelancer profile is saved."))
            return redirect("settings-profile")
    return _page(request, "profile", {"form": form, "profile": profile}, failed=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def shop_page(request: SignedInHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, "shop", {"form": _shop_form(request.user)})
    form = ShopForm(request.POST)
    if form.is_valid():
        try:
            services.client_profile_update(
                user=request.user, shop_name=form.cleaned_data["shop_name"]
            )
        except DomainError as exc:  # contact details in the shop name
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your shop name is saved."))
            return redirect("settings-shop")
    return _page(request, "shop", {"form": form}, failed=True)


@login_required
@require_POST
def verify_email_send(request: SignedInHttpRequest) -> HttpResponse:
    refusal = throttle_refusal(request)  # each request sends an e-mail, as on the API
    if refusal is not None:
        messages.error(request, refusal[0])
    elif request.user.email_verified_at is None:
        wait = services.email_verification_send(user=request.user)
        if wait:
            messages.error(
                request,
                ngettext(
                    "We sent you links a moment ago. Wait %(seconds)d second for another one.",
                    "We sent you links a moment ago. Wait %(seconds)d seconds for another one.",
                    wait,
                )
                % {"seconds": wait},
            )
            return redirect("settings")
        messages.success(
            request,
            _("We sent a link to %(email)s. Open it to confirm your address.")
            % {"email": request.user.email},
        )
    return redirect("settings")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def security_page(request: SignedInHttpRequest) -> HttpResponse:
    """A new password, and logging out everywhere (its own POST, below)."""
    if request.method != "POST":
        return _page(request, "security", {"form": GarapPasswordChangeForm(request.user)})
    form = GarapPasswordChangeForm(request.user, request.POST, request=request)
    if not form.is_valid():
        return _page(request, "security", {"form": form}, failed=True)
    form.save()
    messages.success(
        request,
        _("Your password is changed. Every other session and API token is logged out."),
    )
    return redirect("settings-security")


@login_required
@require_POST
def logout_everywhere(request: SignedInHttpRequest) -> HttpResponse:
    services.user_logout_everywhere(user=request.user)
    logout(request)
    messages.info(request, _("You are logged out everywhere: on every device and every API token."))
    return redirect("login")


urlpatterns = [
    path("settings/", account_page, name="settings"),
    path("settings/account/", account_page, name="settings-account"),
    path("settings/verify-email/", verify_email_send, name="settings-verify-email"),
    path("settings/profile/", profile_page, name="settings-profile"),
    path("settings/shop/", shop_page, name="settings-shop"),
    path("settings/notifications/", notifications_page, name="settings-notifications"),
    path("settings/security/", security_page, name="settings-security"),
    path("settings/password/", security_page, name="settings-password"),
    path("settings/logout-everywhere/", logout_everywhere, name="settings-logout-everywhere"),
]
