#!/usr/bin/env bash
# Does requirements.txt alone run the marketplace's Celery processes on Redis?
#
# Installs the run requirements — and nothing else: no dev tools that might bring a missing
# package in by chance — into a fresh virtualenv, then starts a worker and the beat scheduler
# from it on Redis, and checks that the worker answers a ping and runs the scheduler's
# heartbeat task (beat → Redis → worker → cache). Exits non-zero, with the processes' logs,
# if any step fails. About 30 s, most of it pip.
#
# Usage: scripts/check_run_requirements.sh   (REDIS_URL, default redis://127.0.0.1:6379/12,
#        is emptied of this check's keys only: the heartbeat and the queues are its own there)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
redis_url=${REDIS_URL:-redis://127.0.0.1:6379/12}

work=$(mktemp -d)
worker_pid="" beat_pid=""
cleanup() {
  for pid in $beat_pid $worker_pid; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in $beat_pid $worker_pid; do
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  printf 'run requirements: FAILED: %s\n' "$*" >&2
  for log in "$work"/*.log; do
    [ -f "$log" ] && { echo "--- $(basename "$log")"; tail -40 "$log"; } >&2
  done
  exit 1
}

echo "run requirements: installing requirements.txt alone into a clean virtualenv"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt \
  >"$work/pip.log" 2>&1 || fail "pip install -r requirements.txt"
"$work/venv/bin/pip" check >"$work/pip-check.log" 2>&1 || fail "pip check"

export DJANGO_SETTINGS_MODULE=marketplace.settings.local
export GARAP_VAR_DIR="$work/var" REDIS_URL="$redis_url" HEARTBEAT_INTERVAL_SECONDS=1
export DATABASE_URL="sqlite:///$work/var/garap.sqlite3"
venv_python="$work/venv/bin/python"
mkdir -p "$work/var"

# A clean slate in this Redis database: no earlier heartbeat may pass for a new one.
"$venv_python" manage.py shell --no-imports -c \
  "from django.core.cache import cache; cache.clear()" >"$work/clear.log" 2>&1 \
  || fail "the cache on $redis_url could not be cleared"

celery=("$venv_python" -m celery -A marketplace)
setsid "${celery[@]}" worker --concurrency=1 --loglevel=INFO --hostname=run-requirements@%h \
  --without-mingle --without-gossip >"$work/worker.log" 2>&1 </dev/null &
worker_pid=$!
setsid "${celery[@]}" beat --loglevel=INFO --schedule="$work/beat-schedule" \
  >"$work/beat.log" 2>&1 </dev/null &
beat_pid=$!

echo "run requirements: waiting for the worker's ping and the scheduler's heartbeat"
"$venv_python" - <<'PY' || fail "the worker did not answer or did not run the heartbeat"
import os
import sys
import time

import django

django.setup()
from django.core.cache import cache  # noqa: E402

from marketplace.celery import app  # noqa: E402
from marketplace.tasks import HEARTBEAT_CACHE_KEY  # noqa: E402

deadline = time.monotonic() + 60
replies = []
while time.monotonic() < deadline and not replies:
    replies = app.control.ping(timeout=1.0) or []
if not replies:
    sys.exit("no worker answered a ping")
print(f"run requirements: ping answered by {', '.join(sorted(k for r in replies for k in r))}")
seen = set()
while time.monotonic() < deadline and len(seen) < 2:
    value = cache.get(HEARTBEAT_CACHE_KEY)
    if value:
        seen.add(value)
    time.sleep(0.25)
if len(seen) < 2:
    sys.exit("the heartbeat task did not run twice")
print(f"run requirements: heartbeat ran at {' and '.join(sorted(seen))}")
PY

kill -0 "$worker_pid" 2>/dev/null || fail "the worker exited"
kill -0 "$beat_pid" 2>/dev/null || fail "beat exited"
echo "run requirements: ok"
