"""The money loop through the API: top up in the sandbox, fund, submit, approve — and the
balances are exactly right, with the ledger audit passing."""

import pytest
from django.core.management import call_command

from payments.gateways.sandbox import SIGNATURE_HEADER, sign, webhook_body
from payments.models import LedgerTransaction
from projects.audit import ledger_problems
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.projects.factories import GigFactory

WEBHOOK = "/api/v1/payments/webhooks/sandbox/"


def pay_deposit(api_client, deposit: dict) -> None:
    """What the sandbox gateway does when the payer clicks "Pay": a signed webhook."""
    body = webhook_body(reference=deposit["reference"], status="paid", amount=deposit["amount"])
    response = api_client.generic(
        "POST",
        WEBHOOK,
        body,
        content_type="application/json",
        **{f"HTTP_{SIGNATURE_HEADER.upper().replace('-', '_')}": sign(body)},
    )
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_top_up_fund_submit_approve_pays_exactly(api_client):
    gig = GigFactory(budget=300_000)
    freelancer = UserFactory()
    client, worker = client_for(gig.client), client_for(freelancer)
    bid = worker.post(
        f"/api/v1/gigs/{gig.pk}/bids/",
        {
            "amount": 250_000,
            "delivery_days": 5,
            "cover_letter": "Saya kerjakan dengan rapi, dua revisi termasuk.",
        },
        format="json",
    ).json()
    contract = client.post(f"/api/v1/bids/{bid['id']}/accept/").json()
    milestone_id = contract["milestones"][0]["id"]

    short = client.post(f"/api/v1/milestones/{milestone_id}/fund/")
    assert short.status_code == 402
    assert short.json()["message"] == "Not enough money: Rp 250.000 more is needed."

    deposit = client.post("/api/v1/wallet/deposits/", {"amount": 400_000}, format="json").json()
    assert deposit["status"] == "pending"
    assert deposit["checkout_url"].endswith(f"/payments/sandbox/checkout/{deposit['reference']}/")
    assert client.get("/api/v1/wallet/").json()["available"] == 0
    pay_deposit(api_client, deposit)
    pay_deposit(api_client, deposit)  # a gateway retry credits once
    assert client.get("/api/v1/wallet/").json()["available"] == 400_000

    funded = client.post(f"/api/v1/milestones/{milestone_id}/fund/")
    assert funded.status_code == 200, funded.json()
    assert client.get("/api/v1/wallet/").json() == {
        "currency": "IDR",
        "available": 150_000,
        "in_escrow": 250_000,
        "pending_withdrawal": 0,
    }

    submitted = worker.post(
        f"/api/v1/milestones/{milestone_id}/submit/",
        {"note": "Logo final terlampir, format PNG dan SVG."},
        format="json",
    )
    assert submitted.status_code == 200, submitted.json()
    approved = client.post(f"/api/v1/milestones/{milestone_id}/approve/")
    assert approved.status_code == 200, approved.json()
    again = client.post(f"/api/v1/milestones/{milestone_id}/approve/")
    assert again.status_code == 200

    assert client.get("/api/v1/wallet/").json()["available"] == 150_000
    assert client.get("/api/v1/wallet/").json()["in_escrow"] == 0
    assert worker.get("/api/v1/wallet/").json()["available"] == 225_000  # 250 000 less 10 %
    assert LedgerTransaction.objects.filter(kind="release").count() == 1
    assert client.get(f"/api/v1/contracts/{contract['id']}/").json()["status"] == "completed"
    history = worker.get("/api/v1/wallet/transactions/").json()["results"]
    assert [(e["kind"], e["amount"]) for e in history] == [("release", 225_000)]
    assert ledger_problems() == []
    call_command("ledger_audit")
