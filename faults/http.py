"""A small HTTP client for the load: every answer is recorded (phase, status, Retry-After,
latency), and a request that gets no answer at all is recorded as status 0."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    @property
    def retry_after(self) -> str | None:
        return self.headers.get("retry-after")


@dataclass
class Record:
    phase: str
    started: float  # time.monotonic()
    seconds: float
    method: str
    path: str
    status: int
    retry_after: str | None
    label: str = ""  # whose: "load" for the load's users, a fault's name for its own


class Recorder:
    """Every request of the run, tagged with the phase it started in."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.phase = "setup"
        self._lock = threading.Lock()

    def add(self, record: Record) -> None:
        with self._lock:
            self.records.append(record)

    def of(self, phase: str) -> list[Record]:
        with self._lock:
            return [r for r in self.records if r.phase == phase]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


class Client:
    """One API user: a bearer token, cookies for the sandbox checkout page."""

    def __init__(
        self, base: str, recorder: Recorder | None, timeout: float = 30.0, label: str = ""
    ) -> None:
        self.base = base
        self.label = label
        self.recorder = recorder
        self.timeout = timeout
        self.token: str | None = None
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        record: bool = True,
    ) -> Answer:
        url = path if path.startswith("http") else self.base + path
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        sent = {"Accept-Language": "en", **(headers or {})}
        if data is not None:
            sent["Content-Type"] = content_type
        if self.token and "Authorization" not in sent:
            sent["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(url, data=data, method=method, headers=sent)  # noqa: S310
        phase = self.recorder.phase if self.recorder else ""
        started = time.monotonic()
        try:
            with OPENER.open(request, timeout=self.timeout) as response:
                answer = Answer(response.status, response.read(), _headers(response))
        except urllib.error.HTTPError as exc:
            answer = Answer(exc.code, exc.read(), _headers(exc))
        except (OSError, ValueError):
            answer = Answer(0)
        seconds = time.monotonic() - started
        for cookie in answer.headers.get("set-cookie", "").split("\n"):
            name, _, rest = cookie.partition("=")
            if name.strip() and rest:
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if record and self.recorder is not None:
            self.recorder.add(
                Record(
                    phase,
                    started,
                    seconds,
                    method,
                    path,
                    answer.status,
                    answer.retry_after,
                    self.label,
                )
            )
        return answer


def _headers(response: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in response.headers.items():
        key = name.lower()
        found[key] = f"{found[key]}\n{value}" if key in found else value
    return found
