"""Celery's queues by kind: every task is routed to one of four named queues (money, timers,
notices, heavy), so a backlog of one kind never delays another; every worker command we ship
consumes each queue somewhere.

A task added without a route fails here: it would go to Celery's default queue, which no worker
consumes.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest
from django.conf import settings

from marketplace.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ["accounts", "payments", "projects", "marketplace"]
QUEUES = {"money", "timers", "notices", "heavy"}


def _declared_task_names() -> set[str]:
    """The ``name=`` of every ``@shared_task`` in the apps' source, read from the code itself
    (so a task in a module autodiscovery does not import is found too)."""
    names = set()
    for app in APP_DIRS:
        for source in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text())):
                if not isinstance(node, ast.FunctionDef):
                    continue
                for decorator in node.decorator_list:
                    call = decorator if isinstance(decorator, ast.Call) else None
                    func = call.func if call else decorator
                    name = getattr(func, "id", None) or getattr(func, "attr", None)
                    if name not in ("shared_task", "task"):
                        continue
                    given = [k.value for k in call.keywords if k.arg == "name"] if call else []
                    assert given, f"{source.relative_to(ROOT)}:{node.lineno}: name the task"
                    names.add(ast.literal_eval(given[0]))
    return names


def _registered_task_names() -> set[str]:
    celery_app.loader.import_default_modules()  # autodiscovery, as a worker does
    return {name for name in celery_app.tasks if not name.startswith("celery.")}


def test_every_task_in_the_code_is_registered():
    declared = _declared_task_names()

    assert len(declared) == 26
    assert declared == _registered_task_names()


@pytest.mark.parametrize("name", sorted(_declared_task_names()))
def test_every_task_is_routed_to_a_named_queue(name):
    route = celery_app.amqp.router.route({}, name)

    assert route["queue"].name in QUEUES
    assert route["queue"].name == settings.CELERY_TASK_ROUTES[name]["queue"]


def test_no_task_goes_to_the_default_queue_and_no_worker_listens_there():
    default = celery_app.conf.task_default_queue
    routed = {celery_app.amqp.router.route({}, n)["queue"].name for n in _registered_task_names()}

    assert routed == QUEUES
    assert default not in QUEUES
    assert default not in celery_app.amqp.queues  # what a worker without -Q consumes


def test_the_routes_name_only_tasks_that_exist():
    assert set(settings.CELERY_TASK_ROUTES) == _registered_task_names()
    assert sum(len(tasks) for tasks in settings.TASK_QUEUES_BY_KIND.values()) == len(
        settings.CELERY_TASK_ROUTES
    )  # each task in one queue only


def test_the_kinds_go_where_the_design_says():
    route = settings.CELERY_TASK_ROUTES
    assert route["payments.deliver_sandbox_webhook"]["queue"] == "money"
    assert route["payments.withdrawal_send_payout"]["queue"] == "money"
    assert route["projects.tasks.sweep_auto_release"]["queue"] == "timers"
    assert route["marketplace.tasks.heartbeat"]["queue"] == "timers"
    assert route["accounts.tasks.send_notification_email"]["queue"] == "notices"
    assert route["accounts.tasks.send_notice_delivery"]["queue"] == "notices"
    assert route["accounts.tasks.process_portfolio_image"]["queue"] == "heavy"
    assert route["projects.tasks.recalculate_user_reputation"]["queue"] == "heavy"


def test_each_queue_has_its_own_exchange_and_routing_key():
    """A message reaches its own queue and no other."""
    queues = celery_app.amqp.queues

    assert set(queues) == QUEUES
    assert {(q.exchange.name, q.routing_key) for q in queues.values()} == {
        (name, name) for name in QUEUES
    }


def test_a_published_task_lands_in_its_queue_alone(tmp_path):
    """Real messages on the filesystem broker: one task of each kind, each read back from its
    own queue and found in no other."""
    folder = tmp_path / "queue"
    folder.mkdir()
    # broker_transport too: with REDIS_URL set it names the Redis transport, which would
    # otherwise take the filesystem URL as the default Redis on localhost.
    names = ("broker_url", "broker_transport", "broker_transport_options", "task_always_eager")
    saved = {name: celery_app.conf[name] for name in names}
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.update(
        broker_url="filesystem://",
        broker_transport=None,
        broker_transport_options={"data_folder_in": str(folder), "data_folder_out": str(folder)},
        task_always_eager=False,
    )
    sent = {
        "payments.resend_stuck_payouts": "money",
        "marketplace.tasks.heartbeat": "timers",
        "accounts.tasks.deliver_pending_emails": "notices",
        "projects.tasks.sweep_reputation_events": "heavy",
    }
    try:
        for name in sent:
            celery_app.send_task(name)
        found: dict[str, list[str]] = {}
        with celery_app.connection_for_read() as connection:
            assert connection.transport.driver_type == "filesystem"  # not a shared Redis
            for queue_name in sorted(QUEUES | {celery_app.conf.task_default_queue}):
                queue = connection.SimpleQueue(queue_name)
                while True:
                    try:
                        message = queue.get(block=False)
                    except queue.Empty:
                        break
                    found.setdefault(queue_name, []).append(message.headers["task"])
                    message.ack()
                queue.close()
    finally:
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        celery_app.conf.update(saved)

    assert found == {queue: [name] for name, queue in sent.items()}


# --- The worker commands we ship consume every queue ---------------------------------------------


def _queues_option(argv: list[str]) -> set[str]:
    (value,) = [a.split("=", 1)[1] for a in argv if a.startswith(("--queues=", "-Q="))]
    return set(value.split(","))


def test_the_embedded_run_starts_one_worker_on_every_queue():
    spec = importlib.util.spec_from_file_location("garap_run", ROOT / "scripts" / "run.py")
    assert spec
    assert spec.loader
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)

    workers = [argv for argv in run.commands("127.0.0.1", "8000").values() if "worker" in argv]

    assert len(workers) == 1
    assert _queues_option(workers[0]) == QUEUES == set(settings.TASK_QUEUES_BY_KIND)


def test_production_runs_a_worker_per_group_and_together_they_consume_every_queue():
    docs = (ROOT / "docs" / "production.md").read_text() + (ROOT / "README.md").read_text()
    groups = re.findall(r"celery -A marketplace worker -Q ([a-z,]+)", docs)

    consumed = [set(group.split(",")) for group in groups]
    assert {"money", "timers"} in consumed
    assert {"notices"} in consumed
    assert {"heavy"} in consumed
    assert set().union(*consumed) == QUEUES
