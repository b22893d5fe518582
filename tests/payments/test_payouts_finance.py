"""Finance's payout queue: hold one not yet sent, release it, send it again — audited, never
one's own; paying or rejecting by hand only on a site without a payout gateway."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ModeratorAction
from accounts.staff_policy import StaffIsParty
from marketplace.errors import Conflict, PermissionDenied
from payments.gateways.base import GatewayUnavailable
from payments.models import Withdrawal
from payments.services.payouts import (
    payout_send,
    withdrawal_hold,
    withdrawal_release,
    withdrawal_retry,
)
from payments.services.withdrawals import withdrawal_mark_paid, withdrawal_reject
from payments.tasks import resend_stuck_payouts
from tests.accounts.factories import UserFactory
from tests.admin.helpers import act_with_form, offered_actions
from tests.payments.factories import verified
from tests.payments.gateways.conftest import fake_xendit  # noqa: F401 - the fixture
from tests.payments.payout_support import (
    AMOUNT,
    BALANCE,
    add_destination,
    balances,
    finance,  # noqa: F401 - the fixture
    freelancer_with_money,
    ledger_rows,
    send_callback,
    status_of,
    withdraw,
)

pytestmark = pytest.mark.django_db
S = Withdrawal.Status
A = ModeratorAction.Action
ADMIN = "/admin/payments/withdrawal/"


@pytest.fixture
def xendit(settings, fake_xendit):  # noqa: F811 - the imported fixture
    settings.PAYMENT_GATEWAY = "xendit"
    settings.PAYOUT_RESEND_AFTER_SECONDS = 0
    return fake_xendit


@pytest.fixture
def waiting(settings, xendit):
    """A withdrawal waiting to be sent (its task not run yet)."""
    freelancer = freelancer_with_money(settings)
    withdraw(freelancer, add_destination(freelancer))
    return Withdrawal.objects.get()


def audited(action) -> int:
    return ModeratorAction.objects.filter(action=action).count()


def test_a_held_withdrawal_is_not_sent_until_released(waiting, xendit, finance):  # noqa: F811
    withdrawal_hold(withdrawal_id=waiting.pk, staff=finance, reason="Cek dulu akun baru ini")

    assert status_of(waiting) == S.HELD
    assert resend_stuck_payouts() == 0
    assert xendit.payouts == {}
    assert audited(A.HOLD_WITHDRAWAL) == 1

    withdrawal_release(withdrawal_id=waiting.pk, staff=finance)  # its task runs on commit
    resend_stuck_payouts()
    assert status_of(waiting) == S.PROCESSING
    assert len(xendit.payouts) == 1
    assert audited(A.RELEASE_WITHDRAWAL) == 1
    assert balances(waiting.user) == (BALANCE - AMOUNT, AMOUNT)


def test_retry_sends_a_waiting_one_once(
    waiting,
    xendit,
    finance,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal_retry(withdrawal_id=waiting.pk, staff=finance)

    assert status_of(waiting) == S.PROCESSING
    assert len(xendit.payouts) == 1
    assert audited(A.RETRY_WITHDRAWAL) == 1
    # Taken by the gateway: no retry, no hold — its webhook decides now.
    before = ledger_rows()
    with pytest.raises(Conflict):
        withdrawal_retry(withdrawal_id=waiting.pk, staff=finance)
    with pytest.raises(Conflict):
        withdrawal_hold(withdrawal_id=waiting.pk, staff=finance, reason="terlambat")
    assert ledger_rows() == before
    assert status_of(waiting) == S.PROCESSING


def test_by_hand_paid_or_rejected_is_refused_with_a_payout_gateway(waiting, finance):  # noqa: F811
    before = ledger_rows()
    with pytest.raises(Conflict):
        withdrawal_mark_paid(withdrawal_id=waiting.pk, staff=finance)
    with pytest.raises(Conflict):
        withdrawal_reject(withdrawal_id=waiting.pk, staff=finance, reason="no")
    assert ledger_rows() == before
    assert status_of(waiting) == S.SENDING


def test_finance_never_acts_on_their_own_withdrawal(settings, xendit, finance):  # noqa: F811
    verified(finance)
    settings.PAYMENT_GATEWAY = "sandbox"
    from tests.projects.factories import top_up

    top_up(finance, BALANCE)
    settings.PAYMENT_GATEWAY = "xendit"
    withdraw(finance, add_destination(finance))
    own = Withdrawal.objects.get()

    for attempt in (
        lambda: withdrawal_hold(withdrawal_id=own.pk, staff=finance, reason="mine"),
        lambda: withdrawal_retry(withdrawal_id=own.pk, staff=finance),
    ):
        with pytest.raises(StaffIsParty):
            attempt()
    assert status_of(own) == S.SENDING
    assert audited(A.REFUSED_AS_PARTY) == 2
    assert audited(A.HOLD_WITHDRAWAL) == audited(A.RETRY_WITHDRAWAL) == 0


def test_only_finance_holds(waiting):
    for user in (UserFactory(), UserFactory(is_staff=True)):
        with pytest.raises(PermissionDenied):
            withdrawal_hold(withdrawal_id=waiting.pk, staff=user, reason="x")
    assert status_of(waiting) == S.SENDING


def test_the_admin_queue_offers_hold_release_retry_not_by_hand(waiting, finance):  # noqa: F811
    client = Client()
    client.force_login(finance)

    page = client.get(ADMIN)
    assert page.status_code == 200
    assert offered_actions(page) == {"hold", "release", "retry"}

    response = act_with_form(client, ADMIN, "hold", [waiting], reason="Periksa identitas")
    assert response.status_code == 302
    assert status_of(waiting) == S.HELD
    assert Withdrawal.objects.get(pk=waiting.pk).hold_reason == "Periksa identitas"


def test_the_sandbox_queue_keeps_paying_by_hand(settings, finance):  # noqa: F811
    settings.PAYMENT_GATEWAY = "sandbox"
    client = Client()
    client.force_login(finance)
    assert offered_actions(client.get(ADMIN)) == {"mark_paid", "reject", "hold", "release"}


def test_a_key_the_gateway_may_have_forgotten_is_held_not_resent(
    settings,
    waiting,
    xendit,
    finance,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Past PAYOUT_KEY_MAX_AGE_HOURS the gateway may have forgotten the key (Iris: 24 hours),
    so a resend could be a second payout: held for finance, who check the dashboard; their
    release starts the key's clock again and it is sent."""
    old = timezone.now() - timedelta(hours=settings.PAYOUT_KEY_MAX_AGE_HOURS + 1)
    Withdrawal.objects.filter(pk=waiting.pk).update(payout_key_since=old)

    assert resend_stuck_payouts() == 1
    held = Withdrawal.objects.get(pk=waiting.pk)
    assert held.status == S.HELD
    assert waiting.payout_reference in held.payout_error
    assert xendit.payouts == {}

    with django_capture_on_commit_callbacks(execute=True):
        withdrawal_release(withdrawal_id=waiting.pk, staff=finance)
    assert status_of(waiting) == S.PROCESSING
    assert len(xendit.payouts) == 1


def test_a_held_one_the_gateway_paid_anyway_is_settled_by_its_webhook(
    waiting,
    xendit,
    finance,  # noqa: F811
    api_client,
):
    """Its answer was lost, then finance held it: the gateway's word is what happened."""
    xendit.down = "lose_answer"
    xendit.hang_seconds = 2.0
    with pytest.raises(GatewayUnavailable):
        payout_send(withdrawal_id=waiting.pk)
    xendit.down = None
    withdrawal_hold(withdrawal_id=waiting.pk, staff=finance, reason="Cek dulu")
    (payout_id,) = xendit.payouts
    xendit.succeed_payout(payout_id)

    assert send_callback(api_client, xendit, payout_id).status_code == 200

    assert status_of(waiting) == S.PAID
    assert balances(waiting.user) == (BALANCE - AMOUNT, 0)
