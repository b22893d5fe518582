"""Where a notice leads a person: its page, from the API path the notice stores.

A notice's ``link`` is an API path (``accounts.models.Notification.link``: programs read
notices too); the notifications page and the notice e-mails lead people to the page instead.
"""

from __future__ import annotations

import re

# The pages use the same paths without the /api/v1 prefix for these. A bid, a report or
# anything else has no page of its own that the link names (a bid's gig is not in its path):
# those open the dashboard.
DASHBOARD = "/dashboard/"
_PAGES = [
    (re.compile(r"^/api/v1/gigs/(\d+)/"), "/gigs/{}/"),
    (re.compile(r"^/api/v1/contracts/(\d+)/"), "/contracts/{}/"),
    (re.compile(r"^/api/v1/wallet/"), "/wallet/"),
    # A profile's or a portfolio item's notice (contact details hidden) leads to the settings.
    (re.compile(r"^/api/v1/(?:me/freelancer-profile|portfolio-items)/"), "/settings/"),
]


def notice_page_path(link: str) -> str:
    """The page a notice leads to, from its API link (see _PAGES); the dashboard otherwise."""
    for pattern, page in _PAGES:
        match = pattern.match(link or "")
        if match:
            return page.format(*match.groups())
    if link.startswith("/") and not link.startswith(("/api/", "//")):
        return link  # already a page (e.g. the admin, for staff notices)
    return DASHBOARD
