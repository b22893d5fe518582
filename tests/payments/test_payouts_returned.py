"""A paid payout the bank sends back (Xendit's ``payout.reversed``; the local fake over real
HTTP): the money is with the gateway again, so it goes from the payouts account back to the
freelancer's wallet once, the withdrawal is *returned*, and the freelancer is told why in their
language. Replays, forgeries and contradictions move nothing. Iris documents no reversal after
``completed``: a notification claiming one is read back and changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.functional import lazy

from accounts.models import Notification
from payments import payout_reasons
from payments.models import LedgerTransaction, PayoutDestination, Withdrawal
from projects.audit import ledger_problems
from tests.conftest import client_for
from tests.payments.gateways.conftest import fake_xendit, iris  # noqa: F401 - the fixtures
from tests.payments.payout_support import (
    AMOUNT,
    BALANCE,
    DESTINATIONS,
    add_destination,
    balances,
    freelancer_with_money,
    ledger_rows,
    send_callback,
    status_of,
    withdraw,
)

pytestmark = pytest.mark.django_db
S = Withdrawal.Status


@pytest.fixture
def xendit(settings, fake_xendit):  # noqa: F811 - the imported fixture
    settings.PAYMENT_GATEWAY = "xendit"
    return fake_xendit


@pytest.fixture
def freelancer(settings, xendit):
    return freelancer_with_money(settings)


@pytest.fixture
def paid(freelancer, xendit, api_client, django_capture_on_commit_callbacks):
    """A withdrawal paid out through Xendit and settled by its callback; its payout id."""
    destination = add_destination(freelancer)
    with django_capture_on_commit_callbacks(execute=True):
        response = withdraw(freelancer, destination)
    withdrawal = Withdrawal.objects.get(pk=response.json()["id"])
    (payout_id,) = xendit.payouts
    xendit.succeed_payout(payout_id)
    assert send_callback(api_client, xendit, payout_id).status_code == 200
    assert status_of(withdrawal) == S.PAID
    assert balances(freelancer) == (BALANCE - AMOUNT, 0)
    return withdrawal, payout_id


def returned_notices(user):
    return Notification.objects.filter(recipient=user, kind="withdrawal_returned")


def test_a_reversed_payout_returns_the_money_to_the_wallet_once(
    freelancer, xendit, api_client, paid
):
    withdrawal, payout_id = paid
    xendit.reverse_payout(payout_id)

    response = send_callback(api_client, xendit, payout_id)

    assert response.status_code == 200, response.content
    withdrawal.refresh_from_db()
    assert withdrawal.status == S.RETURNED
    assert withdrawal.failure_reason == "REVERSED"
    assert balances(freelancer) == (BALANCE, 0)
    (reversal,) = LedgerTransaction.objects.filter(kind="withdrawal_reversed")
    assert reversal.idempotency_key == f"withdrawal:{withdrawal.pk}:reversed"
    assert {(e.account.reference, e.amount) for e in reversal.entries.all()} == {
        ("payouts:bank", -AMOUNT),
        (f"wallet:{freelancer.pk}", AMOUNT),
    }
    (notice,) = returned_notices(freelancer)
    assert "Rp 100.000" in notice.title
    assert "The bank sent the transfer back." in notice.body
    assert "REVERSED" not in notice.body

    # Xendit delivers it again, and again: nothing more moves, no second notice.
    before = ledger_rows()
    for _ in range(2):
        assert send_callback(api_client, xendit, payout_id).status_code == 200
    assert ledger_rows() == before
    assert returned_notices(freelancer).count() == 1
    assert balances(freelancer) == (BALANCE, 0)
    assert ledger_problems() == []
    call_command("ledger_audit")


def test_the_reason_is_told_in_the_freelancers_language(
    monkeypatch, freelancer, xendit, api_client, paid
):
    """The notice is rendered in the recipient's language (the reason is lazy text, so it is
    translated then): here a reason that shows which language it was rendered in."""
    freelancer.preferred_language = "id"
    freelancer.save(update_fields=["preferred_language"])
    rendered_in = lazy(lambda: f"<{translation.get_language()}>", str)()
    monkeypatch.setitem(payout_reasons.REASONS, "REVERSED", rendered_in)
    _, payout_id = paid
    xendit.reverse_payout(payout_id)

    with translation.override("en"):
        assert send_callback(api_client, xendit, payout_id).status_code == 200

    (notice,) = returned_notices(freelancer)
    assert "<id>" in notice.body


def test_the_wallet_page_shows_it_returned_with_the_reason(
    client, freelancer, xendit, api_client, paid
):
    withdrawal, payout_id = paid
    xendit.reverse_payout(payout_id)
    send_callback(api_client, xendit, payout_id)
    client.force_login(freelancer)

    page = client.get("/wallet/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "sent back by the bank" in page
    assert "The bank sent the transfer back." in page
    assert f"/wallet/withdrawals/{withdrawal.pk}/receipt" not in page


def test_a_forged_reversal_moves_nothing(freelancer, xendit, api_client, paid):
    """The callback says reversed, but Xendit's own record still says succeeded."""
    withdrawal, payout_id = paid
    before = ledger_rows()

    forged = send_callback(api_client, xendit, payout_id, status="REVERSED")
    wrong_token = send_callback(api_client, xendit, payout_id, token="forged")

    assert (forged.status_code, wrong_token.status_code) == (200, 400)
    assert status_of(withdrawal) == S.PAID
    assert ledger_rows() == before
    assert balances(freelancer) == (BALANCE - AMOUNT, 0)
    assert not returned_notices(freelancer).exists()


def test_a_reversal_for_another_amount_is_refused_and_moves_nothing(
    freelancer, xendit, api_client, paid
):
    withdrawal, payout_id = paid
    xendit.reverse_payout(payout_id)
    xendit.payouts[payout_id]["amount"] = AMOUNT + 1
    before = ledger_rows()

    assert send_callback(api_client, xendit, payout_id).status_code == 409

    assert status_of(withdrawal) == S.PAID
    assert ledger_rows() == before
    assert balances(freelancer) == (BALANCE - AMOUNT, 0)


def test_a_returned_withdrawal_is_not_paid_again(freelancer, xendit, api_client, paid):
    withdrawal, payout_id = paid
    xendit.reverse_payout(payout_id)
    send_callback(api_client, xendit, payout_id)
    xendit.succeed_payout(payout_id)  # a stale record, or a bug at Xendit
    before = ledger_rows()

    assert send_callback(api_client, xendit, payout_id).status_code == 409

    assert status_of(withdrawal) == S.RETURNED
    assert ledger_rows() == before
    assert balances(freelancer) == (BALANCE, 0)


def test_reversed_before_we_saw_it_paid_is_a_plain_failure(
    freelancer, xendit, api_client, django_capture_on_commit_callbacks
):
    """The success callback was lost: the money never left pending withdrawal in our books,
    so it goes back to the wallet from there, once."""
    destination = add_destination(freelancer)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(freelancer, destination)
    (payout_id,) = xendit.payouts
    xendit.succeed_payout(payout_id)
    xendit.reverse_payout(payout_id)

    assert send_callback(api_client, xendit, payout_id).status_code == 200

    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.status, withdrawal.failure_reason) == (S.FAILED, "REVERSED")
    assert balances(freelancer) == (BALANCE, 0)
    assert not LedgerTransaction.objects.filter(kind="withdrawal_reversed").exists()
    assert ledger_problems() == []


def test_iris_has_no_reversal_after_completed(
    settings,
    iris,  # noqa: F811 - the imported fixture
    api_client,
    django_capture_on_commit_callbacks,
):
    """A notification saying a completed Iris payout failed: Iris' own record says completed,
    which is what the ledger moves on, so nothing moves."""
    settings.PAYMENT_GATEWAY = "midtrans"
    fake = iris.iris
    freelancer = freelancer_with_money(settings)
    fake.accounts[("bca", "1234567890")] = "SITI AMINAH"
    account = {"channel_code": "bca", "account_number": "1234567890", "holder_name": "Siti Aminah"}
    assert client_for(freelancer).post(DESTINATIONS, account, format="json").status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(freelancer, PayoutDestination.objects.get())
    (reference_no,) = fake.payouts
    webhook = "/api/v1/payments/webhooks/midtrans/payouts/"

    def notify(body: bytes):
        signature = fake.headers(body)["Iris-Signature"]
        return api_client.generic(
            "POST", webhook, body, content_type="application/json", HTTP_IRIS_SIGNATURE=signature
        )

    assert notify(fake.complete(reference_no)).status_code == 200
    before = ledger_rows()

    claimed = fake.notification(reference_no, status="failed", error_code="002")
    assert notify(claimed).status_code == 200

    assert status_of(Withdrawal.objects.get()) == S.PAID
    assert ledger_rows() == before
    assert balances(freelancer) == (BALANCE - AMOUNT, 0)
