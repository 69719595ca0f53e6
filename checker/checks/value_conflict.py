"""value-conflict: two values of one metric of one subject that disagree, and why.

What it flags
    Claims about the same subject and metric whose values cannot all be
    true as stated ("nearly 350" and "350" agree; "more than 70" and "68" do
    not). Claims that agree are not compared further.

    Values that hold at the same time in the same scope (at any time, for a
    metric that does not change) and disagree are one contradiction, however
    many they are: the finding lists the groups of values that agree with
    each other and their sources, and its fingerprint names the subject,
    metric, scope and time, so that it stays when a value is added. Any other
    two values that disagree are judged as a pair, one finding per pair of
    values however many sources repeat either side.

Verdicts
    contradiction
        Same scope and the same time (or a metric that does not change over
        time), or a count that may only grow but is lower at the later date.
    timing
        The claims hold at different times and the change is one the metric
        allows (13 as of mid-2025, 14 as of end-2025 for a count that only
        grows; a different office holder at a different date), or a flow is
        counted over different periods, or one figure of a period counts it
        only so far (its source was published before the period ended, or
        the claim says ``to_date``) and is lower than one counted further.
        A change is told between values next
        to each other in time: 13 (2023), 14 (2024) and 15 (2025) give two
        findings, 13 to 14 and 14 to 15, not a third from 13 to 15, which the
        timeline shows.
    scope
        The claims count different things: a scope qualifier differs
        (FTAs "in force" vs FTAs at any stage).
    undetermined
        The engine cannot tell: a side is undated, or the times overlap
        so their order is unknown, or a bound covers only part of what an
        approximate figure of the same time and scope allows ("more than
        2.5 million" against "about 2.5 million", which stands for 2.45–2.55
        million as written). The note says what is missing, or what would
        settle it.

Passing example
    A: 13 comprehensive strategic partners as of 2025-06-30;
    B: 14 as of 2025-12-31, metric ``trend: non-decreasing`` -> timing (info).

Failing example
    A: 14 as of 2025-06-30; B: 13 as of 2025-12-31 for the same count that may
    only grow -> contradiction (error).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, TypeVar

from pydantic import Field

from checker.checks.base import CheckOptions, Group, each_group
from checker.corpus.claims import EXTENT, Resolved
from checker.formats.models import Kind, Metric, TimeNature, Trend
from checker.model.findings import CONTRADICTION, SCOPE, TIMING, UNDETERMINED, Problem

if TYPE_CHECKING:
    import polars as pl

    from checker.checks.base import Table
from checker.corpus.timeline import is_stale, reverted
from checker.corpus.values import (
    APPROXIMATE,
    BOUNDS,
    DateValue,
    EntitySet,
    Interpreted,
    Interval,
    Number,
    agree,
    below,
    ends,
    partly,
    quantity_text,
)
from checker.model.timespec import TimeSpan

T = TypeVar("T")

ID = "value-conflict"
PARTITION = "group"
#: verdicts whose fingerprint names a time and scope, not the values: an acknowledgement of such a finding holds
#: only while the finding says what was reviewed, so that a value added later is not accepted unseen
REVIEWED_AS_WRITTEN = frozenset({CONTRADICTION})
SEVERITY = {CONTRADICTION: "error", UNDETERMINED: "warning", TIMING: "info", SCOPE: "info"}


class Options(CheckOptions):
    """Settings of value-conflict."""

    tolerance: float = Field(
        0.0,
        ge=0,
        le=1,
        description='a fraction of the value by which "about" and "nearly" may stray beyond the precision the figure '
        "is written to (never less than that precision), for every metric that gives none: the rules' default, "
        "read with the rules (Vocabulary.tolerance) since it shapes every value read, not this check's alone",
    )
    defer_stale: bool = Field(True, description="leave an outdated figure repeated as current to stale-figure")


def _stale(a: Position, b: Position) -> bool:
    """True when a claim of one position repeats a figure a claim of the other had overtaken (is_stale)."""
    return _overtakes(a, b) or _overtakes(b, a)


def _overtakes(a: Position, b: Position) -> bool:
    # within a position only the sources' dates differ, and is_stale asks of them only that a dated source of
    # ``a`` was published before a source of ``b``: the earliest of one and the latest of the other decide
    if a.earliest is None or b.latest is None:
        return False
    return is_stale(a.earliest, b.latest)


def office_holders_apply(metric: Metric) -> bool:
    """True for entity-valued stocks, which office-holders judges."""
    return metric.kind == Kind.entity and metric.time == TimeNature.stock


@dataclass(frozen=True)
class Position:
    """Claims that say the same thing: same value, time and scope."""

    claims: tuple[Resolved, ...]

    @property
    def first(self) -> Resolved:
        """The representative claim."""
        return self.claims[0]

    @property
    def value(self) -> Interpreted:
        """The value they state."""
        return self.first.value

    @property
    def time(self) -> Optional[TimeSpan]:
        """When they hold."""
        return self.first.time

    def key(self) -> str:
        """What identifies this position independently of files and lines."""
        claim = self.first
        time = f"{claim.time.start}/{claim.time.end}" if claim.time else "-"
        scope = ",".join(f"{d}={v}" for d, v in claim.scope)
        return f"{claim.value.key}@{time}[{scope}]"

    @cached_property
    def side(self) -> str:
        """The value and scope, without the time: what a disagreement is between."""
        claim = self.first
        value = claim.value
        # a list and the same list presented as complete are one side of a disagreement
        key = "set:" + ",".join(sorted(value.ids)) if isinstance(value, EntitySet) else value.key
        return f"{key}[{','.join(f'{d}={v}' for d, v in claim.scope)}]"

    @cached_property
    def earliest(self) -> Optional[Resolved]:
        """The claim whose dated source was published first (by the end of its date), if any."""
        dated = [c for c in self.claims if c.source.dated and c.source.date is not None]
        return min(dated, key=lambda c: c.source.date.end) if dated else None  # type: ignore[union-attr]

    @cached_property
    def latest(self) -> Optional[Resolved]:
        """The claim whose source was published last (by the start of its date), if any."""
        dated = [c for c in self.claims if c.source.date is not None]
        return max(dated, key=lambda c: c.source.date.start) if dated else None  # type: ignore[union-attr]

    def who(self, limit: int = 0) -> str:
        """The sources, as a short list (the first ``limit`` and how many more, when given)."""
        sources = sorted({c.source.id for c in self.claims})
        return _listed(sources, ", ", limit) if limit else ", ".join(sources)

    def said(self, sources: int = 0) -> str:
        """Value, time and sources in short: '14 as of 2025-12-31 (vns-2026-01-12)'; at most ``sources`` named if given."""
        when = self.first.time_text()
        return f"{self.value.text} ({self.who(sources)}{', ' + when if when else ''})"

    def at(self) -> str:
        """Value with sources and time in words: '14 (vns, 31 December 2025)'."""
        when = self.time.describe() if self.time else "undated"
        if self.first.claim.since is not None:
            when = f"from {when} on"
        elif self.first.time_basis == "estimated":
            when = f"undated, est. {when}"
        elif self.first.time_basis == "published":
            when = f"published {when}"
        return f"{self.value.text} ({self.who()}, {when})"


def positions(claims: tuple[Resolved, ...]) -> list[Position]:
    """Cluster claims that state the same value at the same time in the same scope."""
    clusters: dict[tuple, list[Resolved]] = {}
    for claim in claims:
        time = (
            (claim.time.start, claim.time.end, claim.time_basis, counted_to(claim), claim.claim.since is not None)
            if claim.time
            else None
        )
        clusters.setdefault((claim.value.key, time, claim.scope), []).append(claim)
    result = [Position(tuple(sorted(members, key=lambda c: c.key))) for members in clusters.values()]
    return sorted(result, key=lambda p: (p.time.start if p.time else _NEVER, p.key()))


_NEVER = date.min


def counted_to(claim: Resolved) -> tuple[bool, Optional[date]]:
    """For a figure counted over a period: whether it counts the period only so far, and up to which day (None: a
    day not known). A dated source published before its period ended can only have counted that far (a flow "in
    2025" in an article of 10 December 2025), and one dated only by a month or a quarter that the period's end
    falls in may have been (so far, to a day it does not give); a claim may also say so itself
    (``to_date: true``)."""
    time = claim.time
    if time is None or claim.metric.time != TimeNature.flow:
        return False, None
    source = claim.source
    if source.date is not None and (source.dated or claim.claim.to_date):
        if source.date.end < time.end:
            return True, source.date.end
        if source.date.start < time.end:  # a month, a quarter: it may have been published before the period ended
            return True, None
    return bool(claim.claim.to_date), None


def surely_counted(claim: Resolved) -> Optional[date]:
    """The last day a figure counted so far (see :func:`counted_to`) surely counts: its source's day of
    publication; for a source dated by a month or a quarter, the day before that began (it may have appeared on its
    first day); None for a date that is only estimated."""
    source = claim.source
    if source.date is None or not source.dated:
        return None
    if source.date.start == source.date.end:
        return source.date.end
    return source.date.start - timedelta(days=1)


def latest_counted(claim: Resolved) -> Optional[date]:
    """The last day a figure counted so far may count: its source's day of publication, or the last day of the
    month or quarter that dates it; None for a date that is only estimated."""
    source = claim.source
    return source.date.end if source.date is not None and source.dated else None


def held_to(totals: list[Resolved], parts: list[Resolved]) -> Optional[bool]:
    """Whether figures of parts can be held to totals that each count their period only so far (see
    :func:`counted_to`): None when not (a part counted in full, or one that may have been counted later than a
    total surely was, or a day only estimated); True when every figure was counted to one and the same day of
    publication, False otherwise (the parts' sum then only bounds the total from below)."""
    limits = [surely_counted(claim) for claim in totals]
    if not limits or not parts or None in limits or not all(counted_to(claim)[0] for claim in parts):
        return None
    limit = min(limits)  # type: ignore[type-var]
    latest = [latest_counted(claim) for claim in parts]
    if None in latest or max(latest) > limit:  # type: ignore[type-var,operator]
        return None
    days = {*limits, *latest, *(latest_counted(claim) for claim in totals), *(surely_counted(c) for c in parts)}
    return len(days) == 1


def holding(bounding: list[Resolved], bounded: list[Resolved]) -> Optional[tuple[list[Resolved], str]]:
    """The claims of a total (or an upper term) that ``bounded`` can be held to, and how: "whole", those that
    count their whole period; else, when each counts it only so far (see :func:`counted_to`), all of them, if the
    others were counted no further (:func:`held_to`): "same day" when to the very day, "earlier" when not. None
    when they cannot be held to it."""
    whole = [claim for claim in bounding if not counted_to(claim)[0]]
    if whole:
        return whole, "whole"
    same_day = held_to(bounding, bounded)
    if same_day is None:
        return None
    return bounding, "same day" if same_day else "earlier"


def _so_far(day: Optional[date]) -> str:
    """How far a figure counted to date counts, in words (``day`` None: a day not known)."""
    return f"up to {day.day} {day.strftime('%B %Y')}" if day else "so far, to a day it does not give"


def _to_date(a: Position, b: Position, metric: Metric) -> Optional[tuple[str, str]]:
    """Two figures of one period of which at least one counts it only so far: the verdict and why; None when
    neither does, or both count to the same day (they then contradict as any two figures of one period).

    The figure counted less far is expected to differ. For a count, which only
    adds up as the period goes on, it may not exceed the other: that is a
    contradiction. Two figures counted to days not both known cannot be
    ordered: undetermined."""
    (a_part, a_day), (b_part, b_day) = counted_to(a.first), counted_to(b.first)
    if not (a_part or b_part) or (a_part and b_part and a_day is not None and a_day == b_day):
        return None
    assert a.time is not None
    period = a.time.describe()
    if a_part and b_part and (a_day is None or b_day is None):
        return UNDETERMINED, (
            f"both count {period} only so far ({a.value.text}: {_so_far(a_day)}; {b.value.text}: {_so_far(b_day)}), and "
            "which counted further cannot be told"
        )
    earlier_first = a_part and (not b_part or (a_day is not None and b_day is not None and a_day < b_day))
    (earlier, earlier_day), (later, later_part, later_day) = (
        ((a, a_day), (b, b_part, b_day)) if earlier_first else ((b, b_day), (a, a_part, a_day))
    )
    further = _so_far(later_day) if later_part else "the whole period"
    counted = (
        f"{earlier.value.text} ({earlier.who()}) counts {period} only {_so_far(earlier_day)}, "
        f"{later.value.text} ({later.who()}) {further}"
    )
    if metric.kind == Kind.count and metric.is_additive() and below(later.value, earlier.value) is True:
        return CONTRADICTION, f"{counted}: a count so far cannot exceed the count of more of the period"
    return (
        TIMING,
        f"{counted}: the figure to date is not the figure of {'more of it' if later_part else 'the whole period'}",
    )


def _scopes(a: Position, b: Position) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The scopes of two positions as mappings, and the dimensions where they differ (one unstated, or two
    values), in order."""
    mine, theirs = dict(a.first.scope), dict(b.first.scope)
    return mine, theirs, sorted(dim for dim in set(mine) | set(theirs) if mine.get(dim) != theirs.get(dim))


def _scope_difference(a: Position, b: Position, metric: Metric) -> str:
    mine, theirs, differing = _scopes(a, b)
    said = "; ".join(f'{dim}: "{mine.get(dim, "unstated")}" vs "{theirs.get(dim, "unstated")}"' for dim in differing)
    if EXTENT in differing:
        said += "; " + "; ".join(filter(None, (_extent_words(a), _extent_words(b))))
    return said


def _extent_words(position: Position) -> str:
    """What a position's subject covered, and how that is known: '"after-2025" is from 1 July 2025 on (absorbed
    two provinces), taken from the date of src-b'."""
    extent = position.first.extent
    if extent is None:
        return ""
    dated = sorted({c.source.id for c in position.claims if c.extent is not None and c.extent.inferred})
    how = f", taken from the date of {', '.join(dated)}" if dated else ""
    return f'"{extent.name}" is {extent.words}{how}'


def unstated_only(a: Position, b: Position) -> bool:
    """True when two scopes differ only where one claim does not say (a dimension without a default that one
    states and the other leaves out): whether they count the same things cannot be told."""
    mine, theirs, differing = _scopes(a, b)
    return bool(differing) and all(dim not in mine or dim not in theirs for dim in differing)


def _unstated(a: Position, b: Position) -> str:
    """Which source does not say what, in words: 'src-a does not say whether it counts stage "in-force"'."""
    mine, theirs, differing = _scopes(a, b)
    parts = []
    for dim in differing:  # unstated_only: each is stated on one side alone
        silent, saying, value = (a, b, theirs[dim]) if dim in theirs else (b, a, mine[dim])
        parts.append(f'{silent.who()} does not say its {dim} ({saying.who()}: "{value}")')
    return "; ".join(parts)


def nested(a: Position, b: Position, metric: Metric) -> Optional[tuple[Position, Position, str]]:
    """When two scopes differ in one dimension only, both stating it, and the rules declare that one value includes
    the other ("in-force-or-signed" includes "in-force"): the wider position, the narrower, and the dimension."""
    mine, theirs, differing = _scopes(a, b)
    if len(differing) != 1 or differing[0] not in mine or differing[0] not in theirs:
        return None
    dim = differing[0]
    declared = metric.scope.get(dim)
    if declared is None:
        return None  # the subject's extent (see checker.corpus.claims.extent_of): no value includes another
    includes = declared.includes
    if theirs[dim] in includes.get(mine[dim], ()):
        return a, b, dim
    if mine[dim] in includes.get(theirs[dim], ()):
        return b, a, dim
    return None


def _fewer_in_wider(a: Position, b: Position, metric: Metric) -> Optional[tuple[Position, Position, str]]:
    """A count in a scope that includes another's that is lower than it, of one time: impossible, as the wider
    scope counts all the narrower one counts. The wider position, the narrower and the dimension; else None."""
    found = nested(a, b, metric) if metric.kind == Kind.count else None
    if found is None or not _same_time(a, b, metric):
        return None
    wide, narrow, _ = found
    return found if below(wide.value, narrow.value) is True else None


def _same_time(a: Position, b: Position, metric: Metric) -> bool:
    """True when two positions hold at one time for certain (a fixed metric: always)."""
    if metric.time == TimeNature.fixed:
        return True
    if a.time is None or b.time is None or not a.time.same_span(b.time):
        return False
    return metric.time == TimeNature.flow or (_certain(a) and _certain(b))


def _nested_words(a: Position, b: Position, metric: Metric) -> Optional[tuple[str, str]]:
    """The verdict and note on two positions of nested scopes (see :func:`nested`), or None when they are not."""
    found = nested(a, b, metric)
    if found is None:
        return None
    wide, narrow, dim = found
    what = f'{dim} "{dict(wide.first.scope)[dim]}" includes "{dict(narrow.first.scope)[dim]}"'
    if _fewer_in_wider(a, b, metric):
        return CONTRADICTION, (
            f"{what}, so {wide.value.text} ({wide.who()}) counts all that {narrow.value.text} ({narrow.who()}) "
            "counts, and cannot be fewer"
        )
    return SCOPE, f"they count different things ({what}), so both can be true"


def _undated(position: Position) -> str:
    claim = position.first
    source = claim.source
    if source.dated or claim.time_basis == "stated":
        return ""
    if source.date is None:
        return f"{source.id} is undated and gives no estimate"
    return f"{source.id} is undated (estimated {source.date.describe()})"


def judge(a: Position, b: Position, metric: Metric) -> Optional[tuple[str, str, str]]:
    """The verdict on two positions, a one-line message and the note; None when they agree."""
    if agree(a.value, b.value):
        return None
    message = f"{a.said()} vs {b.said()}"
    label = metric.label
    if a.first.scope != b.first.scope:
        if unstated_only(a, b):
            return UNDETERMINED, message, f"{_unstated(a, b)}: whether they count the same things cannot be told"
        inclusion = _nested_words(a, b, metric)
        if inclusion is not None:
            return inclusion[0], message, inclusion[1]
        return SCOPE, message, f"they count different things ({_scope_difference(a, b, metric)}), so both can be true"
    if metric.time == TimeNature.fixed:
        return CONTRADICTION, message, f"the {label} does not change over time and both claims have the same scope"
    if a.time is None or b.time is None:
        missing = "; ".join(
            filter(None, (_undated(a) if a.time is None else "", _undated(b) if b.time is None else ""))
        )
        return UNDETERMINED, message, f"{missing}: whether the figures refer to the same time cannot be told"
    if metric.time == TimeNature.flow:
        return _judge_flow(a, b, metric, message)
    return _judge_stock(a, b, metric, message)


def verdict_of(a: Position, b: Position, metric: Metric) -> Optional[str]:
    """The verdict :func:`judge` gives, without the words: cheap enough for every pair of positions."""
    if agree(a.value, b.value):
        return None
    if a.first.scope != b.first.scope:
        return UNDETERMINED if unstated_only(a, b) else CONTRADICTION if _fewer_in_wider(a, b, metric) else SCOPE
    if metric.time == TimeNature.fixed:
        return CONTRADICTION
    if a.time is None or b.time is None:
        return UNDETERMINED
    if metric.time == TimeNature.flow:
        if not a.time.same_span(b.time):
            return None
        partial = _to_date(a, b, metric)
        return partial[0] if partial else CONTRADICTION
    uncertain = any(not (p.first.source.dated or p.first.time_basis == "stated") for p in (a, b))
    if a.time.same_span(b.time) and not uncertain:
        return CONTRADICTION
    if a.time.overlaps(b.time):
        return UNDETERMINED
    earlier, later = (a, b) if a.time.before(b.time) else (b, a)
    lower = below(earlier.value, later.value)
    if (metric.trend == Trend.non_decreasing and lower is False) or (
        metric.trend == Trend.non_increasing and lower is True
    ):
        return CONTRADICTION
    return TIMING


def _judge_flow(a: Position, b: Position, metric: Metric, message: str) -> Optional[tuple[str, str, str]]:
    assert a.time is not None and b.time is not None
    if a.time.same_span(b.time):
        partial = _to_date(a, b, metric)
        if partial:
            return partial[0], message, partial[1]
        return CONTRADICTION, message, f"both count over {a.time.describe()} in the same scope"
    return None  # different periods are different figures: period-parts compares parts with wholes


def _judge_stock(a: Position, b: Position, metric: Metric, message: str) -> tuple[str, str, str]:
    assert a.time is not None and b.time is not None
    uncertain = "; ".join(filter(None, (_undated(a), _undated(b))))
    if a.time.same_span(b.time) and not uncertain:
        return CONTRADICTION, message, f"both hold as of {a.time.describe()} in the same scope"
    trend = metric.trend
    if not a.time.overlaps(b.time):
        earlier, later = (a, b) if a.time.before(b.time) else (b, a)
        lower = below(earlier.value, later.value)
        span = f"from {earlier.at()} to {later.at()}"
        if trend == Trend.non_decreasing and lower is False:
            return CONTRADICTION, message, f"it fell {span}, but the {metric.label} may only grow"
        if trend == Trend.non_increasing and lower is True:
            return CONTRADICTION, message, f"it rose {span}, but the {metric.label} may only shrink"
        moved = "rose" if lower is True else "fell" if lower is False else "changed"
        allowed = {
            Trend.non_decreasing: "which a count that only grows allows",
            Trend.non_increasing: "which a figure that only shrinks allows",
        }.get(trend, "which the metric allows")
        return TIMING, message, f"it {moved} {span}, {allowed}"
    why = uncertain or f"their times overlap ({a.time.describe()}; {b.time.describe()})"
    order = ""
    if trend in (Trend.non_decreasing, Trend.non_increasing):
        lower = below(a.value, b.value)
        if lower is not None:
            low, high = (a, b) if lower else (b, a)
            first, second = (low, high) if trend == Trend.non_decreasing else (high, low)
            order = (
                f"; if {first.value.text} ({first.who()}) predates {second.value.text} ({second.who()}), "
                "timing explains the difference, otherwise they contradict"
            )
    return UNDETERMINED, message, f"{a.at()} vs {b.at()}: {why}; which figure is earlier cannot be told{order}"


#: which verdict speaks for a pair of values when their claims' pairs differ: the heaviest, so that a pair of
#: claims that contradict is never hidden behind another pair of the same values that timing explains
_WEIGHT = {CONTRADICTION: 4, UNDETERMINED: 3, TIMING: 2, SCOPE: 1}
_CONTRADICTION_W, _UNDETERMINED_W, _TIMING_W, _SCOPE_W = (
    _WEIGHT[v] for v in (CONTRADICTION, UNDETERMINED, TIMING, SCOPE)
)


def _implied(a: Position, b: Position) -> bool:
    """True when a side is only implied values: their changes over time restate their inputs."""
    return any(all(c.claim.derived is not None for c in side.claims) for side in (a, b))


def _single_source(a: Position, b: Position) -> bool:
    return len({c.source.id for c in a.claims + b.claims}) == 1


#: a verdict per pair of values, with the positions behind it
Verdicts = dict[tuple[str, ...], tuple[tuple, dict[int, Position]]]

#: from this many positions on, pairs are judged as arrays (the same verdicts, without a loop over every pair)
ARRAYS_FROM = 40


@dataclass
class Slots:
    """The positions that contradict each other whenever their values disagree, by slot: same scope and time.

    A slot is a scope and a span of time stated with certainty (a scope alone
    for a metric that does not change over time). Every other position, and
    one that stale-figure reports as an outdated figure repeated as current,
    is a slot of its own, judged pair by pair.
    """

    ids: list[int]  # the slot of each position, by index
    members: dict[int, list[int]]  # the positions of each shared slot, in order
    names: dict[int, tuple]  # what each shared slot is: (scope, start, end) or (scope,)
    of_side: dict[str, set[int]]  # the shared slots each side of a disagreement has positions in
    #: claims that give, after a stated change, the value from before it (by ``id``), with the claim of the
    #: change: stale-figure reports them (see checker.corpus.timeline.reverted)
    repeats: dict[int, Resolved] = field(default_factory=dict)
    #: the positions, for what a list's side says in a slot (see :meth:`meet`)
    found: list[Position] = field(default_factory=list)
    _lists: dict[tuple[int, str], list[Interpreted]] = field(default_factory=dict)

    def holds(self, position: Position) -> bool:
        """True when a claim of the position repeats a value from before a change."""
        return bool(self.repeats) and any(id(claim) in self.repeats for claim in position.claims)

    def repeat(self, a: Position, b: Position) -> bool:
        """True when one position repeats a value from before a change that the other's value is the value of."""
        if not self.repeats:
            return False
        return _repeats_against(a, b, self.repeats) or _repeats_against(b, a, self.repeats)

    def meet(self, side_a: str, side_b: str) -> bool:
        """True when two sides have positions in one shared slot, whose contradiction speaks for them. A list's side
        holds it stated complete and not, and two lists can both be true: two sides of lists meet only in a slot
        where they disagree."""
        a, b = self.of_side.get(side_a), self.of_side.get(side_b)
        if not (a and b) or a.isdisjoint(b):
            return False
        if not (side_a.startswith("set:") and side_b.startswith("set:")):
            return True
        for slot in a & b:
            mine, theirs = self._said(slot, side_a), self._said(slot, side_b)
            if any(not agree(x, y) for x in mine for y in theirs):
                return True
        return False

    def _said(self, slot: int, side: str) -> list[Interpreted]:
        """The distinct values a side states in a shared slot (a list, stated complete or not)."""
        said = self._lists.get((slot, side))
        if said is None:
            values = {}
            for i in self.members[slot]:
                if self.found[i].side == side:
                    value = self.found[i].value
                    values.setdefault((value.key, getattr(value, "complete", None)), value)
            said = self._lists[(slot, side)] = list(values.values())
        return said

    def pairs(self) -> Iterator[tuple[int, int]]:
        """Every two positions (by index, the lower first) of different slots."""
        buckets: dict[int, list[int]] = {}
        for index, slot in enumerate(self.ids):
            buckets.setdefault(slot, []).append(index)
        for i, j in _across(list(buckets.values())):
            yield (i, j) if i < j else (j, i)

    def side_pairs(self, sides: dict[str, list[int]]) -> Iterator[tuple[str, str]]:
        """Every two sides (in order) that do not meet in a shared slot, without visiting those that do."""
        homes: dict[object, list[str]] = {}
        for side in sorted(sides):
            where = {self.ids[i] for i in sides[side]}
            home = next(iter(where)) if len(where) == 1 and self.ids[sides[side][0]] in self.members else side
            homes.setdefault(home, []).append(side)
        for a, b in _across(list(homes.values())):
            if not self.meet(a, b):
                yield (a, b) if a < b else (b, a)


def _repeats_against(old: Position, new: Position, repeats: dict[int, Resolved]) -> bool:
    for claim in old.claims:
        change = repeats.get(id(claim))
        if change is not None and change.scope == new.first.scope and agree(change.value, new.value):
            return True
    return False


def _across(groups: list[list[T]]) -> Iterator[tuple[T, T]]:
    """Every two members of different groups, the member of the earlier group first."""
    for x, first in enumerate(groups):
        for second in groups[x + 1 :]:
            for a in first:
                for b in second:
                    yield a, b


def _certain(position: Position) -> bool:
    return position.first.source.dated or position.first.time_basis == "stated"


def slots_of(found: list[Position], metric: Metric, options: Options | None = None) -> Slots:
    """The slots of the positions of one subject and metric (see :class:`Slots`)."""
    shared: dict[tuple, list[int]] = {}
    for index, position in enumerate(found):
        scope = position.first.scope
        if metric.time == TimeNature.fixed:
            name: Optional[tuple] = (scope,)
        elif position.time is None or (metric.time == TimeNature.stock and not _certain(position)):
            name = None
        elif metric.time == TimeNature.flow and counted_to(position.first)[0]:
            name = None  # a figure counted only so far is judged pair by pair (see _to_date)
        else:
            name = (scope, position.time.start, position.time.end)
        if name is not None:
            shared.setdefault(name, []).append(index)
    defer = options.defer_stale if options else True
    ids = [-1 - index for index in range(len(found))]  # a slot of its own, until a shared one is found
    members: dict[int, list[int]] = {}
    names: dict[int, tuple] = {}
    of_side: dict[str, set[int]] = {}
    for number, (name, indices) in enumerate(shared.items()):
        if defer:
            outdated = _outdated([found[i] for i in indices], metric)
            indices = [i for k, i in enumerate(indices) if not outdated[k]]
        if len(indices) < 2:
            continue
        members[number], names[number] = indices, name
        for i in indices:
            ids[i] = number
            of_side.setdefault(found[i].side, set()).add(number)
    repeats = {}
    if defer and metric.time == TimeNature.stock:
        repeats = {key: change for key, (change, _) in reverted([c for p in found for c in p.claims]).items()}
    return Slots(ids, members, names, of_side, repeats, found)


def _outdated(members: list[Position], metric: Metric) -> list[bool]:
    """Whether each position of one slot was overtaken by another of the slot: stale-figure reports those.

    A position is overtaken when it gives its figure as current and a source
    published strictly before it already gave a figure beyond it
    (:func:`checker.corpus.timeline.is_stale`, whose scope and time conditions every
    two positions of a slot meet). Sorted by the date their earliest source
    was published, the positions that could overtake one form a prefix, and
    the figure furthest beyond of that prefix decides: a slot of thousands of
    positions costs a sort, not every pair.
    """
    outdated = [False] * len(members)
    if metric.time != TimeNature.stock or metric.trend == Trend.any:
        return outdated
    rising = metric.trend == Trend.non_decreasing
    earlier = sorted(
        (p.earliest.source.date.end, k)  # type: ignore[union-attr]
        for k, p in enumerate(members)
        if p.earliest is not None and isinstance(p.value, Number)
    )
    current = sorted(
        (p.latest.source.date.start, k)  # type: ignore[union-attr]
        for k, p in enumerate(members)
        if p.latest is not None and p.latest.time_basis == "published" and isinstance(p.value, Number)
    )
    reach = 0
    best: Optional[Interval] = None  # of the prefix: the highest lower end (rising), else the lowest upper end
    for published, k in current:
        while reach < len(earlier) and earlier[reach][0] < published:
            candidate = members[earlier[reach][1]].value.interval  # type: ignore[union-attr]
            if best is None or _further(candidate, best, rising):
                best = candidate
            reach += 1
        if best is not None:
            mine = members[k].value.interval  # type: ignore[union-attr]
            outdated[k] = mine.below(best) if rising else best.below(mine)
    return outdated


def _further(a: Interval, b: Interval, rising: bool) -> bool:
    """True when ``a`` is beyond ``b`` in the direction of the trend, for telling a figure below (or above) it."""
    if rising:
        return (a.lo, a.lo_open) > (b.lo, b.lo_open)
    return (a.hi, not a.hi_open) < (b.hi, not b.hi_open)


def clusters(
    members: list[Position], alike: Callable[[Interpreted, Interpreted], bool] = agree
) -> list[list[Position]]:
    """Groups of positions whose values agree with each other: numbers and dates from the lowest up, others in order.

    Numbers and dates are intervals, and intervals that meet two by two share
    a point: sweeping them by their upper ends gives groups that each share
    one, and a single group exactly when no two disagree. Other values are
    grouped one by one, each with the first group all of whose values it
    agrees with (``alike``: corroboration asks that they confirm each other).
    """
    order = {id(p): k for k, p in enumerate(members)}
    if all(isinstance(p.value, (Number, DateValue)) for p in members):
        groups = _by_sweep(members)  # from the lowest values up
    else:
        groups = []
        for position in members:  # in order: each group's first member is its earliest
            home = next((g for g in groups if all(alike(position.value, o.value) for o in g)), None)
            if home is None:
                groups.append([position])
            else:
                home.append(position)
    for group in groups:
        group.sort(key=lambda p: order[id(p)])
    return groups


def _by_sweep(members: list[Position]) -> list[list[Position]]:
    bounds = [ends(p.value) for p in members]  # type: ignore[arg-type]  # numbers and dates only
    return [[members[k] for k in group] for group in sweep_groups(bounds)]


def sweep_groups(bounds: list[tuple[float, bool, float, bool]]) -> list[list[int]]:
    """Groups of intervals (lo, lo open, hi, hi open) that each share a point, as indices into ``bounds``: one group
    exactly when every two meet. Agreement is not passed along: 4,600 and 5,400 both meet "about 5,000", not each
    other, so no group holds the two."""
    # by upper end, an open end first: a group takes every interval that reaches its first one's upper end
    by_high = sorted(range(len(bounds)), key=lambda k: (bounds[k][2], not bounds[k][3], k))
    by_low = sorted(range(len(bounds)), key=lambda k: (bounds[k][0], bounds[k][1], k))
    taken = [False] * len(bounds)
    groups: list[list[int]] = []
    reach = 0
    for k in by_high:
        if taken[k]:
            continue
        high, high_open = bounds[k][2:]
        group: list[int] = []
        while reach < len(by_low):
            low, low_open = bounds[by_low[reach]][:2]
            if low > high or (low == high and (low_open or high_open)):
                break
            if not taken[by_low[reach]]:
                taken[by_low[reach]] = True
                group.append(by_low[reach])
            reach += 1
        if not taken[k]:  # an empty interval reaches nothing, not even itself
            taken[k] = True
            group.append(k)
        groups.append(group)
    return groups


#: how many groups of values, and values of a group, a contradiction's message names before it counts the rest
LISTED = 8


def _listed(items: list[str], joiner: str, limit: int) -> str:
    shown = joiner.join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit:,} more"


def contradictions(found: list[Position], slots: Slots, metric: Metric) -> Iterator[Problem]:
    """One contradiction per shared slot whose values do not all agree, listing the groups that do."""
    for number, indices in slots.members.items():
        groups = clusters([found[i] for i in indices])
        if len(groups) < 2:
            continue
        name = slots.names[number]
        scope = ",".join(f"{d}={v}" for d, v in name[0])
        message = _listed([_listed([p.said(LISTED) for p in g], ", ", 3) for g in groups], " vs ", LISTED)
        values = sum(len(g) for g in groups)
        they = "both" if len(groups) == 2 else f"all {values:,} values, in {len(groups):,} groups that disagree,"
        if metric.time == TimeNature.fixed:
            key: tuple[str, ...] = ("at any time", scope)
            note = f"the {metric.label} does not change over time and {they} have the same scope"
        else:
            when = found[indices[0]].time
            assert when is not None
            key = (f"at {when.start}/{when.end}", scope)
            counts = "count over" if metric.time == TimeNature.flow else "hold as of"
            note = f"{they} {counts} {when.describe()} in the same scope"
        claims = sorted((c for i in indices for c in found[i].claims), key=lambda c: c.key)
        yield Problem(verdict=CONTRADICTION, message=message, key=key, note=note, claims=tuple(c.ref for c in claims))


def partial_pairs(members: list[Position]) -> Iterator[tuple[Position, Position]]:
    """Each bound and approximate figure among positions of one time and scope that the bound covers only in part
    ("more than 2.5 million" beside "about 2.5 million"): (bound, approximate)."""
    bounds = [p for p in members if p.first.claim.precision in BOUNDS]
    for approximate in (p for p in members if bounds and p.first.claim.precision in APPROXIMATE):
        for bound in bounds:
            if partly(bound.value, approximate.value):
                yield bound, approximate


def partial_bounds(found: list[Position], slots: Slots, metric: Metric) -> Iterator[Problem]:
    """One undetermined finding per bound and approximate figure of one time and scope that the bound only partly
    covers: "more than 2.5 million" neither confirms nor contradicts "about 2.5 million" (2.45–2.55 million)."""
    for indices in slots.members.values():
        for bound, approximate in partial_pairs([found[i] for i in indices]):
            allowed = quantity_text(approximate.value.interval, metric)  # type: ignore[union-attr]  # numbers
            note = (
                f"{approximate.value.text} stands for {allowed} as written, and {bound.value.text} admits only "
                f"part of that: whether they agree depends on where the figure lies; a more exact figure from "
                f"either source ({approximate.who()}; {bound.who()}) would settle it"
            )
            claims = sorted(bound.claims + approximate.claims, key=lambda c: c.key)
            yield Problem(
                verdict=UNDETERMINED,
                message=f"{bound.said()} vs {approximate.said()}",
                key=("partly", bound.side, approximate.side),
                note=note,
                claims=tuple(c.ref for c in claims),
            )


def verdicts_by_pairs(found: list[Position], metric: Metric, options: Options, slots: Slots | None = None) -> Verdicts:
    """Judge every two positions of different slots: the definition of the pairs check() reports."""
    slots = slots or slots_of(found, metric, options)
    # the words of a verdict are written only for the pair that speaks for its two values: the most serious
    # verdict, and of those the first pair in the order of the positions
    verdicts: Verdicts = {}
    chosen: dict[tuple[str, ...], tuple[int, int, int]] = {}
    for i, j in slots.pairs():
        a, b = found[i], found[j]
        kind = verdict_of(a, b, metric)
        if kind is None or (kind in (TIMING, SCOPE) and (_single_source(a, b) or _implied(a, b))):
            continue
        if options.defer_stale and ((kind == CONTRADICTION and _stale(a, b)) or slots.repeat(a, b)):
            continue  # stale-figure explains it
        side_a, side_b = a.side, b.side
        if slots.meet(side_a, side_b):
            continue  # the contradiction of their slot speaks for them
        pair: tuple[str, ...] = (side_a, side_b) if side_a <= side_b else (side_b, side_a)
        rank = (-_WEIGHT[kind], i, j)
        known = verdicts.get(pair)
        if known is None or rank < chosen[pair]:
            words = judge(a, b, metric)
            assert words is not None
            chosen[pair] = rank
            known = verdicts[pair] = (words, known[1] if known else {})
        known[1][id(a)] = a
        known[1][id(b)] = b
    return verdicts


_KINDS = (None, SCOPE, TIMING, UNDETERMINED, CONTRADICTION)  # by weight: the index is the weight


def verdicts_by_arrays(found: list[Position], metric: Metric, options: Options, slots: Slots | None = None) -> Verdicts:
    """The verdicts of :func:`verdicts_by_pairs`, reached side by side: a group of thousands of positions
    holds only tens of values, and the positions of two values are judged together as arrays."""
    import numpy as np  # noqa: PLC0415 - a run whose subjects all come from the cache never needs it

    n = len(found)
    never = date.min.toordinal() - 1
    start = np.array([p.time.start.toordinal() if p.time else never for p in found])
    end = np.array([p.time.end.toordinal() if p.time else never for p in found])
    timed = np.array([p.time is not None for p in found])
    unsure = np.array([not (p.first.source.dated or p.first.time_basis == "stated") for p in found])
    so_far = [counted_to(p.first) for p in found]
    partial = (np.array([part for part, _ in so_far]), np.array([d.toordinal() if d else -1 for _, d in so_far]))
    sources = [{c.source.id for c in p.claims} for p in found]
    names = {name: k for k, name in enumerate(sorted({next(iter(s)) for s in sources if len(s) == 1}))}
    sole = np.array([names[next(iter(s))] if len(s) == 1 else -1 for s in sources])
    implied = np.array([all(c.claim.derived is not None for c in p.claims) for p in found])
    slots = slots or slots_of(found, metric, options)
    slot = np.array(slots.ids)
    sides: dict[str, list[int]] = {}
    for index, position in enumerate(found):
        sides.setdefault(position.side, []).append(index)
    verdicts: Verdicts = {}
    for side_a, side_b in slots.side_pairs(sides):
        rows, cols = np.array(sides[side_a]), np.array(sides[side_b])
        a, b = found[rows[0]], found[cols[0]]
        # the positions of a side share their value, but a list's side holds it stated complete and not: whether
        # two lists agree is then asked of each pair
        lists = isinstance(a.value, EntitySet) and isinstance(b.value, EntitySet)
        alike = _lists_alike(found, rows, cols) if lists else None
        if alike.all() if alike is not None else agree(a.value, b.value):
            continue
        if alike is not None:  # a pair of the first positions may agree where others do not
            a, b = found[rows[np.nonzero(~alike)[0][0]]], found[cols[np.nonzero(~alike)[1][0]]]
        weight = _weights(a, b, metric, rows, cols, start, end, timed, unsure, partial)
        if alike is not None:
            weight[alike] = 0
        weight[slot[rows][:, None] == slot[cols][None, :]] = 0  # judged together with their slot
        passing = np.isin(weight, (1, 2)) & (
            ((sole[rows][:, None] >= 0) & (sole[rows][:, None] == sole[cols][None, :]))
            | implied[rows][:, None]
            | implied[cols][None, :]
        )
        weight[passing] = 0
        if options.defer_stale:
            for i, j in zip(*np.nonzero(weight == 4), strict=True):
                if _stale(found[rows[i]], found[cols[j]]):
                    weight[i, j] = 0
            if slots.repeats:  # only a position holding a repeat of an old value can be one of such a pair
                for i in [k for k, index in enumerate(rows) if slots.holds(found[index])]:
                    for j in np.flatnonzero(weight[i]):
                        if slots.repeat(found[rows[i]], found[cols[j]]):
                            weight[i, j] = 0
                for j in [k for k, index in enumerate(cols) if slots.holds(found[index])]:
                    for i in np.flatnonzero(weight[:, j]):
                        if slots.repeat(found[rows[i]], found[cols[j]]):
                            weight[i, j] = 0
        best = int(weight.max())
        if best == 0:
            continue
        low = np.minimum(rows[:, None], cols[None, :])
        high = np.maximum(rows[:, None], cols[None, :])
        order = np.where(weight == best, low * n + high, n * n)
        i, j = np.unravel_index(int(np.argmin(order)), order.shape)
        first, second = sorted((int(rows[i]), int(cols[j])))
        words = judge(found[first], found[second], metric)
        assert words is not None and words[0] == _KINDS[best]
        members = {id(found[k]): found[k] for k in rows[weight.max(axis=1) > 0]}
        members.update({id(found[k]): found[k] for k in cols[weight.max(axis=0) > 0]})
        verdicts[(side_a, side_b)] = (words, members)
    return verdicts


def _lists_alike(found: list[Position], rows: Any, cols: Any) -> Any:
    """Whether each position of one list's side agrees with each of another's: the lists of a side differ only in
    being stated complete or not, so at most four pairs are asked, and the answers spread over the arrays."""
    import numpy as np  # noqa: PLC0415 - see verdicts_by_arrays

    complete_a = np.array([bool(found[i].value.complete) for i in rows])  # type: ignore[union-attr]
    complete_b = np.array([bool(found[j].value.complete) for j in cols])  # type: ignore[union-attr]
    first_a = {bool(found[i].value.complete): found[i].value for i in rows[::-1]}  # type: ignore[union-attr]
    first_b = {bool(found[j].value.complete): found[j].value for j in cols[::-1]}  # type: ignore[union-attr]
    answers = np.zeros((2, 2), dtype=bool)
    for x, value_a in first_a.items():
        for y, value_b in first_b.items():
            answers[int(x), int(y)] = agree(value_a, value_b)
    return answers[complete_a.astype(int)[:, None], complete_b.astype(int)[None, :]]


def _weights(a, b, metric, rows, cols, start, end, timed, unsure, partial):  # noqa: ANN001, ANN202, PLR0913
    """The weight (see _WEIGHT) of the verdict on every pair of positions of two disagreeing values (0: none). ``partial`` holds
    for each position whether it counts its period only so far, and to which day (an ordinal, -1: not known)."""
    import numpy as np  # noqa: PLC0415 - see verdicts_by_arrays

    shape = (len(rows), len(cols))
    if a.first.scope != b.first.scope:
        if unstated_only(a, b):
            return np.full(shape, _UNDETERMINED_W)
        # nested scopes: a count in the wider one below the narrower's, of one time (see _fewer_in_wider)
        found = nested(a, b, metric) if metric.kind == Kind.count else None
        if found is None or below(found[0].value, found[1].value) is not True:
            return np.full(shape, _SCOPE_W)
        if metric.time == TimeNature.fixed:
            return np.full(shape, _CONTRADICTION_W)
        timed_both = timed[rows][:, None] & timed[cols][None, :]
        one_time = (
            timed_both & (start[rows][:, None] == start[cols][None, :]) & (end[rows][:, None] == end[cols][None, :])
        )
        if metric.time == TimeNature.stock:
            one_time &= ~(unsure[rows][:, None] | unsure[cols][None, :])
        return np.where(one_time, _CONTRADICTION_W, _SCOPE_W)
    if metric.time == TimeNature.fixed:
        return np.full(shape, _CONTRADICTION_W)
    sa, ea, sb, eb = start[rows][:, None], end[rows][:, None], start[cols][None, :], end[cols][None, :]
    untimed = ~(timed[rows][:, None] & timed[cols][None, :])
    same = (sa == sb) & (ea == eb)
    if metric.time == TimeNature.flow:
        return np.where(untimed, _UNDETERMINED_W, np.where(same, _so_far_weights(a, b, metric, rows, cols, partial), 0))
    certain_same = same & ~(unsure[rows][:, None] | unsure[cols][None, :])
    overlap = (sa <= eb) & (sb <= ea)
    a_first = ea < sb  # when the spans do not overlap, one ends before the other starts
    risen = {True: below(a.value, b.value), False: below(b.value, a.value)}  # earlier below later?
    broken = {
        first: (metric.trend == Trend.non_decreasing and lower is False)
        or (metric.trend == Trend.non_increasing and lower is True)
        for first, lower in risen.items()
    }
    apart = np.where(
        a_first, _CONTRADICTION_W if broken[True] else _TIMING_W, _CONTRADICTION_W if broken[False] else _TIMING_W
    )
    return np.where(
        untimed, _UNDETERMINED_W, np.where(certain_same, _CONTRADICTION_W, np.where(overlap, _UNDETERMINED_W, apart))
    )


def _so_far_weights(a, b, metric, rows, cols, partial):  # noqa: ANN001, ANN202, PLR0913
    """The weights :func:`_to_date` gives (through verdict_of) to every pair of positions of one period."""
    import numpy as np  # noqa: PLC0415 - see verdicts_by_arrays

    part, day = partial
    pa, pb = part[rows][:, None], part[cols][None, :]
    da, db = day[rows][:, None], day[cols][None, :]
    known = (da >= 0) & (db >= 0)
    plain = ~(pa | pb) | (pa & pb & known & (da == db))
    unordered = pa & pb & ~known
    a_first = pa & (~pb | (known & (da < db)))
    counts = metric.kind == Kind.count and metric.is_additive()
    # the figure counted less far above the other: a contradiction for a count (see _to_date)
    exceeds = {True: counts and below(b.value, a.value) is True, False: counts and below(a.value, b.value) is True}
    ordered = np.where(
        a_first, _CONTRADICTION_W if exceeds[True] else _TIMING_W, _CONTRADICTION_W if exceeds[False] else _TIMING_W
    )
    return np.where(plain, _CONTRADICTION_W, np.where(unordered, _UNDETERMINED_W, ordered))


def check(group: Group, options: Options) -> Iterator[Problem]:
    """One contradiction per time and scope whose values disagree, then one finding per other pair of values.

    Positions that state one value in one scope at several times are judged
    pair by pair, and the most serious verdict speaks for the pair of values,
    so "13 vs 14" is one finding however many sources repeat either side. A
    source does not disagree with itself about different times or scopes: such
    pairs within one source are passed over, while its contradictions are not.
    """
    assert group.metric is not None
    if office_holders_apply(group.metric):
        return  # office-holders judges entity-valued states over time
    metric = group.metric
    found = positions(group.claims)
    slots = slots_of(found, metric, options)
    yield from contradictions(found, slots, metric)
    yield from partial_bounds(found, slots, metric)
    if len(found) > ARRAYS_FROM:
        verdicts = verdicts_by_arrays(found, metric, options, slots)
    else:
        verdicts = verdicts_by_pairs(found, metric, options, slots)
    verdicts = _neighbours_in_time(verdicts, found)
    for pair, ((kind, message, note), by_id) in sorted(verdicts.items(), key=lambda item: item[0]):
        members = list(by_id.values())
        claims = sorted({c.key: c for p in members for c in p.claims}.values(), key=lambda c: c.key)
        yield Problem(verdict=kind, message=message, key=pair, note=note, claims=tuple(c.ref for c in claims))


def _neighbours_in_time(verdicts: Verdicts, found: list[Position]) -> Verdicts:
    """The verdicts without the timing of two values between which a third value of the same scope held.

    A value that held strictly between two others (all its dated claims
    after the earlier value's last and before the later value's first) tells
    the change from one to the other in two steps, each its own finding. A
    stock that moved through many values would otherwise give a finding for
    every two of them, each listing all their claims: a number of findings
    that grows with the square of the values, for what the timeline says once.
    """
    if all(verdict[0][0] != TIMING for verdict in verdicts.values()):
        return verdicts
    spans: dict[str, tuple[date, date]] = {}  # each side's dated claims: from the earliest start to the latest end
    for position in found:
        time = position.time
        if time is not None:
            known = spans.get(position.side)
            spans[position.side] = (
                (min(known[0], time.start), max(known[1], time.end)) if known else (time.start, time.end)
            )
    scope_of = {position.side: position.first.scope for position in found}
    by_scope: dict[tuple, list[tuple[date, date]]] = {}
    for side, span in spans.items():
        by_scope.setdefault(scope_of[side], []).append(span)
    # per scope: the spans by start, and from each on the least end of those that start there or later
    lookup: dict[tuple, tuple[list[date], list[date]]] = {}
    for scope, found_spans in by_scope.items():
        found_spans.sort()
        least = [span[1] for span in found_spans]
        for index in range(len(least) - 2, -1, -1):
            least[index] = min(least[index], least[index + 1])
        lookup[scope] = ([span[0] for span in found_spans], least)

    def passed_over(side_a: str, side_b: str) -> bool:
        span_a, span_b = spans.get(side_a), spans.get(side_b)
        if span_a is None or span_b is None or scope_of[side_a] != scope_of[side_b]:
            return False
        earlier, later = (span_a, span_b) if span_a[1] < span_b[0] else (span_b, span_a)
        if not earlier[1] < later[0]:
            return False  # their times meet: no value lies between them
        starts, least = lookup[scope_of[side_a]]
        after = bisect.bisect_right(starts, earlier[1])  # the first span that starts after the earlier one ends
        return after < len(starts) and least[after] < later[0]

    return {
        pair: verdict for pair, verdict in verdicts.items() if verdict[0][0] != TIMING or not passed_over(*pair[:2])
    }


def _agreeing(frame: pl.DataFrame) -> pl.DataFrame:
    """The (subject, metric) pairs whose values all agree with each other, and so give no finding.

    Values of one kind that are numbers or dates agree two by two exactly
    when all their intervals share a point (intervals on a line that meet
    pairwise all meet): when the highest lower end lies below the lowest
    upper end, or at it with both ends closed. Entities, lists and texts are
    passed over here only when they are all the same value.
    """
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    high_lower = pl.col("lo").max()
    low_upper = pl.col("hi").min()
    ends_meet = (high_lower < low_upper) | (
        (high_lower == low_upper)
        & ~pl.col("lo_open").filter(pl.col("lo") == high_lower).any()
        & ~pl.col("hi_open").filter(pl.col("hi") == low_upper).any()
    )
    numbers = pl.col("kind").is_in(["number", "date"]).all() & (pl.col("kind").n_unique() == 1)
    alike = ~pl.col("kind").is_in(["number", "date"]).any() & (pl.col("value_key").n_unique() == 1)
    # a bound beside an approximate figure may cover it only in part, which is a finding (see partial_bounds)
    precision = pl.col("precision")
    mixed = precision.is_in([p.value for p in BOUNDS]).any() & precision.is_in([p.value for p in APPROXIMATE]).any()
    return frame.group_by("subject", "metric").agg(agree=((numbers & ends_meet) | alike) & ~mixed).filter("agree")


def check_table(table: Table, options: Options) -> Iterator[tuple[str, str, Problem]]:
    """:func:`check` on every (subject, metric) of a table whose values do not all agree; the others, often most
    of a large corpus, are passed over in one vectorised step."""

    frame = table.frame.join(_agreeing(table.frame), on=["subject", "metric"], how="anti")
    yield from each_group(table, frame, check, options)
