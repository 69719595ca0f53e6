"""Time texts: each form names its span and precision; bad ones are refused."""

from __future__ import annotations

from datetime import date

import pytest

from checker.model.timespec import TimeError, parse_time

GOOD = [
    ("2025", date(2025, 1, 1), date(2025, 12, 31), "year"),
    (2025, date(2025, 1, 1), date(2025, 12, 31), "year"),
    ("2025-H1", date(2025, 1, 1), date(2025, 6, 30), "half-year"),
    ("2025-H2", date(2025, 7, 1), date(2025, 12, 31), "half-year"),
    ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "quarter"),
    ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31), "quarter"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
    ("2025-06-30", date(2025, 6, 30), date(2025, 6, 30), "day"),
    ("2025-10/2026-01", date(2025, 10, 1), date(2026, 1, 31), "span"),
    ("2025-H1/2025-Q3", date(2025, 1, 1), date(2025, 9, 30), "span"),
]


@pytest.mark.parametrize("text, start, end, precision", GOOD, ids=[str(g[0]) for g in GOOD])
def test_spans(text, start, end, precision):
    span = parse_time(text)
    assert (span.start, span.end, span.precision) == (start, end, precision)


@pytest.mark.parametrize("text", ["2025-13", "2025-02-30", "2025-H3", "25", "2025/2024", "mid-2025", "2025-6", ""])
def test_refused(text):
    with pytest.raises(TimeError):
        parse_time(text)


def test_relations():
    h1, year, h2, june = (parse_time(t) for t in ("2025-H1", "2025", "2025-H2", "2025-06-30"))
    assert year.contains(h1) and not h1.contains(year)
    assert h1.before(h2) and not h2.before(h1)
    assert h1.overlaps(june) and not h2.overlaps(june)
    assert june.is_point() and h1.days() == 181


@pytest.mark.parametrize(
    "text, words",
    [("2025-H1", "the first half of 2025"), ("2025-06", "June 2025"), ("2025-06-30", "30 June 2025"), ("2025", "2025"),
     ("2025-10/2026-01", "October 2025–January 2026"),
     ("2025-06/2025-08", "June–August 2025"), ("2025-06-15/2025-08", "15 June 2025 to 31 August 2025")],
)
def test_describe(text, words):
    assert parse_time(text).describe() == words
