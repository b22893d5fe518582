"""What the Midtrans tests share besides fixtures."""

import json
import uuid

from payments.models import Deposit

SERVER_KEY = "SB-Mid-server-garap-tests-0123456789abcdef"
CLIENT_KEY = "SB-Mid-client-garap-tests"
TIMEOUT = 0.5  # GATEWAY_TIMEOUT_SECONDS in these tests


def deposit(amount: int = 150_000) -> Deposit:
    """A deposit as the gateway sees it (its reference and amount); never saved."""
    return Deposit(amount=amount, provider="midtrans", reference=uuid.uuid4().hex)


def body(notification: dict) -> bytes:
    return json.dumps(notification).encode()
