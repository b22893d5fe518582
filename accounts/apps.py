from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.roles import ensure_role_groups
        from accounts.signins import record_session_login

        post_migrate.connect(ensure_role_groups, dispatch_uid="garap-role-groups")
        # Where people sign in from, for trust and safety (accounts/signins.py).
        user_logged_in.connect(record_session_login, dispatch_uid="garap-sign-in-places")
        # A notice about one's profile or a portfolio item (contact details hidden in it) leads
        # to the settings page, where both are edited.
        from accounts.notices import register_page

        register_page("api:me-freelancer-profile", "settings-profile")
        register_page("api:portfolio-detail", "settings")
