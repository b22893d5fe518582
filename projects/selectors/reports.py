"""Reads of reports for the people who made them (moderators' queues: selectors.moderation)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from projects.models import Report


def report_list_mine(*, reporter: User) -> QuerySet[Report]:
    return Report.objects.filter(reporter=reporter)
