"""A freelancer's published reputation figures, each with its inputs and a sentence of the
arithmetic behind it (docs/reputation.md).

The API's profile answers and the public profile page both show this one text, so the page never
reads a serializer. Plain Python without DRF; the figures themselves are computed and written by
``projects.reputation``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import FreelancerProfile
from marketplace.formatting import decimal, percent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# The arithmetic's figures are written to two decimals in the reader's language ("4,75").
FIGURE_PLACES = 2


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def reputation_explained(profile: FreelancerProfile) -> dict:
    """The profile's figures with the arithmetic behind each (docs/reputation.md)."""
    weight = settings.REPUTATION_PRIOR_WEIGHT
    count, points = profile.rating_count, profile.rating_points
    average = round(points / (3 * count), 3) if count else None
    rating_text: StrOrPromise
    if profile.rating is None or not count:  # the prior alone is no rating (accounts.ratings)
        rating_text = _("No review has been revealed on Garap yet, so there is no rating.")
    else:
        rating_text = _(
            "(%(m)d × platform mean %(c)s + %(n)d × this freelancer's average %(avg)s) ÷ "
            "(%(m)d + %(n)d) = %(value)s"
        ) % {
            "m": weight,
            "c": "—"
            if profile.rating_prior is None
            else decimal(profile.rating_prior, FIGURE_PLACES),
            "n": count,
            "avg": "—" if average is None else decimal(average, FIGURE_PLACES),
            "value": decimal(profile.rating, FIGURE_PLACES),
        }
    return {
        "rating": {
            "value": _num(profile.rating),
            "reviews": count,
            "average": average,
            "platform_mean": _num(profile.rating_prior),
            "prior_weight": weight,
            "explanation": rating_text,
        },
        "on_time_rate": {
            "value": _num(profile.on_time_rate),
            "numerator": profile.on_time_count,
            "denominator": profile.on_time_total,
            "explanation": ngettext_lazy(
                "%(a)d of %(b)d funded milestone was first submitted by its due date (%(p)s).",
                "%(a)d of %(b)d funded milestones were first submitted by their due date (%(p)s).",
                "b",
            )
            % {
                "a": profile.on_time_count,
                "b": profile.on_time_total,
                "p": percent(profile.on_time_rate),
            },
        },
        "completion_rate": {
            "value": _num(profile.completion_rate),
            "numerator": profile.completed_count,
            "denominator": profile.completion_total,
            "explanation": ngettext_lazy(
                "%(a)d of %(b)d contract completed; the others were cancelled by the freelancer "
                "or lost in a dispute. Cancellations by the client are not counted (%(p)s).",
                "%(a)d of %(b)d contracts completed; the others were cancelled by the freelancer "
                "or lost in a dispute. Cancellations by the client are not counted (%(p)s).",
                "b",
            )
            % {
                "a": profile.completed_count,
                "b": profile.completion_total,
                "p": percent(profile.completion_rate),
            },
        },
        "repeat_client_rate": {
            "value": _num(profile.repeat_client_rate),
            "numerator": profile.repeat_clients,
            "denominator": profile.distinct_clients,
            "explanation": ngettext_lazy(
                "%(a)d of %(b)d client hired this freelancer again (%(p)s).",
                "%(a)d of %(b)d clients hired this freelancer again (%(p)s).",
                "b",
            )
            % {
                "a": profile.repeat_clients,
                "b": profile.distinct_clients,
                "p": percent(profile.repeat_client_rate),
            },
        },
        "median_response_seconds": {
            "value": profile.median_response_seconds,
            "samples": profile.response_samples,
            "explanation": ngettext_lazy(
                "The median time from being hired to the first message or delivery, over "
                "%(n)d contract.",
                "The median time from being hired to the first message or delivery, over "
                "%(n)d contracts.",
                "n",
            )
            % {"n": profile.response_samples},
        },
        "updated_at": profile.figures_computed_at,
        "formula": "/api/docs/#/profiles",
    }
