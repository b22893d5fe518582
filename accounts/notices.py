"""Notices: a kind has a title and a body template; ``send`` renders them in the recipient's
preferred language and records the notice with a key naming the occurrence, so sending the
same event twice records one notice (and one e-mail).

Each app declares its own kinds (``projects.notices``, ``payments.notices``) and registers
them in ``CATALOG``, which the e-mail preferences list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

from accounts.masking import ViewerText
from accounts.models import User
from accounts.services import notification_send


@dataclass(frozen=True)
class Notice:
    title: Promise
    body: Promise


CATALOG: dict[str, Notice] = {}


def register(notices: dict[str, Notice]) -> dict[str, Notice]:
    CATALOG.update(notices)
    return notices


def send(*, recipient: User, kind: str, key: str, link: str = "", **params: Any) -> None:
    """Record notice ``kind`` for ``recipient`` once per ``key``, in the recipient's language.

    A text someone wrote goes in as ``accounts.masking.text_of(obj, field)``: it is rendered as
    this recipient may read it (masked unless they wrote it), like everything else they read.
    """
    notice = CATALOG[kind]
    params = {
        name: value.for_viewer(recipient) if isinstance(value, ViewerText) else value
        for name, value in params.items()
    }
    with translation.override(recipient.preferred_language):
        title = str(notice.title) % params
        body = str(notice.body) % params
    notification_send(
        recipient_id=recipient.pk, kind=kind, key=key, title=title, body=body, link=link
    )
