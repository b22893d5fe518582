from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from marketplace.celery import WorkerHeartbeat, _scheduler_heartbeat
from marketplace.celery import app as celery_app
from marketplace.tasks import (
    SCHEDULER_SENT_CACHE_KEY,
    WORKER_HEARTBEAT_CACHE_KEY,
    heartbeat,
    heartbeat_record,
)

URL = "/api/v1/health/"


@pytest.fixture(autouse=True)
def _no_heartbeats():
    cache.delete_many([SCHEDULER_SENT_CACHE_KEY, WORKER_HEARTBEAT_CACHE_KEY])
    yield
    cache.delete_many([SCHEDULER_SENT_CACHE_KEY, WORKER_HEARTBEAT_CACHE_KEY])


def beats_now() -> None:
    """What a live scheduler and a live worker write (marketplace/celery.py)."""
    heartbeat_record(SCHEDULER_SENT_CACHE_KEY)
    heartbeat_record(WORKER_HEARTBEAT_CACHE_KEY)


@pytest.mark.django_db
def test_health_reports_every_part_up_with_fresh_heartbeats(api_client):
    beats_now()
    sent = cache.get(SCHEDULER_SENT_CACHE_KEY)
    seen = cache.get(WORKER_HEARTBEAT_CACHE_KEY)

    response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "problems": [],
        "database": "up",
        "broker": "up",
        "cache": "up",
        "scheduler": {"status": "up", "last_sent": sent, "last_heartbeat": None},
        "worker": {"status": "up", "last_heartbeat": seen},
    }


@pytest.mark.django_db
def test_health_shows_when_the_heartbeat_task_last_ran(api_client):
    beat = heartbeat.apply().get()

    assert api_client.get(URL).json()["scheduler"]["last_heartbeat"] == beat


@pytest.mark.django_db
def test_no_scheduler_or_worker_ever_seen_is_degraded_but_still_200(api_client):
    """A load balancer must keep serving from this web node: its own database and broker are
    fine. Monitoring reads ``status`` and ``problems``."""
    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["problems"]) == ("degraded", ["scheduler", "worker"])
    assert body["scheduler"] == {"status": "down", "last_sent": None, "last_heartbeat": None}
    assert body["worker"] == {"status": "down", "last_heartbeat": None}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stale", "problem"),
    [(SCHEDULER_SENT_CACHE_KEY, "scheduler"), (WORKER_HEARTBEAT_CACHE_KEY, "worker")],
)
def test_a_heartbeat_older_than_three_intervals_names_its_part(
    api_client, settings, stale, problem
):
    settings.HEARTBEAT_INTERVAL_SECONDS = 30
    with time_machine.travel(timezone.now() - timedelta(seconds=91)):
        heartbeat_record(stale)
    fresh = {SCHEDULER_SENT_CACHE_KEY, WORKER_HEARTBEAT_CACHE_KEY} - {stale}
    heartbeat_record(fresh.pop())

    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["problems"]) == ("degraded", [problem])
    assert body[problem]["status"] == "down"


@pytest.mark.django_db
def test_a_heartbeat_within_three_intervals_is_up(api_client, settings):
    settings.HEARTBEAT_INTERVAL_SECONDS = 30
    with time_machine.travel(timezone.now() - timedelta(seconds=89)):
        beats_now()

    body = api_client.get(URL).json()

    assert (body["status"], body["problems"]) == ("ok", [])


@pytest.mark.django_db
def test_an_unreachable_cache_makes_the_background_unknown_not_down(api_client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: refused at once
        }
    }

    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["problems"]) == (
        "degraded",
        ["cache", "scheduler", "worker"],
    )
    assert body["cache"] == "down"
    assert body["scheduler"] == {"status": "unknown", "last_sent": None, "last_heartbeat": None}
    assert body["worker"] == {"status": "unknown", "last_heartbeat": None}


@pytest.mark.cache
def test_beat_records_its_heartbeat_when_it_publishes_the_heartbeat_task_only():
    _scheduler_heartbeat(sender="projects.tasks.sweep_auto_release")
    assert cache.get(SCHEDULER_SENT_CACHE_KEY) is None

    _scheduler_heartbeat(sender=heartbeat.name)
    assert cache.get(SCHEDULER_SENT_CACHE_KEY) is not None


def test_the_worker_heartbeat_is_a_step_of_every_worker_consumer():
    assert WorkerHeartbeat in celery_app.steps["consumer"]


def test_a_heartbeat_that_cannot_be_written_is_logged_not_raised(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    heartbeat_record(WORKER_HEARTBEAT_CACHE_KEY)

    assert "heartbeat worker:last-heartbeat not recorded" in caplog.text


@pytest.mark.django_db
def test_unreachable_broker_makes_health_503(api_client):
    original = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    # Nothing listens on port 1: the connection is refused at once.
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app.conf.broker_transport_options = {}
    try:
        response = api_client.get(URL)
    finally:
        celery_app.conf.broker_url, celery_app.conf.broker_transport_options = original

    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "up"
    assert "broker" in response.json()["problems"]
