"""Roles: staff roles as Django groups (what a moderator and a finance officer may do), and
the role a person signs up for (to hire, to work or both; ``SignupRole`` at the end).

Moderators are staff (they sign in to the admin) in the Moderators group, not superusers: they
approve gigs, settle reports and disputes and suspend abusers, and may look at — never edit —
what they need for that. Finance staff process withdrawals and check identities. Staff outside
these groups get nothing; a superuser gets everything. The groups are brought to exactly these
permissions after every ``migrate``, so the code, not a hand-edited admin screen, says what a
role may do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.requests import Viewer

MODERATORS = "Moderators"
FINANCE = "Finance"

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    MODERATORS: (
        "projects.moderate_gig",
        "projects.moderate_service",
        "projects.resolve_report",
        "projects.resolve_dispute",
        "accounts.suspend_user",
        "accounts.add_suspension",
        "accounts.view_suspension",
        "accounts.view_user",
        "accounts.view_moderatoraction",
        "accounts.view_freelancerprofile",
        "accounts.view_portfolioitem",
        "projects.view_gig",
        "projects.view_service",
        "projects.view_bid",
        "projects.view_contract",
        "projects.view_milestone",
        "projects.view_contractmessage",
        "projects.view_dispute",
        "projects.view_report",
        "projects.view_review",
        "projects.view_contacthit",
        "projects.view_trustcheck",
        "accounts.view_category",
        "accounts.view_skill",
    ),
    FINANCE: (
        "payments.process_withdrawal",
        "payments.view_withdrawal",
        "payments.view_deposit",
        "payments.view_depositrefund",
        "payments.view_account",
        "payments.view_ledgertransaction",
        "payments.review_identity",
        "payments.view_identitycheck",
        "accounts.view_moderatoraction",
    ),
}


def is_moderator(user: Viewer) -> bool:
    """Moderators are staff holding the moderation permission (the Moderators group has it).

    Checked without a query for everyone who is not staff, which is nearly every request.
    """
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and (user.is_superuser or user.has_perm("projects.moderate_gig"))
    )


def _permissions(labels: tuple[str, ...]) -> list[Permission]:
    query = Q()
    for label in labels:
        app_label, codename = label.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def ensure_role_groups(**_signal: Any) -> None:
    """Create the role groups and set each to exactly its permissions. Idempotent.

    Runs after each app's ``migrate`` (``post_migrate``): permissions of apps migrated later do
    not exist yet on the first calls, so the last call completes every group.
    """
    for name, labels in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(labels))


# --- what a person signs up for -----------------------------------------------------------------


class SignupRole(models.TextChoices):
    """Sign-up's question "Do you want to hire or to work?" (the page and the API's register).

    The answer decides which profiles are set up (``profiles_for``) and where the new user goes
    next (the page: a client to post a gig, a freelancer to complete their profile). It closes
    no door: anyone may post a gig or bid later, and the missing profile is created then
    (``accounts.services.profiles_ensure`` and the profile services create on first use).
    """

    HIRE = "hire", _("To hire: I need work done")
    WORK = "work", _("To work: I want to find jobs")
    BOTH = "both", _("Both")


def profiles_for(role: str) -> tuple[bool, bool]:
    """(a freelancer profile, a client profile) for a sign-up ``role``."""
    return role != SignupRole.HIRE, role != SignupRole.WORK
