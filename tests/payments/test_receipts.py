"""Receipts (kuitansi): a paid top-up's or payment's, a paid withdrawal's, a release's, as PDF,
to their owner only, in the owner's language, with the amounts, references, names and WIB time."""

from __future__ import annotations

import contextlib
import re
import zlib
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from payments.models import Deposit, IdentityCheck, LedgerTransaction, Withdrawal
from payments.services.deposits import deposit_complete, deposit_create
from payments.services.withdrawals import withdrawal_mark_paid, withdrawal_request
from projects.models import Contract
from projects.services import milestones as escrow
from projects.services.milestone_payments import milestone_pay
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.matrix import moderators_group
from tests.payments.factories import verified
from tests.projects.factories import ContractFactory, top_up

pytestmark = pytest.mark.django_db

PAID_AT = datetime(2026, 3, 9, 17, 30, tzinfo=UTC)  # 10 Mar, 00:30 in Jakarta
WITHDRAWAL = {
    "amount": 50_000,
    "method": "bank",
    "bank_code": "BCA",
    "account_number": "1234567890",
    "holder_name": "Siti Rahma",
}


def pdf_text(body: bytes) -> str:
    """The text a PDF's pages show: its (decompressed) content streams' string operands."""
    assert body.startswith(b"%PDF-")
    shown = []
    # Each stream is exactly /Length bytes after its "stream" line: compressed data may itself
    # end in a carriage return, so looking for "endstream" instead would cut it short by chance.
    starts = list(re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\r?\n", body))
    assert len(starts) == body.count(b"endstream"), "a stream whose length is not given"
    for start in starts:
        stream = body[start.end() : start.end() + int(start.group(1))]
        with contextlib.suppress(zlib.error):  # a stream left uncompressed is read as it is
            stream = zlib.decompress(stream)
        for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream):
            shown.append(re.sub(rb"\\(.)", rb"\1", raw).decode("latin-1"))
    return "\n".join(shown)


def paid_deposit(user: User, amount: int) -> Deposit:
    deposit = deposit_create(user=user, amount=amount, provider="sandbox")
    return deposit_complete(
        provider="sandbox", reference=deposit.reference, status="paid", amount=amount
    )


def finance() -> User:
    group, _created = Group.objects.get_or_create(name="Finance")
    group.permissions.add(Permission.objects.get(codename="process_withdrawal"))
    staff = UserFactory(is_staff=True)
    staff.groups.add(group)
    return staff


def paid_withdrawal(user: User) -> Withdrawal:
    if not IdentityCheck.objects.filter(user=user, status=IdentityCheck.Status.APPROVED).exists():
        verified(user)  # every withdrawal needs an approved identity
    top_up(user, WITHDRAWAL["amount"])
    withdrawal = withdrawal_request(user=user, **WITHDRAWAL)
    return withdrawal_mark_paid(withdrawal_id=withdrawal.pk, staff=finance())


def released(contract: Contract) -> LedgerTransaction:
    """Fund, deliver and approve the contract's one milestone: its release transaction."""
    milestone = contract.milestones.get()
    top_up(contract.client, milestone.amount)
    escrow.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    escrow.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note="Selesai.")
    escrow.milestone_approve(milestone_id=milestone.pk, actor=contract.client)
    return LedgerTransaction.objects.get(
        kind=LedgerTransaction.Kind.RELEASE, reference=f"milestone:{milestone.pk}"
    )


def receipt(user: User | None, path: str):
    client = client_for(user) if user else english_client()
    return client.get("/api/v1/" + path)


def test_a_top_up_receipt_holds_amount_references_names_and_wib_time(time_machine):
    time_machine.move_to(PAID_AT, tick=False)
    user = UserFactory(display_name="Siti Rahma", preferred_language="en")
    deposit = paid_deposit(user, 150_000)

    response = receipt(user, f"wallet/deposits/{deposit.pk}/receipt/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    number = f"KW-D-{deposit.pk:08d}"
    assert response["Content-Disposition"] == f'attachment; filename="receipt-{number}.pdf"'
    text = pdf_text(response.content)
    assert "Receipt" in text
    for expected in (
        number,
        "10-03-2026 00:30 WIB",
        f"Siti Rahma <{user.email}>",
        "Garap",
        "Wallet top-up",
        "Rp 150.000",
        deposit.reference,
        f"{deposit.provider_reference} (sandbox)",
    ):
        assert expected in text.splitlines(), expected
    assert deposit.provider_reference.startswith("sbx_")


def test_a_pay_and_fund_receipt_names_the_gig_and_the_freelancer_in_indonesian():
    contract = ContractFactory(
        bid__amount=150_000,
        bid__gig__title="Logo toko kue",
        bid__freelancer__display_name="Budi Santoso",
    )
    client = contract.client
    client.preferred_language = "id"
    client.save(update_fields=["preferred_language"])
    payment = milestone_pay(milestone_id=contract.milestones.get().pk, actor=client)
    assert payment.deposit is not None
    deposit = deposit_complete(
        provider="sandbox", reference=payment.deposit.reference, status="paid", amount=150_000
    )

    response = receipt(client, f"wallet/deposits/{deposit.pk}/receipt/")

    assert response.status_code == 200
    number = f"KW-D-{deposit.pk:08d}"
    assert response["Content-Disposition"] == f'attachment; filename="kuitansi-{number}.pdf"'
    lines = pdf_text(response.content).splitlines()
    assert "Garap - Kuitansi" in lines
    assert 'Pembayaran untuk tahapan "Logo toko kue"' in lines
    assert "Budi Santoso" in lines
    assert "Rp 150.000" in lines


def test_a_withdrawal_receipt_holds_the_destination_and_amount():
    user = UserFactory(preferred_language="en")
    withdrawal = paid_withdrawal(user)

    response = receipt(user, f"wallet/withdrawals/{withdrawal.pk}/receipt/")

    assert response.status_code == 200
    lines = pdf_text(response.content).splitlines()
    assert f"KW-W-{withdrawal.pk:08d}" in lines
    assert "BCA ··7890 (Siti Rahma)".replace("·", "\xb7") in lines
    assert "1234567890" not in "\n".join(lines)  # the account number stays mostly hidden
    assert "Rp 50.000" in lines
    assert f"withdrawal:{withdrawal.pk}" in lines


def test_a_release_receipt_shows_amount_fee_and_net_to_the_freelancer(settings):
    settings.PLATFORM_FEE_PERCENT = "10"
    contract = ContractFactory(
        bid__amount=150_000,
        bid__gig__title="Logo toko kue",
        bid__gig__client__display_name="Toko Kue Ani",
        bid__freelancer__preferred_language="en",
    )
    txn = released(contract)

    response = receipt(contract.freelancer, f"wallet/releases/{txn.pk}/receipt/")

    assert response.status_code == 200
    lines = pdf_text(response.content).splitlines()
    assert f"KW-R-{txn.pk:08d}" in lines
    assert 'Approved milestone of "Logo toko kue"' in lines
    assert "Toko Kue Ani" in lines
    assert lines[lines.index("Milestone amount") + 1] == "Rp 150.000"
    assert lines[lines.index("Platform fee") + 1] == "Rp 15.000"
    assert lines[lines.index("Received") + 1] == "Rp 135.000"


def test_a_name_outside_latin1_does_not_break_a_receipt():
    user = UserFactory(display_name="Siti 😀 “Rahma”", preferred_language="en")
    deposit = paid_deposit(user, 100_000)

    response = receipt(user, f"wallet/deposits/{deposit.pk}/receipt/")

    assert response.status_code == 200
    assert f'Siti ? "Rahma" <{user.email}>' in pdf_text(response.content).splitlines()


# --- only the owner's, only paid ---------------------------------------------------------------


@pytest.fixture
def money():
    """A release, a paid withdrawal and two deposits (one paid, one not) of the freelancer's;
    the client is the contract's other party."""
    contract = ContractFactory()
    freelancer = contract.freelancer
    return {
        "freelancer": freelancer,
        "client": contract.client,
        "release": f"wallet/releases/{released(contract).pk}/receipt/",
        "withdrawal": f"wallet/withdrawals/{paid_withdrawal(freelancer).pk}/receipt/",
        "deposit": f"wallet/deposits/{paid_deposit(freelancer, 20_000).pk}/receipt/",
        "pending": "wallet/deposits/{}/receipt/".format(
            deposit_create(user=freelancer, amount=30_000, provider="sandbox").pk
        ),
    }


@pytest.mark.parametrize("what", ["release", "withdrawal", "deposit"])
def test_no_one_but_the_owner_gets_a_receipt(money, what):
    moderator = UserFactory(is_staff=True, is_superuser=True)
    moderator.groups.add(moderators_group())
    missing = receipt(money["freelancer"], "wallet/deposits/999999/receipt/").json()

    assert receipt(money["freelancer"], money[what]).status_code == 200
    assert receipt(None, money[what]).status_code == 401
    for other in (UserFactory(), money["client"], moderator):
        response = receipt(other, money[what])
        assert (response.status_code, response.json()) == (404, missing)


def test_a_payment_not_paid_has_no_receipt(money):
    deposit = Deposit.objects.get(user=money["freelancer"], status=Deposit.Status.PENDING)
    response = receipt(money["freelancer"], money["pending"])

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    deposit_complete(
        provider="sandbox", reference=deposit.reference, status="failed", amount=30_000
    )
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.FAILED
    assert receipt(money["freelancer"], money["pending"]).status_code == 404


def test_the_client_has_no_receipt_of_the_freelancers_release(money):
    path = money["release"]
    assert receipt(money["client"], path).status_code == 404


# --- the pages ---------------------------------------------------------------------------------


def test_the_wallet_page_links_each_paid_ones_receipt(money):
    browser = Client()
    browser.force_login(money["freelancer"])
    page = browser.get(reverse("wallet")).content.decode()

    for what in ("release", "withdrawal", "deposit"):
        assert 'href="/' + money[what] + '"' in page
    assert 'href="/' + money["pending"] + '"' not in page
    download = browser.get("/" + money["deposit"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")
    stranger = Client()
    stranger.force_login(money["client"])
    assert stranger.get("/" + money["deposit"]).status_code == 404
    assert Client().get("/" + money["deposit"]).status_code == 302  # to the login page


# --- queries -----------------------------------------------------------------------------------


def test_a_receipt_costs_the_same_queries_however_much_money_moved():
    def counts(n: int) -> list[int]:
        contracts = [ContractFactory() for _ in range(n)]
        freelancer = contracts[0].freelancer
        release = released(contracts[0])
        withdrawal = paid_withdrawal(freelancer)
        deposits = [paid_deposit(freelancer, 10_000) for _ in range(n)]
        found = []
        client = client_for(freelancer)
        for path in (
            f"wallet/releases/{release.pk}/receipt/",
            f"wallet/withdrawals/{withdrawal.pk}/receipt/",
            f"wallet/deposits/{deposits[-1].pk}/receipt/",
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/api/v1/" + path).status_code == 200
            found.append(len(queries))
        return found

    assert counts(1) == counts(5)
