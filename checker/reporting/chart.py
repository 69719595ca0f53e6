"""Timeline charts as plain geometry, for the HTML template to draw as inline SVG.

Value against time, one mark per claim: a dot for an exact value, a bar for an
approximate value or a range, an arrow for a bound ("more than 70"), a
horizontal band for a time that is a span rather than a day (dashed when the
span is only an estimate of an undated source). Marks of claims in a
contradiction are drawn in the alarm colour. No plotting library: the
template draws a handful of SVG elements, so the page needs no script or
network to show its charts, prints cleanly, and every label goes through the
template's escaping like any other text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Optional

from checker.timeline import Timeline
from checker.values import format_number

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


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


@dataclass(frozen=True)
class Tick:
    """An axis tick and its label."""

    at: float
    label: str


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


def _days(day: date) -> int:
    return day.toordinal()


def _nice_step(span: float) -> float:
    raw = span / 4 if span > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def build(timeline: Timeline, tones: dict[tuple[str, str], str], title: str) -> Optional[Chart]:
    """The chart of a numeric timeline with values at two or more times; None when there is nothing to draw."""
    claims = [
        claim
        for entry in timeline.entries
        for claim in entry.claims
        if claim.start is not None and claim.end is not None and claim.stated is not None
    ]
    if len({(c.start, c.end) for c in claims}) < 2:
        return None
    # the scale follows the figures sources state; a wide range (an implied "at most 194") is clipped at the edge
    stated = [c.stated for c in claims if c.stated is not None and not c.implied]
    stated = stated or [c.stated for c in claims if c.stated is not None]
    core_low, core_high = min(stated), max(stated)
    reach = max(core_high - core_low, abs(core_high) * 0.1, 1.0) * 0.5
    values = list(stated)
    for claim in claims:
        ends = [v for v in (claim.lo, claim.hi) if v is not None]
        values += [v for v in ends if math.isfinite(v) and core_low - reach <= v <= core_high + reach]
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or max(abs(high) * 0.1, 1.0)
    low, high = (max(0.0, low - pad) if low >= 0 else low - pad), high + pad
    first = min(_days(c.start) for c in claims if c.start)
    last = max(_days(c.end) for c in claims if c.end)
    first, last = first - 20, last + 20
    chart = Chart(title=title)
    x0, y0, x1, y1 = chart.plot

    def x(day: int) -> float:
        return round(x0 + (day - first) / (last - first) * (x1 - x0), 1)

    def y(value: float) -> float:
        value = min(max(value, low), high)
        return round(y1 - (value - low) / (high - low) * (y1 - y0), 1)

    for claim in sorted(claims, key=lambda c: (c.start or date.min, c.key)):
        assert claim.start and claim.end and claim.stated is not None and claim.lo is not None and claim.hi is not None
        shape = "dot"
        if claim.lo != claim.hi:
            shape = "up" if claim.hi == math.inf else "down" if claim.lo == -math.inf else "range"
        chart.marks.append(
            Mark(
                x1=x(_days(claim.start)),
                x2=x(_days(claim.end)),
                y=y(claim.stated),
                y_low=y(claim.lo if math.isfinite(claim.lo) else low),
                y_high=y(claim.hi if math.isfinite(claim.hi) else high),
                shape=shape,
                point=claim.precision != "range",
                estimated=claim.estimated,
                implied=claim.implied,
                tone=tones.get(claim.key, "normal"),
                label=claim.text,
                tooltip=f"{claim.text} — {claim.source}, {claim.time_text}",
            )
        )
    step = _nice_step(high - low)
    tick = math.ceil(low / step) * step
    while tick <= high:
        chart.y_ticks.append(Tick(y(tick), format_number(round(tick, 6))))
        tick += step
    chart.x_ticks = list(_time_ticks(first, last, x))
    return chart


def _time_ticks(first: int, last: int, x) -> Iterable[Tick]:  # noqa: ANN001
    start, end = date.fromordinal(first), date.fromordinal(last)
    months = (end.year - start.year) * 12 + end.month - start.month
    every = 1 if months <= 8 else 3 if months <= 24 else 12
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        day = date(year, month, 1)
        if first <= _days(day) <= last and (month - 1) % every == 0:
            label = str(year) if every == 12 or month == 1 else day.strftime("%b")
            if month == 1 and every < 12:
                label = f"{year}"
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
