"""Forms of the gig pages: browse filters, posting or editing a gig, a bid, an invitation, a
report.

Types and lengths only, as the API's serializers check them (projects/api/); the rules
(category minimums, deadlines, who may bid) stay in the services, whose refusals come back onto
these forms through ``marketplace.pages.add_domain_error``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Category, Skill
from marketplace.formatting import rupiah
from marketplace.rupiah import RupiahField
from marketplace.text import validate_single_line
from projects.models import Bid, Gig, Report
from projects.selectors.gigs import SORTS

# The API's limits on a browse query (GigBrowseQuerySerializer).
BROWSE_BUDGET_MAX = 2**62
BROWSE_SKILLS_MAX = 20

SORT_LABELS = {
    "newest": _("Newest"),
    "closing_soon": _("Closing soon"),
    "budget_high": _("Highest budget"),
    "budget_low": _("Lowest budget"),
}
# Every sort the selector offers, labelled (a new one shows under its key until it has a label).
SORT_CHOICES = [(key, SORT_LABELS.get(key, key)) for key in SORTS]

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def category_name(category: Category) -> str:
    """The category's name in the language of the request."""
    return category.name


def skill_choices(
    skills: Iterable[Skill], categories: Sequence[Category]
) -> list[tuple[str, list[tuple[int, str]]]]:
    """Skills grouped under their category's name (for ``<optgroup>``), in category order;
    skills of no listed category go last under "Other"."""
    groups: dict[int | None, list[tuple[int, str]]] = {c.pk: [] for c in categories}
    for skill in skills:
        key = skill.category_id if skill.category_id in groups else None
        groups.setdefault(key, []).append((skill.pk, skill.name))
    choices = [(category_name(c), groups[c.pk]) for c in categories if groups[c.pk]]
    if groups.get(None):
        choices.append((str(_("Other")), groups[None]))
    return choices


def _end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in Jakarta time: "closes by 24 May" includes that evening."""
    return timezone.make_aware(datetime.combine(day, time.max), timezone.get_current_timezone())


class PageForm(forms.Form):
    """Labels without a trailing colon: each sits on its own line above its field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class BrowseForm(PageForm):
    """The browse page's search and filters (GET). A bad value shows its error and is ignored;
    the valid ones still filter."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. logo, caption, video")}
        ),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    skills = forms.TypedMultipleChoiceField(
        label=_("Skills"),
        required=False,
        coerce=int,
        help_text=_("Any of them."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    budget_min = RupiahField(
        label=_("Budget from (Rp)"), required=False, min_value=0, max_value=BROWSE_BUDGET_MAX
    )
    budget_max = RupiahField(
        label=_("Budget up to (Rp)"), required=False, min_value=0, max_value=BROWSE_BUDGET_MAX
    )
    closes_before = forms.DateField(
        label=_("Bidding closes by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=SORT_CHOICES, initial="newest"
    )

    def __init__(
        self, data: Any, *, categories: Sequence[Category], skills: Iterable[Skill]
    ) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("All categories")),
            *((c.slug, category_name(c)) for c in categories),
        ]
        cast(forms.ChoiceField, self.fields["skills"]).choices = skill_choices(skills, categories)

    def clean_skills(self) -> list[int]:
        skills = self.cleaned_data["skills"]
        if len(skills) > BROWSE_SKILLS_MAX:
            raise forms.ValidationError(
                _("Choose at most %(n)d skills.") % {"n": BROWSE_SKILLS_MAX}
            )
        return skills

    def query(self) -> dict[str, Any]:
        """The keyword arguments of ``gig_browse`` from the fields that are valid."""
        self.is_valid()
        data = self.cleaned_data
        query: dict[str, Any] = {"sort": data.get("sort") or "newest"}
        if data.get("q"):
            query["q"] = data["q"]
        if data.get("category"):
            query["category"] = data["category"]
        if data.get("skills"):
            query["skills"] = data["skills"]
        for name in ("budget_min", "budget_max"):
            if data.get(name) is not None:
                query[name] = data[name]
        if data.get("closes_before"):
            query["closes_before"] = _end_of_day(data["closes_before"])
        return query

    def has_filters(self) -> bool:
        """Whether any filter beyond the search box is set (the filters panel opens)."""
        names = ("category", "skills", "budget_min", "budget_max", "closes_before")
        return any(self.data.get(name) for name in names) or bool(self.errors)


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type="datetime-local">``, shown and read in Jakarta time (the site's zone)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class GigForm(PageForm):
    """Post a gig: the fields of ``gig_create`` (the API's GigCreateSerializer)."""

    title = forms.CharField(
        validators=[validate_single_line],
        label=_("Title"),
        min_length=Gig.TITLE_MIN_LENGTH,
        max_length=Gig.TITLE_MAX_LENGTH,
        help_text=_("What you need, in a few words: “Logo for a home bakery”."),
    )
    description = forms.CharField(
        label=_("Description"),
        min_length=Gig.DESCRIPTION_MIN_LENGTH,
        max_length=Gig.DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What to make, for whom, in what style and format. Contact details are hidden from "
            "freelancers until a contract is funded."
        ),
    )
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    skills = forms.TypedMultipleChoiceField(
        label=_("Skills"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    budget = RupiahField(
        label=_("Budget (Rp)"),
        min_value=1,
        max_value=settings.GIG_MAX_BUDGET,
        help_text=_("A fixed price in whole rupiah, at least the category's minimum."),
    )
    bidding_deadline = forms.DateTimeField(
        label=_("Bidding closes"),
        widget=DateTimeLocalInput(),
    )
    delivery_deadline = forms.DateTimeField(
        label=_("Work delivered by"),
        widget=DateTimeLocalInput(),
        help_text=_("After bidding closes, Jakarta time (WIB)."),
    )
    invite_only = forms.BooleanField(
        label=_("Invite only"),
        required=False,
        help_text=_("Only freelancers you invite can see the gig and bid."),
    )
    # Not rendered as a field: the "Publish" button sends it, "Save as draft" leaves it out.
    publish = forms.BooleanField(required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        categories: Sequence[Category],
        skills: Iterable[Skill],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("Choose a category")),
            *(
                (
                    c.pk,
                    _("%(name)s — min %(min)s")
                    % {"name": category_name(c), "min": rupiah(c.min_price)},
                )
                for c in categories
            ),
        ]
        # Help texts with numbers are translated here, per request (a lazy string with "%"
        # would be translated once, at import).
        self.fields["skills"].help_text = gettext("Optional, at most %(n)d.") % {
            "n": settings.GIG_MAX_SKILLS
        }
        self.fields["bidding_deadline"].help_text = gettext(
            "Between 1 and %(days)d days from now, Jakarta time (WIB)."
        ) % {"days": settings.GIG_BIDDING_MAX_DAYS}
        skills = list(skills)
        cast(forms.ChoiceField, self.fields["skills"]).choices = skill_choices(skills, categories)
        # For the script that narrows the skills to the chosen category.
        self.skill_categories = {skill.pk: skill.category_id for skill in skills}

    def clean_skills(self) -> list[int]:
        skills = self.cleaned_data["skills"]
        if len(skills) > settings.GIG_MAX_SKILLS:
            raise forms.ValidationError(
                _("Choose at most %(n)d skills.") % {"n": settings.GIG_MAX_SKILLS}
            )
        return skills

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``gig_create`` (besides the client)."""
        data = dict(self.cleaned_data)
        invite_only = data.pop("invite_only")
        data["visibility"] = Gig.Visibility.INVITE_ONLY if invite_only else Gig.Visibility.PUBLIC
        return data

    def update_arguments(self) -> dict[str, Any]:
        """The changes for ``gig_update``: every field of the form (the API's PATCH with all of
        them); publishing is the gig page's own button."""
        data = self.service_arguments()
        data.pop("publish")
        return data


def gig_initial(gig: Gig) -> dict[str, Any]:
    """The posting form filled with the gig as it is, for its client to edit (their own text,
    unmasked; the deadlines shown in Jakarta time by the widget)."""
    return {
        "title": gig.title,
        "description": gig.description,
        "category": gig.category_id,
        "skills": [skill.pk for skill in gig.skills.all()],
        "budget": gig.budget,
        "bidding_deadline": timezone.localtime(gig.bidding_deadline),
        "delivery_deadline": timezone.localtime(gig.delivery_deadline),
        "invite_only": gig.visibility == Gig.Visibility.INVITE_ONLY,
    }


class BidForm(PageForm):
    """Place a bid: the fields of ``bid_place`` (the API's BidWriteSerializer)."""

    amount = RupiahField(
        label=_("Your price (Rp)"),
        min_value=1,
        max_value=settings.GIG_MAX_BUDGET,
        help_text=_("What the client pays, in whole rupiah."),
    )
    delivery_days = forms.IntegerField(
        label=_("Delivery in (days)"),
        min_value=Bid.DELIVERY_DAYS_MIN,
        max_value=Bid.DELIVERY_DAYS_MAX,
        initial=3,
    )
    revisions_included = forms.IntegerField(
        label=_("Revisions included"),
        min_value=0,
        max_value=Bid.REVISIONS_MAX,
        initial=Bid.REVISIONS_DEFAULT,
    )
    cover_letter = forms.CharField(
        label=_("Cover letter"),
        min_length=Bid.COVER_LETTER_MIN_LENGTH,
        max_length=Bid.COVER_LETTER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Why you are a good fit and how you will do it. Contact details are hidden from the "
            "client until a contract is funded."
        ),
    )


class InviteForm(PageForm):
    """Invite a freelancer to bid (``gig_invite``)."""

    freelancer = forms.CharField(
        label=_("Freelancer's username"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


class InviteToGigForm(PageForm):
    """Invite the freelancer whose profile this is to one of the client's gigs (``gig_invite``);
    the choices are the gigs of ``gig_list_invitable`` they are not invited to yet."""

    gig = forms.TypedChoiceField(label=_("Which gig?"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, data: Any = None, *, gigs: Iterable[Gig]) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["gig"]).choices = [
            (gig.pk, gig.title) for gig in gigs if not getattr(gig, "already_invited", False)
        ]


REPORT_NOTE_MAX_LENGTH = 1000  # the API's ReportCreateSerializer.note


class ReportForm(PageForm):
    """Report something one can see (``report_create``): a reason and, optionally, details."""

    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=[(value, capfirst(label)) for value, label in Report.Reason.choices],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=REPORT_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, and where. Only moderators read this."),
    )
