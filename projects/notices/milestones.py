"""Notices about milestones: funded, submitted, revisions, paid out, cancelled, and the due-date
and auto-release timers (projects/services/timers.py)."""

from django.utils.translation import gettext_lazy as _

from accounts.notices import NoticeKind
from projects.notices.group import GIGS

MILESTONE_FUNDED = NoticeKind(
    "milestone_funded",
    _("“%(milestone)s” is funded: start work"),
    _("%(amount)s is held in escrow for “%(gig)s”."),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

MILESTONE_PAYMENT_KEPT = NoticeKind(
    "milestone_payment_kept",
    _("Your payment of %(amount)s is in your wallet"),
    _(
        "It could not fund “%(milestone)s”: %(reason)s The money stays in your Garap wallet, "
        "ready for another milestone or a withdrawal."
    ),
    subject="deposit",
    link="api:wallet",
)

MILESTONE_SUBMITTED = NoticeKind(
    "milestone_submitted",
    _("Work delivered for “%(milestone)s”"),
    _(
        "Review it and approve, or ask for a revision. Without an answer it is paid out "
        "automatically after %(days)s."
    ),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
    whatsapp_template="garap_work_delivered",
)

REVISION_REQUESTED = NoticeKind(
    "revision_requested",
    _("Revision requested for “%(milestone)s”"),
    _("The client asks: %(note)s"),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

MILESTONE_RELEASED = NoticeKind(
    "milestone_released",
    _("Payment released for “%(milestone)s”"),
    _("%(amount)s less the platform fee is in your wallet."),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
    whatsapp_template="garap_payment_released",
)

MILESTONE_CANCELLED = NoticeKind(
    "milestone_cancelled",
    _("“%(milestone)s” was cancelled"),
    _("Any funded money went back to the client's wallet."),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

MILESTONE_AUTO_RELEASED = NoticeKind(
    "milestone_auto_released",
    _("“%(milestone)s” was paid out automatically"),
    _(
        "Nobody approved or asked for a revision in time, so %(amount)s went to the "
        "freelancer as the contract's terms say."
    ),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

MILESTONE_DUE_24H = NoticeKind(
    "milestone_due_24h",
    _("“%(milestone)s” is due in 24 hours"),
    _("Deliver “%(gig)s” by %(due)s."),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

MILESTONE_DUE_2H = NoticeKind(
    "milestone_due_2h",
    _("“%(milestone)s” is due in 2 hours"),
    _("Deliver “%(gig)s” by %(due)s, or tell the client in the messages."),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
    whatsapp_template="garap_deadline_2h",
)

MILESTONE_OVERDUE = NoticeKind(
    "milestone_overdue",
    _("“%(milestone)s” is overdue"),
    _(
        "It was due %(due)s. Deliver as soon as you can: the client may now cancel it and "
        "get the %(amount)s back."
    ),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

MILESTONE_OVERDUE_CLIENT = NoticeKind(
    "milestone_overdue_client",
    _("“%(milestone)s” is overdue"),
    _(
        "Nothing was delivered by %(due)s. You may wait, or cancel the milestone and get "
        "%(amount)s back in your wallet."
    ),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
    event="milestone_overdue",
    preference="milestone_overdue",  # one "is overdue" line in the preferences
)

AUTO_RELEASE_WARNING = NoticeKind(
    "auto_release_warning",
    _("“%(milestone)s” will be paid out automatically"),
    _(
        "Approve it, or ask for a revision, before %(when)s; otherwise %(amount)s is "
        "released to the freelancer then."
    ),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)
