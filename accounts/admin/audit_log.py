"""The moderators' append-only audit log, read-only for everyone."""

from __future__ import annotations

import json

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from accounts.admin.base import short_text
from accounts.models import ModeratorAction
from marketplace.admin_base import ReadOnlyAdmin


def _target_model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


@admin.register(ModeratorAction)
class ModeratorActionAdmin(ReadOnlyAdmin):
    """The audit log, read-only for everyone, superusers included: no add, change, delete or
    bulk action. Rows are written only by the services (``accounts.services.audit_record``)."""

    list_display = ["created_at", "moderator", "action", "target_link", "reason_short"]
    list_select_related = ["moderator"]
    list_filter = [
        "action",
        ("moderator", admin.RelatedOnlyFieldListFilter),
        "target_type",
        "created_at",
    ]
    search_fields = ["target_repr", "reason", "moderator__username"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "moderator",
        "action",
        "target_link",
        "target_type",
        "target_id",
        "target_repr",
        "reason",
        "details_pretty",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # all of them: names only
    actions = None

    @admin.display(description=gettext_lazy("object"), ordering="target_repr")
    def target_link(self, record: ModeratorAction) -> str:
        """A link to the object's admin page when its model is registered here."""
        model = _target_model(record.target_type)
        if model is not None and self.admin_site.is_registered(model):
            meta = model._meta
            try:
                url = reverse(
                    f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.target_id]
                )
            except NoReverseMatch:
                pass
            else:
                return format_html('<a href="{}">{}</a>', url, record.target_repr)
        return record.target_repr

    @admin.display(description=gettext_lazy("reason"), ordering="reason")
    def reason_short(self, record: ModeratorAction) -> str:
        return short_text(record.reason)

    @admin.display(description=gettext_lazy("details"))
    def details_pretty(self, record: ModeratorAction) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(record.details, indent=2, ensure_ascii=False)
        )
