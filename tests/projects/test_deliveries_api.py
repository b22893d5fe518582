"""The client sees through the API what the freelancer delivered before approving it:
``GET contracts/{id}/deliveries/`` lists each delivery's note, its files with their download
links and the revision the client asked of it, newest first. Who may read it is a row of the
permission matrix (tests/projects/test_permissions.py): anonymous 401, a stranger 404, both
parties and moderators 200. Here: what it says, that the links download the files, the page
showing the same revision text, and a constant query budget.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from projects.models import Delivery, DeliveryFile, Milestone, RevisionRequest
from projects.services import milestones as services
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.contracts import NOTE, only
from tests.projects.factories import ContractFactory
from tests.projects.test_query_counts import TOKEN
from tests.samples import PDF

pytestmark = pytest.mark.django_db

ASKED = "Warna birunya dibuat lebih gelap, dan logonya tanpa bayangan."


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def deliveries(user, contract, **params):
    return client_for(user).get(f"/api/v1/contracts/{contract.pk}/deliveries/", params)


def test_after_a_submission_the_client_reads_the_note_and_downloads_the_files(contract, funded):
    services.milestone_submit(
        milestone_id=funded.pk,
        actor=contract.freelancer,
        note=NOTE,
        files=[pdf("logo.pdf"), pdf("panduan.pdf")],
    )
    logo, guide = DeliveryFile.objects.order_by("pk")
    delivery = Delivery.objects.get()

    response = deliveries(contract.client, contract)

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": delivery.pk,
            "milestone": funded.pk,
            "note": NOTE,
            "files": [
                {
                    "id": file.pk,
                    "name": name,
                    "content_type": "application/pdf",
                    "size": len(PDF),
                    "download_url": f"/api/v1/contracts/{contract.pk}/deliveries/files/{file.pk}/",
                }
                for file, name in ((logo, "logo.pdf"), (guide, "panduan.pdf"))
            ],
            "revision_request": None,
            "created_at": "2025-03-03T10:00:00+07:00",
        }
    ]
    link = response.json()["results"][0]["files"][0]["download_url"]
    download = client_for(contract.client).get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_revision_request_is_kept_with_the_delivery_it_answers(contract, submitted, clock):
    client = client_for(contract.client)
    asked = client.post(
        f"/api/v1/milestones/{submitted.pk}/request-revision/", {"note": f"  {ASKED}  "}
    )
    assert asked.status_code == 200
    services.milestone_submit(
        milestone_id=submitted.pk, actor=contract.freelancer, note="Versi kedua."
    )

    results = deliveries(contract.freelancer, contract).json()["results"]

    # Newest first: the second delivery (nothing asked of it yet), then the first.
    assert [(d["note"], d["revision_request"]) for d in results] == [
        ("Versi kedua.", None),
        (
            NOTE,
            {
                "number": 1,
                "delivery": Delivery.objects.order_by("pk").first().pk,
                "note": ASKED,
                "created_at": "2025-03-03T10:00:00+07:00",
            },
        ),
    ]
    first = Delivery.objects.order_by("pk").first()
    assert RevisionRequest.objects.get().delivery == first


def test_the_contract_page_shows_what_was_asked(contract, submitted):
    services.milestone_request_revision(
        milestone_id=submitted.pk, actor=contract.client, note=ASKED
    )
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(contract.freelancer)
    html = browser.get(f"/contracts/{contract.pk}/").content.decode()

    assert "Revision 1 of 2, asked by " in html
    assert "on 3 Mar 2025, 10:00 WIB:" in html
    assert ASKED in html


def test_a_refused_revision_request_keeps_no_text(contract, submitted):
    Milestone.objects.filter(pk=submitted.pk).update(revisions_used=2)  # none left

    refused = client_for(contract.client).post(
        f"/api/v1/milestones/{submitted.pk}/request-revision/", {"note": ASKED}
    )

    assert refused.status_code == 409
    assert not RevisionRequest.objects.exists()


def test_a_stranger_gets_the_same_404_as_for_a_contract_that_does_not_exist(contract, submitted):
    stranger = UserFactory()

    hidden = deliveries(stranger, contract)
    missing = client_for(stranger).get("/api/v1/contracts/999999/deliveries/")

    assert (hidden.status_code, hidden.json()) == (404, missing.json())


# --- the query budget -------------------------------------------------------------------------

DELIVERY_LIST = 2 + 2  # the contract and its milestones; the page with its revision requests;
# the files of the page


@pytest.mark.parametrize("count", [2, 40])
def test_the_delivery_list_costs_the_same_at_any_size(django_assert_num_queries, count):
    contract = ContractFactory()
    milestone = only(contract)
    for n in range(count):
        delivery = Delivery.objects.create(milestone=milestone, note=f"Versi {n + 1}.")
        for k in range(n % 3):
            DeliveryFile.objects.create(
                delivery=delivery,
                file=f"milestones/{milestone.pk}/deliveries/v{n}-{k}.pdf",
                original_name=f"v{n}-{k}.pdf",
                content_type="application/pdf",
                size=2048,
            )
        if n % 2:
            RevisionRequest.objects.create(
                delivery=delivery, note=f"Ubah versi {n + 1}.", number=n // 2 + 1
            )
    client = client_for(contract.client)

    with django_assert_num_queries(TOKEN + DELIVERY_LIST):
        response = client.get(f"/api/v1/contracts/{contract.pk}/deliveries/", {"page_size": 100})

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == count
    assert sum(len(d["files"]) for d in results) == sum(n % 3 for n in range(count))
    assert sum(d["revision_request"] is not None for d in results) == count // 2


def test_the_schema_documents_the_deliveries():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/contracts/{contract_id}/deliveries/"]["get"]
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    item = schema["components"]["schemas"][page.rsplit("/", 1)[1]]["properties"]["results"]
    delivery = schema["components"]["schemas"][item["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(delivery["properties"]) == {
        "id",
        "milestone",
        "note",
        "files",
        "revision_request",
        "created_at",
    }
    file = schema["components"]["schemas"]["DeliveredFile"]
    assert "download_url" in file["properties"]
