"""Withdrawals paid out through Xendit (the local fake, over real HTTP): sent once whatever is
retried, closed by the payout webhook read back through Xendit's API — paid to the payouts
account, or failed and back in the wallet with the freelancer told why in their language.
Replayed, forged and mismatched webhooks move nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Notification
from payments.gateways.base import GatewayUnavailable
from payments.models import LedgerTransaction, Withdrawal
from payments.services.payouts import payout_send
from payments.tasks import resend_stuck_payouts, withdrawal_send_payout
from projects.audit import ledger_problems
from tests.payments.gateways.conftest import fake_xendit  # noqa: F401 - the fixture
from tests.payments.payout_support import (
    AMOUNT,
    BALANCE,
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
    settings.PAYOUT_RESEND_AFTER_SECONDS = 600
    return fake_xendit


@pytest.fixture
def freelancer(settings, xendit):
    return freelancer_with_money(settings)


def requested(freelancer, capture, amount: int = AMOUNT) -> Withdrawal:
    """A withdrawal asked for through the API, its payout task run after the commit."""
    destination = add_destination(freelancer)
    with capture(execute=True):
        response = withdraw(freelancer, destination, amount)
    assert response.status_code == 201, response.content
    return Withdrawal.objects.get(pk=response.json()["id"])


def test_paid_payout_story(freelancer, xendit, api_client, django_capture_on_commit_callbacks):
    withdrawal = requested(freelancer, django_capture_on_commit_callbacks)

    assert withdrawal.status == S.PROCESSING
    assert balances(freelancer) == (BALANCE - AMOUNT, AMOUNT)
    (payout,) = xendit.payouts.values()
    assert payout["reference_id"] == withdrawal.payout_reference
    assert payout["amount"] == AMOUNT
    assert payout["channel_code"] == "ID_BCA"
    assert payout["channel_properties"]["account_holder_name"] == "SITI AMINAH"
    assert withdrawal.provider_reference == payout["id"]
    assert withdrawal.bank_code == "BCA"

    xendit.succeed_payout(payout["id"])
    assert send_callback(api_client, xendit, payout["id"]).status_code == 200
    assert status_of(withdrawal) == S.PAID
    assert balances(freelancer) == (BALANCE - AMOUNT, 0)
    paid = LedgerTransaction.objects.filter(kind="withdrawal_paid")
    assert paid.count() == 1

    # Xendit delivers it again: nothing more moves, no second notice.
    before = ledger_rows()
    assert send_callback(api_client, xendit, payout["id"]).status_code == 200
    assert ledger_rows() == before
    assert Notification.objects.filter(recipient=freelancer, kind="withdrawal_paid").count() == 1
    assert ledger_problems() == []
    call_command("ledger_audit")


def test_failed_payout_returns_the_money_and_tells_why_in_their_language(
    freelancer, xendit, api_client, django_capture_on_commit_callbacks
):
    freelancer.preferred_language = "id"
    freelancer.save(update_fields=["preferred_language"])
    withdrawal = requested(freelancer, django_capture_on_commit_callbacks)
    (payout_id,) = xendit.payouts

    xendit.fail_payout(payout_id, reason="INVALID_DESTINATION")
    assert send_callback(api_client, xendit, payout_id).status_code == 200

    withdrawal.refresh_from_db()
    assert withdrawal.status == S.FAILED
    assert withdrawal.failure_reason == "INVALID_DESTINATION"
    assert balances(freelancer) == (BALANCE, 0)
    notice = Notification.objects.get(recipient=freelancer, kind="withdrawal_failed")
    assert "Rp 100.000" in notice.title
    # Rendered in the freelancer's language (English where the catalog has no entry yet).
    assert notice.body
    before = ledger_rows()
    assert send_callback(api_client, xendit, payout_id).status_code == 200  # replayed
    assert ledger_rows() == before
    assert status_of(withdrawal) == S.FAILED
    call_command("ledger_audit")


def test_the_failure_reason_is_readable_in_english(
    freelancer, xendit, api_client, django_capture_on_commit_callbacks
):
    requested(freelancer, django_capture_on_commit_callbacks)
    (payout_id,) = xendit.payouts
    xendit.fail_payout(payout_id, reason="INVALID_DESTINATION")
    send_callback(api_client, xendit, payout_id)

    notice = Notification.objects.get(recipient=freelancer, kind="withdrawal_failed")
    assert "The bank or e-wallet says this account does not exist." in notice.body
    assert "INVALID_DESTINATION" not in notice.body


def test_forged_callbacks_move_nothing(
    freelancer, xendit, api_client, django_capture_on_commit_callbacks
):
    withdrawal = requested(freelancer, django_capture_on_commit_callbacks)
    (payout_id,) = xendit.payouts
    before = ledger_rows()

    # Another token; the right token but claiming success for a payout Xendit still has pending.
    assert send_callback(api_client, xendit, payout_id, token="forged").status_code == 400
    assert send_callback(api_client, xendit, payout_id, status="SUCCEEDED").status_code == 200
    # A payout id Xendit never made.
    made_up = send_callback(api_client, xendit, payout_id, id="disb-made-up", status="SUCCEEDED")
    assert made_up.status_code == 400

    assert status_of(withdrawal) == S.PROCESSING
    assert ledger_rows() == before
    assert balances(freelancer) == (BALANCE - AMOUNT, AMOUNT)


def test_a_payout_for_another_amount_or_reference_is_refused(
    freelancer, xendit, api_client, django_capture_on_commit_callbacks
):
    withdrawal = requested(freelancer, django_capture_on_commit_callbacks)
    (payout_id,) = xendit.payouts
    xendit.succeed_payout(payout_id)
    before = ledger_rows()

    # Xendit's own record says another amount (our bug, or theirs): 409, nothing moves.
    xendit.payouts[payout_id]["amount"] = AMOUNT - 1
    assert send_callback(api_client, xendit, payout_id).status_code == 409
    xendit.payouts[payout_id]["amount"] = AMOUNT
    # A callback naming another reference than the payout Xendit has: refused as forged.
    other = send_callback(api_client, xendit, payout_id, reference_id="wd_someone_else")
    assert other.status_code == 400
    # A payout of Xendit's for a reference we never sent.
    xendit.payouts[payout_id]["reference_id"] = "wd_unknown"
    assert send_callback(api_client, xendit, payout_id).status_code == 404

    assert status_of(withdrawal) == S.PROCESSING
    assert ledger_rows() == before


def test_xendit_down_at_the_webhook_is_a_503_and_the_retry_settles(
    freelancer, xendit, api_client, django_capture_on_commit_callbacks
):
    withdrawal = requested(freelancer, django_capture_on_commit_callbacks)
    (payout_id,) = xendit.payouts
    xendit.succeed_payout(payout_id)
    body_before = ledger_rows()

    xendit.down = 503
    assert send_callback(api_client, xendit, payout_id).status_code == 503
    assert ledger_rows() == body_before
    xendit.down = None
    assert send_callback(api_client, xendit, payout_id).status_code == 200
    assert status_of(withdrawal) == S.PAID


def test_gateway_down_while_sending_is_sent_later_once(
    settings, freelancer, xendit, django_capture_on_commit_callbacks
):
    xendit.down = 503
    withdrawal = requested(freelancer, django_capture_on_commit_callbacks)
    # The task's retries all met a down Xendit: still waiting to be sent, the money pending.
    assert withdrawal.status == S.SENDING
    assert xendit.payouts == {}
    assert balances(freelancer) == (BALANCE - AMOUNT, AMOUNT)

    xendit.down = None
    assert resend_stuck_payouts() == 0  # not stuck long enough yet: its own retries' turn
    settings.PAYOUT_RESEND_AFTER_SECONDS = 0
    assert resend_stuck_payouts() == 1
    assert status_of(withdrawal) == S.PROCESSING
    assert len(xendit.payouts) == 1
    assert resend_stuck_payouts() == 0  # sent: the sweep leaves it


def test_an_answer_lost_in_a_timeout_is_resent_with_the_same_key_one_payout(
    settings, freelancer, xendit
):
    """Xendit made the payout but its answer never came (or the worker died mid-call): the
    sweep resends with the same idempotency key and Xendit gives the first payout back."""
    destination = add_destination(freelancer)
    withdraw(freelancer, destination)  # its task is never run: a lost message
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.status == S.SENDING

    xendit.down = "lose_answer"
    xendit.hang_seconds = 2.0
    with pytest.raises(GatewayUnavailable):
        payout_send(withdrawal_id=withdrawal.pk)
    assert status_of(withdrawal) == S.SENDING
    assert len(xendit.payouts) == 1  # made, unknown to us

    xendit.down = None
    settings.PAYOUT_RESEND_AFTER_SECONDS = 0
    assert resend_stuck_payouts() == 1
    withdrawal.refresh_from_db()
    assert withdrawal.status == S.PROCESSING
    assert len(xendit.payouts) == 1
    assert withdrawal.provider_reference == next(iter(xendit.payouts))


def test_the_task_run_twice_sends_one_payout(
    freelancer, xendit, django_capture_on_commit_callbacks
):
    withdrawal = requested(freelancer, django_capture_on_commit_callbacks)

    assert withdrawal_send_payout(withdrawal.pk) == S.PROCESSING
    assert withdrawal_send_payout(withdrawal.pk) == S.PROCESSING
    assert len(xendit.payouts) == 1
    assert xendit.requests.count(("POST", "/v2/payouts")) == 1


def test_the_same_key_twice_at_the_gateway_is_one_payout(freelancer, xendit):
    """Two runs that both got past the state check (as a crash between the gateway's answer
    and our commit makes it): the same key, the same payout."""
    destination = add_destination(freelancer)
    withdraw(freelancer, destination)
    withdrawal = Withdrawal.objects.get()
    payout_send(withdrawal_id=withdrawal.pk)
    Withdrawal.objects.filter(pk=withdrawal.pk).update(status=S.SENDING)  # as if rolled back

    payout_send(withdrawal_id=withdrawal.pk)

    assert len(xendit.payouts) == 1
    assert xendit.requests.count(("POST", "/v2/payouts")) == 2


def test_a_refused_payout_is_held_for_finance_with_xendits_words(freelancer, xendit):
    destination = add_destination(freelancer)
    withdraw(freelancer, destination)
    withdrawal = Withdrawal.objects.get()
    # The same key was used with another body (a bug of ours): Xendit refuses, 409.
    xendit._idempotency[withdrawal.payout_idempotency_key] = ({"other": "body"}, "disb-x")

    assert payout_send(withdrawal_id=withdrawal.pk) == S.HELD
    withdrawal.refresh_from_db()
    assert "DUPLICATE_ERROR" in withdrawal.payout_error
    assert balances(freelancer) == (BALANCE - AMOUNT, AMOUNT)
    assert xendit.payouts == {}


def test_the_sweep_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "payments.resend_stuck_payouts" in tasks


def test_with_a_payout_gateway_a_withdrawal_needs_a_destination(freelancer, xendit):
    from tests.conftest import client_for

    before = ledger_rows()
    response = client_for(freelancer).post(
        "/api/v1/wallet/withdrawals/",
        {
            "amount": AMOUNT,
            "method": "bank",
            "bank_code": "BCA",
            "account_number": "1234567890",
            "holder_name": "Someone Else",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "destination" in response.json()["fields"]
    assert ledger_rows() == before
    assert Withdrawal.objects.count() == 0


def test_a_stale_withdrawal_never_sent_is_left_alone_by_the_sweep(settings, freelancer, xendit):
    destination = add_destination(freelancer)
    withdraw(freelancer, destination)
    Withdrawal.objects.update(sending_since=timezone.now() - timedelta(hours=1))
    settings.PAYMENT_GATEWAY = "sandbox"  # payouts by hand now: the sweep sends nothing

    assert resend_stuck_payouts() == 0
    assert xendit.payouts == {}
