"""Payout destinations: only in the freelancer's verified name (the bank's too, where the gateway
can ask), only their own to see, use or remove; a withdrawal to one keeps a copy of it."""

from __future__ import annotations

import pytest

from payments import gateways
from payments.gateways.base import GatewayUnavailable
from payments.gateways.payouts import NameCheckUnavailable, NoSuchAccount
from payments.gateways.xendit_payouts import XenditPayoutGateway
from payments.models import PayoutDestination, Withdrawal
from payments.names import names_match
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.payments.factories import verified
from tests.payments.payout_support import (
    AMOUNT,
    DESTINATIONS,
    WITHDRAWALS,
    add_destination,
    freelancer_with_money,
    ledger_rows,
)

pytestmark = pytest.mark.django_db

BCA = {"channel_code": "BCA", "account_number": "1234567890", "holder_name": "Siti Aminah"}


@pytest.mark.parametrize(
    ("typed", "verified_name", "match"),
    [
        ("SITI AMINAH", "Siti Aminah", True),
        ("  siti   aminah. ", "Siti Aminah", True),
        ("Siti Amínah", "Siti Aminah", True),
        ("Siti", "Siti Aminah", False),
        ("Aminah Siti", "Siti Aminah", False),
        ("", "", False),
    ],
)
def test_names_match_ignoring_case_spacing_accents_and_punctuation(typed, verified_name, match):
    assert names_match(typed, verified_name) is match


def test_the_sandbox_lists_its_fixed_banks_and_e_wallets_and_adds_one(settings):
    user = verified(UserFactory())
    client = client_for(user)

    listed = client.get(DESTINATIONS).json()
    assert {"code": "BCA", "label": "BCA", "kind": "bank"} in listed["channels"]
    assert {"code": "GOPAY", "label": "GoPay", "kind": "ewallet"} in listed["channels"]
    created = client.post(DESTINATIONS, {**BCA, "label": "Gaji"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "bank"
    assert [d["id"] for d in client.get(DESTINATIONS).json()["results"]] == [created.json()["id"]]
    again = client.post(DESTINATIONS, BCA, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"holder_name": "Budi Santoso"}, "holder_name"),
        ({"channel_code": "ID_BCA"}, "channel_code"),  # Xendit's code, not the sandbox's
        ({"account_number": "12ab"}, "account_number"),
    ],
)
def test_a_destination_not_in_ones_name_or_not_payable_is_refused(change, field):
    user = verified(UserFactory())
    response = client_for(user).post(DESTINATIONS, {**BCA, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert PayoutDestination.objects.count() == 0


def test_no_destination_without_an_approved_identity():
    response = client_for(UserFactory()).post(DESTINATIONS, BCA, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "identity_not_verified"
    assert PayoutDestination.objects.count() == 0


class NameCheckingGateway(XenditPayoutGateway):
    offers_name_check = True
    bank_says: str | Exception = "SITI AMINAH"

    def __init__(self) -> None:
        pass  # never calls Xendit

    def check_account_name(self, *, channel_code: str, account_number: str) -> str:
        if isinstance(self.bank_says, Exception):
            raise self.bank_says
        return self.bank_says


@pytest.fixture
def name_checking(settings, monkeypatch):
    settings.PAYMENT_GATEWAY = "xendit"
    monkeypatch.setitem(gateways.PAYOUT_GATEWAYS, "xendit", NameCheckingGateway)
    return NameCheckingGateway


@pytest.mark.parametrize(
    ("bank_says", "status"),
    [
        ("SITI AMINAH", 201),
        ("BUDI SANTOSO", 400),
        (NoSuchAccount("dormant"), 400),
        (NameCheckUnavailable("not for this account"), 503),
        (GatewayUnavailable("down"), 503),
    ],
)
def test_where_the_gateway_checks_names_the_banks_name_must_match(
    name_checking, monkeypatch, bank_says, status
):
    monkeypatch.setattr(name_checking, "bank_says", bank_says)
    user = verified(UserFactory())
    response = client_for(user).post(DESTINATIONS, {**BCA, "channel_code": "ID_BCA"}, format="json")
    assert response.status_code == status, response.content
    assert PayoutDestination.objects.count() == (1 if status == 201 else 0)


def test_strangers_and_others_cannot_see_use_or_remove_ones_destination(settings):
    owner = freelancer_with_money(settings)
    destination = add_destination(owner, channel_code="BCA")
    other = freelancer_with_money(settings)
    url = f"{DESTINATIONS}{destination.pk}/"

    assert client_for(other).get(DESTINATIONS).json()["results"] == []
    assert client_for(other).delete(url).status_code == 404
    before = ledger_rows()
    used = client_for(other).post(
        WITHDRAWALS, {"amount": AMOUNT, "destination": destination.pk}, format="json"
    )
    assert used.status_code == 400
    assert ledger_rows() == before
    assert Withdrawal.objects.count() == 0
    from rest_framework.test import APIClient

    anonymous = APIClient()
    assert anonymous.get(DESTINATIONS).status_code == 401
    assert anonymous.post(DESTINATIONS, BCA, format="json").status_code == 401
    assert anonymous.delete(url).status_code == 401
    assert PayoutDestination.objects.filter(pk=destination.pk).exists()


def test_a_withdrawal_keeps_its_copy_after_the_destination_is_removed(settings):
    owner = freelancer_with_money(settings)
    destination = add_destination(owner, channel_code="GOPAY", account_number="081234567890")
    response = client_for(owner).post(
        WITHDRAWALS, {"amount": AMOUNT, "destination": destination.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "requested"  # the sandbox: finance pays by hand
    assert (body["method"], body["bank_code"], body["holder_name"]) == (
        "ewallet",
        "GOPAY",
        "SITI AMINAH",
    )

    assert client_for(owner).delete(f"{DESTINATIONS}{destination.pk}/").status_code == 204
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.destination is None
    assert (withdrawal.bank_code, withdrawal.account_number) == ("GOPAY", "081234567890")


def test_destination_and_typed_account_together_are_refused(settings):
    owner = freelancer_with_money(settings)
    destination = add_destination(owner, channel_code="BCA")
    response = client_for(owner).post(
        WITHDRAWALS,
        {"amount": AMOUNT, "destination": destination.pk, "bank_code": "BCA"},
        format="json",
    )
    assert response.status_code == 400
    assert "bank_code" in response.json()["fields"]
