import pytest

from marketplace.celery import app as celery_app
from marketplace.tasks import heartbeat

URL = "/api/v1/health/"


@pytest.mark.django_db
def test_health_reports_database_broker_and_cache_up(api_client):
    response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "up",
        "broker": "up",
        "cache": "up",
        "scheduler": {"last_heartbeat": None},
    }


@pytest.mark.django_db
def test_health_shows_the_last_scheduler_heartbeat(api_client):
    beat = heartbeat.apply().get()

    assert api_client.get(URL).json()["scheduler"]["last_heartbeat"] == beat


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
