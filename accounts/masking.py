"""Contact details are masked once, when a text is written, and each reader gets one of two
stored copies: the text as written, or its masked copy.

Until a contract is funded neither side is protected if they talk or pay outside Garap, so the
contact filter (``marketplace.contact_filter``) hides phone numbers, e-mail addresses, messaging
links and handles from everyone who is not the text's author — the other party and the public.
The rules, each in one place here:

- **Which fields.** A model declares the masked copy of a text field as a ``MaskedCopyField``
  beside it (``title`` and ``title_masked``), naming whose text it is. Short single-line identity
  fields (a display name, a shop name, a city, a username) refuse contact details instead
  (``refuse_contact_details``): a name with a hole in it helps nobody, and a clear 400 tells the
  person what to change. ``tests/accounts/test_masked_fields.py`` lists every text field of
  every model and fails on one that is neither masked, refusing nor explicitly allowed (with the
  reason) — a new field cannot be added unfiltered by accident.
- **When.** The service that writes the text calls ``mask_texts`` before saving: the masked copy
  is stored (``""`` when nothing is hidden), and the kinds found come back for the author's
  notice and the moderators' record. A message written after its contract was funded is written
  with ``hide=False``: both parties are protected by the escrow from then on.
- **Who sees what.** ``sees_original``: the author and moderators read the text as written;
  everyone else reads the masked copy where there is one. ``shown`` (and ``shown_text`` for a
  row of plain values) is the one function the API's serializers, the pages (the ``{% shown %}``
  tag) and the notices (``text_of``, rendered for each recipient) call. ``hidden_kinds`` tells
  the author alone which kinds of contact detail the others do not see. Reading never runs the
  filter: a page of a hundred long messages costs what it costs without the filter.

Accounts cannot import projects, yet a contact detail in a profile is a hit like one in a bid:
``contact_hit`` hands it to whatever recorder the projects app registered at start-up
(``on_contact_hit``), which records it, tells the author and reports repeat offenders.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_moderator
from marketplace.contact_filter import CONTACT_KINDS, contact_kinds, screen
from marketplace.errors import DomainError

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.requests import Viewer

# How each kind of contact detail is named to people; a kind not listed is shown by its code.
KIND_LABELS: dict[str, Promise] = {
    "email": _("e-mail address"),
    "link": _("link to a messaging app or social network"),
    "messaging_app": _("messaging app named as a way to talk"),
    "off_platform": _("invitation to deal outside Garap"),
    "phone": _("phone number"),
    "social_handle": _("messaging or social-media handle"),
}


def kinds_text(kinds: Iterable[str]) -> Promise:
    """The kinds' labels joined by commas, still lazy: rendered in the reader's language."""
    labels = [KIND_LABELS.get(kind, kind.replace("_", " ")) for kind in kinds]
    return format_lazy(", ".join(["{}"] * len(labels)), *labels)


# --- which fields ------------------------------------------------------------------------------


class MaskedCopyField(models.TextField):
    """The masked copy of the text field ``of``: the text with each contact detail replaced by
    ``marketplace.contact_filter.MASK``, or ``""`` when nothing in it is hidden. Written only by
    ``mask_texts``; read only through ``shown``.

    ``author`` names the id of the text's author as an attribute path from the row
    (``"client_id"``, ``"gig.client_id"``): the one reader besides moderators who sees the text
    as written. A text field, whatever the original's length: a masked copy can be longer
    (``MASK`` is five characters, ``wa`` two).
    """

    description = "Masked copy of a text field"

    def __init__(self, *args: Any, of: str, author: str, **kwargs: Any) -> None:
        self.of, self.author = of, author
        kwargs["blank"] = True
        kwargs["default"] = ""
        # Also the database's default: a row written without the column (code deployed before
        # it, a raw INSERT, a bulk load) has nothing hidden rather than failing on NULL.
        kwargs["db_default"] = ""
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for forced in ("blank", "default", "db_default", "editable"):
            kwargs.pop(forced, None)
        return name, path, args, {**kwargs, "of": self.of, "author": self.author}


@functools.cache
def masked_copies(model: type[models.Model]) -> dict[str, MaskedCopyField]:
    """``{text field name: its MaskedCopyField}`` for a model; empty for a model with none."""
    return {
        field.of: field for field in model._meta.get_fields() if isinstance(field, MaskedCopyField)
    }


def copy_names(model: type[models.Model]) -> list[str]:
    """The masked copies' column names, for a ``save(update_fields=…)`` after ``mask_texts``."""
    return [field.attname for field in masked_copies(model).values()]


# --- when: at write time -----------------------------------------------------------------------


def mask_texts(
    obj: models.Model, fields: Iterable[str] | None = None, *, hide: bool = True
) -> list[str]:
    """Write the masked copy of each of ``obj``'s masked text fields (or of ``fields`` only: the
    ones this write changed) in memory — the caller saves, in the same write — and return the
    kinds of contact detail found, sorted.

    ``hide=False`` writes no masked copy and finds nothing: the text may be read as written by
    everyone it is shown to (a message in a funded contract).
    """
    copies = masked_copies(type(obj))
    found: set[str] = set()
    for of in copies if fields is None else fields:
        copy = copies[of]
        text = getattr(obj, of) or ""
        masked, kinds = screen(text) if hide else (text, [])
        setattr(obj, copy.attname, "" if masked == text else masked)
        found.update(kinds)
    return sorted(found)


class ContactHitRecorder(Protocol):
    def __call__(
        self, *, author: User, source: str, source_id: int, kinds: list[str], link: str
    ) -> None: ...


_recorders: list[ContactHitRecorder] = []


def on_contact_hit(recorder: ContactHitRecorder) -> None:
    """Register what happens when a text of accounts held contact details (the projects app
    records the hit, tells the author and reports repeat offenders). Idempotent."""
    if recorder not in _recorders:
        _recorders.append(recorder)


def contact_hit(*, author: User, source: str, source_id: int, kinds: list[str], link: str) -> None:
    """Hand a hit in accounts' own texts to the registered recorders; nothing when no kinds."""
    if kinds:
        for recorder in _recorders:
            recorder(author=author, source=source, source_id=source_id, kinds=kinds, link=link)


# --- who sees what -----------------------------------------------------------------------------


def sees_original(viewer: Viewer, author_id: int | None) -> bool:
    """The one rule of who reads a text as written: its author and moderators."""
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == author_id or is_moderator(viewer)


def shown_text(text: str, masked: str, *, author_id: int | None, viewer: Viewer) -> str:
    """What ``viewer`` reads of a text whose masked copy is ``masked`` (``""``: nothing hidden),
    for callers holding plain values (the gig list's rows) rather than a model instance."""
    if not masked or sees_original(viewer, author_id):
        return text
    return masked


def _author_id(obj: models.Model, copy: MaskedCopyField) -> int | None:
    value: Any = obj
    for part in copy.author.split("."):
        value = getattr(value, part)
    return value


def shown(obj: models.Model, field: str, viewer: Viewer) -> str:
    """What ``viewer`` (a user, anonymous, or None for nobody in particular) reads of
    ``obj.<field>``: as written for its author and moderators, else its masked copy."""
    copy = masked_copies(type(obj))[field]
    masked = getattr(obj, copy.attname)
    if not masked:
        return getattr(obj, field)
    return shown_text(getattr(obj, field), masked, author_id=_author_id(obj, copy), viewer=viewer)


def hidden_kinds(flags: Iterable[str], *, author_id: int | None, viewer: Viewer) -> list[str]:
    """The kinds of contact detail hidden from others in a text (``flags``, stored when it was
    written), as ``viewer`` is told them: only its author learns what the others do not see;
    ``[]`` for everyone else. Other findings among the flags (a gig's prohibited work) are the
    moderators' business and are left out."""
    if viewer is None or not viewer.is_authenticated or viewer.pk != author_id:
        return []
    return [flag for flag in flags if flag in CONTACT_KINDS]


class ViewerText:
    """A masked text that is rendered for each reader later: a notice's parameter, which
    ``accounts.notices.notify`` renders for its recipient (``text_of``)."""

    def __init__(self, obj: models.Model, field: str, *, limit: int | None = None) -> None:
        self.obj, self.field, self.limit = obj, field, limit

    def for_viewer(self, viewer: Viewer) -> str:
        text = shown(self.obj, self.field, viewer)
        return text if self.limit is None else text[: self.limit]


def text_of(obj: models.Model, field: str, *, limit: int | None = None) -> ViewerText:
    """``obj.<field>`` as each notice recipient may read it (cut to ``limit`` characters after
    masking, so a cut never leaves half a phone number)."""
    return ViewerText(obj, field, limit=limit)


# --- refused in identity fields ----------------------------------------------------------------


def refusal_message(kinds: list[str]) -> str:
    """Why an identity field was refused, in the active language."""
    return str(
        _(
            "Remove the contact details (%(kinds)s): this is shown to everyone, and until a "
            "contract is funded people reach you through Garap."
        )
    ) % {"kinds": kinds_text(kinds)}


def refuse_contact_details(value: str) -> None:
    """A model field validator for single-line identity fields: no contact details at all."""
    kinds = contact_kinds(value or "")
    if kinds:
        raise ValidationError(refusal_message(kinds), code="contact_details")


def ensure_no_contact_details(**fields: str | None) -> None:
    """Services' check of identity fields (``display_name=…``): a 400 naming each field that
    holds contact details, before anything is written."""
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        kinds = contact_kinds(value or "")
        if kinds:
            errors[name] = [refusal_message(kinds)]
    if errors:
        raise DomainError(
            str(_("Remove the contact details from: %(fields)s.")) % {"fields": ", ".join(errors)},
            code="contact_details",
            fields=errors,
        )
