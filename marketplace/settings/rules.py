"""Money, the timers and the marketplace's rules: limits people and their uploads meet."""

from .environment import env

# --- Money ----------------------------------------------------------------------------------
# Whole rupiah everywhere; no fractional currency unit exists in the database.
CURRENCY = "IDR"
# Taken from the freelancer's side at release; may have decimals ("7.5"). See payments.fees.
PLATFORM_FEE_PERCENT = env.str("PLATFORM_FEE_PERCENT", default="10")

# Deposits and withdrawals, whole rupiah.
DEPOSIT_MIN_AMOUNT = env.int("DEPOSIT_MIN_AMOUNT", default=10_000)
DEPOSIT_MAX_AMOUNT = env.int("DEPOSIT_MAX_AMOUNT", default=50_000_000)
WITHDRAWAL_MIN_AMOUNT = env.int("WITHDRAWAL_MIN_AMOUNT", default=50_000)
# Which gateway tops up wallets. "sandbox" is built in and "pays" with one click on our own
# checkout page: for development, the demo and staging. Its routes exist only while it is the
# gateway; production refuses it unless a staging site sets ALLOW_SANDBOX_GATEWAY=true, and
# then only with its own SANDBOX_WEBHOOK_SECRET (payments/checks.py).
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="sandbox")
ALLOW_SANDBOX_GATEWAY = env.bool("ALLOW_SANDBOX_GATEWAY", default=False)
# "Pay" on a milestone twice within this many hours offers the payment already open at the
# gateway again (same amount), instead of opening a second one the client might pay too.
PAYMENT_REUSE_HOURS = env.int("PAYMENT_REUSE_HOURS", default=1)
# Public, so good only where no real money is: production and `check --deploy` refuse it.
DEVELOPMENT_WEBHOOK_SECRET = "garap-sandbox-webhook-secret"  # noqa: S105
SANDBOX_WEBHOOK_SECRET = env.str("SANDBOX_WEBHOOK_SECRET", default=DEVELOPMENT_WEBHOOK_SECRET)
# Where this site is reachable: links in e-mails, gateway return and webhook URLs.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# A submitted milestone is released to the freelancer this long after submission if the client
# neither approves nor asks for a revision.
AUTO_RELEASE_DAYS = env.int("AUTO_RELEASE_DAYS", default=3)

# --- Timers (DESIGN.md §4; projects/services/timers.py) --------------------------------------
# The length of a timer "day" in seconds; the demo sets 60 to watch deadlines pass in minutes.
TIMER_DAY_SECONDS = env.int("TIMER_DAY_SECONDS", default=24 * 3600)
# How often beat runs the sweeps (seconds), and how much one sweep run may do.
# Every minute, or every timer "minute" in a fast demo (at least 5 s).
TIMER_SWEEP_SECONDS = env.float(
    "TIMER_SWEEP_SECONDS", default=max(5.0, min(60.0, TIMER_DAY_SECONDS / 1440))
)
TIMER_BATCH_SIZE = 200
TIMER_MAX_BATCHES = 10
# The longest a sweep waits for a lock its row's transaction needs (seconds; PostgreSQL): past it
# the row is left for the next run, so a lock held elsewhere never stalls a worker
# (marketplace/locking.py). The row itself is skipped at once when locked (skip_locked).
TIMER_LOCK_TIMEOUT_SECONDS = env.float("TIMER_LOCK_TIMEOUT_SECONDS", default=2.0)
# An open gig expires this long after bidding closed without an award (bidders are told).
AWARD_WINDOW_DAYS = env.int("AWARD_WINDOW_DAYS", default=7)
# A contract nobody funded is reminded after a day and cancelled after this many days.
FUNDING_WINDOW_DAYS = env.int("FUNDING_WINDOW_DAYS", default=3)

# --- Marketplace rules ----------------------------------------------------------------------
# Which new gigs a moderator sees before they go live: "all", "new_clients" (a client's first
# gig and any gig the content filter flags) or "off".
GIG_MODERATION = env.str("GIG_MODERATION", default="new_clients")
GIG_MAX_BUDGET = env.int("GIG_MAX_BUDGET", default=100_000_000)  # rupiah; micro-work, not mega
GIG_MAX_SKILLS = 10
GIG_BIDDING_MIN_HOURS = 24  # the bidding deadline is 1 to 14 days after publishing
GIG_BIDDING_MAX_DAYS = 14
GIG_DELIVERY_MAX_DAYS = 60  # the delivery deadline is at most this long after bidding closes
MILESTONE_MIN_AMOUNT = env.int("MILESTONE_MIN_AMOUNT", default=10_000)  # rupiah
MILESTONES_MAX = 10
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENTS_PER_GIG = 5
ATTACHMENTS_PER_MESSAGE = 5
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=5 * 1024 * 1024)  # portfolio images
# An upload may be at most 4096 px a side and 16 MP: a phone's 12 MP photo (4032 × 3024) fits
# as it comes; decoding costs CPU in proportion to the pixels, and a portfolio shows nothing
# larger than IMAGE_STORED_MAX_SIDE anyway. Checked from the header, before any decoding.
IMAGE_MAX_SIDE = 4096  # pixels per side
IMAGE_MAX_PIXELS = 16_000_000  # width × height
# What is stored and shown: at most this many pixels a side (2× a wide portfolio column, for
# dense screens). Larger uploads are scaled down by the worker that re-encodes them.
IMAGE_STORED_MAX_SIDE = 2048
# Profile photos: cut to a square of this many pixels (2x the largest avatar shown, for dense
# screens). They are cleaned in the request, not by a worker, so the decoding stays cheap: a
# JPEG is decoded at a reduced scale straight to about this size whatever its pixels; a PNG or
# WebP, which cannot be, may have at most PHOTO_LOSSLESS_MAX_PIXELS (a phone screenshot fits).
PHOTO_SIDE = 256
PHOTO_LOSSLESS_MAX_PIXELS = 4_000_000
# Uploads (images, attachments, message and delivery files) one account may send; a 429 with
# Retry-After beyond it. Each image costs a worker up to a second of CPU to re-encode.
UPLOAD_THROTTLE_RATE = env.str("UPLOAD_THROTTLE_RATE", default="120/hour")
# An image still processing this long after its upload is handed to a worker again (its task
# was lost: a broker outage at commit, a worker killed mid-task).
IMAGE_PROCESSING_RETRY_SECONDS = 300
# Reviews and reputation (docs/reputation.md).
REVIEW_WINDOW_DAYS = env.int("REVIEW_WINDOW_DAYS", default=14)
REPUTATION_PRIOR_WEIGHT = 5  # imaginary reviews at the platform mean in the Bayesian rating
# Events for one user within this many seconds make one recalculation.
REPUTATION_DEBOUNCE_SECONDS = env.float("REPUTATION_DEBOUNCE_SECONDS", default=30.0)
# Trust and safety (projects/services/reports.py, suspensions.py, contact.py).
# A dispute one side has not answered in the thread for this many timer days is flagged first in
# the moderators' console.
DISPUTE_RESPONSE_DAYS = env.int("DISPUTE_RESPONSE_DAYS", default=3)
# Contact details found in this many things one user wrote within the window (days) raise a
# report on that user automatically; a single slip is only masked and explained.
CONTACT_HITS_BEFORE_REPORT = env.int("CONTACT_HITS_BEFORE_REPORT", default=3)
CONTACT_HITS_WINDOW_DAYS = 30

# --- Identity checks (KYC) ------------------------------------------------------------------
# Every withdrawal needs an approved identity (payments.services.identity): the simplest rule
# that covers both of the cases, the first withdrawal and a month above a limit, so
# there is no monthly-limit setting.
# Days after a check is decided before the KTP photo and the selfie are deleted.
KYC_IMAGE_RETENTION_DAYS = env.int("KYC_IMAGE_RETENTION_DAYS", default=30)
