"""Input no generator makes on purpose, sent to every operation of the running server before
schemathesis starts (scripts/fuzz.sh): a NUL in each path parameter, and a JSON body nested
5 000 levels deep on every JSON operation (as the user the operation belongs to, and anonymously
where it allows that). Each must be a 4xx in the error format.

``python -m tests.fuzz.hostile_pass BASE_URL WORLD.json OUT.json``; no Django, a client like any
other. tests/fuzz/test_hostile_input.py sends the same and more through Django's test client.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import quote

import requests

from tests.fuzz.known import KNOWN_FAILURES, known_failure
from tests.fuzz.operations import role_of
from tests.fuzz.world import World

DEEP = ("[" * 5_000 + "]" * 5_000).encode()


def _error_format(response: requests.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and {"code", "message", "fields"} <= set(body)


def run(base: str, world: World) -> dict:
    tokens = {
        role: requests.post(
            f"{base}/api/v1/auth/token/",
            json={"username": user["username"], "password": world.password},
            timeout=30,
        ).json()["token"]
        for role, user in world.users.items()
    }
    schema = requests.get(f"{base}/api/schema/", params={"format": "json"}, timeout=60).json()
    sent, problems, known = 0, [], {name: [] for name in KNOWN_FAILURES}
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            if route.endswith(("/auth/logout/", "/auth/logout-all/")):
                continue  # would revoke a token the fuzzer goes on using
            role = role_of(operation["operationId"]) or "client"
            params = {
                p["name"]: p.get("schema", {}).get("type")
                for p in operation.get("parameters", [])
                if p["in"] == "path"
            }

            def url(nul: str = "", route: str = route, role: str = role) -> str:
                def value(match: re.Match) -> str:
                    name = match.group(1)
                    if name == nul:
                        return "%00"
                    return quote(str(world.home_value(route, name, role) or 1), safe="")

                return base + re.sub(r"\{([^}]+)\}", value, route)

            tries = [(url(name), None, role, name) for name in params]
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                anonymous = {} in operation.get("security", [{}])
                tries += [(url(), DEEP, who, None) for who in [role] + [None] * anonymous]
            for target, body, who, nul in tries:
                headers = {"Accept-Language": "en", "Content-Type": "application/json"}
                if who:
                    headers["Authorization"] = f"Bearer {tokens[who]}"
                response = requests.request(
                    method.upper(), target, data=body, headers=headers, timeout=60
                )
                sent += 1
                what = f"{method.upper()} {target.removeprefix(base)}"
                what += f" as {who or 'anonymous'} ({'deep JSON' if body else 'NUL'})"
                name = known_failure(
                    status=response.status_code,
                    nul_in_text_path=nul is not None and params.get(nul) == "string",
                    deep_json=body is not None,
                )
                if name:
                    known[name].append(target.removeprefix(base))  # as the server logs it
                elif not 400 <= response.status_code < 500 or not _error_format(response):
                    problems.append(f"{what}: {response.status_code} {response.text[:200]}")
    return {"requests": sent, "problems": problems, "known_failures": known}


def main(argv: list[str]) -> int:
    base, world_path, out = argv[1].rstrip("/"), Path(argv[2]), Path(argv[3])
    result = run(base, World.from_json(world_path.read_text(encoding="utf-8")))
    out.write_text(json.dumps(result, indent=2))
    for problem in result["problems"]:
        print(f"hostile input: {problem}")
    seen = {name: len(found) for name, found in result["known_failures"].items()}
    print(
        f"hostile input: {result['requests']} requests, {len(result['problems'])} problems, "
        f"known failures of changes in flight {seen}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
