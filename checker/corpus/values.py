"""Values as claims state them, and when two of them can both be true.

A number is read as the set of values its words allow. An approximate figure
is as precise as it is written: "about 2.5 million" is what rounds to 2.5
million, [2.45, 2.55] million, "nearly 350" is [345, 350]; "more than 70" is
(70, ∞), a count "more than 70" is 71 or more. Two claims agree when their
sets meet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Optional, Union

from checker.formats.models import Claim, Kind, Metric, Precision, Range
from checker.model.names import fold
from checker.model.plural import with_article
from checker.model.timespec import TimeError, TimeSpan, parse_time
from checker.model.units import UnitProblem, conversion

_WORDS = {
    Precision.about: "about",
    Precision.nearly: "nearly",
    Precision.more_than: "more than",
    Precision.at_least: "at least",
    Precision.less_than: "less than",
    Precision.at_most: "at most",
}


class ValueProblem(ValueError):
    """A value that does not fit its metric."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Interval:
    """The numbers a stated quantity allows, in the metric's base unit."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def meets(self, other: Interval) -> bool:
        """True when some number lies in both."""
        if self.lo > other.hi or other.lo > self.hi:
            return False
        if self.lo == other.hi and (self.lo_open or other.hi_open):
            return False
        if other.lo == self.hi and (other.lo_open or self.hi_open):
            return False
        return True

    def holds(self, other: Interval) -> bool:
        """True when every number of ``other`` lies here."""
        low = self.lo < other.lo or (self.lo == other.lo and (other.lo_open or not self.lo_open))
        high = other.hi < self.hi or (other.hi == self.hi and (other.hi_open or not self.hi_open))
        return low and high

    def below(self, other: Interval) -> bool:
        """True when every number here is below every number there."""
        return not self.meets(other) and self.hi <= other.lo

    def __add__(self, other: Interval) -> Interval:
        return Interval(
            self.lo + other.lo, self.hi + other.hi, self.lo_open or other.lo_open, self.hi_open or other.hi_open
        )

    def __sub__(self, other: Interval) -> Interval:
        return Interval(
            self.lo - other.hi, self.hi - other.lo, self.lo_open or other.hi_open, self.hi_open or other.lo_open
        )

    def divide(self, other: Interval) -> Interval:
        """This interval divided by a positive one."""
        if other.lo <= 0:
            raise ValueError("division by an interval that is not positive")
        low = self.lo / other.hi if self.lo >= 0 else self.lo / other.lo
        high = self.hi / other.lo if self.hi >= 0 else self.hi / other.hi
        return Interval(low, high, self.lo_open or other.hi_open, self.hi_open or other.lo_open)

    def hull(self, other: Interval) -> Interval:
        """The smallest interval holding both."""
        lo = min(self.lo, other.lo)
        hi = max(self.hi, other.hi)
        return Interval(lo, hi, self.lo_open and other.lo_open, self.hi_open and other.hi_open)

    def clamp_low(self, floor: float) -> Interval:
        """The part at or above ``floor`` (counts are never negative)."""
        return Interval(max(self.lo, floor), max(self.hi, floor), self.lo_open and self.lo > floor, self.hi_open)

    def text(self, integral: bool = False) -> str:
        """The interval in words: "14", "126–140", "at least 25"."""
        if self.lo == self.hi:
            return format_number(self.lo)
        if self.hi == math.inf:
            return f"{'more than' if self.lo_open else 'at least'} {format_number(self.lo)}"
        if self.lo == -math.inf:
            return f"{'less than' if self.hi_open else 'at most'} {format_number(self.hi)}"
        if integral:
            return f"{format_number(math.ceil(self.lo))}–{format_number(math.floor(self.hi))}"
        return f"{format_number(self.lo)}–{format_number(self.hi)}"

    def key(self) -> str:
        """A stable text key of the interval."""
        return f"num:{self.lo!r}:{self.hi!r}:{self.lo_open}:{self.hi_open}"


@dataclass(frozen=True)
class Number:
    """A stated quantity: what was written and the interval it allows."""

    stated: float
    interval: Interval
    text: str
    key: str


@dataclass(frozen=True)
class Entity:
    """An entity id."""

    id: str
    text: str
    key: str


@dataclass(frozen=True)
class EntitySet:
    """A list of entities; ``complete`` when the source presents it as the full list."""

    ids: frozenset[str]
    complete: bool
    text: str
    key: str


@dataclass(frozen=True)
class DateValue:
    """A date, as precise as stated."""

    span: TimeSpan
    text: str
    key: str


@dataclass(frozen=True)
class Text:
    """A short text, compared after folding case, accents and punctuation."""

    folded: str
    text: str
    key: str


Interpreted = Union[Number, Entity, EntitySet, DateValue, Text]


def written_step(value: float) -> float:
    """The place of the last significant digit of a number as written: 0.1 for 2.5, 100 for 1,200 and for 300, 1
    for 14, 0.01 for 0.25. A whole number's trailing zeros are not significant: the figure was rounded to them."""
    if not math.isfinite(value) or value == 0:
        return 1.0
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return 10.0**exponent if isinstance(exponent, int) else 1.0


def _number_interval(value: float, precision: Precision, tolerance: float, integral: bool, step: float) -> Interval:
    """The values a number stated with ``precision`` allows. An approximate figure ("about", "nearly") is as
    precise as it is written: it stands for what rounds to it at its last significant digit (``step``, in the
    metric's unit), half a step either way; a tolerance (a fraction of the value) may widen that margin, never
    narrow it, and a count's margin is at least 1."""
    margin = max(step / 2, abs(value) * tolerance)
    if integral:
        margin = max(margin, 1.0) if precision in (Precision.about, Precision.nearly) else margin
    if precision == Precision.exact:
        return Interval(value, value)
    if precision == Precision.about:
        return Interval(value - margin, value + margin)
    if precision == Precision.nearly:
        return Interval(value - margin, value)
    if precision == Precision.more_than:
        return Interval(value + 1, math.inf) if integral else Interval(value, math.inf, lo_open=True)
    if precision == Precision.at_least:
        return Interval(value, math.inf)
    if precision == Precision.less_than:
        return Interval(-math.inf, value - 1) if integral else Interval(-math.inf, value, hi_open=True)
    return Interval(-math.inf, value)  # at-most


def quantity_text(interval: Interval, metric: Metric) -> str:
    """An interval in the metric's unit, with a magnitude word for large amounts: "1.2 billion SEK"."""
    if metric.kind != Kind.amount:
        return interval.text(metric.kind == Kind.count) + ("%" if metric.kind == Kind.percent else "")
    unit = metric.unit or ""
    finite = [abs(x) for x in (interval.lo, interval.hi) if math.isfinite(x)]
    largest = max(finite, default=0.0)
    for word, factor in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
        if largest >= factor:
            scaled = Interval(interval.lo / factor, interval.hi / factor, interval.lo_open, interval.hi_open)
            return f"{_rounded(scaled).text()} {word} {unit}".strip()
    return f"{_rounded(interval).text()} {unit}".strip()


def _rounded(interval: Interval) -> Interval:
    def tidy(x: float) -> float:
        return float(f"{x:.6g}") if math.isfinite(x) else x

    return Interval(tidy(interval.lo), tidy(interval.hi), interval.lo_open, interval.hi_open)


#: from here on a float is no longer exact to the unit: it is shown to six significant digits (1e+99), not as the
#: whole number its binary form happens to hold
_EXACT_FLOATS = 1e15


def format_number(value: float) -> str:
    """A number as reports show it: 1,234 or 9.5; a whole number written as one, to its last digit."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if float(value).is_integer() and abs(value) < _EXACT_FLOATS:
        return f"{int(value):,}"
    return f"{value:,.6g}"


def interpret(
    claim: Claim,
    metric: Metric,
    tolerance: float,
    entity_id: Callable[[str], Optional[str]],
    entity_name: Callable[[str], str] = str,
    units: tuple[str, ...] = (),
) -> Interpreted:
    """Read a claim's value as its metric's kind says; raise :class:`ValueProblem` when it does not fit."""
    kind = metric.kind
    value = claim.value
    if kind in (Kind.count, Kind.number, Kind.amount, Kind.percent):
        return _interpret_number(claim, metric, tolerance, units)
    if claim.precision != Precision.exact:
        raise ValueProblem(f'precision "{claim.precision.value}" applies to numbers, not to a {kind.value}')
    if kind == Kind.date:
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ValueProblem(f"{with_article(kind.value)} value is a time text such as 2025-10-25")
        try:
            span = parse_time(value)
        except TimeError as exc:
            raise ValueProblem(str(exc)) from None
        return DateValue(span, span.text, f"date:{span.start}/{span.end}")
    if kind == Kind.entity:
        if not isinstance(value, str):
            raise ValueProblem("an entity value is the id or a name of a declared entity")
        found = entity_id(value)
        if found is None:
            raise ValueProblem(f'unknown entity "{value}"', "")
        return Entity(found, entity_name(found), f"entity:{found}")
    if kind == Kind.entity_set:
        if not isinstance(value, list) or not value:
            raise ValueProblem("an entity-set value is a non-empty list of entity ids or names")
        ids = []
        for item in value:
            found = entity_id(item)
            if found is None:
                raise ValueProblem(f'unknown entity "{item}" in the list', "")
            ids.append(found)
        if len(set(ids)) != len(ids):
            raise ValueProblem("the list names one entity twice")
        frozen = frozenset(ids)
        complete = bool(claim.complete)
        return EntitySet(
            frozen,
            complete,
            ", ".join(entity_name(i) for i in ids),
            "set:" + ",".join(sorted(frozen)) + (":all" if complete else ""),
        )
    if kind == Kind.flag:
        if not isinstance(value, bool):
            raise ValueProblem("a flag value is true or false")
        return Text(str(value).lower(), str(value).lower(), f"flag:{value}")
    if not isinstance(value, str):
        raise ValueProblem("a text value is a string")
    folded = fold(value)
    return Text(folded, value, f"text:{folded}")


def _whole(number: float) -> bool:
    """True when a number is whole, but for the error of a float product (0.1 thousand is 100): relative to the
    number, so that a tiny fraction (5e-324) is no whole number."""
    return math.isfinite(number) and abs(number - round(number)) <= 1e-9 * abs(number)


def _scaled(number: float, scale: float) -> float:
    """A stated number in the metric's unit, to 12 significant digits when a unit was converted: "2.01 million"
    is 2,010,000 as written, not the 2,009,999.9999999998 that floating point makes of 2.01 × 10⁶ (no source
    states a figure to more digits than that)."""
    if scale == 1:
        return float(number)
    return float(f"{number * scale:.12g}")


def _interpret_number(claim: Claim, metric: Metric, tolerance: float, units: tuple[str, ...]) -> Number:
    value = claim.value
    integral = metric.kind == Kind.count
    scale = 1.0
    unit_text = ""
    target = metric.unit or ("percent" if metric.kind == Kind.percent else "")
    if metric.kind == Kind.amount and not (claim.unit or target):
        raise ValueProblem("an amount needs a unit", 'add `unit:`, e.g. "billion USD"')
    if claim.unit is not None:
        try:
            scale = conversion(claim.unit, target, units).factor
        except UnitProblem as exc:
            raise ValueProblem(str(exc), "convert the value or fix the unit") from None
        unit_text = claim.unit
    elif metric.kind == Kind.amount:
        unit_text = target
    if type(value) is Range:  # not isinstance: a model class's instance check is slow
        if integral and not (_whole(value.min * scale) and _whole(value.max * scale)):
            raise ValueProblem("a count is a whole number")
        if integral and value.min < 0:
            raise ValueProblem("a count cannot be negative")
        low, high = _scaled(value.min, scale), _scaled(value.max, scale)
        interval = Interval(float(round(low)), float(round(high))) if integral else Interval(low, high)
        text = f"{format_number(value.min)}–{format_number(value.max)}"
        stated = (value.min + value.max) / 2 * scale
    else:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueProblem(f"{with_article(metric.kind.value)} value is a number")
        if integral and not _whole(value * scale):  # "9.5 million people" is a whole number of people
            raise ValueProblem(
                f"a count is a whole number, not {value if scale == 1 else format_number(value * scale)}"
            )
        if integral and value < 0:
            raise ValueProblem("a count cannot be negative")
        stated = _scaled(value, scale)
        stated = float(round(stated)) if integral else stated
        interval = _number_interval(stated, claim.precision, tolerance, integral, written_step(value) * abs(scale))
        if integral and interval.lo < 0:  # "at most 3", "about 0": a count is never below 0
            if interval.hi < 0:  # "less than 0" admits no count at all
                word = _WORDS[claim.precision]  # only a bound or an approximate figure reaches below 0
                raise ValueProblem(
                    f"a count cannot be {word} {format_number(value)}", "write the figure the text gives"
                )
            interval = Interval(0.0, interval.hi, False, interval.hi_open)
        if metric.within:
            half = float(metric.within) / 2  # two values within `within` of each other then meet
            interval = Interval(interval.lo - half, interval.hi + half, interval.lo_open, interval.hi_open)
        word = _WORDS.get(claim.precision)
        text = (f"{word} " if word else "") + format_number(value)
    if metric.kind == Kind.percent and not claim.unit:
        text += "%"
    elif unit_text:
        text += f" {unit_text}"
    return Number(stated, interval, text, interval.key())


#: the precisions of a bound, which admits every number past it, and of an approximate figure
BOUNDS = frozenset({Precision.more_than, Precision.at_least, Precision.less_than, Precision.at_most})
APPROXIMATE = frozenset({Precision.about, Precision.nearly})


def partly(bound: Interpreted, approximate: Interpreted) -> bool:
    """True when a bound admits some but not all of the numbers an approximate figure allows ("more than 2.5
    million" against "about 2.5 million"): whether the two agree then depends on where the figure lies."""
    if not (isinstance(bound, Number) and isinstance(approximate, Number)):
        return False
    return bound.interval.meets(approximate.interval) and not bound.interval.holds(approximate.interval)


def ends(value: Number | DateValue) -> tuple[float, bool, float, bool]:
    """A number's or a date's interval as (low, low open, high, high open), dates as day numbers: what agreement
    between them is decided on (see :func:`agree`)."""
    if isinstance(value, Number):
        interval = value.interval
        return interval.lo, interval.lo_open, interval.hi, interval.hi_open
    return value.span.start.toordinal(), False, value.span.end.toordinal(), False


def agree(a: Interpreted, b: Interpreted) -> bool:
    """True when both values can be true together."""
    if isinstance(a, Number) and isinstance(b, Number):
        return a.interval.meets(b.interval)
    if isinstance(a, DateValue) and isinstance(b, DateValue):
        return a.span.overlaps(b.span)
    if isinstance(a, EntitySet) and isinstance(b, EntitySet):
        if a.ids == b.ids:
            return True
        if a.complete and b.complete:
            return False
        if a.complete or b.complete:  # the partial one must lie within the whole
            whole, part = (a, b) if a.complete else (b, a)
            return part.ids <= whole.ids
        return True  # two lists of some of the members: both can be true, whatever each leaves out
    return a.key == b.key


def confirm(a: Interpreted, b: Interpreted) -> bool:
    """True when each value confirms the other: as :func:`agree`, but two lists only where one holds the other and
    the smaller is not complete (two partial lists that name different members can both be true, and confirm
    nothing of each other)."""
    if isinstance(a, EntitySet) and isinstance(b, EntitySet) and a.ids != b.ids:
        small, large = (a, b) if len(a.ids) <= len(b.ids) else (b, a)
        return small.ids <= large.ids and not small.complete
    return agree(a, b)


def below(a: Interpreted, b: Interpreted) -> bool | None:
    """True when ``a`` is lower than ``b``, False when higher, None when they have no order."""
    if isinstance(a, Number) and isinstance(b, Number):
        if a.interval.below(b.interval):
            return True
        if b.interval.below(a.interval):
            return False
        return None
    if isinstance(a, DateValue) and isinstance(b, DateValue):
        if a.span.before(b.span):
            return True
        if b.span.before(a.span):
            return False
    if isinstance(a, EntitySet) and isinstance(b, EntitySet):
        if a.ids < b.ids:
            return True
        if b.ids < a.ids:
            return False
    return None
