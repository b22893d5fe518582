"""Lighthouse's mobile scores for Garap's main pages, on the production server (`make lighthouse`).

Garap runs as production runs it — ``marketplace.settings.production``, gunicorn, WhiteNoise's
compressed static files, DEBUG off — on a PostgreSQL database of its own on the shared server
(``garap_lighthouse``, dropped and made again each run) and Redis database 12, with the demo data.
Lighthouse (tools/lighthouse, pinned) then audits, on its default mobile profile (a mid-range
phone on a throttled 4G link, simulated), five pages a person uses most:

- browse (``/``) and a gig, as anyone sees them;
- a freelancer's profile;
- a contract and the wallet, signed in as the demo client (a session cookie from the real login
  form, passed to Lighthouse as a header).

The scores go to docs/lighthouse.md (linked from the README) and the reports to
var/lighthouse/. Goals: performance ≥ 95, accessibility, best practices and SEO 100 on each page;
the run fails, naming each page, category and failing audit, when one is missed.

Performance on a simulated phone varies from run to run by a few points with the machine's load
(Lighthouse scales its CPU slowdown to a fixed phone, not to the host): each page is audited
``LIGHTHOUSE_RUNS`` times (3) and the median run by performance is reported. Run it on a quiet
machine. The other three categories do not vary.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools" / "lighthouse"
OUT = ROOT / "var" / "lighthouse"
REPORT = ROOT / "docs" / "lighthouse.md"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PORT = int(os.environ.get("LIGHTHOUSE_PORT", "8791"))
BASE = f"http://127.0.0.1:{PORT}"
DATABASE = "garap_lighthouse"
POSTGRES = os.environ.get("LIGHTHOUSE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("LIGHTHOUSE_REDIS_URL", "redis://127.0.0.1:6379/12")
CLIENT = "toko_sari"  # a demo client with a contract (projects/sample_data/demo)
FREELANCER = "budi.desain"
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def say(text: str) -> None:
    print(f"lighthouse: {text}", flush=True)


def environment() -> dict[str, str]:
    """Production settings as a staging site sets them (the sandbox gateway explicitly allowed
    with a secret of its own; plain HTTP on the loopback, which browsers treat as secure)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GARAP_"))}
    var = OUT / "var"
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
            "DJANGO_SECRET_KEY": "lighthouse-" + secrets.token_urlsafe(60),
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
            "REDIS_URL": REDIS_URL,
            "PAYMENT_GATEWAY": "sandbox",
            "ALLOW_SANDBOX_GATEWAY": "true",
            "SANDBOX_WEBHOOK_SECRET": secrets.token_urlsafe(40),
            "SITE_URL": BASE,
            "EMAIL_URL": f"filemail:///{OUT / 'mail'}",
            "GARAP_VAR_DIR": str(var),
            "MEDIA_ROOT": str(var / "media"),
            "PRIVATE_MEDIA_ROOT": str(var / "private"),
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def run(*command: str, env: dict[str, str]) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def fresh_database(env: dict[str, str]) -> None:
    admin = f"{POSTGRES}/postgres"
    for statement in (f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}"):
        subprocess.run(["psql", admin, "-qc", statement], check=True, stdout=subprocess.DEVNULL)
    run(PYTHON, "manage.py", "migrate", "--noinput", "-v", "0", env=env)
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0", env=env)
    run(PYTHON, "manage.py", "load_demo_data", env=env)


def start_server(env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = (OUT / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "marketplace.wsgi",
         "--config", "marketplace/gunicorn_conf.py", "--bind", f"127.0.0.1:{PORT}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    for _ in range(60):
        try:
            with urllib.request.urlopen(f"{BASE}/api/v1/health/", timeout=2):  # noqa: S310
                return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    stop(server)
    sys.exit(f"gunicorn did not start: see {OUT / 'gunicorn.log'}")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def session_cookie(username: str, password: str) -> str:
    """Signs in through the login form, as a person does, and returns the session's cookie."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{BASE}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    csrf = next((c.value for c in jar if c.name == "csrftoken"), None)
    if token is None or csrf is None:
        sys.exit("the login page has no CSRF token")
    form = urlencode({"csrfmiddlewaretoken": token.group(1), "username": username,
                      "password": password}).encode()  # fmt: skip
    request = urllib.request.Request(  # noqa: S310
        f"{BASE}/accounts/login/", data=form,
        headers={"Referer": f"{BASE}/accounts/login/", "Cookie": f"csrftoken={csrf}"},
    )  # fmt: skip
    opener.open(request).read()
    # Secure cookies are not sent back over http by urllib's jar, but it keeps them.
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if session is None:
        sys.exit(f"signing in as {username} failed")
    return f"sessionid={session}"


def pages(env: dict[str, str]) -> dict[str, tuple[str, bool]]:
    """name → (path, signed in as the demo client)."""
    script = (
        "from projects.models import Contract, Gig;"
        "gig = Gig.objects.filter(status='open').order_by('pk').first();"
        f"contract = Contract.objects.filter(client__username='{CLIENT}').order_by('pk').first();"
        "print(gig.pk, contract.pk)"
    )
    found = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    gig, contract = found[-2:]
    return {
        "browse": ("/", False),
        "gig": (f"/gigs/{gig}/", False),
        "profile": (f"/freelancers/{FREELANCER}/", False),
        "contract": (f"/contracts/{contract}/", True),
        "wallet": ("/wallet/", True),
    }


def lighthouse(name: str, url: str, cookie: str | None) -> dict[str, Any]:
    """The median run of ``RUNS`` by performance score, as Lighthouse's own guidance on
    variability advises (one simulated run moves by a few points with the machine's load)."""
    results = [lighthouse_once(f"{name}-{number}", url, cookie) for number in range(1, RUNS + 1)]
    results.sort(key=lambda result: result["categories"]["performance"]["score"])
    return results[len(results) // 2]


def lighthouse_once(name: str, url: str, cookie: str | None) -> dict[str, Any]:
    report = OUT / f"{name}.report.json"
    command = [
        str(TOOLS / "node_modules" / ".bin" / "lighthouse"),
        url,
        f"--chrome-path={shutil.which('chromium')}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--only-categories=performance,accessibility,best-practices,seo",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    subprocess.run(command, check=True)
    return json.loads(report.read_text())


def summary(result: dict[str, Any]) -> tuple[dict[str, int], list[str]]:
    scores = {key: round(result["categories"][key]["score"] * 100) for key in GOALS}
    failing = []
    for key in GOALS:
        for ref in result["categories"][key]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                failing.append(f"{key}: {audit['id']} ({audit['title']}, {audit['score']:.2f})")
    return scores, failing


def write_report(rows: dict[str, tuple[str, dict[str, int], list[str]]], chromium: str) -> None:
    lines = [
        "# Lighthouse: mobile scores",
        "",
        "Written by `make lighthouse` (scripts/lighthouse.py): Garap with production settings "
        "(gunicorn, WhiteNoise's compressed files, DEBUG off) on PostgreSQL with the demo data, "
        "Lighthouse's default mobile profile (simulated slow 4G, a mid-range phone). "
        "Goals: performance ≥ 95; accessibility, best practices and SEO 100. "
        f"Each page's median of {RUNS} runs by performance.",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} with Lighthouse "
        f"{json.loads((TOOLS / 'package.json').read_text())['devDependencies']['lighthouse']} "
        f"and {chromium}.",
        "",
        "| page | path | performance | accessibility | best practices | SEO |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, (path, scores, _failing) in rows.items():
        lines.append(
            f"| {name} | `{path}` | " + " | ".join(str(scores[key]) for key in GOALS) + " |"
        )
    notes = [(name, failing) for name, (_p, _s, failing) in rows.items() if failing]
    if notes:
        lines += ["", "Audits below a full score (weighted ones):", ""]
        for name, failing in notes:
            lines += [f"- {name}: " + "; ".join(failing)]
    REPORT.write_text("\n".join(lines) + "\n")


def main() -> int:
    if not (TOOLS / "node_modules" / ".bin" / "lighthouse").exists():
        sys.exit("Lighthouse is not installed: run `make lighthouse` (npm ci in tools/lighthouse)")
    if shutil.which("chromium") is None:
        sys.exit("Chromium is not installed (apt-get install -y chromium)")
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    env = environment()
    say(f"database {DATABASE}, Redis {REDIS_URL}, demo data")
    fresh_database(env)
    server = start_server(env)
    try:
        cookie = session_cookie(CLIENT, "garap-demo-2026")
        rows = {}
        for name, (path, signed_in) in pages(env).items():
            say(f"{name}: {path}")
            scores, failing = summary(lighthouse(name, BASE + path, cookie if signed_in else None))
            rows[name] = (path, scores, failing)
            say(f"{name}: {scores}")
    finally:
        stop(server)
    chromium = (
        subprocess.run(["chromium", "--version"], capture_output=True, text=True, check=False)
        .stdout.strip()
        .splitlines()[-1:]
    )
    write_report(rows, chromium[0] if chromium else "Chromium")
    missed = [
        f"{name} {key} {scores[key]} < {goal}"
        for name, (_path, scores, _failing) in rows.items()
        for key, goal in GOALS.items()
        if scores[key] < goal
    ]
    say(f"scores written to {REPORT.relative_to(ROOT)}")
    if missed:
        say("goals missed: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
