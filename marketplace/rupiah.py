"""Rupiah as people type them: the one parser of a typed amount, and the form field every page
uses for one (the API's field, ``marketplace.api.rupiah``, uses the same parser).

People write "150.000", "150 000" or "Rp 150.000" — a dot is the thousands separator in
Indonesian, and a comma the decimal one. Reading "150.000" as a number gives 150 (what the gig
budget, the bid price and the starting price did: the fee preview then promised a freelancer
Rp 108), so every rupiah input reads amounts here. Cents do not exist in Garap's money (whole
rupiah, ``marketplace.formatting.rupiah``): "150.000,50" or "1,5" is refused, not rounded.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from marketplace.formatting import rupiah

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Far beyond any top-up, budget or balance; keeps a pasted run of digits out of the database's
# 64-bit integer. Longer input is refused before any regular expression looks at it.
MAX_DIGITS = 15
MAX_INPUT_LENGTH = 40

# Spaces people (and phones' keyboards, and copied prices) put between groups: the ordinary
# one, the no-break space and the narrow and thin ones (French-style number formatting).
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
# "Rp", "Rp.", "IDR" before the number; ",-" after it ("Rp 150.000,-": no cents, by custom).
_PREFIX = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_NO_CENTS_SUFFIX = re.compile(r",-$")
# Plain digits, or groups of three after a first group of one to three, with one separator
# throughout: a dot, a space, or (as the wallet forms always took it) a comma.
# ASCII digits only: Python's \d (and int()) would take "١٥٠" too.
_AMOUNT = re.compile(
    r"^(?:\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+|\d{1,3}(?:,\d{3})+)$", re.ASCII
)
_DECIMAL = re.compile(r"^\d[\d. ]*,\d+$|^\d+\.\d{1,2}$", re.ASCII)

MESSAGES: dict[str, StrOrPromise] = {
    "invalid": _("Enter whole rupiah, for example 150.000."),
    "decimal": _("Enter whole rupiah, for example 150.000. Amounts have no cents."),
    "negative": _("Enter an amount without a minus sign."),
    "too_long": _("This amount is too long: enter at most 15 digits."),
}


class RupiahInputError(ValueError):
    """A typed amount that is not whole rupiah; ``code`` is a key of ``MESSAGES``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> StrOrPromise:
        return MESSAGES[self.code]


def parse_rupiah(text: str) -> int:
    """Whole rupiah from what someone typed: "Rp 150.000" → 150000.

    Raises ``RupiahInputError`` for anything else, empty text included (a field that may be
    left empty checks for that first)."""
    if len(text) > MAX_INPUT_LENGTH:
        raise RupiahInputError("too_long")
    value = _SPACES.sub(" ", text).strip()
    value = _NO_CENTS_SUFFIX.sub("", _PREFIX.sub("", value)).strip()
    if value.startswith(("-", "−")):
        raise RupiahInputError("negative")
    if _AMOUNT.match(value) is None:
        raise RupiahInputError("decimal" if _DECIMAL.match(value) else "invalid")
    digits = re.sub(r"[., ]", "", value)
    if len(digits.lstrip("0")) > MAX_DIGITS:
        raise RupiahInputError("too_long")
    return int(digits)


def rupiah_digits(amount: int) -> str:
    """An amount as it is typed into a rupiah field: 150000 → "150.000" (no "Rp")."""
    return f"{amount:,}".replace(",", ".")


class RupiahInput(forms.TextInput):
    """Text, not a number input (which cannot show "150.000"), with the digit keyboard on phones;
    ``data-rupiah`` lets garap.js put the dots in while people type."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"inputmode": "numeric", "autocomplete": "off", "data-rupiah": "", **(attrs or {})}
        )


class RupiahField(forms.IntegerField):
    """Whole rupiah typed the way people write it: "150.000", "Rp 150.000" or "150000" → 150000.

    ``min_value`` and ``max_value`` as on an IntegerField, their messages in rupiah (lazy: the
    field is made at import, the message is read in the request's language)."""

    widget = RupiahInput
    default_error_messages = {**MESSAGES, "positive": _("Enter an amount above Rp 0.")}

    def __init__(self, *, min_value: int = 1, max_value: int | None = None, **kwargs: Any) -> None:
        super().__init__(min_value=None, max_value=None, **kwargs)
        self.min_value, self.max_value = min_value, max_value
        below: StrOrPromise = (
            self.error_messages["positive"]
            if min_value == 1
            else format_lazy(_("Enter at least {min}."), min=rupiah(min_value))
        )
        self.validators.append(validators.MinValueValidator(min_value, message=below))
        if max_value is not None:
            above = format_lazy(_("Enter at most {max}."), max=rupiah(max_value))
            self.validators.append(validators.MaxValueValidator(max_value, message=above))

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return parse_rupiah(str(value))
        except RupiahInputError as error:
            raise ValidationError(self.error_messages[error.code], code=error.code) from None

    def prepare_value(self, value: Any) -> Any:
        # A stored amount is shown as it would be typed; what someone typed, as they typed it.
        if isinstance(value, int) and not isinstance(value, bool):
            return rupiah_digits(value)
        return value
