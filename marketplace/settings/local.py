"""Development and the embedded demo: DEBUG on, a development secret key, e-mail to the console."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed development key keeps sessions across restarts of the demo; production refuses it.
SECRET_KEY = SECRET_KEY or "garap-development-only-not-a-secret"

# The embedded run keeps its SQLite file, broker queues and cache here; SQLite cannot create
# the folder itself.
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The demo's moderator signs in to the admin with a password; production asks staff for TOTP.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=False)
