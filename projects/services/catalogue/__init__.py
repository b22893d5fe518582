"""Writes of services (jasa): a freelancer writes a service with its packages, extras and
questions, submits it, pauses, resumes or archives it; a moderator approves or rejects it.

This package is the service catalogue's public face: callers use ``projects.services.
catalogue``; the modules hold the parts (writing, lifecycle, moderation) and what they share
(guards).
"""

from projects.services.catalogue.lifecycle import (
    service_archive,
    service_pause,
    service_resume,
    service_submit,
)
from projects.services.catalogue.moderation import service_approve, service_reject
from projects.services.catalogue.writing import service_create, service_update

__all__ = [
    "service_approve",
    "service_archive",
    "service_create",
    "service_pause",
    "service_reject",
    "service_resume",
    "service_submit",
    "service_update",
]
