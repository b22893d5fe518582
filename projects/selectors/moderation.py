"""Reads for the moderators' queues in the admin: gigs to review, reports, disputes.

Each queue is one queryset whose per-row figures (a client's history, the open reports on the
same object, whether a dispute went unanswered) are correlated subqueries, so a changelist page
costs the same number of queries at 10 rows as at 200. Who may read them is the admin's
permission check; these selectors do not scope by user (moderators see everything).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification, PortfolioItem, Suspension, User
from marketplace.errors import NotFound
from marketplace.formatting import rupiah
from marketplace.timing import days
from projects.models import (
    Bid,
    ContactHit,
    Contract,
    ContractMessage,
    Delivery,
    DeliveryFile,
    Dispute,
    Gig,
    MessageAttachment,
    Report,
    Review,
    Service,
)

# How much of a reported object's text the report queue shows in its list.
SUMMARY_CHARS = 80


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """COUNT(*) of a correlated queryset as an integer annotation (0 when nothing matches).

    ``Func`` rather than ``Count``: an aggregate would add a GROUP BY to the subquery."""
    counted = queryset.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- gigs -------------------------------------------------------------------------------------


def gig_moderation_queue() -> QuerySet[Gig]:
    """Every gig, those waiting for review first, oldest first, with the client's history:
    gigs posted (not drafts), completed, rejected before (other than this one), open reports
    against the client, and the contact filter's hits on anything the client wrote."""
    own = Gig.objects.filter(client=OuterRef("client"))
    return (
        Gig.objects.select_related("client", "category")
        .annotate(
            queue_rank=Case(
                When(status=Gig.Status.PENDING_REVIEW, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            client_gigs_posted=_count(own.exclude(status=Gig.Status.DRAFT)),
            client_gigs_completed=_count(own.filter(status=Gig.Status.COMPLETED)),
            client_gigs_rejected=_count(
                own.filter(status=Gig.Status.REJECTED).exclude(pk=OuterRef("pk"))
            ),
            client_open_reports=_count(
                Report.objects.filter(target_user=OuterRef("client"), status=Report.Status.OPEN)
            ),
            client_contact_hits=_count(ContactHit.objects.filter(user=OuterRef("client"))),
        )
        .order_by("queue_rank", "created_at", "id")
    )


def service_moderation_queue() -> QuerySet[Service]:
    """Every service, those waiting for review first, oldest first, with the freelancer's
    history: services published before, rejected before (other than this one), open reports
    against the freelancer, and the contact filter's hits on anything they wrote."""
    own = Service.objects.filter(freelancer=OuterRef("freelancer"))
    return (
        Service.objects.select_related("freelancer", "category")
        .defer("search_vector")
        .annotate(
            queue_rank=Case(
                When(status=Service.Status.PENDING_REVIEW, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            freelancer_services_published=_count(own.filter(published_at__isnull=False)),
            freelancer_services_rejected=_count(
                own.filter(status=Service.Status.REJECTED).exclude(pk=OuterRef("pk"))
            ),
            freelancer_open_reports=_count(
                Report.objects.filter(target_user=OuterRef("freelancer"), status=Report.Status.OPEN)
            ),
            freelancer_contact_hits=_count(ContactHit.objects.filter(user=OuterRef("freelancer"))),
        )
        .order_by("queue_rank", "created_at", "id")
    )


# --- reports ----------------------------------------------------------------------------------


def _first(queryset: QuerySet[Any], field: str) -> Subquery:
    return Subquery(queryset.filter(pk=OuterRef("target_id")).values(field)[:1])


def _excerpt(queryset: QuerySet[Any], field: str) -> Subquery:
    return _first(queryset.annotate(excerpt=Substr(field, 1, SUMMARY_CHARS)), "excerpt")


def _target_summary() -> Case:
    """A short text of the reported object, whatever its type, in the same query."""
    T = Report.TargetType
    texts = {
        T.GIG: _first(Gig.objects.all(), "title"),
        T.BID: _excerpt(Bid.objects.all(), "cover_letter"),
        T.PROFILE: _first(User.objects.all(), "username"),
        T.PORTFOLIO_ITEM: _first(PortfolioItem.objects.all(), "title"),
        T.REVIEW: _excerpt(Review.objects.all(), "comment"),
        T.MESSAGE: _excerpt(ContractMessage.objects.all(), "body"),
        T.SERVICE: _first(Service.objects.all(), "title"),
    }
    return Case(
        *[When(target_type=kind, then=text) for kind, text in texts.items()],
        default=Value(""),
        output_field=CharField(),
    )


def report_queue() -> QuerySet[Report]:
    """Every report, open ones first, oldest first, with the number of open reports on the
    same object (one resolution settles them all) and a short text of the object."""
    return (
        Report.objects.select_related("reporter", "target_user", "resolved_by")
        .annotate(
            queue_rank=Case(
                When(status=Report.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            open_on_object=_count(
                Report.objects.filter(
                    target_type=OuterRef("target_type"),
                    target_id=OuterRef("target_id"),
                    status=Report.Status.OPEN,
                )
            ),
            target_summary=_target_summary(),
        )
        .order_by("queue_rank", "created_at", "id")
    )


def reported_object(report: Report) -> Any | None:
    """The object a report is about (a hidden or removed one too); None if it is gone."""
    T = Report.TargetType
    if report.target_type == T.GIG:
        return Gig.objects.select_related("client").filter(pk=report.target_id).first()
    if report.target_type == T.BID:
        return Bid.objects.select_related("gig", "freelancer").filter(pk=report.target_id).first()
    if report.target_type == T.PROFILE:
        return User.objects.filter(pk=report.target_id).first()
    if report.target_type == T.PORTFOLIO_ITEM:
        return PortfolioItem.objects.select_related("owner").filter(pk=report.target_id).first()
    if report.target_type == T.REVIEW:
        return (
            Review.objects.select_related("author", "subject").filter(pk=report.target_id).first()
        )
    if report.target_type == T.MESSAGE:
        return (
            ContractMessage.objects.select_related("sender", "contract")
            .filter(pk=report.target_id)
            .first()
        )
    return None


# --- disputes ---------------------------------------------------------------------------------


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


# --- contracts --------------------------------------------------------------------------------


def contracts_with_suspended_party() -> QuerySet[Contract]:
    """Active contracts where the client or the freelancer is suspended now: the moderators'
    list to settle (talk to the other party, cancel or resolve)."""
    active = Suspension.objects.in_force(timezone.now()).values("user_id")
    return Contract.objects.filter(status=Contract.Status.ACTIVE).filter(
        Q(client_id__in=active) | Q(freelancer_id__in=active)
    )


def contract_list_for_moderators() -> QuerySet[Contract]:
    """Every contract with its parties and gig, and ``party_suspended``: whether it is on the
    moderators' list to settle (active, with a party suspended now)."""
    return (
        Contract.objects.select_related("gig", "client", "freelancer")
        .annotate(
            party_suspended=Exists(contracts_with_suspended_party().filter(pk=OuterRef("pk")))
        )
        .order_by("-created_at", "-id")
    )
