"""Demo data for the moderators: something waiting in each of their queues.

Made through the same services people use, so the content filter, the notices and the audit
log behave as they would: two new clients' gigs wait for review (one with a WhatsApp number,
one offering prohibited work), a freelancer's bid asks to be paid outside Garap and is reported,
and a delivered video is disputed. Loading twice adds nothing.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.models import Category, User
from marketplace.timing import days as timer_days
from projects.models import Bid, Contract, Gig, Milestone, Report
from projects.sample_data.demo.users import DEMO_PASSWORD, DemoUser

MODERATION_USERS = [
    DemoUser("warung.bakso", "bakso@demo.garap.local", "Warung Bakso Pak Kumis", "client"),
    DemoUser("akun.promo", "promo@demo.garap.local", "Promo Cepat", "client"),
    DemoUser("joko.cepat", "joko@demo.garap.local", "Joko Cepat", "freelancer"),
]

# (client, category slug, title, description, budget): new clients' first gigs go to review.
PENDING_GIGS = [
    (
        "warung.bakso",
        "desain-grafis",
        "Desain spanduk warung bakso 2 x 1 meter",
        "Spanduk untuk warung bakso kami: logo, menu dan harga. Biar cepat, hubungi saya "
        "langsung di WA 0812-3456-7890 saja ya.",
        250_000,
    ),
    (
        "akun.promo",
        "caption",
        "Jasa tambah followers Instagram 10.000",
        "Cari orang yang bisa beli followers dan ulasan palsu untuk toko online kami, "
        "dibayar per 1.000 followers.",
        300_000,
    ),
]
# The bid that asks for payment outside Garap, on Toko Kue Sari's logo gig.
OFF_PLATFORM_BID = (
    "joko.cepat",
    "Logo untuk toko kue rumahan",
    200_000,
    3,
    "Bisa lebih murah kalau transfer langsung ke rekening saya. Chat WA nol delapan satu "
    "dua tiga empat lima enam tujuh delapan sembilan ya.",
)
# The disputed work: Kopi Nusantara's reel, delivered by Budi.
DISPUTED = ("budi.desain", "Short video editing for a coffee shop reel")


def load_moderation() -> None:
    _load_users()
    _load_pending_gigs()
    _load_reported_bid()
    _load_dispute()


def _load_users() -> None:
    for demo in MODERATION_USERS:
        user = User.objects.filter(username__iexact=demo.username).first()
        if user is None:
            user = User.objects.create_user(
                username=demo.username, email=demo.email, password=DEMO_PASSWORD
            )
        user.display_name = demo.display_name
        user.save(update_fields=["display_name"])


def _load_pending_gigs() -> None:
    from projects.services import gigs as gig_services

    now = timezone.now()
    for client_name, slug, title, description, budget in PENDING_GIGS:
        client = User.objects.get(username=client_name)
        if Gig.objects.filter(client=client, title=title).exists():
            continue
        gig_services.gig_create(
            client=client,
            title=title,
            description=description,
            category=Category.objects.get(slug=slug).pk,
            budget=budget,
            bidding_deadline=now + timer_days(5),
            delivery_deadline=now + timer_days(15),
            publish=True,
        )


def _load_reported_bid() -> None:
    from projects.services import bids as bid_services
    from projects.services import reports

    freelancer_name, title, amount, delivery_days, letter = OFF_PLATFORM_BID
    freelancer = User.objects.get(username=freelancer_name)
    gig = Gig.objects.filter(title=title).first()
    if gig is None:
        return
    bid = Bid.objects.filter(gig=gig, freelancer=freelancer).first()
    if bid is None and gig.status == Gig.Status.OPEN:
        bid = bid_services.bid_place(
            gig_id=gig.pk,
            freelancer=freelancer,
            amount=amount,
            delivery_days=delivery_days,
            cover_letter=letter,
        )
    if bid is None or Report.objects.filter(target_type="bid", target_id=bid.pk).exists():
        return
    reports.report_create(
        reporter=gig.client,
        target_type=Report.TargetType.BID,
        target_id=bid.pk,
        reason=Report.Reason.OFF_PLATFORM_PAYMENT,
        note="Minta transfer langsung ke rekening pribadi, di luar Garap.",
    )
    reports.report_create(
        reporter=User.objects.get(username="rina.menulis"),
        target_type=Report.TargetType.PROFILE,
        target_id=freelancer.pk,
        reason=Report.Reason.SPAM,
        note="Sends the same copy-paste bid to every gig.",
    )


def _load_dispute() -> None:
    from projects.services import bids as bid_services
    from projects.services import contracts as contract_services
    from projects.services import milestones as milestone_services

    freelancer_name, title = DISPUTED
    bid = Bid.objects.filter(gig__title=title, freelancer__username=freelancer_name).first()
    if bid is None:
        return
    if bid.status in Bid.OPEN:
        bid_services.bid_accept(bid_id=bid.pk, actor=bid.gig.client)
    contract = Contract.objects.filter(bid=bid).first()
    if contract is None:
        return
    client, freelancer = contract.client, contract.freelancer
    milestone = contract.milestones.order_by("position")[0]  # every contract has one
    if milestone.status == Milestone.Status.PENDING:
        milestone_services.milestone_fund(milestone_id=milestone.pk, actor=client)
    if milestone.status in (Milestone.Status.PENDING, Milestone.Status.FUNDED):
        milestone_services.milestone_submit(
            milestone_id=milestone.pk, actor=freelancer, note="Reel 30 detik, musik dan caption."
        )
        contract_services.message_post(
            contract_id=contract.pk,
            actor=client,
            body="The reel is 12 seconds, not 30, and the captions are only in Indonesian.",
        )
    milestone.refresh_from_db()
    if milestone.status == Milestone.Status.SUBMITTED:
        milestone_services.milestone_dispute(
            milestone_id=milestone.pk,
            actor=client,
            reason="Delivered 12 seconds instead of 30 and no English captions, as agreed.",
        )
