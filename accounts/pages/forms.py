"""The forms of the people pages. They check shapes and lengths, as the API's serializers do;
the rules (a taken username, a password Django's validators refuse, a starting price below the
minimum, unknown skills) are the services', whose refusals go back onto these forms with
``marketplace.pages.add_domain_error``. The skill and category choices come from the
taxonomy (accounts.selectors)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UsernameField,
)
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import lockout
from accounts.models import USERNAME_PATTERN, Availability, Language, Province, User
from accounts.roles import SignupRole
from accounts.selectors import category_list, skill_list
from accounts.services.account_emails import PASSWORD_RESET, account_email_request
from accounts.services.users import login_delay_message, password_problems, user_password_set
from marketplace.formatting import decimal, rupiah
from marketplace.rupiah import RupiahField
from marketplace.text import validate_single_line

if TYPE_CHECKING:
    from accounts.models import User

CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "checks"})


class SignupForm(forms.Form):
    # Asked first: it decides the profiles set up and the next step (accounts.roles). Not
    # required: a person who skips it gets both, as everyone did before it was asked.
    role = forms.ChoiceField(
        label=_("Do you want to hire or to work?"),
        choices=SignupRole.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("You can do both later: this only sets up your first step."),
    )
    username = forms.RegexField(
        USERNAME_PATTERN,
        label=_("Username"),
        min_length=3,
        max_length=30,
        help_text=_("3–30 letters, digits, dots or underscores. It is in your profile's address."),
        error_messages={
            "invalid": _(
                "Use 3–30 letters, digits, dots or underscores, starting and ending with a "
                "letter or digit."
            )
        },
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    display_name = forms.CharField(
        validators=[validate_single_line],
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("Shown to others instead of your username; you may leave it empty."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_confirm = forms.CharField(
        label=_("Password again"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=User.Language.choices,
        help_text=_("For the pages, your notices and e-mails. You can change it later."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        password = data.get("password")
        # The rules and the confirmation together: both problems in one answer, not the
        # rules only once the two passwords agree (the service checks the rules again).
        if password:
            for problem in password_problems(
                password,
                username=data.get("username") or "",
                email=data.get("email") or "",
                display_name=data.get("display_name") or "",
            ):
                self.add_error("password", problem)
        if password and data.get("password_confirm") and password != data["password_confirm"]:
            self.add_error("password_confirm", _("The two passwords differ. Type them again."))
        return data


class LoginDelayMixin:
    """For Django's login forms (the pages' and the admin's): when the backend refused the login
    because the account's delay runs (``accounts.lockout``), say how long to wait instead of
    "wrong password"."""

    request: Any

    def get_invalid_login_error(self) -> forms.ValidationError:
        wait = lockout.delay_of(self.request)
        if wait:
            return forms.ValidationError(login_delay_message(wait), code="login_delayed")
        return super().get_invalid_login_error()  # type: ignore[misc]


class LoginForm(LoginDelayMixin, AuthenticationForm):
    """Django's login form on our backend: a username or an e-mail address, any letter case."""

    username = UsernameField(
        label=_("Username or e-mail"),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        # The API's words (accounts.services.token_obtain): never which part was wrong.
        "invalid_login": _("Wrong username, e-mail or password."),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        # Django sizes the field for a username (30); an e-mail address may be longer.
        username = cast(forms.CharField, self.fields["username"])
        username.max_length = 254
        username.widget.attrs["maxlength"] = 254


class GarapPasswordResetForm(PasswordResetForm):
    """Django's reset form, its e-mail sent by the worker in the person's own language and
    limited per address and per account (``accounts.services.account_emails``). The page says
    "sent" whether or not an account exists or the limit held the e-mail back: no oracle."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            account_email_request(user=user, kind=PASSWORD_RESET)


class GarapSetPasswordForm(SetPasswordForm):
    """The reset link's new password: set through the service, which also signs the account
    out everywhere (a reset is often the owner taking a stolen account back)."""

    def save(self, commit: bool = True) -> Any:
        return user_password_set(user=self.user, password=self.cleaned_data["new_password1"])


class GarapPasswordChangeForm(PasswordChangeForm):
    """Settings: a new password for a signed-in user who knows the current one. Every other
    session and every API token ends; this session stays signed in (``keep``)."""

    def __init__(self, user: User, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def save(self, commit: bool = True) -> Any:
        return user_password_set(
            user=self.user, password=self.cleaned_data["new_password1"], keep=self.request
        )


# --- settings ---------------------------------------------------------------------------------


class AccountForm(forms.Form):
    display_name = forms.CharField(
        validators=[validate_single_line],
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("Shown to others instead of your username; you may leave it empty."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=User.Language.choices,
        help_text=_("For the pages, your notices and e-mails."),
    )


class NotificationPreferencesForm(forms.Form):
    """The notice kinds e-mailed as well (ticked); the others are in the app only."""

    emailed = forms.MultipleChoiceField(
        label=_("Also send these notices by e-mail"), required=False, widget=CHECKBOXES
    )

    def __init__(self, *args: Any, groups: list[tuple[str, list[tuple[str, str]]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["emailed"]).choices = groups


def _province_choices() -> list[tuple[str, str]]:
    return [("", "—"), *Province.choices]


class FreelancerProfileForm(forms.Form):
    headline = forms.CharField(
        validators=[validate_single_line],
        label=_("Headline"),
        max_length=120,
        required=False,
        help_text=_(
            "One line about what you do, e.g. “Logo and packaging design for small shops”. "
            "With a headline your profile is listed in the freelancer directory."
        ),
    )
    bio = forms.CharField(
        label=_("About you"), max_length=3000, required=False, widget=forms.Textarea
    )
    skills = forms.TypedMultipleChoiceField(
        label=_("Skills"), coerce=int, required=False, widget=CHECKBOXES
    )
    starting_price = RupiahField(
        label=_("Starting price (Rp)"), required=False, min_value=1, max_value=2**62
    )
    city = forms.CharField(
        validators=[validate_single_line], label=_("City"), max_length=80, required=False
    )
    province = forms.ChoiceField(label=_("Province"), choices=_province_choices, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        choices=Language.choices,
        required=False,
        widget=CHECKBOXES,
    )
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)
    max_active_contracts = forms.IntegerField(
        label=_("Contracts at once"),
        min_value=1,
        max_value=10,
        help_text=_(
            "With this many active contracts you cannot bid or be hired until one ends (1–10)."
        ),
    )

    def __init__(self, *args: Any, skill_groups: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["skills"]).choices = skill_groups
        self.fields["starting_price"].help_text = _(
            "Whole rupiah, at least %(min)s. Shown as “from …” on your profile."
        ) % {"min": rupiah(settings.MILESTONE_MIN_AMOUNT)}


class ShopForm(forms.Form):
    shop_name = forms.CharField(
        validators=[validate_single_line],
        label=_("Shop or business name"),
        max_length=80,
        required=False,
        help_text=_("Shown with your gigs and on your client record."),
    )


# --- the freelancer directory ---------------------------------------------------------------

MIN_RATINGS = ["3", "3.5", "4", "4.5"]


def _min_rating_choices() -> list[tuple[str, str]]:
    """ "3,5+" in Bahasa Indonesia, "3.5+" in English: written when the page is."""
    return [
        ("", str(_("Any rating"))),
        *(
            (value, decimal(Decimal(value), 1 if "." in value else 0) + "+")
            for value in MIN_RATINGS
        ),
    ]


class FreelancerFilterForm(forms.Form):
    """The directory's filters, as the API's FreelancerQuerySerializer takes them."""

    skills = forms.TypedMultipleChoiceField(
        label=_("Skills"), coerce=int, required=False, widget=CHECKBOXES
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    min_rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=_min_rating_choices,
        required=False,
        coerce=Decimal,
        empty_value=None,
    )
    price_min = RupiahField(label=_("Price from (Rp)"), required=False, min_value=0)
    price_max = RupiahField(label=_("Price up to (Rp)"), required=False, min_value=0)
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    province = forms.ChoiceField(label=_("Province"), choices=_province_choices, required=False)
    availability = forms.ChoiceField(
        label=_("Availability"),
        choices=[("", _("Any")), *Availability.choices],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[("rating", _("Best rated")), ("newest", _("Newest"))],
        required=False,
    )

    def __init__(self, *args: Any, skill_groups: list, categories: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["skills"]).choices = skill_groups
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("All categories")),
            *categories,
        ]


def category_name(category: Any) -> str:
    """A category's name in the page's language (it is stored in both)."""
    if category is None:
        return gettext("Other")
    return category.name


def skill_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """Skills grouped by category, for a checkbox list (one query)."""
    skills = (
        skill_list()
        .select_related("category")
        .order_by("category__position", "category__slug", "name")
    )
    return grouped([(category_name(s.category), (s.pk, s.name)) for s in skills])


def category_choices() -> list[tuple[str, str]]:
    return [(c.slug, category_name(c)) for c in category_list()]


def grouped(pairs: list[tuple[str, tuple[Any, str]]]) -> list[tuple[str, list]]:
    """[(group, choice), …] in order → Django's grouped choices [(group, [choice, …]), …]."""
    groups: dict[str, list] = defaultdict(list)
    for group, choice in pairs:
        groups[group].append(choice)
    return list(groups.items())
