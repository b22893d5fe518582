"""Formatting at the edges: money is an integer everywhere else, time is UTC elsewhere.

The one home for how a number, a percentage, a date or a time is written to a person, in the
language active when it is called (a page's, or a notice recipient's: ``notify`` formats under
the recipient's language). Bahasa Indonesia writes "4,8", "80,5%" and "10.00"; English "4.8",
"80.5%" and "10:00". Dates and times are always Jakarta time (TIME_ZONE), labelled WIB, so
nobody has to guess the zone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import get_language, ngettext_lazy

# Django's format strings (django.utils.dateformat), per language; "F" is the month's
# name in the active language ("Mei", "Agustus", "Desember" in Bahasa Indonesia).
_DATE = "j F Y"
_TIME = {"id": "H.i", "en": "H:i"}


def _jakarta(moment: datetime) -> datetime:
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))


def _language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def rupiah(amount: int) -> str:
    """Rupiah the Indonesian way: 150000 → "Rp 150.000"."""
    return "Rp " + f"{amount:,}".replace(",", ".")


def decimal(value: Decimal | float | int, places: int | None = None) -> str:
    """``value`` rounded half up to ``places`` decimals: 4.75 → "4,8" (id) / "4.8" (en); with
    no ``places``, the digits it has (Decimal("7.5") → "7,5").

    Rounded here: Django's number_format only cuts digits off (4.76 would read 4.7).
    """
    rounded = Decimal(str(value))
    if places is not None:
        rounded = rounded.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return number_format(rounded, places, use_l10n=True, force_grouping=True)


def percent(fraction: Decimal | float | None, places: int = 1) -> str:
    """A fraction as a percentage: 0.805 → "80,5%" (id) / "80.5%" (en); None → "—"."""
    if fraction is None:
        return "—"
    return decimal(Decimal(str(fraction)) * 100, places) + "%"


def local_date(moment: datetime | date) -> str:
    """A day as people read it: "8 Maret 2025" (a moment's day in Jakarta)."""
    if isinstance(moment, datetime):
        moment = _jakarta(moment)
    return dateformat.format(moment, _DATE)


def local_time(moment: datetime) -> str:
    """A moment's time of day in Jakarta, labelled: "10.00 WIB" (id) / "10:00 WIB" (en)."""
    return dateformat.format(_jakarta(moment), _TIME[_language()]) + " WIB"


def local_datetime(moment: datetime) -> str:
    """A moment as people in Indonesia read it: "8 Maret 2025 10.00 WIB" (id), "8 March 2025
    10:00 WIB" (en), in Asia/Jakarta whatever the server's or the request's zone."""
    return f"{local_date(moment)} {local_time(moment)}"


class Counted:
    """A count with its noun ("1 bid", "3 bids"), written when it is read: a notice's
    parameter is rendered in its recipient's language, not the sender's.

    ``phrase`` is ``ngettext_lazy("%(n)d bid", "%(n)d bids", "n")``: the number picks the
    plural form of the language it is read in (Bahasa Indonesia has one).
    """

    def __init__(self, phrase: Promise, n: int) -> None:
        self.phrase, self.n = phrase, n

    def __str__(self) -> str:
        return str(self.phrase % {"n": self.n})

    def __repr__(self) -> str:
        return f"Counted({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Counted) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


DAYS = ngettext_lazy("%(n)d day", "%(n)d days", "n")
BIDS = ngettext_lazy("%(n)d bid", "%(n)d bids", "n")


def days_count(n: int) -> Counted:
    return Counted(DAYS, n)


def bids_count(n: int) -> Counted:
    return Counted(BIDS, n)
