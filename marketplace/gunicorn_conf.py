"""gunicorn settings for Garap's web processes:
``gunicorn --config marketplace/gunicorn_conf.py marketplace.wsgi`` (the benchmark serves so too,
with its own worker class on the command line, which takes precedence over this file).

Threads, so that a burst of expensive requests cannot starve the health probe. A sign-up or a
login spends about a quarter of a second hashing the password; with one request per process
(gunicorn's ``sync`` workers), a handful of them at once left the load balancer's health probe
queued behind them until it timed out, and a healthy node would have been taken out of
service. Each ``gthread`` worker serves ``threads`` requests at once; the hashing runs in
OpenSSL without holding Python's GIL, so a cheap request (health, a page) is served beside it.
``scripts/health_under_load.py`` measures it; docs/production.md has the figures and the probe
settings. Each thread has its own database connection: workers × threads × web nodes must stay
within PostgreSQL's ``max_connections`` (100 by default), leaving room for the Celery workers.

``WEB_CONCURRENCY`` (processes) and ``GUNICORN_THREADS`` (threads each) override the defaults.
"""

import gc
import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A request still running after this long is stuck: its worker is restarted. Longer than any
# request should take (uploads of 10 MB files on slow phones included).
timeout = 60
# Behind a load balancer that reuses connections: keep them open a little longer than its probe
# interval would need, shorter than its own idle timeout (commonly 60 s).
keepalive = 5


def post_worker_init(worker: object) -> None:
    # Django and the app are loaded by now: take them out of the garbage collector's reach, so
    # a collection during a request walks the request's objects, not the whole application.
    # Measured with `make bench`'s servers: the gig list's p99 fell from 30–50 ms to 13–17 ms.
    gc.collect()
    gc.freeze()
