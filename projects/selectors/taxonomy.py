"""Reads for the projects app."""

from __future__ import annotations

from django.db.models import QuerySet

from projects.models import Category, Skill


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def skill_list(*, category_id: int | None = None) -> QuerySet[Skill]:
    skills = Skill.objects.all()
    if category_id is not None:
        skills = skills.filter(category_id=category_id)
    return skills
