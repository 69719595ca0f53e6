"""Time as claims state it: a point or a period, each with its precision.

A time text names a calendar span: ``2025`` (year), ``2025-H1`` (half-year),
``2025-Q2`` (quarter), ``2025-06`` (month), ``2025-06-30`` (day), or
``A/B``, the span from the start of ``A`` to the end of ``B``.

For a stock (``as_of``) the span is where the instant lies: ``as_of: 2025-06``
says the figure held at some day in June 2025. For a flow (``period``) the span
is exactly what was counted over: ``period: 2025-H1`` is January to June.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

PRECISIONS = ("day", "month", "quarter", "half-year", "year", "span")

_PART = r"\d{4}(?:-(?:H[12]|Q[1-4]|(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?))?"
#: the grammar of a time text, also published in the JSON Schema
PATTERN = rf"^{_PART}(?:/{_PART})?$"
_PART_RE = re.compile(
    r"^(?P<year>\d{4})(?:-(?:H(?P<half>[12])|Q(?P<quarter>[1-4])|(?P<month>\d{2})(?:-(?P<day>\d{2}))?))?$"
)


class TimeError(ValueError):
    """A time text that does not follow the grammar or names no real date."""


@dataclass(frozen=True, order=True)
class TimeSpan:
    """An inclusive span of days with the precision it was written in."""

    start: date
    end: date
    precision: str
    text: str

    def is_point(self) -> bool:
        """True when the span is a single day."""
        return self.start == self.end

    def before(self, other: TimeSpan) -> bool:
        """True when this span ends before ``other`` starts."""
        return self.end < other.start

    def overlaps(self, other: TimeSpan) -> bool:
        """True when the two spans share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: TimeSpan) -> bool:
        """True when ``other`` lies wholly inside this span."""
        return self.start <= other.start and other.end <= self.end

    def same_span(self, other: TimeSpan) -> bool:
        """True when both name exactly the same days."""
        return self.start == other.start and self.end == other.end

    def days(self) -> int:
        """Length of the span in days."""
        return (self.end - self.start).days + 1

    def describe(self) -> str:
        """Plain words for the span, e.g. ``the first half of 2025``."""
        if self.precision == "span":
            whole_months = self.start.day == 1 and self.end.day == calendar.monthrange(self.end.year, self.end.month)[1]
            if whole_months and self.start.year == self.end.year:
                return f"{_MONTHS[self.start.month]}–{_MONTHS[self.end.month]} {self.end.year}"
            if whole_months:
                return f"{_MONTHS[self.start.month]} {self.start.year}–{_MONTHS[self.end.month]} {self.end.year}"
            return f"{_words(self.start, 'start')} to {_words(self.end, 'end')}"
        return _words_for(self.text)


def _part(text: str, full: str) -> tuple[date, date, str]:
    match = _PART_RE.match(text)
    if not match:
        raise TimeError(f'"{full}" is not a time: write 2025, 2025-H1, 2025-Q2, 2025-06, 2025-06-30 or A/B')
    year = int(match["year"])
    if year < 1:
        raise TimeError(f'"{full}" names the year 0, which the calendar does not have')
    if match["half"]:
        half = int(match["half"])
        return (
            date(year, 1 if half == 1 else 7, 1),
            date(year, 6 if half == 1 else 12, 30 if half == 1 else 31),
            "half-year",
        )
    if match["quarter"]:
        quarter = int(match["quarter"])
        first = 3 * quarter - 2
        last = first + 2
        return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]), "quarter"
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise TimeError(f'"{full}" has no month {month}')
        if match["day"]:
            try:
                day = date(year, month, int(match["day"]))
            except ValueError:
                raise TimeError(f'"{full}" is not a real date') from None
            return day, day, "day"
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month"
    return date(year, 1, 1), date(year, 12, 31), "year"


@lru_cache(maxsize=65536)
def parse_time(text: str | int) -> TimeSpan:
    """Parse a time text into its span; raise :class:`TimeError` when it is not one."""
    text = str(text).strip()
    if "/" in text:
        left, _, right = text.partition("/")
        start, _, _ = _part(left, text)
        _, end, _ = _part(right, text)
        if end < start:
            raise TimeError(f'"{text}" ends before it starts')
        return TimeSpan(start, end, "span", text)
    start, end, precision = _part(text, text)
    return TimeSpan(start, end, precision, text)


_MONTHS = list(calendar.month_name)


def _words(day: date, side: str) -> str:
    return f"{day.day} {_MONTHS[day.month]} {day.year}"


def _words_for(text: str) -> str:
    match = _PART_RE.match(text)
    assert match is not None
    year = match["year"]
    if match["half"]:
        return f"the {'first' if match['half'] == '1' else 'second'} half of {year}"
    if match["quarter"]:
        return f"Q{match['quarter']} {year}"
    if match["month"]:
        month = _MONTHS[int(match["month"])]
        return f"{int(match['day'])} {month} {year}" if match["day"] else f"{month} {year}"
    return year
