"""Cleaning uploaded portfolio images before they are stored or shown.

An upload is untrusted bytes with an untrusted name, so:

* The type is decided by decoding the bytes with Pillow (and only with its JPEG, PNG and WebP
  decoders), never by the file name or the content type the browser sent. A GIF, an SVG (XML
  that a browser would run scripts from), a PDF or a text file renamed ``.png`` is refused; so is
  a real image whose name claims another type (a PNG called ``.jpg``), because the name is what
  people see when they download it.
* Decompression bombs are refused before any pixel is decoded: ``Image.open`` reads only the
  header, and the width, height and pixel count are checked against our limits before
  ``load()``. Pillow's own ``MAX_IMAGE_PIXELS`` guard stays on as a second line, with its warning
  turned into a refusal. A small file can declare a 20 000 × 20 000 canvas — 1.6 GB of RGBA
  memory — and the size cap alone would let it through.
* What is stored is a fresh encoding of the pixels, never the uploaded bytes: no EXIF, no XMP, no
  comments, no ICC profile (JPEG), only the first frame of an animation. A phone photo's EXIF
  carries the GPS position where it was taken — for a freelancer shooting their work at home,
  their home address — along with the camera and the time. The EXIF orientation is applied to
  the pixels first, so the picture still stands the right way up once the tag is gone.

* Decoding and re-encoding cost CPU in proportion to the pixels — about a second for a 24 MP
  picture that a crafted 43 KB file can declare. So the work is split: ``inspect_image`` reads
  only the header (type, name, dimensions; microseconds) and is all an upload request does;
  ``clean_image`` decodes, scales down to ``IMAGE_STORED_MAX_SIDE`` and re-encodes, and runs in
  a Celery worker (``accounts.services.portfolio.portfolio_image_process``).

Every refusal is a ``DomainError`` (a 400) with a code and a message that says what to do.
"""

from __future__ import annotations

import io
import math
import os
import struct
import uuid
import warnings
from dataclasses import dataclass
from typing import NoReturn

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.errors import DomainError


@dataclass(frozen=True)
class ImageHeader:
    """What the header of an acceptable upload says, read without decoding a pixel."""

    extension: str  # jpg | png | webp: the name to store the upload under
    content_type: str  # image/jpeg | image/png | image/webp
    width: int  # pixels, as shown once cleaned (EXIF orientation applied, scaled down)
    height: int


@dataclass(frozen=True)
class CleanImage:
    content: bytes  # the re-encoded image, no metadata
    storage_name: str  # random, so names never collide and never leak a path or a person
    content_type: str  # image/jpeg | image/png | image/webp
    width: int  # pixels, after the EXIF orientation was applied
    height: int


# Pillow format → what we store. MPO is how Pillow names a phone's multi-picture JPEG (the photo
# plus a depth map or preview); it is a JPEG file and we keep its first picture.
FORMATS = {
    "JPEG": ("jpg", "image/jpeg", "JPEG"),
    "MPO": ("jpg", "image/jpeg", "JPEG"),
    "PNG": ("png", "image/png", "PNG"),
    "WEBP": ("webp", "image/webp", "WebP"),
}
EXTENSIONS = {"jpg": "jpg", "jpeg": "jpg", "png": "png", "webp": "webp"}  # name → stored ext
DECODERS = ("JPEG", "PNG", "WEBP")  # the only Pillow plugins that ever see an upload's bytes
# The first bytes of the formats we accept, to tell "damaged image" from "not an image".
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
# What Pillow's decoders raise on bytes they cannot make sense of.
DECODE_ERRORS = (OSError, ValueError, EOFError, SyntaxError, IndexError, TypeError, struct.error)
JPEG_QUALITY = 85
WEBP_QUALITY = 85
ORIENTATION = 0x0112  # the EXIF tag
TURNED = {5, 6, 7, 8}  # orientations that swap width and height


def inspect_image(upload: UploadedFile, *, field: str = "image") -> ImageHeader:
    """Check an upload from its header only — size, type, name, dimensions — without decoding
    its pixels, so it costs the same whatever the picture. Raises ``DomainError`` naming the
    problem. A file damaged past its header passes here and fails in ``clean_image``.
    """
    data = _read_capped(upload, field)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=DECODERS) as image:
                extension, content_type, label = FORMATS[image.format or ""]
                _check_dimensions(image.width, image.height, field)
                _check_name(upload.name, extension, label, field)
                width, height = image.size
                if image.getexif().get(ORIENTATION) in TURNED:
                    width, height = height, width
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            _refuse(field, "image_too_big_dimensions", _dimensions_message())
        except UnidentifiedImageError:
            _refuse_unidentified(data, field)
        except DECODE_ERRORS:
            _refuse(field, "invalid_image", _unreadable_message())
    width, height = _stored_size(width, height)
    return ImageHeader(extension=extension, content_type=content_type, width=width, height=height)


def clean_image(upload: File, *, field: str = "image") -> CleanImage:
    """Decode, check, scale down and re-encode an uploaded image; raises ``DomainError`` naming
    the problem. Seconds of CPU for a large picture: call it from a worker, not a request.

    ``field`` is the form or API field the errors are reported under.
    """
    data = _read_capped(upload, field)
    side = settings.IMAGE_STORED_MAX_SIDE
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=DECODERS) as image:
                extension, content_type, label = FORMATS[image.format or ""]
                _check_dimensions(image.width, image.height, field)
                _check_name(upload.name, extension, label, field)
                # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale directly (far cheaper than
                # decoding it whole and scaling after); other formats ignore this.
                image.draft(image.mode, (side, side))
                image.load()  # pixels are decoded from here on, the first frame only
                upright = ImageOps.exif_transpose(image)
                if max(upright.size) > side:
                    upright.thumbnail((side, side), Image.Resampling.LANCZOS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            _refuse(field, "image_too_big_dimensions", _dimensions_message())
        except UnidentifiedImageError:
            _refuse_unidentified(data, field)
        except DECODE_ERRORS:
            _refuse(field, "invalid_image", _unreadable_message())

    return CleanImage(
        content=_encode(upright, label),
        storage_name=f"{uuid.uuid4().hex}.{extension}",
        content_type=content_type,
        width=upright.width,
        height=upright.height,
    )


def clean_photo(upload: File, *, field: str = "photo") -> CleanImage:
    """A profile photo: checked as an image upload is, then cut to a centred square of
    ``PHOTO_SIDE`` pixels and re-encoded without metadata; raises ``DomainError`` naming the
    problem.

    Cheap enough for a request: a JPEG is decoded at reduced scale (``draft``) straight to
    about the square's size, and a PNG or WebP — decoded whole — is refused above
    ``PHOTO_LOSSLESS_MAX_PIXELS`` from its header, before any pixel is decoded.
    """
    data = _read_capped(upload, field)
    side = settings.PHOTO_SIDE
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=DECODERS) as image:
                extension, content_type, label = FORMATS[image.format or ""]
                _check_dimensions(image.width, image.height, field)
                if label != "JPEG" and image.width * image.height > (
                    settings.PHOTO_LOSSLESS_MAX_PIXELS
                ):
                    _refuse(field, "image_too_big_dimensions", _lossless_photo_message(label))
                _check_name(upload.name, extension, label, field)
                image.draft(image.mode, (side, side))
                image.load()  # the first frame only
                upright = ImageOps.exif_transpose(image)
                square = ImageOps.fit(upright, (side, side), Image.Resampling.LANCZOS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            _refuse(field, "image_too_big_dimensions", _dimensions_message())
        except UnidentifiedImageError:
            _refuse_unidentified(data, field)
        except DECODE_ERRORS:
            _refuse(field, "invalid_image", _unreadable_message())
    return CleanImage(
        content=_encode(square, label),
        storage_name=f"{uuid.uuid4().hex}.{extension}",
        content_type=content_type,
        width=square.width,
        height=square.height,
    )


def _lossless_photo_message(label: str) -> str:
    return _(
        "This %(type)s photo is too large: a PNG or WebP photo may have at most "
        "%(megapixels)s megapixels. Resize it, or upload it as a JPEG."
    ) % {"type": label, "megapixels": f"{settings.PHOTO_LOSSLESS_MAX_PIXELS / 1_000_000:g}"}


def _read_capped(upload: File, field: str) -> bytes:
    max_bytes = settings.IMAGE_MAX_BYTES
    size = upload.size or 0
    if size > max_bytes:
        _refuse(field, "image_too_large", _too_large_message(max_bytes))
    if size == 0:
        _refuse(field, "invalid_image", _("The file is empty. Choose an image and upload it."))
    upload.seek(0)
    data = upload.read(max_bytes + 1)  # never more than the cap, whatever ``size`` claimed
    if len(data) > max_bytes:
        _refuse(field, "image_too_large", _too_large_message(max_bytes))
    return data


def _stored_size(width: int, height: int) -> tuple[int, int]:
    """About the size the worker will store (aspect kept); it records the exact one."""
    side = settings.IMAGE_STORED_MAX_SIDE
    if max(width, height) <= side:
        return width, height
    if width >= height:
        return side, max(1, round(height * side / width))
    return max(1, round(width * side / height)), side


def _refuse_unidentified(data: bytes, field: str) -> NoReturn:
    if data.startswith(SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        _refuse(field, "invalid_image", _unreadable_message())
    _refuse(field, "unsupported_image", _unsupported_message())


def _encode(image: Image.Image, label: str) -> bytes:
    """The pixels in a fresh file of the same format, with no metadata at all."""
    # Pillow writes some metadata from ``info`` unasked (a PNG's ICC profile, a JPEG's comment);
    # only a PNG's transparency is part of the picture.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    out = io.BytesIO()
    if label == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")  # CMYK and friends: browsers show RGB best
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif label == "PNG":
        # No ``optimize``: it tries every filter and costs seconds on a large picture for a few
        # per cent of bytes.
        image.save(out, "PNG")
    else:
        image.save(out, "WEBP", quality=WEBP_QUALITY)
    return out.getvalue()


def _check_dimensions(width: int, height: int, field: str) -> None:
    side = settings.IMAGE_MAX_SIDE
    if width > side or height > side or width * height > settings.IMAGE_MAX_PIXELS:
        _refuse(field, "image_too_big_dimensions", _dimensions_message())


def _check_name(name: str | None, extension: str, label: str, field: str) -> None:
    base = os.path.basename(name or "")
    named = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    if EXTENSIONS.get(named) == extension:
        return
    if named:
        message = _(
            "This file is a %(type)s image but its name ends in .%(named)s. "
            "Rename it to .%(extension)s or export it again."
        ) % {"type": label, "named": named, "extension": extension}
    else:
        message = _(
            "This file is a %(type)s image but its name does not end in .%(extension)s. "
            "Rename it or export it again."
        ) % {"type": label, "extension": extension}
    _refuse(field, "image_type_mismatch", message)


def _too_large_message(max_bytes: int) -> str:
    mb = 1024 * 1024
    if max_bytes >= mb:
        limit = f"{math.floor(max_bytes / mb * 10) / 10:g} MB"
    else:
        limit = f"{math.floor(max_bytes / 1024 * 10) / 10:g} KB"
    return _("The image is larger than %(limit)s. Upload a smaller or more compressed image.") % {
        "limit": limit
    }


def _dimensions_message() -> str:
    return _(
        "The image is too large: it may be at most %(side)d × %(side)d pixels and "
        "%(megapixels)s megapixels in all. Resize it and upload it again."
    ) % {
        "side": settings.IMAGE_MAX_SIDE,
        "megapixels": f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}",
    }


def _unsupported_message() -> str:
    return _("This file is not a JPEG, PNG or WebP image. Upload an image in one of those formats.")


def _unreadable_message() -> str:
    return _(
        "The file is not a readable image. It may be damaged or only partly uploaded; "
        "export it again and retry."
    )


def refusal_message(code: str) -> str:
    """The message of a refusal by its code, for a refusal found later by the worker (the
    code is what is stored)."""
    messages = {
        "image_too_big_dimensions": _dimensions_message,
        "unsupported_image": _unsupported_message,
        "image_too_large": lambda: _too_large_message(settings.IMAGE_MAX_BYTES),
    }
    return messages.get(code, _unreadable_message)()


def _refuse(field: str, code: str, message: str) -> NoReturn:
    raise DomainError(message, code=code, fields={field: [message]})
