"""Trust where the hire is decided: each bid card says who is bidding — in words first
(accounts.reputation_words), then the photo, rating with its count, jobs done, on-time rate and
city — from the figures selected with the bids, so the page costs the same with 1 or 30 bids."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import FreelancerProfile
from accounts.reputation_words import reputation_in_words
from accounts.services import user_photo_set
from tests.accounts.factories import UserFactory
from tests.accounts.test_portfolio import jpeg
from tests.pages.conftest import browser
from tests.pages.test_profile_pages import listed, set_figures
from tests.projects.factories import BidFactory, GigFactory

pytestmark = pytest.mark.django_db

NEW = "New on Garap — no finished jobs yet."
PROVEN = {
    "completed_count": 12,
    "completion_total": 12,
    "on_time_count": 11,
    "on_time_total": 12,
    "on_time_rate": Decimal("0.917"),
    "rating": Decimal("4.810"),
    "rating_count": 10,
    "rating_points": 144,
}


@pytest.fixture(autouse=True)
def _fresh_storage(settings):
    settings.STORAGES = {**settings.STORAGES}


def profile_with(**figures) -> FreelancerProfile:
    profile = listed()
    set_figures(profile, **figures)
    return profile


# --- the words rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "words"),
    [
        pytest.param(None, NEW, id="no profile"),
        pytest.param({}, NEW, id="nothing yet"),
        # The calculation's prior and a contract lost are no finished job: still new.
        pytest.param(
            {"rating": Decimal("5.000"), "completion_total": 1}, NEW, id="prior, no job done"
        ),
        pytest.param(
            {"completed_count": 1, "completion_total": 1},
            "1 job done on Garap, no reviews yet.",
            id="a job, no deadline, no review",
        ),
        pytest.param(
            {"completed_count": 3, "on_time_count": 2, "on_time_total": 3},
            "3 jobs done on Garap, 2 of 3 deadlines met, no reviews yet.",
            id="jobs, no reviews",
        ),
        pytest.param(
            # A stored rating without a revealed review is no rating (accounts.ratings).
            {"completed_count": 2, "rating": Decimal("4.900"), "rating_count": 0},
            "2 jobs done on Garap, no reviews yet.",
            id="a prior without reviews",
        ),
        pytest.param(
            PROVEN,
            "12 jobs done on Garap, 11 of 12 deadlines met, rated 4.8 / 5 in 10 reviews.",
            id="jobs, deadlines, reviews",
        ),
        pytest.param(
            {**PROVEN, "rating_count": 1},
            "12 jobs done on Garap, 11 of 12 deadlines met, rated 4.8 / 5 in 1 review.",
            id="one review",
        ),
    ],
)
def test_the_reputation_in_words(figures, words):
    profile = None if figures is None else profile_with(**figures)
    with translation.override("en"):
        assert reputation_in_words(profile) == words


def test_the_words_are_in_the_readers_language():
    profile = profile_with(**PROVEN)
    with translation.override("id"):
        assert "4,8" in reputation_in_words(profile)


# --- the bid card -----------------------------------------------------------------------------


def card_of(body: str, bid_id: int) -> str:
    start = body.index(f'id="bid-{bid_id}"')
    end = body.find('class="card bid"', start)
    return body[start : end if end != -1 else len(body)]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_proven_freelancers_card_says_it_in_words_then_shows_each_figure():
    profile = profile_with(**PROVEN, city="Bandung")
    user_photo_set(user=profile.user, upload=SimpleUploadedFile("wajah.jpg", jpeg()))
    bid = BidFactory(gig=GigFactory(), freelancer=profile.user)

    response = browser(bid.gig.client).get(f"/gigs/{bid.gig_id}/")

    assert response.status_code == 200
    card = card_of(response.content.decode(), bid.pk)
    words = "12 jobs done on Garap, 11 of 12 deadlines met, rated 4.8 / 5 in 10 reviews."
    assert f'<p class="trust-words">{words}</p>' in card
    assert card.index("trust-words") < card.index('class="facts trust"')  # words first
    assert '<img class="avatar avatar-small" src="/api/v1/photos/' in card
    figures = text(card[card.index('class="facts trust"') :])
    assert "Rating ★ 4.8 / 5 (10 reviews)" in figures
    assert "Jobs done 12" in figures
    assert "On time 91.7% (11 of 12)" in figures
    assert "City Bandung" in figures


def test_a_new_freelancers_card_says_they_are_new_and_shows_no_rating():
    profile = profile_with(rating=Decimal("5.000"), rating_prior=Decimal("5.0000"))
    bid = BidFactory(gig=GigFactory(), freelancer=profile.user)

    body = browser(bid.gig.client).get(f"/gigs/{bid.gig_id}/").content.decode()

    card = card_of(body, bid.pk)
    assert f'<p class="trust-words">{NEW}</p>' in card
    figures = text(card[card.index('class="facts trust"') :])
    assert "Rating No reviews yet" in figures
    assert "5.0 / 5" not in card
    assert "Jobs done 0" in figures
    assert "On time no deadlines yet" in figures
    assert "City not given" in figures
    # No photo: initials, drawn by CSS, hidden from screen readers beside the name.
    assert f'aria-hidden="true">{profile.user.initials}</span>' in card


def test_a_bidder_without_a_freelancer_profile_still_gets_a_card():
    bid = BidFactory(gig=GigFactory())
    FreelancerProfile.objects.filter(user=bid.freelancer).delete()

    body = browser(bid.gig.client).get(f"/gigs/{bid.gig_id}/").content.decode()

    assert f'<p class="trust-words">{NEW}</p>' in card_of(body, bid.pk)


def test_the_indonesian_card_writes_its_numbers_the_indonesian_way():
    profile = profile_with(**PROVEN)
    bid = BidFactory(gig=GigFactory(), freelancer=profile.user)
    with translation.override("id"):
        words = reputation_in_words(profile)

    body = browser(bid.gig.client, language="id").get(f"/gigs/{bid.gig_id}/").content.decode()

    card = card_of(body, bid.pk)
    assert words in card
    assert "91,7%" in card


def gig_with_bids(count: int):
    """A gig with ``count`` bids from freelancers of every kind: with a photo and figures, new
    without a photo, without a freelancer profile at all."""
    gig = GigFactory()
    for n in range(count):
        kind = n % 3
        if kind == 2:
            bidder = UserFactory()
            FreelancerProfile.objects.filter(user=bidder).delete()
        else:
            bidder = profile_with(**(PROVEN if kind == 0 else {}), city="Medan").user
        if kind == 0:
            user_photo_set(user=bidder, upload=SimpleUploadedFile("w.jpg", jpeg()))
        BidFactory(gig=gig, freelancer=bidder)
    return gig


def test_the_gig_page_costs_the_same_with_1_and_30_bids(
    django_assert_num_queries, django_assert_max_num_queries
):
    small, large = gig_with_bids(1), gig_with_bids(30)
    client = browser(small.client)
    client.get(f"/gigs/{small.pk}/")  # the session and caches settled, as for any visitor
    with django_assert_max_num_queries(100) as one_bid:  # counted here
        assert client.get(f"/gigs/{small.pk}/").status_code == 200
    # Read now: the next request clears the connection's query log the context slices.
    queries = len(one_bid)
    assert queries > 0
    owner = browser(large.client)
    owner.get(f"/gigs/{large.pk}/")

    with django_assert_num_queries(queries):
        assert client.get(f"/gigs/{small.pk}/").status_code == 200
    with django_assert_num_queries(queries):
        response = owner.get(f"/gigs/{large.pk}/")

    body = response.content.decode()
    assert body.count('class="trust-words"') == 30
    assert body.count('class="facts trust"') == 30


def test_the_profile_says_the_reputation_in_words_before_the_arithmetic():
    profile = profile_with(**PROVEN)
    words = "12 jobs done on Garap, 11 of 12 deadlines met, rated 4.8 / 5 in 10 reviews."

    body = browser().get(f"/freelancers/{profile.user.username}/").content.decode()

    assert body.index(words) < body.index("Computed by Garap from finished work")
    new = profile_with()
    assert NEW in browser().get(f"/freelancers/{new.user.username}/").content.decode()
