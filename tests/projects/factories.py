from datetime import timedelta

import factory
from django.utils import timezone

from accounts.masking import mask_texts
from accounts.models import Category, Skill
from marketplace.contact_filter import CONTACT_KINDS
from projects.models import (
    Bid,
    Contract,
    ContractMessage,
    Gig,
    GigInvitation,
    MessageAttachment,
    Milestone,
    Service,
    ServicePackage,
)
from tests.accounts.factories import UserFactory


class MaskedTextsFactory(factory.django.DjangoModelFactory):
    """Stores the masked copies of the row's texts as the services do when they write
    (``accounts.masking.mask_texts``). Where the row has contact-filter flags, the flags a test
    gives decide whether its texts are masked (``hides``), as they did when reads masked."""

    class Meta:
        abstract = True

    @classmethod
    def hides(cls, obj) -> bool:
        return True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        mask_texts(obj, hide=cls.hides(obj))
        obj.save()
        return obj


def flagged(flags) -> bool:
    return any(flag in CONTACT_KINDS for flag in flags)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"kategori-{n}")
    name_id = factory.Sequence(lambda n: f"Kategori {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    min_price = 50_000
    position = factory.Sequence(lambda n: n)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    slug = factory.Sequence(lambda n: f"keahlian-{n}")
    name = factory.Sequence(lambda n: f"Keahlian {n}")
    category = factory.SubFactory(CategoryFactory)


class GigFactory(MaskedTextsFactory):
    """An open public gig, bidding closing in 3 days, delivery 10 days later."""

    class Meta:
        model = Gig

    @classmethod
    def hides(cls, obj) -> bool:
        return flagged(obj.content_flags)

    client = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Desain logo toko kue nomor {n}")
    description = "Butuh logo sederhana dan modern untuk toko kue rumahan di Bandung."
    category = factory.SubFactory(CategoryFactory)
    budget = 150_000
    bidding_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    delivery_deadline = factory.LazyAttribute(lambda g: g.bidding_deadline + timedelta(days=10))
    status = Gig.Status.OPEN
    published_at = factory.LazyFunction(timezone.now)


class BidFactory(MaskedTextsFactory):
    class Meta:
        model = Bid

    @classmethod
    def hides(cls, obj) -> bool:
        return flagged(obj.contact_flags)

    gig = factory.SubFactory(GigFactory)
    freelancer = factory.SubFactory(UserFactory)
    amount = 120_000
    delivery_days = 5
    cover_letter = "Saya sudah membuat puluhan logo untuk UMKM, portofolio ada di profil."
    revisions_included = 2


class ContractFactory(factory.django.DjangoModelFactory):
    """An active contract from an accepted bid, with its one pending milestone."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    bid = factory.SubFactory(BidFactory, status=Bid.Status.ACCEPTED, gig__status=Gig.Status.AWARDED)
    gig = factory.SelfAttribute("bid.gig")
    client = factory.SelfAttribute("bid.gig.client")
    freelancer = factory.SelfAttribute("bid.freelancer")
    amount = factory.SelfAttribute("bid.amount")
    revisions_included = factory.SelfAttribute("bid.revisions_included")
    # The bid's promise, as bid_accept records it (the bid's delivery days are 5 by default).
    agreed_delivery_at = factory.LazyAttribute(
        lambda c: timezone.now() + timedelta(days=c.bid.delivery_days)
    )

    @factory.post_generation
    def milestone(obj, create, extracted, **kwargs):
        if create:
            milestone = Milestone(
                contract=obj,
                position=1,
                title=obj.gig.title[:120],
                amount=obj.amount,
                due_at=obj.agreed_delivery_at,
            )
            mask_texts(milestone)  # as bid_accept copies the gig's title
            milestone.save()


class GigInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GigInvitation

    gig = factory.SubFactory(GigFactory, visibility=Gig.Visibility.INVITE_ONLY)
    freelancer = factory.SubFactory(UserFactory)


class ContractMessageFactory(MaskedTextsFactory):
    class Meta:
        model = ContractMessage

    @classmethod
    def hides(cls, obj) -> bool:
        return flagged(obj.contact_flags)

    contract = factory.SubFactory(ContractFactory)
    sender = factory.SelfAttribute("contract.client")
    body = factory.Sequence(lambda n: f"Pesan nomor {n}: revisi warna sudah saya kirim.")


class MessageAttachmentFactory(MaskedTextsFactory):
    """An attachment row; the stored file itself is not written (lists never open it)."""

    class Meta:
        model = MessageAttachment

    @classmethod
    def hides(cls, obj) -> bool:
        return flagged(obj.message.contact_flags)

    message = factory.SubFactory(ContractMessageFactory)
    file = factory.Sequence(lambda n: f"contracts/0/messages/lampiran-{n}.pdf")
    original_name = factory.Sequence(lambda n: f"lampiran-{n}.pdf")
    content_type = "application/pdf"
    size = 2048


def top_up(user, amount: int):
    """Credit ``amount`` whole rupiah to ``user``'s wallet the way the product does: a deposit
    through the sandbox gateway, confirmed as paid by its (here: direct) webhook call."""
    from payments.services.deposits import deposit_complete, deposit_create

    deposit = deposit_create(user=user, amount=amount, provider="sandbox")
    return deposit_complete(
        provider="sandbox", reference=deposit.reference, status="paid", amount=amount
    )


class ServiceFactory(MaskedTextsFactory):
    """A live service with no packages yet (``with_packages`` adds the three tiers)."""

    class Meta:
        model = Service

    @classmethod
    def hides(cls, obj) -> bool:
        return True

    freelancer = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Desain logo UMKM paket hemat {n}")
    description = "Logo sederhana dan modern untuk usaha rumahan, file siap cetak dan digital."
    category = factory.SubFactory(CategoryFactory)
    status = Service.Status.LIVE
    published_at = factory.LazyFunction(timezone.now)


def with_packages(
    service: Service,
    prices=(100_000, 200_000, 400_000),
    days=(5, 3, 2),
    description="Dua konsep logo dan file PNG.",
) -> Service:
    """The three tiers at these prices and days, written as the services write them (masked
    copies, the service's cheapest price and quickest days)."""
    tiers = list(ServicePackage.Tier)
    for tier, price, delivery in zip(tiers, prices, days, strict=False):
        package = ServicePackage(
            service=service,
            tier=tier,
            name=tier.label.title(),
            description=description,
            price=price,
            delivery_days=delivery,
            revisions_included=1,
        )
        mask_texts(package)
        package.save()
    service.price_from = min(prices[: len(tiers)])
    service.fastest_delivery_days = min(days[: len(tiers)])
    service.save(update_fields=["price_from", "fastest_delivery_days"])
    return service
