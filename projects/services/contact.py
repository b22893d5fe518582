"""What follows when the contact filter finds contact details in a gig, a bid or a message
written before the contract is funded: a record of the hit, a notice telling the author why the
details are hidden, and an automatic report when one user keeps trying.

Paying or talking outside Garap before the escrow holds the money leaves both sides
unprotected, so the details are masked for the other party (``projects.serializers``); the
author still sees what they wrote, and why the other side does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from marketplace.transactions import atomic_with_retry
from projects import content_filter, notices
from projects.models import ContactHit
from projects.services.reports import report_raise_automatically

# How each kind is named in the author's notice; a kind not listed is shown by its code.
KIND_LABELS: dict[str, Promise] = {
    "email": _("e-mail address"),
    "link": _("link to a messaging app or social network"),
    "messaging_app": _("messaging app named as a way to talk"),
    "off_platform": _("invitation to deal outside Garap"),
    "phone": _("phone number"),
    "social_handle": _("messaging or social-media handle"),
}


def _kinds_text(kinds: Sequence[str]) -> Promise:
    """The kinds' labels joined by commas, still lazy: ``notices.send`` renders them in the
    author's language, not in the language of the request that wrote the text."""
    labels = [KIND_LABELS.get(kind, kind.replace("_", " ")) for kind in kinds]
    return format_lazy(", ".join(["{}"] * len(labels)), *labels)


@atomic_with_retry
def contact_check(
    *, author: User, source: str, source_id: int, texts: Sequence[str], link: str = ""
) -> list[str]:
    """The contact kinds found in ``texts`` (sorted, ``[]`` if none), for the caller to store on
    the object's ``contact_flags`` so readers can mask them without a query.

    On a hit: one ``ContactHit`` per (author, source, object) — an edit that keeps, changes or
    removes the details leaves that one row (with every kind ever found in it), because the
    attempt happened; one ``contact_details_hidden`` notice to the author per object; and, when
    this hit brings the author's hits within ``CONTACT_HITS_WINDOW_DAYS`` to
    ``CONTACT_HITS_BEFORE_REPORT``, an automatic report on the author (the reports service
    keeps at most one open). Call it inside the transaction that writes the object, after the
    object has its primary key; nothing here raises for the author.
    """
    kinds = content_filter.contact_kinds(*texts)
    if not kinds:
        return []
    hit, created = ContactHit.objects.get_or_create(
        user=author, source=source, source_id=source_id, defaults={"kinds": kinds}
    )
    if not created and not set(kinds) <= set(hit.kinds):
        hit.kinds = sorted(set(hit.kinds) | set(kinds))
        hit.save(update_fields=["kinds"])
    notices.send(
        recipient=author,
        kind="contact_details_hidden",
        key=f"contact_details_hidden:{source}:{source_id}",
        link=link,
        what=ContactHit.Source(source).label,
        kinds=_kinds_text(kinds),
    )
    if created:
        _report_if_repeated(author=author, hit=hit)
    return kinds


def _report_if_repeated(*, author: User, hit: ContactHit) -> None:
    # A calendar window, not timer days (marketplace.timing): it measures behaviour, not a
    # deadline, and must not shrink in the fast demo. Two hits committing at the same moment
    # may each count one short; the next hit raises the report then — not worth locking the
    # user's row behind every gig's and contract's lock for.
    since = timezone.now() - timedelta(days=settings.CONTACT_HITS_WINDOW_DAYS)
    count = ContactHit.objects.filter(user=author, created_at__gte=since).count()
    if count < settings.CONTACT_HITS_BEFORE_REPORT:
        return
    report_raise_automatically(
        user=author,
        note=(
            f"The contact filter found contact details in {count} things this user wrote "
            f"within {settings.CONTACT_HITS_WINDOW_DAYS} days; the latest: {hit.source} "
            f"{hit.source_id} ({', '.join(hit.kinds)})."
        ),
    )
