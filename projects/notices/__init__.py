"""The notices the marketplace loop, its timers and its moderators send (the machinery:
``accounts.notices``), one module per part. ``ProjectsConfig.ready()`` registers ``kinds()``.

Callers name a kind as ``notices.NAME`` after ``from projects import notices``.
"""

from __future__ import annotations

from accounts.notices import NoticeKind, notify, register_page
from projects.notices import bids, contracts, disputes, gigs, milestones, reviews, trust
from projects.notices.bids import *  # noqa: F403
from projects.notices.contracts import *  # noqa: F403
from projects.notices.disputes import *  # noqa: F403
from projects.notices.gigs import *  # noqa: F403
from projects.notices.group import GIGS
from projects.notices.milestones import *  # noqa: F403
from projects.notices.reviews import *  # noqa: F403
from projects.notices.trust import *  # noqa: F403

__all__ = ["GIGS", "kinds", "notify", "register_pages"]


def kinds() -> tuple[NoticeKind, ...]:
    """Every kind, in the order people see the optional ones on the settings page (their e-mail
    preferences, ``accounts.notices.email_optional_kinds``)."""
    return (
        bids.BID_RECEIVED,
        bids.BID_SHORTLISTED,
        bids.BID_ACCEPTED,
        bids.BID_REJECTED,
        gigs.GIG_INVITED,
        gigs.GIG_APPROVED,
        gigs.GIG_REJECTED,
        gigs.GIG_CANCELLED,
        milestones.MILESTONE_FUNDED,
        milestones.MILESTONE_PAYMENT_KEPT,
        milestones.MILESTONE_SUBMITTED,
        milestones.REVISION_REQUESTED,
        milestones.MILESTONE_RELEASED,
        milestones.MILESTONE_CANCELLED,
        disputes.MILESTONE_DISPUTED,
        disputes.DISPUTE_RESOLVED,
        bids.BID_WITHDRAWN,
        milestones.MILESTONE_AUTO_RELEASED,
        contracts.CONTRACT_COMPLETED,
        reviews.REVIEW_RECEIVED,
        reviews.REVIEWS_REVEALED,
        milestones.MILESTONE_DUE_24H,
        milestones.MILESTONE_DUE_2H,
        milestones.MILESTONE_OVERDUE,
        milestones.MILESTONE_OVERDUE_CLIENT,
        milestones.AUTO_RELEASE_WARNING,
        gigs.BIDDING_CLOSES_SOON,
        gigs.BIDDING_CLOSED,
        gigs.BIDDING_CLOSED_NO_BIDS,
        gigs.GIG_EXPIRED,
        gigs.GIG_EXPIRED_BIDDER,
        contracts.CONTRACT_UNFUNDED_REMINDER,
        contracts.CONTRACT_CANCELLED_UNFUNDED,
        trust.LEDGER_AUDIT_FAILED,
        reviews.REVIEW_WINDOW_CLOSED,
        contracts.MESSAGE_RECEIVED,
        trust.CONTACT_DETAILS_HIDDEN,
        trust.REPORT_DISMISSED,
        trust.REPORT_ACTIONED,
        trust.CONTENT_REMOVED,
        trust.USER_WARNED,
        trust.ACCOUNT_SUSPENDED,
        trust.ACCOUNT_SUSPENDED_UNTIL,
        trust.SUSPENSION_LIFTED,
        trust.SUSPENSION_ENDED,
    )


def register_pages() -> None:
    """The pages people open from notices that link to the projects API."""
    register_page("api:gig-detail", "gig-detail", "gig_id")
    register_page("api:gig-bids", "gig-detail", "gig_id")
    for route in ("api:contract-detail", "api:contract-reviews", "api:contract-messages"):
        register_page(route, "contract-detail", "contract_id")
