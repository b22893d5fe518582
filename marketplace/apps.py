from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Garap"
    default = True


class GarapAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site: throttled login and the staff's second factor."""

    default = False
    default_site = "marketplace.admin_site.GarapAdminSite"
