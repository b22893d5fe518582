"""What every app's admin builds on: the staff permission check for actions, and view-only pages.

Rows in these pages change only through services (the admin's actions), never through a form,
for everyone, superusers included.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


def staff_has(request: HttpRequest, *permissions: str) -> bool:
    """Whether an action is offered: active staff holding every one of ``permissions``."""
    user = request.user
    return bool(user.is_active and user.is_staff and user.has_perms(permissions))


class ViewOnly:
    """Nobody adds, changes or deletes through this page or inline."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ViewOnly, admin.ModelAdmin):
    """A view-only page."""


class ReadOnlyInline(ViewOnly, admin.TabularInline):
    """View-only rows inside another object's page."""

    extra = 0
    can_delete = False
