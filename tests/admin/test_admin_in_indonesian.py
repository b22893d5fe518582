"""The admin in Bahasa Indonesia: the main models' change lists and change pages show no English
left over from the models (field labels, model names, object names like "Dispute on milestone
3") and no "Django" where Garap's name belongs; object names read in both languages.

These read the Indonesian catalog (locale/id), as a staff member does."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from payments.models import Account, Deposit, LedgerTransaction, Withdrawal
from projects.models import Gig
from projects.services.reports import report_create
from tests.accounts.factories import UserFactory
from tests.admin.test_dispute_console import disputed
from tests.admin.test_payments_admin import request_withdrawal
from tests.projects.factories import BidFactory, GigFactory

# What an untranslated model would show: Django's brand, the models' English field labels (the
# names Django derives from the fields, each now a msgid), model names and object names. Whole
# words, any case; only words that are not also Indonesian (not "status", "rating", "gig").
ENGLISH_LEFTOVERS = [
    "Django",
    "created at",
    "updated at",
    "published at",
    "hidden at",
    "hidden reason",
    "content flags",
    "contact flags",
    "bid count",
    "cover letter",
    "delivery days",
    "revisions included",
    "first funded at",
    "funded at",
    "due at",
    "submitted at",
    "closed at",
    "revisions used",
    "opened by",
    "resolved by",
    "freelancer amount",
    "target user",
    "processed by",
    "processed at",
    "holder name",
    "account number",
    "bank code",
    "payout provider",
    "failure reason",
    "provider reference",
    "checkout url",
    "completed at",
    "idempotency key",
    "display name",
    "preferred language",
    "Dispute on milestone",
    "Contract \\d+ for gig",
    "Milestone \\d+ of contract",
    "Bid \\d+ by",
    "Withdrawal \\d+",
    "Deposit \\S+ \\(",
    "Report \\d+:",
    "delivered file",
    "message attachment",
]
LEFTOVER = re.compile(
    "|".join(rf"(?<!\w){phrase}(?!\w)" for phrase in ENGLISH_LEFTOVERS), re.IGNORECASE
)


class _Text(HTMLParser):
    """The text a person reads: text nodes (not scripts or styles) and the page's title."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)
            if tag == "input" and name == "value" and ("type", "submit") in attrs and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def superuser_in_indonesian(admin_client_for):
    root = UserFactory(username="akar1", is_staff=True, is_superuser=True)
    client = admin_client_for(root)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    return client


@pytest.fixture
def rows(db) -> dict[str, object]:
    """One of each main row, made through the services where money or a dispute is involved."""
    dispute = disputed(files=True)
    contract = dispute.milestone.contract
    gig = GigFactory(content_flags=["phone"])
    bid = BidFactory(gig=gig)
    report, _created = report_create(
        reporter=UserFactory(), target_type="gig", target_id=gig.pk, reason="off_platform_payment"
    )
    withdrawal = request_withdrawal()
    return {
        "accounts/user": contract.freelancer,
        "projects/gig": gig,
        "projects/bid": bid,
        "projects/contract": contract,
        "projects/dispute": dispute,
        "projects/report": report,
        "payments/withdrawal": withdrawal,
        "payments/deposit": Deposit.objects.order_by("pk").first(),
        "payments/account": Account.objects.get(reference=f"wallet:{contract.client_id}"),
        "payments/ledgertransaction": LedgerTransaction.objects.order_by("pk").first(),
    }


PAGES = [
    "accounts/user",
    "projects/gig",
    "projects/bid",
    "projects/contract",
    "projects/dispute",
    "projects/report",
    "payments/withdrawal",
    "payments/deposit",
    "payments/account",
    "payments/ledgertransaction",
]


def leftovers(html: str) -> list[str]:
    return sorted({match.group(0) for match in LEFTOVER.finditer(visible_text(html))})


def test_the_admin_index_says_garap_not_django(superuser_in_indonesian):
    page = superuser_in_indonesian.get("/admin/")

    text = visible_text(page.content.decode())
    assert page.status_code == 200
    assert "Django" not in text
    assert "Administrasi Garap" in text
    assert "<title>Administrasi Garap | Administrasi Garap</title>" in page.content.decode()


def test_change_lists_in_indonesian_have_no_english_left(superuser_in_indonesian, rows):
    found = {}
    for model in PAGES:
        page = superuser_in_indonesian.get(f"/admin/{model}/")
        assert page.status_code == 200, model
        assert len(page.context["cl"].result_list) >= 1, model
        found[model] = leftovers(page.content.decode())

    assert found == {model: [] for model in PAGES}


def test_change_pages_in_indonesian_have_no_english_left(superuser_in_indonesian, rows):
    found = {}
    for model in PAGES:
        page = superuser_in_indonesian.get(f"/admin/{model}/{rows[model].pk}/change/")
        assert page.status_code == 200, model
        found[model] = leftovers(page.content.decode())

    assert found == {model: [] for model in PAGES}


def test_the_english_leftovers_would_be_seen(superuser_in_indonesian, rows):
    """The check above reads what a person reads: the English page is full of them."""
    page = superuser_in_indonesian.get(
        f"/admin/projects/contract/{rows['projects/contract'].pk}/change/",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    found = {phrase.lower() for phrase in leftovers(page.content.decode())}
    assert {"due at", "funded at", "revisions included"} <= found
    assert "django" not in found


@pytest.mark.django_db
def test_object_names_read_in_both_languages():
    dispute = disputed()
    contract = dispute.milestone.contract
    number = dispute.milestone_id

    with translation.override("en"):
        english = (str(dispute), str(contract), str(Withdrawal(pk=7, status="paid")))
    with translation.override("id"):
        indonesian = (str(dispute), str(contract), str(Withdrawal(pk=7, status="paid")))

    assert english == (
        f"Dispute on milestone {number}",
        f"Contract {contract.pk} for gig {contract.gig_id}",
        "Withdrawal 7 (paid)",
    )
    assert indonesian == (
        f"Sengketa pada tahap {number}",
        f"Kontrak {contract.pk} untuk pekerjaan {contract.gig_id}",
        "Penarikan 7 (dibayar)",
    )


@pytest.mark.django_db
def test_category_names_in_the_gig_queue_follow_the_reader(superuser_in_indonesian):
    gig = GigFactory(status=Gig.Status.PENDING_REVIEW)
    category = gig.category

    indonesian = superuser_in_indonesian.get("/admin/projects/gig/").content.decode()
    english = superuser_in_indonesian.get(
        "/admin/projects/gig/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert category.name_id in visible_text(indonesian)
    assert category.name_en not in visible_text(indonesian)
    assert category.name_en in visible_text(english)
    assert category.name_id not in visible_text(english)
