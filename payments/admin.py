"""Ledger rows are read-only here; withdrawals are processed through the payments services.

Nobody changes money rows through a form, not even a superuser: the ledger, deposits and
withdrawals are view-only pages. Finance staff mark withdrawals paid or reject them with the
actions below, which call ``withdrawal_mark_paid`` / ``withdrawal_reject`` (each posts its
ledger transaction and writes one audit record). The actions are offered only to holders of
``payments.process_withdrawal``; the services check it again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import SignedInHttpRequest
from accounts.staff_admin import NoActionsOnOwnDeals
from marketplace.admin_actions import action_with_form, run_for_each
from marketplace.admin_base import ReadOnlyAdmin, ReadOnlyInline, staff_has
from marketplace.formatting import rupiah
from payments import services
from payments.models import Account, Deposit, Entry, LedgerTransaction, Withdrawal


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "owner", "balance_idr", "created_at"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["owner"]
    search_fields = ["reference", "owner__username"]

    @admin.display(description=gettext_lazy("balance"), ordering="balance")
    def balance_idr(self, account: Account) -> str:
        return rupiah(account.balance)


class EntryInline(ReadOnlyInline):
    model = Entry
    fields = readonly_fields = ("account", "amount")

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Entry]:
        return super().get_queryset(request).select_related("account")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The entries are the transaction: whoever may see the one sees the other.
        return request.user.has_perm("payments.view_ledgertransaction")


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "reference", "description", "created_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["reference", "idempotency_key"]
    date_hierarchy = "created_at"
    inlines = [EntryInline]


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin):
    list_display = ["reference", "user", "amount_idr", "provider", "status", "created_at"]
    list_filter = ["status", "provider", "created_at"]
    list_select_related = ["user"]
    search_fields = ["reference", "user__username"]
    # The page is read-only, but the admin builds a form for it: say the scheme explicitly
    # (Django 6 changes the default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_idr(self, deposit: Deposit) -> str:
        return rupiah(deposit.amount)


class WithdrawalRejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("The user is told this; the money returns to their wallet."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
    )


@admin.register(Withdrawal)
class WithdrawalAdmin(NoActionsOnOwnDeals, ReadOnlyAdmin):
    """Withdrawals, read-only; finance staff pay or reject them with the actions (never their
    own: no checkbox on their own rows, and the services refuse)."""

    list_display = [
        "id",
        "user",
        "amount_idr",
        "method",
        "bank_code",
        "status",
        "created_at",
        "processed_by",
        "processed_at",
    ]
    list_filter = ["status", "method", "created_at", "processed_at"]
    list_select_related = ["user", "processed_by"]
    search_fields = ["user__username", "account_number", "holder_name"]
    actions = ["mark_paid", "reject"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Withdrawal]:
        return self.staff_party(request, super().get_queryset(request))

    def has_process_withdrawal_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "payments.process_withdrawal")

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_idr(self, withdrawal: Withdrawal) -> str:
        return rupiah(withdrawal.amount)

    @admin.action(
        description=gettext_lazy("Mark selected withdrawals paid"),
        permissions=["process_withdrawal"],
    )
    def mark_paid(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[Withdrawal]
    ) -> None:
        run_for_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda withdrawal: services.withdrawal_mark_paid(
                withdrawal_id=withdrawal.pk, staff=request.user
            ),
            _("%(count)s withdrawal(s) marked paid; the users were told."),
        )

    @admin.action(
        description=gettext_lazy("Reject selected withdrawals…"),
        permissions=["process_withdrawal"],
    )
    def reject(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[Withdrawal]
    ) -> HttpResponse | None:
        return action_with_form(
            self,
            request,
            queryset.order_by("pk"),
            form_class=WithdrawalRejectForm,
            title=_("Reject withdrawals"),
            apply=lambda request, withdrawal, data: services.withdrawal_reject(
                withdrawal_id=withdrawal.pk, staff=request.user, reason=data["reason"]
            ),
            done_message=_(
                "%(count)s withdrawal(s) rejected: the money is back in the wallets; "
                "the users were told why."
            ),
            action_name="reject",
        )
