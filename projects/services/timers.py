"""The marketplace's timers (DESIGN.md §4): what happens when a moment passes.

Each ``*_sweep`` finds what is due from the database state — through a partial index made for
that query (see the models' ``Meta.indexes``) — in a bounded batch, and handles each row in its
own short transaction under the row's lock, re-checking the state first. So:

- a lost task message or a scheduler that was down loses nothing: the next sweep finds the rows;
- running a sweep twice, or two schedulers at once, changes nothing the second time: a row's
  progress (``due_notice_stage``, ``auto_release_warned_at``, …) is written with the notice, the
  notice's key is unique, and money moves only through the idempotent milestone services;
- a row another transaction holds — another sweep, a person's request, an admin's edit — is
  skipped (``skip_locked`` on the row's first lock), and every further lock its transaction
  needs is waited for at most ``TIMER_LOCK_TIMEOUT_SECONDS`` (``marketplace.locking``): a row
  that cannot be had now is left for the next run, and the sweep goes on with the others.

A timer "day" is ``marketplace.timing.days(1)``: 24 hours, or a minute in the fast demo.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.masking import text_of
from accounts.models import User
from marketplace.formatting import bids_count, days_count, rupiah
from marketplace.locking import LockWaitTimeout, bounded_lock_wait
from marketplace.state import ensure_transition
from marketplace.timing import days, hours
from marketplace.transactions import atomic_with_retry
from projects import notices
from projects.models import Bid, Contract, Gig, Milestone
from projects.services import milestones as milestone_services
from projects.services.gigs import close_open_bids

M = Milestone.Status
# Due-date notices are about work never delivered: a milestone in revision was delivered once
# and cannot be cancelled for lateness, so "overdue, you may cancel" would be untrue for it.
WORK = (M.FUNDED,)

# Milestone.due_notice_stage: the last due-date notice sent.
DUE_NONE, DUE_24H, DUE_2H, DUE_OVERDUE = 0, 1, 2, 3
# Gig.bidding_notice_stage.
BIDDING_NONE, BIDDING_CLOSES_SOON, BIDDING_CLOSED = 0, 1, 2
# Contract.funding_notice_stage.
FUNDING_NONE, FUNDING_REMINDED = 0, 1


logger = logging.getLogger(__name__)


def _batch(queryset, size: int | None) -> list[int]:
    return list(queryset.values_list("pk", flat=True)[: size or settings.TIMER_BATCH_SIZE])


def _each(ids: list[int], handle: Callable[[int], object], what: str) -> int:
    """``handle`` each row in a transaction of its own with bounded lock waits; how many it
    handled (returned something other than None or False).

    A row whose locks are not granted in time is rolled back and left for the next run.
    """
    handled = 0
    for pk in ids:
        try:
            with bounded_lock_wait(settings.TIMER_LOCK_TIMEOUT_SECONDS):
                result = handle(pk)
        except LockWaitTimeout:
            logger.warning("%s %s: a lock it needs is held elsewhere; next run", what, pk)
            continue
        if result is not None and result is not False:
            handled += 1
    return handled


# --- milestone due dates ----------------------------------------------------------------------


def milestones_due(now: datetime):
    """Work in progress that needs a due-date notice now (24 h, 2 h, or overdue)."""
    # The outer bound on due_at is what the index scan stops at; the OR only filters.
    return (
        Milestone.objects.filter(
            status__in=WORK, due_notice_stage__lt=DUE_OVERDUE, due_at__lte=now + hours(24)
        )
        .filter(
            Q(due_at__lte=now)
            | Q(due_at__lte=now + hours(2), due_notice_stage__lt=DUE_2H)
            | Q(due_at__lte=now + hours(24), due_notice_stage__lt=DUE_24H)
        )
        .order_by("due_at")
    )


def _due_stage(milestone: Milestone, now: datetime) -> int:
    if milestone.due_at <= now:
        return DUE_OVERDUE
    if milestone.due_at <= now + hours(2):
        return DUE_2H
    return DUE_24H if milestone.due_at <= now + hours(24) else DUE_NONE


@atomic_with_retry
def milestone_due_notice(*, milestone_id: int, now: datetime) -> int | None:
    """Send the due-date notice this milestone has reached, once; returns the stage sent.

    A stage that was missed (a milestone funded two hours before its due date) is skipped:
    only the latest applies.
    """
    milestone = (
        Milestone.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
        .select_related("contract__gig")
        .filter(pk=milestone_id)
        .first()
    )
    if milestone is None or milestone.status not in WORK:
        return None
    stage = _due_stage(milestone, now)
    if stage <= milestone.due_notice_stage:
        return None
    contract = milestone.contract
    # Each recipient's kind: the client is told only when it is overdue.
    kinds = {
        DUE_24H: {contract.freelancer_id: notices.MILESTONE_DUE_24H},
        DUE_2H: {contract.freelancer_id: notices.MILESTONE_DUE_2H},
        DUE_OVERDUE: {
            contract.freelancer_id: notices.MILESTONE_OVERDUE,
            contract.client_id: notices.MILESTONE_OVERDUE_CLIENT,
        },
    }[stage]
    for recipient in User.objects.filter(pk__in=kinds):
        notices.notify(
            recipient,
            kinds[recipient.pk],
            subject=milestone,
            occurrence=milestone.due_at,
            link_args={"contract_id": contract.pk},
            gig=text_of(contract.gig, "title"),
            milestone=text_of(milestone, "title"),
            due=milestone.due_at,
            amount=rupiah(milestone.amount),
        )
    milestone.due_notice_stage = stage
    milestone.save(update_fields=["due_notice_stage", "updated_at"])
    return stage


def milestone_due_sweep(*, now: datetime | None = None, batch: int | None = None) -> int:
    now = now or timezone.now()
    return _each(
        _batch(milestones_due(now), batch),
        lambda pk: milestone_due_notice(milestone_id=pk, now=now),
        "due-date notice for milestone",
    )


# --- auto-release -----------------------------------------------------------------------------


def milestones_to_release(now: datetime):
    """Submissions the client left alone for ``AUTO_RELEASE_DAYS``, oldest first."""
    return Milestone.objects.auto_release_by(now).order_by("submitted_at")


def milestones_to_warn(now: datetime):
    """Submissions whose auto-release is less than a day away and whose client was not warned."""
    return (
        Milestone.objects.auto_release_by(now + hours(24))
        .filter(auto_release_warned_at__isnull=True)
        .order_by("submitted_at")
    )


@atomic_with_retry
def milestone_auto_release_warning(*, milestone_id: int, now: datetime) -> bool:
    milestone = (
        Milestone.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
        .select_related("contract__gig", "contract__client")
        .filter(pk=milestone_id, status=M.SUBMITTED, auto_release_warned_at__isnull=True)
        .first()
    )
    if milestone is None or milestone.submitted_at is None:  # submitted ones have the time
        return False
    submitted_at = milestone.submitted_at
    releases_at = milestone.auto_release_at
    if releases_at is None or releases_at > now + hours(24):
        return False
    contract = milestone.contract
    notices.notify(
        contract.client,
        notices.AUTO_RELEASE_WARNING,
        subject=milestone,
        occurrence=submitted_at,
        link_args={"contract_id": contract.pk},
        gig=text_of(contract.gig, "title"),
        milestone=text_of(milestone, "title"),
        amount=rupiah(milestone.amount),
        when=releases_at,
    )
    milestone.auto_release_warned_at = now
    milestone.save(update_fields=["auto_release_warned_at", "updated_at"])
    return True


def auto_release_sweep(*, now: datetime | None = None, batch: int | None = None) -> int:
    """Warn clients a day ahead, then release through ``milestone_auto_release`` (the same
    idempotent release a client's approval uses, by the system)."""
    now = now or timezone.now()
    released = _each(
        _batch(milestones_to_release(now), batch),
        lambda pk: milestone_services.milestone_auto_release(milestone_id=pk),
        "auto-release of milestone",
    )
    _each(
        _batch(milestones_to_warn(now), batch),
        lambda pk: milestone_auto_release_warning(milestone_id=pk, now=now),
        "auto-release warning for milestone",
    )
    return released


# --- bidding deadlines and gig expiry ---------------------------------------------------------


def gigs_due(now: datetime):
    """Open gigs whose bidding closes within a day, has closed, or closed an award window ago."""
    return (
        Gig.objects.filter(status=Gig.Status.OPEN, bidding_deadline__lte=now + hours(24))
        .filter(
            Q(bidding_deadline__lte=now - days(settings.AWARD_WINDOW_DAYS))
            | Q(bidding_deadline__lte=now, bidding_notice_stage__lt=BIDDING_CLOSED)
            | Q(bidding_deadline__lte=now + hours(24), bidding_notice_stage__lt=BIDDING_CLOSES_SOON)
        )
        .order_by("bidding_deadline")
    )


@atomic_with_retry
def gig_bidding_timer(*, gig_id: int, now: datetime) -> str | None:
    """Move one open gig along its bidding timer; returns what was done, None if nothing."""
    gig = (
        Gig.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
        .select_related("client")
        .filter(pk=gig_id, status=Gig.Status.OPEN)
        .first()
    )
    if gig is None:
        return None
    # Bids the client can still accept (bid_count also counts rejected ones).
    live_bids = Bid.objects.filter(gig=gig, status__in=Bid.OPEN).count()
    params: dict[str, Any] = {
        "gig": text_of(gig, "title"),
        "count": bids_count(live_bids),
        "days": days_count(settings.AWARD_WINDOW_DAYS),
    }
    link_args = {"gig_id": gig.pk}
    if gig.bidding_deadline <= now - days(settings.AWARD_WINDOW_DAYS):
        ensure_transition(gig, Gig.Status.EXPIRED)
        gig.status = Gig.Status.EXPIRED
        gig.save(update_fields=["status", "updated_at"])
        close_open_bids(gig, kind=notices.GIG_EXPIRED_BIDDER)
        notices.notify(
            gig.client,
            notices.GIG_EXPIRED,
            subject=gig,
            link_args=link_args,
            **params,
        )
        return "expired"
    if gig.bidding_deadline <= now and gig.bidding_notice_stage < BIDDING_CLOSED:
        kind = notices.BIDDING_CLOSED if live_bids else notices.BIDDING_CLOSED_NO_BIDS
        notices.notify(
            gig.client,
            kind,
            subject=gig,
            link_args=link_args,
            **params,
        )
        gig.bidding_notice_stage = BIDDING_CLOSED
    elif gig.bidding_deadline <= now + hours(24) and gig.bidding_notice_stage < BIDDING_CLOSES_SOON:
        notices.notify(
            gig.client,
            notices.BIDDING_CLOSES_SOON,
            subject=gig,
            link_args=link_args,
            when=gig.bidding_deadline,
            **params,
        )
        gig.bidding_notice_stage = BIDDING_CLOSES_SOON
    else:
        return None
    gig.save(update_fields=["bidding_notice_stage", "updated_at"])
    return "noticed"


def bidding_sweep(*, now: datetime | None = None, batch: int | None = None) -> int:
    now = now or timezone.now()
    return _each(
        _batch(gigs_due(now), batch),
        lambda pk: gig_bidding_timer(gig_id=pk, now=now),
        "bidding timer of gig",
    )


# --- contracts nobody funded ------------------------------------------------------------------


def _funding_reminder_after():
    return days(settings.FUNDING_WINDOW_DAYS) / 2


def contracts_unfunded(now: datetime):
    return (
        Contract.objects.filter(
            status=Contract.Status.ACTIVE,
            first_funded_at__isnull=True,
            created_at__lte=now - _funding_reminder_after(),
        )
        .filter(
            Q(created_at__lte=now - days(settings.FUNDING_WINDOW_DAYS))
            | Q(
                created_at__lte=now - _funding_reminder_after(),
                funding_notice_stage__lt=FUNDING_REMINDED,
            )
        )
        .order_by("created_at")
    )


@atomic_with_retry
def contract_funding_timer(*, contract_id: int, now: datetime) -> str | None:
    """Remind the client half-way through the funding window; cancel at its end."""
    contract = (
        Contract.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
        .select_related("gig", "client")
        .filter(pk=contract_id, status=Contract.Status.ACTIVE, first_funded_at__isnull=True)
        .first()
    )
    if contract is None:
        return None
    if contract.created_at <= now - days(settings.FUNDING_WINDOW_DAYS):
        milestone_services.contract_cancel_unfunded(contract_id=contract.pk)
        return "cancelled"
    if contract.funding_notice_stage >= FUNDING_REMINDED:
        return None
    notices.notify(
        contract.client,
        notices.CONTRACT_UNFUNDED_REMINDER,
        subject=contract,
        link_args={"contract_id": contract.pk},
        gig=text_of(contract.gig, "title"),
        when=contract.created_at + days(settings.FUNDING_WINDOW_DAYS),
    )
    contract.funding_notice_stage = FUNDING_REMINDED
    contract.save(update_fields=["funding_notice_stage", "updated_at"])
    return "reminded"


def funding_sweep(*, now: datetime | None = None, batch: int | None = None) -> int:
    now = now or timezone.now()
    return _each(
        _batch(contracts_unfunded(now), batch),
        lambda pk: contract_funding_timer(contract_id=pk, now=now),
        "funding timer of contract",
    )
