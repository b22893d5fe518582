"""Notices of trust and safety: contact details hidden by the filter, moderators' decisions, and
the nightly ledger audit's alarm to staff."""

from django.utils.translation import gettext_lazy as _

from accounts.notices import NoticeKind
from projects.notices.group import GIGS

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

LEDGER_AUDIT_FAILED = NoticeKind(
    "ledger_audit_failed",
    _("Ledger audit failed: %(count)s"),
    _("%(summary)s Run `manage.py ledger_audit` for the full list."),
    link="admin:app_list",
    group=GIGS,
    per_recipient=True,
    staff_only=True,  # sent to the staff who process withdrawals and to superusers
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
