"""The double-entry ledger, wallets, deposits and withdrawals (see DESIGN.md §3)."""
