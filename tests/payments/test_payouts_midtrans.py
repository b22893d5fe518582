"""The payout lifecycle with Midtrans' payouts (Iris, the local fake) in the registry: the bank's
name check on adding an account, one payout per withdrawal, the signed notification settling it.
A site with ``PAYMENT_GATEWAY=midtrans`` pays out through Iris (``PAYOUT_GATEWAYS``)."""

from __future__ import annotations

import pytest

from payments import gateways
from payments.gateways.midtrans_payouts import MidtransPayoutGateway
from payments.models import LedgerTransaction, PayoutDestination, Withdrawal
from tests.conftest import client_for
from tests.payments.gateways.conftest import iris  # noqa: F401 - the fixture
from tests.payments.payout_support import (
    AMOUNT,
    BALANCE,
    DESTINATIONS,
    balances,
    freelancer_with_money,
    status_of,
    withdraw,
)

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/v1/payments/webhooks/midtrans/payouts/"
ACCOUNT = {"channel_code": "bca", "account_number": "1234567890", "holder_name": "Siti Aminah"}


@pytest.fixture
def on_iris(settings, iris):  # noqa: F811 - the imported fixture
    settings.PAYMENT_GATEWAY = "midtrans"
    assert isinstance(gateways.payout_gateway(), MidtransPayoutGateway)
    return iris.iris


def notify(api_client, iris_fake, body: bytes):
    return api_client.generic(
        "POST",
        WEBHOOK,
        body,
        content_type="application/json",
        HTTP_IRIS_SIGNATURE=iris_fake.headers(body)["Iris-Signature"],
    )


def test_the_banks_name_decides_and_a_paid_payout_settles_once(
    settings, on_iris, api_client, django_capture_on_commit_callbacks
):
    freelancer = freelancer_with_money(settings)
    on_iris.accounts[("bca", "1234567890")] = "BUDI SANTOSO"
    refused = client_for(freelancer).post(DESTINATIONS, ACCOUNT, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "holder_name_mismatch"
    assert PayoutDestination.objects.count() == 0

    on_iris.accounts[("bca", "1234567890")] = "SITI AMINAH"
    added = client_for(freelancer).post(DESTINATIONS, ACCOUNT, format="json")
    assert added.status_code == 201, added.content
    with django_capture_on_commit_callbacks(execute=True):
        response = withdraw(freelancer, PayoutDestination.objects.get())
    withdrawal = Withdrawal.objects.get(pk=response.json()["id"])
    assert withdrawal.status == Withdrawal.Status.PROCESSING
    (reference_no,) = on_iris.payouts

    body = on_iris.complete(reference_no)
    assert notify(api_client, on_iris, body).status_code == 200
    assert notify(api_client, on_iris, body).status_code == 200  # Iris sends it again
    assert status_of(withdrawal) == Withdrawal.Status.PAID
    assert LedgerTransaction.objects.filter(kind="withdrawal_paid").count() == 1
    assert balances(freelancer) == (BALANCE - AMOUNT, 0)


def test_a_failed_iris_payout_returns_the_money(
    settings, on_iris, api_client, django_capture_on_commit_callbacks
):
    freelancer = freelancer_with_money(settings)
    on_iris.accounts[("bca", "1234567890")] = "Siti Aminah"
    client_for(freelancer).post(DESTINATIONS, ACCOUNT, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(freelancer, PayoutDestination.objects.get())
    (reference_no,) = on_iris.payouts

    assert notify(api_client, on_iris, on_iris.fail(reference_no)).status_code == 200

    assert status_of(Withdrawal.objects.get()) == Withdrawal.Status.FAILED
    assert balances(freelancer) == (BALANCE, 0)
