"""Cursor pages over a queryset: stable under inserts, no ``COUNT(*)`` over a large table.

The rule with no web framework in it, used by the API's paginator
(``marketplace.api.pagination``) and by the pages (``marketplace.pages.cursor_page``). It is the
position-and-offset scheme of Django REST framework's ``CursorPagination`` (after David
Cramer's cursors for the Disqus API), with its cursors unchanged: a cursor is base64 of
``o=<offset>&r=<1 if backwards>&p=<position>``, the position being the value of the ordering's
first field.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib import parse

from django.core.exceptions import ValidationError
from django.db import DataError

# The query parameters of a paged list, and the largest page one may ask for.
CURSOR = "cursor"
PAGE_SIZE = "page_size"
MAX_PAGE_SIZE = 100
# DRF's cutoff: a cursor never skips more than this many rows with OFFSET.
OFFSET_CUTOFF = 1000


class InvalidCursor(ValueError):
    """A cursor that was damaged, edited by hand, or made for another ordering."""


class InvalidPageSize(ValueError):
    """A page size that is not a whole number within the limits."""


class Cursor(NamedTuple):
    offset: int
    reverse: bool
    position: str | None


@dataclass
class Page:
    items: list[Any]
    next: Cursor | None  # where the following page starts, None on the last one
    previous: Cursor | None


def page_size_from(raw: str | None, *, default: int, maximum: int) -> int:
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise InvalidPageSize(raw)
    return int(raw)


def decode_cursor(raw: str) -> Cursor:
    # Strict base64 with something in it: a lenient decoder skips what is not base64, so "!!!"
    # (or a NUL) would decode to nothing and quietly serve the first page.
    try:
        decoded = base64.b64decode(raw.encode("ascii"), validate=True)
        if not decoded:
            raise InvalidCursor(raw)
        tokens = parse.parse_qs(decoded.decode("ascii"), keep_blank_values=True)
        offset = int(tokens.get("o", ["0"])[0])
        if offset < 0:
            raise InvalidCursor(raw)
        reverse = bool(int(tokens.get("r", ["0"])[0]))
    except (UnicodeError, binascii.Error, TypeError, ValueError):
        raise InvalidCursor(raw) from None
    return Cursor(min(offset, OFFSET_CUTOFF), reverse, tokens.get("p", [None])[0])


def encode_cursor(cursor: Cursor) -> str:
    tokens = {}
    if cursor.offset != 0:
        tokens["o"] = str(cursor.offset)
    if cursor.reverse:
        tokens["r"] = "1"
    if cursor.position is not None:
        tokens["p"] = cursor.position
    return base64.b64encode(parse.urlencode(tokens, doseq=True).encode("ascii")).decode("ascii")


def with_query_param(url: str, name: str, value: str) -> str:
    """``url`` with ``name`` set to ``value`` (the other parameters kept, sorted)."""
    scheme, netloc, path, query, fragment = parse.urlsplit(url)
    params = parse.parse_qs(query, keep_blank_values=True)
    params[name] = [value]
    query = parse.urlencode(sorted(params.items()), doseq=True)
    return parse.urlunsplit((scheme, netloc, path, query, fragment))


def _position(item: Any, ordering: tuple[str, ...]) -> str:
    name = ordering[0].lstrip("-")
    return str(item[name] if isinstance(item, dict) else getattr(item, name))


def _reversed(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(field[1:] if field.startswith("-") else "-" + field for field in ordering)


def _ties(
    items: Iterable[Any], compare: str | None, ordering: tuple[str, ...]
) -> tuple[int, str | None, bool]:
    """How many of ``items``, from the first, share ``compare``'s position (one tie chained to
    the next), and the first position that differs, if one does."""
    skip = 0
    for item in items:
        position = _position(item, ordering)
        if position != compare:
            return skip, position, True
        compare = position
        skip += 1
    return skip, None, False


def paginate(
    queryset: Any, *, ordering: tuple[str, ...], page_size: int, cursor: Cursor | None
) -> Page:
    """The page of ``queryset`` in ``ordering`` that ``cursor`` points at (None: the first).

    Raises ``InvalidCursor`` when the cursor's position is not a value the ordering's first
    field can take (a cursor made for another sort, or edited by hand).
    """
    try:
        return _paginate(queryset, ordering, page_size, cursor)
    except (ValidationError, ArithmeticError, ValueError, DataError):
        if cursor is None:
            raise  # no cursor: a bug of ours, not the client's input
        raise InvalidCursor(cursor) from None


def _paginate(
    queryset: Any, ordering: tuple[str, ...], page_size: int, cursor: Cursor | None
) -> Page:
    offset, reverse, current = cursor if cursor is not None else (0, False, None)
    queryset = queryset.order_by(*(_reversed(ordering) if reverse else ordering))
    if current is not None:
        # Past the position, in the direction of travel.
        name = ordering[0].lstrip("-")
        lookup = "lt" if reverse != ordering[0].startswith("-") else "gt"
        queryset = queryset.filter(**{f"{name}__{lookup}": current})

    rows = list(queryset[offset : offset + page_size + 1])
    items = rows[:page_size]
    following = _position(rows[-1], ordering) if len(rows) > len(items) else None
    has_following = len(rows) > len(items)
    came_from_somewhere = current is not None or offset > 0
    if reverse:
        items.reverse()
        has_next, has_previous = came_from_somewhere, has_following
        next_position, previous_position = current, following
    else:
        has_next, has_previous = has_following, came_from_somewhere
        next_position, previous_position = following, current

    def next_cursor() -> Cursor | None:
        if not has_next:
            return None
        compare: str | None
        if items and cursor and cursor.reverse and cursor.offset != 0:
            compare = _position(items[-1], ordering)
        else:
            compare = next_position
        skip, position, unique = _ties(reversed(items), compare, ordering)
        if items and not unique:
            # Every item shares one position: step over the whole page by offset.
            if not has_previous:
                skip, position = page_size, None
            elif cursor is not None and cursor.reverse:
                skip, position = 0, previous_position
            else:
                skip, position = (cursor.offset if cursor else 0) + page_size, previous_position
        if not items:
            position = next_position
        return Cursor(skip, False, position)

    def previous_cursor() -> Cursor | None:
        if not has_previous:
            return None
        compare: str | None
        if items and cursor and not cursor.reverse and cursor.offset != 0:
            compare = _position(items[0], ordering)
        else:
            compare = previous_position
        skip, position, unique = _ties(items, compare, ordering)
        if items and not unique:
            if not has_next:
                skip, position = page_size, None
            elif cursor is not None and cursor.reverse:
                skip, position = cursor.offset + page_size, next_position
            else:
                skip, position = 0, next_position
        if not items:
            position = previous_position
        return Cursor(skip, True, position)

    return Page(items=items, next=next_cursor(), previous=previous_cursor())
