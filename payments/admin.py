"""Ledger rows are read-only here; withdrawals are processed through the payments services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError
from payments import services
from payments.models import Account, Deposit, Entry, LedgerTransaction, Withdrawal


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "owner", "balance"]
    list_filter = ["kind"]
    list_select_related = ["owner"]
    search_fields = ["reference", "owner__username"]


class EntryInline(admin.TabularInline):
    model = Entry
    fields = ["account", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "reference", "created_at"]
    list_filter = ["kind"]
    search_fields = ["reference", "idempotency_key"]
    inlines = [EntryInline]


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin):
    list_display = ["reference", "user", "amount", "provider", "status", "created_at"]
    list_filter = ["status", "provider"]
    list_select_related = ["user"]
    search_fields = ["reference", "user__username"]


@admin.register(Withdrawal)
class WithdrawalAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "amount", "method", "bank_code", "status", "created_at"]
    list_filter = ["status", "method"]
    list_select_related = ["user"]
    search_fields = ["user__username", "account_number", "holder_name"]
    readonly_fields = [f.name for f in Withdrawal._meta.fields]
    actions = ["mark_paid", "reject"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Mark selected withdrawals paid"))
    def mark_paid(self, request, queryset) -> None:
        for withdrawal in queryset:
            try:
                services.withdrawal_mark_paid(withdrawal_id=withdrawal.pk, staff=request.user)
            except DomainError as exc:
                self.message_user(request, f"{withdrawal}: {exc.message}", messages.ERROR)

    @admin.action(description=_("Reject selected withdrawals (money returns to the wallet)"))
    def reject(self, request, queryset) -> None:
        for withdrawal in queryset:
            try:
                services.withdrawal_reject(
                    withdrawal_id=withdrawal.pk, staff=request.user, reason="Rejected by staff"
                )
            except DomainError as exc:
                self.message_user(request, f"{withdrawal}: {exc.message}", messages.ERROR)
