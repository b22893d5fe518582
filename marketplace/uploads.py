"""Checks for uploaded documents (gig attachments, message files).

The type is decided by the file's content, not its name: a file is accepted only when its
first bytes (or, for Office files, its zip directory) match a type we allow and its extension
names that same type. Files are stored under a random name and always served as downloads.
"""

from __future__ import annotations

import os
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from marketplace.errors import DomainError


@dataclass(frozen=True)
class Checked:
    name: str  # the name to show (cleaned)
    storage_name: str  # random, so names never collide and never leak a path
    content_type: str
    size: int


ALLOWED = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "txt": "text/plain",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OFFICE_FOLDER = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
SNIFF_BYTES = 64 * 1024


def _content_matches(extension: str, head: bytes, upload: UploadedFile) -> bool:
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if extension == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if extension in ("txt", "csv"):
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the sniff boundary is fine; anything else is not.
            return exc.start >= len(head) - 3 and len(head) == SNIFF_BYTES
        return True
    if extension in OFFICE_FOLDER:
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        folder = OFFICE_FOLDER[extension]
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
    return False


def check_document(upload: UploadedFile) -> Checked:
    """Validate an uploaded document; raises ``DomainError`` naming the problem."""
    original = os.path.basename(upload.name or "")[-150:]
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    allowed = ", ".join(sorted(ALLOWED))
    if extension not in ALLOWED:
        raise DomainError(
            _("Files of this type are not accepted. Allowed: %(types)s.") % {"types": allowed},
            fields={"files": [_("Unsupported file type.")]},
        )
    if upload.size is None or upload.size == 0:
        raise DomainError(_("The file is empty."), fields={"files": [_("Empty file.")]})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit_mb = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise DomainError(
            _("The file is larger than %(mb)d MB.") % {"mb": limit_mb},
            fields={"files": [_("File too large.")]},
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    if not _content_matches(extension, head, upload):
        raise DomainError(
            _("The file's content is not a valid .%(ext)s file.") % {"ext": extension},
            fields={"files": [_("Content does not match the file type.")]},
        )
    upload.seek(0)
    clean = get_valid_filename(original) or f"file.{extension}"
    return Checked(
        name=clean,
        storage_name=f"{uuid.uuid4().hex}.{extension}",
        content_type=ALLOWED[extension],
        size=upload.size,
    )
