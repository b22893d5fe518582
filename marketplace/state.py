"""The one helper every state machine uses to refuse an illegal move."""

from __future__ import annotations

from typing import Any, Protocol

from django.utils.translation import gettext as _

from marketplace.errors import Conflict


class HasTransitions(Protocol):
    status: Any
    TRANSITIONS: dict[Any, set[Any]]


def can_transition(obj: HasTransitions, target: Any) -> bool:
    return target in obj.TRANSITIONS.get(obj.status, set())


def transition_refusal(obj: HasTransitions, target: Any) -> Conflict | None:
    """The ``Conflict`` (409) saying why the transition table forbids ``obj.status → target``,
    or None when it allows it (a policy lists what is allowed without raising)."""
    if can_transition(obj, target):
        return None
    labels = dict(type(obj).Status.choices)  # type: ignore[attr-defined]
    return Conflict(
        _("This %(thing)s is %(current)s; it cannot become %(target)s.")
        % {
            "thing": type(obj)._meta.verbose_name,  # type: ignore[attr-defined]
            "current": labels.get(obj.status, obj.status),
            "target": labels.get(target, target),
        },
        code="invalid_state",
    )


def ensure_transition(obj: HasTransitions, target: Any) -> None:
    """Raise ``Conflict`` (409) unless the transition table allows ``obj.status → target``."""
    refusal = transition_refusal(obj, target)
    if refusal is not None:
        raise refusal
