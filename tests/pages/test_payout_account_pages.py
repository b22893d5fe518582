"""The "Payout accounts" page under the wallet: one's own accounts only, added in one's verified
name (a refusal on the form, nothing saved), removed by the owner alone; and the wallet's
withdraw form paying out to one."""

import pytest

from payments.models import PayoutDestination, Withdrawal
from tests.accounts.factories import UserFactory
from tests.pages.conftest import assert_login_redirect, browser
from tests.payments.factories import verified
from tests.payments.payout_support import ledger_rows
from tests.projects.factories import top_up

PAGE = "/wallet/payout-accounts/"
BCA = {"channel_code": "BCA", "account_number": "1234567890", "holder_name": "Siti Aminah"}

pytestmark = pytest.mark.django_db


def remove_url(destination) -> str:
    return f"{PAGE}{destination.pk}/remove/"


def test_the_page_by_who_asks():
    owner, stranger = verified(UserFactory()), verified(UserFactory())
    destination = PayoutDestination.objects.create(user=owner, kind="bank", label="Gaji", **BCA)

    assert_login_redirect(browser().get(PAGE), PAGE)
    assert_login_redirect(browser().post(PAGE, BCA), PAGE)
    assert_login_redirect(browser().post(remove_url(destination)), remove_url(destination))
    mine = browser(owner).get(PAGE)
    assert mine.status_code == 200
    assert "BCA ··7890 (Gaji)" in mine.content.decode()
    theirs = browser(stranger).get(PAGE)
    assert "··7890" not in theirs.content.decode()
    assert browser(stranger).post(remove_url(destination)).status_code == 404
    assert PayoutDestination.objects.filter(pk=destination.pk).exists()
    assert browser(owner).get(remove_url(destination)).status_code == 405


def test_adding_in_ones_own_name_and_removing():
    owner = verified(UserFactory())
    page = browser(owner)

    added = page.post(PAGE, {**BCA, "holder_name": "SITI AMINAH"})
    assert added.status_code == 302
    destination = PayoutDestination.objects.get(user=owner)
    removed = page.post(remove_url(destination))
    assert removed.status_code == 302
    assert not PayoutDestination.objects.exists()


def test_another_name_is_refused_on_the_form_and_nothing_saved():
    owner = verified(UserFactory())

    response = browser(owner).post(PAGE, {**BCA, "holder_name": "Budi Santoso"})

    assert response.status_code == 400
    assert "The account must be in your own name" in response.content.decode()
    assert 'value="Budi Santoso"' in response.content.decode()
    assert not PayoutDestination.objects.exists()


def test_without_a_verified_identity_the_page_says_so_and_adds_nothing():
    response = browser(UserFactory()).post(PAGE, BCA)
    assert response.status_code == 400
    assert not PayoutDestination.objects.exists()


def test_the_wallet_withdraws_to_a_payout_account():
    owner = verified(UserFactory())
    top_up(owner, 200_000)
    destination = PayoutDestination.objects.create(user=owner, kind="bank", **BCA)
    page = browser(owner)
    wallet = page.get("/wallet/")
    assert b'href="/wallet/payout-accounts/"' in wallet.content
    token = wallet.context["withdraw_form"].initial["token"]

    response = page.post(
        "/wallet/withdrawals/",
        {
            "withdraw-token": token,
            "withdraw-amount": "100.000",
            "withdraw-destination": str(destination.pk),
        },
    )

    assert response.status_code == 302
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.destination, withdrawal.bank_code) == (destination, "BCA")


def test_someone_elses_payout_account_is_refused_on_the_form():
    owner, other = verified(UserFactory()), verified(UserFactory())
    top_up(owner, 200_000)
    theirs = PayoutDestination.objects.create(user=other, kind="bank", **BCA)
    page = browser(owner)
    token = page.get("/wallet/").context["withdraw_form"].initial["token"]
    before = ledger_rows()

    response = page.post(
        "/wallet/withdrawals/",
        {"withdraw-token": token, "withdraw-amount": "100000", "withdraw-destination": theirs.pk},
    )

    assert response.status_code == 400
    assert ledger_rows() == before
    assert not Withdrawal.objects.exists()


def test_with_a_payout_gateway_the_form_offers_payout_accounts_only(settings):
    owner = verified(UserFactory())
    PayoutDestination.objects.create(user=owner, kind="bank", **{**BCA, "channel_code": "ID_BCA"})
    settings.PAYMENT_GATEWAY = "xendit"

    form = browser(owner).get("/wallet/").context["withdraw_form"]

    assert set(form.fields) == {"token", "amount", "destination"}
    assert form.fields["destination"].required
