"""The payment gateways' keys and limits (payments/gateways/): which one is used is
PAYMENT_GATEWAY (settings/rules.py); the sandbox needs nothing here."""

from .environment import env

# How long a call to a gateway may take before it counts as down (seconds, for connecting and
# for each read): a hanging gateway must not hold a web worker.
GATEWAY_TIMEOUT_SECONDS = env.float("GATEWAY_TIMEOUT_SECONDS", default=10.0)
# How long an unpaid checkout (and the virtual account number it issues) stays payable.
VIRTUAL_ACCOUNT_EXPIRY_HOURS = env.int("VIRTUAL_ACCOUNT_EXPIRY_HOURS", default=24)

# --- Midtrans -------------------------------------------------------------------------------
# Used when PAYMENT_GATEWAY=midtrans (payments/gateways/midtrans.py). The keys come from the
# environment only: the server key authenticates every API call and signs every notification,
# so whoever holds it can credit wallets. Sandbox keys start with "SB-Mid-".
MIDTRANS_SERVER_KEY = env.str("MIDTRANS_SERVER_KEY", default="")
MIDTRANS_CLIENT_KEY = env.str("MIDTRANS_CLIENT_KEY", default="")
# Off: Midtrans' sandbox, which collects no real money (a deploy check refuses it on a public
# site unless ALLOW_SANDBOX_GATEWAY marks it as staging).
MIDTRANS_IS_PRODUCTION = env.bool("MIDTRANS_IS_PRODUCTION", default=False)
# Empty: the client's own (app[.sandbox].midtrans.com/snap/v1, api[.sandbox].midtrans.com).
# Set only to point the client at a local fake of Midtrans in tests and CI.
MIDTRANS_SNAP_BASE_URL = env.str("MIDTRANS_SNAP_BASE_URL", default="")
MIDTRANS_API_BASE_URL = env.str("MIDTRANS_API_BASE_URL", default="")
# Withdrawals on a Midtrans site are paid out through Iris, Midtrans' disbursement API
# (payments/gateways/midtrans_payouts.py), which has keys of its own in Midtrans' Payouts
# dashboard: a creator user's API key creates payouts; an approver's approves each one where
# the account does not approve by itself (empty: it does); the merchant key signs Iris'
# notifications, so whoever holds it can say a payout was made. Environment only.
MIDTRANS_IRIS_CREATOR_KEY = env.str("MIDTRANS_IRIS_CREATOR_KEY", default="")
MIDTRANS_IRIS_APPROVER_KEY = env.str("MIDTRANS_IRIS_APPROVER_KEY", default="")
MIDTRANS_IRIS_MERCHANT_KEY = env.str("MIDTRANS_IRIS_MERCHANT_KEY", default="")
# Empty: app[.sandbox].midtrans.com/iris, by MIDTRANS_IS_PRODUCTION. Set only to point payouts
# at a local fake of Iris in tests and CI.
MIDTRANS_IRIS_BASE_URL = env.str("MIDTRANS_IRIS_BASE_URL", default="")

# --- Xendit --------------------------------------------------------------------------------------
# PAYMENT_GATEWAY=xendit takes deposits through Xendit invoices and pays withdrawals out through
# its payouts (payments/gateways/xendit.py). The secret API key and the webhook verification
# token come from Xendit's dashboard, through the environment only; empty, the deploy checks
# say what is missing. XENDIT_BASE_URL is empty for Xendit itself (the client's
# https://api.xendit.co); the tests point it at their local fake.
XENDIT_SECRET_KEY = env.str("XENDIT_SECRET_KEY", default="")
XENDIT_CALLBACK_TOKEN = env.str("XENDIT_CALLBACK_TOKEN", default="")
XENDIT_BASE_URL = env.str("XENDIT_BASE_URL", default="")
# Its calls are limited by GATEWAY_TIMEOUT_SECONDS and its invoices stay payable for
# VIRTUAL_ACCOUNT_EXPIRY_HOURS, as Midtrans' do.

# --- Payouts -------------------------------------------------------------------------------------
# A withdrawal still waiting to be sent to the payout gateway this long after it was queued (its
# task was lost, its worker died, the gateway was down past the task's retries) is sent again by
# the sweep (payments.tasks.resend_stuck_payouts) — with the same idempotency key, so at most one
# payout. Longer than the task's first retries, so the sweep does not race them.
PAYOUT_RESEND_AFTER_SECONDS = env.int("PAYOUT_RESEND_AFTER_SECONDS", default=600)
# A withdrawal the payout gateway took this long ago with no callback since (lost, or never
# sent) is read back through the gateway's API and settled as the webhook would — and again this
# long after each answer of "still pending" (payments.tasks.confirm_unsettled_payouts).
PAYOUT_CONFIRM_AFTER_SECONDS = env.int("PAYOUT_CONFIRM_AFTER_SECONDS", default=3600)
# Gateways forget idempotency keys (Iris after 24 hours): a withdrawal not taken by the gateway
# this long after its key was made is held for finance instead of resent, since a resend with a
# forgotten key could pay it twice (payments.services.payouts).
PAYOUT_KEY_MAX_AGE_HOURS = env.int("PAYOUT_KEY_MAX_AGE_HOURS", default=20)
