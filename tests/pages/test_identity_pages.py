"""The "Verify your identity" page: linked from the wallet, showing one's own check only,
submitting it (cleaned images, a bad NIK named on the form), and a withdrawal refused on the
wallet page until the identity is approved — with nothing moved."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import FINANCE, ensure_role_groups
from payments.models import Entry, IdentityCheck, LedgerTransaction
from tests.accounts.factories import UserFactory
from tests.pages.conftest import assert_login_redirect, browser
from tests.payments.factories import NIK, IdentityCheckFactory
from tests.payments.test_identity import jpeg
from tests.projects.factories import top_up

PAGE = "/wallet/identity/"


def form(**overrides):
    return {
        "legal_name": "Siti Aminah",
        "nik": NIK,
        "ktp_image": jpeg(),
        "selfie_image": jpeg("selfie.jpg"),
        **overrides,
    }


@pytest.mark.django_db
def test_the_page_by_who_asks():
    ensure_role_groups()
    owner, stranger = UserFactory(), UserFactory()
    finance = UserFactory(is_staff=True)
    finance.groups.add(Group.objects.get(name=FINANCE))
    IdentityCheckFactory(user=owner, status="rejected", rejection_reason="Foto KTP buram")

    assert_login_redirect(browser().get(PAGE), PAGE)
    assert_login_redirect(browser().post(PAGE, form()), PAGE)
    mine = browser(owner).get(PAGE)
    assert mine.status_code == 200
    assert b"Foto KTP buram" in mine.content
    assert b'enctype="multipart/form-data"' in mine.content
    # A stranger and a Finance moderator see their own state only: nothing submitted.
    for other in (stranger, finance):
        page = browser(other).get(PAGE)
        assert page.status_code == 200
        assert b"Foto KTP buram" not in page.content
        assert b"Not submitted yet." in page.content


@pytest.mark.django_db
def test_submitting_from_the_page_and_a_bad_nik_on_the_form():
    user = UserFactory()
    bad = browser(user).post(PAGE, form(nik="1074045208900003"))
    assert bad.status_code == 400
    assert b"province code" in bad.content
    assert not IdentityCheck.objects.exists()

    sent = browser(user).post(PAGE, form())
    assert sent.status_code == 302
    assert sent["Location"] == PAGE
    page = browser(user).get(PAGE)
    assert b"our finance team is checking it" in page.content
    assert b'name="ktp_image"' not in page.content  # nothing to submit while it waits


@pytest.mark.django_db
def test_the_wallet_links_the_page_and_refuses_a_withdrawal_until_approved():
    user = UserFactory()
    top_up(user, 200_000)
    wallet = browser(user).get("/wallet/")
    assert b'href="/wallet/identity/"' in wallet.content
    before = LedgerTransaction.objects.count(), Entry.objects.count()
    client = browser(user)
    page = client.get("/wallet/")
    token = page.context["withdraw_form"]["token"].value()
    refused = client.post(
        "/wallet/withdrawals/",
        {
            "withdraw-token": token,
            "withdraw-amount": "60.000",
            "withdraw-method": "bank",
            "withdraw-bank_code": "BCA",
            "withdraw-account_number": "1234567890",
            "withdraw-holder_name": "Siti Aminah",
        },
    )
    assert refused.status_code == 400
    assert b"Verify your identity before withdrawing" in refused.content
    assert (LedgerTransaction.objects.count(), Entry.objects.count()) == before

    IdentityCheckFactory(user=user, status="approved")
    assert b"identity-needed" not in browser(user).get("/wallet/").content
