"""The dashboard: one person as a client (gigs by state, bids to review, contracts, spending) and
as a freelancer (bids, active contracts, capacity, this month's earnings), at a fixed query cost.
Each person sees the roles they act in: a client no capacity, a freelancer no "post a gig"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import FreelancerProfile
from projects.models import Bid, Contract, Gig
from projects.services import milestones as services
from tests.accounts.factories import UserFactory
from tests.pages.conftest import assert_login_redirect, browser
from tests.projects.factories import BidFactory, ContractFactory, GigFactory, top_up

NOW = datetime(2025, 3, 15, 3, 0, tzinfo=UTC)  # 10:00 on 15 March in Jakarta
LAST_MONTH = datetime(2025, 2, 28, 16, 59, tzinfo=UTC)  # 23:59 on 28 February in Jakarta

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def paid_contract(freelancer, amount: int = 120_000, client=None) -> Contract:
    """A contract whose one milestone was funded, delivered and approved just now."""
    extra = {"bid__gig__client": client} if client is not None else {}
    contract = ContractFactory(bid__freelancer=freelancer, bid__amount=amount, **extra)
    top_up(contract.client, amount)
    milestone = contract.milestones.get()
    services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    services.milestone_submit(milestone_id=milestone.pk, actor=freelancer, note="Selesai.")
    services.milestone_approve(milestone_id=milestone.pk, actor=contract.client)
    return contract


def sections(response) -> tuple[str, str]:
    """The page's "as a client" and "as a freelancer" parts (the page's main part only: the
    header and footer are the same on every page)."""
    body = main_part(response)
    client_part, _sep, freelancer_part = body.partition('id="as-freelancer"')
    return client_part, freelancer_part


def main_part(response) -> str:
    body = response.content.decode()
    return body[body.index('<main id="main">') : body.index("</main>")]


FREELANCER_ONLY = ("as-freelancer", "Capacity", "active contract", "Earned in", "My bids")
CLIENT_ONLY = ("as-client", "Bids to review", "My gigs", "Paid to freelancers", "Held in escrow")


def test_anonymous_visitors_are_sent_to_log_in():
    assert_login_redirect(browser().get("/dashboard/"), "/dashboard/")


def test_a_new_user_is_shown_both_first_steps_and_no_figures(clock):
    response = browser(UserFactory()).get("/dashboard/")

    assert response.status_code == 200
    as_client, as_freelancer = sections(response)
    assert "You have not posted a gig yet." in as_client
    assert 'class="button small" href="/gigs/new/">Post a gig</a>' in as_client
    assert "You have not bid on a gig yet." in as_freelancer
    assert 'class="button small" href="/">Find a gig</a>' in as_freelancer
    page = as_client + as_freelancer
    for figure in ("Capacity", "0 of 3", "Earned in", "Paid to freelancers", "Held in escrow"):
        assert figure not in page, figure


def test_the_client_sees_gigs_by_state_and_the_bids_to_review(clock):
    me = UserFactory()
    draft = GigFactory(client=me, status=Gig.Status.DRAFT, published_at=None, title="Draf poster")
    waiting = GigFactory(client=me, status=Gig.Status.PENDING_REVIEW, title="Menunggu moderasi")
    wanted = GigFactory(client=me, title="Logo warung kopi")
    quiet = GigFactory(client=me, title="Banner tanpa tawaran")
    BidFactory(gig=wanted, amount=110_000)
    BidFactory(gig=wanted, status=Bid.Status.SHORTLISTED)
    BidFactory(gig=wanted, status=Bid.Status.REJECTED)
    BidFactory(gig=wanted, removed_at=timezone.now())  # a moderator removed it
    hired = ContractFactory(bid__gig__client=me, bid__gig__title="Video promosi")
    done = GigFactory(client=me, status=Gig.Status.COMPLETED, title="Menu restoran selesai")
    GigFactory(title="Gig orang lain")

    response = browser(me).get("/dashboard/")

    assert response.status_code == 200
    as_client, as_freelancer = sections(response)
    for gig in (draft, waiting, wanted, quiet, hired.gig, done):
        assert f'href="/gigs/{gig.pk}/"' in as_client, gig.title
    assert "Gig orang lain" not in as_client + as_freelancer
    assert as_client.index("Drafts") < as_client.index("Draf poster")
    assert as_client.index("Waiting for a moderator") < as_client.index("Menunggu moderasi")
    assert as_client.index("Open for bids") < as_client.index("Banner tanpa tawaran")
    assert as_client.index("Awarded") < as_client.index("Video promosi")
    # The closed ones are folded away.
    assert as_client.index("<details") < as_client.index("Menu restoran selesai")
    assert "2 bids to review" in as_client  # pending and shortlisted; not rejected or removed
    assert "Rp 110.000" in as_client
    assert f'href="/contracts/{hired.pk}/"' in as_client
    # A client only: nothing of a freelancer's, not even the part's heading.
    assert as_freelancer == ""
    for words in FREELANCER_ONLY:
        assert words not in as_client, words
    assert "You have not bid on a gig yet." not in as_client
    assert "Dashboard sections" not in as_client  # no jump links to a single part


def test_the_client_sees_what_they_paid_this_month_and_hold_in_escrow(clock):
    me = UserFactory()
    clock.move_to(LAST_MONTH)
    paid_contract(UserFactory(), amount=200_000, client=me)  # 28 February in Jakarta
    clock.move_to(NOW)
    paid_contract(UserFactory(), amount=120_000, client=me)
    funded = ContractFactory(bid__gig__client=me, bid__amount=75_000)
    top_up(me, 75_000)
    services.milestone_fund(milestone_id=funded.milestones.get().pk, actor=me)

    as_client, _as_freelancer = sections(browser(me).get("/dashboard/"))

    paid = as_client.index("Paid to freelancers in March 2025")
    escrow = as_client.index("Held in escrow")
    assert as_client.index("Rp 120.000", paid) < escrow  # the fee included, February not
    assert "Rp 320.000" not in as_client
    assert "Rp 75.000" in as_client[escrow:]


def test_the_freelancer_sees_bids_contracts_capacity_and_this_months_earnings(clock):
    me = UserFactory()
    FreelancerProfile.objects.create(user=me, max_active_contracts=2)
    bid = BidFactory(freelancer=me, amount=95_000, gig__title="Ilustrasi kemasan")
    active = ContractFactory(bid__freelancer=me, bid__gig__title="Foto produk")
    clock.move_to(LAST_MONTH)
    paid_contract(me, amount=200_000)  # 28 February in Jakarta: not this month
    clock.move_to(NOW)
    paid_contract(me)  # Rp 120.000 less the 10 % fee

    response = browser(me).get("/dashboard/")

    as_client, as_freelancer = sections(response)
    assert f'href="/gigs/{bid.gig_id}/"' in as_freelancer
    assert "Rp 95.000" in as_freelancer
    assert f'href="/contracts/{active.pk}/"' in as_freelancer
    assert "1 of 2 active contracts" in as_freelancer
    assert "Full:" not in as_freelancer
    assert "Earned in March 2025" in as_freelancer
    assert "Rp 108.000" in as_freelancer
    # A freelancer only: nothing of a client's, not even an invitation to post a gig.
    assert 'id="as-client"' not in as_client
    for words in (*CLIENT_ONLY, "You have not posted a gig yet.", "No contracts yet"):
        assert words not in as_client + as_freelancer, words


def test_a_freelancer_who_presented_their_work_but_never_bid_is_sent_to_find_gigs(clock):
    me = UserFactory()
    FreelancerProfile.objects.create(user=me, headline="Desainer logo untuk UMKM")

    as_client, as_freelancer = sections(browser(me).get("/dashboard/"))

    assert 'id="as-client"' not in as_client
    assert "0 of 3 active contracts" in as_freelancer
    assert "You have not bid on a gig yet." in as_freelancer
    assert '<a href="/">Browse gigs</a>' in as_freelancer
    assert "You have not posted a gig yet." not in as_freelancer


def test_someone_in_both_roles_sees_both_parts_under_their_headings(clock):
    me = UserFactory()
    mine = GigFactory(client=me, title="Logo toko roti")
    bid = BidFactory(freelancer=me, gig__title="Desain menu kafe")

    response = browser(me).get("/dashboard/")

    as_client, as_freelancer = sections(response)
    assert '<h2 id="as-client-title">As a client</h2>' in as_client
    assert '<h2 id="as-freelancer-title">As a freelancer</h2>' in as_freelancer
    assert 'aria-label="Dashboard sections"' in as_client
    assert f'href="/gigs/{mine.pk}/"' in as_client
    assert "Held in escrow" in as_client
    assert f'href="/gigs/{bid.gig_id}/"' in as_freelancer
    assert "0 of 3 active contracts" in as_freelancer
    assert "You have not posted a gig yet." not in as_client
    assert "You have not bid on a gig yet." not in as_freelancer


def test_a_freelancer_at_capacity_is_told(clock):
    me = UserFactory()
    FreelancerProfile.objects.create(user=me, max_active_contracts=1)
    ContractFactory(bid__freelancer=me)

    _as_client, as_freelancer = sections(browser(me).get("/dashboard/"))

    assert "1 of 1 active contract" in as_freelancer
    assert "Full: finish a contract before taking on another." in as_freelancer


def test_the_dashboard_renders_in_indonesian(clock):
    response = browser(UserFactory(), language="id").get("/dashboard/")

    assert response.status_code == 200
    assert '<html lang="id">' in response.content.decode()


def _fill(me, n: int, roles: str = "both") -> None:
    """n of everything the dashboard lists for ``roles``: "client", "freelancer" or "both"."""
    for _ in range(n):
        if roles in ("client", "both"):
            GigFactory(client=me, status=Gig.Status.DRAFT, published_at=None)
            wanted = GigFactory(client=me)
            BidFactory(gig=wanted)
            GigFactory(client=me, status=Gig.Status.EXPIRED)
            ContractFactory(bid__gig__client=me)
        if roles in ("freelancer", "both"):
            ContractFactory(bid__freelancer=me)
            BidFactory(freelancer=me)


def _queries(user) -> int:
    client = browser(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("roles", ["client", "freelancer", "both"])
def test_the_dashboard_costs_the_same_queries_with_1_or_6_of_everything(clock, roles):
    few, many = UserFactory(), UserFactory()
    _fill(few, 1, roles)
    _fill(many, 6, roles)

    assert _queries(few) == _queries(many)
