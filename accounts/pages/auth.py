"""Sign up, log in, log out and password reset — the browser's side of accounts/api/auth.py.

Sign-up calls the API's service (``accounts.services.user_register``: taken names, Django's
password validators); logging in goes through the same authentication backend as the API's
token login (a username or an e-mail, any letter case). Both, and the password-reset form
(each use sends an e-mail), share the API's per-address throttle (``AUTH_THROTTLE_RATE``):
attempts on the pages and on the API count together. The backend's per-account login delay
(``accounts.lockout``) and sign-up's limit on taken e-mail addresses answer 429 here as there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import path, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import lockout, services
from accounts.pages.forms import (
    GarapPasswordResetForm,
    GarapSetPasswordForm,
    LoginForm,
    SignupForm,
)
from accounts.roles import SignupRole
from accounts.throttles import AuthRateThrottle
from marketplace.errors import DomainError, RateLimited
from marketplace.pages import add_domain_error
from marketplace.ratelimit import client_address
from marketplace.throttles import page_refusal

TOO_MANY = 429


def throttle_refusal(request: HttpRequest) -> tuple[str, int] | None:
    """The API's login throttle for a page's POST: None to go on, else (message, seconds)."""
    return page_refusal(AuthRateThrottle(), request)


def _too_many(response: HttpResponse, wait: int) -> HttpResponse:
    response.status_code = TOO_MANY
    response["Retry-After"] = str(wait)
    return response


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Show the pages in ``language`` from now on (the cookie Django's LocaleMiddleware reads,
    as the footer's language switch sets it)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def safe_next(request: HttpRequest) -> str:
    """Where to go after signing in: ``next`` if it is on this site, else the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _active_language() -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in codes else settings.LANGUAGE_CODE


def _first_step(request: HttpRequest, role: str, name: str) -> str:
    """Where a new account goes, with its welcome: where they were going (``next``), else the
    step their role starts with — a client posts a gig, a freelancer completes the profile
    clients choose by, someone doing both starts at the dashboard."""
    welcome = _("Welcome to Garap, %(name)s!") % {"name": name}
    if request.POST.get("next") or request.GET.get("next") or role == SignupRole.BOTH:
        messages.success(request, welcome)
        return safe_next(request)
    if role == SignupRole.HIRE:
        step = _("Post your first gig: say what you need, and freelancers send you their bids.")
        target = "gig-new"
    else:
        step = _("Complete your profile: clients choose who to hire by it.")
        target = "settings-profile"
    messages.success(request, f"{welcome} {step}")
    return resolve_url(target)


@sensitive_post_parameters("password", "password_confirm")
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    context = {"next": request.POST.get("next") or request.GET.get("next", "")}
    if request.method != "POST":
        form = SignupForm(initial={"preferred_language": _active_language()})
        return render(request, "accounts/signup.html", {"form": form, **context})

    form = SignupForm(request.POST)
    refusal = throttle_refusal(request)
    if refusal is not None:
        form.is_valid()
        form.add_error(None, refusal[0])
        page = render(request, "accounts/signup.html", {"form": form, **context})
        return _too_many(page, refusal[1])
    if form.is_valid():
        data = form.cleaned_data
        try:
            user, token, _raw = services.user_register(
                username=data["username"],
                email=data["email"],
                password=data["password"],
                display_name=data["display_name"],
                preferred_language=data["preferred_language"],
                role=data["role"] or SignupRole.BOTH,
                client=client_address(request),
            )
        except RateLimited as exc:
            form.add_error(None, exc.message)
            page = render(request, "accounts/signup.html", {"form": form, **context})
            return _too_many(page, exc.retry_after)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            # The service also issues an API token (the API's sign-up returns it); a browser
            # session has no use for it, so no unknown live token is left behind.
            services.token_revoke(token=token)
            login(request, user)
            translation.activate(user.preferred_language)
            target = _first_step(request, data["role"] or SignupRole.BOTH, user.public_name)
            return remember_language(HttpResponseRedirect(target), user.preferred_language)
    return render(request, "accounts/signup.html", {"form": form, **context}, status=400)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = throttle_refusal(request)
        if refusal is not None:
            # Not validated: validating would try the password, which is what is throttled.
            form = self.form_class(request, initial={"username": request.POST.get("username")})
            context = self.get_context_data(form=form, refusals=[refusal[0]])
            return _too_many(self.render_to_response(context), refusal[1])
        response = super().post(request, *args, **kwargs)
        wait = lockout.delay_of(request)
        if wait:  # the account's login delay runs (accounts.lockout)
            return _too_many(response, wait)
        if response.status_code == 200:  # the form came back with its error
            response.status_code = 400
        return response

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:  # our LoginForm
        response = super().form_valid(form)
        language = form.get_user().preferred_language
        translation.activate(language)
        return remember_language(response, language)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule since 5.0): a link or an image cannot log anyone out."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are logged out. See you soon!"))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = GarapPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")
    # The e-mail is built by the worker (accounts.services.account_emails), its link starting
    # with SITE_URL, never with the request's Host header (which a stranger could set to send
    # the victim a link to their own site).

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = throttle_refusal(request)  # each request may send an e-mail
        if refusal is not None:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, refusal[0])
            return _too_many(self.render_to_response(self.get_context_data(form=form)), refusal[1])
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = GarapSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def verify_email(request: HttpRequest) -> HttpResponse:
    """The link e-mailed by ``services.email_verification_send`` (``/verify-email/?token=…``).

    Opening it shows a button; confirming is a POST, so a mail scanner that fetches links
    confirms nothing. The token is the proof, so no login is needed.
    """
    token = (request.POST.get("token") or request.GET.get("token") or "")[:500]
    if request.method != "POST":
        return render(request, "accounts/verify_email.html", {"token": token})
    refusal = throttle_refusal(request)
    if refusal is not None:
        page = render(request, "accounts/verify_email.html", {"token": token, "error": refusal[0]})
        return _too_many(page, refusal[1])
    try:
        services.email_verify(token=token)
    except DomainError as exc:
        page = render(request, "accounts/verify_email.html", {"token": "", "error": exc.message})
        page.status_code = 400
        return page
    messages.success(request, _("Your e-mail address is confirmed. Thank you!"))
    return redirect("settings" if request.user.is_authenticated else "login")


urlpatterns = [
    path("verify-email/", verify_email, name="verify-email"),
    path("accounts/signup/", signup, name="signup"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
