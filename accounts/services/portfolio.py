"""Portfolio items and their images, in the order the owner chose."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.masking import contact_hit, ensure_no_contact_details, mask_texts
from accounts.models import PortfolioImage, PortfolioItem, User
from accounts.services.profiles import skill_model
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.images import clean_image


def _skills(skill_ids: list[int]) -> list:
    skill_ids = list(dict.fromkeys(skill_ids))
    if len(skill_ids) > PortfolioItem.MAX_SKILLS:
        raise DomainError(
            _("Choose at most %(n)d skills.") % {"n": PortfolioItem.MAX_SKILLS},
            fields={"skills": [_("Too many skills.")]},
        )
    skills = list(skill_model().objects.filter(pk__in=skill_ids))
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
    category = PortfolioItem._meta.get_field("category").related_model
    found = category.objects.filter(pk=category_id).first()
    if found is None or not (found.is_active or found.pk == keep):
        raise DomainError(
            _("Unknown category."), fields={"category": [_("Pick one from /api/v1/categories/.")]}
        )
    return found


def _own_item(item_id: int, owner: User, lock: bool = False) -> PortfolioItem:
    items = PortfolioItem.objects.filter(pk=item_id, owner=owner)
    item = (items.select_for_update() if lock else items).first()
    if item is None:
        raise NotFound(_("Portfolio item not found."))
    return item


@transaction.atomic
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


@transaction.atomic
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


def _record_hit(item: PortfolioItem, kinds: list[str]) -> None:
    contact_hit(
        author=item.owner,
        source="portfolio_item",
        source_id=item.pk,
        kinds=kinds,
        link=f"/api/v1/portfolio-items/{item.pk}/",
    )


def _move(item: PortfolioItem, position: int) -> None:
    """Renumber the owner's items 0…n-1 with ``item`` at ``position`` (clamped)."""
    others = list(
        PortfolioItem.objects.select_for_update()
        .filter(owner_id=item.owner_id)
        .exclude(pk=item.pk)
        .order_by("position", "id")
    )
    position = max(0, min(position, len(others)))
    ordered = [*others[:position], item, *others[position:]]
    for index, each in enumerate(ordered):
        each.position = index
    PortfolioItem.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def portfolio_item_delete(*, item_id: int, owner: User) -> None:
    item = _own_item(item_id, owner, lock=True)
    _delete_files_on_commit([image.image for image in item.images.all()])
    item.delete()


def _delete_files_on_commit(files: list) -> None:
    """Remove stored files only once their rows are gone for good: a rollback keeps both."""
    names = [(file.storage, file.name) for file in files if file.name]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


def portfolio_item_unlink_contract(*, contract_id: int) -> None:
    """The client took back permission: the item stays, no longer shown as Garap work."""
    PortfolioItem.objects.filter(contract_id=contract_id).update(contract=None)


@transaction.atomic
def portfolio_image_add(*, item_id: int, owner: User, upload: UploadedFile) -> PortfolioImage:
    """Validate, re-encode (dropping EXIF and GPS) and store an image at the end of the item.

    Raises ``DomainError`` (400) for anything that is not a safe JPEG, PNG or WebP, and
    ``Conflict`` (409) when the item already has ``PortfolioItem.MAX_IMAGES``.
    """
    item = _own_item(item_id, owner, lock=True)
    count = item.images.count()
    if count >= PortfolioItem.MAX_IMAGES:
        raise Conflict(
            _("An item shows at most %(n)d images. Delete one first.")
            % {"n": PortfolioItem.MAX_IMAGES},
            code="too_many_images",
        )
    clean = clean_image(upload)
    image = PortfolioImage(
        item=item,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        size=len(clean.content),
        position=count,
    )
    image.image.save(clean.storage_name, ContentFile(clean.content), save=False)
    image.save()
    return image


@transaction.atomic
def portfolio_image_delete(*, item_id: int, image_id: int, owner: User) -> None:
    item = _own_item(item_id, owner, lock=True)
    image = item.images.filter(pk=image_id).first()
    if image is None:
        raise NotFound(_("Image not found."))
    _delete_files_on_commit([image.image])
    image.delete()
