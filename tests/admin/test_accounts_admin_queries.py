"""The admin's people and money lists cost the same number of queries at 10 rows as at 200
(a page shows 100): every per-row figure comes from an annotation or ``select_related``."""

from datetime import timedelta
from itertools import cycle

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ModeratorAction, Suspension, User
from accounts.services import audit_record
from payments.models import Account, Deposit, LedgerTransaction, Withdrawal
from payments.services.deposits import deposit_create
from payments.services.withdrawals import withdrawal_mark_paid, withdrawal_request
from tests.accounts.factories import UserFactory
from tests.payments.factories import verified
from tests.projects.factories import top_up

A = ModeratorAction.Action


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def rows_shown(client, url: str) -> int:
    return len(client.get(url).context["cl"].result_list)


def grow_users(roles, count: int) -> None:
    """Users with groups, some suspended now and some lifted (``count`` new ones)."""
    now = timezone.now()
    for i in range(count):
        user = UserFactory()
        if i % 3 == 0:
            Suspension.objects.create(
                user=user, reason="Spam", starts_at=now, created_by=roles["moderator"]
            )
        elif i % 3 == 1:
            Suspension.objects.create(
                user=user,
                reason="Dulu",
                starts_at=now,
                lifted_at=now,
                lifted_by=roles["superuser"],
                created_by=roles["moderator"],
            )


def grow_suspensions(roles, count: int) -> None:
    """In force, lifted and ended suspensions, each of another user."""
    now = timezone.now()
    for i in range(count):
        lifted = i % 3 == 1
        Suspension.objects.create(
            user=UserFactory(),
            reason="Spam",
            starts_at=now - timedelta(days=2),
            ends_at=now - timedelta(days=1) if i % 3 == 2 else None,
            lifted_at=now if lifted else None,
            lifted_by=roles["superuser"] if lifted else None,
            created_by=roles["moderator"],
        )


def grow_audit_log(roles, count: int) -> None:
    moderators = cycle([roles["moderator"], roles["superuser"], roles["finance"]])
    for _ in range(count):
        target = UserFactory()
        audit_record(
            moderator=next(moderators), action=A.WARN_USER, target=target, reason="Bahasa kasar"
        )


def grow_withdrawals(roles, count: int) -> None:
    """Withdrawals of several users, some processed by finance staff."""
    for i in range(count):
        if i % 10 == 0:
            user = verified(UserFactory())
            top_up(user, 50_000 * min(10, count - i))
        withdrawal = withdrawal_request(
            user=user,
            amount=50_000,
            method=Withdrawal.Method.BANK,
            bank_code="bca",
            account_number="1234567890",
            holder_name="Siti Aminah",
        )
        if i % 4 == 0:
            withdrawal_mark_paid(withdrawal_id=withdrawal.pk, staff=roles["finance"])


def grow_deposits(roles, count: int) -> None:
    for _ in range(count):
        deposit_create(user=UserFactory(), amount=100_000, provider="sandbox")


def grow_ledger(roles, count: int) -> None:
    """Each top-up: one deposit, one ledger transaction, one new wallet."""
    for _ in range(count):
        top_up(UserFactory(), 100_000)


CASES = [
    # (url, the role that reads it, what adds a row, the model listed)
    ("/admin/accounts/user/", "superuser", grow_users, User),
    ("/admin/accounts/user/", "moderator", grow_users, User),
    ("/admin/accounts/suspension/", "moderator", grow_suspensions, Suspension),
    ("/admin/accounts/moderatoraction/", "moderator", grow_audit_log, ModeratorAction),
    ("/admin/accounts/moderatoraction/", "finance", grow_audit_log, ModeratorAction),
    ("/admin/payments/withdrawal/", "finance", grow_withdrawals, Withdrawal),
    ("/admin/payments/withdrawal/", "superuser", grow_withdrawals, Withdrawal),
    ("/admin/payments/deposit/", "finance", grow_deposits, Deposit),
    ("/admin/payments/account/", "finance", grow_ledger, Account),
    ("/admin/payments/ledgertransaction/", "finance", grow_ledger, LedgerTransaction),
]


@pytest.mark.parametrize(
    ("url", "role", "grow", "model"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_changelist_queries_are_the_same_at_10_and_200_rows(
    roles, admin_client_for, url, role, grow, model
):
    client = admin_client_for(roles[role])
    grow(roles, 10 - min(model.objects.count(), 10))
    small = queries_for(client, url)
    small_rows = rows_shown(client, url)

    grow(roles, 200 - model.objects.count())
    large = queries_for(client, url)

    assert model.objects.count() >= 200
    assert small_rows < 20
    assert rows_shown(client, url) == 100  # a full page
    assert large == small


@pytest.mark.parametrize(
    ("url", "role", "grow"),
    [
        ("/admin/accounts/suspension/?state=active", "moderator", grow_suspensions),
        ("/admin/accounts/user/?suspended=yes", "moderator", grow_users),
        ("/admin/accounts/moderatoraction/?action__exact=warn_user", "finance", grow_audit_log),
        ("/admin/payments/withdrawal/?status__exact=requested", "finance", grow_withdrawals),
    ],
)
def test_filtered_changelist_queries_are_the_same_at_10_and_200_rows(
    roles, admin_client_for, url, role, grow
):
    client = admin_client_for(roles[role])
    grow(roles, 10)
    small = queries_for(client, url)

    grow(roles, 190)
    large = queries_for(client, url)

    assert large == small
