"""Domain errors: what a service raises when a request cannot be carried out.

Services raise these with a message a person can act on; the API's exception handler turns them
into the one JSON error shape with the status named here. They carry no HTTP machinery, so a
Celery task or a management command can catch them just as well.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the marketplace refused the action (400 unless a subclass says otherwise)."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does."""

    status_code = 404
    code = "not_found"


class PermissionDenied(DomainError):
    """The actor is a party to the object but may not take this action."""

    status_code = 403
    code = "permission_denied"


class Conflict(DomainError):
    """The object's current state forbids the action (e.g. approving a milestone not submitted)."""

    status_code = 409
    code = "conflict"


class PaymentRequired(DomainError):
    """The wallet holds too little; ``missing`` is the shortfall in whole rupiah."""

    status_code = 402
    code = "insufficient_funds"

    def __init__(self, message: str, *, missing: int = 0, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.missing = missing


class PayloadTooLarge(DomainError):
    """The request carries more than the endpoint takes (bytes, or files); nothing was stored."""

    status_code = 413
    code = "too_large"


class InsufficientStorage(DomainError):
    """The file storage is full: nothing of the request was kept; the person may retry later."""

    status_code = 507
    code = "insufficient_storage"


class RateLimited(DomainError):
    """Too many of this action in a short time; ``retry_after`` says when to try again (s)."""

    status_code = 429
    code = "throttled"

    def __init__(self, message: str, *, retry_after: int, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = max(1, int(retry_after))
