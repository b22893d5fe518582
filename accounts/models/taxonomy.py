"""The marketplace's taxonomy: categories of micro-work and the skills they call for.

Gigs are filed under it (projects) and people describe their work with it (profiles, portfolio
items), so it lives in accounts, the lowest app. Its tables keep the names they were created
with when it lived in projects.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.text import validate_single_line


class Category(models.Model):
    """A kind of micro-work. Its minimum price keeps budgets and bids from racing to the bottom."""

    slug = models.SlugField(max_length=60, unique=True, verbose_name=_("slug"))
    name_id = models.CharField(
        _("name (Bahasa Indonesia)"), max_length=80, validators=[validate_single_line]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=80, validators=[validate_single_line]
    )
    # Whole rupiah: no gig budget or bid in this category may be lower.
    min_price = models.PositiveBigIntegerField(_("minimum price (IDR)"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        db_table = "projects_category"
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_price__gt=0), name="category_min_price_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the language of whoever reads it (the active language): every page,
        error and notice shows a category through this, never ``name_id``/``name_en``."""
        english = (translation.get_language() or "").startswith("en")
        return self.name_en if english else self.name_id


class Skill(models.Model):
    slug = models.SlugField(max_length=60, unique=True, verbose_name=_("slug"))
    name = models.CharField(
        max_length=80, validators=[validate_single_line], verbose_name=_("name")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="skills",
        null=True,
        blank=True,
        verbose_name=_("category"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        db_table = "projects_skill"
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name
