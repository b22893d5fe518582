"""The taxonomy Garap launches with: categories (with their minimum prices) and their skills.

Idempotent: rows are found by their slug and brought to the values below, so loading twice
changes nothing and a later edition of this file updates the demo.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import Category, Skill

# (slug, Indonesian name, English name, minimum price in whole rupiah, skills)
CATEGORIES: list[tuple[str, str, str, int, list[str]]] = [
    (
        "penulisan",
        "Penulisan artikel & konten",
        "Article & content writing",
        50_000,
        ["Artikel SEO", "Blog post", "Deskripsi produk"],
    ),
    (
        "desain-grafis",
        "Desain grafis & logo",
        "Graphic & logo design",
        100_000,
        ["Desain logo", "Canva", "Adobe Illustrator", "Desain feed Instagram"],
    ),
    (
        "media-sosial",
        "Kelola media sosial",
        "Social media management",
        75_000,
        ["Instagram", "TikTok", "Penjadwalan konten"],
    ),
    (
        "video",
        "Edit video singkat",
        "Short video editing",
        100_000,
        ["CapCut", "Adobe Premiere", "Reels & TikTok"],
    ),
    (
        "entri-data",
        "Entri data",
        "Data entry",
        25_000,
        ["Microsoft Excel", "Google Sheets", "Input katalog marketplace"],
    ),
    (
        "terjemahan",
        "Terjemahan",
        "Translation",
        50_000,
        ["Inggris–Indonesia", "Indonesia–Inggris", "Bahasa Jawa"],
    ),
    (
        "caption",
        "Caption & copywriting",
        "Captions & copywriting",
        25_000,
        ["Caption jualan", "Copywriting iklan", "Hashtag riset"],
    ),
    (
        "endorsement",
        "Endorse mikro-influencer",
        "Micro-influencer endorsement",
        150_000,
        ["Endorse Instagram", "Endorse TikTok", "Ulasan produk"],
    ),
    (
        "foto-produk",
        "Edit foto produk",
        "Product photo editing",
        30_000,
        ["Hapus background", "Retouch foto", "Foto katalog"],
    ),
    (
        "voice-over",
        "Sulih suara",
        "Voice-over",
        75_000,
        ["Voice-over Bahasa Indonesia", "Voice-over English"],
    ),
]


def _slugify_skill(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("–", "-"))


@transaction.atomic
def load_taxonomy() -> None:
    for position, (slug, name_id, name_en, min_price, skills) in enumerate(CATEGORIES):
        category, _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name_id": name_id,
                "name_en": name_en,
                "min_price": min_price,
                "position": position,
                "is_active": True,
            },
        )
        for skill_name in skills:
            Skill.objects.update_or_create(
                slug=_slugify_skill(skill_name),
                defaults={"name": skill_name, "category": category},
            )
