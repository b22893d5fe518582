"""Notices about disputes: one opened on a milestone, and a moderator's settlement."""

from django.utils.translation import gettext_lazy as _

from accounts.notices import NoticeKind
from projects.notices.group import GIGS

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
        "The freelancer is awarded %(freelancer_amount)s of %(amount)s before Garap's fee, "
        "and receives %(freelancer_receives)s after the fee of %(fee)s; %(client_amount)s "
        "returns to the client."
    ),
    subject="milestone",
    link="api:contract-detail",
    group=GIGS,
    per_recipient=True,
)
