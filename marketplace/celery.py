"""The Celery app, configured from Django settings (the ``CELERY_`` names in settings/base.py)."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_init

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
