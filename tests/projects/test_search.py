"""Browsing and searching gigs: filters, sorting, cursor pages and the text query.

One fixed catalogue of twelve open public gigs, Indonesian and English, plus gigs that must
never be listed (a draft, one pending review, an invite-only one, awarded, cancelled, expired)
which match every filter and search word, so a filter that forgot them would show them.

The text-query cases run on both databases with the same expected gigs: PostgreSQL full-text
search (Indonesian stemming, websearch syntax) and SQLite's word-by-word substring fallback.
Their words are chosen so both agree: no word the stemmer changes into something the other
gigs share, and no word that is a substring of another word in the catalogue (e.g. not "edit",
which SQLite finds inside "editing" but the stemmer keeps apart). Where the two differ on
purpose (stemming, websearch operators) the test is PostgreSQL-only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.utils import timezone

from accounts.models import Category, Skill
from projects.models import Gig
from projects.selectors.gigs import SORTS, gig_browse
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.projects.factories import CategoryFactory, GigFactory, SkillFactory

URL = "/api/v1/gigs/"


@dataclass(frozen=True)
class Row:
    title: str
    description: str
    category: str
    skills: tuple[str, ...]
    budget: int  # whole rupiah
    closes_in_days: int
    published_hours_ago: int


LISTED: dict[str, Row] = {
    "logo_kue": Row(
        "Desain logo toko kue",
        "Logo sederhana warna pastel untuk toko kue rumahan di Bandung.",
        "desain", ("logo",), 250_000, 2, 5,
    ),
    "logo_kafe": Row(
        "Mendesain ulang logo kafe",
        "Kafe kami butuh logo baru yang modern untuk papan nama dan Instagram.",
        "desain", ("logo",), 400_000, 6, 1,
    ),
    "logo_coffee": Row(
        "Logo design for a coffee roastery",
        "Minimal logo for our packaging and the website header.",
        "desain", ("logo",), 600_000, 9, 12,
    ),
    "feed_ig": Row(
        "Desain feed Instagram sembilan post",
        "Template feed Instagram untuk toko hijab online, format Canva.",
        "desain", ("sosmed",), 300_000, 3, 30,
    ),
    "wp_klinik": Row(
        "Website WordPress untuk klinik gigi",
        "Landing page WordPress dengan formulir janji temu dan peta lokasi.",
        "web", ("wordpress",), 2_500_000, 12, 2,
    ),
    "wp_checkout": Row(
        "Fix my WordPress checkout page",
        "WooCommerce checkout shows an error after the latest plugin update.",
        "web", ("wordpress", "html"), 750_000, 1, 8,
    ),
    "landing": Row(
        "Landing page untuk peluncuran produk",
        "Halaman satu muka yang cepat, ringan dan ramah ponsel.",
        "web", ("html",), 1_200_000, 5, 20,
    ),
    "katalog": Row(
        "Terjemahkan katalog produk ke bahasa Inggris",
        "Katalog 20 halaman tentang kerajinan rotan dari Cirebon.",
        "terjemahan", (), 500_000, 4, 3,
    ),
    "app_translate": Row(
        "Translate a mobile app into Bahasa Indonesia",
        "About 800 strings, casual tone, for a fitness app.",
        "terjemahan", (), 900_000, 7, 40,
    ),
    "video_profil": Row(
        "Edit video profil perusahaan",
        "Video berdurasi tiga menit, tambahkan musik dan teks.",
        "video", ("video-editing",), 1_500_000, 10, 6,
    ),
    "video_youtube": Row(
        "Video editing for a YouTube cooking channel",
        "Weekly ten minute episodes with color grading and subtitles.",
        "video", ("video-editing",), 1_000_000, 8, 15,
    ),
    "artikel_kopi": Row(
        "Tulis artikel SEO tentang kopi",
        "Lima artikel SEO tentang kopi Nusantara, masing-masing 800 kata.",
        "penulisan", ("seo",), 350_000, 11, 50,
    ),
}  # fmt: skip

# Gigs the browse list never shows. Each matches the filters and words the tests use.
HIDDEN_TITLE = "Desain logo WordPress video produk kopi website rotan"
HIDDEN_DESCRIPTION = "Instagram checkout landing katalog untuk toko kue, artikel SEO."
HIDDEN: dict[str, dict] = {
    "draft": {"status": Gig.Status.DRAFT, "published_at": None},
    "pending_review": {"status": Gig.Status.PENDING_REVIEW, "published_at": None},
    "invite_only": {"visibility": Gig.Visibility.INVITE_ONLY},
    "awarded": {"status": Gig.Status.AWARDED},
    "cancelled": {"status": Gig.Status.CANCELLED},
    "expired": {"status": Gig.Status.EXPIRED},
    # Still open (its client may award it), but nobody can bid any more.
    "bidding_closed": {"bidding_deadline_in": timedelta(minutes=-1)},
}


@dataclass
class Catalogue:
    now: datetime
    ids: dict[str, int]
    categories: dict[str, Category]
    skills: dict[str, Skill]

    def names(self, ids: list[int]) -> list[str]:
        by_id = {pk: name for name, pk in self.ids.items()}
        return [by_id.get(pk, f"unknown:{pk}") for pk in ids]


@pytest.fixture
def catalogue(db) -> Catalogue:
    now = timezone.now()
    categories = {
        slug: CategoryFactory(slug=slug, min_price=100_000)
        for slug in ("desain", "web", "terjemahan", "video", "penulisan")
    }
    skills = {
        slug: SkillFactory(slug=slug, name=slug.title())
        for slug in ("logo", "sosmed", "wordpress", "html", "video-editing", "seo")
    }
    client = UserFactory()
    ids: dict[str, int] = {}
    for name, row in LISTED.items():
        gig = GigFactory(
            client=client,
            title=row.title,
            description=row.description,
            category=categories[row.category],
            budget=row.budget,
            bidding_deadline=now + timedelta(days=row.closes_in_days),
            published_at=now - timedelta(hours=row.published_hours_ago),
        )
        gig.skills.set([skills[s] for s in row.skills])
        ids[name] = gig.pk
    for name, overrides in HIDDEN.items():
        fields = {"published_at": now, **overrides}
        closes_in = fields.pop("bidding_deadline_in", timedelta(hours=12))
        gig = GigFactory(
            client=client,
            title=HIDDEN_TITLE,
            description=HIDDEN_DESCRIPTION,
            category=categories["desain"],
            budget=500_000,
            bidding_deadline=now + closes_in,
            **fields,
        )
        gig.skills.set(skills.values())
        ids[f"hidden:{name}"] = gig.pk
    return Catalogue(now=now, ids=ids, categories=categories, skills=skills)


def browse(params: dict | None = None) -> list[int]:
    response = english_client().get(URL, {"page_size": 100, **(params or {})})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["next"] is None
    return [gig["id"] for gig in body["results"]]


NEWEST = [
    "logo_kafe", "wp_klinik", "katalog", "logo_kue", "video_profil", "wp_checkout",
    "logo_coffee", "video_youtube", "landing", "feed_ig", "app_translate", "artikel_kopi",
]  # fmt: skip
CLOSING_SOON = [
    "wp_checkout", "logo_kue", "feed_ig", "katalog", "landing", "logo_kafe",
    "app_translate", "video_youtube", "logo_coffee", "video_profil", "artikel_kopi", "wp_klinik",
]  # fmt: skip
BUDGET_HIGH = [
    "wp_klinik", "video_profil", "landing", "video_youtube", "app_translate", "wp_checkout",
    "logo_coffee", "katalog", "logo_kafe", "artikel_kopi", "feed_ig", "logo_kue",
]  # fmt: skip
ORDERS = {
    "newest": NEWEST,
    "closing_soon": CLOSING_SOON,
    "budget_high": BUDGET_HIGH,
    "budget_low": BUDGET_HIGH[::-1],
}


# --- what is listed, and in which order ------------------------------------------------------


def test_only_open_public_gigs_are_listed_newest_first(catalogue):
    assert catalogue.names(browse()) == NEWEST


def test_a_logged_in_owner_does_not_see_their_hidden_gigs_in_the_browse_list(catalogue):
    owner = Gig.objects.get(pk=catalogue.ids["hidden:draft"]).client
    response = client_for(owner).get(URL, {"page_size": 100})

    assert catalogue.names([g["id"] for g in response.json()["results"]]) == NEWEST


@pytest.mark.parametrize("sort", list(ORDERS))
def test_sorts_give_the_exact_order(catalogue, sort):
    assert catalogue.names(browse({"sort": sort})) == ORDERS[sort]


def test_an_unknown_sort_is_a_400(catalogue):
    response = english_client().get(URL, {"sort": "cheapest"})

    assert response.status_code == 400
    assert "sort" in response.json()["fields"]


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("desain", ["logo_kafe", "logo_kue", "logo_coffee", "feed_ig"]),
        ("web", ["wp_klinik", "wp_checkout", "landing"]),
        ("penulisan", ["artikel_kopi"]),
        ("tidak-ada", []),
    ],
)
def test_filter_by_category_slug(catalogue, slug, expected):
    assert catalogue.names(browse({"category": slug})) == expected


@pytest.mark.parametrize(
    ("skills", "expected"),
    [
        (["logo"], ["logo_kafe", "logo_kue", "logo_coffee"]),
        (["wordpress", "seo"], ["wp_klinik", "wp_checkout", "artikel_kopi"]),
        # wp_checkout has both skills and is listed once.
        (["html", "wordpress"], ["wp_klinik", "wp_checkout", "landing"]),
    ],
)
def test_filter_by_any_of_the_skills(catalogue, skills, expected):
    ids = ",".join(str(catalogue.skills[s].pk) for s in skills)

    assert catalogue.names(browse({"skills": ids})) == expected


def test_skills_tolerate_spaces_and_an_unknown_id(catalogue):
    ids = f" {catalogue.skills['seo'].pk} , 999999 "

    assert catalogue.names(browse({"skills": ids})) == ["artikel_kopi"]


@pytest.mark.parametrize("bad", ["logo", "1,,x", ",", "0", "-3"])
def test_malformed_skills_are_a_400(catalogue, bad):
    response = english_client().get(URL, {"skills": bad})

    assert response.status_code == 400
    assert "skills" in response.json()["fields"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Both bounds are inclusive: katalog is 500 000, video_youtube 1 000 000.
        (
            {"budget_min": 500_000, "budget_max": 1_000_000},
            ["katalog", "wp_checkout", "logo_coffee", "video_youtube", "app_translate"],
        ),
        ({"budget_min": 1_500_000}, ["wp_klinik", "video_profil"]),
        ({"budget_max": 300_000}, ["logo_kue", "feed_ig"]),
        ({"budget_min": 300_001, "budget_max": 349_999}, []),
    ],
)
def test_filter_by_budget(catalogue, params, expected):
    assert catalogue.names(browse(params)) == expected


def test_filter_closes_before(catalogue):
    cutoff = catalogue.now + timedelta(days=4, hours=1)

    listed = browse({"closes_before": cutoff.isoformat(), "sort": "closing_soon"})

    assert catalogue.names(listed) == ["wp_checkout", "logo_kue", "feed_ig", "katalog"]


def test_filters_combine(catalogue):
    listed = browse({"category": "desain", "budget_max": 400_000, "sort": "budget_low"})

    assert catalogue.names(listed) == ["logo_kue", "feed_ig", "logo_kafe"]


# --- cursor pages ----------------------------------------------------------------------------


def walk(params: dict) -> list[list[int]]:
    """Every page from the first, following ``next``; the ids on each page."""
    client = english_client()
    response = client.get(URL, params)
    pages = []
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        pages.append([gig["id"] for gig in body["results"]])
        if body["next"] is None:
            return pages
        assert len(pages) < 50, "the pages never end"
        cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0]
        response = client.get(URL, {**params, "cursor": cursor})


@pytest.mark.parametrize("sort", list(ORDERS))
def test_cursor_pages_walk_the_whole_list_once_in_order(catalogue, sort):
    pages = walk({"sort": sort, "page_size": 5})

    assert [len(page) for page in pages] == [5, 5, 2]
    assert catalogue.names([pk for page in pages for pk in page]) == ORDERS[sort]


@pytest.mark.django_db
@pytest.mark.parametrize("sort", list(SORTS))
def test_cursor_pages_with_many_ties_skip_and_repeat_nothing(sort):
    # 23 gigs in three budgets, two deadlines and two publishing times: the cursor's position
    # field repeats across page boundaries, which the paginator must resolve by the id.
    now = timezone.now()
    category = CategoryFactory()
    gigs = [
        GigFactory(
            category=category,
            budget=(100_000, 200_000, 300_000)[n % 3],
            bidding_deadline=now + timedelta(days=2 + n % 2),
            published_at=now - timedelta(hours=n % 2),
        )
        for n in range(23)
    ]
    fields = {
        "newest": lambda g: (-g.published_at.timestamp(), -g.pk),
        "closing_soon": lambda g: (g.bidding_deadline, g.pk),
        "budget_high": lambda g: (-g.budget, -g.pk),
        "budget_low": lambda g: (g.budget, g.pk),
    }
    expected = [g.pk for g in sorted(gigs, key=fields[sort])]

    pages = walk({"sort": sort, "page_size": 4})

    walked = [pk for page in pages for pk in page]
    assert len(walked) == len(set(walked)) == 23
    assert walked == expected


# --- the text query: the same answer on PostgreSQL and SQLite --------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("logo", ["logo_kafe", "logo_kue", "logo_coffee"]),
        ("LoGo", ["logo_kafe", "logo_kue", "logo_coffee"]),
        # "Mendesain" in a title is found by "desain" on both: a substring, and the same stem.
        ("desain", ["logo_kafe", "logo_kue", "feed_ig"]),
        ("wordpress", ["wp_klinik", "wp_checkout"]),
        ("website", ["wp_klinik", "logo_coffee"]),
        # Every word must match, in the title or the description.
        ("logo instagram", ["logo_kafe"]),
        ("checkout   WordPress", ["wp_checkout"]),
        ("produk", ["katalog", "landing"]),
        ("rotan", ["katalog"]),  # only in a description
        ("  video  ", ["video_profil", "video_youtube"]),
        ("artikel kopi", ["artikel_kopi"]),
        ("coffee", ["logo_coffee"]),
        ("blockchain", []),
        ("logo blockchain", []),
    ],
)
def test_text_query_gives_the_same_gigs_on_every_database(catalogue, q, expected):
    assert catalogue.names(browse({"q": q})) == expected


def test_text_query_combines_with_filters_and_sort(catalogue):
    listed = browse(
        {"q": "logo", "category": "desain", "budget_max": 400_000, "sort": "budget_high"}
    )

    assert catalogue.names(listed) == ["logo_kafe", "logo_kue"]


@pytest.mark.parametrize("q", ["", "   "])
def test_an_empty_text_query_is_a_400_like_every_empty_parameter(catalogue, q):
    response = english_client().get(URL, {"q": q})

    assert response.status_code == 400
    assert "q" in response.json()["fields"]


def test_a_text_query_over_200_characters_is_a_400(catalogue):
    response = english_client().get(URL, {"q": "logo " * 41})

    assert response.status_code == 400
    assert "q" in response.json()["fields"]


# --- PostgreSQL: the stored vector, stemming, websearch syntax, the GIN index ----------------


def matches(gig_id: int, text: str) -> bool:
    query = SearchQuery(text, config="indonesian", search_type="websearch")
    return Gig.objects.filter(pk=gig_id, search_vector=query).exists()


def stored_vector(gig_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM projects_gig WHERE id = %s", [gig_id])
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_trigger_fills_the_vector_on_insert_and_on_every_kind_of_update():
    gig = GigFactory(
        title="Desain kemasan keripik",
        description="Kemasan untuk keripik pisang khas Lampung.",
    )
    # Stemmed ("keripik" is stored as its stem "ripik"), titles weighted A, descriptions B.
    vector = stored_vector(gig.pk)
    assert "'ripik':3A,6B" in vector
    assert "'pisang':7B" in vector
    assert matches(gig.pk, "keripik pisang")

    # Through the ORM's save().
    gig.title = "Ilustrasi buku cerita anak"
    gig.description = "Dua belas halaman bergambar untuk anak usia dini."
    gig.save()
    assert matches(gig.pk, "ilustrasi")
    assert not matches(gig.pk, "keripik")

    # Through a bulk update, which never calls save(): the trigger still sees it.
    Gig.objects.filter(pk=gig.pk).update(description="Sampul dan isi buku dongeng.")
    assert matches(gig.pk, "dongeng")
    assert not matches(gig.pk, "bergambar")
    assert matches(gig.pk, "ilustrasi")

    # Other columns leave the vector as it was.
    before = stored_vector(gig.pk)
    Gig.objects.filter(pk=gig.pk).update(budget=999_000)
    assert stored_vector(gig.pk) == before

    # The model never writes the column: a save() does not blank it.
    gig.refresh_from_db()
    gig.budget = 123_000
    gig.save()
    assert stored_vector(gig.pk) == before


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Indonesian stemming: affixed forms find the root and each other.
        ("mendesain", ["logo_kafe", "logo_kue", "feed_ig"]),
        ("logonya", ["logo_kafe", "logo_kue", "logo_coffee"]),
        ("kerajinannya", ["katalog"]),
        # websearch syntax: exclusion, OR, and a quoted phrase.
        ("logo -kue", ["logo_kafe", "logo_coffee"]),
        ("wordpress or video", ["wp_klinik", "video_profil", "wp_checkout", "video_youtube"]),
        ('"toko kue"', ["logo_kue"]),
        ('"kue toko"', []),
    ],
)
def test_postgres_stems_and_understands_websearch_syntax(catalogue, q, expected):
    assert catalogue.names(browse({"q": q})) == expected


WORDS = (
    "desain logo toko kue website wordpress video editing artikel seo kopi terjemahan katalog "
    "instagram feed landing page produk foto kemasan ilustrasi buku undangan pernikahan aplikasi "
    "android laravel python excel data entry transkrip podcast animasi presentasi"
)
VOCABULARY = WORDS.split()


@pytest.mark.postgres
@pytest.mark.django_db
def test_text_search_uses_the_gin_index_on_a_realistic_table():
    rng = random.Random(2024)  # the same table every run
    now = timezone.now()
    category = CategoryFactory()
    clients = UserFactory.create_batch(20)
    rare = set(rng.sample(range(2000), 6))
    gigs = [
        Gig(
            client=clients[n % 20],
            category=category,
            title=" ".join(rng.choices(VOCABULARY, k=4)).capitalize(),
            description=" ".join(rng.choices(VOCABULARY, k=30))
            + (" kerajinan rotan Cirebon" if n in rare else ""),
            budget=rng.randrange(100_000, 5_000_000, 50_000),
            bidding_deadline=now + timedelta(days=1 + n % 14),
            delivery_deadline=now + timedelta(days=20 + n % 14),
            status=Gig.Status.OPEN if n % 5 else Gig.Status.AWARDED,
            published_at=now - timedelta(minutes=n),
        )
        for n in range(2000)
    ]
    Gig.objects.bulk_create(gigs, batch_size=500)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_gig WHERE search_vector IS NULL")
        assert cursor.fetchone()[0] == 0  # bulk inserts went through the trigger too
        # New GIN entries wait in the index's pending list until (auto)vacuum merges them; a
        # GIN scan must read that whole list, so with 2000 fresh rows the planner rightly
        # prefers a sequential scan. Merge it now, as autovacuum does on a live table (a plain
        # ANALYZE does not; VACUUM cannot run inside the test's transaction).
        cursor.execute("SELECT gin_clean_pending_list('gig_search_vector_gin'::regclass)")
        cursor.execute("ANALYZE projects_gig")
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE projects_category")

    # The browse query as the API sends it for the first page. No planner setting is changed
    # (enable_seqscan stays on): this is the plan production gets for a rare word.
    page = gig_browse(q="rotan").order_by(*SORTS["newest"])[:21]
    plan = page.explain()

    assert "gig_search_vector_gin" in plan, plan
    expected = {g.pk for n, g in enumerate(gigs) if n in rare and g.status == Gig.Status.OPEN}
    assert {g.pk for g in page} == expected
