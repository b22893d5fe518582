"""Ledger rows are read-only here; withdrawals are processed through the payments services.

Nobody changes money rows through a form, not even a superuser: the ledger, deposits and
withdrawals are view-only pages. Finance staff mark withdrawals paid or reject them with the
actions below, which call ``withdrawal_mark_paid`` / ``withdrawal_reject`` (each posts its
ledger transaction and writes one audit record); identity checks are approved or rejected
the same way (``payments.admin.identity``). The actions are offered only to holders of
``payments.process_withdrawal``; the services check it again.

One module per page; importing them registers them with the admin site (Django's
autodiscovery imports this package).
"""

from payments.admin import deposits, identity, ledger, withdrawals

__all__ = ["deposits", "identity", "ledger", "withdrawals"]
