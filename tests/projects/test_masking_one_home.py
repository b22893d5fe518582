"""What each reader sees of a masked text, and who is told what was hidden, has one home
(``accounts.masking``: ``shown``, ``hidden_kinds``; a thread's removed messages:
``projects.policies.messages``). The API's detail and list answers and the pages give every
reader the same text and the same "hidden" note."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.masking import hidden_kinds, shown
from projects.policies.messages import message_content_shown, message_hidden_kinds
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.matrix import moderators_group
from tests.pages.conftest import browser
from tests.projects.factories import ContractMessageFactory, GigFactory

PHONE = "0812 3456 7890"
GIG_NOTE = "Contact details in your gig are hidden from freelancers."
MESSAGE_NOTE = "The contact details in your message are hidden from the other party"


@pytest.fixture
def readers(db):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(moderators_group())
    return {"moderator": moderator, "stranger": UserFactory()}


def test_hidden_kinds_are_told_to_the_author_only_and_name_contact_details_only(readers):
    author = UserFactory()
    flags = ["prohibited", "phone", "email"]
    assert hidden_kinds(flags, author_id=author.pk, viewer=author) == ["phone", "email"]
    for reader in (readers["moderator"], readers["stranger"], None):
        assert hidden_kinds(flags, author_id=author.pk, viewer=reader) == []


def test_a_gig_reads_the_same_on_the_api_the_list_and_the_page(readers):
    gig = GigFactory(
        description=f"Logo untuk toko kue. Hubungi {PHONE} ya.",
        content_flags=["prohibited", "phone"],
    )
    for name, reader in {"client": gig.client, **readers}.items():
        description = shown(gig, "description", reader)
        kinds = hidden_kinds(gig.content_flags, author_id=gig.client_id, viewer=reader)
        assert (PHONE in description) is (name != "stranger"), name
        assert kinds == (["phone"] if name == "client" else []), name

        api = client_for(reader)
        detail = api.get(f"/api/v1/gigs/{gig.pk}/").json()
        assert (detail["description"], detail["contact_details_hidden"]) == (description, kinds)
        listed = api.get("/api/v1/gigs/", {"mine": "true"} if name == "client" else {}).json()
        card = next(c for c in listed["results"] if c["id"] == gig.pk)
        assert (card["summary"], card["contact_details_hidden"]) == (description[:200], kinds)

        page = browser(reader).get(f"/gigs/{gig.pk}/").content.decode()
        assert (PHONE in page) is (PHONE in description), name
        assert (GIG_NOTE in page) is bool(kinds), name


def test_a_message_reads_the_same_on_the_api_and_the_page(db, clock, readers):
    message = ContractMessageFactory(body=f"Kita lanjut di {PHONE} saja.", contact_flags=["phone"])
    contract = message.contract
    people = {"client": contract.client, "freelancer": contract.freelancer, **readers}
    for removed in (False, True):
        if removed:
            message.removed_at = timezone.now()
            message.save(update_fields=["removed_at"])
        for name, reader in people.items():
            if name == "stranger":
                continue  # a stranger reads no thread: 404 on both
            content = message_content_shown(message, reader)
            body = shown(message, "body", reader) if content else ""
            kinds = message_hidden_kinds(message, reader)
            assert content is (not removed or name == "moderator"), (removed, name)
            assert kinds == (["phone"] if name == "client" and not removed else []), name

            api = client_for(reader).get(f"/api/v1/contracts/{contract.pk}/messages/").json()
            item = next(m for m in api["results"] if m["id"] == message.pk)
            assert (item["body"], item["contact_details_hidden"]) == (body, kinds), name

            page = browser(reader).get(f"/contracts/{contract.pk}/").content.decode()
            assert (PHONE in page) is (PHONE in body), (removed, name)
            assert (MESSAGE_NOTE in page) is bool(kinds), (removed, name)
