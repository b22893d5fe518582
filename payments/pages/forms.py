"""Forms of the wallet pages: the input's shape only; the money rules stay in payments.services.

Each form carries a hidden one-time ``token`` made when the form is shown: sending the same
form twice (a double tap, a reload) is one request to ``payments.services.idempotency`` (see
``payments.pages.wallet``).
"""

from __future__ import annotations

import re
import secrets
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from marketplace.text import validate_single_line
from payments.models import Withdrawal

TOKEN_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"  # noqa: S105 - a form token's shape, no secret
# "150000", "150.000", "Rp 150.000", "150,000": whole rupiah, with or without group separators.
RUPIAH_INPUT = re.compile(r"^(?:rp\.?\s*)?(\d{1,3}(?:[.,]\d{3})+|\d+)$", re.IGNORECASE)
# Far beyond any top-up or balance; keeps a pasted run of digits out of the database's integer.
MAX_INPUT_AMOUNT = 10**15


def new_token() -> str:
    return secrets.token_urlsafe(24)


class RupiahField(forms.Field):
    """Whole rupiah typed the way people write it: "150.000" or "150000" → 150000."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter whole rupiah, for example 150.000."),
        "positive": _("Enter an amount above Rp 0."),
    }

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip().replace(" ", "")
        if not text:
            return None
        match = RUPIAH_INPUT.match(text)
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        amount = int(re.sub(r"[.,]", "", match.group(1)))
        if amount <= 0:
            raise ValidationError(self.error_messages["positive"], code="positive")
        if amount > MAX_INPUT_AMOUNT:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return amount


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
    amount = RupiahField(label=_("Amount"))
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "withdraw")
        super().__init__(*args, **kwargs)
