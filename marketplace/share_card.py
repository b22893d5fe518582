"""Share cards: the 1200×630 PNG a link unfolds with in WhatsApp, Facebook and X (``og:image``).

Drawn with Pillow from fonts shipped in marketplace/fonts/ (DejaVu Sans, with its licence), so a
card looks the same on every server whatever fonts the system has. The text on a card is written
by users: anything they can type must draw, and stay inside the card —

- control and format characters (bidi overrides, zero-width joiners), unassigned and private-use
  code points are dropped, line and paragraph separators become spaces;
- characters the font has no glyph for (emoji, CJK) are dropped rather than drawn as boxes;
- a run of combining marks is cut to two per letter, so no "Zalgo" tower climbs out of its line;
- a word wider than the line is broken wherever it must be, and a text longer than its lines
  ends with an ellipsis;
- right-to-left text is laid out by the font engine (Raqm, when Pillow has it); without it the
  letters still draw, in the order typed.

What a card says (the gig's title, budget, deadline, category) is the caller's business:
``projects.pages.gigs.sharing``.
"""

from __future__ import annotations

import functools
import io
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"

# The brand's colours (marketplace/static/garap/garap.css).
BRAND = "#0f766e"
BRAND_DARK = "#115e59"
BRAND_LIGHT = "#ccfbf1"
INK = "#1f2937"
MUTED = "#4b5563"
BACKGROUND = "#f8fafc"
WHITE = "#ffffff"

BAND_HEIGHT = 112  # the brand band across the top
TITLE_SIZE, TITLE_LINE, TITLE_LINES = 58, 72, 3
ELLIPSIS = "…"
MAX_MARKS = 2  # combining marks kept on one letter

_DRAWING = threading.Lock()
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_SPACE_CATEGORIES = {"Zs", "Zl", "Zp"}
_MARK_CATEGORIES = {"Mn", "Me"}


@dataclass(frozen=True)
class Fact:
    """A label and its value, one column at the card's foot: "Budget" / "Rp 150.000"."""

    label: str
    value: str


@functools.cache
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


@functools.lru_cache(maxsize=4096)  # the characters titles use; not every code point
def _has_glyph(path: Path, char: str) -> bool:
    """Whether the font draws ``char`` as itself, not as its "missing" box (glyph 0): FreeType
    draws glyph 0 for a character the font lacks, so its bitmap is the missing one's."""
    probe = font(path, 24)
    missing = probe.getmask("\U0010fffd")
    mask = probe.getmask(char)
    return (mask.size, bytes(mask)) != (missing.size, bytes(missing))


def clean(text: str, *, path: Path = REGULAR) -> str:
    """``text`` as a card can draw it: one line of characters the font has (see the module)."""
    kept: list[str] = []
    marks = 0
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category in _SPACE_CATEGORIES or char in "\t\n\r\v\f\x85":
            char, category = " ", "Zs"
        elif category in _DROPPED_CATEGORIES:
            continue
        if category in _MARK_CATEGORIES:
            marks += 1
            if marks > MAX_MARKS or not kept:
                continue
        else:
            marks = 0
        if char != " " and not _has_glyph(path, char):
            continue
        kept.append(char)
    return " ".join("".join(kept).split())


def right_to_left(text: str) -> bool:
    """Whether ``text`` reads right to left: its first strongly directed letter is Arabic or
    Hebrew (the paragraph rule of the Unicode bidi algorithm)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _width(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont) -> float:
    return draw.textlength(text, font=face)


def _cut_to_fit(
    draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int
) -> tuple[str, str]:
    """The longest start of ``text`` that fits ``width`` (at least one character), and the rest."""
    low, high = 1, len(text)
    while low < high:  # binary search: the longest prefix that fits
        middle = (low + high + 1) // 2
        if _width(draw, text[:middle], face) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low], text[low:]


def _with_ellipsis(
    draw: ImageDraw.ImageDraw, line: str, face: ImageFont.FreeTypeFont, width: int
) -> str:
    line = line.rstrip()
    while line and _width(draw, line + ELLIPSIS, face) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


def wrap(
    draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int, lines: int
) -> list[str]:
    """``text`` in at most ``lines`` lines no wider than ``width``: broken between words, inside
    a word too wide for a line, and ended with an ellipsis when it does not all fit."""
    out: list[str] = []
    rest = text.strip()
    while rest and len(out) < lines:
        fits, _tail = _cut_to_fit(draw, rest, face, width)
        if len(fits) < len(rest):
            # Break at the last space within the part that fits, when there is one.
            space = fits.rfind(" ")
            if space > 0:
                fits = fits[:space]
        out.append(fits.rstrip())
        rest = rest[len(fits) :].lstrip()
    if rest and out:
        out[-1] = _with_ellipsis(draw, out[-1], face, width)
    return out


def fit_line(
    draw: ImageDraw.ImageDraw, text: str, path: Path, sizes: tuple[int, ...], width: int
) -> tuple[str, ImageFont.FreeTypeFont]:
    """``text`` on one line in the largest of ``sizes`` that fits ``width``; in the smallest, cut
    with an ellipsis when even that is too wide."""
    for size in sizes:
        face = font(path, size)
        if _width(draw, text, face) <= width:
            return text, face
    face = font(path, sizes[-1])
    return _with_ellipsis(draw, text, face, width), face


def render(*, title: str, tag: str, facts: list[Fact], tagline: str, fallback: str) -> bytes:
    """A share card as PNG bytes: the brand band with ``tagline``, ``tag`` (a category) in a
    pill, ``title`` in up to three lines (``fallback`` when nothing of it can be drawn), and
    ``facts`` in columns at the foot."""
    # One card at a time per process: the cached fonts are FreeType faces, which the web
    # server's threads must not use at once. Cards are drawn once per gig change (the caller
    # caches them), so the wait is rare and short (~0.1 s).
    with _DRAWING:
        return _render(title=title, tag=tag, facts=facts, tagline=tagline, fallback=fallback)


def _render(*, title: str, tag: str, facts: list[Fact], tagline: str, fallback: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN

    # The brand band: the name on the left, the tagline on the right.
    draw.rectangle((0, 0, WIDTH, BAND_HEIGHT), fill=BRAND)
    brand = font(BOLD, 56)
    draw.text((MARGIN, BAND_HEIGHT // 2), "Garap", font=brand, fill=WHITE, anchor="lm")
    room = inner - int(_width(draw, "Garap", brand)) - 48
    line, face = fit_line(draw, clean(tagline), REGULAR, (28, 24), room)
    draw.text((WIDTH - MARGIN, BAND_HEIGHT // 2), line, font=face, fill=BRAND_LIGHT, anchor="rm")

    # The category, in a pill.
    top = BAND_HEIGHT + 40
    line, face = fit_line(draw, clean(tag), BOLD, (28, 24), inner - 48)
    if line:
        pill_width = int(_width(draw, line, face)) + 48
        draw.rounded_rectangle(
            (MARGIN, top, MARGIN + pill_width, top + 48), radius=24, fill=BRAND_LIGHT
        )
        draw.text((MARGIN + 24, top + 24), line, font=face, fill=BRAND_DARK, anchor="lm")

    # The title.
    face = font(BOLD, TITLE_SIZE)
    lines = wrap(draw, clean(title), face, inner, TITLE_LINES) or wrap(
        draw, clean(fallback), face, inner, TITLE_LINES
    )
    # A right-to-left title sits against the right edge, as it is read.
    x, anchor = (WIDTH - MARGIN, "ra") if right_to_left(" ".join(lines)) else (MARGIN, "la")
    y = top + 80
    for line in lines:
        draw.text((x, y), line, font=face, fill=INK, anchor=anchor)
        y += TITLE_LINE

    # The facts, in columns along the foot, above a brand rule.
    foot = HEIGHT - 150
    draw.line((MARGIN, foot - 24, WIDTH - MARGIN, foot - 24), fill="#e5e7eb", width=2)
    if facts:
        gap = 40
        column = (inner - gap * (len(facts) - 1)) // len(facts)
        for index, fact in enumerate(facts):
            x = MARGIN + index * (column + gap)
            label, face = fit_line(draw, clean(fact.label), REGULAR, (28, 24), column)
            draw.text((x, foot), label, font=face, fill=MUTED, anchor="la")
            value, face = fit_line(draw, clean(fact.value), BOLD, (44, 38, 32, 28), column)
            draw.text((x, foot + 44), value, font=face, fill=BRAND_DARK, anchor="la")
    draw.rectangle((0, HEIGHT - 12, WIDTH, HEIGHT), fill=BRAND)

    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
