"""The whole reputation loop through the API: a paid contract, double-blind reviews, the
debounced recalculation (eager in tests), and the public profile that explains its numbers."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import FreelancerProfile, ReputationChange
from projects.models import Contract, Review
from tests.conftest import client_for
from tests.contracts import complete
from tests.projects.factories import ContractFactory

START = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)


@pytest.fixture
def completed(db, time_machine):
    time_machine.move_to(START, tick=False)
    return complete(ContractFactory(bid__amount=120_000), time_machine)


def review(user, contract, stars=5, comment="Mantap, cepat dan rapi."):
    return client_for(user).post(
        f"/api/v1/contracts/{contract.pk}/reviews/",
        {"quality": stars, "communication": stars, "value": stars, "comment": comment},
        format="json",
    )


def test_a_completed_contract_records_its_facts(completed):
    assert completed.status == Contract.Status.COMPLETED
    assert completed.outcome == Contract.Outcome.COMPLETED
    assert completed.first_response_seconds == 5 * 3600
    milestone = completed.milestones.get()
    assert milestone.approval_seconds == 3 * 3600
    assert milestone.first_submitted_at == START + timedelta(hours=5)


def test_reviews_reveal_and_the_profile_explains_the_rating(
    completed, django_capture_on_commit_callbacks
):
    first = review(completed.client, completed, stars=5)
    assert first.status_code == 201, first.json()
    assert first.json()["you_reviewed"] is True
    # Hidden from the freelancer until they review too.
    seen = client_for(completed.freelancer).get(f"/api/v1/contracts/{completed.pk}/reviews/")
    assert seen.json()["reviews"] == []
    assert seen.json()["other_reviewed"] is True

    with django_capture_on_commit_callbacks(execute=True):
        second = review(completed.freelancer, completed, stars=4)
    assert second.status_code == 201
    assert len(second.json()["reviews"]) == 2
    assert Review.objects.filter(revealed_at__isnull=True).count() == 0

    profile = FreelancerProfile.objects.get(user=completed.freelancer)
    # Platform mean 5.0 (the only freelancer review): (5 × 5 + 1 × 5) / 6 = 5.000
    assert profile.rating == Decimal("5.000")
    assert profile.rating_count == 1
    assert profile.completion_rate == Decimal("1.000")
    assert profile.on_time_rate == Decimal("1.000")
    assert profile.median_response_seconds == 5 * 3600
    changes = set(
        ReputationChange.objects.filter(user=completed.freelancer).values_list("figure", "cause")
    )
    assert ("rating", "review_revealed") in changes

    profile.headline = "Desainer logo"
    profile.save()
    public = APIClient().get(f"/api/v1/freelancers/{completed.freelancer.username}/")
    assert public.status_code == 200, public.json()
    rating = public.json()["reputation"]["rating"]
    assert rating["value"] == 5.0
    assert rating["reviews"] == 1
    assert "= 5,00" in rating["explanation"]  # in the request's language (Indonesian here)
    listed = APIClient().get("/api/v1/freelancers/")
    assert [f["username"] for f in listed.json()["results"]] == [completed.freelancer.username]
    reviews = APIClient().get(f"/api/v1/freelancers/{completed.freelancer.username}/reviews/")
    assert [r["overall"] for r in reviews.json()["results"]] == [5.0]
    record = APIClient().get(f"/api/v1/clients/{completed.client.username}/")
    assert record.status_code == 200
    assert record.json()["rating_average"] == 4.0
    assert record.json()["avg_approval_seconds"] == 3 * 3600


def test_the_nightly_pass_agrees_with_the_per_user_recalculation(
    completed, django_capture_on_commit_callbacks
):
    from projects.reputation.services import reputation_recalculate_all

    review(completed.client, completed, stars=4)
    with django_capture_on_commit_callbacks(execute=True):
        review(completed.freelancer, completed, stars=3)
    fields = [
        "rating",
        "rating_prior",
        "on_time_rate",
        "completion_rate",
        "median_response_seconds",
    ]
    before = FreelancerProfile.objects.filter(user=completed.freelancer).values(*fields).get()
    reputation_recalculate_all(now=START + timedelta(days=1))
    after = FreelancerProfile.objects.filter(user=completed.freelancer).values(*fields).get()
    assert after == before
    assert before["rating"] == Decimal("4.000")
