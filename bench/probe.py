"""In-process measurements on one data set: ``python -m bench.probe`` (DATABASE_URL set).

The benchmark starts one probe per data set and sends each a command per line (JSON); the probe
answers one JSON line. So the rounds can alternate between data sets while every probe keeps a
warm Django, and the two sides of a ratio are measured minutes apart at most.

Every write is rolled back: a probe leaves its data set as it found it, apart from the nightly
reputation pass, which writes what the data set's nightly pass would.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIRequestFactory, force_authenticate  # noqa: E402

from accounts.models import FreelancerProfile, User  # noqa: E402
from accounts.services.users import token_issue  # noqa: E402
from projects.api.bids import GigBidsApi  # noqa: E402
from projects.api.gigs.views import GigListCreateApi  # noqa: E402
from projects.models import Bid, Contract, Gig, Milestone  # noqa: E402
from projects.reputation.calculation import platform_mean  # noqa: E402
from projects.reputation.nightly import (  # noqa: E402
    _client_select,
    _Dialect,
    _freelancer_select,
    recalculate_all,
)
from projects.services.timers import milestones_due  # noqa: E402

factory = APIRequestFactory()
rng = random.Random(7)  # noqa: S311 - picks targets, not secrets


class UnexpectedAnswer(Exception):
    """A measured request did not do what it should: the figure would be meaningless."""


def _expect(status: int, response: Any) -> Any:
    if response.status_code != status:
        content = getattr(response, "content", b"") or str(getattr(response, "data", ""))
        raise UnexpectedAnswer(f"{response.status_code} instead of {status}: {content[:300]}")
    return response


class Rollback(Exception):
    """Raised to leave an atomic block without keeping its writes."""


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def rolled_back(call: Callable[[], Any]) -> float:
    """The call's time inside a transaction that is then rolled back (not timed)."""
    elapsed = 0.0
    try:
        with transaction.atomic():
            elapsed = timed(call)
            raise Rollback
    except Rollback:
        pass
    return elapsed


# --- the gig list ------------------------------------------------------------------------------

LIST = GigListCreateApi.as_view()


def _list(page_size: int) -> None:
    request = factory.get("/api/v1/gigs/", {"page_size": page_size})
    _expect(200, LIST(request)).render()


def _list_sql(page_size: int) -> list[tuple[str, tuple]]:
    """The statements the list view runs, with their parameters, for the raw fetch."""
    executed: list[tuple[str, tuple]] = []

    def keep(execute, sql, params, many, context):
        executed.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        _list(page_size)
    return executed


def op_list_view(n: int, page_size: int = 20) -> dict:
    return {"seconds": [timed(lambda: _list(page_size)) for _ in range(n)]}


def op_raw_fetch(n: int, page_size: int = 20) -> dict:
    """The same statements, sent by a bare psycopg connection and fetched: the floor."""
    _list(page_size)  # a fresh connection's first query looks up types: not the list's
    statements = _list_sql(page_size)
    url = settings.DATABASES["default"]
    conninfo = psycopg.conninfo.make_conninfo(
        dbname=url["NAME"], user=url["USER"], host=url["HOST"], port=url["PORT"] or 5432
    )
    seconds = []
    with psycopg.connect(conninfo, autocommit=True) as raw:
        for _ in range(n):
            started = time.perf_counter()
            for sql, params in statements:
                raw.execute(sql, params).fetchall()
            seconds.append(time.perf_counter() - started)
    return {"seconds": seconds, "statements": len(statements)}


# --- queries per request ------------------------------------------------------------------------


def _count(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries.captured_queries)


def _open_gig_with_bids(most: bool) -> Gig:
    gigs = Gig.objects.filter(status=Gig.Status.OPEN, visibility=Gig.Visibility.PUBLIC)
    order = "-bid_count" if most else "bid_count"
    return gigs.filter(hidden_at__isnull=True).order_by(order, "id").first()


def _bidding_pairs(count: int) -> list[tuple[int, int, int]]:
    """(gig, freelancer, amount) a bid can be placed for: open public gigs taking bids,
    listed freelancers under capacity with no live bid on the gig."""
    now = timezone.now()
    gigs = list(
        Gig.objects.filter(
            status=Gig.Status.OPEN,
            visibility=Gig.Visibility.PUBLIC,
            hidden_at__isnull=True,
            bidding_deadline__gt=now + timezone.timedelta(hours=1),
        )
        .order_by("-published_at", "-id")
        .values_list("id", "budget")[:count]
    )
    # Freelancers with no active contract: under any capacity.
    working = Contract.objects.filter(freelancer_id=OuterRef("user_id"), status="active")
    free = list(
        FreelancerProfile.objects.exclude(headline="")
        .filter(user__is_active=True, removed_at__isnull=True)
        .filter(~Exists(working))
        .order_by("user_id")
        .values_list("user_id", flat=True)[: count * 4]
    )
    pairs = []
    for index, (gig_id, budget) in enumerate(gigs):
        taken = set(
            Bid.objects.filter(gig_id=gig_id, status__in=Bid.LIVE).values_list(
                "freelancer_id", flat=True
            )
        )
        candidates = [f for f in free[index:] + free[:index] if f not in taken]
        if candidates:
            pairs.append((gig_id, candidates[0], budget))
    return pairs


BIDS = GigBidsApi.as_view()
BID = {
    "amount": 0,
    "delivery_days": 3,
    "cover_letter": "Saya siap mengerjakan ini dengan rapi dan tepat waktu, revisi dua kali.",
}


def _place_bid(gig_id: int, freelancer: User, amount: int) -> None:
    request = factory.post(
        f"/api/v1/gigs/{gig_id}/bids/",
        {**BID, "amount": amount},
        format="json",
    )
    force_authenticate(request, user=freelancer)
    _expect(201, BIDS(request, gig_id=gig_id)).render()


def op_queries() -> dict:
    """Statements per request through the whole stack (middleware, token authentication)."""
    client = Client()
    counts: dict[str, int] = {}
    bids: dict[str, int] = {}
    counts["gig list"] = _count(lambda: _expect(200, client.get("/api/v1/gigs/")))
    second = client.get("/api/v1/gigs/").json()["next"]
    counts["gig list, next page"] = _count(lambda: _expect(200, client.get(second)))
    for label, most in (("no bids", False), ("most bids", True)):
        gig = _open_gig_with_bids(most)
        bids[label] = gig.bid_count
        owner = User.objects.get(pk=gig.client_id)
        path = f"/api/v1/gigs/{gig.pk}/"
        counts[f"gig detail, {label}, anonymous"] = _count(
            lambda path=path: _expect(200, client.get(path))
        )
        try:
            with transaction.atomic():
                _, raw = token_issue(user=owner)
                counts[f"gig detail, {label}, as its client (token)"] = _count(
                    lambda path=path, raw=raw: _expect(
                        200, client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")
                    )
                )
                raise Rollback
        except Rollback:
            pass
    counts["freelancer list"] = _count(lambda: _expect(200, client.get("/api/v1/freelancers/")))
    gig_id, freelancer_id, amount = _bidding_pairs(1)[0]
    freelancer = User.objects.get(pk=freelancer_id)
    try:
        with transaction.atomic():
            _, raw = token_issue(user=freelancer)
            counts["bid placement (token)"] = _count(
                lambda: _expect(
                    201,
                    client.post(
                        f"/api/v1/gigs/{gig_id}/bids/",
                        {**BID, "amount": amount},
                        content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {raw}",
                    ),
                )
            )
            raise Rollback
    except Rollback:
        pass
    return {"counts": counts, "bids": bids}


# --- writes: bid placement, milestone release ---------------------------------------------------

_pairs: list[tuple[int, User, int]] = []
_submitted: list[tuple[int, User]] = []


def op_bid_place(n: int) -> dict:
    if not _pairs:
        users = {}
        for gig_id, freelancer_id, amount in _bidding_pairs(40):
            user = users.setdefault(freelancer_id, User.objects.get(pk=freelancer_id))
            _pairs.append((gig_id, user, amount))
    seconds = []
    for _ in range(n):
        gig_id, user, amount = rng.choice(_pairs)
        seconds.append(rolled_back(lambda g=gig_id, u=user, a=amount: _place_bid(g, u, a)))
    return {"seconds": seconds}


def op_release(n: int) -> dict:
    from projects.services.milestones import milestone_approve

    if not _submitted:
        rows = (
            Milestone.objects.filter(status=Milestone.Status.SUBMITTED)
            .order_by("-submitted_at", "-id")
            .values_list("id", "contract__client_id")[:40]
        )
        clients = {c: User.objects.get(pk=c) for c in {client for _, client in rows}}
        _submitted.extend((pk, clients[client]) for pk, client in rows)
    seconds = []
    for _ in range(n):
        pk, client = rng.choice(_submitted)
        seconds.append(
            rolled_back(lambda p=pk, c=client: milestone_approve(milestone_id=p, actor=c))
        )
    return {"seconds": seconds}


# --- the nightly reputation pass -----------------------------------------------------------------


def _bare_aggregates() -> None:
    """The aggregates the nightly pass computes, counted instead of written. Every column is
    referenced (the row compared with NULL), so PostgreSQL cannot skip a join."""
    d = _Dialect(connection.vendor)
    prior = platform_mean()
    select, params = _freelancer_select(d, prior, timezone.now())
    counted = "SELECT count(*) FROM ({}) s WHERE s IS DISTINCT FROM NULL"
    with connection.cursor() as cursor:
        cursor.execute(counted.format(select), params)
        cursor.fetchall()
        cursor.execute(counted.format(_client_select(d)))
        cursor.fetchall()


def op_nightly(n: int) -> dict:
    return {"seconds": [timed(lambda: recalculate_all(now=timezone.now())) for _ in range(n)]}


def op_nightly_bare(n: int) -> dict:
    return {"seconds": [timed(_bare_aggregates) for _ in range(n)]}


def op_reviews() -> dict:
    from projects.models import Review

    return {"reviews": Review.objects.count(), "gigs": Gig.objects.count()}


# --- the due-milestone sweep ----------------------------------------------------------------------


def _sweep_query(force_seq_scan: bool) -> None:
    queryset = milestones_due(timezone.now()).values_list("pk", flat=True)
    sql, params = queryset[: settings.TIMER_BATCH_SIZE].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if force_seq_scan:
            cursor.execute(
                "SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; "
                "SET LOCAL enable_indexonlyscan = off"
            )
        cursor.execute(sql, params)
        cursor.fetchall()


def op_sweep(n: int, force_seq_scan: bool = False) -> dict:
    return {"seconds": [timed(lambda: _sweep_query(force_seq_scan)) for _ in range(n)]}


def op_sweep_plan(force_seq_scan: bool = False) -> dict:
    queryset = milestones_due(timezone.now()).values_list("pk", flat=True)
    sql, params = queryset[: settings.TIMER_BATCH_SIZE].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if force_seq_scan:
            cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return {"plan": [row[0] for row in cursor.fetchall()]}


OPS = {name[3:]: value for name, value in globals().items() if name.startswith("op_")}


def main() -> None:
    for line in sys.stdin:
        command = json.loads(line)
        name = command.pop("op")
        try:
            answer = OPS[name](**command)
        except Exception as exc:
            answer = {"error": f"{name}: {type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
