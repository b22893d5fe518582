"""Refunding top-ups in the admin: finance only, with an amount and a reason, one audit record
each, never on their own top-up; the refunds list shows what payers owe."""

from collections import Counter

import pytest

from accounts.models import ModeratorAction
from payments.models import Account, DepositRefund, Entry, LedgerTransaction
from payments.services.deposits import deposit_complete
from tests.accounts.factories import UserFactory
from tests.admin.helpers import act_with_form, assert_refused, offered_actions
from tests.projects.factories import top_up

A = ModeratorAction.Action
ROLES = ["moderator", "finance", "plain_staff", "superuser", "ordinary"]
FINANCE = {"finance", "superuser"}
DEPOSITS = "/admin/payments/deposit/"
REFUNDS = "/admin/payments/depositrefund/"


@pytest.fixture(autouse=True)
def _sandbox(settings):
    settings.PAYMENT_GATEWAY = "sandbox"


def wallet_of(user) -> int:
    return Account.objects.get(reference=f"wallet:{user.pk}").balance


def ledger_rows() -> tuple[int, int]:
    return LedgerTransaction.objects.count(), Entry.objects.count()


def refund(client, deposits, **form):
    return act_with_form(client, DEPOSITS, "refund", deposits, **form)


@pytest.mark.parametrize("role", ROLES)
def test_refund_to_the_payer_by_role(roles, admin_client_for, role):
    payer = UserFactory()
    deposit = top_up(payer, 150_000)
    before = ledger_rows()

    response = refund(
        admin_client_for(roles[role]), [deposit], amount=50_000, reason="Paid twice", key="k1"
    )

    if role in FINANCE:
        assert response.status_code == 302
        assert wallet_of(payer) == 100_000
        done = DepositRefund.objects.get()
        assert (done.status, done.amount, done.reason) == ("refunded", 50_000, "Paid twice")
        assert done.requested_by == roles[role]
        assert Counter(
            ModeratorAction.objects.values_list("action", "target_type", "target_id", "reason")
        ) == Counter({(A.REFUND_DEPOSIT, "payments.deposit", deposit.pk, "Paid twice"): 1})
        # The same form sent again (a double click) refunds nothing more.
        refund(
            admin_client_for(roles[role]), [deposit], amount=50_000, reason="Paid twice", key="k1"
        )
        assert wallet_of(payer) == 100_000
        assert DepositRefund.objects.count() == 1
        return
    assert_refused(response, role)
    assert wallet_of(payer) == 150_000
    assert not DepositRefund.objects.exists()
    assert ledger_rows() == before


def test_refund_amount_may_be_typed_the_indonesian_way(roles, admin_client_for):
    payer = UserFactory()
    deposit = top_up(payer, 150_000)

    response = refund(
        admin_client_for(roles["finance"]), [deposit], amount="Rp 50.000", reason="x", key="k"
    )

    assert response.status_code == 302
    assert DepositRefund.objects.get().amount == 50_000
    assert wallet_of(payer) == 100_000


def test_refund_asks_for_an_amount_and_a_reason_first(roles, admin_client_for):
    deposit = top_up(UserFactory(), 150_000)
    client = admin_client_for(roles["finance"])

    form_page = refund(client, [deposit])
    empty = refund(client, [deposit], amount="", reason="", key="k")

    assert form_page.status_code == 200
    assert 'name="key"' in form_page.content.decode()
    assert empty.status_code == 200
    assert set(empty.context["form"].errors) == {"amount", "reason"}
    assert not DepositRefund.objects.exists()


def test_more_than_the_wallet_holds_is_reported_and_nothing_moves(roles, admin_client_for):
    payer = UserFactory()
    deposit = top_up(payer, 150_000)
    client = admin_client_for(roles["finance"])
    before = ledger_rows()

    response = refund(client, [deposit], amount=200_000, reason="x", key="k")

    assert response.status_code == 302
    assert ledger_rows() == before
    assert not DepositRefund.objects.exists()
    assert not ModeratorAction.objects.exists()


def test_finance_is_offered_no_refund_of_their_own_top_up_and_the_service_refuses_it(
    roles, admin_client_for
):
    finance = roles["finance"]
    own = top_up(finance, 150_000)
    client = admin_client_for(finance)
    before = ledger_rows()

    page = client.get(DEPOSITS)
    response = refund(client, [own], amount=10_000, reason="Mine", key="k")

    assert offered_actions(page) == {"refund"}
    assert f'value="{own.pk}"' not in page.content.decode()  # no checkbox on one's own row
    assert response.status_code == 302
    assert wallet_of(finance) == 150_000
    assert ledger_rows() == before
    assert ModeratorAction.objects.get().action == A.REFUSED_AS_PARTY


@pytest.mark.parametrize("role", ROLES)
def test_the_refunds_list_shows_what_a_payer_owes(roles, admin_client_for, role):
    payer = UserFactory()
    deposit = top_up(payer, 150_000)
    from payments.services import escrow

    escrow.escrow_fund(reference="milestone:881", payer_id=payer.pk, amount=100_000)
    deposit_complete(
        provider="sandbox",
        reference=deposit.reference,
        status="refunded",
        amount=150_000,
        refunded=150_000,
    )

    listed = admin_client_for(roles[role]).get(REFUNDS)

    if role in FINANCE:
        assert listed.status_code == 200
        assert "Rp 100.000" in listed.content.decode()  # owed now
    else:
        assert_refused(listed, role)
    escrow.escrow_refund(reference="milestone:881", payer_id=payer.pk, amount=100_000)
