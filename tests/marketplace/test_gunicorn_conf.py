"""The web processes' gunicorn settings (marketplace/gunicorn_conf.py), read the way gunicorn
reads them: threads, so that a burst of sign-ups cannot queue the health probe behind it
(docs/production.md has the measurement, scripts/health_under_load.py repeats it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gunicorn.app.base import Application

CONF = Path(__file__).resolve().parents[2] / "marketplace" / "gunicorn_conf.py"


class ReadOnly(Application):
    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        super().__init__()

    def load_config(self) -> None:
        parser = self.cfg.parser()
        args = parser.parse_args(["--config", str(CONF), *self.argv, "marketplace.wsgi"])
        self.load_config_from_file(str(CONF))
        for key, value in vars(args).items():
            if value is not None and key in self.cfg.settings and key != "config":
                self.cfg.set(key.lower(), value)

    def load(self):  # pragma: no cover - never served
        raise AssertionError


@pytest.fixture(autouse=True)
def _defaults(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)


def test_web_processes_serve_requests_on_threads():
    cfg = ReadOnly([]).cfg

    assert cfg.worker_class_str == "gthread"
    assert (cfg.workers, cfg.threads) == (2, 8)


def test_processes_and_threads_follow_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    monkeypatch.setenv("GUNICORN_THREADS", "12")

    cfg = ReadOnly([]).cfg

    assert (cfg.workers, cfg.threads) == (4, 12)


def test_the_benchmark_still_measures_one_request_at_a_time_per_process():
    """bench/http.py names sync workers on the command line; the config's threads must not
    turn them into gthread workers behind its back."""
    cfg = ReadOnly(["--worker-class=sync", "--threads=1", "--workers=2"]).cfg

    assert cfg.worker_class_str == "sync"
    assert "--threads=1" in (CONF.parents[1] / "bench" / "http.py").read_text()
