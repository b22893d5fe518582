"""A user's profile photo: set (cleaned in the request, see ``marketplace.images.clean_photo``)
and removed. The photo is public while the account is active (``accounts.selectors.photo_get``)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from marketplace.images import clean_photo
from marketplace.storage import remove_quietly, removes_files_on_failure, save_file
from marketplace.transactions import atomic_with_retry


def _lock(user: User) -> User:
    return (
        User.objects.select_for_update(of=("self",), no_key=True)
        .only("pk", "photo")
        .get(pk=user.pk)
    )


def _delete_on_commit(name: str | None) -> None:
    """Remove the old file only once the row no longer names it: a rollback keeps both."""
    if name:
        storage = User._meta.get_field("photo").storage
        transaction.on_commit(lambda: remove_quietly(storage, name))


@removes_files_on_failure
@atomic_with_retry
def user_photo_set(*, user: User, upload: UploadedFile) -> User:
    """Clean ``upload`` (a JPEG, PNG or WebP; no metadata kept, a centred square) and make it
    the user's photo, replacing any earlier one.

    Raises ``DomainError`` (400) naming what to do for anything that is not such an image, and
    ``InsufficientStorage`` (507) when it cannot be stored — with nothing kept and the earlier
    photo still in place.
    """
    clean = clean_photo(upload)  # before the lock: the CPU is spent holding no row
    row = _lock(user)
    old = row.photo.name
    save_file(row.photo, clean.storage_name, ContentFile(clean.content))
    row.save(update_fields=["photo"])
    _delete_on_commit(old)
    user.photo = row.photo
    return user


@atomic_with_retry
def user_photo_remove(*, user: User) -> User:
    """Take the photo down (the initials are shown instead); nothing to do without one."""
    row = _lock(user)
    old = row.photo.name
    if old:
        row.photo = ""
        row.save(update_fields=["photo"])
        _delete_on_commit(old)
    user.photo = row.photo
    return user
