"""Top-ups given back: finance refunds on the sandbox, refunds and chargebacks the gateway
reports, the debt they may leave, and the staff rule. Every refusal asserts nothing moved; the
autouse ledger audit runs after each test (tests/conftest.py)."""

from __future__ import annotations

import time
import uuid

import pytest
from django.contrib.auth.models import Permission

from accounts.models import ModeratorAction, Notification
from accounts.staff_policy import StaffIsParty
from marketplace.errors import DomainError, PaymentRequired, PermissionDenied
from payments.gateways.sandbox import SandboxGateway
from payments.models import Account, Deposit, DepositRefund, LedgerTransaction
from payments.services import escrow, ledger
from payments.services.chargebacks import owed_amount
from payments.services.deposits import deposit_complete, deposit_create
from payments.services.refunds import deposit_refund, deposit_refund_resend
from payments.services.withdrawals import withdrawal_request
from tests.accounts.factories import UserFactory
from tests.payments.factories import verified
from tests.races import row_lock, within

pytestmark = pytest.mark.django_db

Kind = LedgerTransaction.Kind


@pytest.fixture(autouse=True)
def _sandbox(settings):
    settings.PAYMENT_GATEWAY = "sandbox"


@pytest.fixture
def finance():
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="process_withdrawal"))
    return staff


def balance(reference: str) -> int:
    return (
        Account.objects.filter(reference=reference).values_list("balance", flat=True).first() or 0
    )


def wallet_of(user) -> int:
    return balance(ledger.wallet(user.pk).reference)


def paid_deposit(user, amount: int = 150_000) -> Deposit:
    deposit = deposit_create(user=user, amount=amount, provider="sandbox")
    return deposit_complete(
        provider="sandbox", reference=deposit.reference, status="paid", amount=amount
    )


def books() -> dict[str, int]:
    return dict(Account.objects.values_list("reference", "balance"))


def refund(deposit, finance, amount, key=None):
    return deposit_refund(
        deposit=deposit,
        amount=amount,
        reason="Client asked for it back",
        staff=finance,
        key=key or uuid.uuid4().hex,
    )


def gateway_reports(deposit, refunded: int) -> Deposit:
    return deposit_complete(
        provider=deposit.provider,
        reference=deposit.reference,
        status="refunded",
        amount=deposit.amount,
        refunded=refunded,
    )


def withdraw(user, amount: int):
    return withdrawal_request(
        user=user,
        amount=amount,
        method="bank",
        bank_code="BCA",
        account_number="1234567890",
        holder_name="Sari Wulandari",
    )


# --- finance refunds ---------------------------------------------------------------------


def test_finance_refunds_part_of_a_top_up_on_the_sandbox(finance):
    payer = UserFactory(preferred_language="id")
    deposit = paid_deposit(payer)

    done = refund(deposit, finance, 50_000)

    assert done.status == DepositRefund.Status.REFUNDED
    assert done.gateway_reference.startswith("sbx_refund_")
    assert wallet_of(payer) == 100_000
    assert balance("refunds:sandbox") == 0
    # Out through the gateway, the way it came in: the clearing account shows the bank's side.
    assert balance("gateway:sandbox") == -100_000
    kinds = LedgerTransaction.objects.filter(reference=f"deposit:{deposit.pk}")
    assert sorted(kinds.values_list("kind", flat=True)) == sorted(
        [Kind.DEPOSIT, Kind.DEPOSIT_REFUND_REQUESTED, Kind.DEPOSIT_REFUND_PAID]
    )
    audit = ModeratorAction.objects.get(action=ModeratorAction.Action.REFUND_DEPOSIT)
    assert audit.moderator == finance
    assert audit.details == {"amount": 50_000, "refund": done.pk}
    notice = Notification.objects.get(recipient=payer, kind="deposit_refunded")
    assert "Rp 50.000" in notice.title


def test_the_same_key_refunds_once(finance):
    payer = UserFactory()
    deposit = paid_deposit(payer)

    first = refund(deposit, finance, 40_000, key="k-1")
    again = refund(deposit, finance, 40_000, key="k-1")

    assert again.pk == first.pk
    assert wallet_of(payer) == 110_000
    assert DepositRefund.objects.count() == 1


def test_more_than_the_wallet_holds_is_refused_and_nothing_moves(finance):
    payer = UserFactory()
    deposit = paid_deposit(payer)
    escrow.escrow_fund(reference="milestone:991", payer_id=payer.pk, amount=120_000)
    before = books()

    with pytest.raises(PaymentRequired, match="only money still in the wallet"):
        refund(deposit, finance, 50_000)

    assert books() == before
    assert not DepositRefund.objects.exists()
    assert not ModeratorAction.objects.filter(action="refund_deposit").exists()
    # Put the escrow back for the ledger audit's milestone check.
    escrow.escrow_refund(reference="milestone:991", payer_id=payer.pk, amount=120_000)


def test_more_than_the_top_up_is_refused(finance):
    payer = UserFactory()
    deposit = paid_deposit(payer, 100_000)
    paid_deposit(payer, 100_000)
    refund(deposit, finance, 60_000)
    before = books()

    with pytest.raises(DomainError, match="what is left of this top-up"):
        refund(deposit, finance, 50_000)

    assert books() == before


def test_a_gateway_refusal_returns_the_money_to_the_wallet(finance, monkeypatch):
    from payments.gateways.base import GatewayRefused

    payer = UserFactory()
    deposit = paid_deposit(payer)

    def refuse(self, deposit, **kwargs):
        raise GatewayRefused("412 Merchant cannot modify the status of the transaction")

    monkeypatch.setattr(SandboxGateway, "refund", refuse)
    done = refund(deposit, finance, 50_000)

    assert done.status == DepositRefund.Status.FAILED
    assert "412" in done.failure
    assert wallet_of(payer) == 150_000
    assert balance("refunds:sandbox") == 0
    assert not Notification.objects.filter(kind="deposit_refunded").exists()


def test_a_gateway_that_does_not_answer_keeps_the_refund_pending_until_sent_again(
    finance, monkeypatch
):
    from payments.gateways.base import GatewayUnavailable

    payer = UserFactory()
    deposit = paid_deposit(payer)
    real = SandboxGateway.refund

    def down(self, deposit, **kwargs):
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(SandboxGateway, "refund", down)
    pending = refund(deposit, finance, 50_000)

    # Unknown whether it went out: set aside, neither back in the wallet nor gone.
    assert pending.status == DepositRefund.Status.REQUESTED
    assert wallet_of(payer) == 100_000
    assert balance("refunds:sandbox") == 50_000
    with pytest.raises(PaymentRequired):  # set aside means not spendable
        escrow.escrow_fund(reference="milestone:992", payer_id=payer.pk, amount=120_000)

    monkeypatch.setattr(SandboxGateway, "refund", real)
    sent = deposit_refund_resend(refund_id=pending.pk, staff=finance)

    assert sent.status == DepositRefund.Status.REFUNDED
    assert balance("refunds:sandbox") == 0
    assert wallet_of(payer) == 100_000
    # Once more is nothing more.
    assert deposit_refund_resend(refund_id=pending.pk, staff=finance).status == "refunded"
    assert LedgerTransaction.objects.filter(kind=Kind.DEPOSIT_REFUND_PAID).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_refund_sweep_waits_briefly_for_a_held_deposit_and_closes_it_next_run(
    finance, monkeypatch, settings
):
    """The deposit's row is held elsewhere (its webhook, an admin's edit): the sweep gives up
    on the refund after TIMER_LOCK_TIMEOUT_SECONDS, not when the holder lets go, and closes it
    on a later run, once."""
    from datetime import timedelta

    from django.utils import timezone

    from payments.gateways.base import GatewayUnavailable
    from payments.tasks import resend_pending_refunds

    settings.TIMER_LOCK_TIMEOUT_SECONDS = 0.5
    payer = UserFactory()
    deposit = paid_deposit(payer)
    real = SandboxGateway.refund

    def down(self, deposit, **kwargs):
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(SandboxGateway, "refund", down)
    pending = refund(deposit, finance, 50_000)
    DepositRefund.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - timedelta(minutes=6)
    )
    monkeypatch.setattr(SandboxGateway, "refund", real)

    with row_lock(deposit) as holder:
        started = time.monotonic()
        assert within(10, resend_pending_refunds, unblock=holder.rollback) == 0
        assert time.monotonic() - started < 5
        pending.refresh_from_db()
        assert pending.status == DepositRefund.Status.REQUESTED
        assert balance("refunds:sandbox") == 50_000

    assert resend_pending_refunds() == 1  # the next run: the row is free
    assert resend_pending_refunds() == 0
    pending.refresh_from_db()
    assert pending.status == DepositRefund.Status.REFUNDED
    assert balance("refunds:sandbox") == 0
    assert wallet_of(payer) == 100_000
    assert LedgerTransaction.objects.filter(kind=Kind.DEPOSIT_REFUND_PAID).count() == 1


def test_the_sweep_sends_pending_refunds_again_once_the_gateway_answers(finance, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from payments.gateways.base import GatewayUnavailable
    from payments.tasks import resend_pending_refunds

    payer = UserFactory()
    deposit = paid_deposit(payer)
    real = SandboxGateway.refund

    def down(self, deposit, **kwargs):
        raise GatewayUnavailable("timeout")

    monkeypatch.setattr(SandboxGateway, "refund", down)
    old, fresh = refund(deposit, finance, 50_000), refund(deposit, finance, 20_000)
    DepositRefund.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=6))

    assert resend_pending_refunds() == 0  # still down: nothing moves
    assert balance("refunds:sandbox") == 70_000

    monkeypatch.setattr(SandboxGateway, "refund", real)
    assert resend_pending_refunds() == 1  # only the one pending for over five minutes
    assert resend_pending_refunds() == 0

    statuses = dict(DepositRefund.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "refunded", fresh.pk: "requested"}
    assert balance("refunds:sandbox") == 20_000
    assert wallet_of(payer) == 80_000


def test_staff_never_refund_their_own_top_up(finance):
    deposit = paid_deposit(finance)
    before = books()

    with pytest.raises(StaffIsParty):
        refund(deposit, finance, 10_000)

    assert books() == before
    assert not DepositRefund.objects.exists()
    assert ModeratorAction.objects.get().action == ModeratorAction.Action.REFUSED_AS_PARTY


def test_only_finance_refunds():
    payer = UserFactory()
    deposit = paid_deposit(payer)
    before = books()

    with pytest.raises(PermissionDenied):
        refund(deposit, UserFactory(is_staff=True), 10_000)

    assert books() == before


def test_an_unpaid_top_up_is_not_refunded(finance):
    deposit = deposit_create(user=UserFactory(), amount=150_000, provider="sandbox")

    with pytest.raises(DomainError, match="Only a paid top-up"):
        refund(deposit, finance, 10_000)

    assert not DepositRefund.objects.exists()


# --- refunds and chargebacks the gateway reports --------------------------------------------


def test_a_chargeback_the_wallet_covers_is_taken_once(finance):
    payer = UserFactory()
    deposit = paid_deposit(payer)

    for _ in range(2):  # the webhook, replayed
        gateway_reports(deposit, 150_000)

    assert wallet_of(payer) == 0
    assert owed_amount(user_id=payer.pk) == 0
    taken = DepositRefund.objects.get()
    assert taken.origin == DepositRefund.Origin.GATEWAY
    assert (taken.amount, taken.taken_from_wallet, taken.shortfall) == (150_000, 150_000, 0)
    assert LedgerTransaction.objects.filter(kind=Kind.CHARGEBACK).count() == 1
    assert Notification.objects.filter(recipient=payer, kind="deposit_taken_back").count() == 1


def test_a_chargeback_beyond_the_wallet_is_owed_and_blocks_withdrawals_until_a_top_up(finance):
    payer = verified(UserFactory())
    deposit = paid_deposit(payer, 150_000)
    escrow.escrow_fund(reference="milestone:993", payer_id=payer.pk, amount=100_000)

    gateway_reports(deposit, 150_000)

    assert wallet_of(payer) == 0
    assert owed_amount(user_id=payer.pk) == 100_000
    taken = DepositRefund.objects.get()
    assert (taken.taken_from_wallet, taken.shortfall) == (50_000, 100_000)
    assert Notification.objects.filter(recipient=payer, kind="deposit_taken_back_owed").exists()

    # Money back into the wallet another way (the milestone refunded) cannot be withdrawn while
    # the debt stands; a top-up then settles the debt from the wallet first.
    escrow.escrow_refund(reference="milestone:993", payer_id=payer.pk, amount=100_000)
    before = books()
    with pytest.raises(PaymentRequired, match=r"you owe Garap Rp 100\.000"):
        withdraw(payer, 50_000)
    assert books() == before

    paid_deposit(payer, 50_000)

    assert owed_amount(user_id=payer.pk) == 0
    assert wallet_of(payer) == 50_000
    assert withdraw(payer, 50_000).amount == 50_000


def test_a_debt_refuses_withdrawals_and_the_next_top_up_settles_it(finance):
    payer = verified(UserFactory())
    deposit = paid_deposit(payer, 150_000)
    escrow.escrow_fund(reference="milestone:994", payer_id=payer.pk, amount=150_000)
    gateway_reports(deposit, 150_000)
    assert owed_amount(user_id=payer.pk) == 150_000
    before = books()

    with pytest.raises(PaymentRequired, match=r"you owe Garap Rp 150\.000") as refused:
        withdraw(payer, 50_000)

    assert refused.value.code == "money_owed"
    assert books() == before

    paid_deposit(payer, 200_000)  # new money settles the debt first

    assert owed_amount(user_id=payer.pk) == 0
    assert wallet_of(payer) == 50_000
    withdraw(payer, 50_000)
    assert wallet_of(payer) == 0
    escrow.escrow_refund(reference="milestone:994", payer_id=payer.pk, amount=150_000)


def test_a_refund_webhook_for_our_own_refund_closes_it_without_a_second_debit(finance, monkeypatch):
    from payments.gateways.base import GatewayUnavailable

    payer = UserFactory()
    deposit = paid_deposit(payer)

    def lost(self, deposit, **kwargs):
        raise GatewayUnavailable("answer lost")

    monkeypatch.setattr(SandboxGateway, "refund", lost)
    pending = refund(deposit, finance, 50_000)

    for _ in range(2):
        gateway_reports(deposit, 50_000)

    pending.refresh_from_db()
    assert pending.status == DepositRefund.Status.REFUNDED
    assert wallet_of(payer) == 100_000
    assert balance("refunds:sandbox") == 0
    assert DepositRefund.objects.count() == 1
    assert not LedgerTransaction.objects.filter(kind=Kind.CHARGEBACK).exists()


def test_a_later_chargeback_after_our_refund_takes_only_the_rest(finance):
    payer = UserFactory()
    deposit = paid_deposit(payer)
    refund(deposit, finance, 50_000)

    gateway_reports(deposit, 50_000)  # our own refund, reported
    assert wallet_of(payer) == 100_000
    gateway_reports(deposit, 150_000)  # then the bank takes the rest back

    assert wallet_of(payer) == 0
    assert DepositRefund.objects.filter(origin="gateway").get().amount == 100_000


@pytest.mark.corrupts_ledger
def test_the_ledger_audit_names_a_debt_account_above_zero():
    from projects.audit import ledger_problems

    user = UserFactory()
    Account.objects.create(
        reference=f"owed:{user.pk}", kind=Account.Kind.OWED, owner=user, balance=5
    )

    assert f"owed:{user.pk} is positive: 5" in ledger_problems()
