"""Static files, public and private uploads, and how large a request body may be."""

from pathlib import Path

from .environment import BASE_DIR, VAR_DIR, env

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
# Public uploads only (re-encoded portfolio images): anything here may be served by URL.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Private uploads (deliveries, message and gig attachments, images awaiting cleaning): outside
# MEDIA_ROOT on purpose, served only by permission-checked views (marketplace/storage.py).
# Never point a web server at it.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "marketplace.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The largest request body Django will read into memory (JSON); file uploads stream to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The largest body of a request to anything but an upload endpoint; larger is a 413, refused
# before it is read. Upload endpoints take their files' limits (marketplace/upload_limits.py).
REQUEST_MAX_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
# The first handler stops reading a multipart body at its endpoint's limits; the last answers
# a full temporary folder with a 507. Files up to FILE_UPLOAD_MAX_MEMORY_SIZE stay in memory.
FILE_UPLOAD_HANDLERS = [
    "marketplace.upload_limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "marketplace.upload_limits.TemporaryFileUploadHandler",
]
