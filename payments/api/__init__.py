"""The wallet's API: each module holds its views with the serializers they speak. ``wallet``:
balances and history; ``deposits``: top-ups; ``withdrawals``: money out; ``webhooks``: the
gateways' calls; ``idempotency``: the ``Idempotency-Key`` header of money-moving calls."""
