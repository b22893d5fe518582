"""Shared fixtures, and the rules that tie test markers to the services that are running.

``@pytest.mark.postgres`` tests run only on PostgreSQL and ``@pytest.mark.redis`` tests only with
REDIS_URL; elsewhere they are skipped with a reason. With GARAP_REQUIRE_SERVICES=1 (``make
test-services``, CI) a missing PostgreSQL or Redis stops the run with an error instead: a green
run there means the service tests really ran.
"""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from accounts.services import token_issue
from marketplace import ratelimit
from tests.accounts.factories import UserFactory
from tests.contracts import NOTE, START, only
from tests.projects.factories import ContractFactory, top_up

# Hypothesis: the full count of random examples in CI (CI=true), fewer on a developer's machine,
# where the suite runs often; HYPOTHESIS_PROFILE=ci runs the full count anywhere.
hypothesis_settings.register_profile("ci", max_examples=200, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=40, deadline=None)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _services_problem() -> str | None:
    if not _on_postgres():
        return "DATABASE_URL does not point at PostgreSQL"
    import psycopg

    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"],
            dbname=db["NAME"],
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        return f"PostgreSQL is unreachable: {exc}"
    if not settings.REDIS_URL:
        return "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        return f"Redis is unreachable: {exc}"
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    # The URLconf mounts the sandbox's pages only while it is the gateway, decided when it is
    # first imported (payments/sandbox_urls.py). Built here under the suite's own settings, it
    # is the same whichever test resolves a URL first: a test that runs with another
    # PAYMENT_GATEWAY (the live gateways' browser tests) cannot leave later tests on its worker
    # a URLconf without the sandbox's checkout.
    from django.urls import get_resolver

    assert get_resolver().url_patterns
    if os.environ.get("GARAP_REQUIRE_SERVICES") == "1":
        problem = _services_problem()
        if problem:
            pytest.exit(f"GARAP_REQUIRE_SERVICES=1 but {problem}", returncode=3)


# What makes a test depend on the services a run uses: a database fixture or mark, or a marker
# naming a service (a worker takes the run's broker, a browser the run's live server).
_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)
_SERVICE_MARKERS = ("postgres", "redis", "worker", "browser", "cache")
_LONG_MARKERS = ("long", "worker", "browser")


def _uses_services(item: pytest.Item) -> bool:
    return (
        item.get_closest_marker("django_db") is not None
        or not _DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
        or any(marker in item.keywords for marker in _SERVICE_MARKERS)
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: run `make test-services`")
    skip_redis = pytest.mark.skip(reason="needs Redis: run `make test-services`")
    for item in items:
        if "postgres" in item.keywords and not _on_postgres():
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)
    # Long tests first (a real worker or browser, the stateful ledger history): the parallel
    # workers (``--dist worksteal``) then share out the short ones and finish together, instead
    # of one worker meeting a two-minute test as the rest of the run ends.
    items.sort(key=lambda item: not any(mark in item.keywords for mark in _LONG_MARKERS))
    if os.environ.get("GARAP_SERVICE_TESTS_ONLY") == "1":
        # CI's second pass, on PostgreSQL and Redis, after the whole suite ran on SQLite: a test
        # that touches no database, broker, cache or browser (the contact filter's patterns, an
        # AST rule over the code, a settings subprocess) would run exactly as it did there.
        free = [item for item in items if not _uses_services(item)]
        if free:
            config.hook.pytest_deselected(items=free)
            items[:] = [item for item in items if _uses_services(item)]


@pytest.fixture(autouse=True)
def _ledger_stays_balanced(request, _django_db_helper):
    """After every database test, the ledger's invariants hold (``manage.py ledger_audit``'s
    checks) — whatever the test did through the services. Runs before the test's database is
    rolled back or flushed. Tests that corrupt the ledger on purpose are marked so."""
    yield
    if request.node.get_closest_marker("django_db") is None:
        return
    if request.node.get_closest_marker("corrupts_ledger") is not None:
        return
    from projects.audit import ledger_problems

    assert ledger_problems() == [], "the ledger audit fails after this test"


@pytest.fixture(autouse=True)
def _celery_outside_a_task_after_each_test():
    """The suite runs tasks eagerly, and Celery marks "inside a task, ``result.get()``
    refuses" in one process-wide flag, set and restored around each eager task without a lock.
    Tests that run eager tasks from several threads at once (the races on PostgreSQL, a live
    server's thread beside the test's) can leave it set, and whichever test this process runs
    next then fails in ``get()``. Each test starts with it cleared."""
    from celery import _state

    _state._set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called outside a request (services, tasks) speaks the active language, which a
    request left active in this thread would otherwise decide: every test starts in English, the
    language the tests' messages are written in, and leaves none behind. Requests still choose
    their own (Accept-Language, the user's preference), and a test of another language
    activates it."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttle counters and the heartbeat live in the cache; no test may see another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _rate_windows_start_with_the_test(monkeypatch):
    """The rate limiter counts in fixed windows (``marketplace.ratelimit``): requests that
    straddle a window's end by chance are counted afresh, and a test of "the fourth is refused"
    would fail once in a while. Its clock starts every test a second into a day — so into an
    hour and a minute too — and runs on with the real clock, time travel included."""
    started = time.time()
    anchor = started - started % 86_400 + 1
    monkeypatch.setattr(ratelimit, "window_clock", lambda: anchor + (time.time() - started))


@pytest.fixture
def latest_migrations_after():
    """For a test that migrates the database back: every later test gets it fully migrated."""
    yield
    from tests.migrating import migrate_to_latest

    migrate_to_latest()


def english_client() -> APIClient:
    # Tests read messages in English unless they ask for another language; the product's own
    # default for a visitor without a preference is Bahasa Indonesia.
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def api_client() -> APIClient:
    return english_client()


@pytest.fixture
def user(db):
    return UserFactory()


def client_for(user) -> APIClient:
    """An API client authenticated with a fresh bearer token of ``user``."""
    _token, raw = token_issue(user=user)
    client = english_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def user_client(user) -> APIClient:
    return client_for(user)


# --- the contract of tests/contracts.py: milestone service and contract page tests ------------


@pytest.fixture
def clock(time_machine):
    """Time stands still at START until a test moves it. (Modules with their own clock keep it.)"""
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def contract(db, clock):
    """A Rp 120.000 contract with one pending milestone due in 5 days, 2 revisions included;
    the client's wallet holds Rp 200.000."""
    contract = ContractFactory(bid__amount=120_000, bid__revisions_included=2)
    top_up(contract.client, 200_000)
    return contract


@pytest.fixture
def funded(contract):
    from projects.services.milestones import milestone_fund

    return milestone_fund(milestone_id=only(contract).pk, actor=contract.client)


@pytest.fixture
def submitted(contract, funded):
    from projects.services.milestones import milestone_submit

    return milestone_submit(milestone_id=funded.pk, actor=contract.freelancer, note=NOTE)
