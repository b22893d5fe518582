"""API tokens: revoked (deleted) here, never created or read."""

from __future__ import annotations

from django.contrib import admin

from accounts.models import AuthToken


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """Tokens can be revoked (deleted) here but never created or read: only digests are stored."""

    list_display = ["prefix", "user", "created_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "prefix"]
    readonly_fields = ["user", "prefix", "digest", "created_at", "expires_at"]

    def has_add_permission(self, request) -> bool:
        return False
