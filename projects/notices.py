"""The notices the marketplace loop sends, written in each recipient's language.

Each kind has a title and a body template; ``send`` renders them in the recipient's preferred
language and records the notice through the accounts service with a key naming the occurrence,
so sending the same event twice records one notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import notification_send


@dataclass(frozen=True)
class Notice:
    title: Promise
    body: Promise


NOTICES: dict[str, Notice] = {
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
            "The freelancer receives %(freelancer_amount)s of %(amount)s; the rest returns to the "
            "client."
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
    "message_received": Notice(
        _("New message about “%(gig)s”"),
        _("%(sender)s: %(excerpt)s"),
    ),
}


def send(*, recipient: User, kind: str, key: str, link: str = "", **params: Any) -> None:
    """Record notice ``kind`` for ``recipient`` once per ``key``, in the recipient's language."""
    notice = NOTICES[kind]
    with translation.override(recipient.preferred_language):
        title = str(notice.title) % params
        body = str(notice.body) % params
    notification_send(
        recipient_id=recipient.pk, kind=kind, key=key, title=title, body=body, link=link
    )
