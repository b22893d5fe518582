"""The off-platform contact filter: what it finds, what it leaves alone, how it masks.

The table is the specification: each contact disguise people use on Indonesian marketplaces,
and each kind of ordinary number or word that must stay visible (a price hidden by mistake is
worse than useless). The expected value is ``contact_kinds(text)``, the kinds of the merged
hits. Every row also goes through the masking invariants below.
"""

from __future__ import annotations

import itertools
import statistics
import time

import pytest

from projects.content_filter import (
    CONTACT_KINDS,
    EMAIL,
    MASK,
    MESSAGING,
    PHONE,
    contact_kinds,
    find_contacts,
    mask_contacts,
    scan,
)

HITS = [
    # e-mail, plain and disguised
    ("email_plain", "Email saya budi.santoso@gmail.com ya kak", ["email"]),
    ("email_co_id", "kirim brief ke budi_desain@yahoo.co.id", ["email"]),
    ("email_any_tld", "Portofolio dan kontak: budi@desain.studio", ["email"]),
    ("email_brackets", "budi [at] gmail [dot] com", ["email"]),
    ("email_parens", "budi(at)gmail.com", ["email"]),
    ("email_words", "email ke budi at gmail dot com saja", ["email"]),
    ("email_spaced", "budi @ gmail . com", ["email"]),
    ("email_titik", "budi.s {at} outlook (titik) co (titik) id", ["email"]),
    # phones
    ("phone_dashes", "Hubungi 0812-3456-7890 ya", ["phone"]),
    ("phone_plus62", "+62 812-3456-7890", ["phone"]),
    ("phone_62_spaces", "nomor 62812 3456 7890", ["phone"]),
    ("phone_dots", "0812.3456.7890", ["phone"]),
    ("phone_spaces", "hubungi saya di 0812 3456 7890 untuk detail", ["phone"]),
    ("phone_solid", "081234567890", ["phone"]),
    ("phone_brackets", "(0812) 3456-7890", ["phone"]),
    ("phone_plus62_brackets", "+62 (812) 3456 7890", ["phone"]),
    ("phone_digit_per_space", "0 8 1 2 3 4 5 6 7 8 9 0", ["phone"]),
    ("phone_letter_o", "O812 3456 7890", ["phone"]),
    ("phone_landline", "telp kantor 021-5551234", ["phone"]),
    ("phone_landline_brackets", "(021) 555 1234", ["phone"]),
    (
        "phone_spelled_id",
        "nol delapan satu dua tiga empat lima enam tujuh delapan sembilan nol",
        ["phone"],
    ),
    ("phone_mixed", "0812 tiga empat lima enam tujuh delapan sembilan", ["phone"]),
    (
        "phone_kosong_commas",
        "kosong delapan satu tiga, dua dua tiga tiga, empat empat lima lima",
        ["phone"],
    ),
    ("phone_spelled_en", "zero eight one two three four five six seven eight nine", ["phone"]),
    (
        "phone_spelled_any_ten",
        "satu dua tiga empat lima enam tujuh delapan sembilan nol",
        ["phone"],
    ),
    ("phone_then_price", "0812-3456-7890, 150.000", ["phone"]),
    # links to messaging apps and social networks
    ("link_wa_me", "klik wa.me/6281234567890 ya", ["link"]),
    ("link_api_whatsapp", "https://api.whatsapp.com/send?phone=6281234567890", ["link"]),
    ("link_wa_group", "gabung chat.whatsapp.com/KxY12abCdEf", ["link"]),
    ("link_t_me", "t.me/budidesain", ["link"]),
    ("link_telegram_me", "https://telegram.me/budi_desain.", ["link"]),
    ("link_line", "line.me/ti/p/~budidesain", ["link"]),
    ("link_instagram", "lihat instagram.com/budidesain", ["link"]),
    # messaging apps named as the channel
    ("wa_label_with_number", "WA: 0812 3456 7890", ["phone"]),
    ("wa_di", "hubungi saya di WA ya", ["messaging_app"]),
    ("wa_aja", "chat wa aja kak", ["messaging_app"]),
    ("wa_dotted", "bisa w.a saya", ["messaging_app"]),
    ("whatsapp_via", "Hubungi via WhatsApp untuk detail", ["messaging_app"]),
    ("whatsapp_english", "Message me on WhatsApp", ["messaging_app"]),
    ("wa_saya_number", "WA saya 0812 3456 7890", ["messaging_app", "phone"]),
    ("id_line_alone", "minta id line dong", ["messaging_app"]),
    # handles next to a messaging or social word
    ("telegram_handle", "telegram: @budi_desain", ["social_handle"]),
    ("tele_handle", "tele @budi", ["social_handle"]),
    ("id_line_name", "id line: budi123", ["social_handle"]),
    ("line_id_name", "line id budidesain", ["social_handle"]),
    ("ig_handle", "ig: @budidesain", ["social_handle"]),
    ("dm_instagram_handle", "DM instagram @budi.desain", ["social_handle"]),
    ("ig_colon_name", "ig: budi_desain", ["social_handle"]),
    ("handle_then_app", "follow @budidesain di instagram", ["social_handle"]),
    # leaving the platform
    ("off_platform_chat", "kita lanjut chat di luar aplikasi aja", ["off_platform"]),
    ("off_platform_transfer", "transfer langsung ke rekening saya biar murah", ["off_platform"]),
    # several at once
    ("email_and_phone", "hubungi budi@gmail.com atau 0812-3456-7890", ["email", "phone"]),
]

CLEAN = [
    # prices and money
    ("price", "Rp 150.000", []),
    ("price_glued", "Rp150.000,-", []),
    ("price_million", "Rp 1.500.000", []),
    ("price_billion", "budget Rp 2.050.000.000 untuk kampanye", []),
    ("budget_words", "budget 2.000.000 rupiah", []),
    ("price_list", "paket 1.500.000, 2.000.000, 3.000.000", []),
    ("price_per_page", "harga 85.000 per halaman", []),
    # counts, sizes, formats
    ("revisions", "3 revisi", []),
    ("revisions_x", "revisi 2x", []),
    ("resolution_p", "1080p", []),
    ("resolution", "1920x1080", []),
    ("video", "4K 60fps", []),
    ("size_cm", "ukuran 30 x 40 cm", []),
    ("words", "500 kata", []),
    ("slides", "10 slide", []),
    ("concepts", "logo 3 konsep", []),
    ("version", "versi 2.0", []),
    ("iso", "ISO 9001", []),
    ("npwp", "NPWP 01.234.567.8-901.000", []),
    ("order_number", "order 12345", []),
    ("invoice", "nomor invoice INV-2026-000123", []),
    ("postcode", "kode pos 40115", []),
    ("decimal", "0,5 detik", []),
    ("refresh_rate", "monitor 3840x2160 @60Hz", []),
    # dates and times
    ("date_dashes", "deadline 12-12-2026", []),
    ("date_slashes", "tanggal 17/08/2026", []),
    ("date_list", "tanggal 08-12-2026, 09-01-2027", []),
    ("hours", "jam 08.00 - 17.00 WIB", []),
    ("hours_list", "jam kerja 08.30-12.00, 13.00-17.00", []),
    ("clock", "pukul 21:30", []),
    # small spelled numbers
    ("spelled_small", "satu dua kali revisi", []),
    ("spelled_sentence", "dua revisi, tiga hari, delapan halaman", []),
    ("spelled_run_short", "lima enam tujuh halaman", []),
    ("spelled_english", "one or two revisions, delivered in three days", []),
    # words and mentions that are not a channel
    ("bare_mention", "desain untuk @toko_sari di Garap", []),
    ("line_art_mention", "line art untuk @toko_sari", []),
    ("portfolio_link", "portofolio https://dribbble.com/budi", []),
    ("instagram_site", "referensi gaya dari instagram.com", []),
    ("email_word", "email saya sudah terverifikasi", []),
    ("whatsapp_product", "desain katalog WhatsApp Business", []),
    ("whatsapp_bot", "buat WhatsApp bot untuk toko", []),
    ("chat_whatsapp_product", "template chat WhatsApp Business untuk CS", []),
    ("instagram_product", "Logo sederhana warna pastel untuk kemasan dan Instagram.", []),
    ("instagram_account", "Kelola akun Instagram toko kami", []),
    ("ig_brief", "IG: feed dan story", []),
    ("ig_size", "ukuran feed IG: 1080x1080", []),
    ("follow_us", "Follow us on Instagram for updates", []),
    ("english_at", "I'm at home. Me and my team will start at 10.00", []),
    ("sentence_at", "look at the details", []),
]

TABLE = HITS + CLEAN


def rows(table):
    return [pytest.param(text, kinds, id=name) for name, text, kinds in table]


def test_the_table_is_big_and_balanced():
    assert len(TABLE) >= 60
    assert len({name for name, _, _ in TABLE}) == len(TABLE)
    assert abs(len(HITS) - len(CLEAN)) <= 10
    assert {kind for _, _, kinds in HITS for kind in kinds} == set(CONTACT_KINDS)


@pytest.mark.parametrize(("text", "kinds"), rows(TABLE))
def test_contact_kinds(text, kinds):
    assert contact_kinds(text) == kinds


@pytest.mark.parametrize(("text", "kinds"), rows(TABLE))
def test_masking_hides_exactly_the_hits_and_is_idempotent(text, kinds):
    hits = find_contacts(text)
    assert all(a.end < b.start for a, b in itertools.pairwise(hits))  # sorted, apart
    assert all(0 <= h.start < h.end <= len(text) and h.kind in CONTACT_KINDS for h in hits)

    masked = mask_contacts(text)
    bounds = [0, *(edge for hit in hits for edge in (hit.start, hit.end)), len(text)]
    outside = [text[a:b] for a, b in zip(bounds[::2], bounds[1::2], strict=True)]
    assert masked.split(MASK) == outside  # one MASK per hit, all other text untouched

    assert find_contacts(masked) == []
    assert mask_contacts(masked) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "Hubungi 0812-3456-7890 ya, budget Rp 150.000",
            "Hubungi [•••] ya, budget Rp 150.000",
        ),
        ("WA: 0812 3456 7890, deadline 12-12-2026", "[•••], deadline 12-12-2026"),
        ("hubungi saya di WA ya", "hubungi saya di [•••] ya"),
        ("Tanya dulu ke budi [at] gmail [dot] com.", "Tanya dulu ke [•••]."),
        ("cek wa.me/6281234567890.", "cek [•••]."),
        ("ig: @budidesain, revisi 2x", "[•••], revisi 2x"),
        ("Logo 3 konsep, Rp 1.500.000", "Logo 3 konsep, Rp 1.500.000"),
    ],
)
def test_mask_contacts_replaces_only_the_contact_spans(text, masked):
    assert mask_contacts(text) == masked


def test_find_contacts_spans_point_at_the_contact():
    text = "Kak, budi@gmail.com atau +62 812-3456-7890 (siang)."
    assert [(h.kind, text[h.start : h.end]) for h in find_contacts(text)] == [
        ("email", "budi@gmail.com"),
        ("phone", "+62 812-3456-7890"),
    ]


def test_two_numbers_in_a_row_are_two_hits():
    text = "0812 3456 7890 0813 1111 2222"
    assert [text[h.start : h.end] for h in find_contacts(text)] == [
        "0812 3456 7890",
        "0813 1111 2222",
    ]


def test_the_patterns_list_what_they_match():
    # The moderators' admin shows each pattern's matches; PHONE is the token-based finder.
    text = "WA: 0812 3456 7890 atau budi@gmail.com, harga Rp 150.000"
    assert [m.group() for m in PHONE.finditer(text)] == ["0812 3456 7890"]
    assert PHONE.search("Rp 150.000") is None
    assert [m.group() for m in EMAIL.finditer(text)] == ["budi@gmail.com"]
    assert [m.group() for m in MESSAGING.finditer(text)] == ["WA"]


def test_contact_kinds_looks_at_every_text():
    assert contact_kinds("Rp 150.000", "t.me/budi", "budi@gmail.com") == ["email", "link"]
    assert contact_kinds() == []


def test_scan_keeps_the_moderation_flags():
    assert scan("Desain logo toko kue", "Logo sederhana warna pastel.") == []
    assert scan("Logo", "hubungi saya di 0812 3456 7890 untuk detail.") == ["phone"]
    assert scan("Butuh jasa joki skripsi cepat dan murah sekali.") == ["prohibited"]
    assert scan("joki skripsi", "budi@gmail.com, WA saya") == [
        "email",
        "messaging_app",
        "prohibited",
    ]


# --- no catastrophic backtracking ---------------------------------------------------------------

PARAGRAPH = (
    "Halo kak, saya butuh desain logo untuk toko kue @toko_sari dengan 3 konsep dan revisi 2x. "
    "Budget Rp 1.500.000, deadline 12-12-2026 jam 17.00 WIB. Ukuran feed IG 1080x1080, "
    "referensi https://dribbble.com/budi. Hubungi 0812-3456-7890 atau budi [at] gmail [dot] com, "
    "tiga hari kerja, dua revisi, versi 2.0 sesuai ISO 9001. "
)


def text_of(length, unit=PARAGRAPH):
    return (unit * (length // len(unit) + 1))[:length]


def time_ratio(slow, fast, runs=9):
    """Median time to scan ``slow`` over median time to scan ``fast``.

    The two are timed in turns, so a burst of load on a shared machine slows both alike.
    """
    find_contacts(fast)  # warm up
    times = {slow: [], fast: []}
    for _ in range(runs):
        for text in (fast, slow):
            began = time.perf_counter()
            find_contacts(text)
            times[text].append(time.perf_counter() - began)
    return statistics.median(times[slow]) / statistics.median(times[fast])


def test_scanning_time_grows_linearly():
    assert time_ratio(text_of(20_000), text_of(5_000)) <= 8  # linear is 4


@pytest.mark.parametrize("unit", ["0 ", "a@", "wa ", "budi at ", "1.", "@a ig "])
def test_pathological_input_is_no_slower_than_prose(unit):
    assert time_ratio(text_of(10_000, unit), text_of(10_000)) <= 20
