"""Files in and out of the API: downloads (images and PDFs whose bytes were checked open in the
browser, everything else is saved) and multipart bodies with several files under one name.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request

from marketplace.storage import download_response

DOWNLOAD_PARAM = "download"
# What ``?download=`` takes (as documented): save a copy, or not. Anything else is a 400, not
# a guess.
DOWNLOAD_CHOICES = {"1": True, "true": True, "0": False, "false": False}


def download(request: Request, file_field: Any, name: str) -> FileResponse:
    """Serve a stored file: a checked image or PDF opens in the browser, anything else (and
    everything asked for with ``?download=1``) is saved (``marketplace.storage``)."""
    given = request.query_params.getlist(DOWNLOAD_PARAM)
    wants_copy = DOWNLOAD_CHOICES.get(given[0].lower()) if len(given) == 1 else None
    if given and wants_copy is None:
        raise serializers.ValidationError(
            {DOWNLOAD_PARAM: [_("Use download=1 to save the file, or leave it out.")]}
        )
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
