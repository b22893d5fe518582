"""The error summary every form page shows at the top of a form that failed
(``templates/forms/_refusal.html``): each message once, a field's message as a link to that
field, so the person lands on the summary and goes from there to what to fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


@dataclass(frozen=True)
class SummaryItem:
    message: str
    target: str = ""  # the id of the field to fix; empty for a message about the whole form
    label: str = ""


def field_target(field: BoundField) -> str:
    """The id a link to ``field`` should point at: the control itself, or for a group of
    checkboxes or radio buttons its first one (the group's box when it offers none)."""
    if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        for option in field.subwidgets:
            option_id = option.data["attrs"].get("id")
            if option_id:
                return str(option_id)
        return field.auto_id or ""
    return field.id_for_label or field.auto_id or ""


@register.simple_tag
def error_summary(form: Any = None, errors: Any = None, more: Any = None) -> list[SummaryItem]:
    """What the summary lists: ``errors`` and ``more`` (messages of no form, e.g. a throttle's
    refusal), then the form's own errors in the order of its fields."""
    items = [SummaryItem(str(message)) for message in [*(errors or []), *(more or [])]]
    if form is None or not getattr(form, "is_bound", False) or not form.errors:
        return items
    items += [SummaryItem(str(message)) for message in form.non_field_errors()]
    for field in form:
        for message in field.errors:
            if field.is_hidden:  # nothing to go to: said as it is
                items.append(SummaryItem(str(message)))
            else:
                items.append(SummaryItem(str(message), field_target(field), str(field.label)))
    return items
