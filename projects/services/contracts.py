"""Writes of contracts: splitting the work into milestones, and the message thread."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.masking import mask_texts, shown, text_of
from accounts.models import PortfolioItem, User
from accounts.services import portfolio_item_create, portfolio_item_unlink_contract
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from marketplace.formatting import local_datetime, rupiah
from marketplace.ratelimit import rate_limit
from marketplace.storage import removes_files_on_failure, save_file
from marketplace.transactions import atomic_with_retry
from marketplace.uploads import check_document
from projects import notices
from projects.access import is_moderator
from projects.models import ContactHit, Contract, ContractMessage, MessageAttachment, Milestone
from projects.services.contact import contact_hit_record
from projects.services.gigs import ensure_not_suspended


class MilestonePart(TypedDict):
    title: str
    amount: int
    due_at: datetime


def _lock_contract(contract_id: int, actor: User) -> Contract:
    contract = (
        Contract.objects.select_for_update(of=("self",), no_key=True)
        .select_related("gig")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None or actor.pk not in (contract.client_id, contract.freelancer_id):
        if contract is not None and is_moderator(actor):
            return contract
        raise NotFound(_("Contract not found."))
    return contract


def earliest_due_at(contract: Contract) -> datetime:
    """The earliest due date a milestone of ``contract`` may have: the delivery date of the
    accepted bid, to the minute (the minute people read and type; a due date seconds before
    the promise shortens nothing)."""
    return contract.agreed_delivery_at.replace(second=0, microsecond=0)


@atomic_with_retry
def milestones_split(
    *, contract_id: int, actor: User, parts: list[MilestonePart]
) -> list[Milestone]:
    """The client replaces the contract's milestones with ``parts`` before any is funded.

    The amounts must add up to the contract's amount and each be at least
    ``MILESTONE_MIN_AMOUNT``; due dates must be in the future, in order, and none before the
    delivery date the accepted bid promised (``earliest_due_at``): splitting the work never
    shortens the deadline the freelancer agreed to. Refused with a 400 naming that date.
    """
    contract = _lock_contract(contract_id, actor)
    if contract.client_id != actor.pk:
        raise PermissionDenied(_("Only the client can change the milestones."))
    ensure_not_suspended(actor)
    if contract.status != Contract.Status.ACTIVE:
        raise Conflict(_("This contract is closed."), code="invalid_state")
    current = list(
        Milestone.objects.select_for_update(of=("self",), no_key=True).filter(contract=contract)
    )
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
    earliest = earliest_due_at(contract)
    too_early = False
    for index, part in enumerate(parts):
        if part["amount"] < settings.MILESTONE_MIN_AMOUNT:
            fields[f"milestones.{index}.amount"] = [
                _("At least %(min)s.") % {"min": rupiah(settings.MILESTONE_MIN_AMOUNT)}
            ]
        if part["due_at"] <= now:
            fields[f"milestones.{index}.due_at"] = [_("Must be in the future.")]
        elif part["due_at"] < earliest:
            too_early = True
            fields[f"milestones.{index}.due_at"] = [
                _("Not before %(date)s.") % {"date": local_datetime(earliest)}
            ]
        elif index and part["due_at"] < parts[index - 1]["due_at"]:
            fields[f"milestones.{index}.due_at"] = [_("Must not be before the previous one.")]
    if too_early:
        raise DomainError(
            _(
                "No milestone may be due before %(date)s: that is the delivery "
                "date the freelancer's accepted bid promised."
            )
            % {"date": local_datetime(earliest)},
            code="before_agreed_delivery",
            fields=fields,
        )
    if fields:
        raise DomainError(_("The milestones do not add up; see the fields."), fields=fields)

    Milestone.objects.filter(contract=contract).delete()
    milestones = [
        Milestone(
            contract=contract,
            position=index + 1,
            title=part["title"],
            amount=part["amount"],
            due_at=part["due_at"],
        )
        for index, part in enumerate(parts)
    ]
    # Titles the client writes before funding: masked for the freelancer.
    kinds = [mask_texts(milestone) for milestone in milestones]
    milestones = Milestone.objects.bulk_create(milestones)
    for milestone, found in zip(milestones, kinds, strict=True):
        contact_hit_record(
            author=actor,
            source=ContactHit.Source.MILESTONE,
            source_id=milestone.pk,
            kinds=found,
            link=reverse("api:contract-detail", kwargs={"contract_id": contract.pk}),
        )
    return milestones


@removes_files_on_failure
@atomic_with_retry
def message_post(
    *, contract_id: int, actor: User, body: str, files: list[UploadedFile] | None = None
) -> ContractMessage:
    """Post to the contract's thread (a party or a moderator); the other party is notified.

    Until the first milestone is funded, a party's message and its files' names are masked for
    the other party (stored with the message: here, in the thread and in the notice's excerpt);
    the kinds found are ``message.contact_flags``, which the sender is shown. Once the escrow
    holds money both are protected, and messages are no longer checked.
    """
    rate_limit(
        "messages",
        actor.pk,
        settings.MESSAGE_RATE,
        ngettext_lazy(
            "You are sending messages too fast. Wait %(seconds)d second and send it again.",
            "You are sending messages too fast. Wait %(seconds)d seconds and send it again.",
            "seconds",
        ),
    )
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
    # A moderator writing in a thread is not a party trying to take the deal elsewhere.
    is_party = actor.pk in (contract.client_id, contract.freelancer_id)
    hide = contract.first_funded_at is None and is_party
    message = ContractMessage(contract=contract, sender=actor, body=body.strip())
    found = set(mask_texts(message, hide=hide))
    attachments = []
    for _upload, info in checked:
        attachment = MessageAttachment(
            message=message, original_name=info.name, content_type=info.content_type, size=info.size
        )
        found.update(mask_texts(attachment, hide=hide))
        attachments.append(attachment)
    message.contact_flags = sorted(found)
    message.save()
    for (upload, info), attachment in zip(checked, attachments, strict=True):
        attachment.message = message  # now with its primary key
        save_file(attachment.file, info.storage_name, upload)
        attachment.save()
    contact_hit_record(
        author=actor,
        source=ContactHit.Source.MESSAGE,
        source_id=message.pk,
        kinds=message.contact_flags,
        link=reverse("api:contract-messages", kwargs={"contract_id": contract.pk}),
    )

    if actor.pk == contract.freelancer_id:
        contract_note_first_response(contract)
    recipients = {contract.client_id, contract.freelancer_id} - {actor.pk}
    for recipient in User.objects.filter(pk__in=recipients):
        notices.notify(
            recipient,
            notices.MESSAGE_RECEIVED,
            subject=message,
            link_args={"contract_id": contract.pk},
            gig=text_of(contract.gig, "title"),
            sender=actor.public_name,
            # As the recipient may read it, cut after masking; "(files)" is lazy: rendered in
            # the recipient's language by notices.notify, not the sender's.
            excerpt=text_of(message, "body", limit=80) if message.body else gettext_lazy("(files)"),
        )
    return message


def contract_note_first_response(contract: Contract) -> None:
    """Record, once, how long the freelancer took from the hire to their first message or
    delivery: the median of these is their published response time. Call under the
    contract's lock."""
    if contract.first_response_seconds is not None:
        return
    waited = timezone.now() - contract.created_at
    contract.first_response_seconds = max(0, int(waited.total_seconds()))
    contract.save(update_fields=["first_response_seconds", "updated_at"])


def _paid_work(contract: Contract) -> bool:
    return Milestone.objects.filter(contract=contract, status=Milestone.Status.RELEASED).exists()


@atomic_with_retry
def contract_portfolio_permission(*, contract_id: int, actor: User, allowed: bool) -> Contract:
    """The client lets the freelancer show this contract's released work in their portfolio,
    or takes that back (the item stays, no longer marked as verified Garap work)."""
    contract = _lock_contract(contract_id, actor)
    if actor.pk != contract.client_id:
        raise PermissionDenied(_("Only the client decides whether the work may be shown."))
    if contract.portfolio_allowed != allowed:
        contract.portfolio_allowed = allowed
        contract.save(update_fields=["portfolio_allowed", "updated_at"])
        if not allowed:
            portfolio_item_unlink_contract(contract_id=contract.pk)
    return contract


@atomic_with_retry
def contract_add_to_portfolio(
    *, contract_id: int, actor: User, title: str, description: str = ""
) -> PortfolioItem:
    """The freelancer adds delivered, released work to their portfolio, with the client's leave.

    The item is marked as verified work and takes the gig's category and skills.
    """
    contract = _lock_contract(contract_id, actor)
    if actor.pk != contract.freelancer_id:
        raise PermissionDenied(_("Only the freelancer adds their work to a portfolio."))
    if not _paid_work(contract):
        raise Conflict(
            _("Only work that was delivered and released can go in the portfolio."),
            code="no_released_work",
        )
    if not contract.portfolio_allowed:
        raise Conflict(
            _("The client has not allowed this work to be shown. Ask them in the messages."),
            code="portfolio_not_allowed",
        )
    if PortfolioItem.objects.filter(contract_id=contract.pk).exists():
        raise Conflict(_("This work is already in your portfolio."), code="already_added")
    return portfolio_item_create(
        owner=actor,
        # The gig's title as the freelancer reads it: the client's contact details stay hidden.
        title=title or shown(contract.gig, "title", actor),
        description=description,
        category_id=contract.gig.category_id,
        skill_ids=list(contract.gig.skills.values_list("pk", flat=True)),
        contract_id=contract.pk,
    )
