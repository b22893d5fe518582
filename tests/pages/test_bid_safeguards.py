"""Safeguards where the hire is decided: rejecting and accepting a bid ask first, without
JavaScript (what happens next, and for an accept what the client pays and the freelancer
receives after the fee); the bid form's fee preview is worked out on the server too; and the
gig page tells a client the truth about their own gig (bids to come, gigs posted, one shop name).
"""

from __future__ import annotations

import re

import pytest

from accounts.models import ClientProfile
from marketplace.formatting import rupiah
from payments.fees import freelancer_receives, platform_fee
from projects.models import Bid, Contract, Gig
from projects.services.gigs import gig_approve
from tests.accounts.factories import UserFactory
from tests.matrix import moderators_group
from tests.pages.conftest import assert_login_redirect, browser
from tests.projects.factories import BidFactory, GigFactory

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirm": "yes"}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def owner():
    return UserFactory(username="toko_sari", display_name="Toko Kue Sari")


@pytest.fixture
def gig(owner):
    return GigFactory(client=owner, title="Logo untuk toko kue rumahan", budget=150_000)


@pytest.fixture
def bid(gig):
    return BidFactory(gig=gig, amount=140_000, delivery_days=6)


def nothing_moved(bid: Bid, gig: Gig, status: str = Bid.Status.PENDING) -> None:
    bid.refresh_from_db()
    gig.refresh_from_db()
    assert bid.status == status
    assert gig.status == Gig.Status.OPEN
    assert not Contract.objects.exists()


# --- reject and accept ask first ----------------------------------------------------------------


def test_rejecting_asks_first_on_a_page_of_its_own(gig, bid, owner):
    response = browser(owner).get(f"/bids/{bid.pk}/reject/")

    assert response.status_code == 200
    page = html(response)
    assert "Reject this bid?" in page
    assert bid.freelancer.public_name in page
    assert rupiah(140_000) in page
    assert "The freelancer is told that you declined their bid." in page
    assert f'action="/bids/{bid.pk}/reject/"' in page
    assert 'name="confirm" value="yes"' in page
    assert f'href="/gigs/{gig.pk}/#bid-{bid.pk}"' in page  # "No, go back"
    nothing_moved(bid, gig)


def test_accepting_asks_first_with_what_is_paid_and_received_after_the_fee(gig, bid, owner):
    BidFactory(gig=gig)
    BidFactory(gig=gig, status=Bid.Status.SHORTLISTED)
    BidFactory(gig=gig, status=Bid.Status.WITHDRAWN)  # not open: not declined again

    response = browser(owner).get(f"/bids/{bid.pk}/accept/")

    assert response.status_code == 200
    page = html(response)
    assert "Accept this bid?" in page
    assert f'id="client-pays">{rupiah(140_000)}<' in page
    assert f'id="freelancer-receives">{rupiah(freelancer_receives(140_000))}<' in page
    assert rupiah(platform_fee(140_000)) in page
    assert "The other 2 open bids are declined and their freelancers told." in page
    assert f'action="/bids/{bid.pk}/accept/"' in page
    nothing_moved(bid, gig)


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_a_post_without_the_confirmation_only_asks(gig, bid, owner, action):
    response = browser(owner).post(f"/bids/{bid.pk}/{action}/")

    assert response.status_code == 200
    assert 'name="confirm" value="yes"' in html(response)
    nothing_moved(bid, gig)


def test_the_confirmed_reject_declines_the_bid(gig, bid, owner):
    response = browser(owner).post(f"/bids/{bid.pk}/reject/", CONFIRMED)

    assert response.status_code == 302
    assert response["Location"] == f"/gigs/{gig.pk}/#bids"
    bid.refresh_from_db()
    assert bid.status == Bid.Status.REJECTED


def test_a_bid_no_longer_open_offers_no_button(gig, owner):
    withdrawn = BidFactory(gig=gig, status=Bid.Status.WITHDRAWN)

    page = html(browser(owner).get(f"/bids/{withdrawn.pk}/accept/"))

    assert "This bid can no longer be accepted or rejected." in page
    assert 'name="confirm"' not in page
    nothing_moved(withdrawn, gig, Bid.Status.WITHDRAWN)


@pytest.mark.parametrize("action", ["accept", "reject"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_the_gigs_client_is_asked(gig, bid, action, method):
    path = f"/bids/{bid.pk}/{action}/"
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(moderators_group())

    assert_login_redirect(getattr(browser(), method)(path), path)
    # A stranger, the bidder (the other party) and a moderator (who may see the bid but is no
    # party to it): as for a bid that does not exist.
    for who in (UserFactory(), bid.freelancer, moderator):
        assert getattr(browser(who), method)(path).status_code == 404
    nothing_moved(bid, gig)


def test_the_gig_page_links_to_the_confirmations_instead_of_posting(gig, bid, owner):
    page = html(browser(owner).get(f"/gigs/{gig.pk}/"))

    assert f'href="/bids/{bid.pk}/accept/"' in page
    assert f'href="/bids/{bid.pk}/reject/"' in page
    assert f'action="/bids/{bid.pk}/accept/"' not in page
    assert f'action="/bids/{bid.pk}/reject/"' not in page


# --- the fee preview without JavaScript ----------------------------------------------------------


def test_the_bid_form_says_what_the_freelancer_receives(gig):
    page = html(browser(UserFactory()).get(f"/gigs/{gig.pk}/"))

    receives = rupiah(freelancer_receives(150_000))
    assert f"You receive {receives} after the fee." in page
    assert 'name="preview"' in page


def test_the_preview_button_works_out_the_fee_on_the_server_and_places_nothing(gig):
    freelancer = UserFactory()

    response = browser(freelancer).post(
        f"/gigs/{gig.pk}/bid/", {"amount": "250.000", "delivery_days": "4", "preview": "1"}
    )

    assert response.status_code == 200
    page = html(response)
    assert f"You receive {rupiah(freelancer_receives(250_000))} after the fee." in page
    assert f'id="fee-amount">{rupiah(platform_fee(250_000))}<' in page
    assert 'name="amount" value="250.000"' in page  # the form again, as typed
    assert re.search(r'name="delivery_days" value="4"', page)
    assert "errorlist" not in page  # a preview is no attempt: no field is told off
    assert not Bid.objects.exists()


def test_a_preview_of_an_unreadable_price_says_how_to_type_it(gig):
    response = browser(UserFactory()).post(
        f"/gigs/{gig.pk}/bid/", {"amount": "seratus ribu", "preview": "1"}
    )

    assert response.status_code == 200
    assert "Type your price as a whole number of rupiah" in html(response)
    assert not Bid.objects.exists()


def test_previewing_needs_a_login(gig):
    path = f"/gigs/{gig.pk}/bid/"
    assert_login_redirect(browser().post(path, {"amount": "250.000", "preview": "1"}), path)


# --- the client's own gig ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Gig.Status.PENDING_REVIEW, Gig.Status.DRAFT])
def test_a_gig_not_live_yet_does_not_ask_to_be_shared(owner, status):
    waiting = GigFactory(client=owner, status=status, published_at=None)

    page = html(browser(owner).get(f"/gigs/{waiting.pk}/"))

    assert "share yours" not in page
    assert "freelancers can bid once your gig is live" in page


def test_a_live_gig_without_bids_asks_to_be_shared(gig, owner):
    assert "share yours to reach more" in html(browser(owner).get(f"/gigs/{gig.pk}/"))


def test_a_gig_going_live_counts_in_gigs_posted_at_once(owner, settings):
    settings.GIG_MODERATION = "off"
    draft = GigFactory(client=owner, status=Gig.Status.DRAFT, published_at=None)

    browser(owner).post(f"/gigs/{draft.pk}/submit/")

    assert ClientProfile.objects.get(user=owner).gigs_posted == 1
    page = html(browser(owner).get(f"/gigs/{draft.pk}/"))
    assert re.search(r"<dt>Gigs posted</dt>\s*<dd>1</dd>", page)


def test_an_approved_gig_counts_in_gigs_posted_at_once(owner):
    waiting = GigFactory(client=owner, status=Gig.Status.PENDING_REVIEW, published_at=None)
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(moderators_group())

    gig_approve(gig_id=waiting.pk, moderator=moderator)

    assert ClientProfile.objects.get(user=owner).gigs_posted == 1


def test_a_shop_named_as_its_client_is_written_once(gig, owner):
    ClientProfile.objects.update_or_create(user=owner, defaults={"shop_name": "Toko Kue  Sari"})

    gig_page = html(browser().get(f"/gigs/{gig.pk}/"))
    record_page = html(browser().get(f"/clients/{owner.username}/"))

    assert "Toko Kue Sari · " not in gig_page
    assert "· Toko Kue" not in record_page


def test_a_shop_with_a_name_of_its_own_is_shown_beside_the_client(gig, owner):
    ClientProfile.objects.update_or_create(user=owner, defaults={"shop_name": "Kue Sari Bandung"})

    page = html(browser().get(f"/gigs/{gig.pk}/"))

    assert "<strong>Toko Kue Sari</strong> · Kue Sari Bandung" in page
