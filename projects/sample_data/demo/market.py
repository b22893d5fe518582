"""Open gigs with bids, one running contract, and money in the demo clients' wallets."""

from __future__ import annotations

from accounts.models import Category, User
from marketplace.timing import days as timer_days
from projects.sample_data.demo.users import DEMO_USERS

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
    from payments.services.deposits import deposit_complete, deposit_create
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
