"""The contact filter against disguises a regular expression does not see (Unicode look-alikes,
invisible characters, other scripts' digits, spelled-out dots) and against inputs crafted to
make it slow. The table of ordinary disguises and of text that must stay visible is
tests/projects/test_contact_filter.py.
"""

from __future__ import annotations

import statistics
import time

import pytest

from marketplace.contact_filter import (
    MASK,
    SCAN_LIMIT,
    contact_kinds,
    find_contacts,
    mask_contacts,
    screen,
)

ZWSP = "\u200b"  # zero-width space
ZWJ = "\u200d"  # zero-width joiner
SHY = "\u00ad"  # soft hyphen

EVASIONS = [
    ("fullwidth_digits", "WA ０８１２-３４５６-７８９０ ya", "０８１２-３４５６-７８９０", "phone"),
    ("fullwidth_at", "kirim ke budi＠gmail．com", "budi＠gmail．com", "email"),
    ("small_at", "kirim ke budi﹫gmail.com", "budi﹫gmail.com", "email"),
    (
        "zero_width_digits",
        f"hubungi 0{ZWSP}8{ZWSP}1{ZWSP}2{ZWJ}3456{SHY}7890 ya",
        f"0{ZWSP}8{ZWSP}1{ZWSP}2{ZWJ}3456{SHY}7890",
        "phone",
    ),
    ("arabic_indic_digits", "nomor ٠٨١٢٣٤٥٦٧٨٩٠ saja", "٠٨١٢٣٤٥٦٧٨٩٠", "phone"),
    ("persian_digits", "nomor ۰۸۱۲ ۳۴۵۶ ۷۸۹۰ saja", "۰۸۱۲ ۳۴۵۶ ۷۸۹۰", "phone"),
    ("devanagari_digits", "nomor ०८१२३४५६७८९० saja", "०८१२३४५६७८९०", "phone"),
    ("circled_digits", "nomor ⓪⑧①② ③④⑤⑥ ⑦⑧⑨⓪", "⓪⑧①② ③④⑤⑥ ⑦⑧⑨⓪", "phone"),
    ("bold_math_digits", "nomor 𝟎𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎", "𝟎𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎", "phone"),
    ("middle_dots", "nomor 0812·3456·7890", "0812·3456·7890", "phone"),
    ("spaced_domain", "gabung t . me/budidesain ya", "t . me/budidesain", "link"),
    ("spelled_domain", "klik wa dot me/6281234567890", "wa dot me/6281234567890", "link"),
    ("bracket_domain", "lihat instagram(.)com/budi", "instagram(.)com/budi", "link"),
    ("spaced_slash", "cek t.me / budidesain", "t.me / budidesain", "link"),
    ("ideographic_dot", "gabung t。me/budidesain", "t。me/budidesain", "link"),
    ("cyrillic_letters", "klik wа.mе/6281234567890", "wа.mе/6281234567890", "link"),
    ("fullwidth_letters", "ｔ.ｍｅ/ｂｕｄｉ", "ｔ.ｍｅ/ｂｕｄｉ", "link"),
]

CLEAN = [
    ("fullwidth_price", "Harga Rp １５０.０００ sudah termasuk revisi"),
    ("arabic_price", "السعر ١٥٠ ألف"),
    ("accented_words", "Café crème brûlée untuk menu toko, ½ porsi"),
    ("japanese", "ロゴデザイン・名刺デザイン、３案まで"),
    ("emoji", "Logo lucu 🍰🎂 untuk toko kue, 3 konsep"),
    ("zero_width_in_words", f"de{ZWSP}sain lo{ZWJ}go toko kue"),
    ("bare_domain_spaced", "referensi gaya dari instagram . com saja"),
]


@pytest.mark.parametrize(
    ("text", "contact", "kind"), [pytest.param(*row[1:], id=row[0]) for row in EVASIONS]
)
def test_a_unicode_disguise_is_found_and_masked_where_it_was_written(text, contact, kind):
    assert contact in text
    [hit] = find_contacts(text)
    assert (hit.kind, text[hit.start : hit.end]) == (kind, contact)
    # The rest of the text is kept exactly as typed: only the disguised detail goes.
    assert mask_contacts(text) == text.replace(contact, MASK)
    assert screen(text) == (text.replace(contact, MASK), [kind])


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in CLEAN])
def test_other_scripts_and_symbols_are_not_hits(text):
    assert contact_kinds(text) == []
    assert mask_contacts(text) == text


def test_folding_maps_back_onto_characters_that_grew_or_vanished():
    # "ﬁ" folds to two letters and "㍱" to three; the zero-width spaces vanish: the spans still
    # point at the original characters.
    text = f"ﬁle ㍱ — hubungi 0{ZWSP}812 3456 7890 ﬁ"
    [hit] = find_contacts(text)
    assert text[hit.start : hit.end] == f"0{ZWSP}812 3456 7890"
    assert mask_contacts(text) == f"ﬁle ㍱ — hubungi {MASK} ﬁ"


def test_masked_text_is_clean_and_masking_it_again_changes_nothing():
    for _name, text, _contact, _kind in EVASIONS:
        masked = mask_contacts(text)
        assert contact_kinds(masked) == []
        assert mask_contacts(masked) == masked


# --- the work per text is bounded ---------------------------------------------------------------

PLAIN = (
    "Saya butuh desain logo untuk toko kue rumahan dengan tiga konsep dan dua kali revisi. "
    "Warna pastel, gaya sederhana, bisa dipakai di kemasan dan media sosial toko kami. "
)
# Each built to make one part of the filter do as much as it can per character: digit runs
# for the phone finder, near-misses for the e-mail and link patterns, app words and handles for
# the messaging patterns, and characters folding does work on.
CRAFTED = [
    "0 ",
    "08 ",
    "1 ",
    "0812 ",
    "O8 ",
    "nol ",
    "kosong delapan ",
    "08-",
    "(0",
    "+62 ",
    "a@",
    "a.",
    "budi at gmail dot ",
    "a [at] b [dot] ",
    "wa ",
    "wa.me ",
    "t . me ",
    "hubungi saya di ",
    "ig @a ",
    "id line ",
    "@a ig ",
    "transfer langsung ke ",
    "０ ",
    f"0{ZWSP}",
    "٠ ",
    "ﷺ",
    "𝟎 ",
    "а.",
]


def text_of(length: int, unit: str) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def median_time(function, text: str, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function(text)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def time_ratio(function, slow: str, fast: str, runs: int = 7) -> float:
    """Median time of ``function`` on ``slow`` over its median on ``fast``, timed in turns so
    that a burst of load on a shared machine slows both alike."""
    function(fast)
    function(slow)
    slow_times, fast_times = [], []
    for _ in range(runs):
        fast_times.append(median_time(function, fast, runs=1))
        slow_times.append(median_time(function, slow, runs=1))
    return statistics.median(slow_times) / statistics.median(fast_times)


@pytest.mark.parametrize("unit", CRAFTED)
def test_a_crafted_text_costs_a_bounded_multiple_of_plain_text_of_its_length(unit):
    # 5 000 characters: the longest text the API takes. Catastrophic backtracking or a
    # quadratic step would cost hundreds of times a plain text; the filter stays within 25.
    crafted, plain = text_of(5_000, unit), text_of(5_000, PLAIN)
    assert time_ratio(mask_contacts, crafted, plain) <= 25


def test_past_the_scan_limit_the_rest_is_masked_unread():
    head = "Logo toko kue, tiga konsep. " * (SCAN_LIMIT // 28)
    text = head + "x" * (SCAN_LIMIT - len(head)) + " hubungi 0812 3456 7890 " * 100
    masked = mask_contacts(text)
    assert masked == text[:SCAN_LIMIT] + MASK
    assert "3456" not in masked


def test_a_huge_text_costs_what_the_scan_limit_costs():
    limit_text = text_of(SCAN_LIMIT, "0 ")
    huge = text_of(50 * SCAN_LIMIT, "0 ")
    assert time_ratio(mask_contacts, huge, limit_text, runs=5) <= 3


def test_characters_that_fold_into_many_cannot_multiply_the_work():
    # "ﷺ" folds to 18 letters: 5 000 of them would be 90 000 characters to read.
    ligatures = text_of(5_000, "ﷺ")
    assert time_ratio(mask_contacts, ligatures, text_of(5_000, PLAIN)) <= 25
    assert mask_contacts(ligatures).endswith(MASK)  # the unread rest stays hidden
