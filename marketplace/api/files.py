"""Files in and out of the API: downloads (images and PDFs whose bytes were checked open in the
browser, everything else is saved) and multipart bodies with several files under one name.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from rest_framework.request import Request

from marketplace.storage import download_response

DOWNLOAD_PARAM = "download"


def download(request: Request, file_field: Any, name: str) -> FileResponse:
    """Serve a stored file: a checked image or PDF opens in the browser, anything else (and
    everything asked for with ``?download=1``) is saved (``marketplace.storage``)."""
    wants_copy = request.query_params.get(DOWNLOAD_PARAM, "") not in ("", "0")
    return download_response(file_field, name, preview=not wants_copy)


def with_file_list(data: Any, name: str = "files") -> Any:
    """A multipart body as a dict whose ``name`` holds every file sent under that name.

    A QueryDict's ``.get`` keeps only the last of several files; JSON bodies pass unchanged.
    """
    if not hasattr(data, "getlist"):
        return data
    plain = {key: data.get(key) for key in data if key != name}
    if name in data:
        plain[name] = data.getlist(name)
    return plain
