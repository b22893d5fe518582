"""The pages' URLs of the accounts app (the API's are in accounts/urls.py)."""

from accounts.pages import auth, notifications, photo, portfolio, profiles, settings, two_factor

urlpatterns = [
    *auth.urlpatterns,
    *notifications.urlpatterns,
    *photo.urlpatterns,  # before settings: its pages are under /settings/ too
    *settings.urlpatterns,
    *portfolio.urlpatterns,
    *two_factor.urlpatterns,
    *profiles.urlpatterns,
]
