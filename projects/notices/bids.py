"""Notices about bids: received, shortlisted, accepted, rejected, withdrawn."""

from django.utils.translation import gettext_lazy as _

from accounts.notices import NoticeKind
from projects.notices.group import GIGS

BID_RECEIVED = NoticeKind(
    "bid_received",
    _("New bid on “%(gig)s”"),
    _("%(freelancer)s offered %(amount)s to deliver in %(days)s."),
    subject="bid",
    link="api:bid-detail",
    group=GIGS,
)

BID_SHORTLISTED = NoticeKind(
    "bid_shortlisted",
    _("You are shortlisted for “%(gig)s”"),
    _("The client shortlisted your bid of %(amount)s."),
    subject="bid",
    link="api:bid-detail",
    group=GIGS,
)

BID_ACCEPTED = NoticeKind(
    "bid_accepted",
    _("Your bid on “%(gig)s” was accepted"),
    _("A contract for %(amount)s has started. Work begins once the client funds it."),
    subject="bid",
    link="api:contract-detail",
    group=GIGS,
)

BID_REJECTED = NoticeKind(
    "bid_rejected",
    _("Your bid on “%(gig)s” was not chosen"),
    _("The client chose another offer or closed the gig. Keep bidding!"),
    subject="bid",
    link="api:bid-detail",
    group=GIGS,
)

BID_WITHDRAWN = NoticeKind(
    "bid_withdrawn",
    _("%(freelancer)s withdrew their bid on “%(gig)s”"),
    _("The other bids are still open."),
    subject="bid",
    link="api:gig-bids",
    group=GIGS,
)
