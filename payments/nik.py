"""Whether a NIK (Nomor Induk Kependudukan) is well formed — its structure, not its existence.

The NIK on every KTP is 16 digits (Peraturan Presiden No. 26/2009 on the e-KTP and the
Dukcapil's numbering, as Permendagri No. 72/2019 codes the regions):

    PP RR DD  DDMMYY  SSSS
    │  │  │   │       └ a sequence number within that place and birth date, 0001 onwards
    │  │  │   └ the holder's birth date; women have 40 added to the day (a woman born on the
    │  │  │     5th has "45")
    │  │  └ the district (kecamatan) code
    │  └ the regency or city (kabupaten/kota) code, 01 onwards
    └ the province code, 11 (Aceh) to 94 (Papua), from the Kemendagri region codes

So a typo, a made-up number or a number of someone unborn is refused at once; that the NIK
belongs to the person is what a Finance moderator checks against the KTP photo.
"""

from __future__ import annotations

import re
from datetime import date

# The provinces' codes (Kepmendagri region codes, 11 Aceh … 94 Papua). A NIK keeps the code of
# the province that issued it, so the provinces split off since (95, 96) issue none of the
# NIKs a person already holds; we accept the range the numbering has used for adults.
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53}
    | {61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94}
)
OLDEST = 120  # years: an older birth date is a typo
YOUNGEST = 17  # years: a KTP is issued from 17 (UU Administrasi Kependudukan)
_DIGITS = re.compile(r"^[0-9]{16}$")


def nik_problem(nik: str, *, today: date) -> str | None:
    """What is wrong with ``nik`` as a code ("digits", "province", "regency", "birth_date",
    "age", "sequence"), or ``None`` when its structure holds."""
    if not _DIGITS.match(nik):
        return "digits"
    if int(nik[0:2]) not in PROVINCES:
        return "province"
    if int(nik[2:4]) == 0 or int(nik[4:6]) == 0:
        return "regency"
    born = nik_birth_date(nik, today=today)
    if born is None or born > today:
        return "birth_date"
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if not YOUNGEST <= age <= OLDEST:
        return "age"
    if int(nik[12:16]) == 0:
        return "sequence"
    return None


def nik_birth_date(nik: str, *, today: date) -> date | None:
    """The birth date coded in digits 7–12 (day + 40 for women), the two-digit year read as the
    latest century that does not put it in the future; ``None`` if it is no real date."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    century = today.year // 100 * 100
    full_year = century + year if century + year <= today.year else century - 100 + year
    try:
        return date(full_year, month, day)
    except ValueError:
        return None
