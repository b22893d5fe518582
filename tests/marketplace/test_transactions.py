"""Row locks and service transactions (marketplace/transactions.py): the lock rules hold in
every module, and a transaction that loses a deadlock or serialization race is run again —
or, when the tries run out, answered with 503 and Retry-After."""

from __future__ import annotations

import ast
import logging
import threading
from pathlib import Path

import pytest
from django.db import DatabaseError, OperationalError, connection
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts.models import User
from marketplace import transactions
from marketplace.transactions import atomic_with_retry, lost_race, run_atomic
from tests.accounts.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "payments", "projects", "marketplace")


def _modules() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"  # type: ignore[attr-defined]


def test_every_row_lock_locks_only_its_own_rows_with_the_update_lock():
    wrong = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "select_for_update"
            ):
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            no_key = keywords.get("no_key")
            if "of" not in keywords or not (
                isinstance(no_key, ast.Constant) and no_key.value is True
            ):
                wrong.append(_where(path, node))
    assert wrong == [], (
        "lock with select_for_update(of=(…), no_key=True) — see marketplace/transactions.py: "
        + ", ".join(wrong)
    )


def _is_transaction_atomic(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (
        isinstance(target, ast.Attribute)
        and target.attr == "atomic"
        and isinstance(target.value, ast.Name)
        and target.value.id == "transaction"
    )


def test_every_service_transaction_retries_a_lost_race():
    services = [
        path
        for path in _modules()
        if "services" in path.parts or path.stem == "services" or path.stem == "ledger"
    ]
    assert len(services) > 10
    plain = [
        _where(path, node)
        for path in services
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.FunctionDef)
        and any(_is_transaction_atomic(d) for d in node.decorator_list)
    ]
    assert plain == [], "use @atomic_with_retry on services: " + ", ".join(plain)


@pytest.mark.django_db
def test_an_error_that_is_not_a_lost_race_is_not_retried():
    calls = []

    def broken() -> None:
        calls.append(1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    # ProgrammingError on PostgreSQL, OperationalError on SQLite: a bug, not a lost race.
    with pytest.raises(DatabaseError, match="no_such_table") as raised:
        run_atomic(broken)

    assert calls == [1]
    assert not lost_race(raised.value)


# --- PostgreSQL: real lost races -------------------------------------------------------------


def _raise_sqlstate(sqlstate: str) -> None:
    """Have PostgreSQL itself abort the statement with ``sqlstate`` (as it does a deadlock's
    victim), so the error arrives exactly as the driver and Django deliver it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN RAISE EXCEPTION 'lost a race' USING ERRCODE = '{sqlstate}'; END $$"
        )


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_lost_a_race_is_run_again_and_its_first_try_undone(sqlstate):
    user = UserFactory(display_name="sebelum")
    tries = []

    def work() -> str:
        tries.append(1)
        User.objects.filter(pk=user.pk).update(display_name=f"percobaan {len(tries)}")
        if len(tries) == 1:
            _raise_sqlstate(sqlstate)
        return "done"

    assert run_atomic(work) == "done"
    assert len(tries) == 2
    user.refresh_from_db()
    assert user.display_name == "percobaan 2"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_retried_transaction_keeps_only_the_files_of_the_try_that_committed(tmp_path, settings):
    """A service that stores a file and then loses a race stores it again on the next try: the
    failed try's file goes with its rows, the committed try's stays."""
    from django.core.files.base import ContentFile

    from marketplace.storage import removes_files_on_failure, save_file
    from projects.models import GigAttachment
    from tests.projects.factories import GigFactory

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "marketplace.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    gig = GigFactory()
    tries = []

    @removes_files_on_failure
    @atomic_with_retry
    def attach() -> GigAttachment:
        tries.append(1)
        attachment = GigAttachment(
            gig=gig, original_name="brief.txt", content_type="text/plain", size=5
        )
        save_file(attachment.file, "brief.txt", ContentFile(b"brief"))
        attachment.save()
        if len(tries) == 1:
            _raise_sqlstate("40P01")
        return attachment

    kept = attach()
    assert len(tries) == 2
    assert [path.name for path in tmp_path.rglob("*") if path.is_file()] == [
        Path(kept.file.name).name
    ]
    assert GigAttachment.objects.filter(gig=gig).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_between_two_services_is_retried_and_both_succeed(caplog):
    # Two transactions lock the same two rows in opposite orders; PostgreSQL aborts one of
    # them, which runs again (this time after the other one) instead of failing.
    first, second = UserFactory(), UserFactory()
    both_hold_one = threading.Barrier(2)
    attempts: dict[str, int] = {"a": 0, "b": 0}

    def lock_both(name: str, one: int, other: int) -> None:
        attempts[name] += 1
        lock = User.objects.select_for_update(of=("self",), no_key=True)
        lock.filter(pk=one).first()
        if attempts[name] == 1:
            both_hold_one.wait(timeout=10)
        lock.filter(pk=other).first()
        User.objects.filter(pk__in=[one, other]).update(display_name=f"oleh {name}")

    @atomic_with_retry
    def service(*, name: str, one: int, other: int) -> str:
        lock_both(name, one, other)
        return name

    results: dict[str, object] = {}

    def run(name: str, one: int, other: int) -> None:
        try:
            results[name] = service(name=name, one=one, other=other)
        except Exception as exc:  # handed to the assertion below
            results[name] = exc
        finally:
            connection.close()

    caplog.set_level(logging.WARNING, logger="marketplace.transactions")
    threads = [
        threading.Thread(target=run, args=("a", first.pk, second.pk)),
        threading.Thread(target=run, args=("b", second.pk, first.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results == {"a": "a", "b": "b"}
    assert sorted(attempts.values()) == [1, 2]  # the deadlock's victim ran twice
    assert "lost a race (40P01)" in caplog.text


class _AlwaysLosesApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    tries = 0

    def post(self, request) -> Response:
        def work() -> None:
            type(self).tries += 1
            _raise_sqlstate("40P01")

        run_atomic(work)
        return Response({})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_when_every_try_loses_the_answer_is_503_with_retry_after(monkeypatch):
    monkeypatch.setattr(transactions, "BACKOFF_SECONDS", 0.001)
    _AlwaysLosesApi.tries = 0

    response = _AlwaysLosesApi.as_view()(APIRequestFactory().post("/api/v1/x/", {}))

    assert _AlwaysLosesApi.tries == transactions.ATTEMPTS == 3
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.data["code"] == "service_unavailable"
    assert response.data["retry_after"] == 1
    assert response.data["fields"] == {}


@pytest.mark.django_db
def test_sqlite_and_other_errors_are_no_lost_race():
    assert not lost_race(OperationalError("database is locked"))
    assert not lost_race(ValueError("40P01"))
