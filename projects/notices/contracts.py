"""Notices about contracts: completed, the funding timers (projects/services/timers.py), and
messages."""

from django.utils.translation import gettext_lazy as _

from accounts.notices import NoticeKind
from projects.notices.group import GIGS

CONTRACT_COMPLETED = NoticeKind(
    "contract_completed",
    _("“%(gig)s” is complete: leave a review"),
    _(
        "Review how it went within %(days)s. Reviews are double-blind: neither of "
        "you sees the other's until both are in or the time is up."
    ),
    subject="contract",
    link="api:contract-reviews",
    group=GIGS,
    per_recipient=True,
)

CONTRACT_UNFUNDED_REMINDER = NoticeKind(
    "contract_unfunded_reminder",
    _("Fund “%(gig)s” to start the work"),
    _("Fund the first milestone before %(when)s, or the contract is cancelled."),
    subject="contract",
    link="api:contract-detail",
    group=GIGS,
)

CONTRACT_CANCELLED_UNFUNDED = NoticeKind(
    "contract_cancelled_unfunded",
    _("The contract for “%(gig)s” was cancelled"),
    _("No milestone was funded within %(days)s of the award."),
    subject="contract",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

MESSAGE_RECEIVED = NoticeKind(
    "message_received",
    _("New message about “%(gig)s”"),
    _("%(sender)s: %(excerpt)s"),
    subject="message",
    link="api:contract-messages",
    group=GIGS,
    per_recipient=True,
)
