"""Demo data: the taxonomy Garap launches with and one user of each kind.

Idempotent: rows are found by their natural key (slug, username) and brought to the values
below, so loading twice changes nothing and a later edition of this file updates the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Category, Skill, User
from accounts.roles import FINANCE, MODERATORS, ensure_role_groups
from marketplace.timing import days as timer_days

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
    ensure_role_groups()
    staff_groups = Group.objects.filter(name__in=[MODERATORS, FINANCE])
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
            # The demo's one moderator also processes withdrawals, to show every queue.
            user.groups.add(*staff_groups)
    return DEMO_USERS


def load_all() -> list[DemoUser]:
    load_taxonomy()
    users = load_users()
    load_marketplace()
    load_profiles()
    load_finished_work()
    from projects.demo_moderation import MODERATION_USERS, load_moderation

    load_moderation()
    from projects.reputation.services import reputation_recalculate_all

    reputation_recalculate_all()
    return [*users, *MODERATION_USERS]


# (client, category slug, title, description, budget in rupiah, days until bidding closes)
DEMO_GIGS: list[tuple[str, str, str, str, int, int]] = [
    (
        "toko_sari",
        "desain-grafis",
        "Logo untuk toko kue rumahan",
        "Toko Kue Sari butuh logo sederhana dengan warna pastel untuk kemasan, stiker dan "
        "Instagram. Tiga konsep awal, dua kali revisi, file PNG dan vektor.",
        350_000,
        5,
    ),
    (
        "toko_sari",
        "caption",
        "30 caption Instagram untuk promo Lebaran",
        "Caption jualan yang hangat dan singkat untuk kue kering Lebaran, lengkap dengan "
        "hashtag. Bahasa santai, cocok untuk ibu-ibu pembeli.",
        150_000,
        4,
    ),
    (
        "toko_sari",
        "foto-produk",
        "Edit 20 foto produk kue kering",
        "Hapus background, rapikan cahaya dan buat latar putih bersih untuk katalog Shopee "
        "dan Tokopedia.",
        120_000,
        6,
    ),
    (
        "kopi.nusantara",
        "video",
        "Short video editing for a coffee shop reel",
        "Edit a 30-second Instagram reel from our raw footage of latte art and the roastery. "
        "Upbeat music, captions in English and Indonesian.",
        400_000,
        7,
    ),
    (
        "kopi.nusantara",
        "terjemahan",
        "Translate our menu to English",
        "About 60 items with short descriptions, from Indonesian to natural English for "
        "tourists in Yogyakarta.",
        200_000,
        3,
    ),
    (
        "kopi.nusantara",
        "entri-data",
        "Entri data 300 produk ke spreadsheet",
        "Salin nama, harga dan stok produk dari foto nota ke Google Sheets dengan rapi.",
        100_000,
        8,
    ),
]

# (freelancer, gig title, amount, delivery days, cover letter)
DEMO_BIDS: list[tuple[str, str, int, int, str]] = [
    (
        "budi.desain",
        "Logo untuk toko kue rumahan",
        300_000,
        4,
        "Saya sudah membuat lebih dari 40 logo untuk UMKM kuliner. Tiga konsep dalam 2 hari.",
    ),
    (
        "rina.menulis",
        "Logo untuk toko kue rumahan",
        250_000,
        5,
        "Saya bisa membuat logo yang manis dan mudah diingat, dengan panduan warna.",
    ),
    (
        "rina.menulis",
        "30 caption Instagram untuk promo Lebaran",
        150_000,
        3,
        "Saya penulis konten untuk beberapa toko kue online; caption siap pakai dengan hashtag.",
    ),
    (
        "budi.desain",
        "Short video editing for a coffee shop reel",
        380_000,
        3,
        "I edit reels for cafés in Bandung every week; sample links in my profile.",
    ),
    (
        "rina.menulis",
        "Translate our menu to English",
        200_000,
        2,
        "Native-level English, I have translated menus for three cafés in Jogja.",
    ),
]
# The demo's one contract: the client accepted this bid.
DEMO_ACCEPTED = ("rina.menulis", "30 caption Instagram untuk promo Lebaran")


def load_marketplace() -> None:
    """Open gigs with bids and one running contract, made through the same services people use:
    posted, approved by the demo moderator, bid on, accepted. Gigs already there (by client and
    title) are left as they are."""
    from django.utils import timezone

    from projects.models import Bid, Gig
    from projects.services import bids as bid_services
    from projects.services import gigs as gig_services

    moderator = User.objects.get(username="moderator")
    now = timezone.now()
    for client_name, slug, title, description, budget, days in DEMO_GIGS:
        client = User.objects.get(username=client_name)
        if Gig.objects.filter(client=client, title=title).exists():
            continue
        gig = gig_services.gig_create(
            client=client,
            title=title,
            description=description,
            category=Category.objects.get(slug=slug).pk,
            budget=budget,
            # Timer days, so a fast demo (TIMER_DAY_SECONDS=60) sees bidding close in minutes.
            bidding_deadline=now + timer_days(days),
            delivery_deadline=now + timer_days(days + 10),
            publish=True,
        )
        if gig.status == Gig.Status.PENDING_REVIEW:
            gig_services.gig_approve(gig_id=gig.pk, moderator=moderator)

    for freelancer_name, title, amount, delivery_days, letter in DEMO_BIDS:
        freelancer = User.objects.get(username=freelancer_name)
        gig = Gig.objects.get(title=title)
        if Bid.objects.filter(gig=gig, freelancer=freelancer).exists():
            continue
        if gig.status != Gig.Status.OPEN:
            continue
        bid_services.bid_place(
            gig_id=gig.pk,
            freelancer=freelancer,
            amount=amount,
            delivery_days=delivery_days,
            cover_letter=letter,
        )

    freelancer_name, title = DEMO_ACCEPTED
    bid = Bid.objects.filter(gig__title=title, freelancer__username=freelancer_name).first()
    if bid is not None and bid.status in Bid.OPEN:
        bid_services.bid_accept(bid_id=bid.pk, actor=bid.gig.client)
    load_money()


DEMO_TOP_UP = 2_000_000  # rupiah each demo client starts with, as if paid in the sandbox


def load_money() -> None:
    """Each demo client tops up once through the sandbox gateway (the webhook's effect), and
    the demo contract's first milestone is funded, so wallets and escrow show real figures."""
    from payments.models import Deposit
    from payments.services import deposit_complete, deposit_create
    from projects.models import Contract, Milestone
    from projects.services.milestones import milestone_fund

    for demo in DEMO_USERS:
        if demo.role != "client":
            continue
        client = User.objects.get(username=demo.username)
        if Deposit.objects.filter(user=client).exists():
            continue
        deposit = deposit_create(user=client, amount=DEMO_TOP_UP, provider="sandbox")
        deposit_complete(
            provider="sandbox", reference=deposit.reference, status="paid", amount=deposit.amount
        )

    contract = Contract.objects.filter(gig__title=DEMO_ACCEPTED[1]).first()
    milestone = contract.milestones.order_by("position").first() if contract else None
    if contract and milestone and milestone.status == Milestone.Status.PENDING:
        milestone_fund(milestone_id=milestone.pk, actor=contract.client)


# (username, headline, bio, skill slugs, starting price, city, province, languages)
DEMO_PROFILES = [
    (
        "budi.desain",
        "Desainer logo & feed Instagram untuk UMKM kuliner",
        "Lima tahun mendesain untuk warung, kafe dan toko kue di Bandung. Konsep cepat, revisi "
        "jelas, file siap cetak.",
        ["desain-logo", "canva", "desain-feed-instagram", "capcut"],
        100_000,
        "Bandung",
        "jawa-barat",
        ["id", "su", "en"],
    ),
    (
        "rina.menulis",
        "Copywriter & translator (Indonesian–English)",
        "I write captions that sell and translate menus, catalogues and websites for small "
        "businesses in Yogyakarta and beyond.",
        ["caption-jualan", "copywriting-iklan", "inggris-indonesia", "indonesia-inggris"],
        50_000,
        "Yogyakarta",
        "di-yogyakarta",
        ["id", "en", "jv"],
    ),
]
DEMO_SHOPS = {"toko_sari": "Toko Kue Sari", "kopi.nusantara": "Kopi Nusantara Roastery"}


def _demo_image() -> bytes:
    """A small pastel gradient, drawn here so the demo needs no image files."""
    from io import BytesIO

    from PIL import Image

    image = Image.new("RGB", (480, 320))
    image.putdata(
        [(244 - y // 8, 167 + x // 20, 185 + y // 10) for y in range(320) for x in range(480)]
    )
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def load_profiles() -> None:
    """The demo freelancers' public profiles with a portfolio piece; the clients' shop names."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import PortfolioItem
    from accounts.services import (
        client_profile_update,
        freelancer_profile_update,
        portfolio_image_add,
        portfolio_item_create,
    )
    from accounts.services.portfolio import portfolio_image_process

    for username, headline, bio, skills, price, city, province, languages in DEMO_PROFILES:
        user = User.objects.get(username=username)
        freelancer_profile_update(
            user=user,
            headline=headline,
            bio=bio,
            skill_ids=list(Skill.objects.filter(slug__in=skills).values_list("pk", flat=True)),
            starting_price=price,
            city=city,
            province=province,
            languages=languages,
        )
    for username, shop in DEMO_SHOPS.items():
        client_profile_update(user=User.objects.get(username=username), shop_name=shop)

    budi = User.objects.get(username="budi.desain")
    if not PortfolioItem.objects.filter(owner=budi).exists():
        item = portfolio_item_create(
            owner=budi,
            title="Logo & kemasan Warung Kopi Senja",
            description="Logo, stiker kemasan dan template feed untuk kedai kopi di Dago.",
            category_id=Category.objects.get(slug="desain-grafis").pk,
            skill_ids=list(Skill.objects.filter(slug="desain-logo").values_list("pk", flat=True)),
        )
        upload = SimpleUploadedFile("kopi-senja.png", _demo_image(), content_type="image/png")
        image = portfolio_image_add(item_id=item.pk, owner=budi, upload=upload)
        # Cleaned now rather than by a worker: the demo shows its portfolio from the start.
        portfolio_image_process(image_id=image.pk)


# The demo's finished contract: rina translated kopi.nusantara's menu, was paid, both reviewed.
DEMO_FINISHED = ("rina.menulis", "Translate our menu to English")


def load_finished_work() -> None:
    from projects.models import Bid, Contract, Milestone, Review
    from projects.services import bids as bid_services
    from projects.services import contracts as contract_services
    from projects.services import milestones as milestone_services
    from projects.services import reviews as review_services

    freelancer_name, title = DEMO_FINISHED
    bid = Bid.objects.filter(gig__title=title, freelancer__username=freelancer_name).first()
    if bid is None:
        return
    if bid.status in Bid.OPEN:
        bid_services.bid_accept(bid_id=bid.pk, actor=bid.gig.client)
    contract = Contract.objects.get(bid=bid)
    client, freelancer = contract.client, contract.freelancer
    milestone = contract.milestones.order_by("position")[0]  # every contract has one
    if milestone.status == Milestone.Status.PENDING:
        milestone_services.milestone_fund(milestone_id=milestone.pk, actor=client)
        contract_services.message_post(
            contract_id=contract.pk, actor=freelancer, body="Terima kasih! I'll start today."
        )
        milestone_services.milestone_submit(
            milestone_id=milestone.pk, actor=freelancer, note="Menu in English, 62 items."
        )
        milestone_services.milestone_release(milestone_id=milestone.pk, actor=client)
    for author, stars, comment in (
        (client, 5, "Natural English, delivered a day early. Our guests love the new menu."),
        (freelancer, 5, "Clear brief and quick approval. Senang bekerja sama!"),
    ):
        if not Review.objects.filter(contract=contract, author=author).exists():
            review_services.review_submit(
                contract_id=contract.pk,
                actor=author,
                quality=stars,
                communication=stars,
                value=stars if author == client else 4,
                comment=comment,
            )
    contract_services.contract_portfolio_permission(
        contract_id=contract.pk, actor=client, allowed=True
    )
