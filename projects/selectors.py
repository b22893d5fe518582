"""Reads for the projects app."""

from __future__ import annotations

from django.db.models import QuerySet

from projects.models import Category, Skill


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.all()
