"""Money in the admin: finance staff pay or reject withdrawals through the services; the
ledger, deposits and withdrawals are read-only for everyone, a superuser included."""

from collections import Counter

import pytest
from django.contrib.auth.models import Permission

from accounts.models import ModeratorAction, Notification, User
from payments.models import Account, Deposit, Entry, LedgerTransaction, Withdrawal
from payments.services.withdrawals import withdrawal_request
from tests.accounts.factories import UserFactory
from tests.admin.helpers import act_with_form, assert_refused, offered_actions
from tests.payments.factories import verified
from tests.projects.factories import top_up

A = ModeratorAction.Action
ROLES = ["moderator", "finance", "plain_staff", "superuser", "ordinary"]
FINANCE = {"finance", "superuser"}
WITHDRAWALS = "/admin/payments/withdrawal/"


def request_withdrawal(user=None, amount: int = 100_000) -> Withdrawal:
    user = verified(user or UserFactory())
    top_up(user, amount)
    return withdrawal_request(
        user=user,
        amount=amount,
        method=Withdrawal.Method.BANK,
        bank_code="bca",
        account_number="1234567890",
        holder_name="Siti Aminah",
    )


def audit() -> Counter:
    return Counter(ModeratorAction.objects.values_list("action", "target_type", "target_id"))


def states(withdrawals) -> list[str]:
    return [Withdrawal.objects.get(pk=w.pk).status for w in withdrawals]


def ledger_rows() -> tuple[int, int]:
    return LedgerTransaction.objects.count(), Entry.objects.count()


def act(client, action: str, objects, **form):
    return act_with_form(client, WITHDRAWALS, action, objects, **form)


# --- pages by role ----------------------------------------------------------------------------

MODELS = ["withdrawal", "deposit", "account", "ledgertransaction"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", MODELS)
def test_money_pages_by_role(roles, admin_client_for, role, model):
    withdrawal = request_withdrawal()
    obj = {
        "withdrawal": withdrawal,
        "deposit": Deposit.objects.first(),
        "account": Account.objects.get(reference=f"wallet:{withdrawal.user_id}"),
        "ledgertransaction": LedgerTransaction.objects.first(),
    }[model]
    client = admin_client_for(roles[role])

    listed = client.get(f"/admin/payments/{model}/")
    shown = client.get(f"/admin/payments/{model}/{obj.pk}/change/")

    if role in FINANCE:
        assert listed.status_code == 200
        assert shown.status_code == 200
        assert b'name="_save"' not in shown.content
    else:
        assert_refused(listed, role)
        assert_refused(shown, role)


def test_finance_sees_a_transactions_entries(roles, admin_client_for):
    withdrawal = request_withdrawal()
    txn = LedgerTransaction.objects.get(kind="withdrawal_request")

    page = admin_client_for(roles["finance"]).get(
        f"/admin/payments/ledgertransaction/{txn.pk}/change/"
    )

    assert f"wallet:{withdrawal.user_id}" in page.content.decode()
    assert f"withdrawals:{withdrawal.user_id}" in page.content.decode()


# --- withdrawals ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_mark_paid_by_role(roles, admin_client_for, role):
    withdrawals = [request_withdrawal(), request_withdrawal()]
    before = ledger_rows()

    response = act(admin_client_for(roles[role]), "mark_paid", withdrawals)

    if role in FINANCE:
        assert response.status_code == 302
        assert response["Location"] == WITHDRAWALS
        assert states(withdrawals) == ["paid", "paid"]
        assert Withdrawal.objects.get(pk=withdrawals[0].pk).processed_by == roles[role]
        assert audit() == Counter(
            {(A.MARK_WITHDRAWAL_PAID, "payments.withdrawal", w.pk): 1 for w in withdrawals}
        )
        assert LedgerTransaction.objects.filter(kind="withdrawal_paid").count() == 2
        return
    assert_refused(response, role)
    assert states(withdrawals) == ["requested", "requested"]
    assert not ModeratorAction.objects.exists()
    assert ledger_rows() == before


@pytest.mark.parametrize("role", ROLES)
def test_reject_by_role(roles, admin_client_for, role):
    withdrawals = [request_withdrawal(), request_withdrawal()]
    before = ledger_rows()

    response = act(
        admin_client_for(roles[role]), "reject", withdrawals, reason="Nomor rekening salah"
    )

    if role in FINANCE:
        assert response.status_code == 302
        assert states(withdrawals) == ["rejected", "rejected"]
        rejected = Withdrawal.objects.get(pk=withdrawals[0].pk)
        assert rejected.rejection_reason == "Nomor rekening salah"
        assert Account.objects.get(reference=f"wallet:{rejected.user_id}").balance == 100_000
        assert audit() == Counter(
            {(A.REJECT_WITHDRAWAL, "payments.withdrawal", w.pk): 1 for w in withdrawals}
        )
        assert ModeratorAction.objects.filter(reason="Nomor rekening salah").count() == 2
        notice = Notification.objects.get(recipient=rejected.user, kind="withdrawal_rejected")
        assert "Nomor rekening salah" in notice.body
        return
    assert_refused(response, role)
    assert states(withdrawals) == ["requested", "requested"]
    assert not ModeratorAction.objects.exists()
    assert ledger_rows() == before


def test_reject_asks_for_a_reason_first(roles, admin_client_for):
    withdrawal = request_withdrawal()
    client = admin_client_for(roles["finance"])

    form_page = act(client, "reject", [withdrawal])
    empty = act(client, "reject", [withdrawal], reason="")

    assert form_page.status_code == 200
    assert form_page.templates[0].name == "admin/action_form.html"
    assert empty.status_code == 200
    assert empty.context["form"].errors["reason"]
    assert states([withdrawal]) == ["requested"]
    assert not ModeratorAction.objects.exists()


def test_a_withdrawal_already_processed_is_reported_and_the_others_go_through(
    roles, admin_client_for
):
    paid, waiting = request_withdrawal(), request_withdrawal()
    client = admin_client_for(roles["finance"])
    act(client, "mark_paid", [paid])

    response = act(client, "reject", [paid, waiting], reason="Rekening ditutup")

    assert response.status_code == 302
    assert states([paid, waiting]) == ["paid", "rejected"]
    assert audit() == Counter(
        {
            (A.MARK_WITHDRAWAL_PAID, "payments.withdrawal", paid.pk): 1,
            (A.REJECT_WITHDRAWAL, "payments.withdrawal", waiting.pk): 1,
        }
    )


def test_finance_is_offered_paying_by_hand_and_holding_without_a_payout_gateway(
    roles, admin_client_for
):
    request_withdrawal()

    page = admin_client_for(roles["finance"]).get(WITHDRAWALS)

    assert offered_actions(page) == {"mark_paid", "reject", "hold", "release"}


def test_withdrawal_actions_are_not_offered_without_the_permission(admin_client_for):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="payments", codename="view_withdrawal")
    )
    viewer = User.objects.get(pk=viewer.pk)
    withdrawal = request_withdrawal()
    client = admin_client_for(viewer)
    before = ledger_rows()

    page = client.get(WITHDRAWALS)
    paid = act(client, "mark_paid", [withdrawal])
    rejected = act(client, "reject", [withdrawal], reason="Coba")

    assert page.status_code == 200
    assert offered_actions(page) == set()
    assert paid.status_code == rejected.status_code == 200  # no action: just the list
    assert states([withdrawal]) == ["requested"]
    assert not ModeratorAction.objects.exists()
    assert ledger_rows() == before


# --- read-only money, for a superuser too -----------------------------------------------------


def row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


@pytest.mark.parametrize("model", MODELS)
def test_money_rows_cannot_be_added_changed_or_deleted_by_a_superuser(
    roles, admin_client_for, model
):
    withdrawal = request_withdrawal()
    model_class, obj = {
        "withdrawal": (Withdrawal, withdrawal),
        "deposit": (Deposit, Deposit.objects.first()),
        "account": (Account, Account.objects.get(reference=f"wallet:{withdrawal.user_id}")),
        "ledgertransaction": (LedgerTransaction, LedgerTransaction.objects.first()),
    }[model]
    before, counts = row(model_class, obj.pk), ledger_rows()
    client = admin_client_for(roles["superuser"])
    url = f"/admin/payments/{model}/"
    tampered = {
        "status": "paid",
        "amount": "1",
        "balance": "999999",
        "reference": "diubah",
        "kind": "deposit",
        "_save": "Save",
    }

    added = client.post(f"{url}add/", tampered)
    changed = client.post(f"{url}{obj.pk}/change/", tampered)
    deleted = client.post(f"{url}{obj.pk}/delete/", {"post": "yes"})
    bulk = client.post(
        url, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    listed = client.get(url)

    assert added.status_code == 403
    assert changed.status_code == 403
    assert deleted.status_code == 403
    # Withdrawals and deposits have actions, so an unknown one is "no action selected"; the
    # others have none.
    assert bulk.status_code == (302 if model in ("withdrawal", "deposit") else 200)
    assert "delete_selected" not in offered_actions(listed)
    assert row(model_class, obj.pk) == before
    assert ledger_rows() == counts
