"""The notices the marketplace loop, its timers and its moderators send (the machinery:
``accounts.notices``). ``ProjectsConfig.ready()`` registers every kind declared here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.notices import NoticeGroup, NoticeKind, notify, register_page

__all__ = ["notify"]

GIGS = NoticeGroup(_("Gigs, bids and contracts"), position=10)


def register_pages() -> None:
    """The pages people open from notices that link to the projects API."""
    register_page("api:gig-detail", "gig-detail", "gig_id")
    register_page("api:gig-bids", "gig-detail", "gig_id")
    for route in ("api:contract-detail", "api:contract-reviews", "api:contract-messages"):
        register_page(route, "contract-detail", "contract_id")


BID_RECEIVED = NoticeKind(
    "bid_received",
    _("New bid on “%(gig)s”"),
    _("%(freelancer)s offered %(amount)s to deliver in %(days)s days."),
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

MILESTONE_FUNDED = NoticeKind(
    "milestone_funded",
    _("“%(milestone)s” is funded: start work"),
    _("%(amount)s is held in escrow for “%(gig)s”."),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

MILESTONE_SUBMITTED = NoticeKind(
    "milestone_submitted",
    _("Work delivered for “%(milestone)s”"),
    _(
        "Review it and approve, or ask for a revision. Without an answer it is paid out "
        "automatically after %(days)s days."
    ),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
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

MILESTONE_DISPUTED = NoticeKind(
    "milestone_disputed",
    _("A dispute was opened on “%(milestone)s”"),
    _("The escrow is frozen until a moderator settles it. Reply in the contract thread."),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

DISPUTE_RESOLVED = NoticeKind(
    "dispute_resolved",
    _("The dispute on “%(milestone)s” is settled"),
    _(
        "The freelancer receives %(freelancer_amount)s of %(amount)s; the rest returns "
        "to the client."
    ),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

BID_WITHDRAWN = NoticeKind(
    "bid_withdrawn",
    _("%(freelancer)s withdrew their bid on “%(gig)s”"),
    _("The other bids are still open."),
    subject="bid",
    link="api:gig-bids",
    group=GIGS,
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

CONTRACT_COMPLETED = NoticeKind(
    "contract_completed",
    _("“%(gig)s” is complete: leave a review"),
    _(
        "Review how it went within %(days)s days. Reviews are double-blind: neither of "
        "you sees the other's until both are in or the time is up."
    ),
    subject="contract",
    link="api:contract-reviews",
    group=GIGS,
    per_recipient=True,
)

REVIEW_RECEIVED = NoticeKind(
    "review_received",
    _("%(author)s reviewed you for “%(gig)s”"),
    _(
        "Reviews are double-blind: you will see theirs when you write yours, or when the "
        "review window closes on %(closes)s."
    ),
    subject="review",
    link="api:contract-reviews",
    group=GIGS,
    per_recipient=True,
)

REVIEWS_REVEALED = NoticeKind(
    "reviews_revealed",
    _("Reviews for “%(gig)s” are public"),
    _("Both reviews of this contract can now be read, and you may reply to yours once."),
    subject="contract",
    link="api:contract-reviews",
    group=GIGS,
    per_recipient=True,
)

# --- timers (projects/services/timers.py) ---

# Timers (projects/services/timers.py).

MILESTONE_DUE_24H = NoticeKind(
    "milestone_due_24h",
    _("“%(milestone)s” is due in 24 hours"),
    _("Deliver “%(gig)s” by %(due)s (Asia/Jakarta)."),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

MILESTONE_DUE_2H = NoticeKind(
    "milestone_due_2h",
    _("“%(milestone)s” is due in 2 hours"),
    _("Deliver “%(gig)s” by %(due)s (Asia/Jakarta), or tell the client in the messages."),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
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

BIDDING_CLOSES_SOON = NoticeKind(
    "bidding_closes_soon",
    _("Bidding on “%(gig)s” closes within 24 hours"),
    _("It closes %(when)s with %(count)s bids so far."),
    subject="gig",
    link="api:gig-detail",
    group=GIGS,
)

BIDDING_CLOSED = NoticeKind(
    "bidding_closed",
    _("Bidding on “%(gig)s” has closed"),
    _(
        "You have %(count)s bids. Accept one within %(days)s days, or the gig expires and "
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
    _("No bid was accepted within %(days)s days after bidding closed."),
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
    _("No milestone was funded within %(days)s days of the award."),
    subject="contract",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)

LEDGER_AUDIT_FAILED = NoticeKind(
    "ledger_audit_failed",
    _("Ledger audit failed: %(count)s problems"),
    _("%(summary)s Run `manage.py ledger_audit` for the full list."),
    link="admin:app_list",
    group=GIGS,
    per_recipient=True,
)

REVIEW_WINDOW_CLOSED = NoticeKind(
    "review_window_closed",
    _("The review window for “%(gig)s” has closed"),
    _("The review that was written is now public; the reviewed person may reply once."),
    subject="contract",
    link="api:contract-reviews",
    group=GIGS,
    per_recipient=True,
    event="reviews_revealed",
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

# --- contact filter (projects/services/contact.py) ---

# The contact filter (projects/services/contact.py): the link is the object's own, so the
# caller gives it, and the key names the object (``subject=(source, id)``).

CONTACT_DETAILS_HIDDEN = NoticeKind(
    "contact_details_hidden",
    _("Contact details hidden in your %(what)s"),
    _(
        "The other side sees it without what looks like contact details (%(kinds)s). "
        "Until a contract is funded, keep talking and paying on Garap: outside it, "
        "neither of you is protected by escrow. Repeated attempts are reported to our "
        "moderators."
    ),
    group=GIGS,
)

# Trust and safety: what moderators' decisions tell the people concerned. Always e-mailed too
# (no group): nobody should miss a decision about their account, so these have no e-mail
# preference.

REPORT_DISMISSED = NoticeKind(
    "report_dismissed",
    _("Your report on a %(what)s was reviewed"),
    _("A moderator found nothing against Garap's rules (%(outcome)s). Thank you for telling us."),
    subject="report",
    link="api:report-list",
)

REPORT_ACTIONED = NoticeKind(
    "report_actioned",
    _("Your report on a %(what)s was acted on"),
    _("A moderator reviewed it and took action: %(outcome)s. Thank you for telling us."),
    subject="report",
    link="api:report-list",
)

# The subject of these is (target type, id) or the moderator's record.

CONTENT_REMOVED = NoticeKind(
    "content_removed",
    _("A moderator removed your %(what)s"),
    _(
        "It is hidden from others because it breaks Garap's rules. Reason: %(reason)s. "
        "Reply to this notice through support if you think this is a mistake."
    ),
)

USER_WARNED = NoticeKind(
    "user_warned",
    _("A warning from Garap's moderators"),
    _("Reason: %(reason)s. Repeated problems lead to a suspension."),
)

ACCOUNT_SUSPENDED = NoticeKind(
    "account_suspended",
    _("Your account is suspended"),
    _(
        "Reason: %(reason)s. Until a moderator lifts it you cannot post, bid, send "
        "messages or withdraw; money for approved work is still paid into your wallet."
    ),
)

ACCOUNT_SUSPENDED_UNTIL = NoticeKind(
    "account_suspended_until",
    _("Your account is suspended until %(until)s"),
    _(
        "Reason: %(reason)s. Until then you cannot post, bid, send messages or "
        "withdraw; money for approved work is still paid into your wallet."
    ),
    event="account_suspended",
)

SUSPENSION_LIFTED = NoticeKind(
    "suspension_lifted",
    _("Your account is no longer suspended"),
    _("A moderator lifted the suspension. Your open gigs are visible again."),
)

SUSPENSION_ENDED = NoticeKind(
    "suspension_ended",
    _("Your suspension has ended"),
    _("You can post, bid, message and withdraw again. Your open gigs are visible again."),
)
