"""What clients send: uploads to a full disk, hostile input, a burst of sign-ups."""

from __future__ import annotations

import threading
import time
import uuid

from faults import checks
from faults.injections.common import until
from faults.load import API
from faults.run import Outcome, Run


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def full_disk(run: Run, outcome: Outcome, seconds: float) -> None:
    """The uploads' 5 MB tmpfs filled to the last byte: a message with a file is a 507 and
    leaves nothing behind; once room is made the same upload succeeds."""
    if not run.disk.mounted:
        outcome.skipped = f"no tmpfs for uploads: {run.disk.why_not} (needs root)"
        until(outcome.started, seconds)
        return
    pair = run.pair("disk")
    contract, _ = pair.contract()
    text = b"baris teks biasa\n" * 6000  # about 100 kB: kept in memory, written by the storage

    def post(n: int) -> int:
        body, content_type = multipart(
            {"body": f"Draf ke-{n} terlampir."}, {"files": (f"draf-{n}.txt", text)}
        )
        return pair.client.request(
            "POST", f"{API}/contracts/{contract}/messages/", raw=body, content_type=content_type
        ).status

    run.disk.fill()
    full = [post(n) for n in range(5)]
    run.disk.free()
    roomy = [post(n) for n in range(5, 7)]
    outcome.notes.append(f"disk full: {full}; with room again: {roomy}")
    problems = [f"an upload to a full disk answered {s}, not 507" for s in full if s != 507]
    problems += [f"an upload with room again answered {s}, not 201" for s in roomy if s != 201]
    outcome.check("uploads: 507 when full, 201 after", problems)
    private = run.folder / "uploads" / "private"
    outcome.check("nothing half-written", checks.orphan_uploads(private))
    until(outcome.started, seconds)


HOSTILE = [
    ("GET", "/api/v1/gigs/%00/", None),
    ("GET", "/api/v1/freelancers/sari%00/", None),
    ("GET", "/gigs/%00/", None),
    ("POST", "/api/v1/gigs/", b"[" * 5000 + b"]" * 5000),
    ("PATCH", "/api/v1/me/", b'{"a":' * 5000 + b"1" + b"}" * 5000),
    ("POST", "/api/v1/auth/token/", b'{"username":' * 5000 + b'"x"' + b"}" * 5000),
]


def bad_input(run: Run, outcome: Outcome, seconds: float) -> None:
    """A NUL in a path segment, JSON nested 5 000 deep: a 4xx each, all the while."""
    pair = run.pair("bad")
    answers: list[tuple[str, int]] = []
    while time.monotonic() < outcome.started + seconds:
        for method, path, raw in HOSTILE:
            status = pair.client.request(method, path, raw=raw).status
            answers.append((f"{method} {path.split('%')[0]}", status))
        time.sleep(0.5)
    wrong = sorted({f"{what} answered {s}" for what, s in answers if not 400 <= s < 500})
    outcome.notes.append(f"{len(answers)} hostile requests")
    outcome.check("a 4xx for each", wrong)


def signup_burst(run: Run, outcome: Outcome, seconds: float, clients: int = 8) -> None:
    """Sign-ups without pause from ``clients`` at once while health is probed: health keeps
    answering 200, and never so slowly three times in a row (2 s each) that a load balancer
    would take the node out."""
    from faults.load import register

    stop = threading.Event()
    made = [0]
    failed: list[str] = []

    def sign_up(n: int) -> None:
        for i in range(10_000):
            if stop.is_set():
                return
            try:
                register(run.base, run.recorder, f"burst{n}x{i}", "signups")
                made[0] += 1
            except Exception as exc:
                failed.append(str(exc))

    threads = [threading.Thread(target=sign_up, args=(n,), daemon=True) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    until(outcome.started, seconds)
    stop.set()
    for thread in threads:
        thread.join(60)
    probes = run.prober.between(started + 1, time.monotonic())
    times = sorted(p.seconds for p in probes) or [0.0]
    outcome.notes.append(
        f"{made[0]} sign-ups by {clients} clients; {len(probes)} health probes, "
        f"p95 {times[int(0.95 * (len(times) - 1))] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms, "
        f"{sum(1 for t in times if t > 2.0)} over 2 s"
    )
    problems = checks.slow_probes(probes, 2.0)
    problems += [
        f"health said {p.status} during the burst" for p in probes if not checks.healthy(p)
    ][:3]
    outcome.check("the load balancer keeps the node", problems)
    outcome.check("every sign-up made", failed[:3])
