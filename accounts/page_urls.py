"""The pages' URLs of the accounts app (the API's are in accounts/urls.py)."""

from accounts.pages import auth, notifications, profiles, settings

urlpatterns = [
    *auth.urlpatterns,
    *notifications.urlpatterns,
    *settings.urlpatterns,
    *profiles.urlpatterns,
]
