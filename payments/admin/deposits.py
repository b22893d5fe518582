"""Deposits, read-only: only the gateway's signed webhook completes one. Finance refunds a paid
one to the payer with the "Refund to the payer" action (``deposit_refund``, one audit record
each); the refunds, and what payers owe after a chargeback, are listed under deposit refunds."""

from __future__ import annotations

import uuid
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
from marketplace.errors import DomainError
from marketplace.formatting import rupiah
from marketplace.rupiah import RupiahField
from marketplace.text import validate_single_line
from payments.models import Deposit, DepositRefund
from payments.services.chargebacks import owed_amount
from payments.services.refunds import deposit_refund, deposit_refund_resend


class DepositRefundForm(forms.Form):
    amount = RupiahField(
        label=gettext_lazy("Amount (rupiah)"),
        min_value=1,
        help_text=gettext_lazy(
            "Only what is still in the payer's wallet can be refunded, not money in escrow."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Sent to the gateway with the refund and kept for finance."),
        max_length=300,
        validators=[validate_single_line],
    )
    # One key per form shown: submitting it twice refunds once.
    key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)


def _refund(request: SignedInHttpRequest, deposit: Deposit, data: dict[str, Any]) -> None:
    refund = deposit_refund(
        deposit=deposit,
        amount=data["amount"],
        reason=data["reason"],
        staff=request.user,
        key=f"{data['key']}:{deposit.pk}",
    )
    _say_if_not_refunded(refund)


def _say_if_not_refunded(refund: DepositRefund) -> None:
    """A refund the gateway refused or did not answer is reported like a refusal."""
    if refund.status == DepositRefund.Status.FAILED:
        raise DomainError(
            _("The gateway refused the refund (%(why)s); the money is back in the wallet.")
            % {"why": refund.failure}
        )
    if refund.status == DepositRefund.Status.REQUESTED:
        raise DomainError(
            _(
                "The gateway did not answer: the refund is pending, its money set aside from the "
                "wallet. It is sent again every ten minutes, or now from the deposit refunds list."
            )
        )


@admin.register(Deposit)
class DepositAdmin(NoActionsOnOwnDeals, ReadOnlyAdmin):
    list_display = ["reference", "user", "amount_idr", "provider", "status", "created_at"]
    list_filter = ["status", "provider", "created_at"]
    list_select_related = ["user"]
    search_fields = ["reference", "user__username"]
    actions = ["refund"]
    # The page is read-only, but the admin builds a form for it: say the scheme explicitly
    # (Django 6 changes the default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Deposit]:
        return self.staff_party(request, super().get_queryset(request))

    def has_process_withdrawal_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "payments.process_withdrawal")

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_idr(self, deposit: Deposit) -> str:
        return rupiah(deposit.amount)

    @admin.action(
        description=gettext_lazy("Refund to the payer…"), permissions=["process_withdrawal"]
    )
    def refund(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[Deposit]
    ) -> HttpResponse | None:
        return action_with_form(
            self,
            request,
            queryset.order_by("pk"),
            form_class=DepositRefundForm,
            title=_("Refund top-ups to the payer"),
            apply=_refund,
            done_message=_("%(count)s top-up(s) refunded to the payer; the payers were told."),
            action_name="refund",
        )


@admin.register(DepositRefund)
class DepositRefundAdmin(NoActionsOnOwnDeals, ReadOnlyAdmin):
    """Refunds of top-ups for finance: those finance asked for and those the gateways took back
    (with what the wallet covered and what the payer still owes)."""

    list_display = [
        "id",
        "deposit",
        "payer",
        "origin",
        "amount_idr",
        "status",
        "taken_from_wallet",
        "shortfall",
        "owed_now",
        "requested_by",
        "created_at",
        "completed_at",
    ]
    list_filter = ["status", "origin", "created_at"]
    list_select_related = ["deposit__user", "requested_by"]
    search_fields = ["deposit__reference", "deposit__user__username", "gateway_reference"]
    actions = ["send_again"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[DepositRefund]:
        return self.staff_party(request, super().get_queryset(request))

    def has_process_withdrawal_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "payments.process_withdrawal")

    @admin.display(description=gettext_lazy("payer"))
    def payer(self, refund: DepositRefund) -> str:
        return str(refund.deposit.user)

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_idr(self, refund: DepositRefund) -> str:
        return rupiah(refund.amount)

    @admin.display(description=gettext_lazy("payer owes now"))
    def owed_now(self, refund: DepositRefund) -> str:
        return rupiah(owed_amount(user_id=refund.deposit.user_id))

    @admin.action(
        description=gettext_lazy("Send selected pending refunds again"),
        permissions=["process_withdrawal"],
    )
    def send_again(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[DepositRefund]
    ) -> None:
        run_for_each(
            self,
            request,
            queryset.filter(status=DepositRefund.Status.REQUESTED).order_by("pk"),
            lambda refund: _say_if_not_refunded(
                deposit_refund_resend(refund_id=refund.pk, staff=request.user)
            ),
            _("%(count)s refund(s) sent; the payers were told."),
        )
