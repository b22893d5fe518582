"""The pages' URLs of the payments app (the API's are in payments/urls.py)."""

from payments.pages import receipts, wallet

urlpatterns = [*wallet.urlpatterns, *receipts.urlpatterns]
