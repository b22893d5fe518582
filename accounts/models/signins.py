"""Where people sign up and log in from, kept only as keyed hashes (for trust and safety).

Two accounts that sign in from the same network address or the same browser may be one person
playing both sides of a contract to inflate a reputation (projects.trust). Equality is all that
check needs, so neither the address nor the browser's id is stored: only an HMAC of each under
the site's secret key (``accounts.signins.fingerprint``), which cannot be turned back into the
address without that key and differs from site to site.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class SignIn(models.Model):
    """One (user, kind, address, browser) seen signing in, with when it was first and last seen.

    One row per distinct combination, not per login, so the table grows with the places people
    use, not with how often they log in.
    """

    class Kind(models.TextChoices):
        SIGNUP = "signup", _("sign-up")
        LOGIN = "login", _("login")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # HMAC-SHA256 hex digests (accounts.signins.fingerprint); "" when unknown.
    address_hash = models.CharField(_("address (keyed hash)"), max_length=64, blank=True)
    device_hash = models.CharField(_("browser (keyed hash)"), max_length=64, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        verbose_name = _("sign-in place")
        verbose_name_plural = _("sign-in places")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "address_hash", "device_hash"], name="signin_once"
            )
        ]
        indexes = [
            models.Index(fields=["address_hash"], name="signin_by_address"),
            models.Index(fields=["device_hash"], name="signin_by_device"),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s of user %(user)s") % {
            "kind": self.get_kind_display(),
            "user": self.user_id,
        }
