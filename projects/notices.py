"""The notices the marketplace loop and its timers send (the machinery: accounts.notices)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.notices import Notice, register, send

__all__ = ["NOTICES", "send"]

NOTICES: dict[str, Notice] = register(
    {
        "bid_received": Notice(
            _("New bid on “%(gig)s”"),
            _("%(freelancer)s offered %(amount)s to deliver in %(days)s days."),
        ),
        "bid_shortlisted": Notice(
            _("You are shortlisted for “%(gig)s”"),
            _("The client shortlisted your bid of %(amount)s."),
        ),
        "bid_accepted": Notice(
            _("Your bid on “%(gig)s” was accepted"),
            _("A contract for %(amount)s has started. Work begins once the client funds it."),
        ),
        "bid_rejected": Notice(
            _("Your bid on “%(gig)s” was not chosen"),
            _("The client chose another offer or closed the gig. Keep bidding!"),
        ),
        "gig_invited": Notice(
            _("You are invited to bid on “%(gig)s”"),
            _("%(client)s would like your offer. Budget: %(budget)s."),
        ),
        "gig_approved": Notice(
            _("Your gig “%(gig)s” is live"),
            _("A moderator approved it; freelancers can bid now."),
        ),
        "gig_rejected": Notice(
            _("Your gig “%(gig)s” was not approved"),
            _("Reason: %(reason)s"),
        ),
        "gig_cancelled": Notice(
            _("The gig “%(gig)s” was cancelled"),
            _("The client cancelled it, so your bid is closed."),
        ),
        "milestone_funded": Notice(
            _("“%(milestone)s” is funded: start work"),
            _("%(amount)s is held in escrow for “%(gig)s”."),
        ),
        "milestone_submitted": Notice(
            _("Work delivered for “%(milestone)s”"),
            _(
                "Review it and approve, or ask for a revision. Without an answer it is paid out "
                "automatically after %(days)s days."
            ),
        ),
        "revision_requested": Notice(
            _("Revision requested for “%(milestone)s”"),
            _("The client asks: %(note)s"),
        ),
        "milestone_released": Notice(
            _("Payment released for “%(milestone)s”"),
            _("%(amount)s less the platform fee is in your wallet."),
        ),
        "milestone_cancelled": Notice(
            _("“%(milestone)s” was cancelled"),
            _("Any funded money went back to the client's wallet."),
        ),
        "milestone_disputed": Notice(
            _("A dispute was opened on “%(milestone)s”"),
            _("The escrow is frozen until a moderator settles it. Reply in the contract thread."),
        ),
        "dispute_resolved": Notice(
            _("The dispute on “%(milestone)s” is settled"),
            _(
                "The freelancer receives %(freelancer_amount)s of %(amount)s; the rest returns "
                "to the client."
            ),
        ),
        "bid_withdrawn": Notice(
            _("%(freelancer)s withdrew their bid on “%(gig)s”"),
            _("The other bids are still open."),
        ),
        "milestone_auto_released": Notice(
            _("“%(milestone)s” was paid out automatically"),
            _(
                "Nobody approved or asked for a revision in time, so %(amount)s went to the "
                "freelancer as the contract's terms say."
            ),
        ),
        "contract_completed": Notice(
            _("“%(gig)s” is complete: leave a review"),
            _(
                "Review how it went within %(days)s days. Reviews are double-blind: neither of "
                "you sees the other's until both are in or the time is up."
            ),
        ),
        "review_received": Notice(
            _("%(author)s reviewed you for “%(gig)s”"),
            _(
                "Reviews are double-blind: you will see theirs when you write yours, or when the "
                "review window closes on %(closes)s."
            ),
        ),
        "reviews_revealed": Notice(
            _("Reviews for “%(gig)s” are public"),
            _("Both reviews of this contract can now be read, and you may reply to yours once."),
        ),
        # --- timers (projects/services/timers.py) ---
        "milestone_due_24h": Notice(
            _("“%(milestone)s” is due in 24 hours"),
            _("Deliver “%(gig)s” by %(due)s (Asia/Jakarta)."),
        ),
        "milestone_due_2h": Notice(
            _("“%(milestone)s” is due in 2 hours"),
            _("Deliver “%(gig)s” by %(due)s (Asia/Jakarta), or tell the client in the messages."),
        ),
        "milestone_overdue": Notice(
            _("“%(milestone)s” is overdue"),
            _(
                "It was due %(due)s. Deliver as soon as you can: the client may now cancel it and "
                "get the %(amount)s back."
            ),
        ),
        "milestone_overdue_client": Notice(
            _("“%(milestone)s” is overdue"),
            _(
                "Nothing was delivered by %(due)s. You may wait, or cancel the milestone and get "
                "%(amount)s back in your wallet."
            ),
        ),
        "auto_release_warning": Notice(
            _("“%(milestone)s” will be paid out automatically"),
            _(
                "Approve it, or ask for a revision, before %(when)s; otherwise %(amount)s is "
                "released to the freelancer then."
            ),
        ),
        "bidding_closes_soon": Notice(
            _("Bidding on “%(gig)s” closes within 24 hours"),
            _("It closes %(when)s with %(count)s bids so far."),
        ),
        "bidding_closed": Notice(
            _("Bidding on “%(gig)s” has closed"),
            _(
                "You have %(count)s bids. Accept one within %(days)s days, or the gig expires and "
                "the bidders are told."
            ),
        ),
        "bidding_closed_no_bids": Notice(
            _("Bidding on “%(gig)s” closed without bids"),
            _("Invite freelancers or post it again with a longer deadline or a higher budget."),
        ),
        "gig_expired": Notice(
            _("“%(gig)s” expired"),
            _("No bid was accepted within %(days)s days after bidding closed."),
        ),
        "gig_expired_bidder": Notice(
            _("“%(gig)s” expired without an award"),
            _("The client chose no bid, so your bid is closed."),
        ),
        "contract_unfunded_reminder": Notice(
            _("Fund “%(gig)s” to start the work"),
            _("Fund the first milestone before %(when)s, or the contract is cancelled."),
        ),
        "contract_cancelled_unfunded": Notice(
            _("The contract for “%(gig)s” was cancelled"),
            _("No milestone was funded within %(days)s days of the award."),
        ),
        "ledger_audit_failed": Notice(
            _("Ledger audit failed: %(count)s problems"),
            _("%(summary)s Run `manage.py ledger_audit` for the full list."),
        ),
        "review_window_closed": Notice(
            _("The review window for “%(gig)s” has closed"),
            _("The review that was written is now public; the reviewed person may reply once."),
        ),
        "message_received": Notice(
            _("New message about “%(gig)s”"),
            _("%(sender)s: %(excerpt)s"),
        ),
        # --- contact filter (projects/services/contact.py) ---
        "contact_details_hidden": Notice(
            _("Contact details hidden in your %(what)s"),
            _(
                "The other side sees it without what looks like contact details (%(kinds)s). "
                "Until a contract is funded, keep talking and paying on Garap: outside it, "
                "neither of you is protected by escrow. Repeated attempts are reported to our "
                "moderators."
            ),
        ),
    }
)

# Trust and safety: what moderators' decisions tell the people concerned. Always e-mailed too:
# nobody should miss a decision about their account, so these have no e-mail preference.
MODERATION_NOTICES: dict[str, Notice] = register(
    {
        "report_dismissed": Notice(
            _("Your report on a %(what)s was reviewed"),
            _(
                "A moderator found nothing against Garap's rules (%(outcome)s). Thank you for "
                "telling us."
            ),
        ),
        "report_actioned": Notice(
            _("Your report on a %(what)s was acted on"),
            _("A moderator reviewed it and took action: %(outcome)s. Thank you for telling us."),
        ),
        "content_removed": Notice(
            _("A moderator removed your %(what)s"),
            _(
                "It is hidden from others because it breaks Garap's rules. Reason: %(reason)s. "
                "Reply to this notice through support if you think this is a mistake."
            ),
        ),
        "user_warned": Notice(
            _("A warning from Garap's moderators"),
            _("Reason: %(reason)s. Repeated problems lead to a suspension."),
        ),
        "account_suspended": Notice(
            _("Your account is suspended"),
            _(
                "Reason: %(reason)s. Until a moderator lifts it you cannot post, bid, send "
                "messages or withdraw; money for approved work is still paid into your wallet."
            ),
        ),
        "account_suspended_until": Notice(
            _("Your account is suspended until %(until)s"),
            _(
                "Reason: %(reason)s. Until then you cannot post, bid, send messages or "
                "withdraw; money for approved work is still paid into your wallet."
            ),
        ),
        "suspension_lifted": Notice(
            _("Your account is no longer suspended"),
            _("A moderator lifted the suspension. Your open gigs are visible again."),
        ),
        "suspension_ended": Notice(
            _("Your suspension has ended"),
            _("You can post, bid, message and withdraw again. Your open gigs are visible again."),
        ),
    }
)
