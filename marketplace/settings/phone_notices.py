"""Notices that reach a phone: web push (VAPID) and WhatsApp (the Business Cloud API).

Both are off until configured; production refuses a half configuration of one that is on
(marketplace/settings/production.py). docs/production.md lists the variables.
"""

from .environment import env

# --- Web push (the Push API with VAPID, RFC 8292) ------------------------------------------
# The key pair identifies Garap to the browsers' push services. Make one with
# `python manage.py generate_vapid_keys`; the public key is also what browsers subscribe with,
# so a new pair needs every subscription made again.
WEB_PUSH_ENABLED = env.bool("WEB_PUSH_ENABLED", default=False)
VAPID_PUBLIC_KEY = env.str("VAPID_PUBLIC_KEY", default="")  # base64url, uncompressed P-256 point
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")  # base64url raw key, or PEM
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="mailto:admin@garap.local")
# Garap POSTs to whatever endpoint a browser subscribed with, so only the real push services'
# hosts are accepted (a host or a parent domain each): an endpoint pointing into our own
# network would turn the worker into a proxy for anyone (SSRF). Endpoints must be https.
WEB_PUSH_ALLOWED_HOSTS = env.list(
    "WEB_PUSH_ALLOWED_HOSTS",
    default=[
        "fcm.googleapis.com",  # Chrome, Edge, Samsung Internet, Opera on Android
        "updates.push.services.mozilla.com",  # Firefox
        "notify.windows.com",  # Edge on Windows (wns2-*.notify.windows.com)
        "push.apple.com",  # Safari (web.push.apple.com)
    ],
)
# How long a push service keeps a notice for a phone that is off (seconds).
WEB_PUSH_TTL = env.int("WEB_PUSH_TTL", default=60 * 60 * 24)
PHONE_NOTICE_TIMEOUT = env.float("PHONE_NOTICE_TIMEOUT", default=10.0)

# --- WhatsApp Business Cloud API ------------------------------------------------------------
# Opt-in notices for the most urgent kinds, sent as approved message templates (each kind
# names its template: NoticeKind.whatsapp_template) in the recipient's language.
WHATSAPP_ENABLED = env.bool("WHATSAPP_ENABLED", default=False)
WHATSAPP_API_BASE_URL = env.str("WHATSAPP_API_BASE_URL", default="https://graph.facebook.com/v19.0")
WHATSAPP_TOKEN = env.str("WHATSAPP_TOKEN", default="")  # a System User's permanent token
WHATSAPP_PHONE_NUMBER_ID = env.str("WHATSAPP_PHONE_NUMBER_ID", default="")
