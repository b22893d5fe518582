"""``{% avatar person %}``: a person's profile photo, or their initials when they have none.

Both come from the user row alone (``accounts.photos.photo_url``, ``User.initials``): no query
and, for the initials, no request either — a span drawn with CSS. Beside the person's name (as
everywhere it is used) the picture adds nothing for a screen reader, so it is decorative
(``alt=""``, ``aria-hidden``); ``label=True`` names it where it stands alone.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.photos import photo_url

register = template.Library()

SIZES = {"small": 40, "large": 96}
TONES = 6  # avatar-tone-0 … 5 in garap.css: a colour per person, meaning nothing


@register.simple_tag
def avatar(person: User | None, size: str = "small", label: bool = False) -> SafeString:
    if person is None:
        return SafeString("")
    pixels = SIZES[size]
    alt = _("Photo of %(name)s") % {"name": person.public_name} if label else ""
    url = photo_url(person)
    if url:
        return format_html(
            '<img class="avatar avatar-{}" src="{}" alt="{}" width="{}" height="{}" '
            'loading="lazy" decoding="async">',
            size,
            url,
            alt,
            pixels,
            pixels,
        )
    if label:
        return format_html(
            '<span class="avatar avatar-{} avatar-tone-{}" role="img" aria-label="{}">{}</span>',
            size,
            (person.pk or 0) % TONES,
            alt,
            person.initials,
        )
    return format_html(
        '<span class="avatar avatar-{} avatar-tone-{}" aria-hidden="true">{}</span>',
        size,
        (person.pk or 0) % TONES,
        person.initials,
    )
