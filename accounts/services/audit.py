"""The one way to write the moderators' audit log (``ModeratorAction``)."""

from __future__ import annotations

from typing import Any

from django.db import models

from accounts.models import ModeratorAction, User

Action = ModeratorAction.Action


def audit_record(
    *, moderator: User, action: str, target: models.Model, reason: str = "", **details: Any
) -> ModeratorAction:
    """Record that ``moderator`` did ``action`` to ``target``. Call it inside the action's
    transaction, after the action succeeded: the record and the action commit together."""
    return ModeratorAction.objects.create(
        moderator=moderator,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        target_repr=str(target)[:200],
        reason=reason,
        details=details,
    )
