"""Notices about reviews: received (double-blind), revealed, the window closed."""

from django.utils.translation import gettext_lazy as _

from accounts.notices import NoticeKind
from projects.notices.group import GIGS

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
