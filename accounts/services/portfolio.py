"""Portfolio items and their images, in the order the owner chose."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.masking import contact_hit, ensure_no_contact_details, mask_texts
from accounts.models import Category, PortfolioImage, PortfolioItem, Skill, User
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.images import clean_image, inspect_image
from marketplace.storage import removes_files_on_failure, save_file
from marketplace.tasks import enqueue_on_commit
from marketplace.transactions import atomic_with_retry


def _skills(skill_ids: list[int]) -> list:
    skill_ids = list(dict.fromkeys(skill_ids))
    if len(skill_ids) > PortfolioItem.MAX_SKILLS:
        raise DomainError(
            _("Choose at most %(n)d skills.") % {"n": PortfolioItem.MAX_SKILLS},
            fields={"skills": [_("Too many skills.")]},
        )
    skills = list(Skill.objects.filter(pk__in=skill_ids))
    if len(skills) != len(skill_ids):
        raise DomainError(
            _("Unknown skill ids."), fields={"skills": [_("Pick skills from /api/v1/skills/.")]}
        )
    return skills


def _category(category_id: int | None, *, keep: int | None = None):
    """The category the owner chose: a listed (active) one, as for gigs. ``keep`` is a category
    the item already has (or its contract's gig has), accepted even if retired since."""
    if category_id is None:
        return None
    found = Category.objects.filter(pk=category_id).first()
    if found is None or not (found.is_active or found.pk == keep):
        raise DomainError(
            _("Unknown category."), fields={"category": [_("Pick one from /api/v1/categories/.")]}
        )
    return found


def _own_item(item_id: int, owner: User, lock: bool = False) -> PortfolioItem:
    items = PortfolioItem.objects.filter(pk=item_id, owner=owner)
    item = (items.select_for_update(of=("self",), no_key=True) if lock else items).first()
    if item is None:
        raise NotFound(_("Portfolio item not found."))
    return item


@atomic_with_retry
def portfolio_item_create(
    *,
    owner: User,
    title: str,
    description: str = "",
    category_id: int | None = None,
    skill_ids: list[int] | None = None,
    link: str = "",
    contract_id: int | None = None,
    position: int | None = None,
) -> PortfolioItem:
    """Add an item at the end of the owner's portfolio.

    ``contract_id`` marks it as paid work delivered on Garap; only
    ``projects.services.contracts.contract_add_to_portfolio`` passes it, after checking the
    client allowed it.

    Contact details in the title and description are masked for everyone but the owner; a link
    to a messaging app or a profile with direct messages is refused (400).
    """
    if not title.strip():
        raise DomainError(_("Give the piece a title."), fields={"title": [_("Required.")]})
    ensure_no_contact_details(link=link)
    skills = _skills(skill_ids or [])
    last = PortfolioItem.objects.filter(owner=owner).aggregate(last=Max("position"))["last"]
    item = PortfolioItem(
        owner=owner,
        title=title.strip(),
        description=description.strip(),
        category=_category(category_id, keep=category_id if contract_id else None),
        link=link,
        contract_id=contract_id,
        position=0 if last is None else last + 1,
    )
    kinds = mask_texts(item)
    item.save()
    item.skills.set(skills)
    _record_hit(item, kinds)
    if position is not None:  # at the end unless the owner chose a place
        _move(item, position)
    return item


_UNSET = object()


@atomic_with_retry
def portfolio_item_update(
    *,
    item_id: int,
    owner: User,
    title: str | None = None,
    description: str | None = None,
    category_id: object = _UNSET,
    skill_ids: list[int] | None = None,
    link: str | None = None,
    position: int | None = None,
) -> PortfolioItem:
    """Change what is given. ``position`` moves the item there (0 = first), shifting the others."""
    if position is not None:
        # Every item of the owner is renumbered: lock them all at once, in primary-key order,
        # so two moves at the same time queue up instead of each holding what the other needs.
        list(
            PortfolioItem.objects.select_for_update(of=("self",), no_key=True)
            .filter(owner=owner)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    item = _own_item(item_id, owner, lock=True)
    ensure_no_contact_details(link=link)
    if title is not None:
        if not title.strip():
            raise DomainError(_("Give the piece a title."), fields={"title": [_("Required.")]})
        item.title = title.strip()
    if description is not None:
        item.description = description.strip()
    if category_id is not _UNSET:
        item.category = _category(category_id, keep=item.category_id)  # type: ignore[arg-type]
    if link is not None:
        item.link = link
    kinds = mask_texts(item)
    item.save()
    _record_hit(item, kinds)
    if skill_ids is not None:
        item.skills.set(_skills(skill_ids))
    if position is not None:
        _move(item, position)
    return item


@removes_files_on_failure
@atomic_with_retry
def portfolio_item_save(
    *,
    owner: User,
    item_id: int | None = None,
    title: str,
    description: str = "",
    category_id: int | None = None,
    skill_ids: list[int] | None = None,
    link: str = "",
    image: UploadedFile | None = None,
) -> PortfolioItem:
    """The web form's one save: a new item (``item_id`` None) or its changes, and one more
    image if given — all or nothing. The same services as the API's separate calls, so an
    image passes the very same checks (``portfolio_image_add``); when it is refused the item's
    text is not saved either, and nothing of the image is kept."""
    if item_id is None:
        item = portfolio_item_create(
            owner=owner,
            title=title,
            description=description,
            category_id=category_id,
            skill_ids=skill_ids,
            link=link,
        )
    else:
        item = portfolio_item_update(
            item_id=item_id,
            owner=owner,
            title=title,
            description=description,
            category_id=category_id,
            skill_ids=skill_ids or [],
            link=link,
        )
    if image is not None:
        portfolio_image_add(item_id=item.pk, owner=owner, upload=image)
    return item


@atomic_with_retry
def portfolio_item_step(*, item_id: int, owner: User, step: int) -> PortfolioItem:
    """Move an item ``step`` places (-1: one up, 1: one down) among the owner's items, for the
    page's buttons; the order is renumbered as a move through the API renumbers it."""
    # Locked in primary-key order, as ``portfolio_item_update`` locks them, before the order
    # is read: two taps at once move the item two places, not one twice from a stale order.
    rows = list(
        PortfolioItem.objects.select_for_update(of=("self",), no_key=True)
        .filter(owner=owner)
        .order_by("pk")
        .values_list("position", "pk")
    )
    order = [pk for _position, pk in sorted(rows)]
    if item_id not in order:
        raise NotFound(_("Portfolio item not found."))
    target = max(0, min(order.index(item_id) + step, len(order) - 1))
    return portfolio_item_update(item_id=item_id, owner=owner, position=target)


def _record_hit(item: PortfolioItem, kinds: list[str]) -> None:
    contact_hit(
        author=item.owner,
        source="portfolio_item",
        source_id=item.pk,
        kinds=kinds,
        link=reverse("api:portfolio-detail", kwargs={"item_id": item.pk}),
    )


def _move(item: PortfolioItem, position: int) -> None:
    """Renumber the owner's items 0…n-1 with ``item`` at ``position`` (clamped)."""
    others = list(
        PortfolioItem.objects.select_for_update(of=("self",), no_key=True)
        .filter(owner_id=item.owner_id)
        .exclude(pk=item.pk)
        .order_by("position", "id")
    )
    position = max(0, min(position, len(others)))
    ordered = [*others[:position], item, *others[position:]]
    for index, each in enumerate(ordered):
        each.position = index
    PortfolioItem.objects.bulk_update(ordered, ["position"])


@atomic_with_retry
def portfolio_item_delete(*, item_id: int, owner: User) -> None:
    item = _own_item(item_id, owner, lock=True)
    images = item.images.all()
    _delete_files_on_commit([file for image in images for file in (image.image, image.upload)])
    item.delete()


def _delete_files_on_commit(files: list) -> None:
    """Remove stored files only once their rows are gone for good: a rollback keeps both."""
    names = [(file.storage, file.name) for file in files if file.name]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


def portfolio_item_unlink_contract(*, contract_id: int) -> None:
    """The client took back permission: the item stays, no longer shown as Garap work."""
    PortfolioItem.objects.filter(contract_id=contract_id).update(contract_id=None)


@removes_files_on_failure
@atomic_with_retry
def portfolio_image_add(*, item_id: int, owner: User, upload: UploadedFile) -> PortfolioImage:
    """Check an image from its header, keep its bytes privately and have a worker clean it.

    The request does only what costs the same for any picture (``inspect_image``: size, type,
    name, dimensions); decoding and re-encoding (seconds of CPU for a large one) happen in
    ``portfolio_image_process``, enqueued on commit. Until then the image is ``processing``:
    its owner sees it so, nobody else sees it.

    Raises ``DomainError`` (400) for anything that is not a safe JPEG, PNG or WebP by its
    header, ``Conflict`` (409) when the item already has ``PortfolioItem.MAX_IMAGES``, and
    ``InsufficientStorage`` (507) when the upload cannot be stored — with nothing kept.
    """
    from accounts.tasks import process_portfolio_image  # tasks import this module

    item = _own_item(item_id, owner, lock=True)
    count = item.images.count()
    if count >= PortfolioItem.MAX_IMAGES:
        raise Conflict(
            _("An item shows at most %(n)d images. Delete one first.")
            % {"n": PortfolioItem.MAX_IMAGES},
            code="too_many_images",
        )
    header = inspect_image(upload)
    image = PortfolioImage(
        item=item,
        status=PortfolioImage.Status.PROCESSING,
        content_type=header.content_type,
        width=header.width,
        height=header.height,
        size=upload.size or 0,
        position=count,
    )
    save_file(image.upload, f"{uuid.uuid4().hex}.{header.extension}", upload)
    image.save()
    enqueue_on_commit(process_portfolio_image, image.pk)
    return image


@removes_files_on_failure
@atomic_with_retry
def portfolio_image_process(*, image_id: int) -> PortfolioImage | None:
    """Decode, clean (no EXIF, no GPS, upright, at most ``IMAGE_STORED_MAX_SIDE``) and store a
    processing image; the worker's half of ``portfolio_image_add``.

    Locks the image row; an image that is gone or no longer processing is left alone (a task
    run twice does the work once). A picture that turns out damaged past its header is
    ``failed`` with the refusal's code, for its owner to see. The uploaded bytes are deleted
    once the cleaned image is stored. ``InsufficientStorage`` leaves it processing (nothing
    half-written) for a later run.
    """
    image = (
        PortfolioImage.objects.select_for_update(of=("self",), no_key=True)
        .select_related("item")
        .filter(pk=image_id, status=PortfolioImage.Status.PROCESSING)
        .first()
    )
    if image is None:
        return None
    uploaded = image.upload
    try:
        with uploaded.open("rb") as source:
            clean = clean_image(File(source, name=uploaded.name))
    except FileNotFoundError:  # lost: nothing to clean, the owner uploads it again
        image.status, image.error_code = PortfolioImage.Status.FAILED, "invalid_image"
        image.save(update_fields=["status", "error_code"])
        return image
    except DomainError as refusal:
        image.status, image.error_code = PortfolioImage.Status.FAILED, refusal.code
        image.upload = ""
        image.save(update_fields=["status", "error_code", "upload"])
        _delete_files_on_commit([uploaded])
        return image
    save_file(image.image, clean.storage_name, ContentFile(clean.content))
    image.status = PortfolioImage.Status.READY
    image.content_type, image.width, image.height = clean.content_type, clean.width, clean.height
    image.size = len(clean.content)
    image.upload = ""
    image.save()
    _delete_files_on_commit([uploaded])
    return image


def portfolio_images_stuck(*, older_than: datetime, limit: int) -> list[int]:
    """Images still processing since before ``older_than``: their task was lost (a broker
    down at commit, a worker killed); the sweep hands them to a worker again."""
    return list(
        PortfolioImage.objects.filter(
            status=PortfolioImage.Status.PROCESSING, created_at__lt=older_than
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


@atomic_with_retry
def portfolio_image_delete(*, item_id: int, image_id: int, owner: User) -> None:
    item = _own_item(item_id, owner, lock=True)
    image = item.images.filter(pk=image_id).first()
    if image is None:
        raise NotFound(_("Image not found."))
    _delete_files_on_commit([image.image, image.upload])
    image.delete()
