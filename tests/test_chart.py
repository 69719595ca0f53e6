"""The geometry of timeline charts (checker.reporting.chart), on values that strain an axis: nearly equal figures,
sums that floating point does not make exact, huge and negative values, bounds and ranges."""

from __future__ import annotations

import math
from datetime import date

import pytest

from checker.corpus.timeline import Entry, Point, Timeline
from checker.reporting.chart import build


def _point(number: int, day: date, stated: float, lo: float | None = None, hi: float | None = None) -> Point:
    lo = stated if lo is None else lo
    hi = stated if hi is None else hi
    precision = "exact" if lo == hi else "range"
    return Point((f"s{number}", "c"), f"s{number}", f"s{number}", day, day, day.isoformat(), False, f"{stated:g}",
                 stated, lo, hi, precision, False)  # fmt: skip


def _timeline(*points: Point) -> Timeline:
    entries = tuple(Entry(p.text, p.start, p.end, p.time_text, True, (p,)) for p in points)
    return Timeline("subject", "metric", entries, entries[-1])


DAYS = [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30)]


@pytest.mark.parametrize(
    "values",
    [
        (2.01e6, 2_010_000.0000000002),  # one figure, written two ways
        (0.1 + 0.2, 0.3),
        (1e16, 1e16 + 2),
        (5.0, 5.0),
        (-40.0, -12.5),
        (1e100, 2e100),
        (0.0, 1e-9),
    ],
)
def test_an_axis_covers_every_value_with_a_handful_of_ticks(values):
    chart = build(_timeline(*(_point(n, DAYS[n], v) for n, v in enumerate(values))), {}, "t")
    assert chart is not None
    top, bottom = chart.plot[1], chart.plot[3]
    assert 2 <= len(chart.y_ticks) <= 13
    assert all(top <= tick.at <= bottom for tick in chart.y_ticks)
    assert len({tick.label for tick in chart.y_ticks}) == len(chart.y_ticks)
    for mark in chart.marks:
        assert top <= mark.y <= bottom and math.isfinite(mark.y)


def test_a_count_has_whole_number_ticks_and_its_at_most_is_a_bound():
    points = (_point(0, DAYS[0], 13), _point(1, DAYS[1], 6, lo=0, hi=12), _point(2, DAYS[2], 14))
    chart = build(_timeline(*points), {}, "t", integral=True)
    assert chart is not None
    assert all(float(tick.label).is_integer() for tick in chart.y_ticks)
    bound = next(mark for mark in chart.marks if mark.label == "6")
    assert bound.shape == "down" and not bound.point  # drawn at 12, pointing down: not a bar from 0
    lowest = float(chart.y_ticks[0].label)
    assert lowest > 0  # the axis need not reach down to 0 for it


def test_labels_never_cover_a_mark_or_each_other():
    points = tuple(_point(n, date(2025, 1 + n, 1), 10 + (n % 3) * 0.2) for n in range(10))
    chart = build(_timeline(*points), {}, "t")
    assert chart is not None
    covered = [box for mark in chart.marks for box in mark.boxes()]
    placed = []
    for mark in chart.marks:
        if mark.placed is None:
            continue
        width = len(mark.label) * 7.0 + 2
        start = {"start": mark.placed.x, "end": mark.placed.x - width, "middle": mark.placed.x - width / 2}
        box = (start[mark.placed.anchor], mark.placed.y - 10, start[mark.placed.anchor] + width, mark.placed.y + 3)
        assert not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in covered + placed)
        placed.append(box)
    assert placed


def test_nothing_to_draw_is_no_chart():
    assert build(_timeline(_point(0, DAYS[0], 1)), {}, "t") is None  # one time
    infinite = (_point(0, DAYS[0], math.inf, lo=math.inf, hi=math.inf), _point(1, DAYS[1], math.inf, lo=math.inf,
                hi=math.inf))  # fmt: skip
    assert build(_timeline(*infinite), {}, "t") is None
