"""The fake's HTTP handler: the API (Basic auth, outages), the Snap page and the control
endpoints a story in another process drives it with."""

from __future__ import annotations

import html
import json
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from tests.fakes.midtrans.protocol import METHODS, UNAUTHORIZED, Transaction

if TYPE_CHECKING:
    from tests.fakes.midtrans import FakeMidtrans

_ACTIONS = {"choose", "pay", "challenge", "expire", "deny", "cancel", "refund"}
_IRIS_ACTIONS = {"complete", "fail", "reject"}


def with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to its query — before any ``#fragment``, where a finish URL
    pointing at one part of the merchant's page keeps it."""
    parts = urlsplit(url)
    query = "&".join(part for part in (parts.query, urlencode(params)) if part)
    return urlunsplit(parts._replace(query=query))


def handler(fake: FakeMidtrans) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet in tests

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def _route(self, method: str) -> None:
            path, query = urlsplit(self.path).path, parse_qs(urlsplit(self.path).query)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if path.startswith("/_control/") or path.startswith("/snap/v4/"):
                return self._page(method, path, query, raw)
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw
            fake.requests.append((method, path, body))
            if fake.mode == "lose_answer" and path.startswith("/iris/"):
                # Iris does what was asked, but its answer comes after the client gave up.
                headers = {key.lower(): value for key, value in self.headers.items()}
                fake.iris.handle(method, path[5:], query, headers, raw)
                fake._released.wait(fake.hang)
                return
            if fake.mode == "hang":
                fake._released.wait(fake.hang)
                return
            if fake.mode == 503:
                return self._send(503, b"<html><body>503 Service Unavailable</body></html>")
            if fake.mode:
                message = "Sorry. Our system is recovering from unexpected issues. Please retry."
                answer = {"status_code": str(fake.mode), "status_message": message}
                return self._json(int(fake.mode), answer)
            if path.startswith("/iris/"):  # Iris checks its own keys
                headers = {key.lower(): value for key, value in self.headers.items()}
                return self._json(*fake.iris.handle(method, path[5:], query, headers, raw))
            if not fake.authorized(self.headers.get("Authorization", "")):
                return self._json(401, {"error_messages": UNAUTHORIZED})
            match method, path.strip("/").split("/"):
                case "POST", ["snap", "v1", "transactions"]:
                    return self._json(*fake.snap_create(body))
                case "GET", ["v2", order_id, "status"]:
                    return self._json(*fake.status(order_id))
                case "POST", ["v2", order_id, "refund"]:
                    return self._json(*fake.refund_api(order_id, body))
            self._json(404, {"status_code": "404", "status_message": "Not found"})

        def _page(self, method: str, path: str, query: dict, raw: bytes) -> None:
            """The Snap page and the control endpoints (no auth: they are the payer's side)."""
            form = query | parse_qs(raw.decode(errors="replace"))
            arg = {key: values[0] for key, values in form.items()}
            parts = path.strip("/").split("/")
            if parts[:2] == ["_control", "iris"] and method == "POST" and len(parts) == 3:
                return self._iris_control(parts[2], arg)
            if parts[0] == "_control" and method == "POST" and len(parts) == 2:
                if parts[1] == "down":
                    mode = arg.get("mode", "hang")
                    fake.down(int(mode) if mode.isdigit() else mode)
                    return self._json(200, {"mode": fake.mode})
                if parts[1] == "up":
                    fake.up()
                    return self._json(200, {"mode": ""})
                action = getattr(fake, parts[1], None) if parts[1] in _ACTIONS else None
                if action is None or arg.get("order_id") not in fake.transactions:
                    return self._json(404, {"error": "unknown action or order_id"})
                extra = {"method": arg["method"]} if "method" in arg else {}
                notification = action(arg["order_id"], **extra)
                if fake.notification_url and arg.get("notify", "1") == "1":
                    fake.send(fake.notification_url, notification)
                transaction = fake.transactions[arg["order_id"]]
                finish = (transaction.parameters.get("callbacks") or {}).get("finish")
                if finish and "text/html" in self.headers.get("Accept", ""):
                    # From the Snap page: back to the merchant, as Snap's redirect does.
                    fields = ("order_id", "status_code", "transaction_status")
                    return self._redirect(
                        with_query(finish, {name: notification[name] for name in fields})
                    )
                return self._json(200, notification)
            token = (
                parts[3] if len(parts) == 4 and parts[:3] == ["snap", "v4", "redirection"] else ""
            )
            found = [t for t in fake.transactions.values() if t.token == token]
            if not found:
                return self._send(404, b"<html><body>Not found</body></html>")
            return self._snap_page(found[0])

        def _iris_control(self, action: str, arg: dict[str, str]) -> None:
            """A bank or Iris' dashboard settles a payout; Iris notifies, when told where."""
            iris = fake.iris
            if action not in _IRIS_ACTIONS or arg.get("reference_no") not in iris.payouts:
                return self._json(404, {"error": "unknown action or reference_no"})
            notification = getattr(iris, action)(arg["reference_no"])
            if iris.notification_url and arg.get("notify", "1") == "1":
                iris.send(iris.notification_url, notification)
            return self._json(200, json.loads(notification))

        def _snap_page(self, transaction: Transaction) -> None:
            """The stand-in for Snap's hosted page: the methods the transaction enabled, one
            chosen, "Pay" (settles it, notifies, and returns to the finish URL) or "Let it
            expire"."""
            methods = transaction.parameters.get("enabled_payments") or list(METHODS)
            finish = (transaction.parameters.get("callbacks") or {}).get("finish", "")
            choices = "".join(
                f'<li><label><input type="radio" name="method" value="{html.escape(name)}"'
                f"{' checked' if number == 0 else ''}> {html.escape(name)}</label></li>"
                for number, name in enumerate(methods)
            )
            order = html.escape(transaction.order_id)
            back = with_query(finish, {"order_id": transaction.order_id}) if finish else ""
            page = (
                f"<!doctype html><html><head><title>Midtrans (local)</title>"
                f'<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
                f"<body><h1>Rp {transaction.gross_amount:,}</h1><p>Order {order}</p>"
                f'<form method="post" action="/_control/pay">'
                f'<input type="hidden" name="order_id" value="{order}">'
                f'<ul id="methods">{choices}</ul><button id="pay">Pay</button></form>'
                f'<form method="post" action="/_control/expire">'
                f'<input type="hidden" name="order_id" value="{order}">'
                f"<button>Let it expire</button></form>"
                f'<p><a id="finish" href="{html.escape(back)}">Back to the merchant</a></p>'
                f"</body></html>"
            )
            self._send(200, page.encode(), "text/html; charset=utf-8")

        def _redirect(self, location: str) -> None:
            self.send_response(303)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _json(self, status: int, body: dict) -> None:
            self._send(status, json.dumps(body).encode(), "application/json")

        def _send(self, status: int, data: bytes, content_type: str = "text/html") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
