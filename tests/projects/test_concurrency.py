"""Races on the marketplace loop, with real threads and real row locks (PostgreSQL only).

Every thread sends its request through the API with its own client and its own database
connection; a barrier releases them together so they really overlap. Each test then checks
what the database holds, not only what the responses said.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from accounts.models import FreelancerProfile
from projects.models import Bid, Contract, Gig, Milestone
from projects.services import bids as bid_services
from projects.services import suspensions as suspension_services
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.projects.factories import BidFactory, CategoryFactory, ContractFactory, GigFactory
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BID = {
    "amount": 200_000,
    "delivery_days": 4,
    "cover_letter": "Saya desainer logo berpengalaman lima tahun untuk UMKM.",
}


def widen_after(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, seconds: float) -> None:
    """Make ``module.name`` pause after it returns, widening a check-then-write window: code
    missing its lock then loses the race on every run, not only on most of them."""
    original = getattr(module, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(module, name, slow)


def statuses_and_codes(responses: list[Any]) -> list[tuple[int, str | None]]:
    for response in responses:
        assert not isinstance(response, Exception), repr(response)
    return [
        (r.status_code, r.json().get("code") if r.status_code >= 400 else None) for r in responses
    ]


def test_twenty_concurrent_accepts_on_one_gig_make_exactly_one_contract():
    gig = GigFactory(budget=500_000)
    bids = [BidFactory(gig=gig, amount=100_000 + 1_000 * n) for n in range(20)]
    Gig.objects.filter(pk=gig.pk).update(bid_count=20)
    # One client (and one token) per thread: a test client is not shared between threads.
    clients = [client_for(gig.client) for _ in bids]

    responses = race(
        [
            lambda c=c, b=b: c.post(f"/api/v1/bids/{b.pk}/accept/")
            for c, b in zip(clients, bids, strict=True)
        ]
    )

    outcomes = statuses_and_codes(responses)
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1, outcomes
    assert sorted(outcomes, key=lambda o: o[0]) == [(200, None)] + [(409, "gig_not_open")] * 19
    contract = Contract.objects.get()
    assert winners[0].json()["id"] == contract.pk
    assert contract.gig_id == gig.pk
    accepted = Bid.objects.get(status=Bid.Status.ACCEPTED)
    assert contract.bid_id == accepted.pk
    assert contract.amount == accepted.amount
    assert Bid.objects.filter(gig=gig, status=Bid.Status.REJECTED).count() == 19
    assert not Bid.objects.filter(status__in=Bid.OPEN).exists()
    assert Milestone.objects.filter(contract=contract).count() == 1
    gig.refresh_from_db()
    assert gig.status == Gig.Status.AWARDED
    # Each loser's own bid was rejected by the winner, not left open by their failed attempt.
    for response, bid in zip(responses, bids, strict=True):
        expected = Bid.Status.ACCEPTED if response.status_code == 200 else Bid.Status.REJECTED
        bid.refresh_from_db()
        assert bid.status == expected


def test_twenty_concurrent_bids_by_one_freelancer_make_one_bid():
    gig = GigFactory(category=CategoryFactory(min_price=100_000))
    freelancer = UserFactory()
    clients = [client_for(freelancer) for _ in range(20)]

    responses = race([lambda c=c: c.post(f"/api/v1/gigs/{gig.pk}/bids/", BID) for c in clients])

    outcomes = statuses_and_codes(responses)
    assert sorted(outcomes, key=lambda o: o[0]) == [(201, None)] + [(409, "duplicate_bid")] * 19
    bid = Bid.objects.get()
    assert bid.gig_id == gig.pk
    assert bid.freelancer_id == freelancer.pk
    assert bid.status == Bid.Status.PENDING
    gig.refresh_from_db()
    assert gig.bid_count == 1


@pytest.mark.parametrize(("capacity", "already_active"), [(1, 0), (2, 1)])
def test_two_clients_hiring_a_freelancer_with_one_slot_left_cannot_both_succeed(
    monkeypatch, capacity, already_active
):
    # Both hires pass the capacity count before either has written its contract, unless the
    # lock on the freelancer's row makes the second wait (and then count again).
    widen_after(monkeypatch, bid_services, "_ensure_capacity", 0.3)
    freelancer = UserFactory()
    FreelancerProfile.objects.create(user=freelancer, max_active_contracts=capacity)
    for _ in range(already_active):
        ContractFactory(bid__freelancer=freelancer)
    bids = [BidFactory(freelancer=freelancer, gig=GigFactory()) for _ in range(2)]
    clients = [client_for(bid.gig.client) for bid in bids]

    responses = race(
        [
            lambda c=c, b=b: c.post(f"/api/v1/bids/{b.pk}/accept/")
            for c, b in zip(clients, bids, strict=True)
        ]
    )

    outcomes = statuses_and_codes(responses)
    assert sorted(outcomes, key=lambda o: o[0]) == [(200, None), (409, "at_capacity")]
    active = Contract.objects.filter(freelancer=freelancer, status=Contract.Status.ACTIVE)
    assert active.count() == capacity
    # The refused hire left its gig open and its bid pending: nothing half-written.
    loser = bids[0] if responses[0].status_code == 409 else bids[1]
    loser.refresh_from_db()
    loser.gig.refresh_from_db()
    assert loser.status == Bid.Status.PENDING
    assert loser.gig.status == Gig.Status.OPEN
    assert not Contract.objects.filter(gig=loser.gig).exists()


def test_accepts_on_two_gigs_that_share_bidders_do_not_deadlock(monkeypatch, caplog):
    # Two freelancers bid on two gigs; each client accepts a different one at the same moment.
    # Each accept locks its winner (capacity) and then rejects the other bids, telling the
    # other freelancer: with the joined freelancer rows locked too, or the winner's row locked
    # so that a notice to them must wait, the two accepts wait on each other (a deadlock).
    widen_after(monkeypatch, bid_services, "_ensure_capacity", 0.3)
    first, second = UserFactory(), UserFactory()
    gigs = [GigFactory(), GigFactory()]
    bids = {
        (gig.pk, freelancer.pk): BidFactory(gig=gig, freelancer=freelancer)
        for gig in gigs
        for freelancer in (first, second)
    }
    accepted = [bids[gigs[0].pk, first.pk], bids[gigs[1].pk, second.pk]]
    clients = [client_for(gig.client) for gig in gigs]

    responses = race(
        [
            lambda c=c, b=b: c.post(f"/api/v1/bids/{b.pk}/accept/")
            for c, b in zip(clients, accepted, strict=True)
        ]
    )

    assert statuses_and_codes(responses) == [(200, None), (200, None)]
    # Won by lock order, not by a retry after PostgreSQL broke a deadlock.
    assert "deadlock" not in caplog.text.lower()
    for gig, winner in zip(gigs, accepted, strict=True):
        contract = Contract.objects.get(gig=gig)
        assert contract.bid_id == winner.pk
        assert Bid.objects.get(gig=gig, status=Bid.Status.REJECTED).freelancer_id != (
            winner.freelancer_id
        )


def test_suspending_a_bidder_while_their_gig_is_awarded_to_another_does_not_deadlock(
    monkeypatch, caplog
):
    # The suspension holds the freelancer's row and is about to withdraw their bids (locking
    # the gigs first); the accept holds the gig and rejects the other bids, telling each bidder
    # — the suspended freelancer too. A full FOR UPDATE on the freelancer's row would make
    # that notice wait for the suspension, while the suspension waits for the gig.
    widen_after(monkeypatch, suspension_services, "_hide_open_gigs", 0.3)
    widen_after(monkeypatch, bid_services, "_ensure_capacity", 0.3)
    moderator = UserFactory(is_staff=True, is_superuser=True)
    suspended, winner = UserFactory(), UserFactory()
    gig = GigFactory()
    their_bid = BidFactory(gig=gig, freelancer=suspended)
    winning_bid = BidFactory(gig=gig, freelancer=winner)
    client = client_for(gig.client)

    results = race(
        [
            lambda: suspension_services.suspension_create(
                moderator=moderator, user_id=suspended.pk, reason="Spam berulang"
            ),
            lambda: client.post(f"/api/v1/bids/{winning_bid.pk}/accept/"),
        ]
    )

    suspension, response = results
    assert not isinstance(suspension, Exception), repr(suspension)
    assert statuses_and_codes([response]) == [(200, None)]
    assert "deadlock" not in caplog.text.lower()
    their_bid.refresh_from_db()
    winning_bid.refresh_from_db()
    assert (their_bid.status, winning_bid.status) == (Bid.Status.REJECTED, Bid.Status.ACCEPTED)
    assert Contract.objects.get(gig=gig).freelancer_id == winner.pk
