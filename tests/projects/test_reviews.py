"""Double-blind reviews through the API: hidden until both parties wrote theirs or the window
closes, once per party, only on paid work, one public reply, and notices in the reader's language.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from accounts.models import Notification
from projects.models import Contract, Review
from projects.services import milestones as milestone_services
from projects.services.reviews import reviews_reveal_due
from projects.tasks import reveal_due_reviews
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.contracts import complete
from tests.projects.factories import ContractFactory, top_up
from tests.races import race as run_race

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)
RELEASED_AT = START + timedelta(hours=8)
CLOSES_AT = RELEASED_AT + timedelta(days=14)
GOOD = {"quality": 5, "communication": 4, "value": 5, "comment": "Mantap, cepat dan rapi."}


@pytest.fixture
def completed(db, time_machine) -> Contract:
    time_machine.move_to(START, tick=False)
    contract = ContractFactory(
        bid__amount=120_000,
        bid__gig__title="Logo toko kue",
        bid__gig__client__preferred_language="en",
        bid__freelancer__preferred_language="en",
    )
    contract = complete(contract, time_machine)
    assert contract.status == Contract.Status.COMPLETED
    assert contract.completed_at == RELEASED_AT
    return contract


def post_review(user, contract, **overrides):
    return client_for(user).post(
        f"/api/v1/contracts/{contract.pk}/reviews/", {**GOOD, **overrides}, format="json"
    )


def contract_reviews(user, contract) -> dict:
    response = client_for(user).get(f"/api/v1/contracts/{contract.pk}/reviews/")
    assert response.status_code == 200, response.json()
    return response.json()


def public(contract) -> dict[str, list[int]]:
    """The review ids anyone sees on the freelancer's and on the client's public page."""
    anonymous = english_client()
    freelancer = anonymous.get(f"/api/v1/freelancers/{contract.freelancer.username}/reviews/")
    client = anonymous.get(f"/api/v1/clients/{contract.client.username}/reviews/")
    assert freelancer.status_code == client.status_code == 200
    return {
        "freelancer": [r["id"] for r in freelancer.json()["results"]],
        "client": [r["id"] for r in client.json()["results"]],
    }


def notices_of(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def snapshot() -> list[tuple]:
    return list(
        Review.objects.order_by("id").values_list(
            "id", "quality", "communication", "value", "comment", "revealed_at", "reply"
        )
    )


def parties(contract: Contract, first: str):
    if first == "client":
        return contract.client, contract.freelancer
    return contract.freelancer, contract.client


# --- double-blind reveal ----------------------------------------------------------------------


@pytest.mark.parametrize("first", ["client", "freelancer"])
def test_both_reviews_are_revealed_together_when_the_second_is_in(completed, time_machine, first):
    author, other = parties(completed, first)
    time_machine.move_to(RELEASED_AT + timedelta(days=2), tick=False)

    response = post_review(author, completed)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["you_reviewed"] is True
    assert body["other_reviewed"] is False
    assert body["can_review"] is False
    assert [(r["author"], r["revealed"]) for r in body["reviews"]] == [(author.username, False)]
    hidden = Review.objects.get()
    assert hidden.revealed_at is None
    assert hidden.subject == other
    # The other party knows a review is waiting but cannot read it; nobody else sees it.
    seen = contract_reviews(other, completed)
    assert seen["reviews"] == []
    assert seen["other_reviewed"] is True
    assert seen["can_review"] is True
    assert public(completed) == {"freelancer": [], "client": []}
    assert [n.title for n in notices_of(other, "review_received")] == [
        f"{author.public_name} reviewed you for “Logo toko kue”"
    ]
    assert notices_of(author, "review_received") == []
    assert Notification.objects.filter(kind="reviews_revealed").count() == 0

    time_machine.move_to(RELEASED_AT + timedelta(days=3), tick=False)
    response = post_review(other, completed, quality=3, communication=3, value=4)

    assert response.status_code == 201, response.json()
    reviews = response.json()["reviews"]
    assert [(r["author"], r["revealed"]) for r in reviews] == [
        (author.username, True),
        (other.username, True),
    ]
    assert {r.revealed_at for r in Review.objects.all()} == {RELEASED_AT + timedelta(days=3)}
    assert [r["author"] for r in contract_reviews(author, completed)["reviews"]] == [
        author.username,
        other.username,
    ]
    by_client = Review.objects.get(author=completed.client)
    by_freelancer = Review.objects.get(author=completed.freelancer)
    assert public(completed) == {"freelancer": [by_client.pk], "client": [by_freelancer.pk]}
    for party in (author, other):
        assert [n.title for n in notices_of(party, "reviews_revealed")] == [
            "Reviews for “Logo toko kue” are public"
        ]

    # The window's sweep finds nothing left to reveal and tells nobody again.
    before, notices_before = snapshot(), Notification.objects.count()
    assert reviews_reveal_due(now=CLOSES_AT + timedelta(days=1)) == 0
    assert snapshot() == before
    assert Notification.objects.count() == notices_before


@pytest.mark.parametrize("first", ["client", "freelancer"])
def test_a_lone_review_is_revealed_when_the_window_closes(completed, time_machine, first):
    author, other = parties(completed, first)
    time_machine.move_to(RELEASED_AT + timedelta(days=1), tick=False)
    assert post_review(author, completed).status_code == 201
    review = Review.objects.get()

    # Up to the last moment of the window the review stays hidden.
    assert reviews_reveal_due(now=CLOSES_AT - timedelta(seconds=1)) == 0
    review.refresh_from_db()
    assert review.revealed_at is None
    time_machine.move_to(CLOSES_AT - timedelta(seconds=1), tick=False)
    assert contract_reviews(other, completed)["reviews"] == []
    assert public(completed) == {"freelancer": [], "client": []}
    assert Notification.objects.filter(kind="reviews_revealed").count() == 0

    # The moment the window closes the sweep reveals it.
    assert reviews_reveal_due(now=CLOSES_AT) == 1

    review.refresh_from_db()
    assert review.revealed_at == CLOSES_AT
    time_machine.move_to(CLOSES_AT, tick=False)
    seen = contract_reviews(other, completed)
    assert [(r["id"], r["revealed"]) for r in seen["reviews"]] == [(review.pk, True)]
    assert seen["can_review"] is False
    expected = {"freelancer": [review.pk], "client": []}
    if first == "freelancer":
        expected = {"freelancer": [], "client": [review.pk]}
    assert public(completed) == expected
    for party in (author, other):
        # The author is not told "both reviews can be read": only theirs was written.
        assert len(notices_of(party, "review_window_closed")) == 1
        assert notices_of(party, "reviews_revealed") == []

    # Twice (the sweep or its task again, later): nothing changes, no second notice.
    before, notices_before = snapshot(), Notification.objects.count()
    assert reviews_reveal_due(now=CLOSES_AT + timedelta(hours=1)) == 0
    time_machine.move_to(CLOSES_AT + timedelta(days=1), tick=False)
    assert reveal_due_reviews.delay().get() == 0
    assert snapshot() == before
    assert Notification.objects.count() == notices_before


def test_the_sweep_reveals_only_reviews_whose_window_closed(completed, time_machine):
    later = ContractFactory()
    time_machine.move_to(RELEASED_AT + timedelta(days=1), tick=False)
    assert post_review(completed.client, completed).status_code == 201
    later_start = RELEASED_AT + timedelta(days=5)
    time_machine.move_to(later_start, tick=False)
    top_up(later.client, 200_000)
    milestone = later.milestones.get()
    milestone_services.milestone_fund(milestone_id=milestone.pk, actor=later.client)
    milestone_services.milestone_submit(
        milestone_id=milestone.pk, actor=later.freelancer, note="ok"
    )
    milestone_services.milestone_release(milestone_id=milestone.pk, actor=later.client)
    assert post_review(later.client, later).status_code == 201

    assert reviews_reveal_due(now=CLOSES_AT) == 1

    assert Review.objects.get(contract=completed).revealed_at == CLOSES_AT
    assert Review.objects.get(contract=later).revealed_at is None
    assert not Notification.objects.filter(
        kind__in=("reviews_revealed", "review_window_closed"),
        recipient__in=(later.client, later.freelancer),
    ).exists()


# --- who may review, when ---------------------------------------------------------------------


def test_a_second_review_by_the_same_party_is_refused(completed):
    assert post_review(completed.client, completed).status_code == 201
    before, notices_before = snapshot(), Notification.objects.count()

    response = post_review(completed.client, completed, quality=1, comment="Berubah pikiran.")

    assert response.status_code == 409
    assert response.json()["code"] == "already_reviewed"
    assert response.json()["message"] == "You already reviewed this contract."
    assert snapshot() == before
    assert Notification.objects.count() == notices_before


def test_no_review_without_a_paid_contract_active(db):
    contract = ContractFactory()

    for party in (contract.client, contract.freelancer):
        response = post_review(party, contract)
        assert response.status_code == 409
        assert response.json()["code"] == "not_reviewable"
        assert response.json()["message"] == (
            "Reviews open once the contract is completed with paid work."
        )
    assert not Review.objects.exists()
    assert contract_reviews(contract.client, contract)["can_review"] is False


def test_no_review_without_a_paid_contract_cancelled_unpaid(db):
    contract = ContractFactory()
    milestone_services.milestone_cancel(
        milestone_id=contract.milestones.get().pk, actor=contract.client
    )
    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELLED
    assert contract.completed_at is not None  # closed, but nothing was paid

    for party in (contract.client, contract.freelancer):
        response = post_review(party, contract)
        assert response.status_code == 409
        assert response.json()["code"] == "not_reviewable"
    assert not Review.objects.exists()
    assert not Notification.objects.filter(kind__startswith="review").exists()


def test_no_review_after_the_window(completed, time_machine):
    time_machine.move_to(CLOSES_AT, tick=False)

    response = post_review(completed.freelancer, completed)

    assert response.status_code == 409
    assert response.json()["code"] == "review_window_closed"
    assert response.json()["message"] == "The review window closed on 17 March 2025 18:00 WIB."
    assert not Review.objects.exists()
    assert contract_reviews(completed.freelancer, completed)["can_review"] is False


def test_a_stranger_cannot_review_or_read_a_contracts_reviews(completed):
    stranger = UserFactory()
    assert post_review(stranger, completed).status_code == 404
    response = client_for(stranger).get(f"/api/v1/contracts/{completed.pk}/reviews/")
    assert response.status_code == 404
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({**GOOD, "quality": 0}, "quality", "Ensure this value is greater than or equal to 1."),
        (
            {**GOOD, "communication": 6},
            "communication",
            "Ensure this value is less than or equal to 5.",
        ),
        ({**GOOD, "value": -1}, "value", "Ensure this value is greater than or equal to 1."),
        ({**GOOD, "value": 4.5}, "value", "Must be a whole number."),
        ({**GOOD, "quality": "5"}, "quality", "Must be a whole number."),
        ({**GOOD, "quality": None}, "quality", "This field may not be null."),
        ({k: v for k, v in GOOD.items() if k != "comment"}, "comment", "This field is required."),
        ({**GOOD, "comment": "   "}, "comment", "This field may not be blank."),
        (
            {**GOOD, "comment": "x" * 2001},
            "comment",
            "Ensure this field has no more than 2000 characters.",
        ),
        ({**GOOD, "stars": 5}, "stars", "Unknown field. Remove it from the request."),
        (
            {**GOOD, "revealed_at": "2025-01-01T00:00:00Z"},
            "revealed_at",
            "Unknown field. Remove it from the request.",
        ),
    ],
)
def test_bad_review_input_is_a_400_naming_the_field(completed, payload, field, message):
    response = client_for(completed.client).post(
        f"/api/v1/contracts/{completed.pk}/reviews/", payload, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"] == {field: [message]}
    assert not Review.objects.exists()
    assert not Notification.objects.filter(kind="review_received").exists()


# --- replies ----------------------------------------------------------------------------------


def reply(user, review: Review, body: str = "Terima kasih atas ulasannya!"):
    return client_for(user).post(
        f"/api/v1/reviews/{review.pk}/reply/", {"body": body}, format="json"
    )


@pytest.fixture
def revealed(completed) -> tuple[Review, Review]:
    assert post_review(completed.client, completed).status_code == 201
    assert post_review(completed.freelancer, completed, quality=4).status_code == 201
    by_client = Review.objects.get(author=completed.client)
    by_freelancer = Review.objects.get(author=completed.freelancer)
    assert by_client.revealed_at is not None
    return by_client, by_freelancer


def test_the_subject_replies_once_and_the_reply_is_public(completed, revealed, time_machine):
    by_client, _by_freelancer = revealed
    time_machine.move_to(RELEASED_AT + timedelta(days=20), tick=False)  # after the window: fine

    response = reply(completed.freelancer, by_client, "  Senang bekerja sama!  ")

    assert response.status_code == 200, response.json()
    assert response.json()["reply"] == "Senang bekerja sama!"
    assert datetime.fromisoformat(response.json()["replied_at"]) == RELEASED_AT + timedelta(days=20)
    listed = english_client().get(f"/api/v1/freelancers/{completed.freelancer.username}/reviews/")
    assert [(r["id"], r["reply"]) for r in listed.json()["results"]] == [
        (by_client.pk, "Senang bekerja sama!")
    ]

    again = reply(completed.freelancer, by_client, "Satu lagi.")

    assert again.status_code == 409
    assert again.json()["code"] == "already_replied"
    by_client.refresh_from_db()
    assert by_client.reply == "Senang bekerja sama!"


def test_only_the_reviewed_person_replies(completed, revealed):
    by_client, by_freelancer = revealed
    before = snapshot()

    by_author = reply(completed.client, by_client)

    assert by_author.status_code == 403
    assert by_author.json()["code"] == "permission_denied"
    assert by_author.json()["message"] == "Only the reviewed person replies to a review."
    assert reply(by_freelancer.author, by_freelancer).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("field_value", ["", "   "])
def test_an_empty_reply_is_a_400(completed, revealed, field_value):
    by_client, _ = revealed
    response = reply(completed.freelancer, by_client, field_value)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["body"]
    by_client.refresh_from_db()
    assert by_client.reply == ""


def test_a_hidden_review_cannot_be_replied_to(completed):
    assert post_review(completed.client, completed).status_code == 201
    hidden = Review.objects.get()

    for user in (completed.freelancer, UserFactory()):
        response = reply(user, hidden)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    hidden.refresh_from_db()
    assert (hidden.reply, hidden.replied_at) == ("", None)


def test_replying_to_an_unknown_review_is_a_404(completed):
    response = client_for(completed.client).post(
        "/api/v1/reviews/999999/reply/", {"body": "Halo"}, format="json"
    )
    assert response.status_code == 404


# --- notices in the recipient's language ------------------------------------------------------


def test_review_notices_go_to_the_right_people_once(completed):
    completed.client.preferred_language = "id"
    completed.client.save(update_fields=["preferred_language"])

    assert post_review(completed.freelancer, completed).status_code == 201
    received = notices_of(completed.client, "review_received")
    assert len(received) == 1
    assert received[0].link == f"/api/v1/contracts/{completed.pk}/reviews/"
    assert "Logo toko kue" in received[0].title
    assert completed.freelancer.public_name in received[0].title
    assert "17 Maret 2025 18.00 WIB" in received[0].body

    assert post_review(completed.client, completed).status_code == 201
    english = notices_of(completed.freelancer, "reviews_revealed")
    assert [(n.title, n.body) for n in english] == [
        (
            "Reviews for “Logo toko kue” are public",
            "Both reviews of this contract can now be read, and you may reply to yours once.",
        )
    ]
    assert len(notices_of(completed.client, "reviews_revealed")) == 1


def test_review_notices_are_written_in_the_recipients_language(completed):
    completed.client.preferred_language = "id"
    completed.client.save(update_fields=["preferred_language"])

    assert post_review(completed.freelancer, completed).status_code == 201
    assert post_review(completed.client, completed).status_code == 201

    name = completed.freelancer.public_name
    assert [n.title for n in notices_of(completed.client, "review_received")] == [
        f"{name} mengulas Anda untuk “Logo toko kue”"
    ]
    assert [n.title for n in notices_of(completed.client, "reviews_revealed")] == [
        "Ulasan untuk “Logo toko kue” sudah terbuka"
    ]
    assert [n.title for n in notices_of(completed.freelancer, "reviews_revealed")] == [
        "Reviews for “Logo toko kue” are public"
    ]


def test_the_window_is_the_setting(completed):
    assert settings.REVIEW_WINDOW_DAYS == 14
    body = contract_reviews(completed.client, completed)
    assert datetime.fromisoformat(body["window_closes_at"]) == CLOSES_AT
    assert body["can_review"] is True


# --- query budget -----------------------------------------------------------------------------

PUBLIC_REVIEWS = 2  # the user; the page with author, contract and gig joined


@pytest.mark.parametrize("reviews", [2, 12])
def test_the_public_review_list_costs_the_same_at_any_size(
    django_assert_num_queries, time_machine, reviews
):
    time_machine.move_to(START, tick=False)
    freelancer = UserFactory()
    for n in range(reviews):
        contract = ContractFactory(bid__freelancer=freelancer)
        Review.objects.create(
            contract=contract,
            author=contract.client,
            subject=freelancer,
            subject_role=Review.Subject.FREELANCER,
            quality=5,
            communication=4,
            value=3 + n % 3,
            comment=f"Ulasan {n}",
            revealed_at=START + timedelta(minutes=n),
        )
    client = english_client()

    with django_assert_num_queries(PUBLIC_REVIEWS):
        response = client.get(f"/api/v1/freelancers/{freelancer.username}/reviews/")

    results = response.json()["results"]
    assert [r["comment"] for r in results] == [f"Ulasan {n}" for n in reversed(range(reviews))][:20]
    assert all(r["gig_title"] and r["author"] for r in results)


# --- races (PostgreSQL: real threads, real row locks) -----------------------------------------


def race(calls):
    """Run the calls at once; none may raise."""
    results = run_race(calls)
    for result in results:
        assert not isinstance(result, Exception), repr(result)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_both_parties_reviewing_at_once_reveal_both_once(completed):
    clients = [client_for(completed.client), client_for(completed.freelancer)]
    url = f"/api/v1/contracts/{completed.pk}/reviews/"

    responses = race([lambda c=c: c.post(url, GOOD, format="json") for c in clients])

    assert [r.status_code for r in responses] == [201, 201]
    assert Review.objects.count() == 2
    assert Review.objects.filter(revealed_at__isnull=True).count() == 0
    assert Notification.objects.filter(kind="review_received").count() == 1  # to the later one
    for party in (completed.client, completed.freelancer):
        assert len(notices_of(party, "reviews_revealed")) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_party_reviewing_five_times_at_once_writes_one_review(completed):
    clients = [client_for(completed.client) for _ in range(5)]
    url = f"/api/v1/contracts/{completed.pk}/reviews/"

    responses = race([lambda c=c: c.post(url, GOOD, format="json") for c in clients])

    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"already_reviewed"}
    assert Review.objects.count() == 1
    assert len(notices_of(completed.freelancer, "review_received")) == 1
