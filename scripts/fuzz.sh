#!/usr/bin/env bash
# Schemathesis against Garap as production serves it: gunicorn with DEBUG off, on PostgreSQL and
# Redis, as two users of a small world with private data each (tests/fuzz/world.py), with the
# other user's ids as path examples, the stateful phase following the schema's OpenAPI links, and
# a check that no response carries the other user's private data (tests/fuzz/hooks.py).
#
# Usage: scripts/fuzz.sh [extra `st run` options]          (`make fuzz`; CI runs it)
#   FUZZ_DATABASE_URL   a PostgreSQL database for the run alone, dropped and created afresh
#                       (default postgres://postgres@127.0.0.1:5432/garap_fuzz; its name must
#                       contain "fuzz")
#   FUZZ_REDIS_URL      a Redis database for the run alone, emptied first
#                       (default redis://127.0.0.1:6379/12)
#   FUZZ_PORT           where gunicorn listens (default 8770)
#   FUZZ_MAX_EXAMPLES   test cases per operation in the fuzzing phase (default 10)
#   FUZZ_SCENARIOS      stateful phase: scenarios to try (default 300; Hypothesis may stop sooner)
#   FUZZ_MAX_STEPS      stateful phase: linked calls per scenario at most (default 10)
#   FUZZ_OUT            reports, logs and the world's JSON (default var/fuzz)
#
# Passes only with 0 server errors (schemathesis' checks, and no 500 or error in gunicorn's log),
# 0 leaks, and `manage.py ledger_audit` clean afterwards: the exit code says so. Before
# schemathesis, every operation gets a NUL in each path parameter and JSON nested 5 000 deep
# (tests/fuzz/hostile_pass.py): a 4xx each. The failures of changes not merged yet are accepted
# only as tests/fuzz/known.py lists them, and only while they still happen.
set -euo pipefail
cd "$(dirname "$0")/.."

database_url=${FUZZ_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/garap_fuzz}
redis_url=${FUZZ_REDIS_URL:-redis://127.0.0.1:6379/12}
port=${FUZZ_PORT:-8770}
max_examples=${FUZZ_MAX_EXAMPLES:-10}
scenarios=${FUZZ_SCENARIOS:-300}
out=${FUZZ_OUT:-var/fuzz}
py=.venv/bin/python
st=${ST:-.venv/bin/st}
base="http://127.0.0.1:$port"
started=$(date +%s)

rm -rf "$out"
mkdir -p "$out/var"
out=$(cd "$out" && pwd)

# The server's environment: local settings with DEBUG off (production's error pages and
# handling; production's own settings would refuse the sandbox gateway the world tops up with),
# and every per-client and per-account limit raised, or the fuzzer would mostly meet 429s.
export DJANGO_SETTINGS_MODULE=marketplace.settings.local DJANGO_DEBUG=false
export DATABASE_URL=$database_url REDIS_URL=$redis_url GARAP_VAR_DIR=$out/var
export SITE_URL=$base LOG_LEVEL=WARNING
for limit in AUTH_THROTTLE_RATE REPORT_THROTTLE_RATE MESSAGE_RATE INVITATION_RATE DEPOSIT_RATE \
    ACCOUNT_EMAIL_RATE SIGNUP_TAKEN_EMAIL_RATE; do
  export "$limit=1000000/min"
done
export AUTH_TOKENS_PER_USER=1000

say() { printf '\n--- fuzz (%s s): %s\n' "$(( $(date +%s) - started ))" "$*"; }

say "a fresh database and Redis database"
"$py" - "$database_url" "$redis_url" <<'PY'
import sys
from urllib.parse import urlsplit

import psycopg
import redis

database_url, redis_url = sys.argv[1:]
name = urlsplit(database_url).path.lstrip("/")
if "fuzz" not in name:
    sys.exit(f"refusing to drop {name!r}: FUZZ_DATABASE_URL must name a database with 'fuzz' in it")
admin = urlsplit(database_url)._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
redis.Redis.from_url(redis_url).flushdb()
PY
"$py" manage.py migrate --noinput -v 0

say "the world: two users with private data each"
"$py" -m tests.fuzz.world "$out/world.json"

# gunicorn as production runs it, except its limits on a request line (4 094 bytes) and a header
# (8 190): past them it answers 414/400 in HTML before Garap sees the request, as any front
# server would. The fuzzer is here to see what Garap answers.
say "gunicorn on $base"
setsid .venv/bin/gunicorn marketplace.wsgi --config marketplace/gunicorn_conf.py \
  --bind "127.0.0.1:$port" --workers 2 --timeout 60 --access-logfile - \
  --limit-request-line 0 --limit-request-field_size 0 \
  >"$out/gunicorn.log" 2>&1 </dev/null &
server=$!
stop_server() { kill -TERM -- "-$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap stop_server EXIT
for _ in $(seq 60); do
  curl -fsS "$base/api/v1/health/" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { tail -30 "$out/gunicorn.log"; exit 1; }
  sleep 1
done
curl -fsS "$base/api/v1/health/" >/dev/null || { tail -30 "$out/gunicorn.log"; exit 1; }

say "hostile input: a NUL in each path parameter, JSON nested 5 000 deep (tests/fuzz/hostile_pass.py)"
"$py" -m tests.fuzz.hostile_pass "$base" "$out/world.json" "$out/hostile.json"

# positive_data_acceptance is left out: the schema cannot say that a username must be free, a
# password strong or a gig's state right for an action, so some schema-valid requests are rightly
# refused with a 4xx.
export SCHEMATHESIS_HOOKS=tests.fuzz.hooks GARAP_FUZZ_WORLD=$out/world.json GARAP_FUZZ_URL=$base
# `st` is a console script: its sys.path starts at the virtualenv's bin, not here, and a
# requirement (midtransclient) ships a top-level package of its own named `tests` in
# site-packages. The project's folder goes first, so `tests.fuzz.hooks` is ours.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# The budget per phase. The stateful phase follows only the links the schema publishes (the flows
# of marketplace/api/schema.py): inferred ones would spread its scenarios over guesses. The coverage
# phase tries two methods a path does not take (every 405 comes from the same place).
# Neither phase feeds values it read in one user's responses into the other's requests: the
# fuzzer would then "leak" what it carried itself (tests/fuzz/hooks.py taints such values).
# Stateful scenarios are valid requests, so that each step can lead to the next.
cat >"$out/schemathesis.toml" <<TOML
# An invalid request may also be refused as too large (413: more files than an upload takes).
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428",
  "429", "5xx"]

[phases.examples]
extra-data-sources = { responses = false }

[phases.coverage]
unexpected-methods = ["DELETE", "TRACE"]
extra-data-sources = { responses = false }

[phases.fuzzing]
extra-data-sources = { responses = false }

[phases.fuzzing.generation]
max-examples = $max_examples

[phases.stateful]
max-steps = ${FUZZ_MAX_STEPS:-10}

[phases.stateful.generation]
max-examples = $scenarios
mode = "positive"

[phases.stateful.inference]
algorithms = []
TOML
say "schemathesis: examples, coverage, fuzzing and the stateful phase"
status=0
GARAP_FUZZ_STATS=$out/hooks.json "$st" --config-file "$out/schemathesis.toml" \
  run "$base/api/schema/" \
  --checks all --exclude-checks positive_data_acceptance \
  --header "Accept-Language: en" \
  --phases examples,coverage,fuzzing,stateful \
  --seed "${FUZZ_SEED:-$started}" \
  --workers 1 \
  --request-timeout 30 \
  --warnings off \
  --report junit,ndjson --report-dir "$out/report" \
  "$@" || status=$?

stop_server
trap - EXIT

say "the ledger after the run"
"$py" manage.py ledger_audit || status=1

# The server's log: no 500 but the known failures (tests/fuzz/known.py, which must all still
# happen), no gunicorn error; the hostile pass's problems; then the run's figures.
"$py" - "$out" "$started" "$status" <<'PY' || status=1
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, ".")
from tests.fuzz.known import KNOWN_FAILURES  # noqa: E402

out, started, status = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])


def load(name: str) -> dict:
    path = out / name
    return json.loads(path.read_text()) if path.exists() else {}


def readable(path: str) -> str:
    # Django logs a path with its control characters escaped ("\x00"), the hooks as sent ("%00").
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", unquote(path))


stats, hostile = load("hooks.json"), load("hostile.json")
problems = list(hostile.get("problems", []))
met = {name: [] for name in KNOWN_FAILURES}
for source in (stats, hostile):
    for name, requests in source.get("known_failures", {}).items():
        met.setdefault(name, []).extend(requests)
accepted = {readable(request) for requests in met.values() for request in requests}
log = (out / "gunicorn.log").read_text(errors="replace")
for path in re.findall(r"Internal Server Error: (\S+)", log):
    if readable(path) not in accepted:
        problems.append(f"the server answered 500 to {path!r} (gunicorn.log)")
for line in re.findall(r".*\[ERROR\].*", log):
    problems.append(f"gunicorn: {line.strip()}")
for name, reason in KNOWN_FAILURES.items():
    if hostile and not met.get(name):
        problems.append(
            f"{name!r} no longer fails ({reason}): its fix is in, remove it from "
            "tests/fuzz/known.py and its xfail from tests/fuzz/test_hostile_input.py"
        )

statuses = Counter()
for report in (out / "report").glob("*.ndjson"):
    for line in report.read_text().splitlines():
        for body in json.loads(line).values():
            for interaction in (body.get("recorder") or {}).get("interactions", {}).values():
                response = interaction.get("response") or {}
                statuses[f"{str(response.get('status_code', '?'))[0]}xx"] += 1
for problem in problems[:40]:
    print(f"fuzz: {problem}")
tainted = stats.get("tainted", [])
by_phase = {k.split(".", 1)[1]: v for k, v in sorted(stats.items()) if k.startswith("requests.")}
print(
    f"fuzz: {time.time() - started:.0f} s; hostile input {hostile.get('requests', 0)} requests; "
    f"schemathesis requests by phase {by_phase}, responses by class {dict(sorted(statuses.items()))}; "
    f"leak check: {stats.get('responses_checked', 0)} responses, {stats.get('leaks', 0)} leaks "
    f"({len(tainted)} markers or amounts the fuzzer sent itself{': ' if tainted else ''}"
    f"{', '.join(tainted)}); known failures of changes in flight met: "
    f"{ {name: len(requests) for name, requests in met.items()} }; "
    f"{'passed' if status == 0 and not problems else 'FAILED'}"
)
sys.exit(1 if problems else 0)
PY
exit "$status"
