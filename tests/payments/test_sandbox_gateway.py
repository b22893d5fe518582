"""The sandbox gateway: its signatures, our webhook endpoint, and the whole top-up over real HTTP
(checkout page → Celery task → signed POST to the live server → wallet credited once)."""

import hashlib
import hmac
import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from celery.exceptions import Retry
from django.test import Client, override_settings

from payments.gateways import InvalidWebhook, WebhookEvent
from payments.gateways.sandbox import SIGNATURE_HEADER, SandboxGateway, sign, webhook_body
from payments.models import Account, Deposit, LedgerTransaction
from payments.services.deposits import deposit_create
from payments.tasks import deliver_sandbox_webhook
from tests.accounts.factories import UserFactory
from tests.conftest import client_for

WEBHOOK = "/api/v1/payments/webhooks/sandbox/"
SIGNATURE_META = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def wallet_balance(user) -> int:
    account = Account.objects.filter(reference=f"wallet:{user.pk}").first()
    return account.balance if account else 0


# --- signatures -----------------------------------------------------------------------------


@override_settings(SANDBOX_WEBHOOK_SECRET="rahasia-uji")
def test_sign_is_hmac_sha256_of_the_exact_body_under_the_secret():
    body = b'{"amount":100000,"event_id":"evt_1","reference":"abc","status":"paid"}'

    expected = hmac.new(b"rahasia-uji", body, hashlib.sha256).hexdigest()

    assert sign(body) == f"sha256={expected}"


def test_webhook_body_is_canonical_json():
    body = webhook_body(reference="abc", status="paid", amount=100_000, event_id="evt_1")

    assert body == b'{"amount":100000,"event_id":"evt_1","reference":"abc","status":"paid"}'


def test_webhook_body_gets_a_fresh_event_id_each_time():
    first = webhook_body(reference="abc", status="paid", amount=100_000)
    second = webhook_body(reference="abc", status="paid", amount=100_000)

    assert first != second
    assert b'"event_id":"evt_' in first


def test_a_correctly_signed_body_is_read():
    body = webhook_body(reference="abc", status="failed", amount=75_000, event_id="evt_9")

    event = SandboxGateway().parse_webhook(body, {SIGNATURE_HEADER: sign(body)})

    assert event == WebhookEvent(reference="abc", status="failed", amount=75_000, event_id="evt_9")


def test_a_tampered_body_is_refused():
    body = webhook_body(reference="abc", status="paid", amount=10_000, event_id="evt_1")
    signature = sign(body)
    tampered = body.replace(b"10000", b"99000")

    with pytest.raises(InvalidWebhook, match="bad signature"):
        SandboxGateway().parse_webhook(tampered, {SIGNATURE_HEADER: signature})


def test_a_body_signed_with_another_secret_is_refused():
    body = webhook_body(reference="abc", status="paid", amount=10_000)
    with override_settings(SANDBOX_WEBHOOK_SECRET="bukan-rahasia-kita"):
        forged = sign(body)

    with pytest.raises(InvalidWebhook, match="bad signature"):
        SandboxGateway().parse_webhook(body, {SIGNATURE_HEADER: forged})


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({SIGNATURE_HEADER: ""}, id="empty"),
        pytest.param({SIGNATURE_HEADER: "sha256=deadbeef"}, id="garbage"),
    ],
)
def test_a_missing_or_garbage_signature_is_refused(headers):
    body = webhook_body(reference="abc", status="paid", amount=10_000)

    with pytest.raises(InvalidWebhook, match="bad signature"):
        SandboxGateway().parse_webhook(body, headers)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"not json", id="not-json"),
        pytest.param(b"[1, 2]", id="a-list"),
        pytest.param(b'{"reference":"abc","status":"paid","amount":1000}', id="no-event-id"),
        pytest.param(
            b'{"event_id":"e","reference":"abc","status":"refunded","amount":1000}',
            id="unknown-status",
        ),
        pytest.param(
            b'{"event_id":"e","reference":"abc","status":"paid","amount":"1000"}',
            id="amount-as-text",
        ),
        pytest.param(
            b'{"event_id":"e","reference":"abc","status":"paid","amount":1000.0}',
            id="amount-as-float",
        ),
        pytest.param(
            b'{"event_id":"e","reference":"abc","status":"paid","amount":true}',
            id="amount-as-bool",
        ),
        pytest.param(
            b'{"event_id":"e","reference":"abc","status":"paid","amount":0}', id="zero-amount"
        ),
        pytest.param(
            b'{"event_id":"e","reference":"abc","status":"paid","amount":-5}',
            id="negative-amount",
        ),
    ],
)
def test_a_signed_but_malformed_body_is_refused(body):
    with pytest.raises(InvalidWebhook, match="malformed body"):
        SandboxGateway().parse_webhook(body, {SIGNATURE_HEADER: sign(body)})


# --- the webhook endpoint -------------------------------------------------------------------


def post_webhook(api_client, body: bytes, signature: str | None = None):
    return api_client.generic(
        "POST",
        WEBHOOK,
        body,
        content_type="application/json",
        **{SIGNATURE_META: sign(body) if signature is None else signature},
    )


def send_event(api_client, deposit: Deposit, status: str, amount: int | None = None):
    body = webhook_body(
        reference=deposit.reference,
        status=status,
        amount=deposit.amount if amount is None else amount,
    )
    return post_webhook(api_client, body)


@pytest.fixture
def deposit(db):
    return deposit_create(user=UserFactory(), amount=100_000)


@pytest.mark.django_db
def test_paid_webhook_credits_the_wallet(api_client, deposit):
    response = send_event(api_client, deposit, "paid")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PAID
    assert deposit.completed_at is not None
    assert wallet_balance(deposit.user) == 100_000
    txn = LedgerTransaction.objects.get()
    assert (txn.kind, txn.reference) == ("deposit", f"deposit:{deposit.pk}")
    assert sorted(txn.entries.values_list("account__reference", "amount")) == [
        ("gateway:sandbox", -100_000),
        (f"wallet:{deposit.user_id}", 100_000),
    ]


@pytest.mark.django_db
def test_duplicate_paid_webhooks_credit_once(api_client, deposit):
    body = webhook_body(reference=deposit.reference, status="paid", amount=100_000)

    first = post_webhook(api_client, body)
    replayed = post_webhook(api_client, body)  # the very same delivery again
    redelivered = send_event(api_client, deposit, "paid")  # a new event id, same payment

    assert [r.status_code for r in (first, replayed, redelivered)] == [200, 200, 200]
    assert wallet_balance(deposit.user) == 100_000
    assert LedgerTransaction.objects.count() == 1


@pytest.mark.django_db
def test_failed_webhook_fails_the_deposit_without_money(api_client, deposit):
    response = send_event(api_client, deposit, "failed")
    again = send_event(api_client, deposit, "failed")

    assert (response.status_code, again.status_code) == (200, 200)
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.FAILED
    assert deposit.completed_at is not None
    assert wallet_balance(deposit.user) == 0
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.django_db
def test_paid_after_failed_is_a_conflict_and_credits_nothing(api_client, deposit):
    send_event(api_client, deposit, "failed")

    response = send_event(api_client, deposit, "paid")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert response.json()["message"] == "This deposit is failed; it cannot become paid."
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.FAILED
    assert wallet_balance(deposit.user) == 0
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.django_db
def test_failed_after_paid_is_a_conflict_and_keeps_the_credit(api_client, deposit):
    send_event(api_client, deposit, "paid")

    response = send_event(api_client, deposit, "failed")

    assert response.status_code == 409
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PAID
    assert wallet_balance(deposit.user) == 100_000


@pytest.mark.django_db
def test_webhook_with_another_amount_is_a_conflict(api_client, deposit):
    response = send_event(api_client, deposit, "paid", amount=1_000_000)

    assert response.status_code == 409
    assert response.json()["code"] == "amount_mismatch"
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PENDING
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.django_db
def test_webhook_with_a_bad_signature_changes_nothing(api_client, deposit):
    body = webhook_body(reference=deposit.reference, status="paid", amount=100_000)

    response = post_webhook(api_client, body, signature="sha256=" + "0" * 64)

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_signature",
        "message": "The webhook signature or body is invalid.",
        "fields": {},
    }
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PENDING
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.django_db
def test_webhook_for_an_unknown_reference_is_not_found(api_client, deposit):
    body = webhook_body(reference="nope", status="paid", amount=100_000)

    response = post_webhook(api_client, body)

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_reference"
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.django_db
def test_webhook_for_an_unknown_gateway_is_not_found(api_client, deposit):
    body = webhook_body(reference=deposit.reference, status="paid", amount=100_000)

    response = api_client.generic(
        "POST",
        "/api/v1/payments/webhooks/midtrans/",
        body,
        content_type="application/json",
        **{SIGNATURE_META: sign(body)},
    )

    assert response.status_code == 404
    assert LedgerTransaction.objects.count() == 0


# --- the checkout page, and the task when the site is unreachable ---------------------------


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "the checkout page has no form with a CSRF token"
    return match.group(1)


@pytest.mark.django_db
def test_checkout_page_shows_the_amount_and_the_two_outcomes(deposit):
    response = Client(headers={"accept-language": "en"}).get(
        f"/payments/sandbox/checkout/{deposit.reference}/"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Rp 100.000" in html
    assert 'value="pay"' in html
    assert 'value="fail"' in html


@pytest.mark.django_db
def test_checkout_page_of_an_unknown_reference_is_404():
    response = Client().get("/payments/sandbox/checkout/nope/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_checkout_page_is_gone_when_the_sandbox_is_off(deposit, settings):
    settings.PAYMENT_GATEWAY = "midtrans"

    response = Client().post(f"/payments/sandbox/checkout/{deposit.reference}/", {"outcome": "pay"})

    assert response.status_code == 404


def test_delivery_task_retries_transient_errors_with_backoff_and_a_limit():
    assert urllib.error.URLError in deliver_sandbox_webhook.autoretry_for
    assert deliver_sandbox_webhook.max_retries == 8
    assert deliver_sandbox_webhook.retry_backoff == 2


@pytest.mark.django_db
def test_unreachable_site_makes_the_task_retry_and_credits_nothing(deposit, settings):
    settings.SITE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port

    with pytest.raises(Retry) as excinfo:
        deliver_sandbox_webhook.apply(args=(deposit.reference, "paid", deposit.amount))

    assert isinstance(excinfo.value.exc, urllib.error.URLError)
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PENDING
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.django_db
def test_unreachable_site_after_the_last_retry_raises_the_error(deposit, settings):
    settings.SITE_URL = "http://127.0.0.1:9"

    with pytest.raises(urllib.error.URLError):
        deliver_sandbox_webhook.apply(
            args=(deposit.reference, "paid", deposit.amount),
            retries=deliver_sandbox_webhook.max_retries,
        )

    assert Deposit.objects.get(pk=deposit.pk).status == Deposit.Status.PENDING
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.django_db
def test_paying_while_the_site_is_unreachable_retries_after_commit(
    deposit, settings, django_capture_on_commit_callbacks, caplog
):
    settings.SITE_URL = "http://127.0.0.1:9"
    url = f"/payments/sandbox/checkout/{deposit.reference}/"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = Client().post(url, {"outcome": "pay"})

    # The page answers normally; the delivery task (eager here) asked Celery for a retry, which
    # the after-commit hook logs instead of turning the payer's success into an error.
    assert response.status_code == 200
    assert len(callbacks) == 1
    retries = [r for r in caplog.records if r.exc_info and isinstance(r.exc_info[1], Retry)]
    assert len(retries) == 1
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PENDING
    assert wallet_balance(deposit.user) == 0
    assert LedgerTransaction.objects.count() == 0


# --- end to end over real HTTP --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_top_up_paid_on_the_checkout_page_credits_the_wallet_once_over_http(live_server, settings):
    settings.SITE_URL = live_server.url
    user = UserFactory()
    api = client_for(user)

    created = api.post("/api/v1/wallet/deposits/", {"amount": 150_000}, format="json")
    assert created.status_code == 201, created.json()
    deposit = created.json()
    path = f"/payments/sandbox/checkout/{deposit['reference']}/"
    assert deposit["checkout_url"] == live_server.url + path

    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    page = browser.get(path)
    assert page.status_code == 200
    assert api.get("/api/v1/wallet/").json()["available"] == 0

    # Posting the form enqueues the delivery on commit; Celery runs it eagerly here, so the
    # "gateway" POSTs the signed webhook to the live server before this response returns.
    paid = browser.post(
        path, {"csrfmiddlewaretoken": csrf_token(page.content.decode()), "outcome": "pay"}
    )

    assert paid.status_code == 200
    assert "The gateway is confirming the payment." in paid.content.decode()
    assert api.get("/api/v1/wallet/").json()["available"] == 150_000
    listed = api.get("/api/v1/wallet/deposits/").json()["results"]
    assert [(d["reference"], d["status"]) for d in listed] == [(deposit["reference"], "paid")]
    assert LedgerTransaction.objects.filter(kind="deposit").count() == 1

    # The gateway delivers again (its retry after a lost acknowledgement): still one credit.
    redelivered = deliver_sandbox_webhook.apply(args=(deposit["reference"], "paid", 150_000))
    assert redelivered.get() == 200
    # And the payer pressing "Pay" again on the closed page sends nothing.
    closed = browser.get(path)
    assert "This payment is closed:" in closed.content.decode()
    assert 'value="pay"' not in closed.content.decode()
    browser.post(path, {"csrfmiddlewaretoken": csrf_token(page.content.decode()), "outcome": "pay"})

    assert api.get("/api/v1/wallet/").json()["available"] == 150_000
    assert LedgerTransaction.objects.filter(kind="deposit").count() == 1
    assert Account.objects.get(reference="gateway:sandbox").balance == -150_000


@pytest.mark.django_db(transaction=True)
def test_checkout_form_without_a_csrf_token_is_refused(live_server, settings):
    settings.SITE_URL = live_server.url
    deposit = deposit_create(user=UserFactory(), amount=100_000)

    response = Client(enforce_csrf_checks=True).post(
        f"/payments/sandbox/checkout/{deposit.reference}/", {"outcome": "pay"}
    )

    assert response.status_code == 403
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PENDING
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_failed_payment_in_a_real_browser_session_fails_the_deposit_over_http(
    live_server, settings
):
    # Everything over sockets: the payer's browser talks to the live server, whose view
    # enqueues the delivery, which POSTs the webhook back to the same live server.
    settings.SITE_URL = live_server.url
    user = UserFactory()
    deposit = (
        client_for(user).post("/api/v1/wallet/deposits/", {"amount": 80_000}, format="json").json()
    )
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with browser.open(deposit["checkout_url"], timeout=15) as page:
        token = csrf_token(page.read().decode())

    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "outcome": "fail"}).encode()
    with browser.open(deposit["checkout_url"], data=form, timeout=15) as answer:
        assert answer.status == 200

    stored = Deposit.objects.get(reference=deposit["reference"])
    assert stored.status == Deposit.Status.FAILED
    assert wallet_balance(user) == 0
    assert LedgerTransaction.objects.count() == 0

    # A "paid" for the failed deposit arriving later is refused (409, not retried): no credit.
    late = deliver_sandbox_webhook.apply(args=(deposit["reference"], "paid", 80_000))
    assert late.get() == 409
    assert Deposit.objects.get(pk=stored.pk).status == Deposit.Status.FAILED
    assert wallet_balance(user) == 0
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_webhook_lost_while_the_site_was_down_is_sent_again_by_the_sandbox_sweep(
    live_server, settings, time_machine
):
    from payments.tasks import redeliver_sandbox_webhooks

    time_machine.move_to("2026-03-02 03:00:00+00:00", tick=False)
    user = UserFactory()
    deposit = deposit_create(user=user, amount=150_000, provider="sandbox")
    settings.SITE_URL = "http://127.0.0.1:9"  # our site is down while the payer pays
    path = f"/payments/sandbox/checkout/{deposit.reference}/"
    assert Client().post(path, {"outcome": "pay"}).status_code == 200
    deposit.refresh_from_db()
    assert (deposit.status, deposit.gateway_outcome) == (Deposit.Status.PENDING, "paid")
    assert wallet_balance(user) == 0

    settings.SITE_URL = live_server.url  # the site is back
    time_machine.move_to("2026-03-02 03:00:59+00:00", tick=False)
    assert redeliver_sandbox_webhooks() == 0  # its own retries get the first minute
    time_machine.move_to("2026-03-02 03:02:00+00:00", tick=False)
    assert redeliver_sandbox_webhooks() == 1

    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PAID
    assert wallet_balance(user) == 150_000
    assert redeliver_sandbox_webhooks() == 0  # confirmed: the sandbox stops sending
    assert LedgerTransaction.objects.filter(kind="deposit").count() == 1
