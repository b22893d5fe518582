"""Writes of money. ``ledger``: the only writer of ledger entries; ``escrow``: funding, release,
refund and split for other apps; ``deposits``: top-ups through a gateway; ``withdrawals``: money
out, processed by finance staff; ``idempotency``: doing a money-moving request once per key."""
