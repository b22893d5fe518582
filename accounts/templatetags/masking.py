"""``{% shown obj "field" %}``: a text someone wrote, as the page's viewer may read it.

The pages' one way to show a masked text (``accounts.masking.shown``: as written for its author
and moderators, the stored masked copy for everyone else); ``{% shown obj "field" as text %}``
keeps it for a filter such as ``truncatechars``, which then cuts the masked text.
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts.masking import shown as shown_text

register = template.Library()


@register.simple_tag(takes_context=True)
def shown(context: dict[str, Any], obj: Any, field: str) -> str:
    request = context.get("request")
    return shown_text(obj, field, getattr(request, "user", None))
