"""The ledger of a generated run: every movement of money the milestones' stories imply, in
time order, as ``payments.services.ledger.post`` would have written it.

Funding, release (10 % fee to the platform, by ``payments.fees``), refund and dispute
settlement come from the milestones; top-ups are added where a client's wallet would not cover
a funding (a sandbox deposit, paid, just before it); some freelancers withdraw their earnings
(requested, then paid by finance staff a little later, or still pending at ``now``). The
idempotency keys, references and descriptions are the services'. Transactions and entries are
only inserted (the ledger is append-only); accounts are inserted with a zero balance and their
cached balances are set once at the end, to the sum of their entries.
"""

from __future__ import annotations

import heapq
import uuid
from array import array
from collections import defaultdict
from random import Random

from django.conf import settings

from payments.fees import platform_fee
from payments.models import Account, Deposit, Entry, LedgerTransaction, Withdrawal
from payments.services import ledger as refs
from projects.models.contracts import escrow_reference
from projects.sample_data.generate.load import Loader
from projects.sample_data.generate.market import MoneyTrail

FUND, RELEASE, REFUND, RESOLVE = range(4)
K = LedgerTransaction.Kind
TOP_UP_STEP = 50_000
TOP_UP_EXTRA = (0, 0, 0, 50_000, 100_000, 250_000, 500_000)
WITHDRAW_FROM = 200_000  # a freelancer thinks of withdrawing once the wallet holds this much
WITHDRAW_PROBABILITY = 0.35
BANKS = ("BCA", "BRI", "MANDIRI", "BNI", "BSI", "CIMB")
EWALLETS = ("GOPAY", "OVO", "DANA", "SHOPEEPAY")
INDEX_MASK = (1 << 37) - 1


class Ledger:
    def __init__(self, *, loader: Loader, rng: Random, now: int, holders: dict[int, str]) -> None:
        self.loader, self.rng, self.now = loader, rng, now
        self.at = loader.timestamp()
        self.day = settings.TIMER_DAY_SECONDS
        self.holders = holders
        t = loader.table
        self.accounts = t(Account, ["id", "kind", "reference", "owner_id", "balance", "created_at"])
        self.deposits = t(
            Deposit,
            [
                "id",
                "user_id",
                "amount",
                "provider",
                "reference",
                "provider_reference",
                "checkout_url",
                "status",
                "created_at",
                "completed_at",
                "gateway_outcome",
                "gateway_outcome_at",
            ],
        )
        self.withdrawals = t(
            Withdrawal,
            [
                "id",
                "user_id",
                "amount",
                "method",
                "bank_code",
                "account_number",
                "holder_name",
                "status",
                "created_at",
                "processed_at",
            ],
        )
        self.transactions = t(
            LedgerTransaction,
            ["id", "kind", "idempotency_key", "reference", "description", "created_at"],
        )
        self.entries = t(Entry, ["id", "transaction_id", "account_id", "amount", "created_at"])
        # The shared accounts may exist already (the demo data posts to them).
        self.shared = dict(
            Account.objects.using(loader.connection.alias)
            .filter(reference__in=[refs.PLATFORM_FEES, refs.PAYOUTS, "gateway:sandbox"])
            .values_list("reference", "id")
        )
        self.wallets: dict[int, int] = {}
        self.pending: dict[int, int] = {}
        self.delta: defaultdict[int, int] = defaultdict(int)  # account id → sum of new entries
        self.withdrawing: set[int] = set()
        self.queue: list[tuple] = []  # withdrawal steps, by time
        self.sequence = 0
        self.last = 0  # the latest posting: transactions are written in time order
        self.checkout = settings.SITE_URL.rstrip("/") + "/payments/sandbox/checkout/"

    # --- accounts ---------------------------------------------------------------------------

    def _new_account(self, ref: refs.AccountRef, moment: int) -> int:
        account_id = self.accounts.new_id()
        self.accounts.add((account_id, ref.kind, ref.reference, ref.owner_id, 0, self.at(moment)))
        return account_id

    def _shared(self, ref: refs.AccountRef, moment: int) -> int:
        account_id = self.shared.get(ref.reference)
        if account_id is None:
            account_id = self.shared[ref.reference] = self._new_account(ref, moment)
        return account_id

    def _wallet(self, user_id: int, moment: int) -> int:
        account_id = self.wallets.get(user_id)
        if account_id is None:
            account_id = self.wallets[user_id] = self._new_account(refs.wallet(user_id), moment)
        return account_id

    def _pending(self, user_id: int, moment: int) -> int:
        account_id = self.pending.get(user_id)
        if account_id is None:
            ref = refs.pending_withdrawal(user_id)
            account_id = self.pending[user_id] = self._new_account(ref, moment)
        return account_id

    def _post(
        self,
        kind: str,
        key: str,
        reference: str,
        description: str,
        moment: int,
        entries: list[tuple[int, int]],
    ) -> None:
        assert sum(amount for _account, amount in entries) == 0, key  # noqa: S101 - a bug guard
        transaction_id = self.transactions.new_id()
        self.last = moment
        when = self.at(moment)
        self.transactions.add((transaction_id, kind, key, reference, description, when))
        new_entry, add, delta = self.entries.new_id, self.entries.add, self.delta
        for account_id, amount in entries:
            if amount:
                add((new_entry(), transaction_id, account_id, amount, when))
                delta[account_id] += amount

    # --- the pass ---------------------------------------------------------------------------

    def run(self, trail: MoneyTrail) -> None:
        events = sorted(trail.events)
        trail.events = []  # the sorted copy is all we need
        escrow = array("q", bytes(8 * len(trail.milestone_ids)))
        for event in events:
            moment, index, kind = event >> 40, (event >> 3) & INDEX_MASK, event & 7
            self._withdrawals_until(moment)
            milestone_id = trail.milestone_ids[index]
            amount, client = trail.amounts[index], trail.clients[index]
            reference = escrow_reference(milestone_id)
            if kind == FUND:
                wallet = self._wallet(client, moment)
                if self.delta[wallet] < amount:
                    missing = amount - self.delta[wallet]
                    self._top_up(client, wallet, missing, max(self.last, moment - 60))
                escrow[index] = self._new_account(refs.escrow(reference, client), moment)
                self._post(
                    K.FUND,
                    f"fund:{reference}",
                    reference,
                    f"Funded {reference}",
                    moment,
                    [(wallet, -amount), (escrow[index], amount)],
                )
            elif kind == REFUND:
                self._post(
                    K.REFUND,
                    f"refund:{reference}",
                    reference,
                    f"Refunded {reference}",
                    moment,
                    [(escrow[index], -amount), (self._wallet(client, moment), amount)],
                )
            else:
                freelancer = trail.freelancers[index]
                to_freelancer = amount if kind == RELEASE else trail.resolved_amounts[index]
                fee = platform_fee(to_freelancer)
                wallet = self._wallet(freelancer, moment)
                entries = [
                    (escrow[index], -amount),
                    (wallet, to_freelancer - fee),
                    (self._shared(refs.platform_fees(), moment), fee),
                ]
                if kind == RELEASE:
                    self._post(
                        K.RELEASE,
                        f"release:{reference}",
                        reference,
                        f"Released {reference}",
                        moment,
                        entries,
                    )
                else:
                    entries.append((self._wallet(client, moment), amount - to_freelancer))
                    self._post(
                        K.RESOLVE,
                        f"resolve:{reference}",
                        reference,
                        f"Dispute settled for {reference}",
                        moment,
                        entries,
                    )
                self._maybe_withdraw(freelancer, wallet, moment)
            self.loader.maybe_flush()
        self._withdrawals_until(self.now)
        for _moment, _seq, step, *args in sorted(self.queue):  # paid after now: still requested
            if step == "paid":
                self._write_withdrawal(*args[:-1], paid=None)

    def _top_up(self, client: int, wallet: int, missing: int, moment: int) -> None:
        rng = self.rng
        amount = -(-missing // TOP_UP_STEP) * TOP_UP_STEP + rng.choice(TOP_UP_EXTRA)
        amount = min(amount, settings.DEPOSIT_MAX_AMOUNT)
        deposit_id = self.deposits.new_id()
        reference = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        opened = moment - rng.randrange(30, 600)
        self.deposits.add(
            (
                deposit_id,
                client,
                amount,
                "sandbox",
                reference,
                f"sbx_{reference[:16]}",
                self.checkout + reference + "/",
                Deposit.Status.PAID,
                self.at(opened),
                self.at(moment),
                "paid",
                self.at(moment - rng.randrange(1, 20)),
            )
        )
        self._post(
            K.DEPOSIT,
            f"deposit:{deposit_id}",
            f"deposit:{deposit_id}",
            "Top-up via sandbox",
            moment,
            [(self._shared(refs.gateway("sandbox"), moment), -amount), (wallet, amount)],
        )

    def _maybe_withdraw(self, freelancer: int, wallet: int, moment: int) -> None:
        rng = self.rng
        if freelancer in self.withdrawing or self.delta[wallet] < WITHDRAW_FROM:
            return
        if rng.random() >= WITHDRAW_PROBABILITY:
            return
        # Earnings only grow until the request: nothing else takes from a freelancer's wallet.
        amount = int(self.delta[wallet] * rng.uniform(0.6, 1.0)) // 10_000 * 10_000
        requested = moment + rng.randrange(self.day // 24, 3 * self.day)
        if requested > self.now or amount < settings.WITHDRAWAL_MIN_AMOUNT:
            return
        self.withdrawing.add(freelancer)
        self._schedule(requested, "request", freelancer, wallet, amount)

    def _schedule(self, moment: int, step: str, *args: object) -> None:
        self.sequence += 1
        heapq.heappush(self.queue, (moment, self.sequence, step, *args))

    def _withdrawals_until(self, moment: int) -> None:
        while self.queue and self.queue[0][0] <= moment:
            when, _seq, step, *args = heapq.heappop(self.queue)
            if step == "request":
                freelancer, wallet, amount = args
                rng = self.rng
                withdrawal_id = self.withdrawals.new_id()
                bank = rng.random() < 0.7
                code = rng.choice(BANKS if bank else EWALLETS)
                number = (
                    str(rng.randrange(10**9, 10**12))
                    if bank
                    else f"08{rng.randrange(10**9, 10**10)}"
                )
                details = (
                    withdrawal_id,
                    freelancer,
                    amount,
                    "bank" if bank else "ewallet",
                    code,
                    number,
                    when,
                )
                reference = f"withdrawal:{withdrawal_id}"
                self._post(
                    K.WITHDRAWAL_REQUEST,
                    f"{reference}:request",
                    reference,
                    f"Withdrawal to {code}",
                    when,
                    [(wallet, -amount), (self._pending(freelancer, when), amount)],
                )
                paid = when + rng.randrange(2 * self.day // 24, 2 * self.day)
                self._schedule(paid, "paid", *details, paid)
            else:
                withdrawal_id, freelancer, amount, _method, code, _number, _requested, paid = args
                reference = f"withdrawal:{withdrawal_id}"
                self._post(
                    K.WITHDRAWAL_PAID,
                    f"{reference}:paid",
                    reference,
                    f"Paid to {code}",
                    when,
                    [
                        (self._pending(freelancer, when), -amount),
                        (self._shared(refs.payouts(), when), amount),
                    ],
                )
                self._write_withdrawal(*args[:-1], paid=paid)
                self.withdrawing.discard(freelancer)

    def _write_withdrawal(
        self,
        withdrawal_id: int,
        freelancer: int,
        amount: int,
        method: str,
        code: str,
        number: str,
        requested: int,
        *,
        paid: int | None,
    ) -> None:
        self.withdrawals.add(
            (
                withdrawal_id,
                freelancer,
                amount,
                method,
                code,
                number,
                self.holders[freelancer],
                Withdrawal.Status.PAID if paid else Withdrawal.Status.REQUESTED,
                self.at(requested),
                self.at(paid) if paid else None,
            )
        )

    def set_balances(self) -> None:
        """Each account's cached balance moves by the sum of its new entries."""
        self.loader.add_to_column(Account, "balance", self.delta)
