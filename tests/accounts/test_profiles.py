"""Freelancer and client profiles through the API: editing one's own, the public directory with
its filters, sorts and cursor pages, the query budget, the client's record, and e-mail
verification."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from accounts.models import FreelancerProfile, PortfolioImage, PortfolioItem, User
from accounts.services import freelancer_profile_update
from projects.models import Review
from projects.reputation.services import reputation_recalculate_user
from projects.services import gigs as gig_services
from projects.services import milestones as milestone_services
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.projects.factories import (
    CategoryFactory,
    ContractFactory,
    GigFactory,
    SkillFactory,
    top_up,
)

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)
PROFILE = "/api/v1/me/freelancer-profile/"
DIRECTORY = "/api/v1/freelancers/"


def listed(user=None, headline: str = "Desainer logo UMKM", **fields) -> FreelancerProfile:
    """A freelancer in the directory (a headline written), through the profile service."""
    user = user or UserFactory()
    fields.setdefault("skill_ids", [])
    return freelancer_profile_update(user=user, headline=headline, **fields)


def set_figures(profile: FreelancerProfile, **figures) -> None:
    """Reputation figures are written only by the calculation; tests of the directory's filters
    set them directly."""
    FreelancerProfile.objects.filter(pk=profile.pk).update(**figures)


def usernames(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [f["username"] for f in response.json()["results"]]


def valid_profile(**overrides) -> dict:
    skills = overrides.pop("skills", None)
    if skills is None:
        skills = [SkillFactory().pk, SkillFactory().pk]
    return {
        "headline": "Ilustrator dan desainer logo",
        "bio": "Lima tahun membuat logo untuk UMKM di Bandung.",
        "skills": skills,
        "starting_price": 75_000,
        "city": "Bandung",
        "province": "jawa-barat",
        "languages": ["id", "en", "su"],
        "availability": "limited",
        "max_active_contracts": 5,
        **overrides,
    }


# --- one's own profile ------------------------------------------------------------------------


def test_a_new_user_sees_an_empty_unlisted_profile(user, user_client):
    response = user_client.get(PROFILE)

    assert response.status_code == 200
    body = response.json()
    assert body["headline"] == ""
    assert body["skills"] == []
    assert body["listed"] is False
    assert body["max_active_contracts"] == 3
    assert body["reputation"]["rating"]["value"] is None
    assert FreelancerProfile.objects.filter(user=user).exists() is False  # GET writes nothing


def test_put_writes_the_whole_profile_and_get_reads_it_back(user, user_client):
    payload = valid_profile()

    response = user_client.put(PROFILE, payload, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert {k: body[k] for k in payload if k != "skills"} == {
        k: v for k, v in payload.items() if k != "skills"
    }
    assert [s["id"] for s in body["skills"]] == sorted(payload["skills"])
    assert body["listed"] is True
    assert user_client.get(PROFILE).json() == body
    profile = FreelancerProfile.objects.get(user=user)
    assert profile.starting_price == 75_000
    assert profile.languages == ["id", "en", "su"]

    # A PUT replaces: what is left out goes back to its default.
    response = user_client.put(PROFILE, {"headline": "  Penulis konten  "}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["headline"] == "Penulis konten"
    assert (body["skills"], body["starting_price"], body["city"], body["languages"]) == (
        [],
        None,
        "",
        [],
    )
    assert body["max_active_contracts"] == 3


def test_the_same_skill_twice_is_kept_once(user_client):
    skill = SkillFactory()
    response = user_client.put(
        PROFILE, valid_profile(skills=[skill.pk, skill.pk, skill.pk]), format="json"
    )
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["skills"]] == [skill.pk]


def _sixteen_skills() -> list[int]:
    return [SkillFactory().pk for _ in range(16)]


BAD_PROFILES = [
    (
        "skills",
        lambda: {"skills": _sixteen_skills()},
        "Ensure this field has no more than 15 elements.",
    ),
    ("skills", lambda: {"skills": [999_999]}, "Pick skills from GET /api/v1/skills/."),
    ("skills", lambda: {"skills": ["1"]}, "Must be a whole number."),
    ("skills.0", lambda: {"skills": [0]}, "Ensure this value is greater than or equal to 1."),
    ("province", lambda: {"province": "atlantis"}, '"atlantis" is not a valid choice.'),
    ("province", lambda: {"province": "Jawa Barat"}, '"Jawa Barat" is not a valid choice.'),
    (
        "max_active_contracts",
        lambda: {"max_active_contracts": 0},
        "Ensure this value is greater than or equal to 1.",
    ),
    (
        "max_active_contracts",
        lambda: {"max_active_contracts": 11},
        "Ensure this value is less than or equal to 10.",
    ),
    ("starting_price", lambda: {"starting_price": settings.MILESTONE_MIN_AMOUNT - 1}, "Too low."),
    (
        "starting_price",
        lambda: {"starting_price": 0},
        "Enter an amount above Rp 0.",
    ),
    # A string is read as typed ("75.000" → 75000); junk is not.
    (
        "starting_price",
        lambda: {"starting_price": "75rb"},
        "Enter whole rupiah, for example 150.000.",
    ),
    ("starting_price", lambda: {"starting_price": 75_000.5}, "Must be a whole number."),
    ("languages.0", lambda: {"languages": ["klingon"]}, '"klingon" is not a valid choice.'),
    ("availability", lambda: {"availability": "busy"}, '"busy" is not a valid choice.'),
    (
        "headline",
        lambda: {"headline": "x" * 121},
        "Ensure this field has no more than 120 characters.",
    ),
    ("bio", lambda: {"bio": "x" * 3001}, "Ensure this field has no more than 3000 characters."),
    ("rating", lambda: {"rating": 5}, "Unknown field. Remove it from the request."),
]


@pytest.mark.parametrize(
    ("field", "change", "message"),
    BAD_PROFILES,
    ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(BAD_PROFILES)],
)
def test_a_bad_profile_field_is_a_400_naming_it(user, user_client, field, change, message):
    listed(user, headline="Sebelumnya", city="Garut")
    before = FreelancerProfile.objects.filter(user=user).values().get()

    response = user_client.put(PROFILE, {**valid_profile(), **change()}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["fields"] == {field: [message]}
    assert FreelancerProfile.objects.filter(user=user).values().get() == before


def test_a_put_without_a_headline_is_a_400(user_client):
    response = user_client.put(PROFILE, {"bio": "Tanpa judul."}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"headline": ["This field is required."]}


def test_the_starting_price_floor_is_the_smallest_milestone(user_client):
    response = user_client.put(
        PROFILE, valid_profile(starting_price=settings.MILESTONE_MIN_AMOUNT - 1), format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == "A starting price is at least Rp 10.000."
    ok = user_client.put(
        PROFILE, valid_profile(starting_price=settings.MILESTONE_MIN_AMOUNT), format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["starting_price"] == settings.MILESTONE_MIN_AMOUNT


def test_profile_endpoints_need_a_login(api_client):
    assert api_client.get(PROFILE).status_code == 401
    assert api_client.put(PROFILE, valid_profile(), format="json").status_code == 401


# --- the directory ----------------------------------------------------------------------------


def _filter_cases():
    """(query, the matching freelancer's profile, the other one's) for each filter."""

    def skills():
        wanted, other = SkillFactory(), SkillFactory()
        return (
            {"skills": f"{wanted.pk},{SkillFactory().pk}"},
            {"skill_ids": [wanted.pk, other.pk]},
            {"skill_ids": [other.pk]},
        )

    def category():
        design, writing = CategoryFactory(slug="desain"), CategoryFactory(slug="tulisan")
        return (
            {"category": "desain"},
            {"skill_ids": [SkillFactory(category=design).pk]},
            {"skill_ids": [SkillFactory(category=writing).pk]},
        )

    return {
        "skills": skills,
        "category": category,
        "min_rating": lambda: (
            {"min_rating": "4.5"},
            {"rating": Decimal("4.5"), "rating_count": 1},
            {"rating": Decimal("4.499"), "rating_count": 9},
        ),
        "price_min": lambda: (
            {"price_min": 100_000},
            {"starting_price": 100_000},
            {"starting_price": 99_999},
        ),
        "price_max": lambda: (
            {"price_max": 100_000},
            {"starting_price": 100_000},
            {"starting_price": 100_001},
        ),
        "city": lambda: ({"city": " bandung "}, {"city": "Bandung"}, {"city": "Bandung Barat"}),
        "province": lambda: (
            {"province": "jawa-barat"},
            {"province": "jawa-barat"},
            {"province": "jawa-timur"},
        ),
        "availability": lambda: (
            {"availability": "limited"},
            {"availability": "limited"},
            {"availability": "available"},
        ),
    }


FILTERS = _filter_cases()
FIGURES = {"rating", "rating_count"}


def _make(fields: dict) -> FreelancerProfile:
    figures = {k: v for k, v in fields.items() if k in FIGURES}
    profile = listed(**{k: v for k, v in fields.items() if k not in FIGURES})
    if figures:
        set_figures(profile, **figures)
    return profile


@pytest.mark.parametrize("name", list(FILTERS))
def test_each_directory_filter_keeps_the_match_and_drops_the_other(api_client, name):
    query, matching_fields, other_fields = FILTERS[name]()
    matching, other = _make(matching_fields), _make(other_fields)

    assert set(usernames(api_client.get(DIRECTORY))) == {
        matching.user.username,
        other.user.username,
    }
    assert usernames(api_client.get(DIRECTORY, query)) == [matching.user.username]


def test_filters_combine(api_client):
    skill = SkillFactory()
    both = listed(skill_ids=[skill.pk], province="bali", starting_price=60_000)
    listed(skill_ids=[skill.pk], province="bali", starting_price=600_000)
    listed(skill_ids=[], province="bali", starting_price=60_000)

    response = api_client.get(
        DIRECTORY, {"skills": str(skill.pk), "province": "bali", "price_max": 100_000}
    )

    assert usernames(response) == [both.user.username]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"province": "atlantis"}, "province"),
        ({"availability": "busy"}, "availability"),
        ({"sort": "price"}, "sort"),
        ({"skills": "logo,2"}, "skills"),
        ({"skills": "0"}, "skills"),
        ({"min_rating": "6"}, "min_rating"),
        ({"min_rating": "lima"}, "min_rating"),
        ({"price_min": "-1"}, "price_min"),
        ({"price_max": "murah"}, "price_max"),
        ({"page_size": "101"}, "page_size"),
        ({"cursor": "rusak"}, "cursor"),
    ],
)
def test_a_bad_directory_query_is_a_400_naming_the_parameter(api_client, query, field):
    listed()
    response = api_client.get(DIRECTORY, query)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_a_repeated_filter_is_a_400(api_client):
    response = api_client.get(DIRECTORY + "?city=Bandung&city=Garut")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["city"]


def test_unlisted_and_inactive_freelancers_are_never_shown(api_client):
    shown = listed(city="Bandung")
    unlisted = UserFactory()
    freelancer_profile_update(user=unlisted, headline="   ", city="Bandung")
    gone = listed(city="Bandung").user
    User.objects.filter(pk=gone.pk).update(is_active=False)

    for query in ({}, {"city": "Bandung"}, {"sort": "newest"}):
        assert usernames(api_client.get(DIRECTORY, query)) == [shown.user.username]
    assert api_client.get(f"{DIRECTORY}{unlisted.username}/").status_code == 404
    assert api_client.get(f"{DIRECTORY}{gone.username}/").status_code == 404
    assert api_client.get(f"{DIRECTORY}{shown.user.username}/").status_code == 200


def _review(freelancer: User, points: tuple[int, int, int]) -> None:
    """A revealed review of ``freelancer`` on a contract of their own."""
    contract = ContractFactory(bid__freelancer=freelancer)
    quality, communication, value = points
    Review.objects.create(
        contract=contract,
        author=contract.client,
        subject=freelancer,
        subject_role=Review.Subject.FREELANCER,
        quality=quality,
        communication=communication,
        value=value,
        comment="Bagus.",
        revealed_at=timezone.now(),
    )


def test_sort_by_rating_uses_the_bayesian_rating_and_puts_no_rating_last(api_client):
    # One perfect review is pulled towards the platform mean; twenty near-perfect ones are not.
    one_perfect = listed(headline="Satu ulasan")
    many_good = listed(headline="Banyak ulasan")
    low = listed(headline="Ulasan rendah")
    unrated = [listed(headline="Belum ada ulasan") for _ in range(2)]
    _review(one_perfect.user, (5, 5, 5))
    for n in range(20):
        _review(many_good.user, (5, 5, 5) if n < 18 else (5, 5, 4))
    for _ in range(10):
        _review(low.user, (3, 3, 3))
    for profile in (one_perfect, many_good, low, *unrated):
        reputation_recalculate_user(user_id=profile.user_id)

    # Platform mean (15 + 298 + 90) / 93 = 4.3333; one perfect: (5 × 4.3333 + 5) / 6 = 4.444;
    # twenty: (5 × 4.3333 + 20 × 4.9667) / 25 = 4.840; low: (5 × 4.3333 + 10 × 3) / 15 = 3.444.
    response = api_client.get(DIRECTORY, {"sort": "rating"})

    assert [
        (f["username"], f["rating"], f["rating_count"]) for f in response.json()["results"]
    ] == [
        (many_good.user.username, 4.84, 20),
        (one_perfect.user.username, 4.444, 1),
        (low.user.username, 3.444, 10),
        # No review of their own: the calculation gives them the platform mean, shown as
        # such, but they sort after everyone whose reviews are in.
        (unrated[1].user.username, 4.333, 0),
        (unrated[0].user.username, 4.333, 0),
    ]
    assert usernames(api_client.get(DIRECTORY)) == usernames(response)  # the default sort
    assert usernames(api_client.get(DIRECTORY, {"min_rating": "4.3"})) == [
        many_good.user.username,
        one_perfect.user.username,
    ]


def test_sort_by_newest_puts_the_latest_profile_first(api_client, time_machine):
    made = []
    for day in range(3):
        time_machine.move_to(START + timedelta(days=day), tick=False)
        made.append(listed().user.username)
    time_machine.move_to(START + timedelta(days=5), tick=False)
    # Editing an older profile does not make it new.
    listed(User.objects.get(username=made[0]), headline="Diperbarui")

    assert usernames(api_client.get(DIRECTORY, {"sort": "newest"})) == made[::-1]


def walk(client, query: dict) -> list[list[str]]:
    pages, response = [], client.get(DIRECTORY, query)
    while True:
        pages.append(usernames(response))
        following = response.json()["next"]
        if following is None:
            return pages
        response = client.get(following)


@pytest.mark.parametrize("sort", ["rating", "newest"])
def test_cursor_pages_walk_every_freelancer_once(api_client, time_machine, sort):
    # Ties on purpose: equal ratings, no ratings, profiles made in the same instant.
    time_machine.move_to(START, tick=False)
    ratings = [Decimal("4.5"), Decimal("4.5"), Decimal("3.25"), None, Decimal("4.9")] * 5
    profiles = []
    for n, rating in enumerate(ratings):
        if n % 4 == 0:
            time_machine.move_to(START + timedelta(minutes=n), tick=False)
        profile = listed()
        set_figures(profile, rating=rating, rating_count=0 if rating is None else 3)
        profiles.append(profile)

    pages = walk(api_client, {"sort": sort, "page_size": 4})

    assert [len(page) for page in pages] == [4, 4, 4, 4, 4, 4, 1]
    walked = [name for page in pages for name in page]
    assert len(walked) == len(set(walked)) == 25
    assert walked == usernames(api_client.get(DIRECTORY, {"sort": sort, "page_size": 100}))
    if sort == "rating":
        by_name = {p.user.username: ratings[i] for i, p in enumerate(profiles)}
        shown = [by_name[name] or Decimal(0) for name in walked]
        assert shown == sorted(shown, reverse=True)


def test_the_directory_shows_the_email_badge_and_public_fields(api_client):
    skill = SkillFactory(name="Ilustrasi")
    profile = listed(skill_ids=[skill.pk], starting_price=50_000, city="Garut")
    User.objects.filter(pk=profile.user_id).update(email_verified_at=timezone.now())

    (row,) = api_client.get(DIRECTORY).json()["results"]

    assert row["email_verified"] is True
    assert row["skills"] == [{"id": skill.pk, "slug": skill.slug, "name": "Ilustrasi"}]
    assert (row["starting_price"], row["city"], row["rating"]) == (50_000, "Garut", None)
    assert "email" not in row


# --- query budgets ----------------------------------------------------------------------------

DIRECTORY_QUERIES = 2  # the page with its users joined; the page's skills
DETAIL_QUERIES = 5  # profile + user; skills; portfolio items + category; their skills; images


@pytest.mark.parametrize("freelancers", [3, 30])
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
def test_the_directory_costs_the_same_at_any_size(django_assert_num_queries, freelancers, filtered):
    category = CategoryFactory(slug="desain")
    skills = SkillFactory.create_batch(3, category=category)
    for n in range(freelancers):
        listed(skill_ids=[skills[n % 3].pk, skills[(n + 1) % 3].pk], province="bali")
    query = {"skills": f"{skills[0].pk},{skills[1].pk}", "category": "desain", "province": "bali"}
    client = english_client()

    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = client.get(DIRECTORY, query if filtered else {})

    assert len(response.json()["results"]) == min(freelancers, 20)
    assert all(len(f["skills"]) == 2 for f in response.json()["results"])


@pytest.mark.parametrize("items", [1, 8])
def test_the_freelancer_page_costs_the_same_with_any_portfolio(django_assert_num_queries, items):
    category, skills = CategoryFactory(), SkillFactory.create_batch(2)
    profile = listed(skill_ids=[s.pk for s in skills])
    for n in range(items):
        item = PortfolioItem.objects.create(
            owner=profile.user, title=f"Karya {n}", category=category, position=n
        )
        item.skills.set(skills)
        for m in range(2):
            PortfolioImage.objects.create(
                item=item,
                image=f"portfolio/{profile.user_id}/{n}-{m}.png",
                content_type="image/png",
                width=10,
                height=10,
                size=100,
                position=m,
            )
    client = english_client()

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(f"{DIRECTORY}{profile.user.username}/")

    assert response.status_code == 200
    portfolio = response.json()["portfolio"]
    assert [p["title"] for p in portfolio] == [f"Karya {n}" for n in range(items)]
    assert all(len(p["images"]) == 2 and len(p["skills"]) == 2 for p in portfolio)
    assert all(p["category"] == category.slug for p in portfolio)


def test_the_freelancer_page_explains_the_reputation(api_client):
    profile = listed()
    response = api_client.get(f"{DIRECTORY}{profile.user.username.upper()}/")
    assert response.status_code == 200
    reputation = response.json()["reputation"]
    assert reputation["rating"] == {
        "value": None,
        "reviews": 0,
        "average": None,
        "platform_mean": None,
        "prior_weight": 5,
        "explanation": "No review has been revealed on Garap yet, so there is no rating.",
    }
    assert reputation["completion_rate"]["explanation"].startswith("0 of 0 contracts completed")


# --- the client's record ----------------------------------------------------------------------


def test_the_client_record_counts_real_activity(
    time_machine, django_capture_on_commit_callbacks, api_client
):
    time_machine.move_to(START, tick=False)
    client = UserFactory(preferred_language="en")
    contract = ContractFactory(bid__gig__client=client)
    cancelled = GigFactory(client=client)
    GigFactory(client=client)  # still open: its bidding is not over
    GigFactory(client=client, status="draft", published_at=None)  # never published
    gig_services.gig_cancel(gig_id=cancelled.pk, actor=client)

    top_up(client, 200_000)
    milestone = contract.milestones.get()
    freelancer = contract.freelancer
    milestone_services.milestone_fund(milestone_id=milestone.pk, actor=client)
    time_machine.move_to(START + timedelta(hours=5), tick=False)
    milestone_services.milestone_submit(milestone_id=milestone.pk, actor=freelancer, note="v1")
    time_machine.move_to(START + timedelta(hours=6), tick=False)
    milestone_services.milestone_request_revision(
        milestone_id=milestone.pk, actor=client, note="Warnanya lebih cerah."
    )
    time_machine.move_to(START + timedelta(hours=10), tick=False)
    milestone_services.milestone_submit(milestone_id=milestone.pk, actor=freelancer, note="v2")
    time_machine.move_to(START + timedelta(hours=13), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        milestone_services.milestone_release(milestone_id=milestone.pk, actor=client)

    record = api_client.get(f"/api/v1/clients/{client.username}/").json()

    assert {k: v for k, v in record.items() if k not in ("member_since", "updated_at")} == {
        "username": client.username,
        "name": client.public_name,
        "shop_name": "",
        "email_verified": False,
        "gigs_posted": 3,
        "hires": 1,
        "hire_rate": 0.5,  # one hire of two gigs whose bidding ended (awarded, cancelled)
        "avg_approval_seconds": 3 * 3600,  # from the second delivery to the release
        "dispute_rate": 0.0,
        "revisions_per_milestone": 1.0,
        "rating_average": None,
        "rating_count": 0,
    }
    assert datetime.fromisoformat(record["updated_at"]) == START + timedelta(hours=13)

    # The freelancer's review of the client, once revealed, is in the record.
    reviews = f"/api/v1/contracts/{contract.pk}/reviews/"
    stars = {"quality": 4, "communication": 4, "value": 5, "comment": "Jelas briefnya."}
    assert client_for(freelancer).post(reviews, stars, format="json").status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        stars = {"quality": 5, "communication": 5, "value": 5, "comment": "Rapi."}
        assert client_for(client).post(reviews, stars, format="json").status_code == 201
    record = api_client.get(f"/api/v1/clients/{client.username}/").json()
    assert (record["rating_average"], record["rating_count"]) == (4.333, 1)


def test_the_client_sets_a_shop_name(user, user_client, api_client):
    response = user_client.put(
        "/api/v1/me/client-profile/", {"shop_name": "  Toko Kue Bu Sri  "}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["shop_name"] == "Toko Kue Bu Sri"
    assert user_client.get("/api/v1/me/client-profile/").json()["shop_name"] == "Toko Kue Bu Sri"
    public = api_client.get(f"/api/v1/clients/{user.username}/").json()
    assert (public["shop_name"], public["gigs_posted"], public["hire_rate"]) == (
        "Toko Kue Bu Sri",
        0,
        None,
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"shop_name": "x" * 81}, "shop_name"), ({}, "shop_name"), ({"shop": "A"}, "shop")],
)
def test_a_bad_shop_name_is_a_400(user_client, payload, field):
    response = user_client.put("/api/v1/me/client-profile/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_an_unknown_client_is_a_404(api_client):
    assert api_client.get("/api/v1/clients/nobody.here/").status_code == 404


# --- e-mail verification ----------------------------------------------------------------------


def _ask_for_link(user: User):
    """POST me/verify-email/; the e-mail leaves through the worker once the request commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client_for(user).post("/api/v1/me/verify-email/")


def _verification_token(user: User) -> str:
    (message,) = [m for m in mail.outbox if user.email in m.to and "/verify-email/" in m.body]
    found = re.search(r"/verify-email/\?token=(\S+)", message.body)
    assert found, message.body
    return found.group(1)


def test_the_emailed_link_verifies_the_address(api_client, time_machine):
    time_machine.move_to(START, tick=False)
    user = UserFactory(preferred_language="en")
    listed(user)

    assert _ask_for_link(user).status_code == 202
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Confirm your e-mail address for Garap"
    token = _verification_token(user)
    assert api_client.get(DIRECTORY).json()["results"][0]["email_verified"] is False

    time_machine.move_to(START + timedelta(days=6), tick=False)
    response = api_client.post("/api/v1/auth/verify-email/", {"token": token}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json() == {"username": user.username, "email_verified": True}
    user.refresh_from_db()
    assert user.email_verified_at == START + timedelta(days=6)
    assert api_client.get(DIRECTORY).json()["results"][0]["email_verified"] is True
    assert api_client.get(f"/api/v1/clients/{user.username}/").json()["email_verified"] is True
    assert client_for(user).get("/api/v1/me/").json()["email_verified_at"] is not None

    # The link again: still verified, the first moment kept. A verified address gets no mail.
    again = api_client.post("/api/v1/auth/verify-email/", {"token": token}, format="json")
    assert again.status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at == START + timedelta(days=6)
    assert _ask_for_link(user).status_code == 202
    assert len(mail.outbox) == 1


def _tamper(token: str) -> str:
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


@pytest.mark.parametrize(
    "make_bad",
    [
        _tamper,
        lambda token: token.split(":", 1)[1],
        lambda token: "x" + token,
        lambda token: "bukan-token",
    ],
    ids=["signature", "no-payload", "payload", "garbage"],
)
def test_a_tampered_token_is_a_400(api_client, make_bad):
    user = UserFactory()
    _ask_for_link(user)
    token = _verification_token(user)

    response = api_client.post(
        "/api/v1/auth/verify-email/", {"token": make_bad(token)}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"
    assert response.json()["fields"] == {"token": ["Invalid or expired."]}
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_token_for_an_old_address_verifies_nothing(api_client):
    user = UserFactory()
    _ask_for_link(user)
    token = _verification_token(user)
    User.objects.filter(pk=user.pk).update(email="alamat.baru@example.id")

    response = api_client.post("/api/v1/auth/verify-email/", {"token": token}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_an_expired_token_is_a_400(api_client, time_machine):
    time_machine.move_to(START, tick=False)
    user = UserFactory()
    _ask_for_link(user)
    token = _verification_token(user)

    time_machine.move_to(START + timedelta(days=7, seconds=1), tick=False)
    response = api_client.post("/api/v1/auth/verify-email/", {"token": token}, format="json")

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email_verified_at is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [({}, "token"), ({"token": 123}, "token"), ({"token": "x" * 501}, "token"), ({"t": "x"}, "t")],
)
def test_a_malformed_verify_request_is_a_400(api_client, payload, field):
    response = api_client.post("/api/v1/auth/verify-email/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


@pytest.mark.parametrize(("made_for", "used_with"), [("rating", "newest"), ("newest", "rating")])
def test_a_cursor_from_the_other_sort_is_a_400(api_client, made_for, used_with):
    for n in range(3):
        set_figures(listed(), rating=Decimal("4.5") - n, rating_count=2)
    following = api_client.get(DIRECTORY, {"sort": made_for, "page_size": 1}).json()["next"]
    cursor = parse_qs(urlsplit(following).query)["cursor"][0]

    response = api_client.get(DIRECTORY, {"sort": used_with, "cursor": cursor, "page_size": 1})

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "cursor": ["Invalid cursor. Start again from the first page."]
    }


@pytest.mark.parametrize(
    ("sort", "position", "status"),
    [
        ("rating", "garbage", 400),
        ("rating", "NaN", 400),
        ("rating", "Infinity", 400),
        ("rating", "2025-03-03T03:00:00+00:00", 400),
        ("rating", "1e999", 200),  # a real position: everything rated below it
        ("newest", "garbage", 400),
        ("newest", "4.5", 400),
        ("newest", "2025-13-45", 400),
        ("newest", "2999-01-01T00:00:00+00:00", 200),
    ],
)
def test_a_hand_made_cursor_is_a_400_unless_it_is_a_position(api_client, sort, position, status):
    profile = listed()
    cursor = base64.b64encode(urlencode({"o": "0", "p": position}).encode()).decode()

    response = api_client.get(DIRECTORY, {"sort": sort, "cursor": cursor})

    assert response.status_code == status
    if status == 400:
        assert list(response.json()["fields"]) == ["cursor"]
    else:
        assert usernames(response) == [profile.user.username]
