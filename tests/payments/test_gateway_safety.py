"""The sandbox gateway cannot be used to mint money where real money is: its routes vanish when
it is not the gateway, and a webhook signed with the public development secret moves nothing
on a staging configuration (production settings themselves: tests/marketplace/test_settings.py)."""

import importlib

import pytest
from django.test import Client
from django.urls import NoReverseMatch, clear_url_caches, reverse

from marketplace.errors import NotFound
from payments import checks
from payments.gateways.sandbox import SIGNATURE_HEADER, sign, webhook_body
from payments.models import Account, Deposit, LedgerTransaction
from payments.services.deposits import deposit_create, sandbox_pay
from payments.tasks import deliver_sandbox_webhook, redeliver_sandbox_webhooks
from tests.accounts.factories import UserFactory
from tests.conftest import client_for

WEBHOOK = "/api/v1/payments/webhooks/sandbox/"
SIGNATURE_META = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")
STAGING_SECRET = "staging-" + "Qm7#Lp2@Xv9!Rt4$Wn8%Zk3^"


def reload_urls() -> None:
    import marketplace.urls
    import payments.sandbox_urls

    importlib.reload(payments.sandbox_urls)
    importlib.reload(marketplace.urls)
    clear_url_caches()


@pytest.fixture
def sandbox_off(settings):
    """A site whose gateway is a live one: the URLconf is built as it would be there."""
    settings.PAYMENT_GATEWAY = "live-gateway"
    reload_urls()
    yield
    settings.PAYMENT_GATEWAY = "sandbox"
    reload_urls()


@pytest.fixture
def staging(settings):
    """Production's gateway settings on a staging site: the sandbox, opted into, own secret."""
    settings.ALLOW_SANDBOX_GATEWAY = True
    settings.SANDBOX_WEBHOOK_SECRET = STAGING_SECRET
    assert checks.gateway_problems(lambda name: getattr(settings, name, None)) == []


def snapshot() -> tuple:
    return (
        LedgerTransaction.objects.count(),
        sorted(Account.objects.values_list("reference", "balance")),
        sorted(Deposit.objects.values_list("pk", "status")),
    )


def pending_sandbox_deposit() -> Deposit:
    """A sandbox top-up left pending from before the site switched to a live gateway."""
    return Deposit.objects.create(
        user=UserFactory(), amount=500_000, provider="sandbox", reference="left-over-1"
    )


def forged_paid(deposit: Deposit, secret: str, settings) -> tuple[bytes, str]:
    body = webhook_body(reference=deposit.reference, status="paid", amount=deposit.amount)
    own = settings.SANDBOX_WEBHOOK_SECRET
    settings.SANDBOX_WEBHOOK_SECRET = secret
    signature = sign(body)
    settings.SANDBOX_WEBHOOK_SECRET = own
    return body, signature


@pytest.mark.django_db
def test_a_webhook_signed_with_the_public_default_secret_moves_nothing_on_staging(
    staging, settings, api_client
):
    deposit = deposit_create(user=UserFactory(), amount=1_000_000)
    body, signature = forged_paid(deposit, settings.DEVELOPMENT_WEBHOOK_SECRET, settings)
    before = snapshot()

    response = api_client.generic(
        "POST", WEBHOOK, body, content_type="application/json", **{SIGNATURE_META: signature}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert snapshot() == before
    assert Deposit.objects.get(pk=deposit.pk).status == Deposit.Status.PENDING


@pytest.mark.django_db
def test_the_staging_secret_still_confirms_a_real_sandbox_payment(staging, settings, api_client):
    deposit = deposit_create(user=UserFactory(), amount=100_000)
    body, signature = forged_paid(deposit, STAGING_SECRET, settings)

    response = api_client.generic(
        "POST", WEBHOOK, body, content_type="application/json", **{SIGNATURE_META: signature}
    )

    assert response.status_code == 200
    assert Deposit.objects.get(pk=deposit.pk).status == Deposit.Status.PAID


@pytest.mark.django_db
def test_a_correctly_signed_sandbox_webhook_is_404_when_the_sandbox_is_off(
    sandbox_off, settings, api_client
):
    deposit = pending_sandbox_deposit()
    body = webhook_body(reference=deposit.reference, status="paid", amount=deposit.amount)
    before = snapshot()

    response = api_client.generic(
        "POST", WEBHOOK, body, content_type="application/json", **{SIGNATURE_META: sign(body)}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot() == before


@pytest.mark.django_db
def test_the_sandbox_checkout_route_does_not_exist_when_the_sandbox_is_off(sandbox_off):
    deposit = pending_sandbox_deposit()
    before = snapshot()

    page = Client().get(f"/payments/sandbox/checkout/{deposit.reference}/")
    paid = Client().post(f"/payments/sandbox/checkout/{deposit.reference}/", {"outcome": "pay"})

    assert (page.status_code, paid.status_code) == (404, 404)
    with pytest.raises(NoReverseMatch):
        reverse("sandbox-checkout", kwargs={"reference": deposit.reference})
    assert snapshot() == before


@pytest.mark.django_db
def test_the_sandbox_checkout_route_exists_while_the_sandbox_is_the_gateway():
    deposit = pending_sandbox_deposit()

    assert reverse("sandbox-checkout", kwargs={"reference": deposit.reference}) == (
        f"/payments/sandbox/checkout/{deposit.reference}/"
    )
    assert Client().get(f"/payments/sandbox/checkout/{deposit.reference}/").status_code == 200


@pytest.mark.django_db
def test_the_sandbox_tasks_and_service_do_nothing_when_the_sandbox_is_off(sandbox_off, settings):
    deposit = pending_sandbox_deposit()
    Deposit.objects.filter(pk=deposit.pk).update(
        gateway_outcome="paid", gateway_outcome_at="2020-01-01T00:00:00Z"
    )
    settings.SITE_URL = "http://127.0.0.1:9"  # were anything sent, it would fail loudly
    before = snapshot()

    assert deliver_sandbox_webhook(deposit.reference, "paid", deposit.amount) == 404
    assert redeliver_sandbox_webhooks() == 0
    with pytest.raises(NotFound):
        sandbox_pay(reference=deposit.reference, status="paid")
    assert snapshot() == before


@pytest.mark.django_db
def test_no_top_up_can_be_opened_with_the_sandbox_when_it_is_off(sandbox_off):
    response = client_for(UserFactory()).post(
        "/api/v1/wallet/deposits/", {"amount": 100_000, "provider": "sandbox"}, format="json"
    )

    assert response.status_code == 400
    assert Deposit.objects.count() == 0
