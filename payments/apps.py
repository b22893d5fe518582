from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # A withdrawal's party is the user it pays: finance staff never process their own.
        from django.db.models import Q

        from accounts.staff_policy import register_parties
        from payments import checks  # noqa: F401 - registers the deploy check
        from payments.models import Deposit, DepositRefund, IdentityCheck, Withdrawal

        register_parties(Withdrawal, lambda user_id: Q(user_id=user_id))
        # An identity check's party is the person it identifies: nobody verifies themselves.
        register_parties(IdentityCheck, lambda user_id: Q(user_id=user_id))
        # A top-up's party is its payer: finance never refunds their own.
        register_parties(Deposit, lambda user_id: Q(user_id=user_id))
        register_parties(DepositRefund, lambda user_id: Q(deposit__user_id=user_id))

        # The wallet's notices: accounts sends, lists and e-mails them without importing this app.
        from accounts.notices import kinds_in, register_kinds
        from payments import notices

        register_kinds(kinds_in(vars(notices)))
        notices.register_pages()
