"""Schemathesis hooks for ``scripts/fuzz.sh``: two users, the other's ids, and a leak check.

Loaded by ``st run`` through ``SCHEMATHESIS_HOOKS=tests.fuzz.hooks``; reads the world that
``python -m tests.fuzz.world`` wrote (``GARAP_FUZZ_WORLD``, a JSON file) and the server's
address (``GARAP_FUZZ_URL``). No Django here: the fuzzer is a client like any other.

- **Two users.** Every request is sent as the client (Citra) or the freelancer (Fajar) of the
  world, each logged in through ``POST auth/token/`` (again after a 401: the fuzzer may log
  itself out). In the stateful phase an operation of one side of the marketplace is sent as that
  side (tests/fuzz/operations.py), so a chain of links is walked by the people who may walk it,
  and an operation either may do keeps the identity of the step before it; in the other phases
  the identities take turns.
- **The other user's ids.** Every path parameter gets the world's objects of its kind as
  examples (both users' own and each other's), and in the fuzzing phase half of the valid
  requests have their ids replaced by one of those. Every text path parameter also gets a NUL
  (PostgreSQL cannot store one, and a username goes into a query).
- **Flows that get somewhere.** The schema cannot say that a gig's bidding closes 1 to 14 days
  from now or that a bid is at least its category's minimum: half of the valid gigs and bids the
  fuzzing and stateful phases generate get such values, so the links lead past the first step.
- **No leaks.** ``no_private_data_of_another_user`` fails any response that holds a private
  marker or amount of a user other than the one who asked (tests/fuzz/world.py): an anonymous
  caller or an account the fuzzer signed up may see neither user's. Schemathesis reuses values it
  read in responses (it would send the review text it read as Citra in a review by Fajar): no
  generated request may carry a marker or a private amount, and one that still does (a value a
  link copied) makes it its caller's own from then on (the run's figures list these).
- **Failures of changes in flight** (tests/fuzz/known.py) are accepted as the hand-written tests
  accept theirs with ``xfail(strict=True)``: only while they still happen.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import requests
import schemathesis
from hypothesis import strategies as st

from tests.fuzz.known import KNOWN_FAILURES, known_failure
from tests.fuzz.operations import role_of
from tests.fuzz.world import ROLES, World

WORLD = World.from_json(Path(os.environ["GARAP_FUZZ_WORLD"]).read_text(encoding="utf-8"))
BASE_URL = os.environ.get("GARAP_FUZZ_URL", "http://127.0.0.1:8000").rstrip("/")
STATS_PATH = os.environ.get("GARAP_FUZZ_STATS", "")

_lock = threading.Lock()
# Every token the auth provider obtained, and whose it is: a request is judged by the token it
# actually carried.
_TOKEN_ROLES: dict[str, str] = {}
_last_role = {"role": ROLES[0]}
_turns = itertools.count()
STATS: Counter[str] = Counter()


# --- the schema: the world's objects as path examples -----------------------------------------


@schemathesis.hook
def before_load_schema(context: schemathesis.HookContext, raw_schema: dict) -> None:
    for route, methods in raw_schema.get("paths", {}).items():
        for definition in methods.values():
            if not isinstance(definition, dict):
                continue
            for parameter in definition.get("parameters", []):
                if parameter.get("in") != "path":
                    continue
                values = WORLD.values_of(route, parameter["name"])
                examples = {
                    f"{parameter['name']}-{n}": {"value": value}
                    for n, value in enumerate(dict.fromkeys(values))
                }
                if parameter.get("schema", {}).get("type") == "string":
                    if not examples:
                        # A plain value first, where the world has none of this kind (a photo's
                        # name): the coverage phase sends a method the path does not take with
                        # the first example, and must get the 405, not the NUL's 400.
                        examples["text"] = {"value": "fuzz"}
                    # PostgreSQL cannot hold a NUL, and text from a path reaches a query.
                    examples["nul"] = {"value": "fuzz\x00"}
                if examples:
                    parameter["examples"] = examples


def _world_path_values(case: schemathesis.Case) -> dict[str, list[Any]]:
    route = case.operation.path
    return {
        name: values
        for name in (case.path_parameters or {})
        if (values := WORLD.values_of(route, name))
    }


def _positive(case: schemathesis.Case, location: str) -> bool:
    """Whether the part of the case at ``location`` ("path", "body") was generated valid."""
    meta = case.meta
    if meta is None:
        return False
    for where, info in meta.components.items():
        if str(getattr(where, "value", where)) == location:
            return info.mode.is_positive
    return meta.generation.mode.is_positive


def _realistic_terms(case: schemathesis.Case) -> dict[str, Any]:
    """Values a valid request needs that the schema cannot express (see the module's docstring)."""
    from datetime import UTC, datetime, timedelta

    operation_id = case.operation.definition.raw.get("operationId", "")
    now = datetime.now(UTC)
    if operation_id in ("v1_gigs_create", "v1_gigs_partial_update"):
        return {
            "bidding_deadline": (now + timedelta(days=3)).isoformat(),
            "delivery_deadline": (now + timedelta(days=10)).isoformat(),
            "category": next(iter(WORLD.ids["category"].values())),
            "budget": 1_000_000,
            "skills": [],
        }
    if operation_id == "v1_gigs_bids_create":
        return {"amount": 300_000}
    return {}


@schemathesis.hook
def flatmap_case(context: schemathesis.HookContext, case: schemathesis.Case):
    """Half of the valid requests of the fuzzing phase aim at the world's objects — each user's
    own and the other's — instead of ids that exist nowhere; half of the valid gigs and bids of
    the fuzzing and stateful phases get realistic terms."""
    meta = case.meta
    phase = str(meta.phase.name) if meta is not None else ""
    if phase not in ("fuzzing", "stateful"):
        return st.just(case)
    known = _world_path_values(case) if phase == "fuzzing" and _positive(case, "path") else {}
    terms = _realistic_terms(case) if _positive(case, "body") else {}
    if isinstance(case.body, dict):
        terms = {key: value for key, value in terms.items() if key in case.body}
    else:
        terms = {}
    if not known and not terms:
        return st.just(case)

    def apply(choice: tuple[dict[str, Any] | None, bool]) -> schemathesis.Case:
        ids, realistic = choice
        if ids:
            case.path_parameters = {**case.path_parameters, **ids}
        if realistic:
            case.body = {**case.body, **terms}
        return case

    ids = st.fixed_dictionaries({name: st.sampled_from(v) for name, v in known.items()})
    return st.tuples(st.one_of(st.none(), ids), st.booleans() if terms else st.just(False)).map(
        apply
    )


# --- two users ----------------------------------------------------------------------------------


def _log_in(role: str) -> str:
    response = requests.post(
        f"{BASE_URL}/api/v1/auth/token/",
        json={"username": WORLD.users[role]["username"], "password": WORLD.password},
        headers={"Accept-Language": "en"},
        timeout=30,
    )
    response.raise_for_status()
    token = response.json()["token"]
    with _lock:
        _TOKEN_ROLES[token] = role
        STATS[f"logins.{role}"] += 1
    return token


def _still_valid(token: str) -> bool:
    response = requests.get(
        f"{BASE_URL}/api/v1/me/", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    return response.status_code == 200


# Logged in once for the run. After a 401 schemathesis asks again and replays the request: a
# token the fuzzer revoked (it may log itself out) is replaced, a live one kept — most 401s are
# requests meant to fail (no or a broken Authorization), and a login hashes a password.
@schemathesis.auth(refresh_interval=24 * 3600)
class WorldUsers:
    """Both users' tokens; each case is sent as one of them (see the module's docstring)."""

    tokens: dict[str, str] = {}

    def get(self, case: schemathesis.Case, context: schemathesis.AuthContext) -> dict[str, str]:
        for role in ROLES:
            token = self.tokens.get(role)
            if token is None or not _still_valid(token):
                self.tokens[role] = _log_in(role)
        return dict(self.tokens)

    def set(
        self, case: schemathesis.Case, data: dict[str, str], context: schemathesis.AuthContext
    ) -> None:
        side = role_of(case.operation.definition.raw.get("operationId", ""))
        phase = str(case.meta.phase.name) if case.meta is not None else ""
        # Called while Hypothesis generates the case, where only its own draws may be random: a
        # counter takes turns instead (an operation of one side goes as the other every 4th time).
        turn = next(_turns)
        if phase == "stateful":
            role = side or _last_role["role"]
        elif side is not None:
            role = side if turn % 4 else WORLD.other(side)
        else:
            role = ROLES[turn % 2]
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data[role]}"


# --- the leak check -----------------------------------------------------------------------------


def role_of_request(headers: Any) -> str | None:
    """Whose request it was: a world user's token, or None (anonymous, or an account the fuzzer
    signed up through a link)."""
    authorization = headers.get("Authorization", "") if headers is not None else ""
    if isinstance(authorization, bytes):
        authorization = authorization.decode("latin-1")
    token = authorization.removeprefix("Bearer ").strip()
    return _TOKEN_ROLES.get(token)


_TAINTED: set[str] = set()
_ALL_SECRETS = WORLD.forbidden_for(None)


def _secrets_in_request(url: str, headers: dict[str, str], body: bytes) -> set[str]:
    sent = f"{url}\n{headers}\n".encode() + body
    return set(WORLD.leaks(None, sent)) | {str(n) for n in _ALL_SECRETS.numbers if str(n) in url}


@schemathesis.hook
def filter_case(context: schemathesis.HookContext, case: schemathesis.Case) -> bool:
    """No request carries a marker or private amount. Schemathesis reuses values it read in
    responses, so it would send the client's review text as the freelancer's — whose answer then
    holds it, by no fault of the API."""
    body = case.body
    if isinstance(body, (bytes, bytearray)):
        raw = bytes(body)
    else:
        raw = json.dumps(body, default=str).encode() if body is not None else b""
    parts = (case.path_parameters, case.query, case.cookies)
    url = json.dumps([part or {} for part in parts], default=str)
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    if _secrets_in_request(url, headers, raw):
        with _lock:
            STATS["cases_refused_for_carrying_a_secret"] += 1
        return False
    return True


@schemathesis.hook
def after_call(
    context: schemathesis.HookContext, case: schemathesis.Case, response: schemathesis.Response
) -> None:
    """Whatever still carried a marker or amount (a value a link copied) makes it its caller's
    from then on; and the stateful phase's next step of either side goes as this one did."""
    request = response.request
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8", "replace")
    carried = _secrets_in_request(request.url or "", dict(request.headers), body)
    role = role_of_request(request.headers)
    phase = str(case.meta.phase.name) if case.meta is not None else "other"
    with _lock:
        _TAINTED.update(carried)
        STATS[f"requests.{phase}"] += 1
        if role is not None:
            _last_role["role"] = role


@schemathesis.check
def no_private_data_of_another_user(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    role = role_of_request(response.request.headers)
    headers = {name: ", ".join(values) for name, values in response.headers.items()}
    found = WORLD.leaks(role, response.content or b"", headers)
    with _lock:
        found = [item for item in found if item not in _TAINTED]
        STATS["responses_checked"] += 1
        STATS[f"responses_checked.{role or 'other'}"] += 1
        if found:
            STATS["leaks"] += 1
    if found:
        owner = WORLD.other(role) if role else "client or freelancer"
        raise AssertionError(
            f"The response to {role or 'a caller who is neither user'} holds private data of "
            f"the {owner}: {', '.join(found)}"
        )
    return None


# --- failures of changes in flight (tests/fuzz/known.py) ----------------------------------------

KNOWN_SEEN: dict[str, list[str]] = {}


@schemathesis.hook
def filter_failure(
    context: schemathesis.HookContext,
    failure: Any,
    case: schemathesis.Case,
    response: schemathesis.Response,
) -> bool:
    """Accept a failure tests/fuzz/known.py lists (and note it was met); keep any other."""
    # Path parameters are kept as they go on the wire: "fuzz%00".
    values = (case.path_parameters or {}).values()
    name = known_failure(
        status=response.status_code,
        nul_in_text_path=any(isinstance(v, str) and "\x00" in unquote(v) for v in values),
    )
    if not name:
        return True
    with _lock:
        seen = KNOWN_SEEN.setdefault(name, [])
        if response.request.path_url not in seen:
            seen.append(response.request.path_url)
    return False


def _write_stats() -> None:
    if STATS_PATH:
        figures = {
            **STATS,
            "tainted": sorted(_TAINTED),
            "known_failures": {name: KNOWN_SEEN.get(name, []) for name in KNOWN_FAILURES},
        }
        Path(STATS_PATH).write_text(json.dumps(figures, indent=2, sort_keys=True))


atexit.register(_write_stats)
