"""What every page's header needs about the signed-in person."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.selectors import notification_unread_count


def unread_notices(request: HttpRequest) -> dict:
    """The unread badge: one COUNT, and only when a template shows it (lazy)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notices": 0}
    return {"unread_notices": SimpleLazyObject(lambda: notification_unread_count(user=user))}
