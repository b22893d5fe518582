"""The API's gig lists build their cards from rows (``gig_cards``), not through
``GigListSerializer``; the two must answer the same JSON, byte for byte, for every viewer:
masked texts, ``contact_details_hidden``, time formats, skill order, key order.

Each test asks the API and compares its ``results`` with the serializer's output for the same
gigs in the same order, so a field added to one and not the other fails here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework.test import APIClient

from projects import content_filter
from projects.api.gigs.serializers import GigListSerializer
from projects.models import Gig
from projects.selectors.gigs import SORTS
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.matrix import moderators_group
from tests.projects.factories import CategoryFactory, GigFactory, SkillFactory

pytestmark = pytest.mark.django_db

# A contact detail across the summary's 200th character: masking must come before the cut.
LONG_DESCRIPTION = "Logo untuk toko kue rumahan di Bandung, warna pastel. " * 3 + (
    "Contoh karya kirim ke sari.kue@gmail.com atau WA 0812-3456-7890 ya, terima kasih."
)


def expected_cards(gigs: Any, viewer: Any) -> str:
    """What GigListSerializer answers for ``gigs`` (in this order) to ``viewer``, as JSON."""
    context = {"request": SimpleNamespace(user=viewer)}
    return json.dumps(GigListSerializer(list(gigs), many=True, context=context).data)


def as_json(response: Any) -> str:
    assert response.status_code == 200, response.json()
    return json.dumps(response.json()["results"])


@pytest.fixture
def marketplace() -> SimpleNamespace:
    """Open gigs of two clients: clean, masked (title and a long description), flagged for
    prohibited work only, without skills; and the author's draft and gig in review."""
    category = CategoryFactory(min_price=75_000)
    # Created out of name order: a card lists skills by name.
    zebra, alpha, mid = (SkillFactory(name=n, category=category) for n in ("Zebra", "Alpha", "Mid"))
    author = UserFactory(display_name="Toko Sari")
    other = UserFactory(display_name="")
    now = timezone.now()
    base = {"category": category, "bidding_deadline": now + timedelta(days=2)}
    clean = GigFactory(client=other, budget=90_000, **base)
    clean.skills.set([zebra, alpha, mid])
    masked = GigFactory(
        client=author,
        title="Logo toko kue, email sari.kue@gmail.com",
        description=LONG_DESCRIPTION,
        content_flags=["email", "phone"],
        budget=250_000,
        **base,
    )
    masked.skills.set([mid, alpha])
    prohibited = GigFactory(
        client=author,
        title="Tambah 1000 followers Instagram",
        content_flags=["prohibited"],
        # Whole seconds in Jakarta time: no fraction in the ISO text.
        published_at=datetime(2026, 3, 1, 2, 30, tzinfo=UTC),
        **base,
    )
    both = GigFactory(
        client=other,
        title="Jual akun, hubungi 0812 3456 7890",
        description="Hubungi 0812 3456 7890 untuk akun dengan ribuan pengikut aktif ya.",
        content_flags=["prohibited", "phone"],
        **base,
    )
    no_skills = GigFactory(client=other, **base)
    draft = GigFactory(
        client=author,
        status=Gig.Status.DRAFT,
        published_at=None,
        title="Draf: WA 0812-3456-7890",
        content_flags=["phone"],
        **base,
    )
    in_review = GigFactory(client=author, status=Gig.Status.PENDING_REVIEW, published_at=None)
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(moderators_group())
    return SimpleNamespace(
        author=author,
        other=other,
        moderator=moderator,
        open=[clean, masked, prohibited, both, no_skills],
        own=[masked, prohibited, draft, in_review],
        masked=masked,
    )


def viewers(m: SimpleNamespace) -> dict[str, tuple[Any, Any]]:
    return {
        "anonymous": (AnonymousUser(), english_client()),
        "author": (m.author, client_for(m.author)),
        "another client": (m.other, client_for(m.other)),
        "freelancer": (UserFactory(), None),
        "moderator": (m.moderator, client_for(m.moderator)),
    }


@pytest.mark.parametrize(
    "viewer", ["anonymous", "author", "another client", "freelancer", "moderator"]
)
@pytest.mark.parametrize("sort", list(SORTS))
def test_browse_answers_what_the_serializer_answers(marketplace, viewer, sort):
    user, client = viewers(marketplace)[viewer]
    client = client or client_for(user)
    ordered = Gig.objects.filter(pk__in=[g.pk for g in marketplace.open]).order_by(*SORTS[sort])

    response = client.get("/api/v1/gigs/", {"sort": sort})

    assert as_json(response) == expected_cards(ordered, user)


def test_the_cards_mask_for_others_and_tell_the_author(marketplace):
    """The comparison above is only as good as the serializer: pin what it must show."""
    gig = marketplace.masked
    masked_description = content_filter.mask_contacts(LONG_DESCRIPTION)
    assert "sari.kue" not in masked_description[:200]

    def card(client: Any) -> dict[str, Any]:
        results = client.get("/api/v1/gigs/").json()["results"]
        return next(c for c in results if c["id"] == gig.pk)

    anonymous = card(english_client())
    assert anonymous["title"] == content_filter.mask_contacts(gig.title)
    assert anonymous["summary"] == masked_description[:200]
    assert anonymous["contact_details_hidden"] == []
    author = card(client_for(marketplace.author))
    assert (author["title"], author["summary"]) == (gig.title, LONG_DESCRIPTION[:200])
    assert author["contact_details_hidden"] == ["email", "phone"]
    moderator = card(client_for(marketplace.moderator))
    assert (moderator["title"], moderator["contact_details_hidden"]) == (gig.title, [])
    assert [s["name"] for s in author["skills"]] == ["Alpha", "Mid"]
    assert list(author) == list(GigListSerializer().fields)


def test_a_whole_second_is_written_without_a_fraction_in_jakarta_time(marketplace):
    results = english_client().get("/api/v1/gigs/").json()["results"]
    [card] = [c for c in results if c["title"] == "Tambah 1000 followers Instagram"]
    assert card["published_at"] == "2026-03-01T09:30:00+07:00"


@pytest.mark.parametrize("status", [None, "draft", "open"])
def test_your_own_gigs_answer_what_the_serializer_answers(marketplace, status):
    own = Gig.objects.filter(client=marketplace.author).order_by("-created_at", "-id")
    if status:
        own = own.filter(status=status)
    params = {"mine": "true", **({"status": status} if status else {})}

    response = client_for(marketplace.author).get("/api/v1/gigs/", params)

    assert as_json(response) == expected_cards(own, marketplace.author)
    assert len(response.json()["results"]) == {None: 4, "draft": 1, "open": 2}[status]


@pytest.mark.parametrize("sort", list(SORTS))
def test_cursor_pages_of_rows_walk_the_whole_list_and_back(marketplace, sort):
    """The paginator reads its position from the row (a dict): every sort's field is there."""
    GigFactory.create_batch(4, client=marketplace.other, budget=90_000)  # ties on budget
    client = english_client()
    everything = Gig.objects.filter(status=Gig.Status.OPEN).order_by(*SORTS[sort])

    pages, url = [], "/api/v1/gigs/"
    params: dict[str, Any] | None = {"sort": sort, "page_size": 2}
    while url:
        body = client.get(url, params).json()
        pages.append(body)
        url, params = body["next"], None

    walked = [card for page in pages for card in page["results"]]
    assert json.dumps(walked) == expected_cards(everything, AnonymousUser())
    assert len(pages) == 5


def test_a_previous_link_built_from_rows_leads_back_a_page(marketplace):
    # Newest first: published_at is unique here. Where the first sort field ties across a page
    # boundary, DRF's previous link may not land on the page before (encode/django-rest-
    # framework#7709), rows or model instances alike.
    GigFactory.create_batch(4, client=marketplace.other)
    client = english_client()
    first = client.get("/api/v1/gigs/", {"page_size": 3}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()

    back = client.get(third["previous"]).json()

    assert third["next"] is None
    assert back["results"] == second["results"]
    assert client.get(back["previous"]).json()["results"] == first["results"]


def test_search_and_filters_answer_what_the_serializer_answers(marketplace):
    wanted = [g for g in marketplace.open if g.budget >= 200_000]
    response = english_client().get(
        "/api/v1/gigs/",
        {"q": "logo", "budget_min": 200_000, "category": marketplace.masked.category.slug},
    )

    assert as_json(response) == expected_cards(wanted, AnonymousUser())
    assert [c["id"] for c in response.json()["results"]] == [marketplace.masked.pk]


# --- the remembered query validation ------------------------------------------------------------


def test_a_repeated_query_answers_the_same_each_time(marketplace):
    """The view takes its own copy of the remembered query: a second request is not short of
    what the first one used up."""
    as_author = client_for(marketplace.author)
    for params in ({"page_size": 3}, {"mine": "true"}, {"mine": "true"}, {"page_size": 3}):
        first = as_author.get("/api/v1/gigs/", params)
        again = as_author.get("/api/v1/gigs/", params)
        assert first.status_code == again.status_code == 200
        assert first.json() == again.json()
    assert len(first.json()["results"]) == 3


def test_a_refused_query_is_refused_each_time_in_the_requests_language(marketplace):
    answers = [
        APIClient(HTTP_ACCEPT_LANGUAGE=language).get("/api/v1/gigs/", {"sort": "bogus"})
        for language in ("en", "id", "en")
    ]

    assert [a.status_code for a in answers] == [400, 400, 400]
    english, indonesian, english_again = (a.json()["fields"]["sort"] for a in answers)
    assert english == english_again == ['"bogus" is not a valid choice.']
    assert indonesian == ['"bogus" tidak ada dalam daftar pilihan.']


def test_a_repeated_parameter_is_refused_though_its_single_form_was_remembered(marketplace):
    client = english_client()
    assert client.get("/api/v1/gigs/?sort=newest").status_code == 200

    response = client.get("/api/v1/gigs/?sort=newest&sort=budget_low")

    assert response.status_code == 400
    assert response.json()["fields"] == {"sort": ["Give this parameter once."]}
