"""Who reads a gig's rejection reason: one policy (``projects.policies.gigs``) for the API and
the gig page. The reason is written by a moderator to the gig's client: the client and the
moderators read it, on the API and the page alike; everyone else never."""

from __future__ import annotations

import pytest

from projects.models import Gig
from projects.policies.gigs import rejection_reason_shown
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.matrix import moderators_group
from tests.pages.conftest import browser
from tests.projects.factories import GigFactory

REASON = "Judulnya menawarkan jasa joki skripsi."


@pytest.fixture
def viewers(db):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(moderators_group())
    return {"moderator": moderator, "stranger": UserFactory()}


def _api_reason(gig: Gig, user) -> str:
    response = client_for(user).get(f"/api/v1/gigs/{gig.pk}/")
    assert response.status_code == 200
    return response.json()["rejection_reason"]


def _page_shows_reason(gig: Gig, user) -> bool:
    response = browser(user).get(f"/gigs/{gig.pk}/")
    assert response.status_code == 200
    return REASON in response.content.decode()


def test_the_client_reads_the_reason_on_the_api_and_the_page(viewers):
    gig = GigFactory(status=Gig.Status.REJECTED, rejection_reason=REASON)
    assert rejection_reason_shown(gig, gig.client) == REASON
    assert _api_reason(gig, gig.client) == REASON
    assert _page_shows_reason(gig, gig.client)


def test_a_moderator_reads_it_on_both(viewers):
    gig = GigFactory(status=Gig.Status.REJECTED, rejection_reason=REASON)
    moderator = viewers["moderator"]
    assert rejection_reason_shown(gig, moderator) == REASON
    assert _api_reason(gig, moderator) == REASON
    assert _page_shows_reason(gig, moderator)


def test_nobody_else_reads_a_reason_left_on_a_published_gig(viewers):
    # An approved gig's reason is cleared; one left behind (older data) still stays private.
    gig = GigFactory(status=Gig.Status.OPEN, rejection_reason=REASON)
    stranger = viewers["stranger"]
    assert rejection_reason_shown(gig, stranger) == ""
    assert rejection_reason_shown(gig, None) == ""
    assert _api_reason(gig, stranger) == ""
    assert not _page_shows_reason(gig, stranger)
    assert not _page_shows_reason(gig, None)
