"""The ledger's guarantees: balanced, idempotent, never negative, append-only — and the audit
that finds every way the books could still go wrong."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import translation

from marketplace.errors import PaymentRequired
from payments.models import Account, AppendOnlyError, Entry, LedgerTransaction
from payments.services import ledger
from payments.services.escrow import escrow_fund, escrow_refund, escrow_release
from payments.services.ledger import UnbalancedTransaction
from payments.services.withdrawals import withdrawal_request
from projects.audit import ledger_problems
from projects.models import Milestone
from projects.services.milestones import milestone_fund, milestone_release, milestone_submit
from tests.accounts.factories import UserFactory
from tests.payments.factories import verified
from tests.projects.factories import ContractFactory

pytestmark = pytest.mark.django_db


def top_up(user_id: int, amount: int, key: str = "") -> LedgerTransaction:
    """Money in from the sandbox gateway, as a paid deposit posts it."""
    return ledger.post(
        kind=LedgerTransaction.Kind.DEPOSIT,
        key=key or f"test-deposit:{user_id}:{amount}",
        reference=f"deposit:test:{user_id}",
        entries=[(ledger.gateway("sandbox"), -amount), (ledger.wallet(user_id), amount)],
    )


def balance(ref: ledger.AccountRef) -> int:
    return Account.objects.get(reference=ref.reference).balance


def row_counts() -> tuple[int, int, int]:
    return (
        Account.objects.count(),
        LedgerTransaction.objects.count(),
        Entry.objects.count(),
    )


def entry_sums() -> dict[int, int]:
    return dict(
        Entry.objects.values("account").annotate(s=Sum("amount")).values_list("account", "s")
    )


# --- post(): balance ------------------------------------------------------------------------

W, G = ledger.wallet(1), ledger.gateway("sandbox")


@pytest.mark.parametrize(
    "entries",
    [
        pytest.param([(W, 100_000), (G, -99_999)], id="unbalanced"),
        pytest.param([(W, 100_000)], id="single-entry"),
        pytest.param([(W, 0)], id="single-zero-entry"),
        pytest.param([], id="no-entries"),
        pytest.param([(W, 0), (G, 0)], id="two-zero-entries"),
        pytest.param([(W, 50_000), (G, -50_000), (W, 0)], id="balanced-with-a-zero-entry"),
    ],
)
def test_post_refuses_entries_that_are_not_balanced_and_writes_nothing(entries):
    user = UserFactory()
    entries = [(ledger.wallet(user.pk) if ref is W else ref, amount) for ref, amount in entries]
    before = row_counts()

    with pytest.raises(UnbalancedTransaction):
        ledger.post(kind="deposit", key="bad", reference="deposit:bad", entries=entries)

    assert row_counts() == before
    assert not LedgerTransaction.objects.filter(idempotency_key="bad").exists()


# --- post(): idempotency --------------------------------------------------------------------


def test_same_key_twice_posts_once_and_returns_the_first_transaction():
    user = UserFactory()

    first = top_up(user.pk, 100_000, key="deposit:7")
    second = top_up(user.pk, 100_000, key="deposit:7")

    assert second == first
    assert second.pk == first.pk
    assert LedgerTransaction.objects.filter(idempotency_key="deposit:7").count() == 1
    assert Entry.objects.filter(transaction=first).count() == 2
    assert balance(ledger.wallet(user.pk)) == 100_000
    assert balance(ledger.gateway("sandbox")) == -100_000


def test_same_key_with_other_entries_still_returns_the_first_and_moves_nothing():
    # The key is the identity of the movement: a retry that computed other amounts (a bug or
    # a race) must not post a second, different movement.
    user = UserFactory()
    first = top_up(user.pk, 100_000, key="deposit:8")

    again = top_up(user.pk, 250_000, key="deposit:8")

    assert again.pk == first.pk
    assert balance(ledger.wallet(user.pk)) == 100_000
    assert LedgerTransaction.objects.count() == 1


# --- post(): never negative -----------------------------------------------------------------


def test_wallet_going_negative_is_refused_with_the_missing_amount_and_writes_nothing():
    user = UserFactory()
    top_up(user.pk, 50_000)
    before = row_counts()

    with translation.override("en"), pytest.raises(PaymentRequired) as excinfo:
        escrow_fund(reference="milestone:991", payer_id=user.pk, amount=80_000)

    assert excinfo.value.message == "Not enough money: Rp 30.000 more is needed."
    assert excinfo.value.fields == {"amount": ["Top up at least Rp 30.000."]}
    assert excinfo.value.status_code == 402
    assert excinfo.value.code == "insufficient_funds"
    assert row_counts() == before  # not even the escrow account was created
    assert not Account.objects.filter(reference="escrow:milestone:991").exists()
    assert balance(ledger.wallet(user.pk)) == 50_000


def test_wallet_that_never_held_money_is_refused_the_whole_amount():
    user = UserFactory()

    with translation.override("en"), pytest.raises(PaymentRequired) as excinfo:
        escrow_fund(reference="milestone:992", payer_id=user.pk, amount=125_000)

    assert excinfo.value.message == "Not enough money: Rp 125.000 more is needed."
    assert row_counts() == (0, 0, 0)


def test_escrow_going_negative_is_refused():
    contract = ContractFactory(bid__amount=100_000)
    milestone = contract.milestones.get()
    top_up(contract.client_id, 100_000)
    milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    escrow = ledger.escrow(f"milestone:{milestone.pk}", contract.client_id)
    before = row_counts()

    with pytest.raises(PaymentRequired):
        escrow_release(
            reference=f"milestone:{milestone.pk}",
            payer_id=contract.client_id,
            payee_id=contract.freelancer_id,
            amount=150_000,
        )

    assert row_counts() == before
    assert balance(escrow) == 100_000
    assert not Account.objects.filter(reference=f"wallet:{contract.freelancer_id}").exists()


def test_refusal_checks_the_net_change_of_an_account_listed_twice():
    user = UserFactory()
    top_up(user.pk, 100_000)
    wallet, pending = ledger.wallet(user.pk), ledger.pending_withdrawal(user.pk)

    with pytest.raises(PaymentRequired):
        ledger.post(
            kind="withdrawal_request",
            key="withdrawal:twice",
            reference="withdrawal:twice",
            entries=[(wallet, -60_000), (wallet, -60_000), (pending, 120_000)],
        )
    assert balance(wallet) == 100_000

    ledger.post(
        kind="withdrawal_request",
        key="withdrawal:twice-ok",
        reference="withdrawal:twice-ok",
        entries=[(wallet, -60_000), (wallet, -40_000), (pending, 100_000)],
    )
    assert balance(wallet) == 0
    assert balance(pending) == 100_000


def test_external_accounts_may_go_negative():
    user = UserFactory()

    top_up(user.pk, 300_000)
    ledger.post(
        kind="withdrawal_paid",
        key="test-payout-reversal",
        reference="withdrawal:test",
        entries=[(ledger.payouts(), -75_000), (ledger.wallet(user.pk), 75_000)],
    )

    assert balance(ledger.gateway("sandbox")) == -300_000
    assert balance(ledger.payouts()) == -75_000
    assert balance(ledger.wallet(user.pk)) == 375_000
    assert ledger_problems() == []


# --- cached balances ------------------------------------------------------------------------


def test_cached_balances_equal_the_sum_of_entries_after_a_sequence():
    client, freelancer = UserFactory(), UserFactory()
    top_up(client.pk, 500_000)
    escrow_fund(reference="milestone:1001", payer_id=client.pk, amount=200_000)
    escrow_fund(reference="milestone:1002", payer_id=client.pk, amount=150_000)
    escrow_release(
        reference="milestone:1001", payer_id=client.pk, payee_id=freelancer.pk, amount=200_000
    )
    escrow_refund(reference="milestone:1002", payer_id=client.pk, amount=150_000)
    withdrawal = withdrawal_request(
        user=verified(freelancer),
        amount=100_000,
        method="bank",
        bank_code="bca",
        account_number="1234567890",
        holder_name="Budi Santoso",
    )
    escrow_release(  # a repeat of the release: same key, nothing moves
        reference="milestone:1001", payer_id=client.pk, payee_id=freelancer.pk, amount=200_000
    )

    assert {a.reference: a.balance for a in Account.objects.all()} == {
        "gateway:sandbox": -500_000,
        f"wallet:{client.pk}": 300_000,  # 500 000 − 200 000 released (150 000 came back)
        "escrow:milestone:1001": 0,
        "escrow:milestone:1002": 0,
        f"wallet:{freelancer.pk}": 80_000,  # 200 000 − 20 000 fee − 100 000 withdrawn
        "platform:fees": 20_000,
        f"withdrawals:{freelancer.pk}": 100_000,
    }
    sums = entry_sums()
    assert {a.pk: a.balance for a in Account.objects.all()} == sums
    assert sum(sums.values()) == 0
    assert LedgerTransaction.objects.filter(kind="release").count() == 1
    assert LedgerTransaction.objects.get(kind="withdrawal_request").reference == (
        f"withdrawal:{withdrawal.pk}"
    )
    for txn in LedgerTransaction.objects.all():
        assert txn.entries.aggregate(s=Sum("amount"))["s"] == 0


# --- append-only, model layer ---------------------------------------------------------------


@pytest.fixture
def posted(db):
    user = UserFactory()
    return top_up(user.pk, 100_000, key="deposit:append-only")


def _save_transaction(txn):
    txn.description = "changed"
    txn.save()


def _save_entry(txn):
    entry = txn.entries.first()
    entry.amount = 1
    entry.save()


def _save_entry_update_fields(txn):
    entry = txn.entries.first()
    entry.amount = 1
    entry.save(update_fields=["amount"])


def _bulk_update_entries(txn):
    entries = list(txn.entries.all())
    for entry in entries:
        entry.amount = entry.amount * 2
    Entry.objects.bulk_update(entries, ["amount"])


def _update_or_create_transaction(txn):
    LedgerTransaction.objects.update_or_create(
        idempotency_key=txn.idempotency_key, defaults={"description": "changed"}
    )


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_save_transaction, id="transaction.save"),
        pytest.param(_save_entry, id="entry.save"),
        pytest.param(_save_entry_update_fields, id="entry.save-update_fields"),
        pytest.param(lambda txn: txn.delete(), id="transaction.delete"),
        pytest.param(lambda txn: txn.entries.first().delete(), id="entry.delete"),
        pytest.param(
            lambda txn: LedgerTransaction.objects.filter(pk=txn.pk).update(description="x"),
            id="transaction-queryset.update",
        ),
        pytest.param(
            lambda txn: LedgerTransaction.objects.filter(pk=txn.pk).delete(),
            id="transaction-queryset.delete",
        ),
        pytest.param(lambda txn: Entry.objects.update(amount=1), id="entry-queryset.update"),
        pytest.param(lambda txn: Entry.objects.all().delete(), id="entry-queryset.delete"),
        pytest.param(lambda txn: txn.entries.all().delete(), id="related-manager.delete"),
        pytest.param(_bulk_update_entries, id="entry-bulk_update"),
        pytest.param(_update_or_create_transaction, id="transaction-update_or_create"),
    ],
)
def test_ledger_rows_cannot_be_changed_or_deleted_through_the_orm(posted, change):
    before = list(Entry.objects.order_by("pk").values_list("pk", "account_id", "amount"))

    # bulk_update and update_or_create open their own atomic block; keep the test's usable.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        change(posted)

    assert list(Entry.objects.order_by("pk").values_list("pk", "account_id", "amount")) == before
    txn = LedgerTransaction.objects.get(pk=posted.pk)
    assert (txn.description, txn.idempotency_key) == ("", "deposit:append-only")


def test_new_ledger_rows_can_still_be_saved(posted):
    # The guard is about existing rows: creating through save() is how post() works.
    txn = LedgerTransaction(kind="deposit", idempotency_key="fresh", reference="deposit:fresh")
    txn.save()

    assert LedgerTransaction.objects.filter(idempotency_key="fresh").exists()


# --- append-only, database layer (PostgreSQL triggers) --------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE payments_entry SET amount = amount * 2",
        "DELETE FROM payments_entry",
        "UPDATE payments_ledgertransaction SET description = 'changed'",
        "DELETE FROM payments_ledgertransaction",
    ],
)
def test_database_refuses_raw_sql_that_changes_ledger_rows(posted, sql):
    before = list(Entry.objects.order_by("pk").values_list("pk", "account_id", "amount"))

    with (
        pytest.raises(IntegrityError, match="ledger rows are append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    assert list(Entry.objects.order_by("pk").values_list("pk", "account_id", "amount")) == before
    assert LedgerTransaction.objects.get(pk=posted.pk).description == ""


@pytest.mark.corrupts_ledger
@pytest.mark.postgres
def test_database_still_accepts_new_ledger_rows(posted):
    wallet = Account.objects.get(kind=Account.Kind.WALLET)
    gateway = Account.objects.get(kind=Account.Kind.GATEWAY)

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payments_entry (transaction_id, account_id, amount, created_at) "
            "VALUES (%s, %s, 5, now()), (%s, %s, -5, now())",
            [posted.pk, wallet.pk, posted.pk, gateway.pk],
        )

    assert Entry.objects.filter(transaction=posted).count() == 4


# --- database constraints on accounts and entries -------------------------------------------


def test_database_refuses_a_negative_wallet_balance_from_a_queryset_update(posted):
    wallet = Account.objects.get(kind=Account.Kind.WALLET)

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=wallet.pk).update(balance=-1)

    assert Account.objects.get(pk=wallet.pk).balance == 100_000


@pytest.mark.parametrize("kind", ["wallet", "escrow", "pending_withdrawal", "platform_fees"])
def test_database_refuses_a_negative_balance_from_raw_sql(kind):
    account = Account.objects.create(kind=kind, reference=f"{kind}:raw")

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE payments_account SET balance = -500 WHERE id = %s", [account.pk])

    assert Account.objects.get(pk=account.pk).balance == 0


@pytest.mark.corrupts_ledger
@pytest.mark.parametrize("kind", ["gateway", "payouts"])
def test_database_allows_external_accounts_below_zero(kind):
    account = Account.objects.create(kind=kind, reference=f"{kind}:raw")

    Account.objects.filter(pk=account.pk).update(balance=-500)

    assert Account.objects.get(pk=account.pk).balance == -500


def test_database_refuses_a_zero_entry(posted):
    wallet = Account.objects.get(kind=Account.Kind.WALLET)

    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.bulk_create([Entry(transaction=posted, account=wallet, amount=0)])

    assert Entry.objects.count() == 2


# --- the audit ------------------------------------------------------------------------------


def fund_submit_release(contract) -> Milestone:
    milestone = contract.milestones.get()
    milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note="Selesai.")
    return milestone_release(milestone_id=milestone.pk, actor=contract.client)


@pytest.fixture
def books(db):
    """A ledger that is right: one milestone released, one funded, one still pending."""
    released = ContractFactory(bid__amount=200_000)
    funded = ContractFactory(bid__amount=150_000)
    pending = ContractFactory(bid__amount=90_000)
    top_up(released.client_id, 200_000)
    top_up(funded.client_id, 400_000)
    fund_submit_release(released)
    milestone_fund(milestone_id=funded.milestones.get().pk, actor=funded.client)
    return {
        "released": released.milestones.get(),
        "funded": funded.milestones.get(),
        "pending": pending.milestones.get(),
    }


def audit_fails_naming(*problems: str) -> None:
    assert ledger_problems() == list(problems)
    stderr = StringIO()
    with pytest.raises(CommandError, match=rf"ledger audit failed: {len(problems)} problem\(s\)"):
        call_command("ledger_audit", stderr=stderr)
    assert stderr.getvalue().splitlines() == list(problems)


def test_audit_passes_on_a_clean_ledger(books):
    assert books["released"].status == "released"
    assert Account.objects.get(reference="platform:fees").balance == 20_000
    assert ledger_problems() == []
    stdout = StringIO()
    call_command("ledger_audit", stdout=stdout)
    assert stdout.getvalue().strip() == "ledger audit passed"


def test_audit_passes_on_an_empty_ledger():
    assert ledger_problems() == []
    call_command("ledger_audit", stdout=StringIO())


@pytest.mark.corrupts_ledger
def test_audit_failure_makes_manage_py_exit_non_zero(books):
    # run_from_argv turns a CommandError into sys.exit(returncode); running it in-process here
    # would close the test's database connection, so check the code it would exit with.
    Account.objects.filter(reference="platform:fees").update(balance=1)

    with pytest.raises(CommandError) as excinfo:
        call_command("ledger_audit", stderr=StringIO())

    assert excinfo.value.returncode == 1


@pytest.mark.corrupts_ledger
def test_audit_names_an_extra_unbalanced_entry(books):
    release = LedgerTransaction.objects.get(kind="release")
    fees = Account.objects.get(reference="platform:fees")

    Entry.objects.bulk_create([Entry(transaction=release, account=fees, amount=500)])

    audit_fails_naming(
        "entries sum to 500, not 0",
        f"transaction {release.pk} is unbalanced by 500",
        f"account {fees.pk} caches 20000 but its entries sum to 20500",
    )


@pytest.mark.corrupts_ledger
def test_audit_names_a_cached_balance_that_drifted(books):
    wallet = Account.objects.get(reference=f"wallet:{books['funded'].contract.client_id}")

    Account.objects.filter(pk=wallet.pk).update(balance=999_999)

    audit_fails_naming(f"account {wallet.pk} caches 999999 but its entries sum to 250000")


@pytest.mark.corrupts_ledger
def test_audit_names_a_released_milestone_without_a_release(books):
    pending = books["pending"]

    Milestone.objects.filter(pk=pending.pk).update(status=Milestone.Status.RELEASED)

    audit_fails_naming(f"milestone:{pending.pk} is released with 0 release transactions")


@pytest.mark.corrupts_ledger
def test_audit_names_a_funded_milestone_with_no_escrow(books):
    pending = books["pending"]

    Milestone.objects.filter(pk=pending.pk).update(status=Milestone.Status.FUNDED)

    audit_fails_naming(f"milestone:{pending.pk} (funded) holds 0 in escrow, expected 90000")


@pytest.mark.corrupts_ledger
def test_audit_names_a_settled_milestone_whose_escrow_still_holds_money(books):
    funded = books["funded"]

    Milestone.objects.filter(pk=funded.pk).update(status=Milestone.Status.CANCELLED)

    audit_fails_naming(f"milestone:{funded.pk} (cancelled) holds 150000 in escrow, expected 0")


@pytest.mark.corrupts_ledger
def test_audit_names_a_release_of_a_milestone_that_is_not_released(books):
    pending = books["pending"]
    top_up(pending.contract.client_id, 90_000)
    escrow_fund(
        reference=f"milestone:{pending.pk}", payer_id=pending.contract.client_id, amount=90_000
    )
    escrow_release(
        reference=f"milestone:{pending.pk}",
        payer_id=pending.contract.client_id,
        payee_id=pending.contract.freelancer_id,
        amount=90_000,
    )

    audit_fails_naming(f"milestone:{pending.pk} (pending) has 1 release transactions")


@pytest.mark.corrupts_ledger
def test_audit_names_escrow_that_belongs_to_no_milestone(books):
    client_id = books["pending"].contract.client_id
    top_up(client_id, 40_000)

    escrow_fund(reference="milestone:999999", payer_id=client_id, amount=40_000)

    audit_fails_naming("escrow:milestone:999999 holds 40000 but no milestone matches it")


@pytest.mark.corrupts_ledger
def test_audit_names_every_problem_at_once(books):
    pending, funded = books["pending"], books["funded"]
    fees = Account.objects.get(reference="platform:fees")
    Milestone.objects.filter(pk=pending.pk).update(status=Milestone.Status.FUNDED)
    Milestone.objects.filter(pk=funded.pk).update(status=Milestone.Status.RELEASED)
    Account.objects.filter(pk=fees.pk).update(balance=0)

    audit_fails_naming(
        f"account {fees.pk} caches 0 but its entries sum to 20000",
        f"milestone:{funded.pk} (released) holds 150000 in escrow, expected 0",
        f"milestone:{funded.pk} is released with 0 release transactions",
        f"milestone:{pending.pk} (funded) holds 0 in escrow, expected 90000",
    )
