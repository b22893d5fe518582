"""What a reader of a contract's thread sees of each message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.masking import hidden_kinds
from projects.access import is_moderator
from projects.models import ContractMessage

if TYPE_CHECKING:
    from accounts.requests import Viewer


def message_content_shown(message: ContractMessage, viewer: Viewer) -> bool:
    """Whether ``viewer`` reads the message's body and files: a message a moderator removed
    after a report keeps its place in the thread, but only moderators still read it."""
    return message.removed_at is None or is_moderator(viewer)


def message_hidden_kinds(message: ContractMessage, viewer: Viewer) -> list[str]:
    """The kinds of contact detail hidden from the other party, told to the sender only
    (``accounts.masking.hidden_kinds``); nothing once the message was removed."""
    if message.removed_at is not None:
        return []
    return hidden_kinds(message.contact_flags, author_id=message.sender_id, viewer=viewer)
