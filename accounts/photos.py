"""Where a profile photo is shown from: one URL per stored photo (``GET photos/{name}``).

The name is random and a new photo gets a new one, so the URL never shows an old picture and
may be cached; the page needs nothing but the user row (no query per avatar)."""

from __future__ import annotations

import posixpath
import re

from django.urls import reverse

from accounts.models import User

# The stored name: 32 hex digits (uuid4) and the extension of the re-encoded format.
NAME_PATTERN = r"[0-9a-f]{32}\.(?:jpg|png|webp)"
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
# A day: a replaced photo has a new URL at once; a removed one may linger that long in caches.
CACHE_SECONDS = 24 * 60 * 60


def photo_url(user: User) -> str:
    """The URL of ``user``'s photo, or "" without one."""
    name = posixpath.basename(user.photo.name or "")
    if not re.fullmatch(NAME_PATTERN, name):
        return ""
    return reverse("api:user-photo", kwargs={"name": name})


def photo_content_type(name: str) -> str:
    return CONTENT_TYPES[name.rsplit(".", 1)[-1]]
