"""Reads of contracts and their threads: the two parties (and moderators) only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from marketplace.errors import NotFound
from projects.access import is_moderator
from projects.models import (
    Contract,
    ContractMessage,
    Delivery,
    DeliveryFile,
    Dispute,
    MessageAttachment,
    Milestone,
    RevisionRequest,
)

if TYPE_CHECKING:
    from accounts.models import User


def _contracts(user: User) -> QuerySet[Contract]:
    contracts = Contract.objects.select_related("gig", "client", "freelancer").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("position"))
    )
    if is_moderator(user):
        return contracts
    return contracts.filter(Q(client=user) | Q(freelancer=user))


# The milestones' revision requests, in one query however many: each milestone gets
# ``revised_deliveries``, its deliveries that a revision was asked of, oldest first.
def _revised_deliveries() -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(revision_request__isnull=False)
        .select_related("revision_request")
        .order_by("id")
    )


def _revision_requests(path: str) -> Prefetch:
    return Prefetch(path, queryset=_revised_deliveries(), to_attr="revised_deliveries")


def with_revision_requests(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    return contracts.prefetch_related(_revision_requests("milestones__deliveries"))


def load_revision_requests(contract: Contract) -> Contract:
    """``with_revision_requests`` for a contract already fetched (``contract_get``)."""
    prefetch_related_objects([contract], _revision_requests("milestones__deliveries"))
    return contract


def load_milestone_revision_requests(milestones: list[Milestone]) -> list[Milestone]:
    prefetch_related_objects(milestones, _revision_requests("deliveries"))
    return milestones


def revision_requests_of(milestone: Milestone) -> list[RevisionRequest]:
    """The milestone's revision requests, oldest first: from one of the loaders above when
    they ran, else one query."""
    deliveries = getattr(milestone, "revised_deliveries", None)
    if deliveries is None:
        deliveries = list(_revised_deliveries().filter(milestone=milestone))
    return [delivery.revision_request for delivery in deliveries]


def contract_list(*, user: User, status: str | None = None) -> QuerySet[Contract]:
    """The user's contracts, as client or as freelancer (moderators: theirs too, not all)."""
    contracts = _contracts(user).filter(Q(client=user) | Q(freelancer=user))
    if status:
        contracts = contracts.filter(status=status)
    return contracts


def contract_get(*, contract_id: int, user: User) -> Contract:
    contract = _contracts(user).filter(pk=contract_id).first()
    if contract is None:
        raise NotFound(_("Contract not found."))
    return contract


def message_list(*, contract: Contract) -> QuerySet[ContractMessage]:
    return (
        ContractMessage.objects.filter(contract=contract)
        .select_related("sender")
        .prefetch_related(
            Prefetch("attachments", queryset=MessageAttachment.objects.order_by("id"))
        )
    )


def message_attachment_get(*, contract: Contract, attachment_id: int) -> MessageAttachment:
    # A message a moderator removed takes its files with it (the admin still shows them).
    attachment = MessageAttachment.objects.filter(
        message__contract=contract, pk=attachment_id, message__removed_at__isnull=True
    ).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    return attachment


def delivery_file_get(*, contract: Contract, file_id: int) -> DeliveryFile:
    delivered = DeliveryFile.objects.filter(
        delivery__milestone__contract=contract, pk=file_id
    ).first()
    if delivered is None:
        raise NotFound(_("File not found."))
    return delivered


def delivery_list(*, contract: Contract) -> QuerySet[Delivery]:
    """The contract's deliveries with their files and the revision asked of each, in two
    queries however many there are. Call only with a contract the viewer may see (from
    ``contract_get``)."""
    return (
        Delivery.objects.filter(milestone__contract=contract)
        .select_related("revision_request")
        .prefetch_related(Prefetch("files", queryset=DeliveryFile.objects.order_by("id")))
    )


def deliveries_by_milestone(*, contract: Contract) -> dict[int, list[Delivery]]:
    """The contract's deliveries (``delivery_list``), by milestone, oldest first."""
    deliveries = delivery_list(contract=contract).order_by("id")
    grouped: dict[int, list[Delivery]] = {}
    for delivery in deliveries:
        grouped.setdefault(delivery.milestone_id, []).append(delivery)
    return grouped


def disputes_by_milestone(*, contract: Contract) -> dict[int, Dispute]:
    """The contract's disputes by milestone (one each at most). Same caveat as above."""
    disputes = Dispute.objects.filter(milestone__contract=contract).select_related("opened_by")
    return {dispute.milestone_id: dispute for dispute in disputes}
