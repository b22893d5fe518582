"""The demo freelancers' public profiles and portfolio pieces, the clients' shop names, and
one finished contract with its reviews.
"""

from __future__ import annotations

from accounts.models import Category, Skill, User

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
