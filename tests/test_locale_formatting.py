"""Numbers, percentages, dates, times, counts and names as each language writes them.

Bahasa Indonesia writes "4,20" and "100,0%" (a dot there groups thousands: "5.000" reads as
five thousand), English "4.20" and "100.0%"; every date and time is Jakarta time labelled WIB;
a count takes its noun's plural; a category is named in the reader's language; a rupiah bound is
said in rupiah. The notices' own dates and counts are checked in tests/projects/test_timers.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from rest_framework import serializers

from accounts.pages.forms import FreelancerFilterForm
from accounts.pages.profiles import hires_of_gigs
from marketplace.api.rupiah import RupiahAmountField
from marketplace.errors import DomainError
from marketplace.formatting import decimal, local_date, local_datetime, percent
from marketplace.ratelimit import wait_message
from projects.pages.contract_forms import MilestoneSubmitForm
from projects.pages.gig_forms import BrowseForm
from projects.services.gigs.posting import validate_gig_terms
from tests.accounts.factories import UserFactory
from tests.pages.conftest import browser
from tests.pages.test_profile_pages import listed, set_figures
from tests.projects.factories import CategoryFactory, GigFactory

MOMENT = datetime(2025, 3, 8, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta


# --- the one home -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", ["4,20", "1.234.567,50", "100,0%", "8 Maret 2025", "8 Maret 2025 10.00 WIB"]),
        ("en", ["4.20", "1,234,567.50", "100.0%", "8 March 2025", "8 March 2025 10:00 WIB"]),
    ],
)
def test_each_language_writes_numbers_and_moments_its_own_way(language, expected):
    with translation.override(language), timezone.override("UTC"):  # whatever the zone
        assert [
            decimal(Decimal("4.2"), 2),
            decimal(1234567.5, 2),
            percent(Decimal("1.000")),
            local_date(MOMENT),
            local_datetime(MOMENT),
        ] == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "8 Maret 2025 10.00 WIB · 8 Maret 2025 · 12,5% · 0,50"),
        ("en", "8 March 2025 10:00 WIB · 8 March 2025 · 12.5% · 0.50"),
    ],
)
def test_every_template_has_the_filters(language, expected):
    template = Template(
        "{{ moment|local_datetime }} · {{ moment|local_date }} · {{ rate|percent }} · "
        "{{ figure|decimal:2 }}"
    )
    context = Context({"moment": MOMENT, "rate": Decimal("0.125"), "figure": Decimal("0.5")})

    with translation.override(language):
        assert template.render(context) == expected


# --- pages ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "rating", "completed"),
    [
        (
            "id",
            "(5 × rata-rata platform 4,20 + 4 × rata-rata freelancer ini 4,58) ÷ (5 + 4) = 4,35",
            "4 dari 4 kontrak selesai; sisanya dibatalkan oleh freelancer atau kalah dalam "
            "sengketa. Pembatalan oleh klien tidak dihitung (100,0%).",
        ),
        (
            "en",
            "(5 × platform mean 4.20 + 4 × this freelancer&#x27;s average 4.58) ÷ (5 + 4) = 4.35",
            "4 of 4 contracts completed; the others were cancelled by the freelancer or lost in "
            "a dispute. Cancellations by the client are not counted (100.0%).",
        ),
    ],
)
def test_the_profiles_arithmetic_is_written_in_the_pages_language(
    settings, language, rating, completed
):
    settings.REPUTATION_PRIOR_WEIGHT = 5
    profile = listed()
    set_figures(
        profile,
        rating=Decimal("4.350"),
        rating_count=4,
        rating_points=55,
        rating_prior=Decimal("4.2000"),
        completion_rate=Decimal("1.000"),
        completed_count=4,
        completion_total=4,
    )

    page = browser(language=language).get(f"/freelancers/{profile.user.username}/")

    body = page.content.decode()
    assert rating in body
    assert completed in body
    assert "4.200" not in body
    assert "4.3500" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "options"),
    [("id", ["3+", "3,5+", "4+", "4,5+"]), ("en", ["3+", "3.5+", "4+", "4.5+"])],
)
def test_the_directorys_rating_filter_reads_in_the_pages_language(language, options):
    with translation.override(language):
        form = FreelancerFilterForm(skill_groups=[], categories=[])
        labels = [str(label) for value, label in form.fields["min_rating"].choices if value]

    assert labels == options


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "deadline"),
    [("id", "Penawaran ditutup"), ("en", "Bidding closes")],
)
def test_a_gigs_deadlines_are_labelled_wib(language, deadline):
    gig = GigFactory(bidding_deadline=timezone.now() + timedelta(days=3))

    body = browser(UserFactory(), language=language).get(f"/gigs/{gig.pk}/").content.decode()

    assert f"<dt>{deadline}</dt>" in body
    with translation.override(language):
        assert f"<dd>{local_datetime(gig.bidding_deadline)}" in body
    assert local_datetime(gig.bidding_deadline).endswith(" WIB")


# --- counts with their nouns ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        (
            "id",
            "1 perekrutan dari 1 pekerjaan yang masa penawarannya sudah berakhir",
            "8 perekrutan dari 10 pekerjaan yang masa penawarannya sudah berakhir",
        ),
        ("en", "1 hire of 1 gig whose bidding ended", "8 hires of 10 gigs whose bidding ended"),
    ],
)
def test_hires_of_gigs_take_their_plurals(language, one, many):
    with translation.override(language):
        assert (hires_of_gigs(1, 1), hires_of_gigs(8, 10)) == (one, many)


# --- forms: help texts translated when shown ------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "files", "skills"),
    [
        (
            "id",
            "Opsional: maksimal %(n)d berkas (PDF, gambar, dokumen).",
            "Cukup salah satunya cocok.",
        ),
        ("en", "Optional: up to %(n)d files (PDF, images, documents).", "Any of them."),
    ],
)
def test_help_texts_are_in_the_pages_language(language, files, skills):
    # Both languages in one process: a help text formatted at import would keep the first.
    with translation.override(language):
        shown_files = str(MilestoneSubmitForm().fields["files"].help_text)
        shown_skills = str(BrowseForm(None, categories=[], skills=[]).fields["skills"].help_text)

    assert shown_files == files % {"n": settings.ATTACHMENTS_PER_MESSAGE}
    assert shown_skills == skills


# --- errors: names and bounds in the reader's language --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "Harga minimum untuk Desain logo adalah Rp 50.000."),
        ("en", "The minimum for Logo design is Rp 50.000."),
    ],
)
def test_a_categorys_minimum_is_named_in_the_readers_language(language, expected):
    category = CategoryFactory(name_id="Desain logo", name_en="Logo design", min_price=50_000)
    now = timezone.now()

    with translation.override(language), pytest.raises(DomainError) as refused:
        validate_gig_terms(
            category=category,
            budget=10_000,
            bidding_deadline=now + timedelta(days=3),
            delivery_deadline=now + timedelta(days=10),
        )

    assert refused.value.fields["budget"] == [expected]


class Budget(serializers.Serializer):
    budget = RupiahAmountField(min_value=1, max_value=100_000_000)


@pytest.mark.parametrize(
    ("language", "too_much", "too_little"),
    [
        ("id", "Masukkan maksimal Rp 100.000.000.", "Masukkan jumlah di atas Rp 0."),
        ("en", "Enter at most Rp 100.000.000.", "Enter an amount above Rp 0."),
    ],
)
def test_the_apis_rupiah_bounds_are_said_in_rupiah(language, too_much, too_little):
    with translation.override(language):
        over, under = Budget(data={"budget": 100_000_001}), Budget(data={"budget": 0})
        assert not over.is_valid()
        assert not under.is_valid()
        errors = [str(over.errors["budget"][0]), str(under.errors["budget"][0])]

    assert errors == [too_much, too_little]


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        (
            "id",
            "Terlalu banyak percobaan. Tunggu 1 detik lalu coba lagi.",
            "Terlalu banyak percobaan. Tunggu 30 detik lalu coba lagi.",
        ),
        (
            "en",
            "Too many attempts. Wait 1 second and try again.",
            "Too many attempts. Wait 30 seconds and try again.",
        ),
    ],
)
def test_a_wait_takes_its_plural(language, one, many):
    with translation.override(language):
        assert (wait_message(1), wait_message(30)) == (one, many)
