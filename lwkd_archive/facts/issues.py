"""How an issue is named and addressed: its title, its lwkd.info address, its week.

One function per fact, used by the importer, the editor tools and the build alike.
"""

from __future__ import annotations

import datetime as dt
import re

from lwkd_archive.facts.dates import MONTH_NAMES

#: The address lwkd.info gives an issue, from its publication day: ``/2022/20220209``.
OLD_ADDRESS_RE = re.compile(r"^/(?P<year>\d{4})/(?P<stamp>\d{8})$")
#: A week's title: ``Week Ending February 6, 2022``.
WEEK_TITLE_RE = re.compile(r"Week Ending (?P<month>[A-Z][a-z]+) (?P<day>\d{1,2}), (?P<year>\d{4})$")
SUNDAY = 6


def week_title(week_ending: dt.date) -> str:
    """``Week Ending February 6, 2022``: the title of the week's issue."""
    return f"Week Ending {MONTH_NAMES[week_ending.month - 1]} {week_ending.day}, {week_ending.year}"


def old_address(published: dt.date) -> str:
    """``/2022/20220209``: where lwkd.info publishes the issue of that day."""
    return f"/{published:%Y}/{published:%Y%m%d}"


def coming_sunday(today: dt.date) -> dt.date:
    """The Sunday that ends this week (today, when today is Sunday)."""
    return today + dt.timedelta(days=(SUNDAY - today.weekday()) % 7)
