"""What the payout tests share: a verified freelancer with money, on a site paying out through
the local Xendit, and the callbacks Xendit would send to our webhook."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.roles import FINANCE, ensure_role_groups
from payments.models import Entry, LedgerTransaction, PayoutDestination, Withdrawal
from payments.selectors.wallet import wallet_summary
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.payments.factories import verified
from tests.projects.factories import top_up

WEBHOOK = "/api/v1/payments/webhooks/xendit/payouts/"
DESTINATIONS = "/api/v1/me/payout-destinations/"
WITHDRAWALS = "/api/v1/wallet/withdrawals/"
AMOUNT = 100_000
BALANCE = 300_000


def freelancer_with_money(settings, balance: int = BALANCE):
    """A verified freelancer (legal name "Siti Aminah") with ``balance`` in the wallet, topped
    up through the sandbox before the site switches to Xendit. Reads English: notices are
    written in the recipient's language, and the tests read them in English."""
    gateway = settings.PAYMENT_GATEWAY
    settings.PAYMENT_GATEWAY = "sandbox"
    user = verified(UserFactory(preferred_language="en"))
    top_up(user, balance)
    settings.PAYMENT_GATEWAY = gateway
    return user


def add_destination(user, **fields) -> PayoutDestination:
    response = client_for(user).post(
        DESTINATIONS,
        {
            "channel_code": "ID_BCA",
            "account_number": "1234567890",
            "holder_name": "SITI AMINAH",
            **fields,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return PayoutDestination.objects.get(pk=response.json()["id"])


def withdraw(user, destination, amount: int = AMOUNT):
    return client_for(user).post(
        WITHDRAWALS, {"amount": amount, "destination": destination.pk}, format="json"
    )


def send_callback(api_client, fake, payout_id: str, *, token: str | None = None, **override):
    body = fake.payout_callback(payout_id, **override)
    headers = fake.callback_headers(token)
    return api_client.generic(
        "POST",
        WEBHOOK,
        body,
        content_type="application/json",
        HTTP_X_CALLBACK_TOKEN=headers["x-callback-token"],
        HTTP_WEBHOOK_ID=headers["webhook-id"],
    )


def balances(user) -> tuple[int, int]:
    summary = wallet_summary(user=user)
    return summary.available, summary.pending_withdrawal


def ledger_rows() -> tuple[int, int]:
    return LedgerTransaction.objects.count(), Entry.objects.count()


def status_of(withdrawal: Withdrawal | int) -> str:
    pk = withdrawal if isinstance(withdrawal, int) else withdrawal.pk
    return Withdrawal.objects.get(pk=pk).status


@pytest.fixture
def finance(db):
    ensure_role_groups()
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=FINANCE))
    return staff
