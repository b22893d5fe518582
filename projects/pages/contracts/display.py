"""How contracts and milestones look on the pages: their state's pill, the time left, a gig's
title as the viewer may read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.masking import shown
from projects.models import Contract, Gig, Milestone

M = Milestone.Status
# How a state looks (a CSS class of .pill): waiting on someone, done, or gone wrong.
MILESTONE_PILLS: dict[str, str] = {
    M.PENDING: "warn",
    M.SUBMITTED: "warn",
    M.REVISION_REQUESTED: "warn",
    M.RELEASED: "good",
    M.DISPUTED: "bad",
    M.CANCELLED: "bad",
}
CONTRACT_PILLS: dict[str, str] = {
    Contract.Status.COMPLETED: "good",
    Contract.Status.CANCELLED: "bad",
}


# --- time left ------------------------------------------------------------------------------


def duration_text(seconds: float) -> str:
    """A span as people say it: "2 days 3 hours", "3 hours 5 minutes", "5 minutes"."""
    minutes = int(abs(seconds)) // 60
    if minutes < 1:
        return _("less than a minute")
    n_days, rest = divmod(minutes, 24 * 60)
    n_hours, n_minutes = divmod(rest, 60)

    def days_(n: int) -> str:
        return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}

    def hours_(n: int) -> str:
        return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}

    def minutes_(n: int) -> str:
        return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}

    if n_days:
        return f"{days_(n_days)} {hours_(n_hours)}" if n_hours else days_(n_days)
    if n_hours:
        return f"{hours_(n_hours)} {minutes_(n_minutes)}" if n_minutes else hours_(n_hours)
    return minutes_(n_minutes)


@dataclass(frozen=True)
class Countdown:
    """Time left until ``at`` (or past it), written out on the server; the page's small script
    keeps it ticking with the two patterns, where ``{}`` stands for the span."""

    at: datetime
    text: str
    passed: bool
    future: str
    past: str


def countdown(at: datetime, now: datetime, *, future: str, past: str) -> Countdown:
    """``future``/``past`` are patterns with ``%(duration)s`` (translated by the caller)."""
    left = (at - now).total_seconds()
    passed = left <= 0
    text = (past if passed else future) % {"duration": duration_text(left)}
    return Countdown(
        at=at,
        text=text,
        passed=passed,
        future=future % {"duration": "{}"},
        past=past % {"duration": "{}"},
    )


def due_countdown(milestone: Milestone, now: datetime) -> Countdown:
    return countdown(
        milestone.due_at, now, future=_("due in %(duration)s"), past=_("overdue by %(duration)s")
    )


def gig_title(gig: Gig, request: HttpRequest) -> str:
    """The gig's title as this viewer may read it (contact details masked for all but its
    client)."""
    return shown(gig, "title", request.user)
