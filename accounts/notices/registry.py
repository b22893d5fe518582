"""The notice kinds every app registers, and the pages their links lead to.

Accounts stores and e-mails notices but knows none of the marketplace's events, and imports
neither of the other apps: each app declares its kinds (``projects.notices``,
``payments.notices``) and registers them, with the pages of its API routes, in its
``AppConfig.ready()``. The e-mail preferences, the notifications page and the notice e-mails
read this registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NoticeGroup:
    """A heading of the e-mail preferences; the settings page lists groups by ``position``."""

    label: Promise
    position: int


@dataclass(frozen=True, eq=False)
class NoticeKind:
    """One kind of notice: its texts (rendered in the recipient's language), what its unique
    key names, and where it leads.

    The key is ``<event>:<subject>:<id>[:<recipient id>][:<occurrence>]`` (``notify``). It
    must stay byte-identical for one event: it is what makes a notice sent twice (a retried
    task, a sweep run twice) one notice, and the e-mail's Message-ID is derived from it.
    """

    code: str  # stored on the row (``Notification.kind``), muted in the e-mail preferences
    title: Promise  # %-format with the parameters ``notify`` is given
    body: Promise
    # What a notice is about, as its key names it ("bid" in "bid_received:bid:42"); "" when
    # the key holds the bare id, or when the caller names it (a subject of several kinds).
    subject: str = ""
    # The API route (e.g. "api:contract-detail") the stored link is reversed from, with the
    # arguments ``notify`` is given; "" when the notice has no link or the caller gives one.
    link: str = ""
    group: NoticeGroup | None = None  # its e-mail preference; None: always e-mailed
    per_recipient: bool = False  # one event, a notice to each party: the key names the recipient
    # The key's first part when it is not the code: kinds that are alternatives for one event
    # (the client's copy of an overdue notice, bidding closed without bids) share it, so the
    # event is noticed once whichever applies.
    event: str = ""
    # The code of the kind whose e-mail preference also covers this one: two kinds people know
    # as one notice (the client's copy of an overdue notice, a withdrawal returned whether
    # refused or failed) are one line in the preferences, muted together. "": its own.
    preference: str = ""
    # Sent to staff only (e.g. a failed ledger audit): its preference is offered to staff only.
    staff_only: bool = False
    # The approved WhatsApp message template this kind is sent as, to people who opted in
    # (accounts.models.WhatsAppContact); "": never sent on WhatsApp. Only the most urgent
    # kinds have one: WhatsApp is where people answer at once, and it is not to be spammed.
    whatsapp_template: str = ""

    @property
    def key_prefix(self) -> str:
        return self.event or self.code

    @property
    def preference_code(self) -> str:
        """The code stored in ``User.email_muted_kinds`` to stop this kind's e-mails."""
        return self.preference or self.code

    def __str__(self) -> str:
        return self.code


_KINDS: dict[str, NoticeKind] = {}
# API route name → (page route name, the route arguments the page takes).
_PAGES: dict[str, tuple[str, tuple[str, ...]]] = {}


def register_kinds(kinds: Iterable[NoticeKind]) -> None:
    """Register an app's kinds (in its ``AppConfig.ready()``); registering again is a no-op."""
    for kind in kinds:
        registered = _KINDS.setdefault(kind.code, kind)
        if registered is not kind:
            raise ImproperlyConfigured(f"Two notice kinds are called {kind.code!r}.")
    for kind in _KINDS.values():
        owner = _KINDS.get(kind.preference) if kind.preference else kind
        if owner is not None and (owner.preference or owner.group != kind.group):
            raise ImproperlyConfigured(
                f"Notice kind {kind.code!r} shares the preference of {kind.preference!r}, "
                "which must be a kind with its own preference in the same group."
            )


def kinds_in(namespace: Mapping[str, Any]) -> list[NoticeKind]:
    """The kinds a notices module declares, in its order: ``register_kinds(kinds_in(vars(m)))``."""
    return [value for value in namespace.values() if isinstance(value, NoticeKind)]


def registered(kind: NoticeKind) -> NoticeKind:
    """``kind`` itself, if registered: a kind nobody registered is a mistake, not a notice."""
    if _KINDS.get(kind.code) is not kind:
        raise LookupError(f"Notice kind {kind.code!r} is not registered (AppConfig.ready()).")
    return kind


def kind_named(code: str) -> NoticeKind:
    """The registered kind stored as ``code`` (``Notification.kind``)."""
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"No notice kind {code!r} is registered.") from None


def all_kinds() -> list[NoticeKind]:
    return list(_KINDS.values())


def email_optional_kinds(*, staff: bool) -> list[NoticeKind]:
    """The e-mail preferences a person is offered, one per notice they know (a kind covered by
    another's preference is not listed again), staff-only kinds to staff only; by group, each
    group in its app's order."""
    optional = [
        kind
        for kind in _KINDS.values()
        if kind.group is not None and not kind.preference and (staff or not kind.staff_only)
    ]
    return sorted(optional, key=lambda kind: kind.group.position)  # type: ignore[union-attr]


def whatsapp_kinds() -> list[NoticeKind]:
    """The kinds sent on WhatsApp to people who opted in (those with a template)."""
    return [kind for kind in _KINDS.values() if kind.whatsapp_template]


def email_preference_of(code: str) -> str:
    """The preference (a code in ``User.email_muted_kinds``) that mutes notices stored as
    ``code``; a code no kind is registered under is its own."""
    kind = _KINDS.get(code)
    return code if kind is None else kind.preference_code


def register_page(api_route: str, page_route: str, *args: str) -> None:
    """Notices linking to ``api_route`` lead people to ``page_route`` (with the route
    arguments ``args`` of the API link): the notifications page and the e-mails."""
    _PAGES[api_route] = (page_route, args)


def notice_page_path(link: str) -> str:
    """The page a notice leads to, from the API link it stores (``Notification.link``: programs
    read notices too); the dashboard for a link whose route has no page of its own (a bid's
    gig is not in its path, a report has no page) or that is not ours.

    The page is found by route name, so it follows the pages' URLs wherever they move, and
    notices stored long ago lead to the same pages as new ones.
    """
    if link.startswith("/") and not link.startswith(("/api/", "//")):
        return link  # already a page (e.g. the admin, for staff notices)
    try:
        match = resolve(link) if link.startswith("/api/") else None
    except Resolver404:
        match = None
    page = _PAGES.get(match.view_name) if match else None
    if page is None:
        return reverse("dashboard")
    route, args = page
    try:
        return reverse(route, kwargs={arg: match.kwargs[arg] for arg in args})  # type: ignore[union-attr]
    except (KeyError, NoReverseMatch):
        return reverse("dashboard")
