"""A rating is shown the same way everywhere, and only with the reviews behind it
(accounts.ratings): a freelancer nobody has reviewed shows "no reviews yet" on their profile, in
the directory and on their bid cards, never the platform mean their Bayesian rating starts at."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import FreelancerProfile
from accounts.ratings import rating_figure, rating_text
from tests.pages.conftest import browser
from tests.pages.test_profile_pages import listed
from tests.projects.factories import BidFactory, GigFactory

pytestmark = pytest.mark.django_db

# What the calculation writes for someone with no revealed review: the prior, no count.
UNREVIEWED = {"rating": Decimal("5.000"), "rating_count": 0, "rating_prior": Decimal("5.0000")}


def unreviewed_freelancer() -> FreelancerProfile:
    profile = listed()
    FreelancerProfile.objects.filter(pk=profile.pk).update(**UNREVIEWED)
    return profile


@pytest.mark.parametrize(
    ("language", "no_reviews", "five"),
    [("en", "No reviews yet", "5.00 / 5"), ("id", None, "5,00 / 5")],
)
def test_an_unreviewed_freelancer_shows_no_rating_anywhere(language, no_reviews, five):
    profile = unreviewed_freelancer()
    gig = GigFactory()
    BidFactory(gig=gig, freelancer=profile.user)
    with translation.override(language):
        expected = translation.gettext("No reviews yet")
    pages = {
        "profile": browser(language=language).get(f"/freelancers/{profile.user.username}/"),
        "directory": browser(language=language).get("/freelancers/"),
        "bid card": browser(gig.client, language=language).get(f"/gigs/{gig.pk}/"),
    }
    for name, response in pages.items():
        body = response.content.decode()
        assert response.status_code == 200, name
        for wrong in (five, "5.0 / 5", "5,0 / 5", "★ 5"):
            assert wrong not in body, f"{name} shows a rating nobody gave: {wrong}"
        assert expected in body, f"{name} does not say there are no reviews yet"
    assert pages["profile"].context["figures"][0]["value"] == expected
    with translation.override(language):
        no_rating = translation.gettext(
            "No review has been revealed on Garap yet, so there is no rating."
        )
    assert pages["profile"].context["figures"][0]["explanation"] == no_rating


def test_a_reviewed_freelancer_shows_the_same_rating_with_its_count_everywhere():
    profile = listed()
    FreelancerProfile.objects.filter(pk=profile.pk).update(
        rating=Decimal("4.760"), rating_count=3, rating_points=43, rating_prior=Decimal("4.5")
    )
    gig = GigFactory()
    BidFactory(gig=gig, freelancer=profile.user)
    pages = {
        "directory": browser().get("/freelancers/"),
        "bid card": browser(gig.client).get(f"/gigs/{gig.pk}/"),
    }
    for name, response in pages.items():
        body = response.content.decode()
        assert "★ 4.8 / 5 (3 reviews)" in body, (name, re.findall(r"★[^<]*", body))
    profile_page = browser().get(f"/freelancers/{profile.user.username}/")
    assert profile_page.context["figures"][0]["value"] == "4.8 / 5"


def test_the_one_rule_in_both_languages():
    assert rating_text(Decimal("4.5"), 0) == "No reviews yet"
    assert rating_text(None, 2) == "No reviews yet"
    assert rating_figure(Decimal("5.000"), 0) == "No reviews yet"
    assert rating_text(Decimal("4.25"), 1) == "★ 4.3 / 5 (1 review)"
    with translation.override("id"):
        assert rating_figure(Decimal("4.75"), 12).startswith("4,8")
