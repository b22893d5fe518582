"""Celery: the broker, how tasks run, and the beat schedule of the sweeps."""

from celery.schedules import crontab
from kombu import Exchange, Queue

from .databases import REDIS_URL
from .environment import VAR_DIR, env
from .i18n import TIME_ZONE
from .rules import IMAGE_PROCESSING_RETRY_SECONDS, TIMER_SWEEP_SECONDS

# --- Celery ---------------------------------------------------------------------------------
# Without REDIS_URL the broker is kombu's filesystem transport: a real worker and a real beat
# scheduler run with no server (eager mode would skip the scheduler entirely).
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the longest task's hard time limit, or Redis would hand a running task to a
        # second worker. The fault tests shorten it to see a killed worker's task come back.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    }
    if REDIS_URL.partition("://")[0] in ("redis", "rediss"):
        # kombu's Redis transport with the correction that keeps a worker alive when Redis goes
        # away while it holds unacknowledged messages (marketplace/broker.py says why).
        CELERY_BROKER_TRANSPORT = "marketplace.broker:Transport"
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Exchange bindings: with the queues, not in the working directory (kombu's default).
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# At-least-once delivery: a message is acknowledged only after its task finished, and a task
# whose worker died is given back to the queue. Tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE

# Queues by kind, so that work of one kind never waits behind a backlog of another: ten thousand
# queued e-mails sit in "notices" while a paid webhook's credit runs from "money". Production runs
# a worker per group (docs/production.md): ``-Q money,timers``, ``-Q notices``, ``-Q heavy``; the
# embedded run's one worker consumes all four (scripts/run.py), as does any worker started
# without ``-Q`` (it consumes CELERY_TASK_QUEUES). Every task is named here: one left out would go
# to Celery's default queue, which no worker consumes (tests/marketplace/test_celery_queues.py
# fails first).
TASK_QUEUES_BY_KIND: dict[str, tuple[str, ...]] = {
    # Money in and out: the sandbox gateway's webhooks, deposit checks, payouts, refunds.
    "money": (
        "payments.deliver_sandbox_webhook",
        "payments.redeliver_sandbox_webhooks",
        "payments.withdrawal_send_payout",
        "payments.resend_stuck_payouts",
        "payments.confirm_unsettled_payouts",
        "payments.resend_pending_refunds",
    ),
    # The timers of DESIGN.md §4 and the other short periodic sweeps, and the scheduler's
    # heartbeat (it proves beat → broker → a worker; it shares the money worker's queue).
    "timers": (
        "marketplace.tasks.heartbeat",
        "projects.tasks.sweep_milestone_due_dates",
        "projects.tasks.sweep_auto_release",
        "projects.tasks.sweep_bidding_deadlines",
        "projects.tasks.sweep_unfunded_contracts",
        "projects.tasks.sweep_ended_suspensions",
        "projects.tasks.reveal_due_reviews",
        "accounts.tasks.sweep_processing_images",
        "payments.expire_identity_images",
    ),
    # What leaves for a person: e-mail, web push, WhatsApp, and the outbox sweeps that resend
    # them (they wait on SMTP and push services, so they stay off the timers' worker).
    "notices": (
        "accounts.tasks.send_notification_email",
        "accounts.tasks.send_account_email",
        "accounts.tasks.deliver_pending_emails",
        "accounts.tasks.send_notice_delivery",
        "accounts.tasks.deliver_pending_phone_notices",
    ),
    # Long CPU or database work: images, reputation, the nightly trust and ledger passes.
    "heavy": (
        "accounts.tasks.process_portfolio_image",
        "projects.tasks.recalculate_user_reputation",
        "projects.tasks.recalculate_all_reputation",
        "projects.tasks.sweep_reputation_events",
        "projects.tasks.sweep_trust_checks",
        "projects.tasks.audit_ledger",
    ),
}
# Each queue on its own direct exchange and routing key (as Celery makes a queue it was not
# told of), so a message reaches its queue and no other.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name, type="direct"), routing_key=name) for name in TASK_QUEUES_BY_KIND
)
CELERY_TASK_ROUTES = {
    task: {"queue": queue} for queue, tasks in TASK_QUEUES_BY_KIND.items() for task in tasks
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often the scheduler proves it is alive (seconds); see marketplace.tasks.heartbeat.
HEARTBEAT_INTERVAL_SECONDS = env.float("HEARTBEAT_INTERVAL_SECONDS", default=30.0)
CELERY_BEAT_SCHEDULE = {
    "scheduler-heartbeat": {
        "task": "marketplace.tasks.heartbeat",
        "schedule": HEARTBEAT_INTERVAL_SECONDS,
        # A heartbeat older than its interval is worthless; never let a backlog pile up.
        "options": {"expires": HEARTBEAT_INTERVAL_SECONDS},
    },
    # The timers of DESIGN.md §4: each sweep finds what is due from the database, so a missed
    # run or a lost message is caught up by the next one. Expired runs are dropped, not queued.
    **{
        name: {
            "task": f"projects.tasks.{name.replace('-', '_')}",
            "schedule": TIMER_SWEEP_SECONDS,
            "options": {"expires": TIMER_SWEEP_SECONDS},
        }
        for name in (
            "sweep-milestone-due-dates",
            "sweep-auto-release",
            "sweep-bidding-deadlines",
            "sweep-unfunded-contracts",
            "sweep-ended-suspensions",
        )
    },
    "redeliver-sandbox-webhooks": {
        "task": "payments.redeliver_sandbox_webhooks",
        "schedule": TIMER_SWEEP_SECONDS,
        "options": {"expires": TIMER_SWEEP_SECONDS},
    },
    # Withdrawals a lost task or a dead worker left "sending" go to the payout gateway again
    # (PAYOUT_RESEND_AFTER_SECONDS); the same idempotency key, so never a second payout.
    "resend-stuck-payouts": {
        "task": "payments.resend_stuck_payouts",
        "schedule": TIMER_SWEEP_SECONDS,
        "options": {"expires": TIMER_SWEEP_SECONDS},
    },
    # Refunds a gateway did not answer, sent again under their own key (payments.services.refunds).
    "resend-pending-refunds": {
        "task": "payments.resend_pending_refunds",
        "schedule": 600.0,
        "options": {"expires": 600.0},
    },
    # Withdrawals the payout gateway took but never called back about are read back from it
    # (PAYOUT_CONFIRM_AFTER_SECONDS) and settled as the webhook would.
    "confirm-unsettled-payouts": {
        "task": "payments.confirm_unsettled_payouts",
        "schedule": TIMER_SWEEP_SECONDS,
        "options": {"expires": TIMER_SWEEP_SECONDS},
    },
    "deliver-pending-emails": {
        "task": "accounts.tasks.deliver_pending_emails",
        "schedule": TIMER_SWEEP_SECONDS,
        "options": {"expires": TIMER_SWEEP_SECONDS},
    },
    # Push and WhatsApp notices (accounts.services.phone_notices), the same way.
    "deliver-pending-phone-notices": {
        "task": "accounts.tasks.deliver_pending_phone_notices",
        "schedule": TIMER_SWEEP_SECONDS,
        "options": {"expires": TIMER_SWEEP_SECONDS},
    },
    "sweep-processing-images": {
        "task": "accounts.tasks.sweep_processing_images",
        "schedule": float(IMAGE_PROCESSING_RETRY_SECONDS),
        "options": {"expires": float(IMAGE_PROCESSING_RETRY_SECONDS)},
    },
    # KTP photos and selfies leave the storage once kept their retention period after the
    # check was decided (KYC_IMAGE_RETENTION_DAYS); hourly is well within a day's precision.
    "expire-identity-images": {
        "task": "payments.expire_identity_images",
        "schedule": crontab(minute=17),
    },
    "audit-ledger": {
        "task": "projects.tasks.audit_ledger",
        "schedule": crontab(hour=3, minute=0),  # nightly, Asia/Jakarta
    },
    "reveal-due-reviews": {
        "task": "projects.tasks.reveal_due_reviews",
        "schedule": TIMER_SWEEP_SECONDS,
    },
    "sweep-reputation-events": {
        "task": "projects.tasks.sweep_reputation_events",
        "schedule": 600.0,
    },
    "sweep-trust-checks": {
        "task": "projects.tasks.sweep_trust_checks",
        "schedule": crontab(hour=2, minute=0),  # before the nightly reputation pass
    },
    "nightly-reputation": {
        "task": "projects.tasks.recalculate_all_reputation",
        "schedule": crontab(hour=2, minute=30),  # Asia/Jakarta, the quietest hour
    },
}
