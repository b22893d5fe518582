"""The gig pages: browse, a gig with its bids, posting a gig, and the bid buttons — each page
for an anonymous visitor, a stranger, the owner and a freelancer, and each form's action done
through the service (rows checked, nothing changed on a refusal)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ClientProfile
from marketplace.formatting import rupiah
from payments.fees import fee_basis_points, freelancer_receives, platform_fee
from projects.content_filter import MASK
from projects.models import Bid, Contract, Gig, GigInvitation
from tests.accounts.factories import UserFactory
from tests.pages.conftest import assert_login_redirect, browser
from tests.projects.factories import BidFactory, CategoryFactory, GigFactory, SkillFactory

pytestmark = pytest.mark.django_db

# What the confirmation page's button sends (projects/pages/gigs/bid_buttons.py).
CONFIRMED = {"confirm": "yes"}

COVER = "Saya sudah membuat puluhan logo untuk UMKM; revisi cepat dan file lengkap."


def html(response) -> str:
    return response.content.decode()


def local_input(moment) -> str:
    """A moment as a datetime-local field sends it: Jakarta time, to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def owner():
    return UserFactory(username="toko_sari")


@pytest.fixture
def freelancer():
    return UserFactory(username="budi_desain")


@pytest.fixture
def stranger():
    return UserFactory(username="orang_lain")


@pytest.fixture
def gig(owner):
    return GigFactory(
        client=owner,
        title="Logo untuk toko kue rumahan",
        budget=150_000,
        category=CategoryFactory(name_en="Graphic design", name_id="Desain grafis"),
    )


# --- browse ---------------------------------------------------------------------------------------


def test_visitor_browses_open_gigs_with_budget_deadline_bids_and_category(gig):
    GigFactory(title="Draf rahasia tidak tampil", status=Gig.Status.DRAFT, published_at=None)
    gig.bid_count = 3
    gig.save(update_fields=["bid_count"])

    response = browser().get("/")

    page = html(response)
    assert response.status_code == 200
    assert "Small jobs, done well, paid fairly." in page  # the hero line for visitors
    assert "Logo untuk toko kue rumahan" in page
    assert f'href="/gigs/{gig.pk}/"' in page
    assert "Rp 150.000" in page
    assert "3 bids" in page
    assert "Graphic design" in page
    assert timezone.localtime(gig.bidding_deadline).strftime("%H:%M") in page
    assert "Draf rahasia" not in page


@pytest.mark.parametrize("who", ["stranger", "owner", "freelancer"])
def test_signed_in_people_browse_too(request, gig, who):
    response = browser(request.getfixturevalue(who)).get("/")

    assert response.status_code == 200
    assert "Logo untuk toko kue rumahan" in html(response)
    assert "Small jobs, done well" not in html(response)  # no hero for members


def test_cards_show_the_clients_record(gig, owner):
    ClientProfile.objects.create(
        user=owner, hires=3, rating_count=2, rating_points=9, rating_average=Decimal("4.5")
    )
    newcomer_gig = GigFactory(title="Caption Instagram untuk kedai kopi")

    page = html(browser().get("/"))

    card = page[page.index("Logo untuk toko kue") :]
    assert "★ 4.5 / 5 (2 reviews)" in card[: card.index("</article>")]
    assert "3 hires" in card[: card.index("</article>")]
    newcomer = page[page.index(newcomer_gig.title) :]
    assert "new client" in newcomer[: newcomer.index("</article>")]


def test_browse_filters_by_words_category_skills_budget_and_deadline():
    design, writing = CategoryFactory(slug="desain"), CategoryFactory(slug="tulisan")
    logo_skill = SkillFactory(category=design)
    now = timezone.now()
    logo = GigFactory(title="Logo kedai bakso", category=design, budget=200_000)
    logo.skills.add(logo_skill)
    GigFactory(title="Banner kedai bakso", category=design, budget=90_000)
    GigFactory(
        title="Artikel blog kuliner",
        category=writing,
        budget=300_000,
        bidding_deadline=now + timedelta(days=9),
    )

    def titles(query: str) -> set[str]:
        page = html(browser().get("/" + query))
        return set(re.findall(r'<a href="/gigs/\d+/">([^<]+)</a>', page))

    assert titles("?q=bakso") == {"Logo kedai bakso", "Banner kedai bakso"}
    assert titles("?category=tulisan") == {"Artikel blog kuliner"}
    assert titles(f"?skills={logo_skill.pk}") == {"Logo kedai bakso"}
    assert titles("?budget_min=100000&budget_max=250000") == {"Logo kedai bakso"}
    assert titles("?budget_min=100.000&budget_max=Rp+250.000") == {"Logo kedai bakso"}
    closes = timezone.localdate() + timedelta(days=5)
    assert titles(f"?closes_before={closes.isoformat()}") == {
        "Logo kedai bakso",
        "Banner kedai bakso",
    }


def test_browse_sorts():
    for budget in (90_000, 300_000, 150_000):
        GigFactory(title=f"Gig dengan budget {budget}", budget=budget)

    page = html(browser().get("/?sort=budget_high"))
    budgets = [int(b) for b in re.findall(r">Gig dengan budget (\d+)<", page)]
    assert budgets == [300_000, 150_000, 90_000]

    page = html(browser().get("/?sort=budget_low"))
    assert [int(b) for b in re.findall(r">Gig dengan budget (\d+)<", page)] == [
        90_000,
        150_000,
        300_000,
    ]


def test_browse_cursor_pages_keep_the_filters():
    for n in range(5):
        GigFactory(title=f"Video pendek nomor {n}", budget=100_000 + n)
    GigFactory(title="Tidak cocok dengan pencarian")

    first = browser().get("/?q=video&sort=budget_low&page_size=2")
    page = html(first)
    assert re.findall(r">Video pendek nomor (\d)<", page) == ["0", "1"]
    next_url = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")

    second = html(browser().get(next_url))

    assert re.findall(r">Video pendek nomor (\d)<", second) == ["2", "3"]
    assert 'rel="prev"' in second
    assert "Tidak cocok" not in second


def test_bad_browse_values_show_an_error_instead_of_failing(gig):
    response = browser().get(
        "/?budget_min=banyak&sort=acak&skills=x&closes_before=besok&cursor=rusak&page_size=0"
        "&category=tidak-ada"
    )

    assert response.status_code == 200
    assert "Logo untuk toko kue rumahan" in html(response)  # the bad filters are ignored
    assert 'class="errorlist' in html(response)


def test_browse_costs_the_same_queries_for_3_and_30_gigs(stranger):
    categories = CategoryFactory.create_batch(3)
    skills = [SkillFactory(category=c) for c in categories]
    clients = UserFactory.create_batch(3)
    for client in clients[:2]:
        ClientProfile.objects.create(user=client, hires=1)

    def make(count: int) -> None:
        for n in range(count):
            gig = GigFactory(client=clients[n % 3], category=categories[n % 3])
            gig.skills.add(skills[n % 3], skills[(n + 1) % 3])

    def count_queries(client: Client) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    make(3)
    small = count_queries(browser()), count_queries(browser(stranger))
    make(27)
    large = count_queries(browser()), count_queries(browser(stranger))

    assert small == large


# --- one gig --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "stranger", "owner", "freelancer"])
def test_an_open_gig_shows_to_everyone(request, gig, who):
    user = request.getfixturevalue(who) if who else None

    response = browser(user).get(f"/gigs/{gig.pk}/")

    assert response.status_code == 200
    page = html(response)
    assert "<h1>Logo untuk toko kue rumahan</h1>" in page
    assert "Rp 150.000" in page
    assert "Graphic design" in page
    assert "About the client" in page
    assert 'href="/clients/toko_sari/"' in page


@pytest.mark.parametrize("status", [Gig.Status.DRAFT, Gig.Status.PENDING_REVIEW])
def test_an_unpublished_gig_is_not_found_for_others(owner, stranger, status):
    gig = GigFactory(client=owner, status=status, published_at=None)

    assert browser().get(f"/gigs/{gig.pk}/").status_code == 404
    assert browser(stranger).get(f"/gigs/{gig.pk}/").status_code == 404
    assert browser(owner).get(f"/gigs/{gig.pk}/").status_code == 200


def test_a_missing_gig_is_not_found():
    assert browser().get("/gigs/999999/").status_code == 404


def test_open_graph_and_share_links(gig):
    page = html(browser().get(f"/gigs/{gig.pk}/"))

    url = f"http://testserver/gigs/{gig.pk}/"
    assert '<meta property="og:title" content="Logo untuk toko kue rumahan">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:type" content="website">' in page
    assert '<meta property="og:site_name" content="Garap">' in page
    assert '<meta property="og:description" content="Butuh logo sederhana' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert "https://wa.me/?text=" in page
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver%2Fgigs%2F" in page
    assert "https://x.com/intent/tweet?url=" in page
    assert "https://t.me/share/url?url=" in page
    assert 'id="copy-link"' in page


def test_contact_details_are_masked_for_all_but_the_author(owner, stranger):
    number = "0812 3456 7890"
    gig = GigFactory(
        client=owner,
        description=f"Logo untuk toko kue. Kalau ada pertanyaan hubungi {number} ya kak.",
        content_flags=["messaging_app", "phone"],
    )

    for viewer in (None, stranger):
        page = html(browser(viewer).get(f"/gigs/{gig.pk}/"))
        assert number not in page
        assert MASK in page
        og = re.search(r'<meta property="og:description" content="([^"]*)"', page).group(1)
        assert MASK in og
    assert number in html(browser(owner).get(f"/gigs/{gig.pk}/"))
    assert number not in html(browser().get("/"))


def test_attachments_link_to_the_api(gig):
    attachment = gig.attachments.create(
        file="gigs/1/contoh.pdf",
        original_name="contoh.pdf",
        content_type="application/pdf",
        size=2048,
    )

    page = html(browser().get(f"/gigs/{gig.pk}/"))

    assert f'href="/api/v1/gigs/{gig.pk}/attachments/{attachment.pk}/"' in page
    assert "contoh.pdf" in page


def test_a_visitor_is_asked_to_log_in_to_bid(gig):
    page = html(browser().get(f"/gigs/{gig.pk}/"))

    assert f"/accounts/login/?next=/gigs/{gig.pk}/" in page
    assert 'name="cover_letter"' not in page


def test_a_freelancer_sees_the_bid_form_with_the_fee_preview(gig, freelancer):
    page = html(browser(freelancer).get(f"/gigs/{gig.pk}/"))

    assert f'action="/gigs/{gig.pk}/bid/"' in page
    # Shown as people type it: a text input (a number input cannot show the dots).
    assert '<input type="text" name="amount" value="150.000" inputmode="numeric"' in page
    assert f'data-fee-bps="{fee_basis_points()}"' in page
    assert f'id="fee-amount">{rupiah(platform_fee(150_000))}<' in page
    assert f'id="fee-receives">{rupiah(freelancer_receives(150_000))}<' in page
    assert "Rp 15.000" in page  # at the default 10 %
    assert "Rp 135.000" in page


def test_the_owner_sees_no_bid_form(gig, owner):
    page = html(browser(owner).get(f"/gigs/{gig.pk}/"))

    assert 'name="cover_letter"' not in page
    assert 'id="bids"' in page


def test_placing_a_bid_through_the_form(gig, freelancer):
    response = browser(freelancer).post(
        f"/gigs/{gig.pk}/bid/",
        {"amount": 140_000, "delivery_days": 4, "revisions_included": 1, "cover_letter": COVER},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/gigs/{gig.pk}/#my-bid"
    bid = Bid.objects.get(gig=gig)
    assert (bid.freelancer, bid.amount, bid.delivery_days, bid.revisions_included) == (
        freelancer,
        140_000,
        4,
        1,
    )
    assert bid.cover_letter == COVER
    gig.refresh_from_db()
    assert gig.bid_count == 1

    page = html(browser(freelancer).get(f"/gigs/{gig.pk}/"))
    assert "Your bid" in page
    assert rupiah(freelancer_receives(140_000)) in page
    assert f'action="/bids/{bid.pk}/withdraw/"' in page
    assert 'name="cover_letter"' not in page


@pytest.mark.parametrize("typed", ["150.000", "Rp 150.000", "150 000", "150\u00a0000"])
def test_a_bid_price_typed_with_dots_is_read_as_rupiah(gig, freelancer, typed):
    # "150.000" once became Rp 150 (and a fee preview promising Rp 135).
    base = {"delivery_days": 4, "revisions_included": 1, "cover_letter": COVER}

    response = browser(freelancer).post(f"/gigs/{gig.pk}/bid/", {**base, "amount": typed})

    assert response.status_code == 302
    assert Bid.objects.get(gig=gig).amount == 150_000


def test_a_refused_bid_typed_with_dots_previews_the_fee_of_what_was_typed(gig, freelancer):
    response = browser(freelancer).post(
        f"/gigs/{gig.pk}/bid/",
        {"amount": "120.000", "delivery_days": 4, "revisions_included": 1, "cover_letter": "?"},
    )

    assert response.status_code == 400
    page = html(response)
    assert 'name="amount" value="120.000"' in page
    assert f'id="fee-price">{rupiah(120_000)}<' in page
    assert f'id="fee-receives">{rupiah(freelancer_receives(120_000))}<' in page
    assert not Bid.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("150.000,50", "Enter whole rupiah, for example 150.000. Amounts have no cents."),
        ("1,5", "Enter whole rupiah, for example 150.000. Amounts have no cents."),
        ("-150.000", "Enter an amount without a minus sign."),
        ("seratus ribu", "Enter whole rupiah, for example 150.000."),
        ("9" * 20, "This amount is too long: enter at most 15 digits."),
    ],
)
def test_a_bid_price_that_is_not_whole_rupiah_is_refused_by_the_field(
    gig, freelancer, typed, message
):
    response = browser(freelancer).post(
        f"/gigs/{gig.pk}/bid/",
        {"amount": typed, "delivery_days": 4, "revisions_included": 1, "cover_letter": COVER},
    )

    assert response.status_code == 400
    assert response.context["bid_form"].errors["amount"] == [message]
    assert f'id="fee-price">{rupiah(150_000)}<' in html(response)  # the gig's budget instead
    assert not Bid.objects.exists()


def test_a_bid_under_the_category_minimum_comes_back_with_what_was_typed(gig, freelancer):
    response = browser(freelancer).post(
        f"/gigs/{gig.pk}/bid/",
        {"amount": 10_000, "delivery_days": 4, "revisions_included": 1, "cover_letter": COVER},
    )

    assert response.status_code == 400
    page = html(response)
    assert "Below the category minimum of Rp 50.000." in page
    assert COVER in page
    assert 'name="amount" value="10000"' in page
    assert f'id="fee-amount">{rupiah(platform_fee(10_000))}<' in page
    assert not Bid.objects.exists()


def test_a_second_bid_is_refused_on_the_form(gig, freelancer):
    BidFactory(gig=gig, freelancer=freelancer)

    response = browser(freelancer).post(
        f"/gigs/{gig.pk}/bid/",
        {"amount": 140_000, "delivery_days": 4, "revisions_included": 1, "cover_letter": COVER},
    )

    assert response.status_code == 400
    assert "You already have a bid on this gig" in html(response)
    assert Bid.objects.count() == 1


def test_the_owner_cannot_bid(gig, owner):
    response = browser(owner).post(
        f"/gigs/{gig.pk}/bid/",
        {"amount": 140_000, "delivery_days": 4, "revisions_included": 1, "cover_letter": COVER},
    )

    assert response.status_code == 400
    assert "You cannot bid on your own gig." in html(response)
    assert not Bid.objects.exists()


def test_bidding_needs_a_login(gig):
    response = browser().post(f"/gigs/{gig.pk}/bid/", {"amount": 140_000})

    assert_login_redirect(response, f"/gigs/{gig.pk}/bid/")


def test_a_post_without_the_csrf_token_is_refused(gig, freelancer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(freelancer)

    response = client.post(
        f"/gigs/{gig.pk}/bid/",
        {"amount": 140_000, "delivery_days": 4, "revisions_included": 1, "cover_letter": COVER},
    )

    assert response.status_code == 403
    assert not Bid.objects.exists()


def test_the_bid_form_carries_a_csrf_token(gig, freelancer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(freelancer)
    page = html(client.get(f"/gigs/{gig.pk}/"))
    token = re.search(
        r'action="/gigs/\d+/bid/".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S
    ).group(1)

    response = client.post(
        f"/gigs/{gig.pk}/bid/",
        {
            "csrfmiddlewaretoken": token,
            "amount": 140_000,
            "delivery_days": 4,
            "revisions_included": 1,
            "cover_letter": COVER,
        },
    )

    assert response.status_code == 302
    assert Bid.objects.filter(gig=gig, freelancer=freelancer).exists()


def test_withdrawing_a_bid(gig, freelancer):
    bid = BidFactory(gig=gig, freelancer=freelancer)
    Gig.objects.filter(pk=gig.pk).update(bid_count=1)  # as bid_place counts it

    response = browser(freelancer).post(f"/bids/{bid.pk}/withdraw/")

    assert response.status_code == 302
    assert response["Location"] == f"/gigs/{gig.pk}/#my-bid"
    bid.refresh_from_db()
    assert bid.status == Bid.Status.WITHDRAWN
    page = html(browser(freelancer).get(f"/gigs/{gig.pk}/"))
    assert 'name="cover_letter"' in page  # free to bid again


# --- the owner and the bids -----------------------------------------------------------------------


def test_the_owner_sees_every_bid_with_its_buttons(gig, owner, freelancer):
    bid = BidFactory(
        gig=gig,
        freelancer=freelancer,
        amount=130_000,
        delivery_days=6,
        cover_letter="Hubungi saya di 0812 3456 7890 untuk diskusi desain logo.",
        contact_flags=["phone"],
    )
    other = BidFactory(gig=gig)

    page = html(browser(owner).get(f"/gigs/{gig.pk}/"))

    assert "Rp 130.000" in page
    assert "6 days" in page
    assert f'href="/freelancers/{freelancer.username}/"' in page
    assert "0812 3456 7890" not in page  # masked as the API masks it
    assert MASK in page
    for pk in (bid.pk, other.pk):
        assert f'action="/bids/{pk}/shortlist/"' in page
        # Reject and accept lead to their confirmation pages first.
        assert f'href="/bids/{pk}/reject/"' in page
        assert f'href="/bids/{pk}/accept/"' in page


def test_a_freelancer_sees_only_their_own_bid(gig, freelancer):
    mine = BidFactory(gig=gig, freelancer=freelancer, amount=125_000)
    BidFactory(gig=gig, amount=175_000)

    page = html(browser(freelancer).get(f"/gigs/{gig.pk}/"))

    assert "Rp 125.000" in page
    assert "Rp 175.000" not in page
    assert f"/bids/{mine.pk}/accept/" not in page


def test_shortlist_and_reject_through_the_buttons(gig, owner):
    liked, unwanted = BidFactory(gig=gig), BidFactory(gig=gig)
    client = browser(owner)

    shortlisted = client.post(f"/bids/{liked.pk}/shortlist/")
    rejected = client.post(f"/bids/{unwanted.pk}/reject/", CONFIRMED)

    assert shortlisted.status_code == 302
    assert shortlisted["Location"] == f"/gigs/{gig.pk}/#bid-{liked.pk}"
    assert rejected.status_code == 302
    liked.refresh_from_db()
    unwanted.refresh_from_db()
    assert (liked.status, unwanted.status) == (Bid.Status.SHORTLISTED, Bid.Status.REJECTED)
    page = html(client.get(f"/gigs/{gig.pk}/"))
    assert f'action="/bids/{liked.pk}/shortlist/"' not in page
    assert f'href="/bids/{liked.pk}/accept/"' in page
    assert f"/bids/{unwanted.pk}/accept/" not in page


def test_accepting_a_bid_starts_the_contract(gig, owner):
    bid, other = BidFactory(gig=gig, amount=140_000), BidFactory(gig=gig)

    response = browser(owner).post(f"/bids/{bid.pk}/accept/", CONFIRMED)

    contract = Contract.objects.get(bid=bid)
    assert response.status_code == 302
    assert response["Location"] == f"/contracts/{contract.pk}/"
    assert (contract.client, contract.freelancer, contract.amount) == (
        owner,
        bid.freelancer,
        140_000,
    )
    gig.refresh_from_db()
    other.refresh_from_db()
    assert gig.status == Gig.Status.AWARDED
    assert other.status == Bid.Status.REJECTED


def test_a_stranger_cannot_accept_a_bid(gig, stranger):
    bid = BidFactory(gig=gig)

    response = browser(stranger).post(f"/bids/{bid.pk}/accept/", CONFIRMED)

    assert response.status_code == 404
    bid.refresh_from_db()
    gig.refresh_from_db()
    assert bid.status == Bid.Status.PENDING
    assert gig.status == Gig.Status.OPEN
    assert not Contract.objects.exists()


def test_the_bidder_cannot_shortlist_their_own_bid(gig, freelancer):
    bid = BidFactory(gig=gig, freelancer=freelancer)

    response = browser(freelancer).post(f"/bids/{bid.pk}/shortlist/")

    assert response.status_code == 403
    bid.refresh_from_db()
    assert bid.status == Bid.Status.PENDING


def test_bid_buttons_need_a_login_and_a_post(gig, owner):
    bid = BidFactory(gig=gig)

    assert_login_redirect(
        browser().post(f"/bids/{bid.pk}/accept/", CONFIRMED), f"/bids/{bid.pk}/accept/"
    )
    assert browser(owner).get(f"/bids/{bid.pk}/shortlist/").status_code == 405
    assert browser(owner).put(f"/bids/{bid.pk}/accept/").status_code == 405
    bid.refresh_from_db()
    assert bid.status == Bid.Status.PENDING


def test_a_refused_button_shows_the_reason_and_changes_nothing(gig, owner):
    bid = BidFactory(gig=gig, status=Bid.Status.WITHDRAWN)

    response = browser(owner).post(f"/bids/{bid.pk}/accept/", CONFIRMED, follow=True)

    assert response.redirect_chain[0][0] == f"/gigs/{gig.pk}/#bids"
    assert 'class="message error"' in html(response)
    bid.refresh_from_db()
    assert bid.status == Bid.Status.WITHDRAWN
    assert not Contract.objects.exists()


def test_gig_page_costs_the_same_queries_for_0_and_10_bids(gig, owner):
    client = browser(owner)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/gigs/{gig.pk}/").status_code == 200
        return len(queries)

    none = count_queries()
    BidFactory.create_batch(10, gig=gig)
    ten = count_queries()

    assert none == ten


def test_the_owner_publishes_a_draft_and_cancels_a_gig(owner, settings):
    settings.GIG_MODERATION = "off"
    draft = GigFactory(client=owner, status=Gig.Status.DRAFT, published_at=None)
    client = browser(owner)

    published = client.post(f"/gigs/{draft.pk}/submit/", follow=True)

    draft.refresh_from_db()
    assert draft.status == Gig.Status.OPEN
    assert "Your gig is live" in html(published)

    bid = BidFactory(gig=draft)
    cancelled = client.post(f"/gigs/{draft.pk}/cancel/")

    assert cancelled.status_code == 302
    draft.refresh_from_db()
    bid.refresh_from_db()
    assert draft.status == Gig.Status.CANCELLED
    assert bid.status == Bid.Status.REJECTED


def test_a_stranger_cannot_cancel_a_gig(gig, stranger):
    assert browser(stranger).post(f"/gigs/{gig.pk}/cancel/").status_code == 404
    gig.refresh_from_db()
    assert gig.status == Gig.Status.OPEN


def test_the_owner_invites_a_freelancer_to_an_invite_only_gig(owner, freelancer):
    gig = GigFactory(client=owner, visibility=Gig.Visibility.INVITE_ONLY)
    client = browser(owner)

    assert 'id="invitations"' in html(client.get(f"/gigs/{gig.pk}/"))
    response = client.post(f"/gigs/{gig.pk}/invite/", {"freelancer": freelancer.username})
    unknown = client.post(f"/gigs/{gig.pk}/invite/", {"freelancer": "tidak_ada"})

    assert response.status_code == 302
    assert GigInvitation.objects.filter(gig=gig, freelancer=freelancer).exists()
    assert unknown.status_code == 400
    assert "Unknown username." in html(unknown)
    assert 'value="tidak_ada"' in html(unknown)
    assert browser(freelancer).get(f"/gigs/{gig.pk}/").status_code == 200


# --- post a gig -----------------------------------------------------------------------------------


def gig_post(category, **overrides) -> dict:
    now = timezone.now()
    data = {
        "title": "Desain menu kedai kopi",
        "description": "Menu satu halaman A4 untuk kedai kopi kecil, gaya hangat dan sederhana.",
        "category": category.pk,
        "budget": 200_000,
        "bidding_deadline": local_input(now + timedelta(days=3)),
        "delivery_deadline": local_input(now + timedelta(days=10)),
    }
    data.update(overrides)
    return data


def test_posting_a_gig_needs_a_login():
    assert_login_redirect(browser().get("/gigs/new/"), "/gigs/new/")


def test_the_form_lists_categories_with_their_minimum_prices(stranger):
    category = CategoryFactory(name_en="Graphic design", min_price=50_000)
    skill = SkillFactory(category=category, name="Desain logo")

    response = browser(stranger).get("/gigs/new/")

    page = html(response)
    assert response.status_code == 200
    assert f'<option value="{category.pk}">Graphic design — min Rp 50.000</option>' in page
    assert '<optgroup label="Graphic design">' in page
    assert f'<option value="{skill.pk}">Desain logo</option>' in page
    assert 'type="datetime-local"' in page


def test_publishing_a_first_gig_sends_it_to_a_moderator(owner):
    category = CategoryFactory()
    skill = SkillFactory(category=category)

    response = browser(owner).post(
        "/gigs/new/", gig_post(category, skills=[skill.pk], publish="on"), follow=True
    )

    gig = Gig.objects.get(client=owner)
    assert response.redirect_chain[0][0] == f"/gigs/{gig.pk}/"
    assert "waiting for a moderator" in html(response)
    assert (gig.title, gig.budget, gig.status) == (
        "Desain menu kedai kopi",
        200_000,
        Gig.Status.PENDING_REVIEW,
    )
    assert list(gig.skills.all()) == [skill]
    assert gig.visibility == Gig.Visibility.PUBLIC


def test_publishing_goes_live_without_moderation(owner, settings):
    settings.GIG_MODERATION = "off"
    category = CategoryFactory()
    deadline = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)

    response = browser(owner).post(
        "/gigs/new/",
        gig_post(category, publish="on", bidding_deadline=local_input(deadline)),
        follow=True,
    )

    gig = Gig.objects.get(client=owner)
    assert gig.status == Gig.Status.OPEN
    assert gig.bidding_deadline == deadline  # read as Jakarta time
    assert "Your gig is live" in html(response)


def test_a_budget_typed_with_dots_is_read_as_rupiah(owner):
    category = CategoryFactory()

    response = browser(owner).post("/gigs/new/", gig_post(category, budget="Rp 200.000"))

    assert response.status_code == 302
    assert Gig.objects.get(client=owner).budget == 200_000


def test_saving_a_draft_and_invite_only(owner):
    category = CategoryFactory()

    response = browser(owner).post("/gigs/new/", gig_post(category, invite_only="on"), follow=True)

    gig = Gig.objects.get(client=owner)
    assert (gig.status, gig.visibility) == (Gig.Status.DRAFT, Gig.Visibility.INVITE_ONLY)
    assert "saved as a draft" in html(response)


def test_a_budget_under_the_category_minimum_comes_back_on_its_field(owner):
    category = CategoryFactory(name_en="Video editing", min_price=100_000)

    response = browser(owner).post("/gigs/new/", gig_post(category, budget=60_000, publish="on"))

    assert response.status_code == 400
    page = html(response)
    assert 'value="Desain menu kedai kopi"' in page  # what was typed is kept
    assert "Menu satu halaman A4" in page
    budget_field = page[page.index('for="id_budget"') : page.index('id="id_budget"')]
    assert "The minimum for Video editing is Rp 100.000." in budget_field
    assert not Gig.objects.exists()


def test_field_errors_of_the_form_itself(owner):
    category = CategoryFactory()

    response = browser(owner).post(
        "/gigs/new/", gig_post(category, title="Logo", bidding_deadline="kapan-kapan")
    )

    assert response.status_code == 400
    assert html(response).count('class="errorlist"') >= 2
    assert not Gig.objects.exists()


def test_a_bidding_deadline_too_far_away_is_refused_by_the_service(owner):
    category = CategoryFactory()
    far = timezone.now() + timedelta(days=30)

    response = browser(owner).post(
        "/gigs/new/",
        gig_post(
            category,
            bidding_deadline=local_input(far),
            delivery_deadline=local_input(far + timedelta(days=3)),
        ),
    )

    assert response.status_code == 400
    page = html(response)
    field = page[page.index('for="id_bidding_deadline"') : page.index('id="id_bidding_deadline"')]
    assert "Bidding must close between 1 and 14 days from now." in field
    assert not Gig.objects.exists()


# --- languages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_pages_render_in_both_languages(gig, owner, freelancer, language):
    BidFactory(gig=gig)
    pages = [
        browser(language=language).get("/"),
        browser(language=language).get(f"/gigs/{gig.pk}/"),
        browser(owner, language=language).get(f"/gigs/{gig.pk}/"),
        browser(freelancer, language=language).get(f"/gigs/{gig.pk}/"),
        browser(owner, language=language).get("/gigs/new/"),
    ]

    for response in pages:
        assert response.status_code == 200
        assert f'<html lang="{language}">' in html(response)
    category = gig.category.name_id if language == "id" else gig.category.name_en
    assert category in html(pages[0])
