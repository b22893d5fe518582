"""Languages and time zone."""

from django.utils.translation import gettext_lazy as _

from .environment import BASE_DIR

# --- Internationalisation -------------------------------------------------------------------
# Stored times are UTC (USE_TZ); they are shown in Jakarta time.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
