"""Notices about gigs: invitations, a moderator's decision, cancelling, and the bidding
timers (projects/services/timers.py)."""

from django.utils.translation import gettext_lazy as _

from accounts.notices import NoticeKind
from projects.notices.group import GIGS

GIG_INVITED = NoticeKind(
    "gig_invited",
    _("You are invited to bid on “%(gig)s”"),
    _("%(client)s would like your offer. Budget: %(budget)s."),
    subject="gig",
    link="api:gig-detail",
    group=GIGS,
    per_recipient=True,
)

GIG_APPROVED = NoticeKind(
    "gig_approved",
    _("Your gig “%(gig)s” is live"),
    _("A moderator approved it; freelancers can bid now."),
    subject="gig",
    link="api:gig-detail",
    group=GIGS,
)

GIG_REJECTED = NoticeKind(
    "gig_rejected",
    _("Your gig “%(gig)s” was not approved"),
    _("Reason: %(reason)s"),
    subject="gig",
    link="api:gig-detail",
    group=GIGS,
)

GIG_CANCELLED = NoticeKind(
    "gig_cancelled",
    _("The gig “%(gig)s” was cancelled"),
    _("The client cancelled it, so your bid is closed."),
    subject="bid",
    link="api:bid-detail",
    group=GIGS,
)

BIDDING_CLOSES_SOON = NoticeKind(
    "bidding_closes_soon",
    _("Bidding on “%(gig)s” closes within 24 hours"),
    _("It closes %(when)s with %(count)s so far."),
    subject="gig",
    link="api:gig-detail",
    group=GIGS,
)

BIDDING_CLOSED = NoticeKind(
    "bidding_closed",
    _("Bidding on “%(gig)s” has closed"),
    _(
        "You have %(count)s. Accept one within %(days)s, or the gig expires and "
        "the bidders are told."
    ),
    subject="gig",
    link="api:gig-detail",
    group=GIGS,
)

BIDDING_CLOSED_NO_BIDS = NoticeKind(
    "bidding_closed_no_bids",
    _("Bidding on “%(gig)s” closed without bids"),
    _("Invite freelancers or post it again with a longer deadline or a higher budget."),
    subject="gig",
    link="api:gig-detail",
    group=GIGS,
    event="bidding_closed",
)

GIG_EXPIRED = NoticeKind(
    "gig_expired",
    _("“%(gig)s” expired"),
    _("No bid was accepted within %(days)s after bidding closed."),
    subject="gig",
    link="api:gig-detail",
    group=GIGS,
)

GIG_EXPIRED_BIDDER = NoticeKind(
    "gig_expired_bidder",
    _("“%(gig)s” expired without an award"),
    _("The client chose no bid, so your bid is closed."),
    subject="bid",
    link="api:bid-detail",
    group=GIGS,
)
