"""The pages' URLs of the projects app (the API's are in projects/urls.py)."""

from projects.pages import contracts, gigs, reports

urlpatterns = [*gigs.urlpatterns, *contracts.urlpatterns, *reports.urlpatterns]
