"""Writes of contracts: splitting the work into milestones, and the message thread."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from marketplace.formatting import rupiah
from marketplace.uploads import check_document
from projects import notices
from projects.access import is_moderator
from projects.models import Contract, ContractMessage, MessageAttachment, Milestone
from projects.services.gigs import ensure_not_suspended


class MilestonePart(TypedDict):
    title: str
    amount: int
    due_at: datetime


def _lock_contract(contract_id: int, actor: User) -> Contract:
    contract = (
        Contract.objects.select_for_update().select_related("gig").filter(pk=contract_id).first()
    )
    if contract is None or actor.pk not in (contract.client_id, contract.freelancer_id):
        if contract is not None and is_moderator(actor):
            return contract
        raise NotFound(_("Contract not found."))
    return contract


@transaction.atomic
def milestones_split(
    *, contract_id: int, actor: User, parts: list[MilestonePart]
) -> list[Milestone]:
    """The client replaces the contract's milestones with ``parts`` before any is funded.

    The amounts must add up to the contract's amount and each be at least
    ``MILESTONE_MIN_AMOUNT``; due dates must be in the future, in order.
    """
    contract = _lock_contract(contract_id, actor)
    if contract.client_id != actor.pk:
        raise PermissionDenied(_("Only the client can change the milestones."))
    if contract.status != Contract.Status.ACTIVE:
        raise Conflict(_("This contract is closed."), code="invalid_state")
    current = list(Milestone.objects.select_for_update().filter(contract=contract))
    if any(m.status != Milestone.Status.PENDING for m in current):
        raise Conflict(
            _("Milestones can be changed only before any is funded."), code="already_funded"
        )

    fields: dict[str, list[str]] = {}
    if not 1 <= len(parts) <= settings.MILESTONES_MAX:
        fields["milestones"] = [_("Give 1 to %(n)d milestones.") % {"n": settings.MILESTONES_MAX}]
    total = sum(p["amount"] for p in parts)
    if parts and total != contract.amount:
        fields["milestones"] = [
            _("The amounts add up to %(total)s; they must add up to the contract's %(amount)s.")
            % {"total": rupiah(total), "amount": rupiah(contract.amount)}
        ]
    now = timezone.now()
    for index, part in enumerate(parts):
        if part["amount"] < settings.MILESTONE_MIN_AMOUNT:
            fields[f"milestones.{index}.amount"] = [
                _("At least %(min)s.") % {"min": rupiah(settings.MILESTONE_MIN_AMOUNT)}
            ]
        if part["due_at"] <= now:
            fields[f"milestones.{index}.due_at"] = [_("Must be in the future.")]
        elif index and part["due_at"] < parts[index - 1]["due_at"]:
            fields[f"milestones.{index}.due_at"] = [_("Must not be before the previous one.")]
    if fields:
        raise DomainError(_("The milestones do not add up; see the fields."), fields=fields)

    Milestone.objects.filter(contract=contract).delete()
    return Milestone.objects.bulk_create(
        Milestone(
            contract=contract,
            position=index + 1,
            title=part["title"],
            amount=part["amount"],
            due_at=part["due_at"],
        )
        for index, part in enumerate(parts)
    )


@transaction.atomic
def message_post(
    *, contract_id: int, actor: User, body: str, files: list[UploadedFile] | None = None
) -> ContractMessage:
    """Post to the contract's thread (a party or a moderator); the other party is notified."""
    contract = _lock_contract(contract_id, actor)
    ensure_not_suspended(actor)
    files = files or []
    if not body.strip() and not files:
        raise DomainError(
            _("Write a message or attach a file."), fields={"body": [_("Empty message.")]}
        )
    if len(files) > settings.ATTACHMENTS_PER_MESSAGE:
        raise DomainError(
            _("At most %(n)d files per message.") % {"n": settings.ATTACHMENTS_PER_MESSAGE},
            fields={"files": [_("Too many files.")]},
        )
    checked = [(upload, check_document(upload)) for upload in files]
    message = ContractMessage.objects.create(contract=contract, sender=actor, body=body.strip())
    for upload, info in checked:
        attachment = MessageAttachment(
            message=message, original_name=info.name, content_type=info.content_type, size=info.size
        )
        attachment.file.save(info.storage_name, upload, save=False)
        attachment.save()

    recipients = {contract.client_id, contract.freelancer_id} - {actor.pk}
    for recipient in User.objects.filter(pk__in=recipients):
        notices.send(
            recipient=recipient,
            kind="message_received",
            key=f"message_received:message:{message.pk}:{recipient.pk}",
            link=f"/api/v1/contracts/{contract.pk}/messages/",
            gig=contract.gig.title,
            sender=actor.public_name,
            # Lazy: rendered in the recipient's language by notices.send, not the sender's.
            excerpt=(message.body[:80] or gettext_lazy("(files)")),
        )
    return message
