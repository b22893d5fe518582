"""Deposits, read-only: only the gateway's signed webhook completes one."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy

from marketplace.admin_base import ReadOnlyAdmin
from marketplace.formatting import rupiah
from payments.models import Deposit


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
