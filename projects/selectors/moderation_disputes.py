"""Reads for the moderators' disputes console in the admin: every dispute, whether it went
unanswered, the thread, the deliveries and files, and the milestone's timeline.

The console is one queryset whose per-row figures are correlated subqueries (as every queue in
``projects.selectors.moderation``): a changelist page costs the same number of queries at 10 rows
as at 200. Moderators see everything; the admin checks who may.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification, User
from marketplace.errors import NotFound
from marketplace.formatting import rupiah
from marketplace.timing import days
from projects.models import (
    Contract,
    ContractMessage,
    Delivery,
    DeliveryFile,
    Dispute,
    MessageAttachment,
)


def dispute_console(now: datetime | None = None) -> QuerySet[Dispute]:
    """Every dispute: open ones first, and among them the unanswered ones first, then oldest.

    ``unanswered``: the dispute is open, older than ``DISPUTE_RESPONSE_DAYS`` (timer days), and
    the party who did not open it has written nothing in the contract's thread since it opened.
    That party is the one expected to answer; the opener already stated their case.
    """
    now = now or timezone.now()
    contract = "milestone__contract"
    # An answer is a message from the other party; a moderator's message in the thread is not.
    answered = (
        ContractMessage.objects.filter(
            contract=OuterRef(f"{contract}_id"), created_at__gte=OuterRef("created_at")
        )
        .filter(
            Q(sender=OuterRef(f"{contract}__client"))
            | Q(sender=OuterRef(f"{contract}__freelancer"))
        )
        .exclude(sender=OuterRef("opened_by"))
    )
    overdue = now - days(settings.DISPUTE_RESPONSE_DAYS)
    return (
        Dispute.objects.select_related(
            "opened_by",
            "resolved_by",
            "milestone",
            f"{contract}__gig",
            f"{contract}__client",
            f"{contract}__freelancer",
        )
        .annotate(
            unanswered=Case(
                When(
                    Q(status=Dispute.Status.OPEN, created_at__lte=overdue) & ~Exists(answered),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            queue_rank=Case(
                When(unanswered=True, then=Value(0)),
                When(status=Dispute.Status.OPEN, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("queue_rank", "created_at", "id")
    )


def dispute_silent_party(dispute: Dispute) -> User:
    """The party expected to answer a dispute: the one who did not open it."""
    contract = dispute.milestone.contract
    return contract.freelancer if dispute.opened_by_id == contract.client_id else contract.client


def dispute_age_days(dispute: Dispute, now: datetime | None = None) -> int:
    """Whole timer days since the dispute opened."""
    return int(((now or timezone.now()) - dispute.created_at) / days(1))


def dispute_messages(dispute: Dispute) -> QuerySet[ContractMessage]:
    """The whole thread of the disputed contract, oldest first, removed messages included
    (marked): a moderator settles on everything that was said."""
    return (
        ContractMessage.objects.filter(contract_id=dispute.milestone.contract_id)
        .select_related("sender")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def dispute_deliveries(dispute: Dispute) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(milestone_id=dispute.milestone_id)
        .select_related("revision_request")
        .prefetch_related(Prefetch("files", queryset=DeliveryFile.objects.order_by("id")))
        .order_by("created_at", "id")
    )


def dispute_file_get(
    *, dispute: Dispute, kind: str, file_id: int
) -> DeliveryFile | MessageAttachment:
    """A file the console shows for ``dispute``: one delivered for its milestone (``kind``
    "delivery") or attached in its contract's thread, removed messages included ("message")."""
    found: DeliveryFile | MessageAttachment | None = None
    if kind == "delivery":
        found = DeliveryFile.objects.filter(
            pk=file_id, delivery__milestone_id=dispute.milestone_id
        ).first()
    elif kind == "message":
        found = MessageAttachment.objects.filter(
            pk=file_id, message__contract_id=dispute.milestone.contract_id
        ).first()
    if found is None:
        raise NotFound(_("File not found."))
    return found


def _revision_requests(
    dispute: Dispute, deliveries: Iterable[Delivery]
) -> list[tuple[datetime, str]]:
    """The milestone's revision requests, each from its row (the client's whole note). A request
    made before requests had rows (projects 0012) is read from its notice to the freelancer
    instead: keyed ``revision_requested:milestone:<id>:<recipient>:<number>``, its body quotes
    the note's first 200 characters."""
    asked = [d.revision_request for d in deliveries if hasattr(d, "revision_request")]
    events = [(row.created_at, row.number, row.note) for row in asked]
    numbers = {row.number for row in asked}
    notices = Notification.objects.filter(
        kind="revision_requested",
        key__startswith=f"revision_requested:milestone:{dispute.milestone_id}:",
    ).order_by("created_at", "id")
    for notice in notices:
        number = notice.key.rsplit(":", 1)[-1]
        if not (number.isdigit() and int(number) in numbers):
            events.append((notice.created_at, int(number) if number.isdigit() else 0, notice.body))
    return [(when, _revision_line(number, note)) for when, number, note in sorted(events)]


def _revision_line(number: int, note: str) -> str:
    if not number:
        return _("The client asked for a revision. %(note)s") % {"note": note}
    return _("The client asked for revision %(number)d: %(note)s") % {
        "number": number,
        "note": note,
    }


def dispute_timeline(dispute: Dispute) -> list[tuple[datetime, str]]:
    """What happened on the disputed milestone, oldest first: the contract, the funding, each
    delivery and revision request, the dispute, the messages since, and the settlement."""
    milestone = dispute.milestone
    contract: Contract = milestone.contract
    events: list[tuple[datetime, str]] = [
        (
            contract.created_at,
            _("Contract started: %(client)s hired %(freelancer)s for %(amount)s.")
            % {
                "client": contract.client.username,
                "freelancer": contract.freelancer.username,
                "amount": rupiah(contract.amount),
            },
        )
    ]
    if milestone.funded_at:
        events.append(
            (
                milestone.funded_at,
                _("The client funded “%(milestone)s”: %(amount)s held in escrow.")
                % {"milestone": milestone.title, "amount": rupiah(milestone.amount)},
            )
        )
    deliveries = dispute_deliveries(dispute)
    for number, delivery in enumerate(deliveries, start=1):
        events.append(
            (
                delivery.created_at,
                _("Delivery %(number)d by the freelancer, %(files)d file(s).")
                % {"number": number, "files": len(delivery.files.all())},
            )
        )
    events.extend(_revision_requests(dispute, deliveries))
    events.append(
        (
            dispute.created_at,
            _("%(user)s opened the dispute: %(reason)s")
            % {"user": dispute.opened_by.username, "reason": dispute.reason},
        )
    )
    since = dispute_messages(dispute).filter(created_at__gte=dispute.created_at)
    for message in since:
        events.append(
            (
                message.created_at,
                _("Message from %(user)s: %(body)s")
                % {"user": message.sender.username, "body": message.body[:200]},
            )
        )
    if dispute.resolved_at:
        events.append(
            (
                dispute.resolved_at,
                _("Settled: %(amount)s to the freelancer, the rest back to the client.")
                % {"amount": rupiah(dispute.freelancer_amount or 0)},
            )
        )
    # A stable sort: events at the same moment stay in the order they happened above.
    return sorted(events, key=lambda event: event[0])
