"""What the Midtrans tests share besides fixtures: a deposit, a port nothing listens on, a
receiver of notifications."""

import json
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from payments.models import Deposit

SERVER_KEY = "SB-Mid-server-garap-tests-0123456789abcdef"
CLIENT_KEY = "SB-Mid-client-garap-tests"
TIMEOUT = 0.5  # GATEWAY_TIMEOUT_SECONDS in these tests


def deposit(amount: int = 150_000) -> Deposit:
    """A deposit as the gateway sees it (its reference and amount); never saved."""
    return Deposit(amount=amount, provider="midtrans", reference=uuid.uuid4().hex)


def body(notification: dict) -> bytes:
    return json.dumps(notification).encode()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver:
    """Our side of a notification: records what arrives on a local URL (``received``: content
    type and body; ``headers``: each one's headers)."""

    def __init__(self):
        received = self.received = []
        headers = self.headers = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                received.append((self.headers["Content-Type"], self.rfile.read(length)))
                headers.append(dict(self.headers.items()))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook/"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
