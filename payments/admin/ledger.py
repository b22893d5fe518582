"""The ledger's accounts and transactions (with their entries), read-only for everyone."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from marketplace.admin_base import ReadOnlyAdmin, ReadOnlyInline
from marketplace.formatting import rupiah
from payments.models import Account, Entry, LedgerTransaction


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
