"""Money movements tell the wallet's owner, once, in their language."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import Notification
from payments.services.deposits import deposit_complete, deposit_create
from payments.services.withdrawals import (
    withdrawal_mark_paid,
    withdrawal_reject,
    withdrawal_request,
)
from tests.accounts.factories import UserFactory
from tests.payments.factories import verified
from tests.projects.factories import top_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance():
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="process_withdrawal"))
    return staff


def titles(user, kind):
    return list(
        Notification.objects.filter(recipient=user, kind=kind).values_list("title", flat=True)
    )


def test_a_paid_top_up_is_announced_once_in_the_owners_language():
    user = UserFactory(preferred_language="id")
    deposit = deposit_create(user=user, amount=150_000, provider="sandbox")
    for _ in range(2):  # the gateway's webhook, replayed
        deposit_complete(
            provider="sandbox", reference=deposit.reference, status="paid", amount=150_000
        )

    assert titles(user, "deposit_paid") == ["Isi saldo Rp 150.000 diterima"]


def test_a_failed_top_up_is_announced():
    user = UserFactory(preferred_language="en")
    deposit = deposit_create(user=user, amount=150_000, provider="sandbox")
    deposit_complete(
        provider="sandbox", reference=deposit.reference, status="failed", amount=150_000
    )

    assert titles(user, "deposit_failed") == ["Top-up of Rp 150.000 failed"]
    assert titles(user, "deposit_paid") == []


@pytest.mark.parametrize("outcome", ["paid", "rejected"])
def test_a_processed_withdrawal_is_announced_once(finance, outcome):
    user = UserFactory(preferred_language="en")
    top_up(user, 200_000)
    withdrawal = withdrawal_request(
        user=verified(user),
        amount=100_000,
        method="bank",
        bank_code="bca",
        account_number="1234567890",
        holder_name="Budi Santoso",
    )
    assert Notification.objects.filter(recipient=user, kind__startswith="withdrawal").count() == 0

    for _ in range(2):  # a double click in the admin
        if outcome == "paid":
            withdrawal_mark_paid(withdrawal_id=withdrawal.pk, staff=finance)
        else:
            withdrawal_reject(
                withdrawal_id=withdrawal.pk, staff=finance, reason="The account number is wrong."
            )

    notice = Notification.objects.get(recipient=user, kind=f"withdrawal_{outcome}")
    if outcome == "paid":
        assert notice.title == "Withdrawal of Rp 100.000 sent"
        assert notice.body == "We sent Rp 100.000 to your BCA account."
    else:
        assert notice.title == "Withdrawal of Rp 100.000 returned to your wallet"
        assert "The account number is wrong." in notice.body
