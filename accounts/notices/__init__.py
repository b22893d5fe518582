"""Notices: each app declares its kinds (a title and a body template, what the key names,
where the notice leads) and registers them in its ``AppConfig.ready()``; ``notify`` renders
one in the recipient's preferred language and records it with a key naming the occurrence,
so sending the same event twice records one notice (and one e-mail)."""

from accounts.notices.registry import (
    NoticeGroup,
    NoticeKind,
    all_kinds,
    email_optional_kinds,
    email_preference_of,
    kind_named,
    kinds_in,
    notice_page_path,
    register_kinds,
    register_page,
    whatsapp_kinds,
)
from accounts.notices.sending import notice_key, notify

__all__ = [
    "NoticeGroup",
    "NoticeKind",
    "all_kinds",
    "email_optional_kinds",
    "email_preference_of",
    "kind_named",
    "kinds_in",
    "notice_key",
    "notice_page_path",
    "notify",
    "register_kinds",
    "register_page",
    "whatsapp_kinds",
]
