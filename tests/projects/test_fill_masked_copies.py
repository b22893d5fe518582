"""The data migrations that fill the masked copies of rows written before masking moved to write
time (projects 0010, accounts 0008), run forward on a database holding such rows: what each
reader saw does not change for the texts the filter used to mask on every read, the texts it
never looked at are masked now, and identity fields lose their contact details.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.contact_filter import MASK, mask_contacts
from tests.migrating import migrate

BEFORE = [("projects", "0014_masked_copies"), ("accounts", "0012_masked_copies")]
AFTER = [("projects", "0015_fill_masked_copies"), ("accounts", "0013_fill_masked_copies")]

PHONE_TEXT = "Hubungi saya di WA 0812-3456-7890 untuk detail."
EMAIL_TEXT = "Kirim brief ke budi.desain@gmail.com ya."
CLEAN_TEXT = "Logo sederhana warna pastel, tiga konsep."


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_migrations_after")
def test_the_migrations_fill_the_masked_copies_of_existing_rows():
    apps = migrate(BEFORE)
    User = apps.get_model("accounts", "User")
    FreelancerProfile = apps.get_model("accounts", "FreelancerProfile")
    ClientProfile = apps.get_model("accounts", "ClientProfile")
    PortfolioItem = apps.get_model("accounts", "PortfolioItem")
    Category = apps.get_model("accounts", "Category")
    Gig = apps.get_model("projects", "Gig")
    GigAttachment = apps.get_model("projects", "GigAttachment")
    Bid = apps.get_model("projects", "Bid")
    Contract = apps.get_model("projects", "Contract")
    Milestone = apps.get_model("projects", "Milestone")
    ContractMessage = apps.get_model("projects", "ContractMessage")
    MessageAttachment = apps.get_model("projects", "MessageAttachment")
    Review = apps.get_model("projects", "Review")

    now = timezone.now()
    client = User.objects.create(username="sari", email="sari@example.com", display_name="Sari")
    freelancer = User.objects.create(
        username="budi", email="budi@example.com", display_name="Budi WA 0812 3456 7890"
    )
    ClientProfile.objects.create(user=client, shop_name="Toko Sari t.me/tokosari")
    FreelancerProfile.objects.create(
        user=freelancer, headline="Desainer, WA 0812 3456 7890", bio=CLEAN_TEXT, city="Bandung"
    )
    item = PortfolioItem.objects.create(
        owner=freelancer,
        title="Logo kue",
        description=EMAIL_TEXT,
        link="https://wa.me/6281234567890",
    )
    kept_link = PortfolioItem.objects.create(
        owner=freelancer, title="Logo", link="https://behance.net/budi"
    )
    category = Category.objects.create(slug="logo", name_id="Logo", name_en="Logo", min_price=1)
    dates = {
        "bidding_deadline": now + timedelta(days=1),
        "delivery_deadline": now + timedelta(days=9),
    }
    flagged_gig = Gig.objects.create(
        client=client,
        title="Logo kue, WA 0812 3456 7890",
        description=EMAIL_TEXT,
        category=category,
        budget=100_000,
        content_flags=["email", "phone", "prohibited"],
        **dates,
    )
    clean_gig = Gig.objects.create(
        client=client,
        title="Logo kue",
        description=CLEAN_TEXT,
        category=category,
        budget=100_000,
        **dates,
    )
    GigAttachment.objects.create(
        gig=clean_gig,
        file="gigs/1/a.pdf",
        original_name="brief_0812_3456_7890.pdf",
        content_type="application/pdf",
        size=1,
    )
    flagged_bid = Bid.objects.create(
        gig=flagged_gig,
        freelancer=freelancer,
        amount=100_000,
        delivery_days=3,
        cover_letter=PHONE_TEXT,
        contact_flags=["phone"],
    )
    contract = Contract.objects.create(
        gig=flagged_gig,
        bid=flagged_bid,
        client=client,
        freelancer=freelancer,
        amount=100_000,
        revisions_included=2,
        first_funded_at=now,
        agreed_delivery_at=now,
    )
    milestone = Milestone.objects.create(
        contract=contract, position=1, title=flagged_gig.title, amount=100_000, due_at=now
    )
    before_funding = ContractMessage.objects.create(
        contract=contract, sender=freelancer, body=PHONE_TEXT, contact_flags=["phone"]
    )
    ContractMessage.objects.filter(pk=before_funding.pk).update(created_at=now - timedelta(days=1))
    after_funding = ContractMessage.objects.create(
        contract=contract, sender=freelancer, body=PHONE_TEXT
    )
    for message in (before_funding, after_funding):
        MessageAttachment.objects.create(
            message=message,
            file="m/a.pdf",
            original_name="wa_0812_3456_7890.pdf",
            content_type="application/pdf",
            size=1,
        )
    review = Review.objects.create(
        contract=contract,
        author=client,
        subject=freelancer,
        subject_role="freelancer",
        quality=5,
        communication=5,
        value=5,
        comment=EMAIL_TEXT,
        reply=PHONE_TEXT,
    )

    apps = migrate(AFTER)

    Gig = apps.get_model("projects", "Gig")
    gig = Gig.objects.get(pk=flagged_gig.pk)
    assert (gig.title_masked, gig.description_masked) == (
        mask_contacts(flagged_gig.title),
        mask_contacts(EMAIL_TEXT),
    )
    assert gig.content_flags == ["email", "phone", "prohibited"]
    clean = Gig.objects.get(pk=clean_gig.pk)
    assert (clean.title_masked, clean.description_masked) == ("", "")
    [attachment] = apps.get_model("projects", "GigAttachment").objects.all()
    assert attachment.original_name_masked == f"brief_{MASK}.pdf"
    bid = apps.get_model("projects", "Bid").objects.get()
    assert bid.cover_letter_masked == mask_contacts(PHONE_TEXT)
    assert apps.get_model("projects", "Milestone").objects.get(pk=milestone.pk).title_masked == (
        mask_contacts(flagged_gig.title)
    )
    messages = apps.get_model("projects", "ContractMessage").objects
    assert messages.get(pk=before_funding.pk).body_masked == mask_contacts(PHONE_TEXT)
    assert messages.get(pk=after_funding.pk).body_masked == ""  # funded: never masked
    names = dict(
        apps.get_model("projects", "MessageAttachment").objects.values_list(
            "message_id", "original_name_masked"
        )
    )
    assert names == {before_funding.pk: f"wa_{MASK}.pdf", after_funding.pk: ""}
    review = apps.get_model("projects", "Review").objects.get(pk=review.pk)
    assert (review.comment_masked, review.reply_masked) == (
        mask_contacts(EMAIL_TEXT),
        mask_contacts(PHONE_TEXT),
    )

    User = apps.get_model("accounts", "User")
    assert User.objects.get(pk=freelancer.pk).display_name == f"Budi WA {MASK}"
    assert User.objects.get(pk=client.pk).display_name == "Sari"
    assert (
        apps.get_model("accounts", "ClientProfile").objects.get().shop_name == f"Toko Sari {MASK}"
    )
    profile = apps.get_model("accounts", "FreelancerProfile").objects.get()
    assert (profile.headline_masked, profile.bio_masked, profile.city) == (
        f"Desainer, WA {MASK}",
        "",
        "Bandung",
    )
    items = apps.get_model("accounts", "PortfolioItem").objects
    moved = items.get(pk=item.pk)
    assert (moved.description_masked, moved.link) == (mask_contacts(EMAIL_TEXT), "")
    assert items.get(pk=kept_link.pk).link == "https://behance.net/budi"
