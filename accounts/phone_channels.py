"""The two ways a notice reaches a phone besides e-mail, as their providers' protocols:

- **Web push** (RFC 8030/8291/8292): the payload encrypted for the browser's keys (aes128gcm)
  and POSTed with a VAPID JWT to the browser's push service, by pywebpush.
- **WhatsApp** (the Business Cloud API): a POST of an approved template message to
  ``<WHATSAPP_API_BASE_URL>/<WHATSAPP_PHONE_NUMBER_ID>/messages`` with the bearer token.

Each sender returns the provider's id of what it accepted, raises ``Undeliverable`` when the
provider says the target is gone for good (a 404/410 subscription, a number not on WhatsApp)
and ``DeliveryFailed`` for anything worth another try (a 5xx, a 429, a refusal we cannot
explain); the outbox (accounts.services.phone_notices) decides what each means for the row.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush


class DeliveryFailed(Exception):
    """The provider refused or could not be reached: try again later."""


class Undeliverable(Exception):
    """The provider says this target can never receive it: stop trying."""


# WhatsApp Cloud API error codes that mean the number cannot receive messages at all.
WHATSAPP_NOT_A_USER = {131026}


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def push_endpoint_allowed(endpoint: str) -> bool:
    """Whether Garap may POST to ``endpoint``: https, on a known push service's host (or a
    subdomain of one) from ``WEB_PUSH_ALLOWED_HOSTS``. Anything else would let a subscriber
    point our worker at any address (SSRF). Plain http only for a loopback host that is
    listed, which only tests do (their local push service)."""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if not host or parts.username or parts.password:
        return False
    listed = any(
        host == allowed or host.endswith("." + allowed)
        for allowed in (name.lower() for name in settings.WEB_PUSH_ALLOWED_HOSTS)
    )
    return listed and (parts.scheme == "https" or (parts.scheme == "http" and _loopback(host)))


def _vapid() -> Vapid:
    key = settings.VAPID_PRIVATE_KEY.strip()
    if key.startswith("-----BEGIN"):
        return Vapid.from_pem(key.encode())
    return Vapid.from_string(private_key=key)  # base64url: the raw 32 bytes, or DER


def push_send(*, endpoint: str, p256dh: str, auth: str, payload: dict[str, Any], topic: str) -> str:
    if not push_endpoint_allowed(endpoint):
        raise Undeliverable("the endpoint is not a known push service")
    try:
        response = webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=_vapid(),
            # A new dict each time: pywebpush writes "aud" and "exp" into it.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            content_encoding="aes128gcm",
            ttl=settings.WEB_PUSH_TTL,
            timeout=settings.PHONE_NOTICE_TIMEOUT,
            # One topic per notice: a copy sent again (a worker died after the send) replaces
            # the first one still waiting at the push service instead of piling up.
            headers={"Urgency": "high", "Topic": topic},
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            # RFC 8030 §7.3: the subscription expired or was removed by its browser.
            raise Undeliverable(f"push service answered {status}") from exc
        raise DeliveryFailed(f"push service answered {status}") from exc
    except requests.RequestException as exc:  # unreachable, timed out
        raise DeliveryFailed(f"push service unreachable: {exc.__class__.__name__}") from exc
    except ValueError as exc:  # keys that are not base64url P-256 / 16-byte secrets
        raise Undeliverable(f"the subscription's keys are unusable: {exc}") from exc
    location = getattr(response, "headers", {}).get("Location", "")
    return str(location)[:200]


def whatsapp_send(*, phone: str, template: str, language: str, parameters: list[str]) -> str:
    """Send template ``template`` in ``language`` to ``phone`` (E.164) with its body's
    parameters; the message id WhatsApp gives it ("wamid.…")."""
    url = (
        f"{settings.WHATSAPP_API_BASE_URL.rstrip('/')}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
    )
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": phone.lstrip("+"),
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": language},
            "components": [
                {
                    "type": "body",
                    # WhatsApp refuses a parameter with a newline, a tab or 4+ spaces in a row.
                    "parameters": [
                        {"type": "text", "text": " ".join(value.split())[:1000]}
                        for value in parameters
                    ],
                }
            ],
        },
    }
    try:
        response = requests.post(
            url,
            json=body,
            headers={"Authorization": f"Bearer {settings.WHATSAPP_TOKEN}"},
            timeout=settings.PHONE_NOTICE_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise DeliveryFailed(f"WhatsApp unreachable: {exc.__class__.__name__}") from exc
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.ok:
        try:
            return str(answer["messages"][0]["id"])[:200]
        except (KeyError, IndexError, TypeError) as exc:
            raise DeliveryFailed("WhatsApp answered without a message id") from exc
    error = answer.get("error") if isinstance(answer, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    if code in WHATSAPP_NOT_A_USER:
        raise Undeliverable(f"WhatsApp error {code}: not a WhatsApp user")
    raise DeliveryFailed(f"WhatsApp answered {response.status_code} (error {code})")
