"""Who may see and do what in the projects app: one place, used by selectors and services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from accounts.roles import is_moderator
from marketplace.errors import PermissionDenied

if TYPE_CHECKING:
    from accounts.requests import Viewer

# Who is a moderator is a rule about staff roles (accounts.roles), which accounts' own masking
# needs too; it is importable from here as before.
__all__ = ["ensure_staff_permission", "is_moderator"]


def ensure_staff_permission(user: Viewer, permission: str) -> None:
    """Moderator actions need staff status and the action's permission (accounts.roles);
    a superuser has every permission. Anyone else is refused."""
    if not (user is not None and user.is_staff and user.has_perm(permission)):
        raise PermissionDenied(_("Only moderators can do this."), code="not_moderator")
