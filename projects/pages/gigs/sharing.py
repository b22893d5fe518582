"""Sharing a gig: what a share link says, the meta tags a shared link unfolds with, and the
share card image (``og:image``) at /gigs/<id>/share.png.

Everything here shows the gig as anyone sees it (``shown(…, None)``: contact details masked,
for its client too): a shared text or card goes out to people Garap does not know.

The card is drawn (``marketplace.share_card``) only for gigs anyone may see
(``gig_get_public``): a draft, a pending, an invite-only, a cancelled-before-publishing or a
hidden gig is a 404, its client included. It is drawn on demand and kept in the cache under its
ETag, which is made of the gig's ``updated_at`` (every service that changes a gig moves it), its
category's names, the language and the card's design version: a changed gig gets a new ETag, so
a new card; a repeat request is one query and a cache read, and a 304 when the ETag matches.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote, urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.masking import shown
from marketplace import share_card
from marketplace.formatting import local_datetime, rupiah
from projects.models import Gig
from projects.selectors import gigs as gig_selectors

LANGUAGE_PARAM = "lang"
# The card's languages; Indonesian unless ?lang=en. Anything else is a 400, not a guess.
CARD_LANGUAGES = ("id", "en")
DEFAULT_CARD_LANGUAGE = "id"
# Moved on whenever the card's design changes, so every cached card is drawn again.
CARD_VERSION = 1
# Browsers, proxies and link previews may keep a card this long before asking again (with its
# ETag): short, so a gig a moderator hides stops showing its card soon.
CARD_MAX_AGE = 15 * 60
# How long a drawn card stays in the cache; a changed gig's old card simply ages out.
CARD_CACHE_SECONDS = 7 * 24 * 3600


def public_title(gig: Gig) -> str:
    """The gig's title as anyone reads it (masked)."""
    return shown(gig, "title", None)


def share_facts(gig: Gig) -> list[share_card.Fact]:
    """The budget and the bidding deadline, in the active language, Jakarta time (WIB)."""
    return [
        share_card.Fact(_("Budget"), rupiah(gig.budget)),
        share_card.Fact(_("Bidding closes"), local_datetime(gig.bidding_deadline)),
    ]


def share_text(gig: Gig, *, url: str | None = None) -> str:
    """What a share link says, in the active language: the title, the budget, the deadline and
    (for WhatsApp, which has no separate link) the link, one per line."""
    lines = [_("A gig on Garap: %(title)s") % {"title": public_title(gig)}]
    lines += [f"{fact.label}: {fact.value}" for fact in share_facts(gig)]
    if url:
        lines.append(url)
    return "\n".join(lines)


def share_description(gig: Gig) -> str:
    """``og:description``: the budget and deadline first (what a preview shows of it), then
    the category and the start of the description."""
    facts = " · ".join(f"{fact.label}: {fact.value}" for fact in share_facts(gig))
    summary = shown(gig, "description", None)[:160]
    return f"{facts} · {gig.category.name}. {summary}"


def share_links(gig: Gig, url: str) -> dict[str, str]:
    """The share buttons' links: WhatsApp gets the whole text with the link in it; Facebook
    takes only the link (it reads the page's meta tags); X and Telegram the text and the link
    apart."""
    text = quote(share_text(gig), safe="")
    link = quote(url, safe="")
    return {
        "whatsapp": "https://wa.me/?" + urlencode({"text": share_text(gig, url=url)}),
        "facebook": f"https://www.facebook.com/sharer/sharer.php?u={link}",
        "x": f"https://x.com/intent/tweet?url={link}&text={text}",
        "telegram": f"https://t.me/share/url?url={link}&text={text}",
    }


def share_meta(request: HttpRequest, gig: Gig) -> dict[str, object]:
    """What the gig page's ``<head>`` tells link previews: absolute URLs, the card in the page's
    language (the default Indonesian one for anything but English)."""
    image = request.build_absolute_uri(reverse("gig-share-card", args=[gig.pk]))
    if (translation.get_language() or "").startswith("en"):
        image += f"?{LANGUAGE_PARAM}=en"
    return {
        "title": public_title(gig),
        "description": share_description(gig),
        "image": image,
        "image_width": share_card.WIDTH,
        "image_height": share_card.HEIGHT,
        "image_alt": " · ".join(
            [public_title(gig)] + [f"{fact.label}: {fact.value}" for fact in share_facts(gig)]
        ),
    }


def _card_language(request: HttpRequest) -> str | None:
    """The language asked for with ``?lang=``: the default without one, None (a 400) for
    anything but exactly one of ``CARD_LANGUAGES``."""
    given = request.GET.getlist(LANGUAGE_PARAM)
    if not given:
        return DEFAULT_CARD_LANGUAGE
    return given[0] if len(given) == 1 and given[0] in CARD_LANGUAGES else None


def _etag(gig: Gig, language: str) -> str:
    parts = (
        CARD_VERSION,
        gig.pk,
        gig.updated_at.isoformat(),
        gig.category.name_id,
        gig.category.name_en,
        language,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _draw(gig: Gig) -> bytes:
    """The card in the active language."""
    return share_card.render(
        title=public_title(gig),
        tag=gig.category.name,
        facts=share_facts(gig),
        tagline=_("micro-projects, fair and fast."),
        fallback=_("A gig on Garap"),
    )


@require_safe
def gig_share_card(request: HttpRequest, gig_id: int) -> HttpResponse:
    """The gig's share card, a 1200×630 PNG (see the module)."""
    language = _card_language(request)
    if language is None:
        message = _("Use lang=en for the card in English, or leave it out for Bahasa Indonesia.")
        return render(request, "400.html", {"message": message}, status=400)
    gig = gig_selectors.gig_get_public(gig_id=gig_id)
    etag = _etag(gig, language)
    modified = int(gig.updated_at.timestamp())
    response = get_conditional_response(request, etag=quote_etag(etag), last_modified=modified)
    if response is None:
        key = f"gig-share-card:{etag}"
        png = cache.get(key)
        if png is None:
            with translation.override(language):
                png = _draw(gig)
            cache.set(key, png, CARD_CACHE_SECONDS)
        response = HttpResponse(png, content_type="image/png")
    response["ETag"] = quote_etag(etag)
    response["Content-Language"] = language  # the card's, not the request's
    response["Last-Modified"] = http_date(modified)
    patch_cache_control(response, public=True, max_age=CARD_MAX_AGE)
    return response
