"""Sign-in, passwords, tokens, the rates that stop floods, and the security headers."""

from csp import constants as csp

from .environment import env

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UsernameOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# API tokens expire; a client logs in again to get a new one.
AUTH_TOKEN_TTL_DAYS = env.int("AUTH_TOKEN_TTL_DAYS", default=30)
# Login and sign-up attempts per client address; a burst beyond it gets a 429 that says how
# long to wait.
AUTH_THROTTLE_RATE = env.str("AUTH_THROTTLE_RATE", default="10/min")
# Reports one account may file (moderators read every one; a flood is abuse of its own).
REPORT_THROTTLE_RATE = env.str("REPORT_THROTTLE_RATE", default="30/hour")
# How many proxies of ours (load balancer, nginx) stand in front of the web processes: each
# appends the address it received the request from to X-Forwarded-For, so the client is that
# many entries from the right. 0: no proxy, the header is ignored (a client could write
# anything in it) and the socket's address is the client. See marketplace.ratelimit.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Per account (the username or e-mail tried, whether or not it exists): after this many wrong
# passwords in a row, each next attempt waits 1 s, 2 s, 4 s, … up to LOGIN_DELAY_MAX_SECONDS.
# Attempts made while waiting are refused without checking the password and do not lengthen
# the wait, so an attacker can slow a victim's login by at most the cap; a successful login
# clears the count, and it is forgotten after LOGIN_FAILURE_WINDOW_SECONDS without a failure.
LOGIN_FAILURES_BEFORE_DELAY = env.int("LOGIN_FAILURES_BEFORE_DELAY", default=5)
LOGIN_DELAY_MAX_SECONDS = env.int("LOGIN_DELAY_MAX_SECONDS", default=300)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=24 * 3600)
# Password-reset and verification e-mails, per e-mail address and per account.
ACCOUNT_EMAIL_RATE = env.str("ACCOUNT_EMAIL_RATE", default="3/hour")
# Sign-ups refused because the e-mail address has an account, per client address: beyond it
# every sign-up from that address is a 429, so sign-up cannot be used to test a list of
# addresses (the owner is told by e-mail that someone tried).
SIGNUP_TAKEN_EMAIL_RATE = env.str("SIGNUP_TAKEN_EMAIL_RATE", default="5/hour")
# Live API tokens one user may hold; logging in again past it revokes the oldest.
AUTH_TOKENS_PER_USER = env.int("AUTH_TOKENS_PER_USER", default=10)
# Per-account rates of what a person can flood others (or the gateway) with.
MESSAGE_RATE = env.str("MESSAGE_RATE", default="20/min")
INVITATION_RATE = env.str("INVITATION_RATE", default="30/hour")
DEPOSIT_RATE = env.str("DEPOSIT_RATE", default="10/hour")
# Staff must verify a second factor (TOTP) to use the admin. Staff who enrolled a device are
# always asked for it; this refuses staff without one. Off in local/demo settings.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Garap"


# --- Security defaults that hold in every mode ----------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the pages' small scripts read it for fetch() calls
CSRF_FAILURE_VIEW = "marketplace.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every response: scripts, styles, images and fonts only
# from this site, so injected markup cannot run a script. The pages' scripts are static files
# (marketplace/static/garap/garap.js); data for them is in <script type="application/json">
# blocks, which never run. A template that truly needs an inline script gives it
# nonce="{{ request.csp_nonce }}"; 'unsafe-inline' is never allowed for scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
