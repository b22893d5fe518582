"""The API's rupiah amount: a JSON integer, as always, or the amount as people type it.

A client that passes on what someone typed ("150.000", "Rp 150.000") gets it read the way the
pages read it (``marketplace.rupiah.parse_rupiah``, the one parser), not refused as the wrong
type or — worse — read as 150. Responses stay integers.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from marketplace.formatting import rupiah
from marketplace.rupiah import MAX_INPUT_LENGTH, RupiahInputError, parse_rupiah

# The schema's description of a typed amount (JSON Schema, ECMAScript flavour): digits, or
# groups of three separated by dots, spaces or commas, after an optional "Rp"/"IDR"; at most
# 15 digits (MAX_DIGITS), so that every string the pattern allows is read.
TYPED_PATTERN = (
    r"^\s*(?:[Rr][Pp]\.?|[Ii][Dd][Rr])?\s*"
    r"(?:\d{1,15}|\d{1,3}(?:\.\d{3}){1,4}|\d{1,3}(?: \d{3}){1,4}|\d{1,3}(?:,\d{3}){1,4})"
    r"(?:,-)?\s*$"
)


class RupiahAmountField(serializers.IntegerField):
    """Whole rupiah: 150000, or a string such as "150.000" or "Rp 150.000".

    Its bounds are said in rupiah ("Enter at most Rp 100.000.000."), as the pages say them,
    not as DRF's bare number ("less than or equal to 100000000")."""

    def __init__(self, **kwargs: Any) -> None:
        min_value, max_value = kwargs.pop("min_value", None), kwargs.pop("max_value", None)
        super().__init__(**kwargs)
        self.min_value, self.max_value = min_value, max_value
        if min_value is not None:
            below = (
                _("Enter an amount above Rp 0.")
                if min_value == 1
                else format_lazy(_("Enter at least {min}."), min=rupiah(min_value))
            )
            self.validators.append(MinValueValidator(min_value, message=below))
        if max_value is not None:
            above = format_lazy(_("Enter at most {max}."), max=rupiah(max_value))
            self.validators.append(MaxValueValidator(max_value, message=above))

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str):
            try:
                return parse_rupiah(data)
            except RupiahInputError as error:
                raise serializers.ValidationError(str(error.message), code=error.code) from None
        return int(super().to_internal_value(data))


class RupiahAmountFieldSchema(OpenApiSerializerFieldExtension):
    """Documents the two shapes a request may send; a response's amount is an integer."""

    target_class = RupiahAmountField

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Any) -> dict[str, Any]:
        field: RupiahAmountField = self.target
        integer: dict[str, Any] = {"type": "integer"}
        if field.min_value is not None:
            integer["minimum"] = field.min_value
        if field.max_value is not None:
            integer["maximum"] = field.max_value
        if direction == "response":
            return integer
        typed = {
            "type": "string",
            "pattern": TYPED_PATTERN,
            "maxLength": MAX_INPUT_LENGTH,
            "example": "150.000",
            "description": 'The amount as typed: "150.000", "Rp 150.000" (whole rupiah, no cents).',
        }
        return {
            "oneOf": [integer, typed],
            "description": "Whole rupiah: a number (150000) or the amount as typed "
            '("150.000", "Rp 150.000"; no cents).',
        }
