"""Timelines: the values of one subject's metric over time, across sources.

A timeline lists each value with when it held and who says so, oldest first,
and names the most recent well-supported value: the latest figure whose time
is known (not only estimated), backed by the most independent origins.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, NamedTuple, Optional, Sequence

from checker.corpus.claims import EXTENT, Resolved
from checker.corpus.values import Number, agree, below
from checker.formats.models import TimeNature, Trend


class Point(NamedTuple):
    """One claim as a timeline keeps it: plain data, cheap to send between processes."""

    key: tuple[str, str]  # (source id, claim id)
    source: str
    origin: str
    start: Optional[date]
    end: Optional[date]
    time_text: str
    estimated: bool  # the time is the estimate of an undated source
    text: str  # the value as written
    stated: Optional[float]  # for a number: its value, and the interval it stands for
    lo: Optional[float]
    hi: Optional[float]
    precision: str
    implied: bool  # derived from other figures, not stated

    @property
    def claim_id(self) -> str:
        """The claim id within its source."""
        return self.key[1]


def point(claim: Resolved) -> Point:
    """The timeline's record of one claim."""
    value = claim.value
    number = isinstance(value, Number)
    return Point(
        claim.key,
        claim.source.id,
        claim.origin,
        claim.time.start if claim.time else None,
        claim.time.end if claim.time else None,
        claim.time_text(),
        claim.time_basis == "estimated",
        value.text,
        value.stated if number else None,  # type: ignore[union-attr]
        value.interval.lo if number else None,  # type: ignore[union-attr]
        value.interval.hi if number else None,  # type: ignore[union-attr]
        claim.claim.precision.value,
        claim.claim.derived is not None,
    )


@dataclass(frozen=True)
class Entry:
    """One value at one time, with the claims that state it."""

    value: str
    start: Optional[date]
    end: Optional[date]
    time: str
    certain: bool  # the time is stated or a publication date, not an estimate
    claims: tuple[Point, ...]
    scope: str = ""  # scope qualifiers that differ from the metric's defaults
    #: the sources that state it; the independent origins behind it; whether every claim states its value
    #: exactly (no "about", no bound); whether no source states it (it is implied by other figures)
    sources: tuple[str, ...] = field(init=False)
    origins: tuple[str, ...] = field(init=False)
    exact: bool = field(init=False)
    implied: bool = field(init=False)

    def __post_init__(self) -> None:
        # worked out once: reports ask for them of every entry, often several times
        object.__setattr__(self, "sources", tuple(sorted({c.source for c in self.claims})))
        object.__setattr__(self, "origins", tuple(sorted({c.origin for c in self.claims})))
        object.__setattr__(self, "exact", all(c.precision == "exact" for c in self.claims))
        object.__setattr__(self, "implied", all(c.implied for c in self.claims))

    def describe(self) -> str:
        """The entry in short: "14 (as of 2025-12-31: vns-2026-01-12)"."""
        who = "implied" if self.implied else ", ".join(self.sources)
        scope = f" [{self.scope}]" if self.scope else ""
        return f"{self.value}{scope} ({self.time or 'undated'}: {who})"


@dataclass(frozen=True)
class Timeline:
    """A subject's metric over time."""

    subject: str
    metric: str
    entries: tuple[Entry, ...]
    latest: Optional[Entry]  # the most recent well-supported value


def build(subject: str, metric: str, claims: Iterable[Resolved]) -> Timeline:
    """The timeline of one (subject, metric) group."""
    groups: dict[tuple, list[Resolved]] = {}
    for claim in claims:
        time = (claim.time.start, claim.time.end) if claim.time else (None, None)
        certain = claim.time_basis in ("stated", "published")
        groups.setdefault((claim.value.key, claim.scope, time, certain), []).append(claim)
    entries = []
    members_of: dict[int, list[Resolved]] = {}
    usual: set[int] = set()  # the entries of the metric's usual scope (whatever extent of a subject that changes)
    for (_, scope, (start, end), certain), members in groups.items():
        members.sort(key=lambda c: c.key)
        first = members[0]
        defaults = {dim: d.default for dim, d in first.metric.scope.items()}
        other = [(dim, value) for dim, value in scope if defaults.get(dim) != value]
        unusual = ", ".join(f"{dim} {value}" for dim, value in other)
        entry = Entry(first.value.text, start, end, first.time_text(), certain, tuple(map(point, members)), unusual)
        entries.append(entry)
        members_of[id(entry)] = members
        if all(dim == EXTENT for dim, _ in other):
            usual.add(id(entry))
    entries.sort(key=lambda e: (e.start or date.min, e.end or date.min, e.value, e.sources))
    stated = [e for e in entries if not e.implied and e.end is not None]
    stated = [e for e in stated if id(e) in usual] or stated  # the metric's usual scope first
    current = stated
    if entries:  # a figure repeated after it was overtaken, or after a stated change, is not the latest
        everything = [c for e in entries for c in members_of[id(e)]]
        stale = overtaken(everything).keys() | reverted(everything).keys()
        if stale:
            current = [e for e in stated if not any(id(c) in stale for c in members_of[id(e)])] or stated

    # an estimated time counts from where it may begin: an undated figure is "latest" only if surely later
    def support(e: Entry) -> tuple:
        return (e.end if e.certain else e.start, e.certain, len(e.origins), len(e.sources), e.exact)

    best = max(map(support, current), default=None)
    tied = [e for e in current if support(e) == best]
    # two values as recent and as well supported as each other (a contradiction at the latest time): neither is
    # the well-supported one, and the order of their texts ("9" after "14") must not pretend to choose
    latest = tied[0] if len({e.value for e in tied}) == 1 else None
    return Timeline(subject, metric, tuple(entries), latest)


def is_stale(earlier: Resolved, later: Resolved) -> bool:
    """True when ``later`` repeats an older figure of a count that may only grow (or only shrink).

    ``later`` states its figure as current (its time is its publication date),
    it was published after ``earlier`` was, and ``earlier`` already gave a
    figure beyond it, as of a time no later than ``later``'s.
    """
    metric = later.metric
    if metric.time != TimeNature.stock or metric.trend == Trend.any:
        return False
    if earlier.scope != later.scope:
        return False  # they count different things
    if later.time_basis != "published" or not earlier.source.dated or earlier.time is None or later.time is None:
        return False
    published_before = earlier.source.date is not None and later.source.date is not None
    if not published_before or not earlier.source.date.end < later.source.date.start:  # type: ignore[union-attr]
        return False
    if earlier.time.start > later.time.end:
        return False
    if not (isinstance(earlier.value, Number) and isinstance(later.value, Number)):
        return False
    lower = below(later.value, earlier.value)
    return lower is True if metric.trend == Trend.non_decreasing else lower is False


def overtaken(claims: Sequence[Resolved]) -> dict[int, Resolved]:
    """Every stale claim of one group (by ``id``), with the newest claim that overtook it (see :func:`is_stale`).

    The newest is the one published last (then the last by key). Each claim
    given as current is compared with every claim at once, as arrays that
    spell out :func:`is_stale`, so that a group of thousands of claims costs
    a few passes over them rather than a comparison of every two claims.
    """
    numbers = [c for c in claims if c.time is not None and c.source.date is not None and isinstance(c.value, Number)]
    laters = [c for c in numbers if c.time_basis == "published"]
    earliers = [c for c in numbers if c.source.dated]
    if not laters or not earliers:
        return {}
    metric = laters[0].metric
    if metric.time != TimeNature.stock or metric.trend == Trend.any:
        return {}
    first_published = min(c.source.date.end for c in earliers)  # type: ignore[union-attr]
    if all(c.source.date.start <= first_published for c in laters):  # type: ignore[union-attr]
        return {}  # nothing was published before any figure given as current
    import numpy as np  # noqa: PLC0415 - a run whose subjects all come from the cache never needs it

    published = np.array([c.source.date.end.toordinal() for c in earliers])  # type: ignore[union-attr]
    since = np.array([c.time.start.toordinal() for c in earliers])  # type: ignore[union-attr]
    intervals = [c.value.interval for c in earliers]  # type: ignore[union-attr]
    low = np.array([i.lo for i in intervals])
    high = np.array([i.hi for i in intervals])
    low_open = np.array([i.lo_open for i in intervals])
    high_open = np.array([i.hi_open for i in intervals])
    scopes: dict[tuple, int] = {}
    scope = np.array([scopes.setdefault(c.scope, len(scopes)) for c in earliers])
    # the newest first: published last, then the last by key
    newest = sorted(range(len(earliers)), key=lambda i: (earliers[i].source.date.start, earliers[i].key), reverse=True)  # type: ignore[union-attr]
    rank = np.empty(len(earliers), dtype=np.int64)
    rank[newest] = np.arange(len(earliers))
    growing = metric.trend == Trend.non_decreasing
    out: dict[int, Resolved] = {}
    for later in laters:
        interval = later.value.interval  # type: ignore[union-attr]
        possible = (published < later.source.date.start.toordinal()) & (since <= later.time.end.toordinal())  # type: ignore[union-attr]
        possible &= scope == scopes.get(later.scope, -1)
        if growing:  # the later figure lies wholly below the earlier one (Interval.below)
            possible &= (low > interval.hi) | ((low == interval.hi) & (low_open | interval.hi_open))
        else:  # the earlier figure lies wholly below the later one
            possible &= (high < interval.lo) | ((high == interval.lo) & (high_open | interval.lo_open))
        candidates = np.flatnonzero(possible)
        if len(candidates):
            out[id(later)] = earliers[int(candidates[np.argmin(rank[candidates])])]
    return out


def reverted(claims: Sequence[Resolved]) -> dict[int, tuple[Resolved, Resolved]]:
    """Claims of one group that give, after a stated change, the value from before it: by ``id``, the claim of
    the change and a claim of the value before it.

    A claim with ``since`` says that its value holds from that date on, until
    it changes again, whatever the metric's trend. A later claim repeats the
    old value when its time starts once the latest such change before it is
    surely in effect (from the end of the change's time, as "since 2025" may
    mean December), its source is dated then or later, its value differs
    from the change's, and some claim of the same scope states that value
    for a time that ended before the change (a time stated or the date of a
    dated source). A later claim whose value no earlier time had is a further
    change, not a repeat, and a change back (a ``since`` claim with the later
    claim's value) is itself a change: neither is returned.
    """
    changes = [c for c in claims if c.claim.since is not None and c.time is not None]
    if not changes:
        return {}
    certain = [c for c in claims if c.time is not None and c.time_basis in ("stated", "published")]
    # per scope: the changes by the day from which they are surely in effect (the end of their time: "since 2025"
    # may mean December), and the figures that may tell an old value, by the end of their time
    ordered: dict[tuple, list[Resolved]] = {}
    for change in sorted(changes, key=lambda c: (c.time.end, c.key)):  # type: ignore[union-attr]
        ordered.setdefault(change.scope, []).append(change)
    ends = {scope: [c.time.end for c in found] for scope, found in ordered.items()}  # type: ignore[union-attr]
    olds: dict[int, list[Resolved]] = {}  # per change: the latest figure of each value that held before it
    out: dict[int, tuple[Resolved, Resolved]] = {}
    for later in certain:
        source, scope = later.source, later.scope
        if later.claim.since is not None or not source.dated or source.date is None or scope not in ordered:
            continue
        assert later.time is not None
        reach = bisect.bisect_right(ends[scope], later.time.start)  # the changes in effect when it holds
        if not reach:
            continue
        newest = ends[scope][reach - 1]
        latest = [c for c in ordered[scope][:reach] if c.time.end == newest]  # type: ignore[union-attr]
        if source.date.start < newest or any(agree(c.value, later.value) for c in latest):
            continue  # written before the change, or it gives the value the change gave
        change = latest[0]
        if id(change) not in olds:
            olds[id(change)] = _values_before(change, [c for c in certain if c.scope == scope])
        witnesses = [c for c in olds[id(change)] if agree(c.value, later.value)]
        if witnesses:
            out[id(later)] = (change, max(witnesses, key=lambda c: (c.time.end, c.key)))  # type: ignore[union-attr]
    return out


def _values_before(change: Resolved, claims: list[Resolved]) -> list[Resolved]:
    """Of the claims whose time ended before ``change`` may have taken effect, the latest of each value that is not
    the change's: a group of thousands of claims holds only tens of values, so a later claim is compared with
    those, not with every claim."""
    assert change.time is not None
    latest: dict[str, Resolved] = {}
    for claim in claims:
        if claim.time.end < change.time.start and not agree(claim.value, change.value):  # type: ignore[union-attr]
            known = latest.get(claim.value.key)
            if known is None or (claim.time.end, claim.key) > (known.time.end, known.key):  # type: ignore[union-attr]
                latest[claim.value.key] = claim
    return list(latest.values())
