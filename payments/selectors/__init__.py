"""Reads of money. ``wallet``: a user's balances, history and earnings; ``ledger``: escrow
balances and transaction counts for the audit; ``trust``: money going round between accounts."""
