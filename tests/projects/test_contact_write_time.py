"""Contact details are masked once, when a text is written, everywhere the other party or the
public reads it before a contract is funded (accounts.masking) — the copies of a gig's title
in notices, e-mails, milestones, reviews and portfolios; the fields the filter never used to
look at; and reading never runs the filter again.

tests/projects/test_contact_masking.py holds the original rules (gigs, bids, messages); this
file holds what the masking at write time added to them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import ClientProfile, FreelancerProfile, Notification, PortfolioItem, User
from marketplace import contact_filter
from marketplace.contact_filter import MASK, mask_contacts
from projects.models import ContactHit, Milestone
from projects.pages.contracts.thread import MESSAGES_PER_PAGE
from projects.services import milestones as milestone_services
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.matrix import moderators_group
from tests.pages.conftest import browser
from tests.pages.test_account_pages import SIGNUP, field_errors, signup_data
from tests.projects.factories import (
    BidFactory,
    CategoryFactory,
    ContractFactory,
    ContractMessageFactory,
    GigFactory,
    MessageAttachmentFactory,
    top_up,
)
from tests.samples import PDF

pytestmark = pytest.mark.django_db

DIGITS = "3456"  # the middle of every phone number below: never in what a reader may not see
TITLE = "Logo toko kue, WA 0812-3456-7890"
MASKED_TITLE = mask_contacts(TITLE)
LETTER = "Saya siap mengerjakan logo ini dalam tiga hari, dua revisi termasuk."


def moderator() -> User:
    user = UserFactory(is_staff=True)
    user.groups.add(moderators_group())
    return user


def notices_text(user: User) -> str:
    return " ".join(f"{n.title} {n.body}" for n in Notification.objects.filter(recipient=user))


def post_gig(client_user: User, **fields) -> dict:
    response = client_for(client_user).post(
        "/api/v1/gigs/",
        {
            "title": TITLE,
            "description": "Logo sederhana warna pastel untuk kemasan toko kue rumahan.",
            "category": CategoryFactory(min_price=100_000).pk,
            "budget": 250_000,
            "bidding_deadline": (timezone.now() + timedelta(days=3)).isoformat(),
            "delivery_deadline": (timezone.now() + timedelta(days=10)).isoformat(),
            "publish": True,
            **fields,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def bid(freelancer: User, gig_id: int) -> int:
    response = client_for(freelancer).post(
        f"/api/v1/gigs/{gig_id}/bids/",
        {"amount": 200_000, "delivery_days": 3, "cover_letter": LETTER},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


# --- copies of the gig's title (raw copies used to reach freelancers) --------------------------


def test_bid_notices_emails_and_the_first_milestone_carry_the_masked_gig_title(
    settings, django_capture_on_commit_callbacks
):
    settings.GIG_MODERATION = "off"
    client_user = UserFactory(preferred_language="en")
    chosen, other, third = (UserFactory(preferred_language="en") for _ in range(3))
    gig_id = post_gig(client_user)["id"]
    bids = [bid(freelancer, gig_id) for freelancer in (chosen, other, third)]
    as_client = client_for(client_user)

    with django_capture_on_commit_callbacks(execute=True):
        assert as_client.post(f"/api/v1/bids/{bids[0]}/shortlist/").status_code == 200
        assert as_client.post(f"/api/v1/bids/{bids[2]}/reject/").status_code == 200
        accepted = as_client.post(f"/api/v1/bids/{bids[0]}/accept/")
    assert accepted.status_code == 200, accepted.json()

    kinds = {
        (n.recipient_id, n.kind)
        for n in Notification.objects.filter(recipient__in=[chosen, other, third])
    }
    assert {
        (chosen.pk, "bid_shortlisted"),
        (chosen.pk, "bid_accepted"),
        (other.pk, "bid_rejected"),  # closed by the accept
        (third.pk, "bid_rejected"),
    } <= kinds
    for freelancer in (chosen, other, third):
        text = notices_text(freelancer)
        assert DIGITS not in text
        assert f"“{MASKED_TITLE}”" in text
    freelancer_mail = [m for m in mail.outbox if m.to != [client_user.email]]
    assert len(freelancer_mail) >= 4
    assert all(DIGITS not in m.subject + m.body for m in freelancer_mail)
    # The client wrote the title and reads it as written.
    assert f"“{TITLE}”" in notices_text(client_user)

    contract_id = accepted.json()["id"]
    path = f"/api/v1/contracts/{contract_id}/"
    [as_freelancer] = client_for(chosen).get(path).json()["milestones"]
    [as_author] = as_client.get(path).json()["milestones"]
    assert (as_freelancer["title"], as_author["title"]) == (MASKED_TITLE, TITLE)
    assert Milestone.objects.get().title == TITLE
    page = browser(chosen).get(f"/contracts/{contract_id}/").content.decode()
    assert DIGITS not in page
    assert MASKED_TITLE in page


def test_milestone_and_message_notices_to_the_freelancer_are_masked():
    contract = ContractFactory(bid__gig__title=TITLE, bid__gig__content_flags=["phone"])
    top_up(contract.client, 200_000)
    milestone = contract.milestones.get()

    milestone_services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    client_for(contract.client).post(
        f"/api/v1/contracts/{contract.pk}/messages/", {"body": "Sudah saya danai."}, format="json"
    )

    assert (
        Notification.objects.filter(
            recipient=contract.freelancer, kind__in=["milestone_funded", "message_received"]
        ).count()
        == 2
    )
    assert DIGITS not in notices_text(contract.freelancer)


def test_reviews_and_the_portfolio_show_the_gig_title_as_the_freelancer_may_read_it(
    time_machine,
):
    contract = ContractFactory(bid__gig__title=TITLE, bid__gig__content_flags=["phone"])
    top_up(contract.client, 200_000)
    milestone = contract.milestones.get()
    milestone_services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    milestone_services.milestone_submit(
        milestone_id=milestone.pk, actor=contract.freelancer, note="Selesai."
    )
    milestone_services.milestone_release(milestone_id=milestone.pk, actor=contract.client)
    for author in (contract.client, contract.freelancer):
        response = client_for(author).post(
            f"/api/v1/contracts/{contract.pk}/reviews/",
            {"quality": 5, "communication": 5, "value": 5, "comment": "Kerja sama yang baik."},
            format="json",
        )
        assert response.status_code == 201, response.json()

    username = contract.freelancer.username
    FreelancerProfile.objects.create(user=contract.freelancer, headline="Desainer logo")
    public = english_client().get(f"/api/v1/freelancers/{username}/reviews/").json()["results"]
    assert [r["gig_title"] for r in public] == [MASKED_TITLE]
    by_client = client_for(contract.client).get(f"/api/v1/freelancers/{username}/reviews/")
    assert [r["gig_title"] for r in by_client.json()["results"]] == [TITLE]
    page = browser().get(f"/freelancers/{username}/").content.decode()
    assert MASKED_TITLE in page
    assert DIGITS not in page

    # The freelancer adds the work to their portfolio without a title of their own: the item
    # takes the gig's title as the freelancer reads it, not the client's contact details.
    as_client = client_for(contract.client)
    as_client.post(
        f"/api/v1/contracts/{contract.pk}/portfolio-permission/", {"allowed": True}, format="json"
    )
    added = client_for(contract.freelancer).post(
        f"/api/v1/contracts/{contract.pk}/portfolio/", {}, format="json"
    )
    assert added.status_code == 201, added.json()
    assert added.json()["title"] == MASKED_TITLE
    assert PortfolioItem.objects.get().title == MASKED_TITLE


# --- fields the filter never used to check ------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", "Budi WA 0812 3456 7890"),
        ("display_name", "budi@gmail.com"),
        ("username", "budi081234567890"),
    ],
)
def test_sign_up_refuses_contact_details_in_a_name(field, value):
    data = {"username": "budidesain", "email": "budi@example.com", "password": "s3cret-Pass!"}
    response = english_client().post("/api/v1/auth/register/", {**data, field: value})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "contact_details"
    assert list(body["fields"]) == [field]
    assert "contact details" in body["fields"][field][0]
    assert User.objects.count() == 0


def test_a_display_name_shop_name_or_city_with_contact_details_is_refused_and_kept_as_it_was():
    user = UserFactory(display_name="Budi", preferred_language="en")
    ClientProfile.objects.create(user=user, shop_name="Toko Budi")
    FreelancerProfile.objects.create(user=user, headline="Desainer logo", city="Bandung")
    as_user = client_for(user)

    refused = [
        as_user.patch("/api/v1/me/", {"display_name": "Budi (WA 0812 3456 7890)"}, format="json"),
        as_user.put("/api/v1/me/client-profile/", {"shop_name": "t.me/tokobudi"}, format="json"),
        as_user.put(
            "/api/v1/me/freelancer-profile/",
            {"headline": "Desainer logo", "city": "Bandung 0812 3456 7890"},
            format="json",
        ),
    ]

    assert [r.status_code for r in refused] == [400, 400, 400]
    assert [list(r.json()["fields"]) for r in refused] == [
        ["display_name"],
        ["shop_name"],
        ["city"],
    ]
    user.refresh_from_db()
    assert (user.display_name, user.client_profile.shop_name, user.freelancer_profile.city) == (
        "Budi",
        "Toko Budi",
        "Bandung",
    )
    assert ContactHit.objects.count() == 0


def test_a_headline_and_bio_are_masked_for_everyone_but_their_freelancer():
    freelancer = UserFactory(preferred_language="en")
    headline = "Desainer logo, WA 0812 3456 7890"
    bio = "Portofolio lengkap: t.me/budidesain. Berpengalaman lima tahun di UMKM."
    saved = client_for(freelancer).put(
        "/api/v1/me/freelancer-profile/", {"headline": headline, "bio": bio}, format="json"
    )
    assert saved.status_code == 200, saved.json()
    assert (saved.json()["headline"], saved.json()["bio"]) == (headline, bio)

    path = f"/api/v1/freelancers/{freelancer.username}/"
    for viewer in (english_client(), client_for(UserFactory())):
        [listed] = viewer.get("/api/v1/freelancers/").json()["results"]
        assert listed["headline"] == mask_contacts(headline)
        detail = viewer.get(path).json()
        assert (detail["headline"], detail["bio"]) == (mask_contacts(headline), mask_contacts(bio))
    for viewer in (client_for(freelancer), client_for(moderator())):
        detail = viewer.get(path).json()
        assert (detail["headline"], detail["bio"]) == (headline, bio)
    for page in ("/freelancers/", f"/freelancers/{freelancer.username}/"):
        html = browser().get(page).content.decode()
        assert DIGITS not in html
        assert "budidesain" not in html

    hit = ContactHit.objects.get()
    assert (hit.user, hit.source, hit.source_id, hit.kinds) == (
        freelancer,
        "profile",
        freelancer.pk,
        ["link", "phone"],
    )
    [notice] = Notification.objects.filter(recipient=freelancer, kind="contact_details_hidden")
    assert notice.title == "Contact details hidden in your profile"


def test_a_portfolio_item_is_masked_and_a_link_to_a_messaging_app_is_refused():
    freelancer = UserFactory()
    as_freelancer = client_for(freelancer)

    refused = as_freelancer.post(
        "/api/v1/portfolio-items/",
        {"title": "Logo kue", "link": "https://wa.me/6281234567890"},
        format="json",
    )
    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["link"]
    assert PortfolioItem.objects.count() == 0

    title, description = "Logo kue (ig: @budi_desain)", "Pesan lewat budi@gmail.com ya."
    created = as_freelancer.post(
        "/api/v1/portfolio-items/",
        {"title": title, "description": description, "link": "https://behance.net/budi"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    item_id = created.json()["id"]
    path = f"/api/v1/portfolio-items/{item_id}/"
    shown = english_client().get(path).json()
    assert (shown["title"], shown["description"]) == (
        mask_contacts(title),
        mask_contacts(description),
    )
    own = as_freelancer.get(path).json()
    assert (own["title"], own["description"]) == (title, description)
    page = browser().get(f"/freelancers/{freelancer.username}/").content.decode()
    assert "budi_desain" not in page
    assert "budi@gmail" not in page
    hit = ContactHit.objects.get()
    assert (hit.source, hit.source_id, hit.kinds) == (
        "portfolio_item",
        item_id,
        ["email", "social_handle"],
    )

    # An edit masks again: the new text, not the old copy.
    as_freelancer.patch(path, {"description": "Tanpa kontak."}, format="json")
    assert english_client().get(path).json()["description"] == "Tanpa kontak."


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_file_names_in_an_unfunded_thread_are_masked_for_the_other_party():
    contract = ContractFactory(bid__amount=120_000)
    path = f"/api/v1/contracts/{contract.pk}/messages/"
    name = "wa 0812 3456 7890.pdf"

    sent = client_for(contract.freelancer).post(
        path, {"body": "Contoh desain terlampir.", "files": [upload(name)]}, format="multipart"
    )

    assert sent.status_code == 201, sent.json()
    [own_file] = sent.json()["attachments"]
    assert DIGITS in own_file["name"]
    assert sent.json()["contact_details_hidden"] == ["phone"]
    [seen] = client_for(contract.client).get(path).json()["results"]
    [file] = seen["attachments"]
    assert DIGITS not in file["name"]
    assert MASK in file["name"]
    page = browser(contract.client).get(f"/contracts/{contract.pk}/").content.decode()
    assert DIGITS not in page
    assert ContactHit.objects.get().source == "message"

    # Funded: both are protected by the escrow, and the names are no longer masked.
    top_up(contract.client, 120_000)
    milestone_services.milestone_fund(
        milestone_id=contract.milestones.get().pk, actor=contract.client
    )
    client_for(contract.freelancer).post(
        path, {"body": "Versi kedua.", "files": [upload(name)]}, format="multipart"
    )
    newest, _first = client_for(contract.client).get(path).json()["results"]
    assert DIGITS in newest["attachments"][0]["name"]


def test_gig_file_names_are_masked_for_freelancers(settings):
    settings.GIG_MODERATION = "off"
    client_user = UserFactory()
    gig_id = post_gig(client_user, title="Logo toko kue pastel")["id"]
    added = client_for(client_user).post(
        f"/api/v1/gigs/{gig_id}/attachments/",
        {"file": upload("brief hubungi 0812 3456 7890.pdf")},
        format="multipart",
    )
    assert added.status_code == 201, added.json()

    [file] = english_client().get(f"/api/v1/gigs/{gig_id}/").json()["attachments"]
    assert DIGITS not in file["name"]
    [own] = client_for(client_user).get(f"/api/v1/gigs/{gig_id}/").json()["attachments"]
    assert DIGITS in own["name"]
    assert DIGITS not in browser().get(f"/gigs/{gig_id}/").content.decode()


def test_milestone_titles_the_client_writes_are_masked_for_the_freelancer():
    contract = ContractFactory(bid__amount=200_000)
    due = contract.agreed_delivery_at + timedelta(days=1)
    split = client_for(contract.client).post(
        f"/api/v1/contracts/{contract.pk}/milestones/",
        {
            "milestones": [
                {"title": "Sketsa, kirim ke budi@gmail.com", "amount": 100_000, "due_at": due},
                {"title": "Final", "amount": 100_000, "due_at": due + timedelta(days=1)},
            ]
        },
        format="json",
    )
    assert split.status_code == 201, split.json()

    path = f"/api/v1/contracts/{contract.pk}/"
    titles = [m["title"] for m in client_for(contract.freelancer).get(path).json()["milestones"]]
    assert titles == [f"Sketsa, kirim ke {MASK}", "Final"]
    own = [m["title"] for m in client_for(contract.client).get(path).json()["milestones"]]
    assert own == ["Sketsa, kirim ke budi@gmail.com", "Final"]
    hit = ContactHit.objects.get()
    assert (hit.user, hit.source, hit.kinds) == (contract.client, "milestone", ["email"])


def test_review_comments_and_replies_are_masked_for_the_public():
    contract = ContractFactory()
    top_up(contract.client, 200_000)
    milestone = contract.milestones.get()
    milestone_services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    milestone_services.milestone_submit(
        milestone_id=milestone.pk, actor=contract.freelancer, note="ok"
    )
    milestone_services.milestone_release(milestone_id=milestone.pk, actor=contract.client)
    comment = "Mantap! Order lagi lewat WA 0812 3456 7890 saja."
    for author, text in ((contract.client, comment), (contract.freelancer, "Klien yang baik.")):
        response = client_for(author).post(
            f"/api/v1/contracts/{contract.pk}/reviews/",
            {"quality": 5, "communication": 5, "value": 5, "comment": text},
            format="json",
        )
        assert response.status_code == 201, response.json()
    review_id = next(
        r["id"]
        for r in english_client()
        .get(f"/api/v1/freelancers/{contract.freelancer.username}/reviews/")
        .json()["results"]
    )
    reply = "Terima kasih! Chat di luar aplikasi juga boleh."
    replied = client_for(contract.freelancer).post(
        f"/api/v1/reviews/{review_id}/reply/", {"body": reply}, format="json"
    )
    assert replied.status_code == 200, replied.json()

    path = f"/api/v1/freelancers/{contract.freelancer.username}/reviews/"
    [public] = english_client().get(path).json()["results"]
    assert (public["comment"], public["reply"]) == (mask_contacts(comment), mask_contacts(reply))
    [as_author] = client_for(contract.client).get(path).json()["results"]
    assert (as_author["comment"], as_author["reply"]) == (comment, mask_contacts(reply))
    [as_subject] = client_for(contract.freelancer).get(path).json()["results"]
    assert (as_subject["comment"], as_subject["reply"]) == (mask_contacts(comment), reply)
    hits = sorted((h.user_id, h.source, h.kinds) for h in ContactHit.objects.all())
    assert hits == sorted(
        [
            (contract.client_id, "review", ["phone"]),  # "WA 0812…": a label and its number
            (contract.freelancer_id, "review", ["off_platform"]),
        ]
    )


# --- Unicode disguises, end to end ----------------------------------------------------------


@pytest.mark.parametrize(
    "disguised",
    [
        "０８１２-３４５６-７８９０",
        "0\u200b8\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8\u200b9\u200b0",
        "٠٨١٢٣٤٥٦٧٨٩٠",
    ],
)
def test_a_disguised_number_in_a_cover_letter_is_masked_for_the_client(disguised):
    gig = GigFactory()
    letter = f"Saya siap mengerjakan logo ini. Nomor saya {disguised} ya, terima kasih."
    response = client_for(UserFactory()).post(
        f"/api/v1/gigs/{gig.pk}/bids/",
        {"amount": 120_000, "delivery_days": 3, "cover_letter": letter},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["contact_details_hidden"] == ["phone"]
    seen = client_for(gig.client).get(f"/api/v1/bids/{response.json()['id']}/").json()
    assert seen["cover_letter"] == letter.replace(disguised, MASK)


# --- reading never runs the filter --------------------------------------------------------------

CRAFTED = ("0 8 1 2 " * 700)[:5000]  # 5 000 characters of digit runs: the filter's worst food


def forbidden(text: str):
    raise AssertionError("the contact filter ran on a read")


def test_a_thread_of_crafted_messages_is_read_from_the_stored_copies(monkeypatch):
    contract = ContractFactory()
    for _n in range(30):
        message = ContractMessageFactory(
            contract=contract, sender=contract.client, body=CRAFTED, contact_flags=["phone"]
        )
        MessageAttachmentFactory(message=message, original_name="wa_0812_3456_7890.pdf")
    masked = mask_contacts(CRAFTED)
    assert masked != CRAFTED

    monkeypatch.setattr(contact_filter, "_find", forbidden)
    path = f"/api/v1/contracts/{contract.pk}/messages/"
    results = client_for(contract.freelancer).get(path, {"page_size": 100}).json()["results"]
    assert [m["body"] for m in results] == [masked] * 30
    assert all(DIGITS not in m["attachments"][0]["name"] for m in results)
    page = browser(contract.freelancer).get(f"/contracts/{contract.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert CRAFTED[:40] not in html
    assert html.count(f"<p>{masked[:20]}") == min(30, MESSAGES_PER_PAGE)
    assert client_for(contract.client).get(path).json()["results"][0]["body"] == CRAFTED


def test_lists_of_masked_gigs_and_bids_are_read_from_the_stored_copies(monkeypatch):
    gig = GigFactory(title=TITLE, content_flags=["phone"])
    BidFactory.create_batch(3, gig=gig, cover_letter=CRAFTED, contact_flags=["phone"])
    masked_letter = mask_contacts(CRAFTED)

    monkeypatch.setattr(contact_filter, "_find", forbidden)

    cards = english_client().get("/api/v1/gigs/").json()["results"]
    assert [c["title"] for c in cards] == [MASKED_TITLE]
    letters = client_for(gig.client).get(f"/api/v1/gigs/{gig.pk}/bids/").json()["results"]
    assert [b["cover_letter"] for b in letters] == [masked_letter] * 3
    for page in ("/", f"/gigs/{gig.pk}/"):
        html = browser().get(page).content.decode()
        assert MASKED_TITLE in html
        assert DIGITS not in html
    own_page = browser(gig.client).get(f"/gigs/{gig.pk}/").content.decode()
    assert TITLE in own_page  # the client's own title
    assert CRAFTED[:40] not in own_page
    # The bids' letters, as stored masked.
    assert own_page.count(f'<div class="cover-letter"><p>{masked_letter[:20]}') == 3


# --- the pages refuse identity fields with contact details as the API does -------------------


def test_the_pages_refuse_a_name_with_contact_details_and_say_why():
    signup = browser().post(SIGNUP, signup_data(display_name="Sari 0812 3456 7890"))
    assert signup.status_code == 400
    [error] = field_errors(signup, "display_name")
    assert error.startswith("Remove the contact details (phone number)")
    assert User.objects.count() == 0

    user = UserFactory(display_name="Sari", preferred_language="en")
    ClientProfile.objects.create(user=user, shop_name="Toko Sari")
    as_user = browser(user)
    account = as_user.post(
        "/settings/account/", {"display_name": "Sari t.me/sari", "preferred_language": "en"}
    )
    shop = as_user.post("/settings/shop/", {"shop_name": "Toko Sari WA 0812 3456 7890"})

    assert (account.status_code, shop.status_code) == (400, 400)
    assert "Remove the contact details" in account.content.decode()
    assert "Remove the contact details" in shop.content.decode()
    user.refresh_from_db()
    assert (user.display_name, user.client_profile.shop_name) == ("Sari", "Toko Sari")
