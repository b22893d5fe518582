"""The pages' URLs of the accounts app (the API's are in accounts/urls.py)."""

from accounts.pages import auth, notifications, phone_notices, profiles, settings, two_factor

urlpatterns = [
    *auth.urlpatterns,
    *notifications.urlpatterns,
    *settings.urlpatterns,
    *phone_notices.urlpatterns,
    *two_factor.urlpatterns,
    *profiles.urlpatterns,
]
