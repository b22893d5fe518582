"""Withdrawals, read-only: the finance queue. With a payout gateway, finance holds one not yet
sent, releases it, or sends it again (``payments.services.payouts``); without one (the sandbox)
finance pays or rejects by hand (``withdrawal_mark_paid`` / ``withdrawal_reject``). Each action
writes one audit record."""

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
from marketplace.admin_base import ReadOnlyAdmin, staff_has
from marketplace.formatting import rupiah
from payments import gateways
from payments.models import Withdrawal
from payments.services.payouts import withdrawal_hold, withdrawal_release, withdrawal_retry
from payments.services.withdrawals import withdrawal_mark_paid, withdrawal_reject


class WithdrawalRejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("The user is told this; the money returns to their wallet."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
    )


class WithdrawalHoldForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("For finance; it is not sent until released."),
        max_length=300,
    )


class PayoutProviderFilter(admin.SimpleListFilter):
    """Who sent the money: a payout gateway by name, or finance by hand. Django's default filter
    for a plain text field would list the blank value as a link with no words at all."""

    title = gettext_lazy("sent through")
    parameter_name = "payout_provider"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("manual", gettext_lazy("By hand (no gateway)")),
            *((name, name.capitalize()) for name in sorted(gateways.PAYOUT_GATEWAYS)),
        ]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() == "manual":
            return queryset.filter(payout_provider="")
        if self.value() in gateways.PAYOUT_GATEWAYS:
            return queryset.filter(payout_provider=self.value())
        return queryset


# Paying by hand is for a site without a payout gateway (with one, its webhook decides), and
# sending again for a site with one.
BY_HAND = ("mark_paid", "reject")
THROUGH_THE_GATEWAY = ("retry",)


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
        "payout_problem",
        "created_at",
        "processed_by",
        "processed_at",
    ]
    list_filter = ["status", "method", PayoutProviderFilter, "created_at", "processed_at"]
    list_select_related = ["user", "processed_by"]
    search_fields = [
        "user__username",
        "account_number",
        "holder_name",
        "payout_reference",
        "provider_reference",
    ]
    actions = ["mark_paid", "reject", "hold", "release", "retry"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        hidden = BY_HAND if gateways.payout_gateway() is not None else THROUGH_THE_GATEWAY
        for name in hidden:
            actions.pop(name, None)
        return actions

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Withdrawal]:
        return self.staff_party(request, super().get_queryset(request))

    def has_process_withdrawal_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "payments.process_withdrawal")

    @admin.display(description=gettext_lazy("payout problem"))
    def payout_problem(self, withdrawal: Withdrawal) -> str:
        return withdrawal.payout_error or withdrawal.hold_reason or withdrawal.failure_reason

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
            lambda withdrawal: withdrawal_mark_paid(
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
            apply=lambda request, withdrawal, data: withdrawal_reject(
                withdrawal_id=withdrawal.pk, staff=request.user, reason=data["reason"]
            ),
            done_message=_(
                "%(count)s withdrawal(s) rejected: the money is back in the wallets; "
                "the users were told why."
            ),
            action_name="reject",
        )

    @admin.action(
        description=gettext_lazy("Hold selected withdrawals…"),
        permissions=["process_withdrawal"],
    )
    def hold(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[Withdrawal]
    ) -> HttpResponse | None:
        return action_with_form(
            self,
            request,
            queryset.order_by("pk"),
            form_class=WithdrawalHoldForm,
            title=_("Hold withdrawals"),
            apply=lambda request, withdrawal, data: withdrawal_hold(
                withdrawal_id=withdrawal.pk, staff=request.user, reason=data["reason"]
            ),
            done_message=_("%(count)s withdrawal(s) held; none is sent until released."),
            action_name="hold",
        )

    @admin.action(
        description=gettext_lazy("Release selected held withdrawals"),
        permissions=["process_withdrawal"],
    )
    def release(self, request: SignedInHttpRequest, queryset: models.QuerySet[Withdrawal]) -> None:
        run_for_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda withdrawal: withdrawal_release(withdrawal_id=withdrawal.pk, staff=request.user),
            _("%(count)s withdrawal(s) released."),
        )

    @admin.action(
        description=gettext_lazy("Send selected withdrawals' payouts again"),
        permissions=["process_withdrawal"],
    )
    def retry(self, request: SignedInHttpRequest, queryset: models.QuerySet[Withdrawal]) -> None:
        run_for_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda withdrawal: withdrawal_retry(withdrawal_id=withdrawal.pk, staff=request.user),
            _("%(count)s withdrawal(s) sent to the payment gateway again."),
        )
