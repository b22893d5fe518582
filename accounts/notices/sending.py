"""``notify``: a notice of a registered kind, its key and link built from what it is about."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import translation

from accounts.masking import ViewerText
from accounts.models import Notification, User
from accounts.notices.registry import NoticeKind, registered
from marketplace.formatting import local_date, local_datetime

# What a notice is about: a row (its kind's ``subject`` names it in the key), a plain value
# (a day), or a (name, id) pair when one kind is about several sorts of things (the contact
# filter's hit in a gig, a bid, a profile…).
Subject = models.Model | tuple[str, Any] | str | int


def notice_key(
    kind: NoticeKind, *, recipient_id: int, subject: Subject, occurrence: Any = None
) -> str:
    """The notice's unique key: ``<event>:<subject>:<id>[:<recipient id>][:<occurrence>]``.

    ``occurrence`` tells apart events that happen more than once to one subject (each
    delivery of a milestone, each due date it is given): a datetime in ISO format.
    """
    parts: list[Any]
    if isinstance(subject, tuple):
        parts = [kind.key_prefix, *subject]
    else:
        identity = subject.pk if isinstance(subject, models.Model) else subject
        parts = [kind.key_prefix, *([kind.subject] if kind.subject else []), identity]
    if kind.per_recipient:
        parts.append(recipient_id)
    if occurrence is not None:
        parts.append(occurrence.isoformat() if isinstance(occurrence, datetime) else occurrence)
    return ":".join(str(part) for part in parts)


def _written(value: Any) -> Any:
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, date):
        return local_date(value)
    return value


def notify(
    recipient: User,
    kind: NoticeKind,
    *,
    subject: Subject,
    occurrence: Any = None,
    link_args: Mapping[str, Any] | None = None,
    link: str = "",
    **params: Any,
) -> Notification:
    """Record notice ``kind`` about ``subject`` for ``recipient`` once (its key: ``notice_key``),
    written in the recipient's language; its e-mail goes out after the commit.

    The link is the API path of the kind's route with ``link_args``; only a kind without a
    route takes a ``link`` from the caller. A text someone wrote goes in as
    ``accounts.masking.text_of(obj, field)``: it is rendered as this recipient may read it
    (masked unless they wrote it), like everything else they read.
    """
    from accounts.services import notification_send  # the e-mails read this package's pages

    registered(kind)
    if kind.link:
        if link:
            raise ValueError(f"Notice kind {kind.code!r} links to its route, not to {link!r}.")
        link = reverse(kind.link, kwargs=dict(link_args) if link_args else None)
    params = {
        name: value.for_viewer(recipient) if isinstance(value, ViewerText) else value
        for name, value in params.items()
    }
    with translation.override(recipient.preferred_language):
        # Moments and days are written here, in the recipient's language and Jakarta time
        # (WIB): a caller passes the datetime, never a string it formatted in its own language.
        params = {name: _written(value) for name, value in params.items()}
        title = str(kind.title) % params
        body = str(kind.body) % params
    return notification_send(
        recipient_id=recipient.pk,
        kind=kind.code,
        key=notice_key(kind, recipient_id=recipient.pk, subject=subject, occurrence=occurrence),
        title=title,
        body=body,
        link=link,
    )
