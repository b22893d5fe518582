"""A local push service (the browser vendor's side of Web Push) over real HTTP.

It speaks what a real one checks (RFC 8030 delivery, RFC 8292 VAPID, RFC 8291 encryption): a
``POST /push/<token>`` carries ``Authorization: vapid t=<JWT>, k=<public key>``; the JWT must
be ES256-signed by the key in ``k``, that key must be the application server key the browser
subscribed with (``vapid_public_key``), its ``aud`` this service's origin, its ``exp`` in the
next 24 hours and its ``sub`` a mailto: or https: contact; the body must be ``aes128gcm``
content that the subscription's private key and auth secret decrypt (``http_ece``). What
passes is recorded as the plaintext a phone would show (``received``); anything else is a 4xx
and recorded in ``refused``. ``201 Created`` with a ``Location`` on success.

The subscription's key pair is made here with ``cryptography``, as a browser makes its own
(``subscribe()``): the test gives Garap only the public half and the auth secret.

The test drives the service: ``gone`` (a set of tokens) answers 410 as for a browser that
unsubscribed; ``answers`` (a list of statuses) answers the next requests with them before
accepting again (500, 503, 429, 404, …).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vapid_key_pair() -> tuple[str, str]:
    """(public, private) as Garap's settings hold them: base64url uncompressed point, raw key."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return b64url(public), b64url(private)


@dataclass
class Subscription:
    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    endpoint: str

    def as_browser_gives_it(self) -> dict[str, Any]:
        """``PushSubscription.toJSON()`` in a browser."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }


@dataclass
class Received:
    token: str
    message: dict[str, Any]  # the decrypted JSON
    headers: dict[str, str] = field(default_factory=dict)


class PushRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class FakePushService:
    def __init__(self, *, vapid_public_key: str, port: int = 0) -> None:
        self.vapid_public_key = vapid_public_key
        self.subscriptions: dict[str, Subscription] = {}
        self.received: list[Received] = []
        self.refused: list[tuple[int, str]] = []
        self.gone: set[str] = set()
        self.answers: list[int] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakePushService:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakePushService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def subscribe(self) -> Subscription:
        """A new browser subscription: its key pair and auth secret made as a browser does."""
        token = uuid.uuid4().hex
        subscription = Subscription(
            token=token,
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth=os.urandom(16),
            endpoint=f"{self.url}/push/{token}",
        )
        self.subscriptions[token] = subscription
        return subscription

    def messages_for(self, subscription: Subscription) -> list[dict[str, Any]]:
        return [r.message for r in self.received if r.token == subscription.token]

    # --- the protocol ---------------------------------------------------------------------

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        parts = urlsplit(path).path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "push" or parts[1] not in self.subscriptions:
            raise PushRefused(404, "no such subscription")
        token = parts[1]
        if token in self.gone:
            raise PushRefused(410, "the subscription has expired or was unsubscribed")
        with self._lock:
            if self.answers:
                status = self.answers.pop(0)
                raise PushRefused(status, "told to answer so")
        self._check_vapid(headers.get("authorization", ""))
        if headers.get("content-encoding") != "aes128gcm":
            raise PushRefused(400, "Content-Encoding must be aes128gcm")
        if "ttl" not in headers:
            raise PushRefused(400, "a TTL header is required")
        subscription = self.subscriptions[token]
        try:
            plaintext = http_ece.decrypt(
                body,
                private_key=subscription.private_key,
                auth_secret=subscription.auth,
                version="aes128gcm",
            )
        except Exception as exc:  # any failure to decrypt is the sender's
            raise PushRefused(400, f"the body does not decrypt: {exc!r}") from exc
        message = json.loads(plaintext)
        kept = {k: headers[k] for k in ("ttl", "topic", "urgency") if k in headers}
        with self._lock:
            self.received.append(Received(token=token, message=message, headers=kept))
        return 201, {"Location": f"{self.url}/message/{uuid.uuid4().hex}"}

    def _check_vapid(self, authorization: str) -> None:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise PushRefused(401, "Authorization must be the vapid scheme")
        fields = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        token, key = fields.get("t", ""), fields.get("k", "")
        if key != self.vapid_public_key:
            raise PushRefused(403, "not the application server key this subscription was made with")
        try:
            header_b64, claims_b64, signature_b64 = token.split(".")
            header = json.loads(unb64url(header_b64))
            claims = json.loads(unb64url(claims_b64))
            signature = unb64url(signature_b64)
        except ValueError as exc:
            raise PushRefused(401, "the JWT is malformed") from exc
        if header.get("alg") != "ES256" or len(signature) != 64:
            raise PushRefused(401, "the JWT must be ES256")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        try:
            public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as exc:
            raise PushRefused(403, "the JWT's signature does not verify") from exc
        if claims.get("aud") != self.url:
            raise PushRefused(403, f"aud must be {self.url}")
        exp = int(claims.get("exp", 0))
        if not time.time() < exp <= time.time() + 24 * 3600:
            raise PushRefused(403, "exp must be within the next 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise PushRefused(403, "sub must be a mailto: or https: contact")


def _handler(fake: FakePushService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            extra: dict[str, str] = {}
            try:
                status, extra = fake.handle(self.path, headers, body)
                payload = b""
            except PushRefused as exc:
                status = exc.status
                with fake._lock:
                    fake.refused.append((exc.status, exc.reason))
                payload = json.dumps({"code": exc.status, "message": exc.reason}).encode()
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
