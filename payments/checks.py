"""Whether the configured payment gateway is safe to take money with (Django system checks).

The rule lives here once. ``marketplace.settings.production`` refuses to start when it fails,
and ``manage.py check --deploy`` fails on it under any settings module:

- ``PAYMENT_GATEWAY`` names a gateway Garap has;
- the sandbox (anyone "pays" with one click) only with ``ALLOW_SANDBOX_GATEWAY=true``, which a
  staging site sets on purpose;
- the configured gateway's webhook secret is at least ``MIN_SECRET_LENGTH`` characters and not
  the development default written in ``marketplace/settings/base.py`` — a public secret lets
  anyone sign a "paid" webhook and credit a wallet;
- what the gateway itself says is missing or unsafe (its keys, a test key on a live site).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import checks

MIN_SECRET_LENGTH = 32

Setting = Callable[[str], Any]


def gateway_problems(setting: Setting) -> list[tuple[str, str]]:
    """``(check id, message)`` for each way the gateway settings read by ``setting(name)`` are
    unsafe for a public site. Takes a reader, not ``django.conf.settings``, so the production
    settings module can apply it to itself while it loads."""
    from payments.gateways import GATEWAYS

    name = setting("PAYMENT_GATEWAY")
    gateway = GATEWAYS.get(name)
    if gateway is None:
        return [
            (
                "payments.E001",
                f"PAYMENT_GATEWAY={name!r} is not a gateway Garap has "
                f"(one of: {', '.join(sorted(GATEWAYS))}).",
            )
        ]
    problems = []
    if not gateway.live and not setting("ALLOW_SANDBOX_GATEWAY"):
        problems.append(
            (
                "payments.E002",
                f"PAYMENT_GATEWAY={name!r} credits wallets with one click and no real payment. "
                "Set PAYMENT_GATEWAY to a live gateway; only a staging site may set "
                "ALLOW_SANDBOX_GATEWAY=true (with its own SANDBOX_WEBHOOK_SECRET).",
            )
        )
    secret = setting(gateway.secret_setting) or ""
    if len(secret) < MIN_SECRET_LENGTH or secret == setting("DEVELOPMENT_WEBHOOK_SECRET"):
        problems.append(
            (
                "payments.E003",
                f"Set {gateway.secret_setting} to a random string of at least "
                f"{MIN_SECRET_LENGTH} characters, not the development default, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'. "
                "With a known secret anyone can sign a 'paid' webhook.",
            )
        )
    problems += [
        # On the class: a gateway's constructor may read Django's settings, which must not be
        # read while the production settings load.
        ("payments.E004", message)
        for message in gateway.configuration_problems(setting)
    ]
    return problems


def _from_settings(name: str) -> Any:
    from django.conf import settings

    return getattr(settings, name, None)


@checks.register(checks.Tags.security, deploy=True)
def check_payment_gateway(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(message, id=check_id) for check_id, message in gateway_problems(_from_settings)
    ]
