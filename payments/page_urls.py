"""The pages' URLs of the payments app (the API's are in payments/urls.py)."""

from payments.pages import checkout, identity, payout_accounts, receipts, wallet

urlpatterns = [
    *wallet.urlpatterns,
    *checkout.urlpatterns,
    *identity.urlpatterns,
    *payout_accounts.urlpatterns,
    *receipts.urlpatterns,
]
