"""Forms of the wallet pages: the input's shape only; the money rules stay in payments.services.

Each form carries a hidden one-time ``token`` made when the form is shown: sending the same
form twice (a double tap, a reload) is one request to ``payments.services.idempotency`` (see
``payments.pages.wallet``).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from marketplace.rupiah import RupiahField
from marketplace.text import validate_single_line
from payments.gateways.payouts import PayoutChannel
from payments.models import PayoutDestination, Withdrawal

TOKEN_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"  # noqa: S105 - a form token's shape, no secret


def new_token() -> str:
    return secrets.token_urlsafe(24)


class OneTimeForm(forms.Form):
    """A form that is sent once: its hidden token names this showing of the form."""

    token = forms.RegexField(
        TOKEN_PATTERN,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form has expired. Please send it again."),
            "invalid": _("This form has expired. Please send it again."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("token", new_token())
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def renew_token(self) -> None:
        """Show the form again under a fresh token (the old one is spent or was damaged)."""
        if self.is_bound:
            # A bound form's data is request.POST (a QueryDict) or, in tests, a dict.
            data = cast("QueryDict | dict[str, Any]", self.data).copy()
            data[self.add_prefix("token")] = new_token()
            self.data = data

    def expired_message(self) -> list[str]:
        return [str(message) for message in self.errors.get("token", [])]

    def values(self) -> dict[str, Any]:
        """What the form asks for, without its token: the request as the service sees it."""
        return {name: value for name, value in self.cleaned_data.items() if name != "token"}


class TopUpForm(OneTimeForm):
    amount = RupiahField(label=_("Amount"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "topup")
        super().__init__(*args, **kwargs)


class WithdrawForm(OneTimeForm):
    """To one of the user's payout accounts (``destinations``); on a site whose finance pays by
    hand (``by_hand``) the account may still be typed in instead."""

    TYPED = ("method", "bank_code", "account_number", "holder_name")

    amount = RupiahField(label=_("Amount"))
    destination = forms.TypedChoiceField(label=_("Pay out to"), coerce=int, required=False)
    method = forms.ChoiceField(label=_("Send to"), choices=Withdrawal.Method.choices)
    bank_code = forms.RegexField(
        r"^[A-Za-z0-9]{2,20}$",
        label=_("Bank or e-wallet"),
        help_text=_("A bank code such as BCA or BRI, or an e-wallet: GOPAY, OVO, DANA."),
        error_messages={"invalid": _("Letters and digits only, 2 to 20 of them.")},
    )
    account_number = forms.RegexField(
        r"^[0-9]{5,34}$",
        label=_("Account or phone number"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("Digits only, 5 to 34 of them.")},
    )
    holder_name = forms.CharField(
        validators=[validate_single_line],
        label=_("Account holder's name"),
        min_length=2,
        max_length=100,
        strip=True,
    )

    def __init__(
        self,
        *args: Any,
        destinations: Sequence[PayoutDestination] = (),
        by_hand: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "withdraw")
        super().__init__(*args, **kwargs)
        self.by_hand = by_hand
        destination = cast(forms.TypedChoiceField, self.fields["destination"])
        destination.choices = [
            ("", _("Choose a payout account") if not by_hand else _("An account typed below")),
            *((d.pk, destination_label(d)) for d in destinations),
        ]
        if not by_hand:
            destination.required = True
            for name in self.TYPED:
                del self.fields[name]
        elif not destinations:
            del self.fields["destination"]
        if by_hand:
            for name in self.TYPED:
                self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.by_hand and not data.get("destination"):
            for name in self.TYPED:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, forms.Field.default_error_messages["required"])
        return data

    def values(self) -> dict[str, Any]:
        values = super().values()
        if values.get("destination"):
            return {"amount": values["amount"], "destination": values["destination"]}
        values.pop("destination", None)
        return values


def destination_label(destination: PayoutDestination) -> str:
    """How a payout account is named in a list: "BCA ··7890 (Gaji)"."""
    name = f"{destination.channel_code.removeprefix('ID_')} ··{destination.account_number[-4:]}"
    return f"{name} ({destination.label})" if destination.label else name


class PayoutDestinationForm(forms.Form):
    channel_code = forms.ChoiceField(label=_("Bank or e-wallet"))
    account_number = forms.RegexField(
        r"^[0-9]{5,34}$",
        label=_("Account or phone number"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("Digits only, 5 to 34 of them.")},
    )
    holder_name = forms.CharField(
        validators=[validate_single_line],
        label=_("Account holder's name"),
        help_text=_("Your name as on your verified KTP: money goes only to your own accounts."),
        min_length=2,
        max_length=100,
    )
    label = forms.CharField(
        validators=[validate_single_line],
        label=_("Label (optional)"),
        max_length=50,
        required=False,
    )

    def __init__(self, *args: Any, channels: Sequence[PayoutChannel] = (), **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["channel_code"])
        field.choices = [(c.code, c.label) for c in channels]
