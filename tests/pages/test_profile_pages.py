"""Public pages about people: a freelancer's profile (portfolio, reviews, the reputation
breakdown), the freelancer directory and a client's record."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ClientProfile, FreelancerProfile, PortfolioImage, PortfolioItem
from accounts.reputation import reputation_explained
from accounts.services import client_profile_update, freelancer_profile_update
from projects.models import Review
from tests.accounts.factories import UserFactory
from tests.pages.conftest import browser
from tests.projects.factories import CategoryFactory, ContractFactory, SkillFactory

pytestmark = pytest.mark.django_db

DIRECTORY = "/freelancers/"


def listed(user=None, headline: str = "Desainer logo UMKM", **fields) -> FreelancerProfile:
    user = user or UserFactory()
    fields.setdefault("skill_ids", [])
    return freelancer_profile_update(user=user, headline=headline, **fields)


def set_figures(profile, **figures) -> None:
    """Reputation figures are written only by the calculation; these tests set them."""
    type(profile).objects.filter(pk=profile.pk).update(**figures)
    profile.refresh_from_db()


def portfolio_item(owner, n: int, *, category=None, skills=(), images: int = 2, contract=None):
    item = PortfolioItem.objects.create(
        owner=owner,
        title=f"Karya {n}",
        description=f"Logo toko nomor {n}",
        category=category,
        position=n,
        contract_id=contract.pk if contract else None,
    )
    item.skills.set(skills)
    for m in range(images):
        PortfolioImage.objects.create(
            item=item,
            image=f"portfolio/{owner.pk}/{n}-{m}.png",
            content_type="image/png",
            width=640,
            height=480,
            size=100,
            position=m,
        )
    return item


def review(subject, role: str, n: int, **fields) -> Review:
    if role == Review.Subject.FREELANCER:
        contract = ContractFactory(bid__freelancer=subject)
        author = contract.client
    else:
        contract = ContractFactory(bid__gig__client=subject)
        author = contract.freelancer
    return Review.objects.create(
        contract=contract,
        author=author,
        subject=subject,
        subject_role=role,
        quality=5,
        communication=4,
        value=4,
        comment=f"Ulasan nomor {n}",
        revealed_at=timezone.now() - timedelta(minutes=n),
        **fields,
    )


# --- a freelancer's profile -------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True])
def test_freelancer_profile_is_public(signed_in):
    category = CategoryFactory(name_en="Design", name_id="Desain")
    skills = [SkillFactory(name="Logo"), SkillFactory(name="Kemasan")]
    user = UserFactory(display_name="Budi Santoso", email_verified_at=timezone.now())
    profile = listed(
        user,
        headline="Desainer logo dan kemasan",
        bio="Lima tahun membuat logo untuk UMKM.",
        skill_ids=[s.pk for s in skills],
        starting_price=75_000,
        city="Bandung",
        province="jawa-barat",
        languages=["id", "su"],
        availability="limited",
    )
    item = portfolio_item(user, 0, category=category, skills=skills)
    verified = portfolio_item(user, 1, images=1, contract=ContractFactory(bid__freelancer=user))
    review(user, Review.Subject.FREELANCER, 1, reply="Terima kasih, Bu!")
    viewer = browser(UserFactory() if signed_in else None)

    response = viewer.get(f"/freelancers/{user.username.upper()}/")

    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Budi Santoso",
        "Desainer logo dan kemasan",
        "Lima tahun membuat logo untuk UMKM.",
        "Logo",
        "Kemasan",
        "Bandung, Jawa Barat",
        "Rp 75.000",
        "Bahasa Indonesia, Sundanese",
        "limited availability",
        "E-mail verified",
        "Karya 0",
        "Design",
        "Verified Garap work",
        "Ulasan nomor 1",
        "Terima kasih, Bu!",
    ):
        assert escape(text) in body, text
    image = item.images.first()
    assert f'src="/api/v1/portfolio-items/{item.pk}/images/{image.pk}/"' in body
    assert body.count("Verified Garap work") == 1
    assert f"/api/v1/portfolio-items/{verified.pk}/images/" in body
    assert f'href="/clients/{user.username}/"' in body
    assert f'<meta property="og:title" content="Budi Santoso — {profile.headline}">' in body


def test_the_reputation_breakdown_is_the_apis():
    profile = listed()
    set_figures(
        profile,
        rating=Decimal("4.350"),
        rating_count=4,
        rating_points=55,
        rating_prior=Decimal("4.2000"),
        on_time_rate=Decimal("0.750"),
        on_time_count=3,
        on_time_total=4,
        completion_rate=Decimal("1.000"),
        completed_count=4,
        completion_total=4,
        repeat_client_rate=Decimal("0.500"),
        repeat_clients=1,
        distinct_clients=2,
        median_response_seconds=2 * 3600 + 5 * 60,
        response_samples=4,
        reputation_updated_at=timezone.now(),
    )

    response = browser().get(f"/freelancers/{profile.user.username}/")

    body = response.content.decode()
    explained = reputation_explained(profile)
    for key in (
        "rating",
        "on_time_rate",
        "completion_rate",
        "repeat_client_rate",
        "median_response_seconds",
    ):
        assert escape(str(explained[key]["explanation"])) in body, key
    figures = {f["name"]: f for f in response.context["figures"]}
    assert figures["Rating"]["value"] == "4.4 / 5"  # accounts.ratings: one decimal
    assert figures["Rating"]["inputs"] == (
        "4 reviews, average 4.58; platform mean 4.20 counted as "
        f"{explained['rating']['prior_weight']} reviews"
    )
    assert (figures["On-time delivery"]["value"], figures["On-time delivery"]["inputs"]) == (
        "75.0%",
        "3 of 4",
    )
    assert figures["Clients who came back"]["value"] == "50.0%"
    assert figures["Median response time"]["value"] == "2\xa0hours, 5\xa0minutes"


def test_a_new_freelancer_shows_no_figures_yet():
    profile = listed()

    response = browser().get(f"/freelancers/{profile.user.username}/")

    figures = {f["name"]: f["value"] for f in response.context["figures"]}
    assert figures == {
        "Rating": "No reviews yet",
        "On-time delivery": "—",
        "Completed contracts": "—",
        "Clients who came back": "—",
        "Median response time": "—",
    }
    assert "No reviews yet." in response.content.decode()
    assert "No portfolio pieces yet." in response.content.decode()


def test_the_profile_is_in_the_visitors_language():
    category = CategoryFactory(name_en="Design", name_id="Desain")
    profile = listed()
    portfolio_item(profile.user, 0, category=category, images=0)

    body = browser(language="id").get(f"/freelancers/{profile.user.username}/").content.decode()

    assert '<html lang="id">' in body
    assert "Desain" in body


def test_removed_and_hidden_profiles_are_not_found():
    removed = listed()
    set_figures(removed, removed_at=timezone.now())
    unlisted = UserFactory()
    FreelancerProfile.objects.create(user=unlisted)  # no headline: not public
    inactive = listed(UserFactory(is_active=False))

    for username in (removed.user.username, unlisted.username, inactive.user.username, "nobody"):
        response = browser().get(f"/freelancers/{username}/")
        assert response.status_code == 404, username
        assert "Page not found" in response.content.decode()


def test_a_removed_portfolio_item_and_hidden_reviews_are_not_shown():
    profile = listed()
    shown = portfolio_item(profile.user, 0, images=0)
    gone = portfolio_item(profile.user, 1, images=0)
    PortfolioItem.objects.filter(pk=gone.pk).update(removed_at=timezone.now())
    visible = review(profile.user, Review.Subject.FREELANCER, 1)
    sealed = review(profile.user, Review.Subject.FREELANCER, 2)
    Review.objects.filter(pk=sealed.pk).update(revealed_at=None)
    removed = review(profile.user, Review.Subject.FREELANCER, 3)
    Review.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    as_client = review(profile.user, Review.Subject.CLIENT, 4)

    response = browser().get(f"/freelancers/{profile.user.username}/")

    assert [i.pk for i in response.context["portfolio"]] == [shown.pk]
    assert [r.pk for r in response.context["reviews"].items] == [visible.pk]
    assert as_client.comment not in response.content.decode()


def test_reviews_come_in_cursor_pages_newest_first():
    profile = listed()
    for n in range(13):
        review(profile.user, Review.Subject.FREELANCER, n)
    client = browser()

    first = client.get(f"/freelancers/{profile.user.username}/")
    assert [r.comment for r in first.context["reviews"].items] == [
        f"Ulasan nomor {n}" for n in range(10)
    ]
    second = client.get(first.context["reviews"].next_url)

    assert [r.comment for r in second.context["reviews"].items] == [
        f"Ulasan nomor {n}" for n in range(10, 13)
    ]


def profile_page_queries(*, items: int, reviews: int) -> int:
    category, skills = CategoryFactory(), SkillFactory.create_batch(2)
    profile = listed(skill_ids=[s.pk for s in skills])
    for n in range(items):
        portfolio_item(profile.user, n, category=category, skills=skills)
    for n in range(reviews):
        review(profile.user, Review.Subject.FREELANCER, n)
    client = browser(UserFactory())
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/freelancers/{profile.user.username}/")
    assert response.status_code == 200
    assert len(response.context["portfolio"]) == items
    assert len(response.context["reviews"].items) == reviews
    return len(captured)


def test_the_profile_costs_the_same_with_1_or_8_portfolio_items():
    assert profile_page_queries(items=1, reviews=1) == profile_page_queries(items=8, reviews=1)


def test_the_profile_costs_the_same_with_1_or_10_reviews():
    assert profile_page_queries(items=1, reviews=1) == profile_page_queries(items=1, reviews=10)


# --- the directory ----------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_directory_lists_listed_freelancers(signed_in):
    shown = listed(UserFactory(display_name="Rina Menulis"), headline="Penulis konten")
    FreelancerProfile.objects.create(user=UserFactory())  # no headline
    removed = listed(headline="Dihapus moderator")
    set_figures(removed, removed_at=timezone.now())

    response = browser(UserFactory() if signed_in else None).get(DIRECTORY)

    assert response.status_code == 200
    assert [p.pk for p in response.context["page"].items] == [shown.pk]
    body = response.content.decode()
    assert f'href="/freelancers/{shown.user.username}/"' in body
    assert "Penulis konten" in body
    assert "Dihapus moderator" not in body


def test_the_directory_filters_and_sorts_like_the_api():
    category = CategoryFactory(slug="desain")
    logo = SkillFactory(category=category)
    best = listed(skill_ids=[logo.pk], province="bali", starting_price=50_000, city="Denpasar")
    set_figures(best, rating=Decimal("4.800"), rating_count=3)
    good = listed(skill_ids=[logo.pk], province="bali", starting_price=90_000)
    set_figures(good, rating=Decimal("4.100"), rating_count=5)
    elsewhere = listed(skill_ids=[logo.pk], province="aceh")
    unrated = listed(province="bali")
    client = browser()

    def shown(**query) -> list[int]:
        response = client.get(DIRECTORY, query)
        assert response.status_code == 200
        return [p.pk for p in response.context["page"].items]

    assert shown(province="bali") == [best.pk, good.pk, unrated.pk]
    assert shown(province="bali", min_rating="4.5") == [best.pk]
    assert shown(skills=[logo.pk], category="desain") == [best.pk, good.pk, elsewhere.pk]
    assert shown(price_max="60000") == [best.pk]
    assert shown(price_max="Rp 60.000") == [best.pk]
    assert shown(city="denpasar") == [best.pk]
    assert shown(province="bali", sort="newest") == [unrated.pk, good.pk, best.pk]


def test_a_bad_filter_is_shown_and_left_out():
    profile = listed()

    response = browser().get(DIRECTORY, {"price_min": "banyak", "availability": "sometimes"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"price_min", "availability"}
    assert [p.pk for p in response.context["page"].items] == [profile.pk]


def test_the_directory_costs_the_same_with_3_or_25_freelancers():
    skills = SkillFactory.create_batch(2)

    def queries(count: int) -> int:
        for _n in range(count):
            listed(skill_ids=[s.pk for s in skills])
        with CaptureQueriesContext(connection) as captured:
            response = browser().get(DIRECTORY)
        assert len(response.context["page"].items) == min(count, 20)
        FreelancerProfile.objects.all().delete()
        return len(captured)

    assert queries(3) == queries(25)


# --- a client's record ------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True])
def test_client_record_is_public(signed_in):
    client_user = UserFactory(display_name="Sari", email_verified_at=timezone.now())
    client_profile_update(user=client_user, shop_name="Toko Kue Sari")
    record = ClientProfile.objects.get(user=client_user)
    set_figures(
        record,
        gigs_posted=12,
        gigs_closed=10,
        hires=8,
        hire_rate=Decimal("0.800"),
        avg_approval_seconds=26 * 3600,
        approvals=6,
        contracts=8,
        disputed_contracts=1,
        dispute_rate=Decimal("0.125"),
        revisions_requested=3,
        milestones_delivered=6,
        revisions_per_milestone=Decimal("0.50"),
        rating_count=2,
        rating_points=27,
        rating_average=Decimal("4.500"),
    )
    review(client_user, Review.Subject.CLIENT, 1)
    freelancer_review = review(client_user, Review.Subject.FREELANCER, 2)

    response = browser(UserFactory() if signed_in else None).get(
        f"/clients/{client_user.username}/"
    )

    assert response.status_code == 200
    figures = {name: (value, inputs) for name, value, inputs in response.context["figures"]}
    assert figures == {
        "Gigs posted": ("12", ""),
        "Hire rate": ("80.0%", "8 hires of 10 gigs whose bidding ended"),
        "Average time to approve work": ("1\xa0day, 2\xa0hours", "over 6 approvals"),
        "Dispute rate": ("12.5%", "1 of 8 contracts disputed"),
        "Revisions per milestone": ("0.50", "3 revisions asked over 6 delivered milestones"),
        "Rating from freelancers": ("4.5 / 5", "2 reviews"),
    }
    body = response.content.decode()
    assert "Toko Kue Sari" in body
    assert "E-mail verified" in body
    assert "Ulasan nomor 1" in body
    assert freelancer_review.comment not in body


def test_a_client_without_a_record_yet_has_an_empty_one():
    user = UserFactory()

    response = browser().get(f"/clients/{user.username}/")

    assert response.status_code == 200
    assert response.context["figures"][0] == ("Gigs posted", "0", "")
    assert "No reviews yet." in response.content.decode()


def test_unknown_or_inactive_clients_are_not_found():
    inactive = UserFactory(is_active=False)

    assert browser().get(f"/clients/{inactive.username}/").status_code == 404
    assert browser().get("/clients/nobody/").status_code == 404


def test_the_client_record_costs_the_same_with_1_or_10_reviews():
    def queries(reviews: int) -> int:
        user = UserFactory()
        client_profile_update(user=user, shop_name="Toko")
        for n in range(reviews):
            review(user, Review.Subject.CLIENT, n)
        with CaptureQueriesContext(connection) as captured:
            response = browser().get(f"/clients/{user.username}/")
        assert len(response.context["reviews"].items) == reviews
        return len(captured)

    assert queries(1) == queries(10)
