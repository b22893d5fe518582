"""The whole marketplace story in a real browser, on two 360-pixel phones, once in Bahasa
Indonesia and once in English.

A client signs up, tops up Rp 500.000 through the sandbox checkout and posts a gig; a
freelancer signs up, finds the gig with the search box and bids Rp 180.000 (the page previews
the 10 % fee); the client accepts the bid and funds the milestone; the freelancer delivers a
note and a PDF; the client approves; both review; each wallet shows what it should: the
client Rp 320.000, the freelancer Rp 162.000.

Everything happens through the pages, by clicking and typing, each person in their own browser
context (their own cookies). The test itself only loads the category list the site needs
(reference data an admin keeps) and checks the database at the end.

``GIG_MODERATION`` is "off" here: by default a new client's first gig waits for a moderator,
which is another story with its own tests (tests/projects/test_moderation.py and the admin's).

Elements are found by what does not change with the language: form fields by ``id``/``name``,
buttons by the URL their form posts to. Every page state is checked with axe-core as it is
photographed (no serious or critical WCAG 2.1 A/AA violation: tests/browser/axe.py). The words
checked on the pages are Django's own
translation of each string in the page's language, so the test holds while the Indonesian
catalogue is being completed and checks it afterwards.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from accounts.models import Category, User
from payments.models import Deposit
from payments.selectors.wallet import wallet_summary
from projects.models import Bid, Contract, Delivery, Gig, Milestone
from projects.models.reviews import Review
from projects.sample_data.demo.taxonomy import load_taxonomy
from tests.browser.axe import assert_accessible
from tests.samples import PDF

PHONE_WIDTH = 360
PASSWORD = "kopi-susu-gula-aren-42"
TOP_UP = 500_000
BUDGET = 200_000
BID = 180_000
FEE = 18_000  # 10 % of the bid (payments.fees.platform_fee)
# A PDF small enough to read: the delivery's file (as in tests/projects/test_milestones.py).


def rp(amount: int) -> str:
    """Rupiah as the pages write it: Rp 320.000."""
    return "Rp " + f"{amount:,}".replace(",", ".")


class Story:
    """The pieces every step needs: the language, the words in it, screenshots."""

    def __init__(self, language: str, screenshot: Any, live_server: Any) -> None:
        self.language = language
        self.screenshot = screenshot
        self.url = live_server.url
        self.step = 0

    def words(self, text: Any) -> str:
        """``text`` (a string, or a model's lazy label) as the site says it in this story's
        language: the translation catalogue's current word, or the English one while it is not
        translated yet."""
        with translation.override(self.language):
            return translation.gettext(text) if isinstance(text, str) else str(text)

    def check_and_shoot(self, page: Any, name: str) -> None:
        """The page is in the story's language, fits the phone sideways, and is saved."""
        expect(page.locator("html")).to_have_attribute("lang", self.language)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"{name}: {width} px wide on a {PHONE_WIDTH} px screen"
        assert_accessible(page, f"{self.language}: {name}")
        self.step += 1
        self.screenshot(page, f"story-{self.language}-{self.step:02d}-{name}")


def sign_up(page: Any, story: Story, username: str, display_name: str) -> None:
    page.goto("/")
    page.locator("header a[href='/accounts/signup/']").click()
    expect(page).to_have_url(f"{story.url}/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_email", f"{username}@example.id")
    page.fill("#id_display_name", display_name)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_confirm", PASSWORD)
    # The language the person arrived with is the account's language.
    expect(page.locator("#id_preferred_language")).to_have_value(story.language)
    page.locator("form[action='/accounts/signup/'] button[type=submit]").click()
    expect(page).to_have_url(f"{story.url}/dashboard/")
    # Signed in: the phone's tab bar, and the footer names who is signed in.
    expect(page.locator("nav.tabbar a[href='/settings/']")).to_be_visible()
    expect(page.locator("footer .more-links")).to_contain_text(username)


def open_wallet(page: Any, story: Story) -> Any:
    page.locator("nav.tabbar a[href='/wallet/']").click()
    expect(page).to_have_url(f"{story.url}/wallet/")
    expect(page.locator("h1")).to_have_text(story.words("Wallet"))
    return page.locator("#balance-available")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_whole_story_on_two_phones(language, phone_page, screenshot, live_server, settings):
    """Client and freelancer, from signing up to the money in their wallets."""
    settings.GIG_MODERATION = "off"  # moderation has tests of its own; see the module's text
    load_taxonomy()
    design = Category.objects.get(slug="desain-grafis")
    category_name = design.name_id if language == "id" else design.name_en
    story = Story(language, screenshot, live_server)

    client = phone_page(language)
    client.on("dialog", lambda dialog: dialog.accept())  # "Accept this bid?" and the like
    freelancer = phone_page(language)

    # --- the client signs up and tops up -------------------------------------------------
    sign_up(client, story, "toko_sari", "Toko Kue Sari")
    expect(client.locator(".messages")).to_contain_text("Toko Kue Sari")
    story.check_and_shoot(client, "client-signed-up")

    available = open_wallet(client, story)
    expect(available).to_have_text("Rp 0")
    top_up = client.locator("form[action='/wallet/deposits/']")
    top_up.locator("#id_topup-amount").fill("500.000")
    top_up.locator("button[type=submit]").click()

    expect(client).to_have_url(re.compile(r"/payments/sandbox/checkout/[0-9a-f]+/\?return="))
    expect(client.locator("h1")).to_have_text(story.words("Sandbox payment"))
    expect(client.locator("main strong")).to_have_text(rp(TOP_UP))
    story.check_and_shoot(client, "sandbox-checkout")
    client.locator("button[name=outcome][value=pay]").click()
    expect(client.locator("main [role=status]")).to_be_visible()
    client.locator(f"main a[href='{story.url}/wallet/']").click()

    expect(client).to_have_url(f"{story.url}/wallet/")
    # Celery runs the gateway's webhook in-process before "Pay" answers: credited already.
    expect(available).to_have_text(rp(TOP_UP))
    expect(client.locator(".wallet-history")).to_contain_text(f"+{rp(TOP_UP)}")
    story.check_and_shoot(client, "client-wallet-topped-up")

    # --- the client posts a gig ------------------------------------------------------------
    client.locator("header a[href='/gigs/new/']").click()
    expect(client).to_have_url(f"{story.url}/gigs/new/")
    client.fill("#id_title", "Logo untuk toko kue rumahan")
    client.fill(
        "#id_description",
        "Logo sederhana dengan warna pastel untuk kemasan kue dan akun Instagram toko.",
    )
    category = client.locator("#id_category")
    # Each category shows its minimum price; the names are in the page's language.
    expect(category.locator(f"option[value='{design.pk}']")).to_contain_text(category_name)
    expect(category.locator(f"option[value='{design.pk}']")).to_contain_text(rp(100_000))
    category.select_option(str(design.pk))
    logo = design.skills.get(name="Desain logo")
    client.locator("#id_skills").select_option(str(logo.pk))
    client.fill("#id_budget", str(BUDGET))
    # The deadlines keep their suggestions: bidding closes in 3 days, delivery in 10.
    expect(client.locator("#id_bidding_deadline")).not_to_have_value("")
    expect(client.locator("#id_delivery_deadline")).not_to_have_value("")
    story.check_and_shoot(client, "gig-form")
    client.locator("button[name=publish][value=on]").click()

    expect(client).to_have_url(re.compile(r"/gigs/\d+/$"))
    gig_path = client.url.removeprefix(story.url)
    expect(client.locator("h1")).to_have_text("Logo untuk toko kue rumahan")
    expect(client.locator(".messages")).to_have_text(
        story.words("Your gig is live: freelancers can see it and bid.")
    )
    expect(client.locator("dl.facts dd.money").first).to_have_text(rp(BUDGET))
    story.check_and_shoot(client, "gig-posted")

    # --- the freelancer signs up, finds the gig and bids ---------------------------------
    sign_up(freelancer, story, "budi_desain", "Budi Santoso")
    freelancer.locator("header a.brand").click()
    search = freelancer.locator("form[role=search]")
    search.locator("[name=q]").fill("logo kue")
    search.locator(".searchbar button[type=submit]").click()
    expect(freelancer).to_have_url(re.compile(r"/\?q=logo\+kue"))
    card = freelancer.locator(".gig-card").filter(has=freelancer.locator(f"a[href='{gig_path}']"))
    expect(card).to_have_count(1)
    expect(card.locator(".money")).to_have_text(rp(BUDGET))
    expect(card.locator(".pill").first).to_have_text(category_name)
    expect(card).to_contain_text("Toko Kue Sari")
    story.check_and_shoot(freelancer, "browse")
    card.locator(f"a[href='{gig_path}']").click()

    expect(freelancer).to_have_url(f"{story.url}{gig_path}")
    bid_form = freelancer.locator(f"form[action='{gig_path}bid/']")
    # The price starts at the budget; the preview says what the freelancer would receive.
    # (shown as people type rupiah: "200.000").
    expect(bid_form.locator("#id_amount")).to_have_value(rp(BUDGET).removeprefix("Rp "))
    expect(freelancer.locator("#fee-receives")).to_have_text(rp(180_000))
    bid_form.locator("#id_amount").fill(str(BID))
    expect(bid_form.locator("#id_amount")).to_have_value(rp(BID).removeprefix("Rp "))
    expect(freelancer.locator("#fee-price")).to_have_text(rp(BID))
    expect(freelancer.locator("#fee-amount")).to_have_text(rp(FEE))
    expect(freelancer.locator("#fee-receives")).to_have_text(rp(BID - FEE))
    bid_form.locator("#id_delivery_days").fill("4")
    bid_form.locator("#id_cover_letter").fill(
        "Saya desainer logo untuk UMKM sejak 2019. Tiga konsep pertama dalam dua hari."
    )
    story.check_and_shoot(freelancer, "gig-with-bid-form")
    bid_form.locator("button[type=submit]:not([name=preview])").click()

    expect(freelancer).to_have_url(f"{story.url}{gig_path}#my-bid")
    my_bid = freelancer.locator("#my-bid")
    expect(my_bid.locator("h2")).to_have_text(story.words("Your bid"))
    expect(my_bid.locator("dd.money")).to_have_text([rp(BID), rp(FEE), rp(BID - FEE)])
    story.check_and_shoot(freelancer, "bid-sent")

    # --- the client accepts the bid and funds the milestone -------------------------------
    client.locator("nav.tabbar a[href='/dashboard/']").click()
    to_review = client.locator("#as-client .to-review")
    expect(to_review).to_contain_text("Budi Santoso")
    expect(to_review.locator(".money")).to_have_text(rp(BID))
    to_review.locator(f"a[href='{gig_path}#bids']").click()

    bid_card = client.locator("#bids .bid")
    expect(bid_card).to_have_count(1)
    expect(bid_card).to_contain_text("Budi Santoso")
    expect(bid_card.locator("dd.money")).to_have_text(rp(BID))
    story.check_and_shoot(client, "bids-to-compare")
    bid_card.locator("a[href$='/accept/']").click()

    # Accepting asks first, on a page of its own: what the client pays and the freelancer gets.
    expect(client.locator("#client-pays")).to_have_text(rp(BID))
    expect(client.locator("#freelancer-receives")).to_have_text(rp(BID - FEE))
    story.check_and_shoot(client, "accept-confirmation")
    client.locator("form[action$='/accept/'] button[type=submit]").click()

    expect(client).to_have_url(re.compile(r"/contracts/\d+/$"))
    contract_path = client.url.removeprefix(story.url)
    milestone = client.locator("section.milestone")
    expect(milestone).to_have_count(1)
    expect(milestone.locator(".money")).to_have_text(rp(BID))
    # "Your wallet holds Rp 500.000": enough to fund.
    expect(client.locator("main")).to_contain_text(rp(TOP_UP))
    milestone.locator("form[action$='/fund/'] button[type=submit]").click()

    expect(client).to_have_url(re.compile(rf"{contract_path}#milestone-\d+$"))
    expect(client.locator(".messages")).to_contain_text(rp(BID))
    expect(milestone.locator(".pill")).to_have_text(
        capfirst(story.words(Milestone.Status.FUNDED.label))
    )
    story.check_and_shoot(client, "contract-funded")

    # --- the freelancer delivers -----------------------------------------------------------
    freelancer.locator("nav.tabbar a[href='/dashboard/']").click()
    freelancer.locator(f"#as-freelancer a[href='{contract_path}']").click()
    expect(freelancer).to_have_url(f"{story.url}{contract_path}")
    work = freelancer.locator("section.milestone")
    submit = work.locator("details").filter(has=freelancer.locator("form[action$='/submit/']"))
    submit.locator("summary").click()
    submit_form = submit.locator("form[action$='/submit/']")
    submit_form.locator("textarea[name=note]").fill(
        "Logo final terlampir: versi warna dan hitam-putih."
    )
    submit_form.locator("input[name=files]").set_input_files(
        [{"name": "logo.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    story.check_and_shoot(freelancer, "contract-submit-form")
    submit_form.locator("button[type=submit]").click()

    expect(freelancer).to_have_url(re.compile(rf"{contract_path}#milestone-\d+$"))
    deliveries = work.locator("ol.deliveries")
    expect(deliveries).to_contain_text("Logo final terlampir")
    expect(deliveries.locator("ul.files")).to_contain_text("logo.pdf")
    story.check_and_shoot(freelancer, "contract-submitted")

    # --- the client approves -------------------------------------------------------------------
    client.reload()
    expect(milestone.locator("ol.deliveries")).to_contain_text("logo.pdf")
    approve = milestone.locator("form[action$='/approve/'] button[type=submit]")
    expect(approve).to_contain_text(rp(BID))
    approve.click()

    expect(client.locator(".messages")).to_contain_text(rp(BID))
    expect(milestone.locator("form")).to_have_count(0)  # nothing left to do on it
    review_form = client.locator(f"form[action='{contract_path}review/']")
    expect(review_form).to_be_visible()
    story.check_and_shoot(client, "contract-approved")

    # --- both review -------------------------------------------------------------------------
    def write_review(page: Any, comment: str, name: str) -> None:
        form = page.locator(f"form[action='{contract_path}review/']")
        for score in ("quality", "communication", "value"):
            form.locator(f"input[name={score}][value='5']").check()
        form.locator("textarea[name=comment]").fill(comment)
        form.locator("button[type=submit]").click()
        expect(page).to_have_url(f"{story.url}{contract_path}#reviews")
        expect(page.locator("article.review").filter(has_text=comment)).to_have_count(1)
        expect(page.locator(f"form[action='{contract_path}review/']")).to_have_count(0)
        story.check_and_shoot(page, name)

    write_review(client, "Cepat, rapi, dan mudah diajak diskusi. Terima kasih!", "client-reviewed")
    freelancer.reload()
    write_review(
        freelancer, "Brief jelas dan pembayaran lancar. Senang bekerja sama.", "freelancer-reviewed"
    )
    # Both are in: each now sees the other's review too.
    expect(freelancer.locator("article.review")).to_have_count(2)
    client.reload()
    expect(client.locator("article.review")).to_have_count(2)

    # --- the wallets -----------------------------------------------------------------------------
    client_available = open_wallet(client, story)
    expect(client_available).to_have_text(rp(TOP_UP - BID))
    expect(client.locator("#balance-escrow")).to_have_text("Rp 0")
    expect(client.locator(".wallet-history")).to_contain_text(f"−{rp(BID)}")
    story.check_and_shoot(client, "client-wallet")

    freelancer_available = open_wallet(freelancer, story)
    expect(freelancer_available).to_have_text(rp(BID - FEE))
    expect(freelancer.locator(".wallet-history")).to_contain_text(f"+{rp(BID - FEE)}")
    story.check_and_shoot(freelancer, "freelancer-wallet")

    # --- and the database agrees ---------------------------------------------------------------
    sari = User.objects.get(username="toko_sari")
    budi = User.objects.get(username="budi_desain")
    assert (sari.preferred_language, budi.preferred_language) == (language, language)
    assert wallet_summary(user=sari).available == TOP_UP - BID
    assert wallet_summary(user=sari).in_escrow == 0
    assert wallet_summary(user=budi).available == BID - FEE
    assert Deposit.objects.get(user=sari).status == Deposit.Status.PAID
    gig = Gig.objects.get(client=sari)
    assert gig.budget == BUDGET
    assert list(gig.skills.all()) == [logo]
    assert Bid.objects.get(gig=gig).status == Bid.Status.ACCEPTED
    contract = Contract.objects.get(gig=gig, freelancer=budi)
    assert contract.status == Contract.Status.COMPLETED
    assert contract.milestones.get().status == Milestone.Status.RELEASED
    delivered = Delivery.objects.get(milestone__contract=contract).files.get()
    assert (delivered.original_name, delivered.size) == ("logo.pdf", len(PDF))
    assert Review.objects.filter(contract=contract).count() == 2
