"""A local WhatsApp Business Cloud API (Meta's Graph API, the messages endpoint) over real HTTP.

It answers as the real one does for what Garap sends: ``POST /v19.0/<phone number id>/messages``
with ``Authorization: Bearer <token>`` and a JSON template message. A wrong or missing token is
a 401 ``OAuthException`` (code 190); another phone number id is a 400 (code 100); a body that
is not a template message as documented (``messaging_product``, ``to`` as digits, ``type``
"template", an approved ``template.name`` in one of its languages, the body parameters it
expects) is the 400 the Cloud API gives (132001 unknown template or language, 132000 wrong
number of parameters, 100 invalid parameter). A number in ``not_on_whatsapp`` gets error
131026 ("Message undeliverable"). Success: ``{"messaging_product", "contacts",
"messages": [{"id": "wamid.…"}]}``, and the message is recorded in ``sent``.

``answers`` (a list of statuses) answers the next requests with them: 500 (code 1, an unknown
error), 503 (code 2, service unavailable), 429 (code 130429, the rate limit).
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# The templates approved for Garap's business account: name → (languages, body parameters).
APPROVED = {
    "garap_deadline_2h": ({"id", "en"}, 2),
    "garap_work_delivered": ({"id", "en"}, 2),
    "garap_payment_released": ({"id", "en"}, 2),
}
ERRORS = {
    429: (130429, "Rate limit hit"),
    500: (1, "An unknown error occurred"),
    503: (2, "Service temporarily unavailable"),
}


class GraphError(Exception):
    def __init__(self, status: int, code: int, message: str, kind: str = "OAuthException"):
        super().__init__(message)
        self.status, self.code, self.message, self.kind = status, code, message, kind

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.kind,
                "code": self.code,
                "error_data": {"messaging_product": "whatsapp", "details": self.message},
                "fbtrace_id": base64.b64encode(uuid.uuid4().bytes[:12]).decode(),
            }
        }


class FakeWhatsApp:
    def __init__(self, *, token: str, phone_number_id: str, port: int = 0) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.sent: list[dict[str, Any]] = []  # accepted messages, with their "id"
        self.refused: list[tuple[int, int]] = []  # (status, error code)
        self.not_on_whatsapp: set[str] = set()  # numbers (digits) that are no WhatsApp user
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

    @property
    def base_url(self) -> str:
        """What ``WHATSAPP_API_BASE_URL`` is set to (the Graph API version included)."""
        return f"{self.url}/v19.0"

    def start(self) -> FakeWhatsApp:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeWhatsApp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> dict:
        expected = f"Bearer {self.token}"
        if not hmac.compare_digest(headers.get("authorization", "").encode(), expected.encode()):
            raise GraphError(401, 190, "Invalid OAuth access token - Cannot parse access token")
        match = re.fullmatch(r"/v19\.0/([^/]+)/messages", path)
        if method != "POST" or not match:
            raise GraphError(400, 100, "Unsupported request - method type or path")
        if match[1] != self.phone_number_id:
            raise GraphError(
                400, 100, f"Unsupported post request. Object with ID '{match[1]}' does not exist"
            )
        with self._lock:
            if self.answers:
                status = self.answers.pop(0)
                code, message = ERRORS.get(status, (1, "An unknown error occurred"))
                raise GraphError(status, code, message)
        try:
            message = json.loads(body)
        except ValueError as exc:
            raise GraphError(400, 100, "Invalid parameter: the body is not JSON") from exc
        self._check(message)
        if message["to"] in self.not_on_whatsapp:
            raise GraphError(
                400, 131026, "Message undeliverable: the receiver is not a WhatsApp user"
            )
        wamid = "wamid." + base64.b64encode(uuid.uuid4().bytes * 2).decode()
        with self._lock:
            self.sent.append({**message, "id": wamid})
        return {
            "messaging_product": "whatsapp",
            "contacts": [{"input": message["to"], "wa_id": message["to"]}],
            "messages": [{"id": wamid, "message_status": "accepted"}],
        }

    def _check(self, message: Any) -> None:
        def invalid(what: str) -> GraphError:
            return GraphError(400, 100, f"Invalid parameter: {what}")

        if not isinstance(message, dict) or message.get("messaging_product") != "whatsapp":
            raise invalid("messaging_product must be whatsapp")
        if not re.fullmatch(r"\d{8,15}", str(message.get("to", ""))):
            raise invalid("to must be a phone number in international format")
        if message.get("type") != "template" or not isinstance(message.get("template"), dict):
            raise invalid("outside the 24-hour window only template messages may be sent")
        template = message["template"]
        approved = APPROVED.get(template.get("name"))
        language = (template.get("language") or {}).get("code")
        if approved is None or language not in approved[0]:
            raise GraphError(404, 132001, "Template name does not exist in the translation")
        bodies = [c for c in template.get("components", []) if c.get("type") == "body"]
        parameters = bodies[0].get("parameters", []) if bodies else []
        if len(parameters) != approved[1]:
            raise GraphError(
                400, 132000, "Number of parameters does not match the expected number of params"
            )
        for parameter in parameters:
            text = parameter.get("text") if parameter.get("type") == "text" else None
            if not isinstance(text, str) or not text or re.search(r"[\n\t]| {4,}", text):
                raise GraphError(
                    400, 132018, "There was an issue with the parameters in your template"
                )


def _handler(fake: FakeWhatsApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                status, answer = 200, fake.handle(self.command, self.path, headers, body)
            except GraphError as exc:
                status, answer = exc.status, exc.body()
                with fake._lock:
                    fake.refused.append((exc.status, exc.code))
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            if status == 401:
                self.send_header("WWW-Authenticate", 'OAuth "Facebook Platform" "invalid_token"')
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
