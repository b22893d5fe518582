"""Strict serializers: unknown and read-only fields, and JSON values of the wrong type, are
refused by name instead of quietly ignored or converted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from marketplace.api.rupiah import RupiahAmountField

if TYPE_CHECKING:
    # Django's lazy translations as django-stubs types them (an alias for type checking).
    from django_stubs_ext import StrOrPromise


# What a JSON value must be for each kind of field. DRF would quietly turn 123 into "123" or
# "12" into 12; the schema promises types, so a value of the wrong type is refused instead.
_JSON_TYPES: list[tuple[type, tuple[type, ...], StrOrPromise]] = [
    (serializers.BooleanField, (bool,), gettext_lazy("Must be true or false.")),
    # Before IntegerField: an amount may also be sent as typed, "150.000" (marketplace.rupiah).
    (RupiahAmountField, (int, str), gettext_lazy("Must be a whole number.")),
    (serializers.IntegerField, (int,), gettext_lazy("Must be a whole number.")),
    (serializers.FloatField, (int, float), gettext_lazy("Must be a number.")),
    (serializers.DecimalField, (int, float, str), gettext_lazy("Must be a number.")),
    (serializers.CharField, (str,), gettext_lazy("Must be text.")),
    (serializers.ChoiceField, (str, int), gettext_lazy("Must be one of the listed choices.")),
    (serializers.ListField, (list,), gettext_lazy("Must be a list.")),
    (serializers.ManyRelatedField, (list,), gettext_lazy("Must be a list of ids.")),
    (serializers.PrimaryKeyRelatedField, (int,), gettext_lazy("Must be an id (a whole number).")),
    (serializers.DictField, (dict,), gettext_lazy("Must be an object.")),
    (serializers.Serializer, (dict,), gettext_lazy("Must be an object.")),
]


def _json_type_error(field: serializers.Field, value: Any) -> str | None:
    if value is None:
        return None  # DRF's own allow_null check answers this one
    for field_class, allowed, message in _JSON_TYPES:
        if isinstance(field, field_class):
            wrong_bool = isinstance(value, bool) and bool not in allowed
            if wrong_bool or not isinstance(value, allowed):
                return str(message)
            if isinstance(field, serializers.ListField):
                # ["5"] is no more a list of ids than "5" is an id.
                problems = (_json_type_error(field.child, item) for item in cast(list[Any], value))
                return next((p for p in problems if p), None)
            return None
    return None


class StrictFieldsMixin:
    """Rejects unknown or read-only fields, and JSON values of the wrong type.

    A typo such as ``budjet`` must not turn into a request that "worked" with the old value, and
    ``"amount": "150000"`` is not the integer the schema promises. Form submissions (QueryDicts,
    where every value is text) are left to DRF's own conversions.
    """

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            fields = self.fields  # type: ignore[attr-defined]
            is_json = isinstance(data, dict) and not isinstance(data, QueryDict)
            errors: dict[str, list[str]] = {}
            for name in sorted(set(data.keys())):
                field = fields.get(name)
                if field is None:
                    errors[name] = [_("Unknown field. Remove it from the request.")]
                elif field.read_only:
                    errors[name] = [_("This field cannot be changed.")]
                elif is_json and (problem := _json_type_error(field, data[name])):
                    errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass
