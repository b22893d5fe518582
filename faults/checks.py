"""What must hold after every fault, each a function returning its problems ([] when it holds).

They read the database through Django's ORM (the run's own cluster, or a test's database),
the e-mails Django's file backend wrote, the server's log and the load's own records, so
tests/faults/ can plant each defect and see its checker fail.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from django.db.models import Count

from accounts.models import Notification
from payments.models import Deposit, LedgerTransaction
from projects.models import MessageAttachment

# Notices that happen once per object for one recipient: a second one is the same event told
# twice (a release retried, a sweep run by two schedulers). Others (a new bid on a gig) may
# repeat for one object.
ONCE_PER_OBJECT = (
    "bid_accepted",
    "milestone_funded",
    "milestone_released",
    "milestone_auto_released",
    "contract_completed",
)
# Django's file e-mail backend ends every message with this line.
EMAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def double_releases() -> list[str]:
    """A milestone paid out by more than one release transaction."""
    return [
        f"{row['reference']} has {row['n']} release transactions"
        for row in LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.RELEASE)
        .values("reference")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("reference")
    ]


def duplicate_notices() -> list[str]:
    """The same once-per-object notice twice for one recipient (under different keys)."""
    return [
        f"{row['kind']} about {row['link'] or '?'} to user {row['recipient']} {row['n']} times"
        for row in Notification.objects.filter(kind__in=ONCE_PER_OBJECT)
        .values("recipient", "kind", "link")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("recipient", "kind", "link")
    ]


def sent_emails(folder: Path) -> list[email.message.EmailMessage]:
    """Every message Django's file e-mail backend wrote to ``folder``."""
    messages = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_bytes().split(EMAIL_SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def _words(text: str) -> str:
    return " ".join(text.split())  # a long subject is folded over two header lines


def _distinct(folder: Path) -> tuple[Counter[tuple[str, str]], int]:
    """Messages per (address, subject), a copy with a Message-ID already seen counted once; and
    how many such copies there were."""
    sent: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[str, str, str]] = set()
    copies = 0
    for position, m in enumerate(sent_emails(folder)):
        address, subject = str(m["To"]).lower(), _words(str(m["Subject"]))
        message_id = str(m["Message-ID"] or f"none-{position}")
        if (address, subject, message_id) in seen:
            copies += 1
            continue
        seen.add((address, subject, message_id))
        sent[address, subject] += 1
    return sent, copies


def duplicate_emails(folder: Path) -> list[str]:
    """A notice that reached someone twice: more messages to an address with a notice's subject
    than there are notices with that title for that address.

    A copy with the same Message-ID is one message: it is what a crash between an e-mail's send
    and the commit that records it leaves (the outbox sends it again, with the Message-ID the
    notice's key gives it: accounts.services.notifications), and mail systems drop it. Those
    copies are counted by ``resent_copies`` for the report instead."""
    expected: Counter[tuple[str, str]] = Counter(
        (address.lower(), _words(f"[Garap] {title}"))
        for address, title in Notification.objects.values_list("recipient__email", "title")
    )
    sent, _copies = _distinct(folder)
    return [
        f"{subject!r} to {address} e-mailed {count} times "
        f"for {expected[address, subject]} notice(s)"
        for (address, subject), count in sorted(sent.items())
        if (address, subject) in expected and count > expected[address, subject]
    ]


def resent_copies(folder: Path) -> int:
    """E-mails sent again with a Message-ID already sent (see ``duplicate_emails``)."""
    return _distinct(folder)[1]


def stuck_outbox() -> list[str]:
    """Notices whose e-mail is still to send, or was given up on."""
    stuck = Notification.objects.filter(
        email_status__in=[Notification.EmailStatus.PENDING, Notification.EmailStatus.FAILED]
    )
    return [
        f"notice {pk} ({kind}) e-mail {status} after {attempts} attempt(s)"
        for pk, kind, status, attempts in stuck.order_by("pk").values_list(
            "pk", "kind", "email_status", "email_attempts"
        )
    ]


def stuck_deposits() -> list[str]:
    """Deposits paid (or failed) at the gateway whose webhook never settled them."""
    stuck = Deposit.objects.filter(status=Deposit.Status.PENDING, gateway_outcome_at__isnull=False)
    return [
        f"deposit {reference} ({outcome} at the gateway) still pending"
        for reference, outcome in stuck.order_by("pk").values_list("reference", "gateway_outcome")
    ]


def orphan_uploads(root: Path, ignore: Iterable[str] = ()) -> list[str]:
    """Message attachments left half-done by a full disk: a file without its row, a row
    without its file, or an empty file."""
    if not root.exists():
        return []
    on_disk = {
        str(path.relative_to(root)): path.stat().st_size
        for path in root.rglob("*")
        if path.is_file() and path.name not in set(ignore)
    }
    rows = set(MessageAttachment.objects.values_list("file", flat=True))
    problems = [f"{name}: a file with no row" for name in sorted(set(on_disk) - rows)]
    problems += [f"{name}: a row with no file" for name in sorted(rows - set(on_disk))]
    problems += [f"{name}: empty" for name, size in sorted(on_disk.items()) if size == 0]
    return problems


# The 5xx answers Garap gives on purpose: a dependency down (with Retry-After), storage full.
DESIGNED_5XX = {503, 507}
SERVER_ERROR = re.compile(r"Internal Server Error: (\S+)")
ACCESS_5XX = re.compile(r'^access (5\d\d) "([^"]*)"', re.MULTILINE)


def server_errors(log: str) -> list[str]:
    """500s in gunicorn's log: Django's error lines, and any 5xx in the access log but the
    designed ones (503, 507)."""
    problems = [f"500 on {path} (server log)" for path in SERVER_ERROR.findall(log)]
    problems += [
        f"{status} on {request} (access log)"
        for status, request in ACCESS_5XX.findall(log)
        if int(status) not in DESIGNED_5XX
    ]
    return problems


def bad_answers(records: Iterable, outages: list[tuple[float, float]], grace: float) -> list[str]:
    """The load's answers: no 5xx but the designed ones (a 507 for a full disk; a 503 always
    with Retry-After, and only to a request in flight while a dependency was down: ``outages``
    are monotonic windows, plus ``grace`` seconds after each), and never no answer at all."""
    problems: Counter[str] = Counter()
    for r in records:
        path = re.sub(r"/\d+/", "/{id}/", r.path.split("?")[0])
        if r.status == 0:
            problems[f"no answer to {r.method} {path}"] += 1
        elif r.status >= 500 and r.status not in DESIGNED_5XX:
            problems[f"{r.status} to {r.method} {path}"] += 1
        elif r.status == 503:
            if not r.retry_after:
                problems[f"503 without Retry-After to {r.method} {path}"] += 1
            elif not any(
                r.started <= end + grace and r.started + r.seconds >= start
                for start, end in outages
            ):  # in flight at some moment while a dependency was down (or just back)
                problems[f"503 with no dependency down to {r.method} {path}"] += 1
    return [f"{what} ({n}×)" for what, n in sorted(problems.items())]


def health_during(probes: Iterable, window: tuple[float, float], down: set[str]) -> list[str]:
    """Every probe answered inside ``window`` named the parts in ``down`` — a 503 when the
    database or the broker is among them (this node cannot serve), a 200 ``degraded`` when only
    a background process is — and at least one probe was made."""
    inside = [p for p in probes if window[0] <= p.started and p.started + p.seconds <= window[1]]
    if not inside:
        return ["no health probe answered while the fault lasted"]
    code = 503 if down & {"database", "broker"} else 200
    problems = []
    for p in inside:
        named = set((p.body or {}).get("problems", []))
        if p.status != code or not down <= named:
            problems.append(f"health said {p.status} {sorted(named)} while {sorted(down)} was down")
    return problems[:5]


def health_after(probes: Iterable, since: float) -> list[str]:
    """From ``since`` (when health first said 200 ``ok`` again) it stays so."""
    after = [p for p in probes if p.started >= since]
    if not after:
        return ["no health probe after the fault"]
    bad = [p for p in after if not healthy(p)]
    return [
        f"health said {p.status} {(p.body or {}).get('problems')} after the fault" for p in bad
    ][:3]


def healthy(probe) -> bool:
    return probe.status == 200 and (probe.body or {}).get("status") == "ok"


def slow_probes(probes: Iterable, limit: float, in_a_row: int = 3) -> list[str]:
    """A node the load balancer would take out of service: ``in_a_row`` probes one after the
    other unanswered or slower than ``limit`` seconds (docs/production.md: a 2 s timeout, out
    after 3 failures in a row — a single slow answer during a burst does not eject a node)."""
    run = longest = 0
    for p in probes:
        run = run + 1 if p.status == 0 or p.seconds > limit else 0
        longest = max(longest, run)
    if longest >= in_a_row:
        return [f"{longest} health probes in a row unanswered or over {limit:.0f} s"]
    return []
