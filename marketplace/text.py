"""Single-line text: one validator for every one-line field people type, and a cleaner for
e-mail headers built from text.

A display name, a gig title or a shop name ends up in e-mail subjects, notices and page titles:
a line break in it breaks an e-mail header (Django refuses to send it: BadHeaderError, which let
anyone with a CR/LF in their name suppress the other party's notices), a tab or an escape code
garbles a page. ``validate_single_line`` refuses C0/C1 control characters and the Unicode line
and paragraph separators (NUL has its own validator in Django and DRF); models, serializers and
page forms all use it. ``header_safe`` is the second line of defence where a header is built:
whatever is stored, sending never fails on it.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# NUL is left to Django's and DRF's own ProhibitNullCharactersValidator (one message, not two);
# header_safe removes it as well.
CONTROL_CHARACTERS = re.compile(r"[\x01-\x1f\x7f-\x9f\u2028\u2029]")
HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@deconstructible
class SingleLineValidator:
    message = _("Write this on one line, without line breaks, tabs or other control characters.")
    code = "control_characters"

    def __call__(self, value: object) -> None:
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SingleLineValidator)

    def __hash__(self) -> int:
        return hash(SingleLineValidator)


validate_single_line = SingleLineValidator()


def header_safe(text: str, limit: int = 200) -> str:
    """``text`` fit for an e-mail header: control characters become spaces, runs of spaces one."""
    return " ".join(HEADER_UNSAFE.sub(" ", str(text)).split())[:limit]
