"""Lists whose texts are masked cost the same number of queries with 2 and with 8 rows: the
masked copies are columns of the rows already read, and the author each copy names is an id on
a row the selector loaded (no query per row to decide who sees what)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.masking import mask_texts
from accounts.models import FreelancerProfile, PortfolioItem
from marketplace.contact_filter import MASK
from projects.models import Review
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.pages.conftest import browser
from tests.projects.factories import (
    ContractFactory,
    ContractMessageFactory,
    MessageAttachmentFactory,
)

pytestmark = pytest.mark.django_db

PHONE = "WA 0812 3456 7890"


def queries(client, path: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response


def masked(obj):
    mask_texts(obj)
    obj.save()
    return obj


def test_the_directory_and_a_portfolio_with_masked_texts_cost_the_same_at_two_sizes():
    counts = []
    for size in (2, 8):
        FreelancerProfile.objects.all().delete()
        owner = None
        for n in range(size):
            user = UserFactory()
            masked(FreelancerProfile(user=user, headline=f"Desainer {n}, {PHONE}", bio=PHONE))
            owner = owner or user
        for n in range(size):
            masked(PortfolioItem(owner=owner, title=f"Logo {n} {PHONE}", description=PHONE))
        directory, listed = queries(english_client(), "/api/v1/freelancers/?page_size=50")
        assert all(MASK in row["headline"] for row in listed.json()["results"])
        portfolio, items = queries(english_client(), f"/api/v1/freelancers/{owner.username}/")
        assert [MASK in item["title"] for item in items.json()["portfolio"]] == [True] * size
        page, _html = queries(browser(), f"/freelancers/{owner.username}/")
        counts.append((directory, portfolio, page))
    assert counts[0] == counts[1]


def completed_with_reviews(freelancer, n: int):
    contract = ContractFactory(
        bid__freelancer=freelancer,
        bid__gig__title=f"Logo {n}, {PHONE}",
        bid__gig__content_flags=["phone"],
    )
    review = Review(
        contract=contract,
        author=contract.client,
        subject=freelancer,
        subject_role=Review.Subject.FREELANCER,
        quality=5,
        communication=5,
        value=5,
        comment=f"Bagus, {PHONE}",
        reply=f"Terima kasih, {PHONE}",
        revealed_at=timezone.now() - timedelta(minutes=n),
    )
    return masked(review)


def test_public_reviews_with_masked_titles_and_comments_cost_the_same_at_two_sizes():
    counts = []
    for size in (2, 8):
        freelancer = UserFactory()
        FreelancerProfile.objects.create(user=freelancer, headline="Desainer logo")
        for n in range(size):
            completed_with_reviews(freelancer, n)
        path = f"/api/v1/freelancers/{freelancer.username}/reviews/"
        api, response = queries(english_client(), path)
        results = response.json()["results"]
        assert len(results) == size
        assert all(MASK in r["gig_title"] + r["comment"] + r["reply"] for r in results)
        page, _html = queries(browser(), f"/freelancers/{freelancer.username}/")
        counts.append((api, page))
    assert counts[0] == counts[1]


def test_contracts_and_threads_with_masked_milestones_and_file_names_cost_the_same():
    counts = []
    for size in (2, 8):
        freelancer = UserFactory()
        contracts = [
            ContractFactory(
                bid__freelancer=freelancer,
                bid__gig__title=f"Logo {n}, {PHONE}",
                bid__gig__content_flags=["phone"],
            )
            for n in range(size)
        ]
        thread = contracts[0]
        for _n in range(size):
            message = ContractMessageFactory(
                contract=thread, sender=thread.client, body=PHONE, contact_flags=["phone"]
            )
            MessageAttachmentFactory(message=message, original_name="wa_0812_3456_7890.pdf")
        as_freelancer = client_for(freelancer)
        listed, response = queries(as_freelancer, "/api/v1/contracts/?page_size=50")
        titles = [m["title"] for c in response.json()["results"] for m in c["milestones"]]
        assert len(titles) == size
        assert all(MASK in title for title in titles)
        messages, response = queries(
            as_freelancer, f"/api/v1/contracts/{thread.pk}/messages/?page_size=50"
        )
        assert all(MASK in m["attachments"][0]["name"] for m in response.json()["results"])
        page, _html = queries(browser(freelancer), f"/contracts/{thread.pk}/")
        dashboard, _html = queries(browser(freelancer), "/dashboard/")
        counts.append((listed, messages, page, dashboard))
    assert counts[0] == counts[1]
