"""Clock times read by strptime formats, as :meth:`datetime.strptime` reads them, at a fraction of its cost.

An import reads tens of thousands of distinct times a table, and strptime
spends most of its time in Python around one regular expression match. A
:class:`ClockFormat` matches a text with the very pattern strptime compiles
for the format (the standard library's cache of them, for the locale in
force), then makes the datetime from the fields itself, for the directives
of dates and clock times: years, months, days, hours, minutes, seconds, the
AM/PM mark and weekday names, each at most once. A format with any other
directive is read by strptime itself. What a text gives, a datetime or no
reading at all, is what strptime gives it (``tests/test_clock.py`` holds the
two to each other on generated texts).
"""

from __future__ import annotations

import _strptime
import re
from datetime import datetime
from typing import Optional

#: the directives read here; a format with another (%j, %U, %z, %f, %%, ...) is left to strptime
_READ_HERE = frozenset("YymbBdHIMSpaA")
#: directives of which a format may hold one of each group: strptime lets the last one it meets win
_ONE_OF = (frozenset("Yy"), frozenset("mbB"), frozenset("HI"))
_DIRECTIVE = re.compile(r"%(.)", re.DOTALL)


class ClockFormat:
    """One strptime format: :meth:`read` gives what ``datetime.strptime(text, pattern)`` gives, or None where it
    raises ValueError."""

    __slots__ = ("pattern", "regex", "months", "month_names", "days", "day_names", "am", "pm")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.regex: Optional[re.Pattern[str]] = None
        directives = _DIRECTIVE.findall(pattern)
        used = set(directives)
        if len(used) != len(directives) or not used <= _READ_HERE or any(len(used & group) > 1 for group in _ONE_OF):
            return
        try:  # strptime makes its patterns for the locale in force, and makes them again when the locale changed
            datetime.strptime("", pattern)
        except ValueError:
            pass
        made = getattr(_strptime, "_TimeRE_cache", None)
        if made is None:
            return
        try:
            self.regex = made.compile(pattern)
        except (KeyError, IndexError, re.error):
            self.regex = None
            return
        names = made.locale_time
        # each name lowered, with its number: the pattern matches names in any case, and a few letters beyond ASCII
        # match ASCII ones there ("ſep"); a name that lowered is none of these is no reading, as for strptime
        self.months = {name.lower(): number for number, name in enumerate(names.a_month) if name}
        self.month_names = {name.lower(): number for number, name in enumerate(names.f_month) if name}
        self.days = frozenset(name.lower() for name in names.a_weekday)
        self.day_names = frozenset(name.lower() for name in names.f_weekday)
        self.am, self.pm = (mark.lower() for mark in names.am_pm)

    def read(self, text: str) -> Optional[datetime]:
        """The datetime the text stands for, read as the format says; None when it does not fit the format."""
        if self.regex is None:
            try:
                return datetime.strptime(text, self.pattern)
            except ValueError:
                return None
        found = self.regex.match(text)
        if found is None or found.end() != len(text):
            return None
        fields = found.groupdict()
        year, month, day, hour, minute, second = 1900, 1, 1, 0, 0, 0
        if "Y" in fields:
            year = int(fields["Y"])
        elif "y" in fields:
            year = int(fields["y"])
            year += 2000 if year <= 68 else 1900  # as POSIX says of %y
        if "m" in fields:
            month = int(fields["m"])
        elif "b" in fields or "B" in fields:
            named = self.months.get(fields["b"].lower()) if "b" in fields else self.month_names.get(fields["B"].lower())
            if named is None:
                return None
            month = named
        if ("a" in fields and fields["a"].lower() not in self.days) or (
            "A" in fields and fields["A"].lower() not in self.day_names
        ):
            return None
        if "d" in fields:
            day = int(fields["d"])
        if "H" in fields:
            hour = int(fields["H"])
        elif "I" in fields:
            hour = int(fields["I"])
            mark = (fields.get("p") or "").lower()
            if mark in ("", self.am):
                hour = 0 if hour == 12 else hour  # 12 AM is midnight; without a mark, a time is before noon
            elif mark == self.pm and hour != 12:
                hour += 12
        if "M" in fields:
            minute = int(fields["M"])
        if "S" in fields:
            second = int(fields["S"])
        try:
            return datetime(year, month, day, hour, minute, second)  # 30 February, or 29 February of no year: none
        except ValueError:
            return None
