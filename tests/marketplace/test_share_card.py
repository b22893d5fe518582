"""The share card's drawing (marketplace/share_card.py): a 1200×630 PNG whatever a user typed,
with every line inside the card. The gig's card as served is tested in
tests/pages/test_gig_sharing.py."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image, ImageColor, ImageDraw

from marketplace import share_card
from marketplace.share_card import Fact

FACTS = [Fact("Budget", "Rp 150.000"), Fact("Bidding closes", "30 September 2026 23:59 WIB")]

ADVERSARIAL = {
    "a 300-character word": "x" * 300,
    "a long URL": "https://example.com/" + "sangat-panjang/" * 30,
    "emoji": "Logo kue 🎂🍰😀👩‍👩‍👧‍👦🇮🇩 " * 8,
    "right to left": "تصميم شعار لمتجر الكعك المنزلي في باندونغ مع ثلاث مراجعات " * 3,
    "mixed directions": "Logo שלום kue عربي toko " * 6,
    "control characters": "Logo\x00\x07\x1b[31m kue\u202e\u2066 terbalik\u200b\ufeff\n\r\t toko",
    "combining marks": "Z̷̢̛̛̛a̸̧̧̧̧l̵̢̢̢g̶̨̨̨o̴̢̢̢ " * 10,
    "wide letters": "Ｗ" * 120,
    "no letter the font has": "中文标题没有字形的字" * 3,
    "nothing": "",
}


def draw(title: str, **overrides) -> Image.Image:
    options = {
        "title": title,
        "tag": "Desain grafis",
        "facts": FACTS,
        "tagline": "micro-projects, fair and fast.",
        "fallback": "A gig on Garap",
        **overrides,
    }
    image = Image.open(io.BytesIO(share_card.render(**options)))
    image.load()
    return image


def outside_the_margins(image: Image.Image) -> set[tuple[int, int, int]]:
    """The colours left and right of the text column, below the brand band and above the
    foot's bar: only the background, when every line stayed inside."""
    rgb = image.convert("RGB")
    edge = 4  # antialiasing may reach a few pixels past a glyph's advance
    columns = [
        *range(0, share_card.MARGIN - edge),
        *range(share_card.WIDTH - share_card.MARGIN + edge, share_card.WIDTH),
    ]
    rows = range(share_card.BAND_HEIGHT + 1, share_card.HEIGHT - 13)
    return {rgb.getpixel((x, y)) for x in columns for y in rows}


def test_a_card_is_a_1200_by_630_png():
    image = draw("Logo untuk toko kue rumahan")

    assert image.format == "PNG"
    assert image.size == (1200, 630)
    assert outside_the_margins(image) == {ImageColor.getrgb(share_card.BACKGROUND)}


@pytest.mark.parametrize("title", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_whatever_the_title_the_card_draws_and_stays_inside(title):
    image = draw(title, tag=title, facts=[Fact(title, title), Fact(title, title)])

    assert image.size == (1200, 630)
    assert outside_the_margins(image) == {ImageColor.getrgb(share_card.BACKGROUND)}


def test_a_long_title_takes_three_lines_at_most_and_ends_with_an_ellipsis():
    canvas = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    face = share_card.font(share_card.BOLD, share_card.TITLE_SIZE)
    width = share_card.WIDTH - 2 * share_card.MARGIN

    for text in ("x" * 300, "kata " * 100):
        lines = share_card.wrap(canvas, text, face, width, share_card.TITLE_LINES)
        assert len(lines) == 3
        assert lines[-1].endswith("…")
        assert all(canvas.textlength(line, font=face) <= width for line in lines)

    assert share_card.wrap(canvas, "Logo untuk toko kue", face, width, 3) == ["Logo untuk toko kue"]
    # Words are kept whole when they fit: the break falls between them.
    lines = share_card.wrap(canvas, "kata " * 30, face, width, 3)
    assert all(not line.endswith(("kat", "ka", "k")) for line in lines[:-1])


def test_text_is_cleaned_of_what_cannot_be_drawn():
    assert share_card.clean("Logo\x00\x07 kue\u202e toko\u200b\n\tbaru") == "Logo kue toko baru"
    assert share_card.clean("Desain 中文 logo") == "Desain logo"  # no glyph: left out, not a box
    assert share_card.clean("Kue 😀") == "Kue 😀"  # the font has it
    # Composed first ("é"), then two more marks at most: no tower climbs out of its line.
    assert share_card.clean("e" + "\u0301" * 10) == "é\u0301\u0301"
    assert share_card.clean("Kafé Ibu Sri, Rp 150.000") == "Kafé Ibu Sri, Rp 150.000"


def test_a_title_with_nothing_to_draw_shows_the_fallback_instead():
    blank = draw("中文标题", fallback="")
    with_fallback = draw("中文标题")

    assert blank.tobytes() != with_fallback.tobytes()
    assert draw("中文标题").tobytes() == draw("", fallback="A gig on Garap").tobytes()


def test_the_fonts_ship_with_garap_not_the_system():
    repository = Path(__file__).resolve().parents[2]
    for path in (share_card.REGULAR, share_card.BOLD):
        assert path.is_file()
        assert path.is_relative_to(repository / "marketplace" / "fonts")
    assert "Bitstream" in (repository / "marketplace" / "fonts" / "LICENSE").read_text()


def test_cards_drawn_at_once_by_several_threads_come_out_whole():
    # The web server runs threads; the fonts they share are drawn with one at a time.
    titles = [f"Logo untuk toko kue nomor {n} " * 3 for n in range(8)]
    alone = [draw(title).tobytes() for title in titles]

    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda title: draw(title).tobytes(), titles))

    assert together == alone
