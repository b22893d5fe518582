"""Demo data: the taxonomy Garap launches with and one user of each kind.

Idempotent: rows are found by their natural key (slug, username) and brought to the values
below, so loading twice changes nothing and a later edition of this file updates the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from projects.models import Category, Skill

DEMO_PASSWORD = "garap-demo-2026"  # noqa: S105 - printed by `make run`; demo machines only

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


@dataclass(frozen=True)
class DemoUser:
    username: str
    email: str
    display_name: str
    role: str  # what the demo shows the user as: client, freelancer, moderator, admin
    language: str = User.Language.INDONESIAN


DEMO_USERS = [
    DemoUser("toko_sari", "sari@demo.garap.local", "Toko Kue Sari", "client"),
    DemoUser("kopi.nusantara", "kopi@demo.garap.local", "Kopi Nusantara", "client", "en"),
    DemoUser("budi.desain", "budi@demo.garap.local", "Budi Santoso", "freelancer"),
    DemoUser("rina.menulis", "rina@demo.garap.local", "Rina Wulandari", "freelancer", "en"),
    DemoUser("moderator", "moderator@demo.garap.local", "Moderator Garap", "moderator"),
    DemoUser("admin", "admin@demo.garap.local", "Admin Garap", "admin", "en"),
]

MODERATORS_GROUP = "Moderators"


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


@transaction.atomic
def load_users() -> list[DemoUser]:
    moderators, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    for demo in DEMO_USERS:
        user = User.objects.filter(username__iexact=demo.username).first()
        if user is None:
            user = User.objects.create_user(
                username=demo.username, email=demo.email, password=DEMO_PASSWORD
            )
        user.email = demo.email
        user.display_name = demo.display_name
        user.preferred_language = demo.language
        user.is_staff = demo.role in ("moderator", "admin")
        user.is_superuser = demo.role == "admin"
        user.save()
        if demo.role == "moderator":
            user.groups.add(moderators)
    return DEMO_USERS


def load_all() -> list[DemoUser]:
    load_taxonomy()
    return load_users()
