"""Demo data: the taxonomy Garap launches with, one user of each kind, and a marketplace with
something in every screen and every moderators' queue (``manage.py load_demo_data``, run by
``make run``).

Made through the same services people use wherever there is one, so the notices, the ledger and
the audit log show what they would. Idempotent: rows are found by their natural key (slug,
username, a gig's client and title), so loading twice changes nothing.
"""

from __future__ import annotations

from projects.sample_data.demo.market import load_marketplace
from projects.sample_data.demo.moderation import MODERATION_USERS, load_moderation
from projects.sample_data.demo.profiles import load_finished_work, load_profiles
from projects.sample_data.demo.taxonomy import load_taxonomy
from projects.sample_data.demo.users import DemoUser, load_users


def load_all() -> list[DemoUser]:
    """Everything above, in order; the demo's users (each with the demo password)."""
    load_taxonomy()
    users = load_users()
    load_marketplace()
    load_profiles()
    load_finished_work()
    load_moderation()
    from projects.reputation.services import reputation_recalculate_all

    reputation_recalculate_all()
    return [*users, *MODERATION_USERS]
