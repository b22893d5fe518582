"""The length of a marketplace "day" for timers.

Every timer (milestone due dates from a bid's delivery days, auto-release, review window, award
and funding windows, the 24-hour and 2-hour notices) is measured in these days. In production a
day is 86 400 seconds; the demo can set ``TIMER_DAY_SECONDS=60`` to watch deadlines pass and
notices arrive within minutes. Nothing else (token lifetimes, calendar dates shown) changes.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def days(n: float) -> timedelta:
    return timedelta(seconds=n * settings.TIMER_DAY_SECONDS)


def hours(n: float) -> timedelta:
    return timedelta(seconds=n * settings.TIMER_DAY_SECONDS / 24)
