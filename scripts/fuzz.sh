#!/usr/bin/env bash
# Schemathesis against a running Garap: every operation of /api/schema/, with every check, as a
# freshly registered user. Usage: scripts/fuzz.sh [BASE_URL] (default http://127.0.0.1:8000).
# The server should allow many sign-ups (AUTH_THROTTLE_RATE), or the fuzzer mostly meets 429s.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-http://127.0.0.1:8000}
st=${ST:-.venv/bin/st}
name="fuzz$(date +%s)$$"

token=$(.venv/bin/python - "$base" "$name" <<'PY'
import json, sys, urllib.request
base, name = sys.argv[1], sys.argv[2]
body = json.dumps({"username": name, "email": f"{name}@fuzz.garap.local",
                   "password": "fuzzing-garap-api-2026"}).encode()
request = urllib.request.Request(base + "/api/v1/auth/register/", data=body,
                                 headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request, timeout=30))["token"])
PY
)

# positive_data_acceptance is left out: the schema cannot say that a username must be free or a
# password strong, so some schema-valid sign-ups are rightly refused with a 400.
fuzz() {
  "$st" run "$base/api/schema/" \
    --checks all --exclude-checks positive_data_acceptance \
    --header "Authorization: Bearer $token" \
    --header "Accept-Language: en" \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "${FUZZ_MAX_EXAMPLES:-50}" \
    --workers 1 \
    --request-timeout 30 \
    --warnings off \
    "$@"
}

# Logout revokes the token the fuzzer uses, so it goes last, on its own: every other operation
# is exercised while still logged in.
# Logging out (one token or everywhere) revokes the fuzzer's token: those run last, alone.
fuzz --exclude-path-regex '^/api/v1/auth/logout(-all)?/$' "${@:2}"
fuzz --include-path-regex '^/api/v1/auth/logout(-all)?/$' "${@:2}"
