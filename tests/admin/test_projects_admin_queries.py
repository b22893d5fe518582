"""Every projects changelist costs the same number of queries at 10 rows as at 200 (no N+1):
the per-row figures come from annotations and ``select_related``, never from a query per row.
Also the read-only lists (contracts, bids, messages, reviews, contact-filter hits): who may look,
that nobody edits them, and the list of contracts with a suspended party.

The rows are bulk-created: each changelist only reads them. The milestones stay pending so that
the ledger audit run after each test expects no escrow for them.
"""

from datetime import timedelta
from itertools import cycle

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Category, PortfolioItem, Skill, Suspension, User
from projects.models import (
    Bid,
    ContactHit,
    Contract,
    ContractMessage,
    Dispute,
    Gig,
    Milestone,
    Report,
    Review,
    Service,
)

CHANGELISTS = [
    "projects/gig",
    "projects/service",
    "projects/report",
    "projects/dispute",
    "projects/contract",
    "projects/bid",
    "projects/contractmessage",
    "projects/review",
    "projects/contacthit",
    # The taxonomy, accounts' models in the projects admin.
    "accounts/category",
    "accounts/skill",
]


def build(n: int, batch: str) -> None:
    """``n`` rows of every model the changelists show, with varied states and related rows."""
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(username=f"{batch}-{role}{i}", email=f"{batch}-{role}{i}@example.id")
            for role in ("klien", "pekerja")
            for i in range(n)
        ]
    )
    clients, freelancers = users[:n], users[n:]
    categories = Category.objects.bulk_create(
        [
            Category(
                slug=f"{batch}-kategori-{i}",
                name_id=f"Kategori {batch} {i}",
                name_en=f"Category {batch} {i}",
                min_price=50_000,
            )
            for i in range(n)
        ]
    )
    Skill.objects.bulk_create(
        [
            Skill(slug=f"{batch}-keahlian-{i}", name=f"Keahlian {i}", category=categories[i])
            for i in range(n)
        ]
    )
    states = cycle([Gig.Status.PENDING_REVIEW, Gig.Status.AWARDED, Gig.Status.REJECTED])
    gigs = Gig.objects.bulk_create(
        [
            Gig(
                client=clients[i],
                title=f"Desain logo {batch} {i}",
                description="Hubungi 0812 3456 7890 untuk detail.",
                category=categories[i],
                budget=150_000,
                bidding_deadline=now + timedelta(days=3),
                delivery_deadline=now + timedelta(days=13),
                status=next(states),
                content_flags=["phone"] if i % 2 else [],
                hidden_at=now if i % 5 == 0 else None,
                hidden_reason=Gig.HiddenReason.REMOVED if i % 5 == 0 else "",
            )
            for i in range(n)
        ]
    )
    bids = Bid.objects.bulk_create(
        [
            Bid(
                gig=gigs[i],
                freelancer=freelancers[i],
                amount=120_000,
                delivery_days=5,
                cover_letter="Saya siap mengerjakan.",
                status=Bid.Status.ACCEPTED,
                contact_flags=["phone"] if i % 3 == 0 else [],
                removed_at=now if i % 4 == 0 else None,
            )
            for i in range(n)
        ]
    )
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                gig=gigs[i],
                bid=bids[i],
                client=clients[i],
                freelancer=freelancers[i],
                amount=120_000,
                revisions_included=2,
                agreed_delivery_at=now + timedelta(days=5),
            )
            for i in range(n)
        ]
    )
    milestones = Milestone.objects.bulk_create(
        [
            Milestone(
                contract=contracts[i],
                position=1,
                title=f"Logo {i}",
                amount=120_000,
                due_at=now + timedelta(days=5),
            )
            for i in range(n)
        ]
    )
    disputes = Dispute.objects.bulk_create(
        [
            Dispute(
                milestone=milestones[i],
                opened_by=clients[i] if i % 2 else freelancers[i],
                reason="Tidak sesuai brief.",
                status=Dispute.Status.OPEN if i % 3 else Dispute.Status.RESOLVED,
            )
            for i in range(n)
        ]
    )
    # Half of them old enough to be flagged unanswered.
    Dispute.objects.filter(pk__in=[d.pk for d in disputes[::2]]).update(
        created_at=now - timedelta(days=5)
    )
    messages = ContractMessage.objects.bulk_create(
        [
            ContractMessage(
                contract=contracts[i],
                sender=disputes[i].opened_by,  # only the opener writes: old ones are flagged
                body="Transfer langsung ke rekening saya.",
                contact_flags=["off_platform"],
                removed_at=now if i % 3 == 0 else None,
            )
            for i in range(n)
        ]
    )
    reviews = Review.objects.bulk_create(
        [
            Review(
                contract=contracts[i],
                author=clients[i],
                subject=freelancers[i],
                subject_role=Review.Subject.FREELANCER,
                quality=5,
                communication=4,
                value=5,
                comment="Cepat dan rapi.",
                revealed_at=now,
            )
            for i in range(n)
        ]
    )
    items = PortfolioItem.objects.bulk_create(
        [PortfolioItem(owner=freelancers[i], title=f"Karya {i}") for i in range(n)]
    )
    T = Report.TargetType
    targets = [
        lambda i: (T.GIG, gigs[i].pk, clients[i], freelancers[i]),
        lambda i: (T.BID, bids[i].pk, freelancers[i], clients[i]),
        lambda i: (T.PROFILE, clients[i].pk, clients[i], None),  # raised automatically
        lambda i: (T.PORTFOLIO_ITEM, items[i].pk, freelancers[i], clients[i]),
        lambda i: (T.REVIEW, reviews[i].pk, clients[i], freelancers[i]),
        lambda i: (T.MESSAGE, messages[i].pk, messages[i].sender, clients[i]),
    ]
    reports = []
    for i in range(n):
        target_type, target_id, owner, reporter = targets[i % len(targets)](i)
        reports.append(
            Report(
                reporter=reporter,
                target_type=target_type,
                target_id=target_id,
                target_user=owner,
                reason=Report.Reason.SPAM,
                status=Report.Status.OPEN if i % 4 else Report.Status.RESOLVED,
                outcome="" if i % 4 else Report.Outcome.DISMISSED,
            )
        )
    Report.objects.bulk_create(reports)
    ContactHit.objects.bulk_create(
        [
            ContactHit(user=clients[i], source="gig", source_id=gigs[i].pk, kinds=["phone"])
            for i in range(n)
        ]
    )
    Suspension.objects.bulk_create(
        [
            Suspension(user=freelancers[i], reason="Spam.", starts_at=now - timedelta(hours=1))
            for i in range(0, n, 4)
        ]
    )
    service_states = cycle(
        [Service.Status.PENDING_REVIEW, Service.Status.LIVE, Service.Status.DRAFT]
    )
    Service.objects.bulk_create(
        [
            Service(
                freelancer=freelancers[i],
                title=f"Jasa desain {batch} {i}",
                description="Logo sederhana untuk usaha rumahan, siap cetak.",
                category=categories[i],
                status=next(service_states),
                price_from=100_000,
                content_flags=["phone"] if i % 3 == 0 else [],
            )
            for i in range(n)
        ]
    )


@pytest.fixture
def moderator_client(roles, admin_client_for):
    return admin_client_for(roles["moderator"])


def measure(client, url: str) -> tuple[int, int]:
    """(queries, rows listed) for one changelist page showing every row."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    listed = len(response.context["cl"].result_list)
    return len(queries), listed


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(moderator_client, model):
    url = f"/admin/{model}/?all="  # every row on one page (up to list_max_show_all)
    build(10, "a")
    moderator_client.get(url)  # warm the caches a first request fills (content types, …)

    small, listed_small = measure(moderator_client, url)
    build(190, "b")
    large, listed_large = measure(moderator_client, url)

    assert (listed_small, listed_large) == (10, 200)
    assert large == small


@pytest.mark.parametrize(
    "query",
    [
        "gig/?status__exact=pending_review&hidden=no&q=logo",
        "service/?status__exact=pending_review&q=desain",
        "report/?state=open&target_type__exact=gig",
        "dispute/?unanswered=yes&status__exact=open",
        "contract/?suspended_party=yes",
        "bid/?removed=yes",
        "contractmessage/?removed=no",
        "review/?removed=no",
    ],
)
def test_filtered_changelists_stay_constant_too(moderator_client, query):
    url = f"/admin/projects/{query}&all="
    build(10, "a")
    moderator_client.get(url)

    small, listed_small = measure(moderator_client, url)
    build(190, "b")
    large, listed_large = measure(moderator_client, url)

    assert 0 < listed_small < listed_large
    assert large == small


# --- the read-only lists: who may look, and the suspended-party filter ------------------------

READ_ONLY = ["contract", "bid", "contractmessage", "review", "contacthit"]


@pytest.mark.parametrize("model", READ_ONLY)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("moderator", 200), ("superuser", 200), ("plain_staff", 403), ("ordinary", 302)],
)
def test_read_only_pages_by_role(roles, admin_client_for, model, role, expected):
    build(1, "a")
    pk = apps.get_model("projects", model).objects.get().pk
    client = admin_client_for(roles[role])

    pages = [f"/admin/projects/{model}/", f"/admin/projects/{model}/{pk}/change/"]

    for page in pages:
        response = client.get(page)
        assert response.status_code == expected, page
        if role == "ordinary":
            assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("model", READ_ONLY)
def test_nobody_adds_edits_or_deletes_on_the_read_only_lists(roles, admin_client_for, model):
    build(1, "a")
    pk = apps.get_model("projects", model).objects.get().pk
    client = admin_client_for(roles["superuser"])

    assert client.get(f"/admin/projects/{model}/add/").status_code == 403
    assert client.post(f"/admin/projects/{model}/{pk}/change/", {}).status_code == 403
    assert client.post(f"/admin/projects/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403
    assert apps.get_model("projects", model).objects.filter(pk=pk).exists()


def test_contracts_with_a_suspended_party_are_listed_to_settle(roles, admin_client_for):
    build(4, "a")  # freelancer 0 is suspended (every fourth)
    contracts = list(Contract.objects.order_by("pk"))
    lifted = contracts[1].client
    Suspension.objects.create(
        user=lifted, reason="Spam.", starts_at=timezone.now(), lifted_at=timezone.now()
    )
    ended = contracts[2].client
    Suspension.objects.create(
        user=ended,
        reason="Spam.",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=1),
    )
    done = contracts[3]
    Suspension.objects.create(user=done.client, reason="Spam.", starts_at=timezone.now())
    Contract.objects.filter(pk=done.pk).update(status=Contract.Status.COMPLETED)
    client = admin_client_for(roles["moderator"])

    response = client.get("/admin/projects/contract/?suspended_party=yes")

    assert [c.pk for c in response.context["cl"].result_list] == [contracts[0].pk]
    everything = client.get("/admin/projects/contract/").context["cl"].result_list
    assert {c.pk: c.party_suspended for c in everything} == {
        contracts[0].pk: True,
        contracts[1].pk: False,
        contracts[2].pk: False,
        contracts[3].pk: False,  # suspended, but the contract is over: nothing to settle
    }
