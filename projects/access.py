"""Who may see and do what in the projects app: one place, used by selectors and services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from marketplace.errors import PermissionDenied


def is_moderator(user: Any) -> bool:
    """Moderators are staff holding the moderation permission (the Moderators group has it).

    Checked without a query for everyone who is not staff, which is nearly every request.
    """
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and (user.is_superuser or user.has_perm("projects.moderate_gig"))
    )


def ensure_staff_permission(user: Any, permission: str) -> None:
    """Moderator actions need staff status and the action's permission (accounts.roles);
    a superuser has every permission. Anyone else is refused."""
    if not (user is not None and user.is_staff and user.has_perm(permission)):
        raise PermissionDenied(_("Only moderators can do this."), code="not_moderator")
