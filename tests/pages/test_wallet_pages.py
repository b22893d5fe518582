"""The wallet pages: balances, history, top-up through the sandbox checkout, withdrawals."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Suspension
from payments.models import Account, Deposit, IdempotencyRecord, LedgerTransaction, Withdrawal
from payments.services.deposits import deposit_create
from tests.accounts.factories import UserFactory
from tests.pages.conftest import assert_login_redirect, browser
from tests.payments.factories import verified
from tests.projects.factories import top_up

WALLET = "/wallet/"
DEPOSITS = "/wallet/deposits/"
WITHDRAWALS = "/wallet/withdrawals/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def available(user) -> int:
    account = Account.objects.filter(reference=f"wallet:{user.pk}").first()
    return account.balance if account else 0


def token_of(html: str, form: str) -> str:
    match = re.search(rf'name="{form}-token" value="([^"]+)"', html)
    assert match, f"the page has no {form} form with a one-time token"
    return match.group(1)


def html_of(response) -> str:
    return response.content.decode()


def topup_data(client: Client, amount: str = "100000") -> dict:
    page = html_of(client.get(WALLET))
    return {"topup-token": token_of(page, "topup"), "topup-amount": amount}


def withdraw_data(client: Client, amount: str = "60000", **changes) -> dict:
    page = html_of(client.get(WALLET))
    data = {
        "withdraw-token": token_of(page, "withdraw"),
        "withdraw-amount": amount,
        "withdraw-method": "bank",
        "withdraw-bank_code": "bca",
        "withdraw-account_number": "1234567890",
        "withdraw-holder_name": "Siti Rahayu",
    }
    data.update({f"withdraw-{name}": value for name, value in changes.items()})
    return data


def ledger_snapshot() -> tuple:
    return (
        LedgerTransaction.objects.count(),
        Deposit.objects.count(),
        Withdrawal.objects.count(),
        sorted(Account.objects.values_list("reference", "balance")),
    )


# --- who may see it -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"), [("get", WALLET), ("post", DEPOSITS), ("post", WITHDRAWALS)]
)
def test_anonymous_visitor_is_sent_to_log_in(method, path):
    response = getattr(browser(), method)(path)

    assert_login_redirect(response, path)
    assert Deposit.objects.count() == Withdrawal.objects.count() == 0


@pytest.mark.django_db
def test_wallet_shows_the_balances_history_and_payments_of_its_owner_only():
    me, stranger = UserFactory(), UserFactory()
    top_up(me, 250_000)
    top_up(stranger, 777_000)
    deposit_create(user=stranger, amount=555_000)
    page = html_of(browser(me).get(WALLET))

    assert '<dd class="money" id="balance-available">Rp 250.000</dd>' in page
    assert '<dd class="money" id="balance-escrow">Rp 0</dd>' in page
    assert '<dd class="money" id="balance-pending">Rp 0</dd>' in page
    assert "+Rp 250.000" in page  # the top-up in the history
    assert "Top-up" in page
    assert "777.000" not in page
    assert "555.000" not in page


@pytest.mark.django_db
def test_wallet_page_shows_times_in_jakarta(time_machine):
    time_machine.move_to("2026-03-02 03:00:00+00:00", tick=False)
    me = UserFactory()
    top_up(me, 150_000)

    page = html_of(browser(me).get(WALLET))

    assert "2 March 2026 10:00 WIB" in page  # 03:00 UTC is 10:00 in Asia/Jakarta


@pytest.mark.django_db
def test_history_is_paged_by_cursor():
    me = UserFactory()
    for n in range(25):
        top_up(me, 10_000 + n)
    client = browser(me)

    first = client.get(WALLET)
    rows = re.findall(r"\+Rp [0-9.]+", html_of(first))
    assert rows[0] == "+Rp 10.024"  # newest first
    assert len(rows) == 20
    next_url = re.search(r'href="([^"]+)" rel="next"', html_of(first)).group(1)
    second = client.get(next_url.replace("&amp;", "&"))

    assert re.findall(r"\+Rp [0-9.]+", html_of(second)) == [
        f"+Rp 10.00{n}" for n in (4, 3, 2, 1, 0)
    ]
    assert 'rel="prev"' in html_of(second)


@pytest.mark.django_db
def test_a_damaged_history_cursor_shows_the_first_page():
    me = UserFactory()
    top_up(me, 10_000)

    response = browser(me).get(WALLET + "?cursor=rusak")

    assert response.status_code == 200
    assert "+Rp 10.000" in html_of(response)


@pytest.mark.django_db
@pytest.mark.parametrize("transactions", [3, 30])
def test_wallet_page_queries_do_not_grow_with_the_history(transactions):
    me = UserFactory()
    for _ in range(transactions):
        top_up(me, 10_000)
    withdraw = Withdrawal.objects.create(
        user=me, amount=1, method="bank", bank_code="BCA", account_number="12345", holder_name="X"
    )
    assert withdraw.pk
    client = browser(me)
    client.get(WALLET)  # warm the session

    with CaptureQueriesContext(connection) as queries:
        response = client.get(WALLET)

    assert response.status_code == 200
    # 9: the seven of the balances and lists, the identity check the withdraw form names, and
    # the payout accounts it offers.
    assert len(queries) == 9, [q["sql"] for q in queries]


# --- top-up ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_top_up_creates_a_pending_deposit_and_sends_the_payer_to_the_sandbox_checkout(settings):
    settings.SITE_URL = "https://garap.example"
    me = UserFactory()
    client = browser(me)

    response = client.post(DEPOSITS, topup_data(client, "100.000"))

    deposit = Deposit.objects.get()
    assert (deposit.user, deposit.amount, deposit.status) == (me, 100_000, Deposit.Status.PENDING)
    assert response.status_code == 302
    assert response["Location"] == deposit.checkout_url
    checkout = urlsplit(deposit.checkout_url)
    assert checkout.netloc == "garap.example"
    assert checkout.path == f"/payments/sandbox/checkout/{deposit.reference}/"
    # The sandbox page's way back is the wallet page.
    assert parse_qs(checkout.query) == {"return": ["https://garap.example/wallet/"]}
    assert available(me) == 0  # nothing is credited before the gateway's webhook
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["150000", "150.000", "Rp 150.000", "rp150,000"])
def test_top_up_amount_may_be_typed_the_indonesian_way(typed):
    me = UserFactory()
    client = browser(me)

    client.post(DEPOSITS, topup_data(client, typed))

    assert Deposit.objects.get().amount == 150_000


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "field_error"),
    [
        ("5000", "Out of range."),
        ("", "This field is required."),
        ("12,5", "Enter whole rupiah, for example 150.000."),
        ("0", "Enter an amount above Rp 0."),
    ],
)
def test_top_up_refused_keeps_the_error_by_the_field_and_writes_nothing(typed, field_error):
    me = UserFactory()
    client = browser(me)
    before = ledger_snapshot()

    response = client.post(DEPOSITS, topup_data(client, typed))

    assert response.status_code == 400
    page = html_of(response)
    assert field_error in page
    assert f'name="topup-amount" value="{typed}"' in page or typed == ""
    assert ledger_snapshot() == before


@pytest.mark.django_db
def test_top_up_out_of_range_shows_the_services_message():
    me = UserFactory()
    client = browser(me)

    response = client.post(DEPOSITS, topup_data(client, "100.000.000"))

    assert response.status_code == 400
    assert "Top up between Rp 10.000 and Rp 50.000.000." in html_of(response)
    assert Deposit.objects.count() == 0


@pytest.mark.django_db
def test_double_posted_top_up_creates_one_deposit_and_both_go_to_its_checkout():
    me = UserFactory()
    client = browser(me)
    data = topup_data(client, "100000")

    first = client.post(DEPOSITS, data)
    second = client.post(DEPOSITS, data)

    deposit = Deposit.objects.get()
    assert first["Location"] == second["Location"] == deposit.checkout_url
    assert IdempotencyRecord.objects.get().key == "page:" + data["topup-token"]


@pytest.mark.django_db
def test_a_new_showing_of_the_form_starts_a_new_top_up():
    me = UserFactory()
    client = browser(me)

    client.post(DEPOSITS, topup_data(client, "100000"))
    client.post(DEPOSITS, topup_data(client, "100000"))

    assert Deposit.objects.filter(user=me).count() == 2


@pytest.mark.django_db
def test_a_sent_form_changed_and_sent_again_is_refused_with_a_fresh_token():
    me = UserFactory()
    client = browser(me)
    data = topup_data(client, "100000")
    client.post(DEPOSITS, data)

    again = client.post(DEPOSITS, {**data, "topup-amount": "200000"})

    assert again.status_code == 400
    page = html_of(again)
    assert "This form was already sent with other values." in page
    assert token_of(page, "topup") != data["topup-token"]
    assert list(Deposit.objects.values_list("amount", flat=True)) == [100_000]


@pytest.mark.django_db
def test_a_form_without_its_token_is_refused_and_shown_again_with_one():
    me = UserFactory()
    client = browser(me)

    response = client.post(DEPOSITS, {"topup-amount": "100000"})

    assert response.status_code == 400
    assert "This form has expired. Please send it again." in html_of(response)
    assert token_of(html_of(response), "topup")
    assert Deposit.objects.count() == 0


@pytest.mark.django_db
def test_opening_the_form_urls_directly_goes_to_the_wallet():
    client = browser(UserFactory())

    assert client.get(DEPOSITS)["Location"] == WALLET
    assert client.get(WITHDRAWALS)["Location"] == WALLET


@pytest.mark.django_db
def test_pending_top_up_is_listed_with_a_link_to_pay_it():
    me = UserFactory()
    deposit = deposit_create(user=me, amount=120_000)

    page = html_of(browser(me).get(WALLET))

    # The checkout step, where the payment is taken up again (the gateway's page from there).
    assert f'href="/payments/checkout/{deposit.reference}/"' in page
    assert "pending" in page


@pytest.mark.django_db(transaction=True)
def test_paying_on_the_sandbox_checkout_credits_the_wallet_shown_on_the_wallet_page(
    live_server, settings
):
    # The sandbox checkout's "Pay" enqueues the gateway's webhook on commit; Celery runs it
    # eagerly here, so it is POSTed (signed, over HTTP) to the live server before the page
    # answers.
    settings.SITE_URL = live_server.url
    me = UserFactory()
    client = browser(me)
    client.enforce_csrf_checks = True
    wallet = html_of(client.get(WALLET))
    started = client.post(
        DEPOSITS,
        {
            "csrfmiddlewaretoken": CSRF_INPUT.search(wallet).group(1),
            "topup-token": token_of(wallet, "topup"),
            "topup-amount": "100.000",
        },
    )
    checkout = client.get(started["Location"])
    assert checkout.status_code == 200
    assert "Rp 100.000" in html_of(checkout)

    paid = client.post(
        started["Location"],
        {"csrfmiddlewaretoken": CSRF_INPUT.search(html_of(checkout)).group(1), "outcome": "pay"},
    )

    assert paid.status_code == 200
    assert f'href="{live_server.url}/wallet/"' in html_of(paid)  # the way back
    assert Deposit.objects.get().status == Deposit.Status.PAID
    assert available(me) == 100_000
    page = html_of(client.get(WALLET))
    assert '<dd class="money" id="balance-available">Rp 100.000</dd>' in page
    assert "+Rp 100.000" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "way_back",
    [
        "https://penipu.example/wallet/",
        "//penipu.example/wallet/",
        "javascript:alert(1)",
    ],
)
def test_sandbox_checkout_offers_no_way_back_to_another_site(way_back):
    deposit = deposit_create(user=UserFactory(), amount=100_000)

    page = html_of(
        browser().get(f"/payments/sandbox/checkout/{deposit.reference}/", {"return": way_back})
    )

    assert "Back to Garap" not in page
    assert 'href="https://penipu' not in page
    assert 'href="//penipu' not in page


@pytest.mark.django_db
def test_deposits_made_through_the_api_have_no_way_back():
    deposit = deposit_create(user=UserFactory(), amount=100_000)

    assert "?" not in deposit.checkout_url
    assert "Back to Garap" not in html_of(browser().get(deposit.checkout_url))


# --- withdraw -------------------------------------------------------------------------------


@pytest.fixture
def saver(db):
    user = verified(UserFactory())
    top_up(user, 200_000)
    return user


def test_withdraw_moves_the_amount_to_pending_at_once(saver):
    client = browser(saver)

    response = client.post(WITHDRAWALS, withdraw_data(client, "60.000"))

    assert response.status_code == 302
    assert response["Location"] == WALLET
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.user, withdrawal.amount, withdrawal.status) == (
        saver,
        60_000,
        Withdrawal.Status.REQUESTED,
    )
    assert (withdrawal.bank_code, withdrawal.account_number) == ("BCA", "1234567890")
    page = html_of(client.get(WALLET))
    assert "Withdrawal of Rp 60.000 to BCA requested." in page
    assert '<dd class="money" id="balance-available">Rp 140.000</dd>' in page
    assert '<dd class="money" id="balance-pending">Rp 60.000</dd>' in page
    assert "BCA ··7890" in page
    assert "1234567890" not in page.split('id="withdrawals-title"')[1]


def test_withdraw_below_the_minimum_is_refused_by_the_field_and_writes_nothing(saver):
    client = browser(saver)
    before = ledger_snapshot()

    response = client.post(WITHDRAWALS, withdraw_data(client, "10000"))

    assert response.status_code == 400
    page = html_of(response)
    assert "The minimum withdrawal is Rp 50.000." in page
    # The field's own message sits by the field, and what was typed stays.
    field = page.split('for="id_withdraw-amount"')[1].split("</div>")[0]
    assert "Below the minimum." in field
    assert 'value="10000"' in page
    assert 'value="Siti Rahayu"' in page
    assert ledger_snapshot() == before
    assert IdempotencyRecord.objects.count() == 0


def test_withdraw_more_than_available_says_how_much_there_is(saver):
    client = browser(saver)
    before = ledger_snapshot()

    response = client.post(WITHDRAWALS, withdraw_data(client, "250000"))

    assert response.status_code == 400
    page = html_of(response)
    assert "You can withdraw at most Rp 200.000." in page
    assert "More than your available balance of Rp 200.000." in page
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bank_code": "B"}, "Letters and digits only, 2 to 20 of them."),
        ({"account_number": "12-34"}, "Digits only, 5 to 34 of them."),
        ({"method": "cash"}, "Select a valid choice."),
        ({"holder_name": ""}, "This field is required."),
    ],
)
def test_withdraw_with_bad_details_is_refused_by_the_field(saver, changes, message):
    client = browser(saver)
    before = ledger_snapshot()

    response = client.post(WITHDRAWALS, withdraw_data(client, **changes))

    assert response.status_code == 400
    assert message in html_of(response)
    assert ledger_snapshot() == before


def test_suspended_user_sees_why_the_withdrawal_is_refused(saver):
    Suspension.objects.create(
        user=saver, reason="Penipuan", starts_at=timezone.now() - timedelta(hours=1)
    )
    client = browser(saver)
    before = ledger_snapshot()

    response = client.post(WITHDRAWALS, withdraw_data(client))

    assert response.status_code == 400
    assert "Your account is suspended, so you cannot withdraw now." in html_of(response)
    assert ledger_snapshot() == before


def test_double_posted_withdrawal_is_made_once(saver):
    client = browser(saver)
    data = withdraw_data(client, "60000")

    first = client.post(WITHDRAWALS, data)
    second = client.post(WITHDRAWALS, data)

    assert first["Location"] == second["Location"] == WALLET
    assert Withdrawal.objects.count() == 1
    assert available(saver) == 140_000
    assert LedgerTransaction.objects.filter(kind="withdrawal_request").count() == 1


def test_a_refused_withdrawal_can_be_sent_again_with_the_same_form(saver):
    client = browser(saver)
    data = withdraw_data(client, "10000")
    client.post(WITHDRAWALS, data)  # below the minimum: refused, its token freed

    response = client.post(WITHDRAWALS, {**data, "withdraw-amount": "50000"})

    assert response.status_code == 302
    assert Withdrawal.objects.get().amount == 50_000


# --- CSRF -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (DEPOSITS, {"topup-token": "t" * 32, "topup-amount": "100000"}),
        (
            WITHDRAWALS,
            {
                "withdraw-token": "t" * 32,
                "withdraw-amount": "60000",
                "withdraw-method": "bank",
                "withdraw-bank_code": "BCA",
                "withdraw-account_number": "1234567890",
                "withdraw-holder_name": "Siti Rahayu",
            },
        ),
    ],
)
def test_forms_without_the_csrf_token_are_refused(saver, path, data):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.force_login(saver)
    before = ledger_snapshot()

    response = client.post(path, data)

    assert response.status_code == 403
    assert ledger_snapshot() == before


def test_forms_carry_the_csrf_token(saver):
    page = html_of(browser(saver).get(WALLET))

    assert len(CSRF_INPUT.findall(page)) >= 2
