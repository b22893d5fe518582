"""Where uploaded files are kept, and how a failed request leaves none of them behind.

Two storages:

* ``default`` holds what anyone may see by URL: portfolio images once re-encoded.
* ``private`` holds everything else people upload — deliveries, message attachments, gig
  attachments, images still waiting to be cleaned. It lives outside ``MEDIA_ROOT`` (so no
  web server or DEBUG ``/media/`` route can reach it) and has no URLs at all: a private file
  is served only by a view that checked who is asking (``marketplace.api.files.download``). A
  template that writes ``{{ file.url }}`` for one fails loudly instead of linking a raw path.

A request that stores files and then fails — a full disk in the middle of a file, a database
error after the files were written, a commit that fails — must leave neither half-written
files nor files without their rows. Services that store files are decorated with
``removes_files_on_failure`` and store through ``save_file``: a failed write is deleted at
once, and every file the call stored is deleted if the call raises. Rows are never left
without their file because the services write both in one transaction, which the exception
rolls back.
"""

from __future__ import annotations

import errno
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.core.files import File
from django.core.files.storage import FileSystemStorage, InMemoryStorage, Storage, storages
from django.core.signals import setting_changed
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from django.http import FileResponse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

from marketplace.errors import InsufficientStorage

logger = logging.getLogger(__name__)

PRIVATE = "private"  # the STORAGES alias
# What a filesystem says when it has no room left: no space, the user's quota, the file size
# limit of the filesystem.
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class NoPublicURL:
    """A storage whose files have no URL: link the permission-checked view instead."""

    def url(self, name: str | None) -> str:
        raise ValueError(
            f"{name!r} is a private file and has no public URL; link the view that serves it."
        )


class PrivateFileSystemStorage(NoPublicURL, FileSystemStorage):
    """Private files on the local disk (``PRIVATE_MEDIA_ROOT``), outside ``MEDIA_ROOT``."""


class PrivateInMemoryStorage(NoPublicURL, InMemoryStorage):
    """Private files in memory, for the test settings."""


class _PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = storages[PRIVATE]


_private = _PrivateStorage()


def private_storage() -> Storage:
    """The storage of private uploads (a ``FileField``'s ``storage=``; resolved lazily, so a
    test that changes ``STORAGES`` gets a fresh one as ``default_storage`` does)."""
    return _private  # type: ignore[return-value]


@receiver(setting_changed)
def _reset_private_storage(*, setting: str, **kwargs: Any) -> None:
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT", "MEDIA_ROOT"):
        _private._wrapped = empty  # type: ignore[assignment]  # LazyObject's "not set up" mark


# --- storing without leftovers ----------------------------------------------------------------

_stored: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("garap_stored", default=None)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def files_removed_on_failure() -> Iterator[None]:
    """A scope for ``save_file``: every file stored inside it is deleted if the block raises.

    Scopes nest. A block that succeeds hands its files to the enclosing scope, which deletes
    them if *it* fails later; an inner block that fails deletes its own at once — which is what
    a transaction retried after a lost deadlock needs (marketplace.transactions): the failed
    try's files go with its rows, and the try that commits keeps its own.
    """
    parent = _stored.get()
    stored: list[tuple[Storage, str]] = []
    token = _stored.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            remove_quietly(storage, name)
        raise
    finally:
        _stored.reset(token)
    if parent is not None:
        parent.extend(stored)


def removes_files_on_failure(service: Callable[P, R]) -> Callable[P, R]:
    """Delete every file that ``service`` stored (through ``save_file``) if it raises.

    Put it above the service's transaction decorator, so a failed commit counts as a failure
    too. An inner service that succeeded inside an outer one that failed loses its files with
    the outer one's rows.
    """

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with files_removed_on_failure():
            return service(*args, **kwargs)

    return wrapper


def save_file(field_file: FieldFile, name: str, content: File) -> None:
    """Store ``content`` under ``field_file`` (the model is saved by the caller).

    A write that fails is removed at once, whatever it left (a partial or an empty file); a
    full disk is ``InsufficientStorage`` (507) with a message, any other ``OSError`` is raised
    as it is. Call inside a ``removes_files_on_failure`` service.
    """
    stored = _stored.get()
    if stored is None:
        raise RuntimeError("save_file() needs a caller decorated with removes_files_on_failure")
    storage = field_file.storage
    # Names are random (uuid4), so the storage keeps this name; it is what a failed write left.
    target = field_file.field.generate_filename(field_file.instance, name)
    try:
        field_file.save(name, content, save=False)
    except OSError as exc:
        remove_quietly(storage, target)
        if exc.errno in FULL_ERRNOS:
            logger.error("Storage full while saving %s: %s", target, exc)
            raise storage_full() from exc
        raise
    stored.append((storage, field_file.name or target))  # saved: the name is set


def storage_full() -> InsufficientStorage:
    return InsufficientStorage(
        _(
            "We could not store your file: our file storage is full. Nothing was saved; "
            "try again later."
        )
    )


def remove_quietly(storage: Storage, name: str) -> None:
    """Delete ``name`` if it is there; a cleanup never hides the error that caused it."""
    try:
        if storage.exists(name):
            storage.delete(name)
    except Exception:  # logged; the error that caused the cleanup is what the caller sees
        logger.exception("Could not remove %s after a failed upload", name)


# --- serving ----------------------------------------------------------------------------------


# What a browser may show in the page instead of saving, recognised by the file's first bytes
# (never by its name or the type the uploader claimed): raster images and PDF. Nothing that can
# carry script in our origin is on the list — HTML and SVG (an SVG is a script host) always
# download. Each entry: the bytes at offset 0, the bytes at offset 8 (WebP's RIFF header), and
# the Content-Type the checked bytes earn.
PREVIEWABLE: tuple[tuple[bytes, bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", b"", "image/png"),
    (b"\xff\xd8\xff", b"", "image/jpeg"),
    (b"GIF87a", b"", "image/gif"),
    (b"GIF89a", b"", "image/gif"),
    (b"RIFF", b"WEBP", "image/webp"),
    (b"%PDF-", b"", "application/pdf"),
)
HEAD_BYTES = 16

# What a browser may do with a served file: nothing (a download, should it be rendered); an
# image, nothing but the inline styles of the browser's own image page (Chromium centres and
# zooms it with them); a PDF, whatever its viewer loads — the sandbox alone (no scripts, forms
# or same-origin access for the document), without ``default-src 'none'``.
SANDBOX_ALL = "sandbox; default-src 'none'"
SANDBOX_IMAGE = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
SANDBOX_PDF = "sandbox"


def previewable_type(head: bytes) -> str | None:
    """The Content-Type a file starting with ``head`` may be shown inline as, or None."""
    for start, at_eight, content_type in PREVIEWABLE:
        if head.startswith(start) and (not at_eight or head[8:12] == at_eight):
            return content_type
    return None


def download_response(field_file: FieldFile, name: str, *, preview: bool = False) -> FileResponse:
    """Stream a stored file. Call it after the permission check; it is the only way a private
    file leaves the storage.

    By default a download (``attachment``, ``application/octet-stream``): an uploaded page, SVG
    or script must not run in our origin, whatever its content or its name. With ``preview``, a
    file whose bytes are a PNG, JPEG, GIF, WebP or PDF is served ``inline`` with the type its
    bytes showed, so a phone opens it instead of saving it; anything else still downloads.
    """
    stream = field_file.open("rb")
    checked = None
    if preview:
        checked = previewable_type(stream.read(HEAD_BYTES))
        stream.seek(0)
    response = FileResponse(
        stream,
        as_attachment=checked is None,
        filename=name,
        content_type=checked or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render what it should not (an old one, a direct navigation), it runs
    # sandboxed: no scripts, no same-origin access.
    if checked is None:
        response["Content-Security-Policy"] = SANDBOX_ALL
    elif checked == "application/pdf":
        response["Content-Security-Policy"] = SANDBOX_PDF
    else:
        response["Content-Security-Policy"] = SANDBOX_IMAGE
    # Only the person who was allowed may keep a copy: no shared cache stores it.
    response["Cache-Control"] = "private, no-store"
    return response
