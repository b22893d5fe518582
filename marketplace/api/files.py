"""Files in and out of the API: downloads (never inline) and multipart bodies with several
files under one name.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse

from marketplace.storage import download_response


def download(file_field: Any, name: str) -> FileResponse:
    """Serve a stored file as a download, never inline (``marketplace.storage``)."""
    return download_response(file_field, name)


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
