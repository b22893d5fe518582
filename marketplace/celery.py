"""The Celery app, configured from Django settings (the ``CELERY_`` names in settings/worker.py)."""

import os
from pathlib import Path
from typing import Any

from celery import Celery, bootsteps
from celery.signals import after_task_publish, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_local_folders() -> None:
    """Create the folders Celery writes to: the filesystem broker's queues and beat's schedule.

    Neither the filesystem transport nor beat's schedule file creates its parent folder. Beat
    opens its file before any signal fires, so whatever starts beat calls this first
    (scripts/run.py does).
    """
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    if app.conf.beat_schedule_filename:
        Path(app.conf.beat_schedule_filename).parent.mkdir(parents=True, exist_ok=True)


@worker_init.connect
def _prepare_folders(**_kwargs: object) -> None:
    ensure_local_folders()


HEARTBEAT_TASK = "marketplace.tasks.heartbeat"


@after_task_publish.connect
def _scheduler_heartbeat(sender: str | None = None, **_kwargs: object) -> None:
    """Beat proves itself alive each time it sends the heartbeat task (no worker needed)."""
    if sender == HEARTBEAT_TASK:
        from marketplace.tasks import SCHEDULER_SENT_CACHE_KEY, heartbeat_record

        heartbeat_record(SCHEDULER_SENT_CACHE_KEY)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """While a worker consumes, its main process writes the time to the cache every
    ``HEARTBEAT_INTERVAL_SECONDS``; the health endpoint reads it instead of asking workers.

    It runs on the worker's event loop, so it stops when the loop is stuck as well as when the
    worker is gone; it starts and stops with the broker connection (Celery restarts the
    consumer's steps on reconnecting).
    """

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: object, **kwargs: object) -> None:
        self.timer_entry = None
        super().__init__(parent, **kwargs)

    def start(self, parent: Any) -> None:  # the worker's Consumer
        from django.conf import settings

        from marketplace.tasks import WORKER_HEARTBEAT_CACHE_KEY, heartbeat_record

        heartbeat_record(WORKER_HEARTBEAT_CACHE_KEY)
        self.timer_entry = parent.timer.call_repeatedly(
            settings.HEARTBEAT_INTERVAL_SECONDS,
            heartbeat_record,
            (WORKER_HEARTBEAT_CACHE_KEY,),
        )

    def stop(self, parent: object) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    shutdown = stop


app.steps["consumer"].add(WorkerHeartbeat)
