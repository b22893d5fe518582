# AppendOnlyError is exported too: callers of the ledger catch it from here.
from payments.models.deposits import Deposit
from payments.models.idempotency import IdempotencyRecord
from payments.models.identity import IdentityCheck
from payments.models.ledger import Account, AppendOnlyError, Entry, LedgerTransaction
from payments.models.payouts import PayoutDestination
from payments.models.refunds import DepositRefund
from payments.models.withdrawals import Withdrawal

__all__ = [
    "Account",
    "AppendOnlyError",
    "Deposit",
    "DepositRefund",
    "Entry",
    "IdempotencyRecord",
    "IdentityCheck",
    "LedgerTransaction",
    "PayoutDestination",
    "Withdrawal",
]
