"""The one way to write the moderators' audit log (``ModeratorAction``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import models

from accounts.models import ModeratorAction, User
from accounts.staff_policy import StaffIsParty

Action = ModeratorAction.Action
Service = TypeVar("Service", bound=Callable[..., Any])

# Set while a staff action's service runs: a staff action it calls (resolving a report
# suspends a user) leaves recording a refusal to the outermost one.
_staff_action_running: ContextVar[bool] = ContextVar("staff_action_running", default=False)


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


def records_refused_attempts(service: Service) -> Service:
    """Put on a staff action's service, outside its transaction (above
    ``@transaction.atomic``): when the service refuses because the staff member is a party to
    the object (``StaffIsParty``), its own work has rolled back by the time the refusal gets
    here; the attempt is then recorded on its own, and the refusal goes on to the caller.

    A caller that runs the service inside a transaction of its own must let that transaction
    commit on this refusal for the record to stay (``payments.api.idempotency.idempotent`` does).
    """

    @functools.wraps(service)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if _staff_action_running.get():
            return service(*args, **kwargs)
        running = _staff_action_running.set(True)
        try:
            return service(*args, **kwargs)
        except StaffIsParty as refusal:
            audit_record(
                moderator=refusal.staff,
                action=Action.REFUSED_AS_PARTY,
                target=refusal.target,
                attempted=str(refusal.action),
            )
            raise
        finally:
            _staff_action_running.reset(running)

    guarded.records_refused_attempts = True  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]
