"""Sharing a gig (projects/pages/gigs/sharing.py): the share card at /gigs/<id>/share.png — who
gets it, its caching, its language — the gig page's meta tags a shared link unfolds with, and
the share links' text (budget and deadline, in the viewer's language)."""

from __future__ import annotations

import io
import re
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.utils import timezone, translation
from PIL import Image

from marketplace import share_card
from marketplace.formatting import local_datetime
from projects.content_filter import MASK
from projects.models import Gig, GigInvitation
from projects.pages.gigs import sharing
from projects.services.gigs.closing import gig_cancel
from projects.services.gigs.posting import gig_update
from tests.accounts.factories import UserFactory
from tests.matrix import moderators_group
from tests.pages.conftest import browser
from tests.projects.factories import BidFactory, CategoryFactory, GigFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory(username="toko_sari")


@pytest.fixture
def gig(owner):
    return GigFactory(
        client=owner,
        title="Logo untuk toko kue rumahan",
        budget=150_000,
        category=CategoryFactory(name_en="Graphic design", name_id="Desain grafis"),
    )


@pytest.fixture
def drawn(monkeypatch):
    """What each drawn card was asked to show (the drawing itself still runs)."""
    calls: list[dict] = []
    real = share_card.render

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(share_card, "render", spy)
    return calls


def card_url(gig: Gig, query: str = "") -> str:
    return f"/gigs/{gig.pk}/share.png{query}"


def png(response) -> Image.Image:
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def said(msgid: str, language: str) -> str:
    """A label as the catalog says it (the Indonesian words are the lead's to choose)."""
    with translation.override(language):
        return translation.gettext(msgid)


def deadline(gig: Gig, language: str) -> str:
    with translation.override(language):
        return local_datetime(gig.bidding_deadline)


# --- the card ---------------------------------------------------------------------------------


def test_the_card_is_a_1200_by_630_png_with_cache_headers(gig):
    response = browser().get(card_url(gig))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert png(response).format == "PNG"
    assert png(response).size == (1200, 630)
    assert response["Cache-Control"] == f"public, max-age={sharing.CARD_MAX_AGE}"
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    assert response["Last-Modified"]
    assert response["Content-Language"] == "id"


def test_the_card_shows_the_title_as_anyone_reads_it_budget_deadline_and_category(owner, drawn):
    number = "0812 3456 7890"
    gig = GigFactory(
        client=owner,
        title=f"Logo kue, hubungi {number}",
        budget=2_500_000,
        category=CategoryFactory(name_en="Graphic design", name_id="Desain grafis"),
        content_flags=["phone"],
    )

    # Its own client asking changes nothing: the card is public, so masked.
    assert browser(owner, "en").get(card_url(gig)).status_code == 200

    (card,) = drawn
    assert number not in card["title"]
    assert MASK in card["title"]
    assert card["tag"] == "Desain grafis"
    assert [(f.label, f.value) for f in card["facts"]] == [
        (said("Budget", "id"), "Rp 2.500.000"),
        (said("Bidding closes", "id"), deadline(gig, "id")),
    ]


def test_lang_en_draws_the_card_in_english(gig, drawn):
    indonesian = browser(language="id").get(card_url(gig))
    english = browser().get(card_url(gig, "?lang=en"))

    assert english.status_code == 200
    assert english["Content-Language"] == "en"
    assert english["ETag"] != indonesian["ETag"]
    assert english.content != indonesian.content
    assert drawn[1]["tag"] == "Graphic design"
    assert [(f.label, f.value) for f in drawn[1]["facts"]] == [
        ("Budget", "Rp 150.000"),
        ("Bidding closes", deadline(gig, "en")),
    ]
    # ?lang=id is the default said aloud: the same card.
    assert browser().get(card_url(gig, "?lang=id"))["ETag"] == indonesian["ETag"]


@pytest.mark.parametrize(
    "query",
    ["?lang=", "?lang=EN", "?lang=fr", "?lang=en-us", "?lang=en&lang=en", "?lang=id&lang=en"],
)
def test_any_other_lang_is_a_400_and_draws_nothing(gig, drawn, query):
    response = browser().get(card_url(gig, query))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Use lang=en for the card in English" in response.content.decode()
    assert drawn == []


def test_a_repeat_request_is_served_from_the_cache_in_one_query(
    gig, drawn, django_assert_num_queries
):
    first = browser().get(card_url(gig))

    with django_assert_num_queries(1):  # the gig; no drawing, no session
        again = browser().get(card_url(gig))

    assert again.status_code == 200
    assert again.content == first.content
    assert len(drawn) == 1


def test_if_none_match_with_the_etag_is_a_304_without_a_body(gig, drawn):
    etag = browser().get(card_url(gig))["ETag"]

    response = browser().get(card_url(gig), headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == f"public, max-age={sharing.CARD_MAX_AGE}"
    assert len(drawn) == 1
    other = browser().get(card_url(gig), headers={"if-none-match": '"something-else"'})
    assert other.status_code == 200


def test_if_modified_since_the_last_change_is_a_304(gig):
    modified = browser().get(card_url(gig))["Last-Modified"]

    response = browser().get(card_url(gig), headers={"if-modified-since": modified})

    assert response.status_code == 304


def test_a_changed_gig_gets_a_new_etag_and_a_new_card(gig, owner, drawn):
    before = browser().get(card_url(gig))

    gig_update(gig_id=gig.pk, actor=owner, title="Logo dan kemasan untuk toko kue", budget=300_000)

    after = browser().get(card_url(gig), headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content
    assert drawn[-1]["title"] == "Logo dan kemasan untuk toko kue"
    assert drawn[-1]["facts"][0].value == "Rp 300.000"


def test_a_renamed_category_gets_a_new_etag(gig):
    before = browser().get(card_url(gig))["ETag"]
    gig.category.name_id = "Desain logo"
    gig.category.save()

    assert browser().get(card_url(gig))["ETag"] != before


def test_head_answers_like_get_without_a_body(gig):
    response = browser().head(card_url(gig))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_card_is_read_only(gig, method):
    assert getattr(browser(), method)(card_url(gig)).status_code == 405


# --- who gets a card --------------------------------------------------------------------------


def _people(owner):
    freelancer = UserFactory(username="budi_desain")
    moderator = UserFactory(username="mod_rina", is_staff=True)
    moderator.groups.add(moderators_group())
    return {
        "anonymous": None,
        "stranger": UserFactory(username="orang_lain"),
        "owner": owner,
        "freelancer": freelancer,
        "moderator": moderator,
    }


@pytest.mark.parametrize(
    "status", [Gig.Status.OPEN, Gig.Status.AWARDED, Gig.Status.COMPLETED, Gig.Status.EXPIRED]
)
def test_a_published_public_gig_has_a_card_for_everyone(owner, status):
    gig = GigFactory(client=owner, status=status)
    people = _people(owner)
    BidFactory(gig=gig, freelancer=people["freelancer"])

    for who, user in people.items():
        assert browser(user).get(card_url(gig)).status_code == 200, who


NOT_SHARED = {
    "draft": {"status": Gig.Status.DRAFT, "published_at": None},
    "pending review": {"status": Gig.Status.PENDING_REVIEW, "published_at": None},
    "cancelled": {"status": Gig.Status.CANCELLED, "published_at": None},
    "rejected": {"status": Gig.Status.REJECTED, "published_at": None},
    "invite only": {"visibility": Gig.Visibility.INVITE_ONLY},
    "hidden by a moderator": {"hidden_at": timezone.now(), "hidden_reason": "removed"},
}


@pytest.mark.parametrize("state", NOT_SHARED.values(), ids=NOT_SHARED.keys())
def test_a_gig_not_everyone_may_see_has_no_card_even_for_its_client(owner, drawn, state):
    gig = GigFactory(client=owner, **state)
    people = _people(owner)
    GigInvitation.objects.create(gig=gig, freelancer=people["freelancer"])

    for who, user in people.items():
        response = browser(user).get(card_url(gig))
        assert response.status_code == 404, who
        assert response["Content-Type"].startswith("text/html")
    assert drawn == []


def test_a_missing_gig_has_no_card():
    assert browser().get("/gigs/999999/share.png").status_code == 404


def test_a_cancelled_gig_loses_its_card(gig, owner):
    assert browser().get(card_url(gig)).status_code == 200

    gig_cancel(gig_id=gig.pk, actor=owner)

    assert browser().get(card_url(gig)).status_code == 404


# --- the gig page's meta tags -----------------------------------------------------------------


def meta(page: str) -> dict[str, str]:
    return {
        key: unescape(value)
        for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', page)
    }


def test_the_gig_page_tells_link_previews_about_the_card(gig):
    page = browser(language="id").get(f"/gigs/{gig.pk}/").content.decode()

    tags = meta(page)
    assert tags["og:title"] == "Logo untuk toko kue rumahan"
    assert tags["og:url"] == f"http://testserver/gigs/{gig.pk}/"
    assert tags["og:type"] == "website"
    assert tags["og:image"] == f"http://testserver/gigs/{gig.pk}/share.png"
    assert tags["og:image:width"] == "1200"
    assert tags["og:image:height"] == "630"
    assert tags["og:image:type"] == "image/png"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:image"] == tags["og:image"]
    assert "Rp 150.000" in tags["og:description"]
    assert deadline(gig, "id") in tags["og:description"]
    # The image the tags name is really there.
    image = browser().get(urlsplit(tags["og:image"]).path)
    assert image.status_code == 200
    assert png(image).size == (int(tags["og:image:width"]), int(tags["og:image:height"]))


def test_an_english_page_names_the_english_card(gig):
    tags = meta(browser(language="en").get(f"/gigs/{gig.pk}/").content.decode())

    assert tags["og:image"] == f"http://testserver/gigs/{gig.pk}/share.png?lang=en"
    assert tags["og:description"].startswith(
        f"Budget: Rp 150.000 · Bidding closes: {deadline(gig, 'en')} · Graphic design."
    )
    assert browser().get(card_url(gig, "?lang=en")).status_code == 200


def test_a_gig_that_cannot_be_shared_names_no_card(owner):
    for state in NOT_SHARED.values():
        gig = GigFactory(client=owner, **state)
        page = browser(owner).get(f"/gigs/{gig.pk}/").content.decode()
        assert "og:image" not in page
        assert "share.png" not in page
        assert "wa.me" not in page


# --- the share links' text --------------------------------------------------------------------


def whatsapp_text(page: str) -> str:
    href = unescape(re.search(r'href="(https://wa\.me/\?[^"]+)"', page).group(1))
    return parse_qs(urlsplit(href).query)["text"][0]


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_whatsapp_text_carries_title_budget_deadline_and_link(gig, language):
    page = browser(language=language).get(f"/gigs/{gig.pk}/").content.decode()

    text = whatsapp_text(page)
    lines = text.split("\n")
    assert "Logo untuk toko kue rumahan" in lines[0]
    assert lines[1] == f"{said('Budget', language)}: Rp 150.000"
    assert lines[2] == f"{said('Bidding closes', language)}: {deadline(gig, language)}"
    assert lines[3] == f"http://testserver/gigs/{gig.pk}/"
    assert deadline(gig, language).endswith(" WIB")
    if language == "en":
        assert lines[0] == "A gig on Garap: Logo untuk toko kue rumahan"
    else:  # Jakarta time the Indonesian way: "11 Desember 2026 10.00 WIB"
        assert re.search(r" \d\d\.\d\d WIB$", lines[2])


def test_x_and_telegram_carry_the_same_text_with_the_link_apart(gig):
    page = unescape(browser().get(f"/gigs/{gig.pk}/").content.decode())

    for prefix in ("https://x.com/intent/tweet?", "https://t.me/share/url?"):
        href = re.search(re.escape(prefix) + r'[^"]+', page).group(0)
        query = parse_qs(urlsplit(href).query)
        assert query["url"] == [f"http://testserver/gigs/{gig.pk}/"]
        assert "Rp 150.000" in query["text"][0]
        assert deadline(gig, "en") in unquote(query["text"][0])


def test_the_share_text_is_the_masked_title_even_for_its_client(owner):
    number = "0812 3456 7890"
    gig = GigFactory(client=owner, title=f"Logo kue, hubungi {number}", content_flags=["phone"])

    page = browser(owner).get(f"/gigs/{gig.pk}/").content.decode()

    assert number in page  # the client reads their own words on the page
    assert number not in whatsapp_text(page)
    assert MASK in whatsapp_text(page)
    assert number not in meta(page)["og:title"]
