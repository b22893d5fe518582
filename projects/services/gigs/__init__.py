"""Writes of gigs: post, edit, submit, moderate, cancel, invite, attach files.

This package is the service's public face: callers use ``projects.services.gigs``; the modules
hold the parts (posting, moderation, invitations, closing, attachments) and the checks they
share (guards), which other services use too.
"""

from projects.services.gigs.attachments import gig_attachment_add, gig_attachment_remove
from projects.services.gigs.closing import close_open_bids, gig_cancel, gig_delete
from projects.services.gigs.guards import ensure_gig_shown, ensure_not_suspended
from projects.services.gigs.invitations import gig_invite
from projects.services.gigs.moderation import gig_approve, gig_reject
from projects.services.gigs.posting import gig_create, gig_submit, gig_update, validate_gig_terms

__all__ = [
    "close_open_bids",
    "ensure_gig_shown",
    "ensure_not_suspended",
    "gig_approve",
    "gig_attachment_add",
    "gig_attachment_remove",
    "gig_cancel",
    "gig_create",
    "gig_delete",
    "gig_invite",
    "gig_reject",
    "gig_submit",
    "gig_update",
    "validate_gig_terms",
]
