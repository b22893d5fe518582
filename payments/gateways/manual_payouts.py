"""Where finance pays withdrawals to by hand, on a site with no payout gateway (the sandbox):
the usual Indonesian banks and e-wallets, by the short codes people know them by."""

from __future__ import annotations

from payments.gateways.payouts import PayoutChannel

MANUAL_CHANNELS: tuple[PayoutChannel, ...] = (
    PayoutChannel("BCA", "BCA", "bank"),
    PayoutChannel("BNI", "BNI", "bank"),
    PayoutChannel("BRI", "BRI", "bank"),
    PayoutChannel("MANDIRI", "Mandiri", "bank"),
    PayoutChannel("PERMATA", "Permata", "bank"),
    PayoutChannel("CIMB", "CIMB Niaga", "bank"),
    PayoutChannel("BSI", "Bank Syariah Indonesia", "bank"),
    PayoutChannel("OVO", "OVO", "ewallet"),
    PayoutChannel("DANA", "DANA", "ewallet"),
    PayoutChannel("GOPAY", "GoPay", "ewallet"),
    PayoutChannel("SHOPEEPAY", "ShopeePay", "ewallet"),
)
