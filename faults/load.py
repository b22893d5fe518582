"""The bounded load: pairs of API users (a client and a freelancer) running the marketplace loop
over and over — post a gig, bid, accept, top up in the sandbox (the checkout page, then the
worker's signed webhook), fund, submit, approve — as scripts/api_walkthrough.sh does.

A user behaves as a careful app does: an answer of 503 (or none at all) is retried after a
pause, with the same Idempotency-Key on money calls; a step whose first try may have been done
before the failure is looked up instead of repeated. A loop that still cannot finish is
counted as failed, with the reason.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from faults.http import Answer, Client, Recorder

API = "/api/v1"
BUDGET, PRICE = 200_000, 150_000
# How long one step may keep failing before its loop is given up (an outage lasts seconds; a
# lost webhook is sent again by the sandbox after a minute).
STEP_DEADLINE = 150.0
PASSWORD_SUFFIX = "-Kuat-2026!"  # noqa: S105 - the load's throw-away accounts


class LoopFailed(Exception):
    pass


@dataclass
class Totals:
    loops_done: dict[str, int] = field(default_factory=dict)
    loops_failed: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def done(self, phase: str) -> None:
        with self.lock:
            self.loops_done[phase] = self.loops_done.get(phase, 0) + 1

    def failed(self, phase: str, reason: str) -> None:
        with self.lock:
            self.loops_failed.setdefault(phase, []).append(reason)


def register(base: str, recorder: Recorder | None, name: str, label: str = "") -> Client:
    """A new account through the API; the client holds its token."""
    client = Client(base, recorder, label=label)
    answer = call(
        client,
        "POST",
        f"{API}/auth/register/",
        body={
            "username": name,
            "email": f"{name}@faults.garap.test",
            "password": name + PASSWORD_SUFFIX,
        },
        ok=(201,),
    )
    client.token = answer.json()["token"]
    return client


def pause(answer: Answer) -> float:
    try:
        return min(1.0, max(0.2, float(answer.retry_after or 0.5)))
    except ValueError:
        return 0.5


def call(
    client: Client,
    method: str,
    path: str,
    *,
    ok: tuple[int, ...] = (200,),
    recover=None,
    **kwargs,
) -> Answer:
    """The request until it answers one of ``ok``: 503s, 429s and no answer are retried; a 4xx
    after an earlier failed try asks ``recover()`` (the first try may have been done)."""
    deadline = time.monotonic() + STEP_DEADLINE
    tried_before = False
    while True:
        answer = client.request(method, path, **kwargs)
        if answer.status in ok:
            return answer
        if answer.status == 0 or answer.status >= 500 or answer.status == 429:
            tried_before = True
            if time.monotonic() > deadline:
                raise LoopFailed(
                    f"{method} {path}: still {answer.status} after {STEP_DEADLINE:.0f} s"
                )
            time.sleep(pause(answer))
            continue
        if tried_before and recover is not None:
            found = recover()
            if found is not None:
                return found
        raise LoopFailed(f"{method} {path}: {answer.status} {answer.body[:200]!r}")


def wait_for(check, what: str, deadline: float = STEP_DEADLINE, every: float = 0.5):
    until = time.monotonic() + deadline
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > until:
            raise LoopFailed(f"{what}: not within {deadline:.0f} s")
        time.sleep(every)


class Pair:
    """A client and a freelancer who do business with each other, one loop at a time."""

    def __init__(self, base: str, recorder: Recorder, index: int, category: int, tag: str) -> None:
        self.base, self.recorder, self.category = base, recorder, category
        self.client_name, self.username = f"c{tag}{index}", f"f{tag}{index}"
        self.client = register(base, recorder, self.client_name, tag)
        self.freelancer = register(base, recorder, self.username, tag)
        self.counter = itertools.count()
        self.index = index

    def loop(self) -> None:
        contract, milestone = self.contract()
        self.top_up(PRICE)
        self.fund_and_submit(contract, milestone)
        done = call(
            self.client,
            "POST",
            f"{API}/milestones/{milestone}/approve/",
            headers={"Idempotency-Key": f"approve-{milestone}-{uuid.uuid4().hex}"},
        ).json()
        if done.get("status") != "released":
            raise LoopFailed(f"milestone {milestone} approved but {done.get('status')}")

    def submitted(self, count: int) -> list[tuple[int, int]]:
        """``count`` milestones funded and submitted, not approved: (contract, milestone)."""
        made = [self.contract() for _ in range(count)]
        self.top_up(PRICE * count)
        for contract, milestone in made:
            self.fund_and_submit(contract, milestone)
        return made

    def gig(self) -> int:
        n = next(self.counter)
        now = datetime.now(UTC)
        return call(
            self.client,
            "POST",
            f"{API}/gigs/",
            ok=(201,),
            body={
                "title": f"Poster promo toko {self.index}-{n}",
                "description": "Poster promosi ukuran A4 untuk toko kelontong, dua versi warna.",
                "category": self.category,
                "budget": BUDGET,
                "bidding_deadline": (now + timedelta(days=3)).isoformat(),
                "delivery_deadline": (now + timedelta(days=10)).isoformat(),
                "publish": True,
            },
        ).json()["id"]

    def bid(self, gig: int, freelancer: Client, username: str) -> int:
        def my_bid() -> Answer | None:
            listed = self.client.request("GET", f"{API}/gigs/{gig}/bids/")
            for bid in (listed.json() or {}).get("results", []):
                if bid["freelancer"]["username"] == username:
                    return Answer(201, body=f'{{"id": {bid["id"]}}}'.encode())
            return None

        return call(
            freelancer,
            "POST",
            f"{API}/gigs/{gig}/bids/",
            ok=(201,),
            recover=my_bid,
            body={
                "amount": PRICE,
                "delivery_days": 3,
                "cover_letter": "Dua versi warna dalam tiga hari, berkas PNG dan PDF.",
            },
        ).json()["id"]

    def contract(self) -> tuple[int, int]:
        """A gig, the freelancer's bid, the client's accept: (contract, its milestone)."""
        c = self.client
        gig = self.gig()
        bid = self.bid(gig, self.freelancer, self.username)

        def my_contract() -> Answer | None:
            listed = c.request("GET", f"{API}/contracts/")
            for contract in (listed.json() or {}).get("results", []):
                brief = contract.get("gig")
                if (brief.get("id") if isinstance(brief, dict) else brief) == gig:
                    return c.request("GET", f"{API}/contracts/{contract['id']}/")
            return None

        contract = call(c, "POST", f"{API}/bids/{bid}/accept/", recover=my_contract).json()
        return contract["id"], contract["milestones"][0]["id"]

    def fund_and_submit(self, contract: int, milestone: int) -> None:
        c, f = self.client, self.freelancer
        key = uuid.uuid4().hex
        call(c, "POST", f"{API}/milestones/{milestone}/fund/", headers={"Idempotency-Key": key})

        def submitted() -> Answer | None:
            found = c.request("GET", f"{API}/contracts/{contract}/").json() or {}
            states = [m["status"] for m in found.get("milestones", []) if m["id"] == milestone]
            return Answer(200) if states and states[0] != "funded" else None

        call(
            f,
            "POST",
            f"{API}/milestones/{milestone}/submit/",
            recover=submitted,
            body={"note": "Dua poster terlampir."},
        )

    def available(self) -> int | None:
        answer = self.client.request("GET", f"{API}/wallet/")
        return (answer.json() or {}).get("available") if answer.status == 200 else None

    def top_up(self, amount: int) -> None:
        """A deposit, paid on the sandbox's checkout page; the worker delivers the webhook."""
        c = self.client

        def balance() -> list[int] | None:
            found = self.available()
            return None if found is None else [found]

        before = wait_for(balance, "the wallet")[0]
        deposit = call(
            c, "POST", f"{API}/wallet/deposits/", ok=(201,), body={"amount": amount}
        ).json()
        url = deposit["checkout_url"]
        page = call(c, "GET", url)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if token is None:
            raise LoopFailed("no CSRF token on the checkout page")
        call(
            c,
            "POST",
            url,
            raw=f"csrfmiddlewaretoken={token.group(1).decode()}&outcome=pay".encode(),
            content_type="application/x-www-form-urlencoded",
            headers={"Referer": url},
        )
        wait_for(lambda: (self.available() or 0) >= before + amount, "the sandbox webhook's credit")


class Load:
    """``users`` pairs running loops while a phase lasts."""

    def __init__(self, pairs: list[Pair], recorder: Recorder, totals: Totals) -> None:
        self.pairs, self.recorder, self.totals = pairs, recorder, totals
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self, phase: str) -> None:
        self.recorder.phase = phase
        self.stopping.clear()
        self.threads = [
            threading.Thread(target=self._run, args=(pair, phase), daemon=True)
            for pair in self.pairs
        ]
        for thread in self.threads:
            thread.start()

    def _run(self, pair: Pair, phase: str) -> None:
        while not self.stopping.is_set():
            try:
                pair.loop()
                self.totals.done(phase)
            except LoopFailed as exc:
                self.totals.failed(phase, str(exc))
            except Exception as exc:  # a bug of the load itself is a finding too
                self.totals.failed(phase, f"{type(exc).__name__}: {exc}")
            time.sleep(0.05)

    def stop(self, timeout: float) -> bool:
        """No new loops; wait for the running ones to end. False if some are still running."""
        self.stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self.threads)
