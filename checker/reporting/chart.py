"""Timeline charts as plain geometry, for the HTML template to draw as inline SVG.

Value against time, one mark per claim: a dot for an exact value, a bar for an
approximate value or a range, an arrow for a bound ("more than 70"; a count's
"at most 12" too, as every count is at least 0), a horizontal band for a time
that is a span rather than a day (dashed when the span is only an estimate of
an undated source). Marks of claims in a contradiction are drawn in the alarm
colour. Values of different scopes are different series: each its own shape,
its figures joined by a line, named in a legend. No plotting library: the
template draws a handful of SVG elements, so the page needs no script or
network to show its charts, prints cleanly, and every label goes through the
template's escaping like any other text.

What a reader must be able to trust: every mark, bound and range lies inside
the axes; a count's axis has whole-number ticks; and no label covers a mark
or another label (a label that finds no free place is left out: the mark's
tooltip still names it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Optional

from checker.corpus.timeline import Point, Timeline
from checker.corpus.values import format_number

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 20, 40
#: how long an arrow of a bound is, and how much room the axis keeps for it beyond the bound
ARROW = 22
#: the width of a label's character (10 px type), generously: a label's box must hold the text the browser draws
CHAR_WIDTH = 7.0
LABEL_HEIGHT = 12
#: the shapes of the series, in turn
SHAPES = ("circle", "square", "diamond", "triangle")


@dataclass(frozen=True)
class Label:
    """Where a mark's label stands: its anchor point and alignment."""

    x: float
    y: float
    anchor: str  # "start", "middle", "end"


@dataclass(frozen=True)
class Mark:
    """One claim on the chart."""

    x1: float
    x2: float  # equal to x1 for a day; the span's end otherwise
    y: float  # the stated value
    y_low: float  # the interval the words allow
    y_high: float
    shape: str  # "dot", "range", "up" (a lower bound), "down" (an upper bound)
    point: bool  # a single figure was stated (not only a range)
    estimated: bool  # the time is an undated source's estimate
    implied: bool
    tone: str  # "alarm" (in a contradiction), "warn" (undetermined), "normal"
    label: str  # the value as written, and its source
    tooltip: str
    series: int = 0  # which scope (see Chart.series)
    symbol: str = "circle"  # the series' shape
    placed: Optional[Label] = None  # where its label stands; None: left out, for want of a free place

    @property
    def cx(self) -> float:
        """The middle of the mark in time."""
        return (self.x1 + self.x2) / 2

    @property
    def top(self) -> float:
        """The highest point of the mark (the smallest y)."""
        return min(self.y, self.y_high) if self.shape != "down" else self.y_high

    def boxes(self) -> list[tuple[float, float, float, float]]:
        """The rectangles (left, top, right, bottom) the mark covers."""
        cx = self.cx
        out = []
        if self.x2 > self.x1:
            out.append((self.x1, self.y - 3, self.x2, self.y + 3))
        if self.point:
            out.append((cx - 7, self.y - 7, cx + 7, self.y + 7))
        if self.shape == "range":
            out.append((cx - 5, self.y_high, cx + 5, self.y_low))
        elif self.shape == "up":
            out.append((cx - 6, self.y_high, cx + 6, self.y))
        elif self.shape == "down":
            out.append((cx - 6, self.y, cx + 6, self.y_low))
        return out


@dataclass(frozen=True)
class Tick:
    """An axis tick and its label."""

    at: float
    label: str


@dataclass(frozen=True)
class Series:
    """The values of one scope: its name and shape, and the line through its dated figures."""

    label: str
    symbol: str
    path: str  # "x,y x,y ..." of its point marks in time order; "" for fewer than two


@dataclass
class Chart:
    """The geometry of one timeline chart."""

    width: int = WIDTH
    height: int = HEIGHT
    marks: list[Mark] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    plot: tuple[float, float, float, float] = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)
    title: str = ""
    series: list[Series] = field(default_factory=list)
    estimated: bool = False  # some mark's time is only an estimate


def _days(day: date) -> int:
    return day.toordinal()


def _nice_step(span: float, integral: bool) -> float:
    raw = span / 4 if span > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    step = next((factor * power for factor in (1, 2, 5, 10) if raw <= factor * power), 10 * power)
    return max(1.0, round(step)) if integral else step


def _shape(claim: Point, integral: bool) -> tuple[str, float, float]:
    """How a claim is drawn, and the ends of its interval that the axis must show (a bound's open end is not)."""
    assert claim.lo is not None and claim.hi is not None and claim.stated is not None
    low, high = claim.lo, claim.hi
    if low == high:
        return "dot", low, high
    if high == math.inf:
        return "up", low, low
    # every count is at least 0: "at most 12" of a count says no more than that it is at most 12
    if low == -math.inf or (integral and low <= 0):
        return "down", high, high
    return "range", low, high


def build(timeline: Timeline, tones: dict[tuple[str, str], str], title: str, integral: bool = False) -> Optional[Chart]:
    """The chart of a numeric timeline with values at two or more times; None when there is nothing to draw.

    ``integral``: the metric is a count, whose axis has whole-number ticks only.
    """
    scopes = sorted({entry.scope for entry in timeline.entries})
    claims = [
        (claim, scopes.index(entry.scope))
        for entry in timeline.entries
        for claim in entry.claims
        if claim.start is not None and claim.end is not None and claim.stated is not None
    ]
    if len({(c.start, c.end) for c, _ in claims}) < 2:
        return None
    shapes = {id(c): _shape(c, integral) for c, _ in claims}
    # the axis shows every figure, every end of a range and every bound, and leaves room for arrows
    shown = [
        _significant(v)
        for c, _ in claims
        for v in ((c.stated,) if shapes[id(c)][0] in ("dot", "range") else ()) + shapes[id(c)][1:]
        if v is not None and math.isfinite(v)
    ]
    if not shown:
        return None
    chart = Chart(title=title)
    x0, y0, x1, y1 = chart.plot
    low, high, step = _axis(shown, {shape for shape, _, _ in shapes.values()}, ARROW / (y1 - y0), integral)
    first = min(_days(c.start) for c, _ in claims if c.start) - 20
    last = max(_days(c.end) for c, _ in claims if c.end) + 20

    def x(day: int) -> float:
        return round(x0 + (day - first) / (last - first) * (x1 - x0), 1)

    def y(value: float) -> float:
        value = min(max(value, low), high)
        return round(y1 - (value - low) / (high - low) * (y1 - y0), 1)

    marks = []
    for claim, series in sorted(claims, key=lambda item: (item[0].start or date.min, item[0].key)):
        assert claim.start and claim.end and claim.stated is not None
        shape, lo, hi = shapes[id(claim)]
        at = y(claim.stated)
        if shape == "up":
            y_low, y_high = y(lo), max(y0, y(lo) - ARROW)
        elif shape == "down":
            y_low, y_high = min(y1, y(hi) + ARROW), y(hi)
        else:
            y_low, y_high = y(lo), y(hi)
        estimated = claim.estimated
        marks.append(
            Mark(
                x1=x(_days(claim.start)),
                x2=x(_days(claim.end)),
                y=at if shape not in ("up", "down") else (y_low if shape == "up" else y_high),
                y_low=y_low,
                y_high=y_high,
                shape=shape,
                point=claim.precision != "range" and shape not in ("up", "down"),
                estimated=estimated,
                implied=claim.implied,
                tone=tones.get(claim.key, "normal"),
                label=claim.text + (" (est.)" if estimated else ""),
                tooltip=f"{claim.text} — {claim.source}, {claim.time_text}",
                series=series,
                symbol=SHAPES[series % len(SHAPES)],
            )
        )
    chart.marks = _labelled(marks, chart)
    chart.estimated = any(m.estimated for m in marks)
    if len(scopes) > 1:
        for number, scope in enumerate(scopes):
            points = sorted((m.cx, m.y) for m in marks if m.series == number and m.point)
            path = " ".join(f"{px},{py}" for px, py in points) if len(points) > 1 else ""
            chart.series.append(Series(scope or "the metric's usual scope", SHAPES[number % len(SHAPES)], path))
    count = round((high - low) / step)
    labels = []
    for number in range(count + 1):  # by index: adding a step again and again may never reach the top
        label = format_number(_significant(low + number * step))
        if label not in labels:
            labels.append(label)
            chart.y_ticks.append(Tick(y(low + number * step), label))
    chart.x_ticks = list(_time_ticks(first, last, x))
    return chart


def _significant(value: float) -> float:
    """A value to 12 significant digits: 2.01 million and 2,010,000 are one height, though 2.01 × 10⁶ is not
    2,010,000 in floating point."""
    return float(f"{value:.12g}")


#: the most ticks an axis has; a step that would make more is widened
MAX_TICKS = 12


def _axis(shown: list[float], shapes: set[str], room: float, integral: bool) -> tuple[float, float, float]:
    """The lowest and highest value of the axis, a little beyond every value shown (and beyond the bounds by the
    length of their arrows: ``room`` is that length as a share of the plot's height), and the step of its ticks,
    which divides both; the lowest is 0 rather than below it when no value is negative."""
    least, most = min(shown), max(shown)
    span = most - least
    pad = span * 0.12 if span > 0 else max(abs(most) * 0.1, 1.0)
    low, high = least - pad, most + pad
    if "down" in shapes:
        low -= (high - low) * room / (1 - room)
    if "up" in shapes:
        high += (high - low) * room / (1 - room)
    if least >= 0:
        low = max(low, 0.0)
    step = _nice_step(high - low, integral)
    while (high - low) / step > MAX_TICKS:
        step *= 2
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    if not high > low or low + step == low:  # values beyond what floating point tells apart at this step
        step = max(abs(high) * 1e-6, 1.0 if integral else 1e-9)
        low, high = low - step, high + step
    return low, high, step


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _labelled(marks: list[Mark], chart: Chart) -> list[Mark]:
    """The marks, each with a place for its label that covers no mark and no other label, inside the chart."""
    from dataclasses import replace

    covered = [box for mark in marks for box in mark.boxes()]
    taken: list[tuple[float, float, float, float]] = []
    out = []
    x0, y0, x1, y1 = chart.plot
    said: set[tuple] = set()  # marks that repeat one another (two sources, one figure) are labelled once
    for mark in marks:
        same = (mark.label, mark.x1, mark.x2, mark.y, mark.shape)
        if same in said:
            out.append(mark)
            continue
        said.add(same)
        width = len(mark.label) * CHAR_WIDTH + 2
        cx, top = mark.cx, mark.top
        right = max(mark.x2, cx) + 9
        left = min(mark.x1, cx) - 9
        candidates = [
            (right, mark.y - 7, "start"), (right, mark.y + 15, "start"), (left, mark.y - 7, "end"),
            (left, mark.y + 15, "end"), (cx, top - 10, "middle"), (cx, max(mark.y, mark.y_low) + 20, "middle"),
            (right, top - 4, "start"), (left, top - 4, "end"),
        ]  # fmt: skip
        placed = None
        for lx, ly, anchor in candidates:
            start = lx if anchor == "start" else lx - width if anchor == "end" else lx - width / 2
            box = (start, ly - LABEL_HEIGHT + 2, start + width, ly + 3)
            if box[0] < 0 or box[2] > chart.width or box[1] < 0 or box[3] > y1:
                continue
            if any(_overlaps(box, other) for other in covered + taken):
                continue
            placed = Label(round(lx, 1), round(ly, 1), anchor)
            taken.append(box)
            break
        out.append(replace(mark, placed=placed))
    return out


def _time_ticks(first: int, last: int, x) -> Iterable[Tick]:  # noqa: ANN001
    start, end = date.fromordinal(first), date.fromordinal(last)
    months = (end.year - start.year) * 12 + end.month - start.month
    every = 1 if months <= 8 else 3 if months <= 24 else 12
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        day = date(year, month, 1)
        if first <= _days(day) <= last and (month - 1) % every == 0:
            label = str(year) if every == 12 or month == 1 else day.strftime("%b")
            yield Tick(x(_days(day)), label)
        month += 1
        if month > 12:
            year, month = year + 1, 1


def tones_of(findings: Iterable) -> dict[tuple[str, str], str]:  # noqa: ANN001
    """How each claim is coloured: alarm when in a contradiction, warn when undetermined or stale."""
    tone: dict[tuple[str, str], str] = {}
    for finding in findings:
        level = {"contradiction": "alarm", "undetermined": "warn", "stale": "warn"}.get(finding.verdict)
        if level is None:
            continue
        for ref in finding.claims:
            key = (ref.source, ref.claim)
            if tone.get(key) != "alarm":
                tone[key] = level
    return tone
