"""A revision request keeps its own row (projects.RevisionRequest): the client's whole note,
which revision it is, and when. Both parties read it on the contract page under the milestone
(in either language) and in the contract's API, moderators in the API and the dispute console
(tests/admin/test_dispute_console.py); a stranger gets the 404 of a contract that does not
exist. The contract's message thread holds people's messages only (no system entries), so the
requests are shown on the contract page, not in the thread. The migration that numbers the
rows written before the number existed runs forward on a database holding such rows.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from projects.models import Delivery, Milestone, RevisionRequest
from projects.services import milestones as services
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.matrix import moderators_group
from tests.migrating import migrate
from tests.projects.factories import ContractFactory

ASKED = "Warna birunya dibuat lebih gelap, dan logonya tanpa bayangan. Hubungi saya di sini saja."
AGAIN = "Satu lagi: hurufnya sedikit lebih tebal."


def ask_twice(contract, submitted) -> None:
    services.milestone_request_revision(
        milestone_id=submitted.pk, actor=contract.client, note=f"  {ASKED}\n"
    )
    services.milestone_submit(milestone_id=submitted.pk, actor=contract.freelancer, note="V2.")
    services.milestone_request_revision(
        milestone_id=submitted.pk, actor=contract.client, note=AGAIN
    )


@pytest.mark.django_db
def test_the_service_writes_one_numbered_row_per_request(contract, submitted):
    ask_twice(contract, submitted)

    rows = RevisionRequest.objects.order_by("pk")
    assert [(r.number, r.note, r.delivery.milestone_id) for r in rows] == [
        (1, ASKED, submitted.pk),
        (2, AGAIN, submitted.pk),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("party", ["client", "freelancer"])
@pytest.mark.parametrize(
    ("language", "when"),
    [("en", "3 Mar 2025, 10:00 WIB"), ("id", "3 Mar 2025, 10:00 WIB")],
)
def test_both_parties_read_the_requests_on_the_contract_page(
    contract, submitted, party, language, when
):
    ask_twice(contract, submitted)
    browser = Client(headers={"accept-language": language})
    browser.force_login(getattr(contract, party))

    response = browser.get(f"/contracts/{contract.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    first, second = RevisionRequest.objects.order_by("pk")
    for row in (first, second):
        assert f'id="revision-request-{row.pk}"' in html
    assert ASKED in html
    assert AGAIN in html
    assert when in html
    if language == "en":
        name = contract.client.public_name
        assert f"Revision 1 of 2, asked by {name} on {when}:" in html
        assert f"Revision 2 of 2, asked by {name} on {when}:" in html


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["client", "freelancer", "moderator"])
def test_the_parties_and_moderators_read_the_requests_in_the_api(contract, submitted, viewer):
    ask_twice(contract, submitted)
    if viewer == "moderator":
        reader = UserFactory(is_staff=True)
        reader.groups.add(moderators_group())
    else:
        reader = getattr(contract, viewer)

    response = client_for(reader).get(f"/api/v1/contracts/{contract.pk}/")

    assert response.status_code == 200
    [milestone] = response.json()["milestones"]
    first, second = Delivery.objects.order_by("pk")
    assert milestone["revision_requests"] == [
        {
            "number": 1,
            "delivery": first.pk,
            "note": ASKED,
            "created_at": "2025-03-03T10:00:00+07:00",
        },
        {
            "number": 2,
            "delivery": second.pk,
            "note": AGAIN,
            "created_at": "2025-03-03T10:00:00+07:00",
        },
    ]


@pytest.mark.django_db
def test_the_contract_list_and_the_action_answer_carry_them_too(contract, submitted):
    asked = client_for(contract.client).post(
        f"/api/v1/milestones/{submitted.pk}/request-revision/", {"note": ASKED}
    )
    listed = client_for(contract.freelancer).get("/api/v1/contracts/")

    assert asked.status_code == 200
    assert [r["note"] for r in asked.json()["revision_requests"]] == [ASKED]
    [item] = listed.json()["results"]
    assert [r["note"] for r in item["milestones"][0]["revision_requests"]] == [ASKED]


@pytest.mark.django_db
def test_a_stranger_gets_the_404_of_a_contract_that_does_not_exist(contract, submitted):
    ask_twice(contract, submitted)
    stranger = client_for(UserFactory())

    hidden = stranger.get(f"/api/v1/contracts/{contract.pk}/")
    missing = stranger.get("/api/v1/contracts/999999/")
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(UserFactory())
    page = browser.get(f"/contracts/{contract.pk}/")

    assert (hidden.status_code, hidden.json()) == (404, missing.json())
    assert ASKED not in hidden.content.decode()
    assert page.status_code == 404
    assert ASKED not in page.content.decode()


def _revised_contract(milestones: int):
    contract = ContractFactory(bid__revisions_included=2)
    milestone = contract.milestones.get()
    for position in range(2, milestones + 1):
        Milestone.objects.create(
            contract=contract,
            position=position,
            title=f"Bagian {position}",
            amount=milestone.amount,
            due_at=milestone.due_at,
        )
    for each in contract.milestones.all():
        for number in (1, 2):
            delivery = Delivery.objects.create(milestone=each, note=f"V{number}.")
            RevisionRequest.objects.create(delivery=delivery, note=AGAIN, number=number)
    return contract


@pytest.mark.django_db
def test_the_contract_in_the_api_costs_the_same_however_many_requests():
    small, large = _revised_contract(1), _revised_contract(5)
    counts = []
    for contract in (small, large):
        client = client_for(contract.client)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/contracts/{contract.pk}/")
        assert response.status_code == 200
        assert all(len(m["revision_requests"]) == 2 for m in response.json()["milestones"])
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_a_milestone_never_revised_has_an_empty_list(contract, submitted):
    response = client_for(contract.client).get(f"/api/v1/contracts/{contract.pk}/")

    assert response.json()["milestones"][0]["revision_requests"] == []


def test_the_schema_documents_the_list():
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    listed = schemas["Milestone"]["properties"]["revision_requests"]
    assert listed["type"] == "array"
    item = schemas[listed["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(item["properties"]) == {"number", "delivery", "note", "created_at"}
    assert listed["description"]


# --- the migration ------------------------------------------------------------------------------

BEFORE = [("projects", "0017_gig_search_trigger_by_pgtrigger")]
AFTER = [("projects", "0018_revision_request_number")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_migrations_after")
def test_the_migration_numbers_the_rows_already_written():
    apps = migrate(BEFORE)
    OldRequest = apps.get_model("projects", "RevisionRequest")
    # The tables of contracts, milestones and deliveries are the same before and after.
    revised = ContractFactory(bid__revisions_included=3)
    milestone = revised.milestones.get()
    deliveries = [Delivery.objects.create(milestone=milestone, note=f"V{n}") for n in (1, 2, 3)]
    # Three requests, the first made before requests had rows: only the last two have one.
    type(milestone).objects.filter(pk=milestone.pk).update(revisions_used=3)
    for delivery, note in zip(deliveries[1:], ("Kedua.", "Ketiga."), strict=True):
        OldRequest.objects.create(delivery_id=delivery.pk, note=note)
    other = ContractFactory().milestones.get()
    type(other).objects.filter(pk=other.pk).update(revisions_used=1)
    OldRequest.objects.create(
        delivery_id=Delivery.objects.create(milestone=other, note="V1").pk, note="Satu."
    )

    migrate(AFTER)

    numbered = RevisionRequest.objects.order_by("pk").values_list("note", "number")
    assert list(numbered) == [("Kedua.", 2), ("Ketiga.", 3), ("Satu.", 1)]


@pytest.mark.django_db
def test_a_new_split_answers_with_empty_lists(contract):
    due = contract.agreed_delivery_at.isoformat()
    half = contract.amount // 2
    parts = [
        {"title": "Bagian 1", "amount": half, "due_at": due},
        {"title": "Bagian 2", "amount": contract.amount - half, "due_at": due},
    ]

    response = client_for(contract.client).post(
        f"/api/v1/contracts/{contract.pk}/milestones/", {"milestones": parts}, format="json"
    )

    assert response.status_code == 201
    assert [m["revision_requests"] for m in response.json()] == [[], []]
