"""The database triggers declared on the models (django-pgtrigger) replace the hand-written ones
of older migrations: a database migrated before, holding rows, migrates forward and still
refuses changes to ledger and audit rows, and still fills gig search vectors.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.migrating import migrate, migrate_to_latest

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("latest_migrations_after"),
]

BEFORE = [
    ("accounts", "0013_fill_masked_copies"),
    ("payments", "0005_single_line_text"),
    ("projects", "0015_fill_masked_copies"),
]
HAND_WRITTEN = {
    "payments_entry": "payments_entry_append_only",
    "payments_ledgertransaction": "payments_ledgertransaction_append_only",
    "accounts_moderatoraction": "accounts_moderatoraction_append_only",
    "projects_gig": "projects_gig_search_vector_update",
}


def triggers() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid::regclass::text = ANY(%s)",
            [list(HAND_WRITTEN)],
        )
        found: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
        return found


def rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 (our table names)
        return cursor.fetchall()


def vector(gig_id: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM projects_gig WHERE id = %s", [gig_id])
        return cursor.fetchone()[0]


def test_a_database_with_the_old_triggers_and_rows_migrates_forward_and_stays_guarded():
    apps = migrate(BEFORE)
    assert triggers() == {table: {name} for table, name in HAND_WRITTEN.items()}
    User = apps.get_model("accounts", "User")
    client = User.objects.create(username="sari", email="sari@example.com")
    moderator = User.objects.create(username="mod", email="mod@example.com", is_staff=True)
    Account = apps.get_model("payments", "Account")
    wallet = Account.objects.create(
        kind="wallet", reference=f"wallet:{client.pk}", owner=client, balance=150_000
    )
    gateway = Account.objects.create(kind="gateway", reference="gateway:sandbox", balance=-150_000)
    txn = apps.get_model("payments", "LedgerTransaction").objects.create(
        kind="deposit", idempotency_key="deposit:1", reference="deposit:1"
    )
    Entry = apps.get_model("payments", "Entry")
    Entry.objects.create(transaction=txn, account=wallet, amount=150_000)
    Entry.objects.create(transaction=txn, account=gateway, amount=-150_000)
    apps.get_model("accounts", "ModeratorAction").objects.create(
        moderator=moderator,
        action="warn_user",
        target_type="accounts.user",
        target_id=client.pk,
        target_repr="sari",
        reason="x",
    )
    category = apps.get_model("accounts", "Category").objects.create(
        slug="logo", name_id="Logo", name_en="Logo", min_price=1
    )
    now = timezone.now()
    old_gig = apps.get_model("projects", "Gig").objects.create(
        client=client,
        category=category,
        title="Desain kemasan keripik",
        description="Kemasan untuk keripik pisang khas Lampung.",
        budget=100_000,
        bidding_deadline=now + timedelta(days=1),
        delivery_deadline=now + timedelta(days=9),
    )
    old_vector = vector(old_gig.pk)
    assert "'ripik':3A,6B" in old_vector

    migrate_to_latest()

    # The hand-written triggers are gone, one django-pgtrigger trigger stands in for each.
    found = triggers()
    assert set(found) == set(HAND_WRITTEN)
    for table, names in found.items():
        assert len(names) == 1, (table, names)
        [name] = names
        assert name.startswith("pgtrigger_"), (table, name)
    before = {table: rows(table) for table in HAND_WRITTEN if table != "projects_gig"}
    for sql, refusal in [
        ("UPDATE payments_entry SET amount = amount * 2", "ledger rows are append-only"),
        ("DELETE FROM payments_entry", "ledger rows are append-only"),
        ("UPDATE payments_ledgertransaction SET description = 'x'", "ledger rows are append-only"),
        ("DELETE FROM payments_ledgertransaction", "ledger rows are append-only"),
        ("UPDATE accounts_moderatoraction SET reason = 'y'", "audit rows are append-only"),
        ("DELETE FROM accounts_moderatoraction", "audit rows are append-only"),
    ]:
        with (
            pytest.raises(IntegrityError, match=refusal),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert {table: rows(table) for table in before} == before

    # The existing gig keeps its vector; new and edited text is indexed as before, weights too.
    from projects.models import Gig

    assert vector(old_gig.pk) == old_vector
    Gig.objects.filter(pk=old_gig.pk).update(description="Sampul buku dongeng.")
    assert vector(old_gig.pk) == (
        "'buku':5B 'desain':1A 'dongeng':6B 'masan':2A 'ripik':3A 'sampul':4B"
    )
    new_gig = Gig.objects.create(
        client_id=client.pk,
        category_id=category.pk,
        title="Logo kopi",
        description="Tiga konsep.",
        budget=100_000,
        bidding_deadline=now + timedelta(days=1),
        delivery_deadline=now + timedelta(days=9),
    )
    assert vector(new_gig.pk) == "'konsep':4B 'kopi':2A 'logo':1A 'tiga':3B"
