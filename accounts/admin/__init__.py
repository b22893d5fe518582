"""The admin for people: users, their suspensions, API tokens and the moderators' audit log.

Moderators act here through the services, never by editing rows: suspending, lifting and
warning are actions with a small form, and the add form for a suspension calls the suspending
service. Those services live in ``projects`` (suspending hides gigs and withdraws bids), which
registers them in ``accounts.moderation`` at start-up: accounts imports no app above it. An
action is offered only to someone holding its exact permission (``allowed_permissions``); the
service checks again. Suspensions and the audit log are read-only once written, for everyone.

One module per page; importing them registers them with the admin site (Django's
autodiscovery imports this package).
"""

from accounts.admin import audit_log, suspensions, tokens, users

__all__ = ["audit_log", "suspensions", "tokens", "users"]
