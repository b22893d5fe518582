from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AuthToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "email",
        "display_name",
        "preferred_language",
        "is_staff",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language", "groups"]
    search_fields = ["username", "email", "display_name"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Garap"), {"fields": ("display_name", "preferred_language")}),
    )


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """Tokens can be revoked (deleted) here but never created or read: only digests are stored."""

    list_display = ["prefix", "user", "created_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "prefix"]
    readonly_fields = ["user", "prefix", "digest", "created_at", "expires_at"]

    def has_add_permission(self, request) -> bool:
        return False
