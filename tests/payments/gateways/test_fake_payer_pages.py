"""The local gateways' payer pages — the stand-ins for Snap's hosted page and Xendit's invoice
page that the browser tests pay on: they list the methods the payment was opened with, and
"Pay" settles it in the fake, sends the gateway's own signed notification or callback to the
configured URL and returns the browser to the merchant's finish or success URL."""

from __future__ import annotations

import json
import threading
from collections.abc import Generator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from tests.fakes.midtrans import sign
from tests.payments.gateways.support import SERVER_KEY

HTML = {"Accept": "text/html"}


class Receiver:
    """The merchant's webhook URL: records what is posted to it, answers 200."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(
                    ({k.lower(): v for k, v in self.headers.items()}, json.loads(body))
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook/"


@pytest.fixture
def receiver() -> Generator[Receiver, None, None]:
    found = Receiver()
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


# --- Xendit's invoice page -------------------------------------------------------------------


@pytest.fixture
def invoice(fake_xendit, receiver) -> dict[str, Any]:
    fake_xendit.callback_url = receiver.url
    return fake_xendit.create_invoice(
        {
            "external_id": "dep-1",
            "amount": 150_000,
            "payment_methods": ["BCA", "BRI", "QRIS", "OVO", "DANA"],
            "success_redirect_url": "http://shop.test/contracts/1/#milestone-2",
            "failure_redirect_url": "http://shop.test/wallet/",
        }
    )


def test_xendits_invoice_page_lists_the_invoices_methods(fake_xendit, invoice):
    page = requests.get(invoice["invoice_url"], timeout=5)

    assert page.status_code == 200
    for channel in ("BCA", "BRI", "QRIS", "OVO", "DANA"):
        assert f'value="{channel}"' in page.text
    assert 'value="MANDIRI"' not in page.text  # not asked for
    assert ">Pay</button>" in page.text


def test_xendits_invoice_page_stays_up_while_its_api_is_down(fake_xendit, invoice):
    """The payer's page is on Xendit's checkout host, not its API's."""
    fake_xendit.down = 503

    assert requests.get(invoice["invoice_url"], timeout=5).status_code == 200


def test_paying_on_xendits_page_sends_the_callback_and_returns_to_the_success_url(
    fake_xendit, invoice, receiver
):
    answer = requests.post(
        f"{invoice['invoice_url']}/pay", data={"channel": "OVO"}, allow_redirects=False, timeout=5
    )

    assert answer.status_code == 303
    assert answer.headers["Location"] == "http://shop.test/contracts/1/#milestone-2"
    paid = fake_xendit.invoices[invoice["id"]]
    assert (paid["status"], paid["payment_method"], paid["payment_channel"]) == (
        "PAID",
        "EWALLET",
        "OVO",
    )
    [(headers, callback)] = receiver.received
    assert headers["x-callback-token"] == fake_xendit.callback_token
    assert headers["webhook-id"]
    assert callback["id"] == invoice["id"]
    assert callback["external_id"] == "dep-1"
    assert (callback["status"], callback["paid_amount"]) == ("PAID", 150_000)

    # Paid once: the page shows the status, and paying again sends nothing more.
    assert ">PAID</p>" in requests.get(invoice["invoice_url"], timeout=5).text
    requests.post(f"{invoice['invoice_url']}/pay", data={"channel": "OVO"}, timeout=5)
    assert len(receiver.received) == 1


def test_letting_xendits_invoice_expire_sends_the_callback_and_returns_to_the_failure_url(
    fake_xendit, invoice, receiver
):
    answer = requests.post(f"{invoice['invoice_url']}/expire", allow_redirects=False, timeout=5)

    assert answer.status_code == 303
    assert answer.headers["Location"] == "http://shop.test/wallet/"
    [(_headers, callback)] = receiver.received
    assert callback["status"] == "EXPIRED"


def test_a_channel_the_invoice_does_not_offer_pays_nothing(fake_xendit, invoice, receiver):
    requests.post(f"{invoice['invoice_url']}/pay", data={"channel": "BITCOIN"}, timeout=5)

    assert fake_xendit.invoices[invoice["id"]]["status"] == "PENDING"
    assert receiver.received == []


def test_an_unknown_invoice_page_is_404(fake_xendit):
    assert requests.get(f"{fake_xendit.url}/web/invoices/nothing", timeout=5).status_code == 404


# --- Midtrans' Snap page ---------------------------------------------------------------------


@pytest.fixture
def snap(midtrans, receiver) -> dict[str, Any]:
    midtrans.notification_url = receiver.url
    status, answer = midtrans.snap_create(
        {
            "transaction_details": {"order_id": "dep-2", "gross_amount": 150_000},
            "enabled_payments": ["bca_va", "other_qris", "gopay"],
            "callbacks": {"finish": "http://shop.test/contracts/1/#milestone-2"},
        }
    )
    assert status == 201
    return answer


def test_snaps_page_lists_the_enabled_payments(midtrans, snap):
    page = requests.get(snap["redirect_url"], timeout=5)

    assert page.status_code == 200
    for name in ("bca_va", "other_qris", "gopay"):
        assert f'value="{name}"' in page.text
    assert 'value="shopeepay"' not in page.text


def test_paying_on_snaps_page_notifies_and_returns_to_the_finish_url(midtrans, snap, receiver):
    answer = requests.post(
        f"{midtrans.url}/_control/pay",
        data={"order_id": "dep-2", "method": "gopay"},
        headers=HTML,
        allow_redirects=False,
        timeout=5,
    )

    assert answer.status_code == 303
    # Snap's query goes before the finish URL's fragment.
    assert answer.headers["Location"] == (
        "http://shop.test/contracts/1/?order_id=dep-2&status_code=200"
        "&transaction_status=settlement#milestone-2"
    )
    [(_headers, notification)] = receiver.received
    assert (notification["transaction_status"], notification["payment_type"]) == (
        "settlement",
        "gopay",
    )
    assert notification["signature_key"] == sign("dep-2", "200", "150000.00", SERVER_KEY)
