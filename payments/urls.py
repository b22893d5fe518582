from django.urls import path

from payments import apis

urlpatterns = [
    path("wallet/", apis.WalletApi.as_view(), name="wallet"),
    path("wallet/transactions/", apis.WalletTransactionsApi.as_view(), name="wallet-transactions"),
    path("wallet/deposits/", apis.DepositsApi.as_view(), name="wallet-deposits"),
    path("wallet/withdrawals/", apis.WithdrawalsApi.as_view(), name="wallet-withdrawals"),
    path(
        "payments/webhooks/<slug:provider>/",
        apis.PaymentWebhookApi.as_view(),
        name="payment-webhook",
    ),
]
