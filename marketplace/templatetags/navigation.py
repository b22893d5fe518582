"""Which of the phone's bottom tabs a page belongs to, so that tab says it is the current one.

Pages are matched by URL name, not path: a name says what the page is wherever it is mounted.
A page under no tab (posting a gig, logging in, the API docs) marks none.
"""

from __future__ import annotations

from django import template

register = template.Library()

# tab -> URL names of its pages; a name ending in "-" covers every name it starts.
TAB_PAGES: dict[str, tuple[str, ...]] = {
    "browse": (
        "home",
        "gig-detail",
        "gig-bid",
        "freelancer-list",
        "freelancer-profile",
        "client-record",
    ),
    # A contract and its milestones are reached from the dashboard and lead back to it.
    "dashboard": ("dashboard", "contract-", "milestone-"),
    "notifications": ("notifications", "notification-"),
    "wallet": (
        "wallet",
        "wallet-",
        "payment-checkout",
        "deposit-receipt",
        "withdrawal-receipt",
        "release-receipt",
    ),
    "account": ("settings", "settings-", "verify-email"),
}


def tab_of(url_name: str | None) -> str:
    """The tab of the page named ``url_name``; "" for a page under none."""
    if not url_name:
        return ""
    for tab, names in TAB_PAGES.items():
        for name in names:
            if url_name == name or (name.endswith("-") and url_name.startswith(name)):
                return tab
    return ""


@register.simple_tag(takes_context=True)
def current_tab(context: template.Context) -> str:
    """``{% current_tab as tab %}``: the tab of the page being rendered ("" for none, and on
    error pages rendered without a resolved URL)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return tab_of(getattr(match, "url_name", None))
