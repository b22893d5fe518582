from django.urls import path

from payments.api import (
    deposits,
    identity,
    payout_destinations,
    receipts,
    wallet,
    webhooks,
    withdrawals,
)

urlpatterns = [
    path("wallet/", wallet.WalletApi.as_view(), name="wallet"),
    path(
        "wallet/transactions/",
        wallet.WalletTransactionsApi.as_view(),
        name="wallet-transactions",
    ),
    path("wallet/deposits/", deposits.DepositsApi.as_view(), name="wallet-deposits"),
    path("wallet/withdrawals/", withdrawals.WithdrawalsApi.as_view(), name="wallet-withdrawals"),
    path("me/identity/", identity.MyIdentityApi.as_view(), name="me-identity"),
    path(
        "me/payout-destinations/",
        payout_destinations.PayoutDestinationsApi.as_view(),
        name="me-payout-destinations",
    ),
    path(
        "me/payout-destinations/<int:destination_id>/",
        payout_destinations.PayoutDestinationApi.as_view(),
        name="me-payout-destination",
    ),
    *receipts.urlpatterns,
    path(
        "payments/webhooks/<slug:provider>/payouts/",
        webhooks.PayoutWebhookApi.as_view(),
        name="payout-webhook",
    ),
    path(
        "payments/webhooks/<slug:provider>/",
        webhooks.PaymentWebhookApi.as_view(),
        name="payment-webhook",
    ),
]
