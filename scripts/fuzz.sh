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

# Input no generator makes on purpose, at every operation: a NUL in each path parameter, and a
# JSON body nested 5 000 levels deep. Each must be refused with a 4xx (a 404 is fine for a path).
.venv/bin/python - "$base" "$token" <<'PY'
import json, re, sys, urllib.error, urllib.request
base, token = sys.argv[1], sys.argv[2]
headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
schema = json.load(urllib.request.urlopen(base + "/api/schema/?format=json", timeout=30))
deep = ("[" * 5000 + "]" * 5000).encode()
failures = []
for path, operations in schema["paths"].items():
    if path.endswith("/auth/logout/"):
        continue  # would revoke the token the fuzzer uses
    for method, operation in operations.items():
        tries = []
        if "{" in path:
            tries.append((re.sub(r"\{[^}]+\}", "%00", path), None))
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            tries.append((re.sub(r"\{[^}]+\}", "1", path), deep))
        for url, body in tries:
            request = urllib.request.Request(
                base + url, data=body, method=method.upper(),
                headers={**headers, "Content-Type": "application/json"} if body else headers,
            )
            try:
                status = urllib.request.urlopen(request, timeout=30).status
            except urllib.error.HTTPError as error:
                status = error.code
            if not 400 <= status < 500:
                failures.append(f"{method.upper()} {url} ({'deep JSON' if body else 'NUL'}): {status}")
print("\n".join(failures) or "NUL path parameters and deep JSON: every answer a 4xx")
sys.exit(1 if failures else 0)
PY

# Logout revokes the token the fuzzer uses, so it goes last, on its own: every other operation
# is exercised while still logged in.
# Logging out (one token or everywhere) revokes the fuzzer's token: those run last, alone.
fuzz --exclude-path-regex '^/api/v1/auth/logout(-all)?/$' "${@:2}"
fuzz --include-path-regex '^/api/v1/auth/logout(-all)?/$' "${@:2}"
