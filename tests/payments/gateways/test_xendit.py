"""The Xendit gateway through the official client against a local Xendit over real HTTP:
invoices opened, callbacks verified and read, and the outcome read back before money moves."""

import json
import time
import uuid

import pytest

from payments.gateways import GATEWAYS, InvalidWebhook
from payments.gateways.base import GatewayUnavailable
from payments.gateways.xendit import XenditGateway, XenditRefused, configuration_problems
from payments.models import Account, Deposit
from payments.services.deposits import deposit_create
from tests.accounts.factories import UserFactory
from tests.payments.gateways.conftest import SECRET_KEY, TIMEOUT

WEBHOOK = "/api/v1/payments/webhooks/xendit/"


def deposit(amount=150_000):
    return Deposit(reference=uuid.uuid4().hex, amount=amount, provider="xendit")


def paid_invoice(fake, gateway, dep):
    checkout = gateway.create_checkout(dep)
    fake.pay_invoice(checkout.provider_reference)
    return checkout.provider_reference


def test_the_gateway_is_registered_under_its_name():
    assert GATEWAYS["xendit"] is XenditGateway
    assert XenditGateway.secret_setting == "XENDIT_CALLBACK_TOKEN"


def test_checkout_opens_an_invoice_for_the_deposit(fake_xendit, settings):
    settings.VIRTUAL_ACCOUNT_EXPIRY_HOURS = 1
    dep = deposit()

    checkout = XenditGateway().create_checkout(dep, return_url="https://garap.test/wallet/")

    invoice = fake_xendit.invoices[checkout.provider_reference]
    assert checkout.url == invoice["invoice_url"]
    assert invoice["external_id"] == dep.reference
    assert invoice["amount"] == 150_000
    assert invoice["currency"] == "IDR"
    assert invoice["success_redirect_url"] == "https://garap.test/wallet/"
    assert invoice["failure_redirect_url"] == "https://garap.test/wallet/"
    assert [b["bank_code"] for b in invoice["available_banks"]] == [
        "BCA", "BNI", "BRI", "MANDIRI", "PERMATA"
    ]  # fmt: skip
    assert [e["ewallet_type"] for e in invoice["available_ewallets"]] == [
        "OVO", "DANA", "SHOPEEPAY", "LINKAJA"
    ]  # fmt: skip
    assert invoice["available_qr_codes"] == [{"qr_code_type": "QRIS"}]
    assert ("POST", "/v2/invoices/") in fake_xendit.requests


def test_checkout_without_a_return_url_sends_no_redirect(fake_xendit):
    checkout = XenditGateway().create_checkout(deposit())

    assert fake_xendit.invoices[checkout.provider_reference]["success_redirect_url"] is None


def test_payment_methods_are_what_a_xendit_invoice_offers_in_indonesia():
    codes = [m.code for m in XenditGateway.payment_methods]

    assert codes == [
        "bca_va", "bni_va", "bri_va", "mandiri_va", "permata_va",
        "qris", "ovo", "dana", "shopeepay", "linkaja",
    ]  # fmt: skip
    assert {m.kind for m in XenditGateway.payment_methods} == {
        "virtual_account", "qris", "ewallet"
    }  # fmt: skip


def test_a_wrong_secret_key_is_refused_not_reported_as_an_outage(fake_xendit, settings):
    settings.XENDIT_SECRET_KEY = "xnd_development_wrong"

    with pytest.raises(XenditRefused) as refused:
        XenditGateway().create_checkout(deposit())

    assert refused.value.status == "401"
    assert refused.value.error_code == "INVALID_API_KEY"
    assert fake_xendit.invoices == {}


# --- callbacks --------------------------------------------------------------------------------


def test_paid_callback_is_read_and_confirmed(fake_xendit):
    gateway, dep = XenditGateway(), deposit()
    invoice_id = paid_invoice(fake_xendit, gateway, dep)
    headers = fake_xendit.callback_headers()

    event = gateway.parse_webhook(fake_xendit.invoice_callback(invoice_id), headers)

    assert (event.reference, event.status, event.amount, event.currency) == (
        dep.reference, "paid", 150_000, "IDR"
    )  # fmt: skip
    assert event.event_id == headers["webhook-id"]
    assert gateway.confirm(event) == event


def test_header_names_are_read_in_any_case_as_django_hands_them_over(fake_xendit):
    gateway, dep = XenditGateway(), deposit()
    invoice_id = paid_invoice(fake_xendit, gateway, dep)
    headers = {k.title(): v for k, v in fake_xendit.callback_headers().items()}

    event = gateway.parse_webhook(fake_xendit.invoice_callback(invoice_id), headers)

    assert event.status == "paid"
    assert event.event_id == headers["Webhook-Id"]


@pytest.mark.parametrize(
    ("xendit_status", "status"),
    [("PAID", "paid"), ("SETTLED", "paid"), ("PENDING", "pending"), ("EXPIRED", "failed")],
)
def test_invoice_statuses_map_as_xendit_documents_them(fake_xendit, xendit_status, status):
    gateway, dep = XenditGateway(), deposit()
    invoice_id = gateway.create_checkout(dep).provider_reference
    if xendit_status in ("PAID", "SETTLED"):
        fake_xendit.pay_invoice(invoice_id, status=xendit_status)
    elif xendit_status == "EXPIRED":
        fake_xendit.expire_invoice(invoice_id)
    body = fake_xendit.invoice_callback(invoice_id)

    event = gateway.parse_webhook(body, fake_xendit.callback_headers())

    assert event.status == status
    assert gateway.confirm(event).status == status


def test_an_unknown_status_is_refused(fake_xendit):
    gateway = XenditGateway()
    invoice_id = gateway.create_checkout(deposit()).provider_reference

    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(
            fake_xendit.invoice_callback(invoice_id, status="REFUNDED_MAYBE"),
            fake_xendit.callback_headers(),
        )


@pytest.mark.parametrize("token", ["wrong-token", "", "x" * 50, "tökén"])
def test_a_forged_callback_token_is_refused(fake_xendit, token):
    gateway = XenditGateway()
    invoice_id = paid_invoice(fake_xendit, gateway, deposit())

    with pytest.raises(InvalidWebhook, match="token"):
        gateway.parse_webhook(
            fake_xendit.invoice_callback(invoice_id), fake_xendit.callback_headers(token)
        )


def test_a_callback_without_the_token_header_is_refused(fake_xendit):
    gateway = XenditGateway()
    invoice_id = paid_invoice(fake_xendit, gateway, deposit())

    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(fake_xendit.invoice_callback(invoice_id), {})


def test_with_no_token_configured_every_callback_is_refused(fake_xendit, settings):
    gateway = XenditGateway()
    invoice_id = paid_invoice(fake_xendit, gateway, deposit())
    settings.XENDIT_CALLBACK_TOKEN = ""

    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(fake_xendit.invoice_callback(invoice_id), {"x-callback-token": ""})


def test_a_callback_with_another_amount_is_corrected_by_the_lookup(fake_xendit):
    gateway, dep = XenditGateway(), deposit()
    invoice_id = paid_invoice(fake_xendit, gateway, dep)

    event = gateway.parse_webhook(
        fake_xendit.invoice_callback(invoice_id, amount=10_000_000), fake_xendit.callback_headers()
    )

    assert event.amount == 10_000_000  # what the callback claims…
    assert gateway.confirm(event).amount == 150_000  # …and what Xendit collected


@pytest.mark.parametrize("amount", [150_000.5, 0.01, "150000", None, True, -150_000, 0])
def test_an_amount_that_is_not_whole_rupiah_is_refused(fake_xendit, amount):
    gateway = XenditGateway()
    invoice_id = paid_invoice(fake_xendit, gateway, deposit())

    with pytest.raises(InvalidWebhook, match="malformed"):
        gateway.parse_webhook(
            fake_xendit.invoice_callback(invoice_id, amount=amount), fake_xendit.callback_headers()
        )


def test_a_whole_amount_written_as_a_decimal_is_whole_rupiah(fake_xendit):
    gateway = XenditGateway()
    invoice_id = paid_invoice(fake_xendit, gateway, deposit())

    event = gateway.parse_webhook(
        fake_xendit.invoice_callback(invoice_id, amount=150_000.0), fake_xendit.callback_headers()
    )

    assert event.amount == 150_000


def test_another_currency_is_reported_for_the_caller_to_refuse(fake_xendit):
    gateway = XenditGateway()
    invoice_id = paid_invoice(fake_xendit, gateway, deposit())

    event = gateway.parse_webhook(
        fake_xendit.invoice_callback(invoice_id, currency="USD"), fake_xendit.callback_headers()
    )

    assert event.currency == "USD"
    assert gateway.confirm(event).currency == "IDR"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'"PAID"',
        b"{}",
        b'{"id": "x", "status": "PAID"}',
        b"\xff\xfe",
        b'{"id": "x", "external_id": "y", "status": "PAID", "amount": Infinity}',
        b'{"id": "x", "external_id": "y", "status": "PAID", "amount": NaN}',
    ],
)
def test_a_malformed_body_is_refused(fake_xendit, body):
    with pytest.raises(InvalidWebhook, match="malformed"):
        XenditGateway().parse_webhook(body, fake_xendit.callback_headers())


@pytest.mark.parametrize("external_id", [None, 12345, ""])
def test_a_callback_without_our_reference_is_refused(fake_xendit, external_id):
    gateway = XenditGateway()
    invoice_id = paid_invoice(fake_xendit, gateway, deposit())
    body = fake_xendit.invoice_callback(invoice_id, external_id=external_id)

    with pytest.raises(InvalidWebhook):
        gateway.parse_webhook(body, fake_xendit.callback_headers())


def test_a_callback_for_a_reference_xendit_never_saw_is_not_confirmed(fake_xendit):
    gateway = XenditGateway()
    invoice_id = paid_invoice(fake_xendit, gateway, deposit())
    body = fake_xendit.invoice_callback(invoice_id, external_id="someone-elses-deposit")
    event = gateway.parse_webhook(body, fake_xendit.callback_headers())

    with pytest.raises(InvalidWebhook, match="no invoice"):
        gateway.confirm(event)


def test_a_paid_callback_for_an_unpaid_invoice_is_confirmed_pending(fake_xendit):
    """A leaked token lets anyone post "PAID": Xendit's own answer says otherwise, and wins."""
    gateway, dep = XenditGateway(), deposit()
    invoice_id = gateway.create_checkout(dep).provider_reference
    forged = fake_xendit.invoice_callback(invoice_id, status="PAID", paid_amount=150_000)

    event = gateway.parse_webhook(forged, fake_xendit.callback_headers())

    assert event.status == "paid"
    assert gateway.confirm(event).status == "pending"


def test_an_expired_callback_for_a_paid_invoice_is_confirmed_paid(fake_xendit):
    gateway, dep = XenditGateway(), deposit()
    invoice_id = paid_invoice(fake_xendit, gateway, dep)
    stale = fake_xendit.invoice_callback(invoice_id, status="EXPIRED")

    event = gateway.parse_webhook(stale, fake_xendit.callback_headers())

    assert event.status == "failed"
    assert gateway.confirm(event).status == "paid"


def test_of_two_invoices_for_one_deposit_the_paid_one_counts(fake_xendit):
    """A checkout retried after a timeout that Xendit had served leaves two invoices."""
    gateway, dep = XenditGateway(), deposit()
    fake_xendit.down = "lose_answer"
    with pytest.raises(GatewayUnavailable):
        gateway.create_checkout(dep)
    fake_xendit.down = None
    (first,) = fake_xendit.invoices
    second = paid_invoice(fake_xendit, gateway, dep)
    fake_xendit.expire_invoice(first)

    event = gateway.parse_webhook(
        fake_xendit.invoice_callback(first), fake_xendit.callback_headers()
    )

    assert event.status == "failed"
    assert gateway.confirm(event).status == "paid"
    assert fake_xendit.invoices[second]["status"] == "PAID"


# --- Xendit down --------------------------------------------------------------------------------


@pytest.mark.parametrize("down", ["hang", 500, 503])
def test_xendit_down_while_a_client_pays_is_unavailable_within_the_timeout(fake_xendit, down):
    fake_xendit.down = down
    started = time.monotonic()

    with pytest.raises(GatewayUnavailable):
        XenditGateway().create_checkout(deposit())

    assert time.monotonic() - started < TIMEOUT + 1.0
    assert fake_xendit.requests.count(("POST", "/v2/invoices/")) == 1  # not retried below us


@pytest.mark.parametrize("down", ["hang", 500, 503])
def test_xendit_down_when_confirming_is_unavailable_within_the_timeout(fake_xendit, down):
    gateway = XenditGateway()
    invoice_id = paid_invoice(fake_xendit, gateway, deposit())
    event = gateway.parse_webhook(
        fake_xendit.invoice_callback(invoice_id), fake_xendit.callback_headers()
    )
    fake_xendit.down = down
    started = time.monotonic()

    with pytest.raises(GatewayUnavailable):
        gateway.confirm(event)

    assert time.monotonic() - started < TIMEOUT + 1.0


def test_xendit_unreachable_is_unavailable(fake_xendit, settings):
    fake_xendit.stop()

    with pytest.raises(GatewayUnavailable):
        XenditGateway().create_checkout(deposit())


# --- deploy checks ------------------------------------------------------------------------------


def test_configuration_problems_name_what_is_missing():
    settings = {"XENDIT_SECRET_KEY": "", "XENDIT_CALLBACK_TOKEN": "", "DEBUG": False}

    problems = configuration_problems(settings.get)

    assert len(problems) == 2
    assert "XENDIT_SECRET_KEY" in problems[0]
    assert "XENDIT_CALLBACK_TOKEN" in problems[1]


def test_a_test_mode_key_is_a_problem_only_on_a_site_that_takes_real_money():
    production = {"XENDIT_SECRET_KEY": SECRET_KEY, "XENDIT_CALLBACK_TOKEN": "t" * 40}

    assert ["test-mode" in p for p in configuration_problems(production.get)] == [True]
    assert configuration_problems({**production, "DEBUG": True}.get) == []
    assert configuration_problems({**production, "ALLOW_SANDBOX_GATEWAY": True}.get) == []
    live = {**production, "XENDIT_SECRET_KEY": "xnd_production_" + "k" * 40}
    assert configuration_problems(live.get) == []


def test_configuration_problems_read_django_settings_by_default(settings):
    settings.XENDIT_SECRET_KEY = ""
    settings.XENDIT_CALLBACK_TOKEN = "t" * 40

    assert len(XenditGateway().configuration_problems()) == 1


# --- the whole top-up over HTTP, as the site is wired today -------------------------------------


def wallet_balance(user) -> int:
    account = Account.objects.filter(reference=f"wallet:{user.pk}").first()
    return account.balance if account else 0


@pytest.mark.django_db(transaction=True)
def test_a_top_up_paid_at_xendit_reaches_the_site_by_its_callback(
    fake_xendit, live_server, settings
):
    settings.PAYMENT_GATEWAY = "xendit"
    user = UserFactory()
    dep = deposit_create(user=user, amount=150_000)
    assert dep.checkout_url == fake_xendit.invoices[dep.provider_reference]["invoice_url"]
    fake_xendit.pay_invoice(dep.provider_reference)
    body = fake_xendit.invoice_callback(dep.provider_reference)

    forged = fake_xendit.send_callback(live_server.url + WEBHOOK, body, token="leaked?")
    assert forged == 400
    assert wallet_balance(user) == 0

    assert fake_xendit.send_callback(live_server.url + WEBHOOK, body) == 200
    assert fake_xendit.send_callback(live_server.url + WEBHOOK, body) == 200  # replayed
    dep.refresh_from_db()
    assert dep.status == Deposit.Status.PAID
    assert wallet_balance(user) == 150_000
    assert json.loads(body)["external_id"] == dep.reference
