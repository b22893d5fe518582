"""What every app's admin builds on: the staff permission check for actions, and view-only pages.

Rows in these pages change only through services (the admin's actions), never through a form,
for everyone, superusers included.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy


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


# Django stores a permission's name in English once (auth's Permission rows); the admin shows
# it in the reader's language: the four default ones from the model's name, the models' own
# (``Meta.permissions``, marked with gettext_noop) through the catalog.
DEFAULT_PERMISSIONS = {
    "add": gettext_lazy("Can add %(model)s"),
    "change": gettext_lazy("Can change %(model)s"),
    "delete": gettext_lazy("Can delete %(model)s"),
    "view": gettext_lazy("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """``app | model | what it allows``, as Django writes a permission, in the active language."""
    action, _sep, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    template = DEFAULT_PERMISSIONS.get(action)
    if template is not None and model is not None and model_name == model._meta.model_name:
        text = str(template) % {"model": model._meta.verbose_name}
    else:
        text = gettext(permission.name)
    return f"{permission.content_type} | {text}"


class TranslatedPermissionsMixin:
    """Permission choices (a user's, a group's) in the reader's language."""

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field
