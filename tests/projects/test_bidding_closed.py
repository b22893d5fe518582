"""A gig whose bidding deadline passed stays open (its client may still award it) but takes no
bids: browse leaves it out — API, page, search, every sort — and the gig says bidding closed and
offers no bid form. The browse indexes still serve the query (PostgreSQL plans checked)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from projects.models import Bid, Gig
from projects.selectors.gigs import SORTS, gig_browse, gig_browse_rows
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.pages.conftest import browser
from tests.projects.factories import CategoryFactory, GigFactory

pytestmark = pytest.mark.django_db

TITLE = "Foto produk keripik untuk katalog"


@pytest.fixture
def gigs(db) -> dict[str, Gig]:
    now = timezone.now()
    category = CategoryFactory(min_price=50_000)
    return {
        "closed": GigFactory(
            title=TITLE + " (tutup)", category=category, bidding_deadline=now - timedelta(hours=1)
        ),
        "open": GigFactory(
            title=TITLE, category=category, bidding_deadline=now + timedelta(hours=1)
        ),
    }


@pytest.mark.parametrize("sort", list(SORTS))
def test_browse_lists_only_gigs_still_taking_bids_in_every_sort(gigs, sort):
    response = english_client().get("/api/v1/gigs/", {"sort": sort, "q": "keripik"})

    assert [card["id"] for card in response.json()["results"]] == [gigs["open"].pk]
    assert response.json()["results"][0]["bidding_open"] is True


def test_the_browse_page_leaves_a_closed_gig_out(gigs):
    page = browser().get("/", {"sort": "closing_soon"}).content.decode()

    assert f"/gigs/{gigs['open'].pk}/" in page
    assert f"/gigs/{gigs['closed'].pk}/" not in page


def test_the_client_still_sees_and_reads_their_closed_gig(gigs):
    client = gigs["closed"].client
    api = client_for(client)

    mine = api.get("/api/v1/gigs/", {"mine": "true"}).json()["results"]
    detail = api.get(f"/api/v1/gigs/{gigs['closed'].pk}/").json()

    assert [(card["id"], card["bidding_open"]) for card in mine] == [(gigs["closed"].pk, False)]
    assert (detail["status"], detail["bidding_open"]) == ("open", False)


@pytest.mark.parametrize("who", ["anonymous", "freelancer"])
def test_the_gig_page_says_bidding_closed_and_offers_no_bid_form(gigs, who):
    visitor = browser(UserFactory() if who == "freelancer" else None)

    closed = visitor.get(f"/gigs/{gigs['closed'].pk}/").content.decode()
    still_open = visitor.get(f"/gigs/{gigs['open'].pk}/").content.decode()

    assert "Bidding on this gig is closed." in closed
    assert "bidding closed" in closed
    assert f'action="/gigs/{gigs["closed"].pk}/bid/"' not in closed
    assert "Log in to bid" not in closed
    assert "Bidding on this gig is closed." not in still_open
    if who == "freelancer":
        assert f'action="/gigs/{gigs["open"].pk}/bid/"' in still_open
    else:
        assert "Log in to bid" in still_open


def test_a_bid_on_a_closed_gig_is_still_refused_and_nothing_is_written(gigs):
    response = client_for(UserFactory()).post(
        f"/api/v1/gigs/{gigs['closed'].pk}/bids/",
        {"amount": 100_000, "delivery_days": 3, "cover_letter": "Saya fotografer produk UMKM."},
    )

    assert (response.status_code, response.json()["code"]) == (409, "bidding_closed")
    assert not Bid.objects.exists()


# --- the browse indexes still serve the query (PostgreSQL) -----------------------------------


@pytest.mark.postgres
def test_the_browse_sorts_use_their_indexes_with_the_deadline_condition():
    now = timezone.now()
    category = CategoryFactory()
    client = UserFactory()
    # Many open gigs, a third of them past their deadline and waiting for an award.
    Gig.objects.bulk_create(
        [
            Gig(
                client=client,
                category=category,
                title=f"Desain banner promosi nomor {n}",
                description="Banner promosi untuk toko online, ukuran Instagram dan WhatsApp.",
                budget=100_000 + 1_000 * (n % 500),
                bidding_deadline=now + timedelta(hours=(n % 300) - 100),
                delivery_deadline=now + timedelta(days=20),
                status=Gig.Status.OPEN,
                published_at=now - timedelta(minutes=n),
            )
            for n in range(3000)
        ],
        batch_size=500,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_gig")

    plans = {
        sort: gig_browse_rows(sort=sort).order_by(*SORTS[sort])[:21].explain() for sort in SORTS
    }
    page_plan = gig_browse().order_by(*SORTS["closing_soon"])[:21].explain()

    assert "gig_open_closing" in plans["closing_soon"], plans["closing_soon"]
    # The deadline bounds the index scan: closed gigs are not read and thrown away.
    assert "Index Cond: (bidding_deadline >" in plans["closing_soon"], plans["closing_soon"]
    assert "gig_open_closing" in page_plan, page_plan
    assert "gig_open_newest" in plans["newest"], plans["newest"]
    assert "gig_open_budget" in plans["budget_high"], plans["budget_high"]
    assert "gig_open_budget" in plans["budget_low"], plans["budget_low"]
    listed = list(gig_browse_rows(sort="closing_soon").order_by(*SORTS["closing_soon"])[:21])
    assert len(listed) == 21
    assert all(row.bidding_deadline > now for row in listed)
