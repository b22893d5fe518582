"""One demo user of each kind (client, freelancer, moderator, admin), with the demo password.

Idempotent: users are found by their username and brought to the values below.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import FINANCE, MODERATORS, ensure_role_groups

DEMO_PASSWORD = "garap-demo-2026"  # noqa: S105 - printed by `make run`; demo machines only


@dataclass(frozen=True)
class DemoUser:
    username: str
    email: str
    display_name: str
    role: str  # what the demo shows the user as: client, freelancer, moderator, admin
    language: str = User.Language.INDONESIAN


DEMO_USERS = [
    DemoUser("toko_sari", "sari@demo.garap.local", "Toko Kue Sari", "client"),
    DemoUser("kopi.nusantara", "kopi@demo.garap.local", "Kopi Nusantara", "client", "en"),
    DemoUser("budi.desain", "budi@demo.garap.local", "Budi Santoso", "freelancer"),
    DemoUser("rina.menulis", "rina@demo.garap.local", "Rina Wulandari", "freelancer", "en"),
    DemoUser("moderator", "moderator@demo.garap.local", "Moderator Garap", "moderator"),
    DemoUser("admin", "admin@demo.garap.local", "Admin Garap", "admin", "en"),
]


@transaction.atomic
def load_users() -> list[DemoUser]:
    ensure_role_groups()
    staff_groups = Group.objects.filter(name__in=[MODERATORS, FINANCE])
    for demo in DEMO_USERS:
        user = User.objects.filter(username__iexact=demo.username).first()
        if user is None:
            user = User.objects.create_user(
                username=demo.username, email=demo.email, password=DEMO_PASSWORD
            )
        user.email = demo.email
        user.display_name = demo.display_name
        user.preferred_language = demo.language
        user.is_staff = demo.role in ("moderator", "admin")
        user.is_superuser = demo.role == "admin"
        user.save()
        if demo.role == "moderator":
            # The demo's one moderator also processes withdrawals, to show every queue.
            user.groups.add(*staff_groups)
    return DEMO_USERS
