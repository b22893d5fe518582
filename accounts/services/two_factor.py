"""The staff's second factor: a TOTP authenticator app (django-otp's TOTP devices).

A staff member enrols on the settings page (``/settings/two-factor/``): a new, unconfirmed
device is made, its secret shown as a QR code, and the first code the app shows confirms it.
From then on the admin asks that member for a code at every login (``marketplace.admin_site``);
with ``STAFF_REQUIRE_2FA`` the admin refuses staff who have no confirmed device at all.
"""

from __future__ import annotations

from base64 import b32encode

from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from marketplace.errors import DomainError, NotFound
from marketplace.transactions import atomic_with_retry

DEVICE_NAME = "authenticator"


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def totp_secret(*, device: TOTPDevice) -> str:
    """The key as people type it into an app that cannot scan the QR code (base32)."""
    return b32encode(device.bin_key).decode()


def totp_verify(*, device: TOTPDevice, token: str) -> bool:
    """Whether ``token`` is the device's current code. Each wrong code makes the device wait
    longer before the next check (django-otp's throttling), and a code works only once."""
    token = token.strip().replace(" ", "")
    if not token.isdigit():
        return False
    allowed, _info = device.verify_is_allowed()
    return bool(allowed and device.verify_token(token))


def totp_enrol_start(*, user: User) -> TOTPDevice:
    """The device being enrolled: the same one on every visit until it is confirmed, so
    reloading the page does not change the secret the app already scanned."""
    if not user.is_staff:
        raise NotFound(_("Not found."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@atomic_with_retry
def totp_enrol_confirm(*, user: User, token: str) -> TOTPDevice:
    """Confirm the device being enrolled with its first code; it replaces any earlier one."""
    device = (
        TOTPDevice.objects.select_for_update(of=("self",), no_key=True)
        .filter(user=user, confirmed=False)
        .order_by("-pk")
        .first()
    )
    if device is None or not user.is_staff:
        raise DomainError(
            _("Start again: open the two-factor page to get a new QR code."), code="no_device"
        )
    if not totp_verify(device=device, token=token):
        raise DomainError(
            _("That code is wrong or expired. Enter the code your app shows now."),
            code="invalid_code",
            fields={"token": [_("Wrong or expired code.")]},
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@atomic_with_retry
def totp_disable(*, user: User, token: str) -> None:
    """Turn the second factor off; a current code proves the person holds the device."""
    device = totp_device_confirmed(user=user)
    if device is None:
        return
    if not totp_verify(device=device, token=token):
        raise DomainError(
            _("That code is wrong or expired. Enter the code your app shows now."),
            code="invalid_code",
            fields={"token": [_("Wrong or expired code.")]},
        )
    TOTPDevice.objects.filter(user=user).delete()
