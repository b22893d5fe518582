"""The taxonomy: categories (with their minimum prices) and skills, edited by staff holding
the model permissions: the only rows edited by hand in this admin.
"""

from __future__ import annotations

from django.contrib import admin

from accounts.models import Category, Skill


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_id", "name_en", "min_price", "is_active", "position"]
    list_editable = ["min_price", "is_active", "position"]
    search_fields = ["slug", "name_id", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "category"]
    list_filter = ["category"]
    list_select_related = ["category"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}
