"""Writes of sign-in places (``accounts.models.SignIn``): only keyed hashes are stored."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import SignIn


def fingerprint(what: str, value: str) -> str:
    """A keyed hash (HMAC-SHA256 under SECRET_KEY) of ``value``: equal values give equal
    hashes on this site, and the value cannot be recovered without the key. "" stays ""."""
    if not value:
        return ""
    return salted_hmac(f"garap.signin.{what}", value, algorithm="sha256").hexdigest()


def sign_in_record(*, user_id: int, kind: str, address: str, device: str) -> SignIn | None:
    """Note that ``user_id`` signed up or logged in from ``address`` with browser ``device``
    (raw values: only their keyed hashes are stored). Idempotent per combination: a repeat only
    moves its ``last_seen_at``."""
    key = {
        "user_id": user_id,
        "kind": kind,
        "address_hash": fingerprint("address", address),
        "device_hash": fingerprint("device", device),
    }
    updated = SignIn.objects.filter(**key).update(last_seen_at=timezone.now())
    if updated:
        return SignIn.objects.filter(**key).first()
    try:
        with transaction.atomic():
            return SignIn.objects.create(**key)
    except IntegrityError:  # the same sign-in twice at once
        return SignIn.objects.get(**key)
