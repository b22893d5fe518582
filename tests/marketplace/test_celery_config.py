"""The Celery app's delivery guarantees and the rule that tasks go out only after commit."""

import ast
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction

from marketplace.celery import app as celery_app
from marketplace.tasks import HEARTBEAT_CACHE_KEY, enqueue_on_commit, heartbeat

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ["accounts", "payments", "projects", "marketplace"]


def test_delivery_settings_are_at_least_once_with_json():
    conf = celery_app.conf

    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit


def test_beat_schedule_runs_the_heartbeat():
    entry = celery_app.conf.beat_schedule["scheduler-heartbeat"]

    assert entry["task"] == heartbeat.name
    assert heartbeat.name in celery_app.tasks  # registered by autodiscovery


def test_nothing_enqueues_a_task_outside_enqueue_on_commit():
    offenders = []
    for app in APP_DIRS:
        for source in (ROOT / app).rglob("*.py"):
            if source == ROOT / "marketplace" / "tasks.py":
                continue
            for node in ast.walk(ast.parse(source.read_text())):
                if isinstance(node, ast.Attribute) and node.attr in ("delay", "apply_async"):
                    offenders.append(f"{source.relative_to(ROOT)}:{node.lineno}")

    assert offenders == []


@pytest.mark.django_db(transaction=True)
def test_enqueued_task_runs_only_after_commit():
    with transaction.atomic():
        enqueue_on_commit(heartbeat)
        assert cache.get(HEARTBEAT_CACHE_KEY) is None

    assert cache.get(HEARTBEAT_CACHE_KEY) is not None


@pytest.mark.django_db(transaction=True)
def test_enqueued_task_never_runs_after_rollback():
    def failing_service() -> None:
        with transaction.atomic():
            enqueue_on_commit(heartbeat)
            raise RuntimeError("the service failed")

    with pytest.raises(RuntimeError):
        failing_service()

    assert cache.get(HEARTBEAT_CACHE_KEY) is None
