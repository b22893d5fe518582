"""The moderators' admin for projects: the gig and service queues, reports, the disputes
console, trust checks, and read-only lists of contracts, bids, messages, reviews and
contact-filter hits.

Nobody edits these rows by hand here (not even a superuser): every page but the taxonomy is
read-only, and every moderator action calls the service that does it (and writes its audit
record). An action is offered only to someone holding its exact permission
(``allowed_permissions``); the service checks again. Each changelist takes its per-row figures
from the queue selectors' annotations (``projects.selectors.moderation``, ``moderation_reports``,
``moderation_disputes``) and ``select_related``, so a page costs the same number of queries
whatever its length.

One module per queue or console; importing them registers their pages with the admin site
(Django's autodiscovery imports this package).
"""

from projects.admin import contracts, disputes, gigs, reports, services, taxonomy, trust

__all__ = ["contracts", "disputes", "gigs", "reports", "services", "taxonomy", "trust"]
