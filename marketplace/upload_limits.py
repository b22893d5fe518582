"""How much a request may carry, enforced before and while it is read — never after.

Django reads a multipart body whole, writing every file part to the temporary folder, before
any view can look at a file's size; a 300 MB body was written to disk only to be refused by
the 10 MB check afterwards. So:

* Every view has a cap on its request body. Upload endpoints declare what they take
  (``upload_limit = DOCUMENTS`` on an API view, ``@accepts_uploads(DOCUMENTS)`` on a page):
  so many files of so many bytes, plus room for the form's text. Everything else takes
  ``REQUEST_MAX_BYTES`` and no files at all.
* ``UploadLimitMiddleware`` refuses a declared ``Content-Length`` over the cap with a 413
  before a byte is read (and an upload sent chunked, without a length, with a 411: Django
  would read none of it).
* ``LimitedUploadHandler``, first of ``FILE_UPLOAD_HANDLERS``, counts what actually arrives —
  whatever the header said, and for a body that came without one — and stops reading at the
  first file past its size, the first file past the count, or the first byte past the cap.
  Django then deletes the temporary file it had started; nothing beyond the limit (plus one
  64 KB chunk) is ever written.
* ``TemporaryFileUploadHandler`` answers a full temporary folder with a 507, not a 500.

Refusals are ``PayloadTooLarge`` / ``InsufficientStorage`` domain errors: the API's handler
answers them in its JSON error shape; on pages, the middleware reads the body itself (before
the CSRF check would) so it can answer with the friendly error page.

This holds for the WSGI server Garap runs on (gunicorn). Django's ASGI handler reads a whole
body into a temporary file before any middleware runs; an ASGI deployment would need its
server (or a proxy in front) to cap request bodies.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import (
    FileUploadHandler,
    StopUpload,
)
from django.core.files.uploadhandler import (
    TemporaryFileUploadHandler as DjangoTemporaryFileUploadHandler,
)
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, PayloadTooLarge, RateLimited
from marketplace.storage import FULL_ERRNOS, storage_full
from marketplace.throttles import UserRateThrottle

# Room for a form's text fields and the multipart boundaries around the files: a message or
# a delivery note (5 000 characters, up to 20 KB of UTF-8), the CSRF token, part headers.
FORM_OVERHEAD_BYTES = 256 * 1024


@dataclass(frozen=True)
class UploadLimit:
    """What one request to an upload endpoint may carry; read from settings at request time."""

    field: str  # the form / API field the files come under, for the error's ``fields``
    max_files: Callable[[], int]
    max_file_bytes: Callable[[], int]

    def body_bytes(self) -> int:
        return self.max_files() * self.max_file_bytes() + FORM_OVERHEAD_BYTES


# A portfolio image; a gig's attachment; the files of a message or a delivery.
IMAGE = UploadLimit("image", lambda: 1, lambda: settings.IMAGE_MAX_BYTES)
# A profile photo: as large as a portfolio image may be sent (a phone's photo as it comes).
PHOTO = UploadLimit("photo", lambda: 1, lambda: settings.IMAGE_MAX_BYTES)
# An identity check: the KTP photo and the selfie, each as large as a portfolio image.
IDENTITY_IMAGES = UploadLimit("ktp_image", lambda: 2, lambda: settings.IMAGE_MAX_BYTES)
DOCUMENT = UploadLimit("file", lambda: 1, lambda: settings.ATTACHMENT_MAX_BYTES)
DOCUMENTS = UploadLimit(
    "files", lambda: settings.ATTACHMENTS_PER_MESSAGE, lambda: settings.ATTACHMENT_MAX_BYTES
)


def accepts_uploads(limit: UploadLimit) -> Callable[[Callable], Callable]:
    """Mark a page view as an upload endpoint taking ``limit`` (keep it nearest the function:
    Django's decorators copy the mark outward)."""

    def mark(view: Callable) -> Callable:
        view.upload_limit = limit  # type: ignore[attr-defined]
        return view

    return mark


def upload_limit_of(view: Any) -> UploadLimit | None:
    found = getattr(view, "upload_limit", None)
    if found is None:  # a class-based view (DRF's APIView.as_view keeps the class here)
        found = getattr(getattr(view, "view_class", None), "upload_limit", None)
    return found


def _megabytes(size: int) -> str:
    mb = 1024 * 1024
    if size >= mb:
        return f"{math.floor(size / mb * 10) / 10:g} MB"
    return f"{math.floor(size / 1024 * 10) / 10:g} KB"


def body_too_large(limit: UploadLimit | None, cap: int) -> PayloadTooLarge:
    if limit is None:
        return PayloadTooLarge(
            _("The request is larger than %(size)s. Send less at once.")
            % {"size": _megabytes(cap)},
            code="request_too_large",
        )
    message = _(
        "The upload is larger than %(size)s in all: at most %(n)d file(s) of %(each)s each. "
        "Send fewer or smaller files."
    ) % {
        "size": _megabytes(cap),
        "n": limit.max_files(),
        "each": _megabytes(limit.max_file_bytes()),
    }
    return PayloadTooLarge(message, code="request_too_large", fields={limit.field: [message]})


def file_too_large(limit: UploadLimit, name: str) -> PayloadTooLarge:
    message = _(
        "The file “%(name)s” is larger than %(size)s. Upload a smaller or compressed file."
    ) % {"name": name[-100:], "size": _megabytes(limit.max_file_bytes())}
    return PayloadTooLarge(message, code="file_too_large", fields={limit.field: [message]})


def too_many_files(limit: UploadLimit | None) -> PayloadTooLarge:
    if limit is None:
        message = _("This address does not take files. Send the form without them.")
        return PayloadTooLarge(message, code="too_many_files")
    message = _("Send at most %(n)d file(s) at once.") % {"n": limit.max_files()}
    return PayloadTooLarge(message, code="too_many_files", fields={limit.field: [message]})


def length_required() -> DomainError:
    error = DomainError(
        _("Send the upload with a Content-Length header; chunked uploads are not accepted."),
        code="length_required",
    )
    error.status_code = 411
    return error


def _cap(limit: UploadLimit | None) -> int:
    return limit.body_bytes() if limit else settings.REQUEST_MAX_BYTES


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.headers.get("content-length") or 0))
    except ValueError:
        return 0  # Django reads nothing of a body whose length it cannot parse


class LimitedUploadHandler(FileUploadHandler):
    """Counts the files and bytes of a multipart body as they stream in; stops at the limit.

    It must come first in ``FILE_UPLOAD_HANDLERS``: the handlers after it (memory, temporary
    file) never see a chunk past the limit.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit: UploadLimit | None = getattr(request, "upload_limit", None)
        self.cap = _cap(self.limit)
        self.files = 0
        self.file_bytes = 0
        self.total = 0
        self.refusal: DomainError | None = None

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        self.files += 1
        self.file_bytes = 0
        self.file_name = file_name
        if self.limit is None or self.files > self.limit.max_files():
            self._refuse(too_many_files(self.limit))

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.file_bytes += len(raw_data)
        self.total += len(raw_data)
        if self.limit is not None and self.file_bytes > self.limit.max_file_bytes():
            self._refuse(file_too_large(self.limit, self.file_name or ""))  # named by new_file
        if self.total > self.cap:
            self._refuse(body_too_large(self.limit, self.cap))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler keeps the file

    def upload_complete(self) -> None:
        # Django has closed (and so deleted) the temporary file it was writing; now the
        # request fails with the reason instead of going on with the files before it.
        if self.refusal is not None:
            raise self.refusal

    def _refuse(self, error: DomainError) -> None:
        self.refusal = error
        # connection_reset: Django stops reading instead of draining the rest of the body.
        raise StopUpload(connection_reset=True)


class TemporaryFileUploadHandler(DjangoTemporaryFileUploadHandler):
    """Django's, with a full temporary folder answered as 507 and the partial file removed."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().new_file(*args, **kwargs)
        except OSError as exc:
            self._full(exc)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        try:
            self.file.write(raw_data)
        except OSError as exc:
            self._full(exc)

    def _full(self, exc: OSError) -> None:
        if exc.errno not in FULL_ERRNOS:
            raise exc
        if hasattr(self, "file"):
            self.file.close()  # a NamedTemporaryFile: closing deletes it
        raise storage_full() from exc


class UploadRateThrottle(UserRateThrottle):
    """Uploads per account (``UPLOAD_THROTTLE_RATE``), counted on every request to an upload
    endpoint that may carry files (a multipart POST, or PUT for ``me/photo/``). The API views
    list it in ``throttle_classes``; ``UploadLimitMiddleware`` applies it to the pages. Either
    way it is checked before the body is read (and, like every throttle, let through if the
    cache is down)."""

    scope = "uploads"
    rate_setting = "UPLOAD_THROTTLE_RATE"

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method not in ("POST", "PUT") or not _is_multipart(request):
            return True
        return super().allow_request(request, view)


def _is_multipart(request: Any) -> bool:
    return (request.headers.get("content-type") or "").startswith("multipart/form-data")


def _throttled(request: HttpRequest) -> RateLimited | None:
    throttle = UploadRateThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = max(1, math.ceil(throttle.wait() or 1))
    return RateLimited(
        _("Too many uploads. Wait %(seconds)d seconds and try again.") % {"seconds": wait},
        retry_after=wait,
    )


class UploadLimitMiddleware:
    """Refuses a body declared over its view's cap before reading it, and tells the upload
    handler the view's limit. Goes before ``CsrfViewMiddleware``, which reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        limit = upload_limit_of(view)
        request.upload_limit = limit  # type: ignore[attr-defined]
        cap = _cap(limit)
        if _declared_length(request) > cap:
            return refusal_response(request, body_too_large(limit, cap))
        if (
            limit is not None
            and "content-length" not in request.headers
            and "chunked" in request.headers.get("transfer-encoding", "").lower()
        ):
            # Django reads no body without a length: the upload would arrive empty and be
            # refused as "no file sent", which misleads. Say what is wrong instead.
            return refusal_response(request, length_required())
        if (
            request.method == "POST"
            and not request.path.startswith("/api/")
            and _is_multipart(request)
        ):
            # A page: read the body here, where a refusal can still become a page (inside
            # the CSRF check it would be a 500). The API reads it in the view, after the
            # authentication and throttle checks, and answers refusals in JSON.
            if limit is not None and request.user.is_authenticated:
                throttled = _throttled(request)
                if throttled is not None:
                    return refusal_response(request, throttled)
            try:
                request.FILES  # noqa: B018 - parses the body
            except DomainError as exc:
                return refusal_response(request, exc)
        return None


def refusal_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The refusal as the API's JSON error or as a page, by the path asked for."""
    from marketplace import views

    return views.domain_error_response(request, error)
