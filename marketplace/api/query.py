"""Query parameters: a parameter that takes one value is refused when repeated or empty, in
the filters (django-filter) and in the query serializers of list views.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django_filters import filters as django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers

MULTI_VALUE_FILTERS = (django_filters.MultipleChoiceFilter, django_filters.BaseInFilter)


def ensure_single_query_values(request: Any, names: Iterable[str]) -> None:
    """Refuse ``?x=1&x=2`` and ``?x=`` for parameters that take exactly one value.

    Without this, filters quietly use one of the values (or none), and a client's mistake
    returns a list that looks right but is not what was asked for.
    """
    errors: dict[str, list[str]] = {}
    for name in names:
        values = request.query_params.getlist(name)
        if len(values) > 1:
            errors[name] = [_("Give this parameter once.")]
        elif values and values[0] == "":
            errors[name] = [_("Give a value or leave the parameter out.")]
    if errors:
        raise exceptions.ValidationError(errors)


class FilterBackend(DjangoFilterBackend):
    """django-filter, refusing repeated or empty values for single-valued filters."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            single = [
                name
                for name, declared in filterset_class.base_filters.items()
                if not isinstance(declared, MULTI_VALUE_FILTERS)
            ]
            ensure_single_query_values(request, single)
        return super().filter_queryset(request, queryset, view)


@functools.cache
def _single_valued(serializer_class: type[serializers.Serializer]) -> tuple[str, ...]:
    # Once per class: building a serializer's fields copies every field (a list pays it per
    # request otherwise, issue #9).
    return tuple(
        name
        for name, field in serializer_class().fields.items()
        if not isinstance(field, (serializers.ListField, serializers.MultipleChoiceField))
    )


def validated_query(serializer_class: type[serializers.Serializer], request: Any) -> dict:
    """Validate query parameters with a serializer, refusing repeats of single-valued ones."""
    ensure_single_query_values(request, _single_valued(serializer_class))
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
