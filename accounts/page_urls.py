"""The pages' URLs of the accounts app (the API's are in accounts/urls.py)."""

from accounts.pages import auth, notifications, profiles, settings, two_factor

urlpatterns = [
    *auth.urlpatterns,
    *notifications.urlpatterns,
    *settings.urlpatterns,
    *two_factor.urlpatterns,
    *profiles.urlpatterns,
]
