"""What follows when the contact filter finds contact details in a text the other party or the
public reads (a gig, a bid, a message before funding, a milestone, a review, a profile, a
portfolio item): a record of the hit, a notice telling the author why the details are hidden,
and an automatic report when one user keeps trying.

Paying or talking outside Garap before the escrow holds the money leaves both sides
unprotected, so the details are masked for everyone but the author and moderators
(``accounts.masking``, when the text is written); the author still sees what they wrote, and
why the others do not. Accounts' own texts reach ``contact_hit_record`` through the hook this
app registers at start-up (``projects.apps``), as accounts may not import projects.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.masking import kinds_text
from accounts.models import User
from marketplace.transactions import atomic_with_retry
from projects import notices
from projects.models import ContactHit
from projects.services.reports import report_raise_automatically


@atomic_with_retry
def contact_hit_record(
    *, author: User, source: str, source_id: int, kinds: list[str], link: str = ""
) -> None:
    """Record that ``author`` wrote contact details of ``kinds`` (what ``accounts.masking.
    mask_texts`` returned; nothing happens for ``[]``) in the object ``source``/``source_id``.

    On a hit: one ``ContactHit`` per (author, source, object) — an edit that keeps, changes or
    removes the details leaves that one row (with every kind ever found in it), because the
    attempt happened; one ``contact_details_hidden`` notice to the author per object; and, when
    this hit brings the author's hits within ``CONTACT_HITS_WINDOW_DAYS`` to
    ``CONTACT_HITS_BEFORE_REPORT``, an automatic report on the author (the reports service
    keeps at most one open). Call it inside the transaction that writes the object, after the
    object has its primary key; nothing here raises for the author.
    """
    if not kinds:
        return
    hit, created = ContactHit.objects.get_or_create(
        user=author, source=source, source_id=source_id, defaults={"kinds": kinds}
    )
    if not created and not set(kinds) <= set(hit.kinds):
        hit.kinds = sorted(set(hit.kinds) | set(kinds))
        hit.save(update_fields=["kinds"])
    notices.notify(
        author,
        notices.CONTACT_DETAILS_HIDDEN,
        subject=(source, source_id),
        link=link,
        what=ContactHit.Source(source).label,
        # Lazy: rendered in the author's language, not the request's.
        kinds=kinds_text(kinds),
    )
    if created:
        _report_if_repeated(author=author, hit=hit)


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
