"""Production settings refuse unsafe configurations and pass Django's deployment checks."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "Zq8#vR2!mW5pL9@xT4$nB7&cY1^hJ6*s"
GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DATABASE_URL": "postgres://garap:secret@db.internal:5432/garap",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "ALLOWED_HOSTS": "garap.id",
    # Garap has no live gateway yet, so what deploys today is a staging site on the sandbox,
    # which it must ask for and give a secret of its own.
    "PAYMENT_GATEWAY": "sandbox",
    "ALLOW_SANDBOX_GATEWAY": "true",
    "SANDBOX_WEBHOOK_SECRET": "s" * 8 + "Vx3!pQ9@kL2#mN7$rT5%wY8^zB4&cD6*",
}
# Variables a developer's shell may have set that would change what these tests load.
UNSET = ("DJANGO_SETTINGS_MODULE", "GARAP_VAR_DIR", "DJANGO_DEBUG", "MIDTRANS_SERVER_KEY")


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in GOOD_ENV and k not in UNSET}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=GOOD_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
        ({"DATABASE_URL": "sqlite:////tmp/garap.sqlite3"}, "PostgreSQL"),
        ({"REDIS_URL": ""}, "REDIS_URL"),
    ],
)
def test_production_settings_refuse_unsafe_configuration(change, complaint):
    result = manage("check", env={**GOOD_ENV, **change})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


# --- the payment gateway (payments/checks.py) -------------------------------------------------

DEFAULT_SECRET = "garap-sandbox-webhook-secret"  # marketplace/settings/rules.py, public


@pytest.mark.parametrize(
    ("change", "complaints"),
    [
        pytest.param({"ALLOW_SANDBOX_GATEWAY": ""}, ["ALLOW_SANDBOX_GATEWAY=true"], id="no-opt-in"),
        pytest.param(
            {"ALLOW_SANDBOX_GATEWAY": "false"}, ["ALLOW_SANDBOX_GATEWAY=true"], id="opt-in-false"
        ),
        pytest.param(
            {"PAYMENT_GATEWAY": "", "ALLOW_SANDBOX_GATEWAY": ""},
            ["ALLOW_SANDBOX_GATEWAY=true"],
            id="gateway-left-at-its-default",
        ),
        pytest.param(
            {"SANDBOX_WEBHOOK_SECRET": ""}, ["SANDBOX_WEBHOOK_SECRET"], id="default-secret"
        ),
        pytest.param(
            {"SANDBOX_WEBHOOK_SECRET": DEFAULT_SECRET},
            ["SANDBOX_WEBHOOK_SECRET"],
            id="default-secret-spelled-out",
        ),
        pytest.param(
            {"SANDBOX_WEBHOOK_SECRET": "x" * 31}, ["SANDBOX_WEBHOOK_SECRET"], id="short-secret"
        ),
        pytest.param(
            {"ALLOW_SANDBOX_GATEWAY": "", "SANDBOX_WEBHOOK_SECRET": ""},
            ["ALLOW_SANDBOX_GATEWAY=true", "SANDBOX_WEBHOOK_SECRET"],
            id="neither",
        ),
        pytest.param({"PAYMENT_GATEWAY": "paypal"}, ["'paypal'"], id="unknown-gateway"),
        pytest.param(
            {"PAYMENT_GATEWAY": "midtrans"}, ["MIDTRANS_SERVER_KEY"], id="midtrans-without-its-key"
        ),
    ],
)
def test_production_refuses_the_sandbox_without_opt_in_and_a_known_or_short_secret(
    change, complaints
):
    env = {**GOOD_ENV, **change}
    env = {k: v for k, v in env.items() if v != ""}  # "" stands for "not set"

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    for complaint in complaints:
        assert complaint in result.stderr


def test_production_takes_a_staging_sandbox_with_a_secret_of_exactly_32_characters():
    env = {**GOOD_ENV, "SANDBOX_WEBHOOK_SECRET": "y" * 32}

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr


LOCAL = {
    "DJANGO_SETTINGS_MODULE": "marketplace.settings.local",
    "GARAP_VAR_DIR": str(Path(tempfile.gettempdir()) / "garap-check-deploy"),
}


def test_check_deploy_fails_on_the_sandbox_without_opt_in_and_the_default_secret():
    # The local settings load with both (`make run` needs them): the deploy check is what stops
    # them from being deployed.
    plain = manage("check", env=LOCAL)
    deploy = manage("check", "--deploy", env=LOCAL)

    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert deploy.returncode != 0
    assert "payments.E002" in deploy.stderr
    assert "payments.E003" in deploy.stderr


def test_check_deploy_fails_on_a_short_secret_even_with_the_opt_in():
    env = {**LOCAL, "ALLOW_SANDBOX_GATEWAY": "true", "SANDBOX_WEBHOOK_SECRET": "pendek"}

    deploy = manage("check", "--deploy", env=env)

    assert "payments.E002" not in deploy.stderr
    assert "payments.E003" in deploy.stderr


def test_check_deploy_raises_no_gateway_error_for_a_staging_configuration():
    env = {**LOCAL, "ALLOW_SANDBOX_GATEWAY": "true", "SANDBOX_WEBHOOK_SECRET": "z" * 40}

    deploy = manage("check", "--deploy", env=env)

    assert "payments.E0" not in deploy.stdout + deploy.stderr


@pytest.mark.parametrize("gateway", ["sandbox", "midtrans", "xendit", "paypal"])
def test_the_gateway_checks_never_read_djangos_settings(gateway):
    # The production settings run them while they load: a read of django.conf.settings then
    # would configure Django from the half-loaded module, and manage.py's second attempt after
    # the first error would run on it — a site that should refuse to start would start.
    script = (
        "from django.conf import LazySettings\n"
        "def refuse(self, name=None):\n"
        "    raise SystemExit('django.conf.settings was read')\n"
        "LazySettings._setup = refuse\n"
        "from payments.checks import gateway_problems\n"
        f"print(len(gateway_problems({{'PAYMENT_GATEWAY': {gateway!r}}}.get)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 1  # with no keys at all, each gateway has a problem


def test_a_module_reading_the_settings_while_they_load_cannot_start_a_half_configured_site(
    tmp_path,
):
    # The guard behind the rule above, for whatever module comes next: one that reads the
    # settings at import, before the production settings have refused an unsafe gateway,
    # must not leave Django configured from the half-loaded module for manage.py's retry.
    (tmp_path / "reads_settings.py").write_text(
        "from django.conf import settings\nsettings.USE_I18N\n"
    )
    (tmp_path / "careless_production.py").write_text(
        "import reads_settings  # noqa\nfrom marketplace.settings.production import *  # noqa\n"
    )
    env = {k: v for k, v in GOOD_ENV.items() if k != "ALLOW_SANDBOX_GATEWAY"}
    env |= {"DJANGO_SETTINGS_MODULE": "careless_production"}
    env["PYTHONPATH"] = f"{tmp_path}{os.pathsep}{ROOT}"

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "ALLOW_SANDBOX_GATEWAY=true" in result.stderr


def test_production_requires_a_second_factor_for_staff_and_trusts_no_forwarded_header():
    script = (
        "from django.conf import settings as s; "
        "print(s.STAFF_REQUIRE_2FA, s.NUM_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES'])"
    )

    result = manage("shell", "--no-imports", "-c", script, env=GOOD_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "0", "0"]
