"""A freelancer's reputation said in one sentence, before the figures — where a client decides
whom to hire (the bid cards) and on the profile.

One rule, in this order, from the published figures only (``projects.reputation`` writes them;
nothing is computed here, so a page of cards costs no query):

1. No finished job on Garap: "New on Garap — no finished jobs yet." Whatever else is stored
   (a rating's prior, a cancelled contract), there is nothing to vouch for yet.
2. Otherwise the jobs done, then the deadlines met when any milestone was due ("11 of 12
   deadlines met": on time is counted per milestone), then the rating with its reviews — or
   "no reviews yet", never a rating without them (``accounts.ratings``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import FreelancerProfile
from accounts.ratings import DECIMALS, rating_value
from marketplace.formatting import decimal


def reputation_in_words(profile: FreelancerProfile | None) -> str:
    if profile is None or not profile.completed_count:
        return _("New on Garap — no finished jobs yet.")
    jobs = ngettext(
        "%(n)d job done on Garap", "%(n)d jobs done on Garap", profile.completed_count
    ) % {"n": profile.completed_count}
    shown = rating_value(profile.rating, profile.rating_count)
    if shown is None:
        rating = _("no reviews yet")
    else:
        rating = ngettext(
            "rated %(rating)s / 5 in %(n)d review",
            "rated %(rating)s / 5 in %(n)d reviews",
            profile.rating_count,
        ) % {"rating": decimal(shown, DECIMALS), "n": profile.rating_count}
    if not profile.on_time_total:
        return _("%(jobs)s, %(rating)s.") % {"jobs": jobs, "rating": rating}
    deadlines = ngettext(
        "%(a)d of %(b)d deadline met",
        "%(a)d of %(b)d deadlines met",
        profile.on_time_total,
    ) % {"a": profile.on_time_count, "b": profile.on_time_total}
    return _("%(jobs)s, %(deadlines)s, %(rating)s.") % {
        "jobs": jobs,
        "deadlines": deadlines,
        "rating": rating,
    }
