"""The contract page's message thread: its newest page, shown oldest first, each message masked
or emptied for the viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from accounts.masking import shown
from marketplace.pages import cursor_page
from projects.models import Contract
from projects.policies.messages import message_content_shown, message_hidden_kinds
from projects.selectors.contracts import message_list

MESSAGES_PER_PAGE = 50


@dataclass
class ThreadMessage:
    message: Any
    body: str
    attachments: list[dict]
    removed: bool
    hidden_kinds: list[str]
    mine: bool


def _thread(request: HttpRequest, contract: Contract) -> tuple[list[ThreadMessage], Any]:
    """The newest page of the thread, shown oldest first; masked or removed messages by the
    rules the API's MessageSerializer follows too: a removed message is empty but for moderators
    (``projects.policies.messages``), contact details are masked for the other party
    (``accounts.masking``)."""
    page = cursor_page(
        request,
        message_list(contract=contract),
        ordering=("-created_at", "-id"),
        page_size=MESSAGES_PER_PAGE,
    )
    viewer = request.user
    thread = []
    for message in reversed(page.items):
        removed = message.removed_at is not None
        mine = message.sender_id == viewer.pk
        empty = not message_content_shown(message, viewer)
        thread.append(
            ThreadMessage(
                message=message,
                body="" if empty else shown(message, "body", viewer),
                attachments=[]
                if empty
                else [
                    {"id": file.pk, "name": shown(file, "original_name", viewer), "size": file.size}
                    for file in message.attachments.all()
                ],
                removed=removed,
                hidden_kinds=message_hidden_kinds(message, viewer),
                mine=mine,
            )
        )
    return thread, page
