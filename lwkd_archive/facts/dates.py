"""Month names, read and written, and the one format of a date shown to readers.

English whatever the build machine's locale (``strftime``'s ``%B`` follows it): the
importer, the schedules' reader, the editor tools and the pages all use these.
"""

from __future__ import annotations

import datetime as dt

#: The months as pages, titles and posts write them.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
#: Each month's correct spellings, lower case, full and short (``sept`` too): its number.
MONTH_NUMBERS = {
    name: number
    for number, full in enumerate(MONTH_NAMES, start=1)
    for name in {full.lower(), full[:3].lower(), *(("sept",) if number == 9 else ())}
}


def human_date(value: dt.date | dt.datetime | str, *, year: bool = True) -> str:
    """``9 February 2022`` (``9 February`` without the year), from a date, a date-time or
    an ISO string: the one way the archive shows a day to readers."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    text = f"{value.day} {MONTH_NAMES[value.month - 1]}"
    return f"{text} {value.year}" if year else text
