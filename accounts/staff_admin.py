"""The admin side of ``accounts.staff_policy``: a list where staff act on rows offers no action
on a row the signed-in staff member is a party to.

Each such admin annotates its rows with ``with_staff_party`` in ``get_queryset`` (one query for
the page, whatever its length) and mixes this in before ``admin.ModelAdmin``: the row shows a
dash where its checkbox would be. A crafted POST still reaches the service, which refuses it and
records the attempt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.staff_policy import ANNOTATION, with_staff_party

if TYPE_CHECKING:
    from accounts.models import User


def party_to(obj: Any) -> bool:
    """Whether the signed-in staff member is a party to this row (annotated by the admin)."""
    return bool(getattr(obj, ANNOTATION, False))


def refused_as_party_text() -> str:
    return _("You are a party to this, so another staff member handles it.")


class NoActionsOnOwnDeals:
    """Rows the viewer is a party to get no action checkbox (see the module docstring)."""

    def staff_party(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        # The admin site lets signed-in staff only in; Django types its request more widely.
        return with_staff_party(queryset, staff=cast("User", request.user))

    def action_checkbox(self, obj: Any) -> SafeString:
        if party_to(obj):
            return format_html('<span title="{}">–</span>', refused_as_party_text())
        return super().action_checkbox(obj)  # type: ignore[misc]
