"""period-parts: a figure for part of a period against the figure for the whole period.

What it flags
    Two flow claims about the same subject and metric where one period lies
    inside the other (the first half of 2025 and 2025). For an additive
    metric (a count or amount of events, unless the metric says otherwise)
    the part cannot exceed the whole: a part larger than the whole is a
    contradiction, and so are parts that do not overlap (the two halves)
    whose least values together exceed the whole. For lists (partners
    upgraded in the first half, and in the year), a member listed for the
    part must be in a complete list for the whole. A figure for the whole
    that counts it only so far (a source published before the period ended)
    is no whole the part must fit in, unless it counted past the part's end. A part within the whole is reported as information, with
    what it leaves for the rest of the period. Overlapping periods that are
    not nested, and nested periods of a metric that does not add up (a rate,
    a share), are noted as different figures, never compared as if equal.

Passing example
    nearly 20 visits in 2025-H1 and 24 in 2025: consistent, leaving 4-6 for
    the rest of the year (info).

Failing example
    30 visits in 2025-H1 and 24 in 2025: the first half alone exceeds the
    whole year (contradiction).
"""

from __future__ import annotations

import bisect
from datetime import date
from typing import TYPE_CHECKING, Iterator

from checker.checks.base import Group, NoOptions, each_group, metrics_where, rows_of
from checker.checks.value_conflict import Position, counted_to, positions, surely_counted
from checker.corpus.values import EntitySet, Interval, Number, quantity_text
from checker.formats.models import Metric, TimeNature
from checker.model.findings import CONTRADICTION, TIMING, Problem

if TYPE_CHECKING:
    from checker.checks.base import Table

ID = "period-parts"
PARTITION = "group"
SEVERITY = {CONTRADICTION: "error", TIMING: "info"}
Options = NoOptions


def _single_source(a: Position, b: Position) -> bool:
    return len({c.source.id for c in a.claims + b.claims}) == 1


def _compare(part: Position, whole: Position, metric: Metric) -> tuple[str, str] | None:
    assert part.time is not None and whole.time is not None
    relation = f"{part.time.describe()} is part of {whole.time.describe()}"
    so_far = _so_far(whole)
    if so_far is not None and not (so_far[0] is not None and part.time.end <= so_far[0]):
        counted = f"up to {so_far[1]}" if so_far[0] else "so far, to a day it does not give"
        return TIMING, (
            f"{relation}, but the figure for {whole.time.describe()} counts it only {counted}: the part may exceed it"
        )
    if isinstance(part.value, EntitySet) and isinstance(whole.value, EntitySet):
        extra = part.value.ids - whole.value.ids
        if extra and whole.value.complete:
            names = ", ".join(sorted(extra))
            return CONTRADICTION, f"{relation}, yet {names} is not in the full list for the whole period"
        if extra:
            return TIMING, f"{relation}; the list for the whole period does not name {', '.join(sorted(extra))}"
        return TIMING, f"{relation}: every member listed for the part is in the list for the whole period"
    if not metric.is_additive() or not (isinstance(part.value, Number) and isinstance(whole.value, Number)):
        return TIMING, f"different periods ({relation}): not the same figure, and this metric does not add up"
    low_part, high_whole = part.value.interval.lo, whole.value.interval.hi
    # a part exceeds its whole only where the rest of the period cannot be a loss: not with a figure below zero
    gains = part.value.interval.lo >= 0 and whole.value.interval.lo >= 0
    if gains and low_part > high_whole:
        return CONTRADICTION, (
            f"{relation}, yet the part alone ({part.value.text}) exceeds the whole ({whole.value.text}): "
            f"{part.value.interval.text()} > {whole.value.interval.text()}"
        )
    rest = whole.value.interval - part.value.interval
    if not gains:
        return TIMING, (
            f"{relation}: {part.value.text} of {whole.value.text}, leaving {quantity_text(rest, metric)} for the rest "
            "of the period (a figure below zero: a part may exceed its whole)"
        )
    rest = rest.clamp_low(0)
    return (
        TIMING,
        f"{relation}: {part.value.text} ≤ {whole.value.text}, leaving {quantity_text(rest, metric)} for the rest of "
        "the period",
    )


def _so_far(whole: Position) -> tuple[date | None, str] | None:
    """How far the figure for a whole period surely counts it, when each of its claims counts it only so far (see
    value_conflict.counted_to): the last day surely counted, the latest of its claims' (None: not known), and that
    in words; None when one of them counts the whole period."""
    days = []
    for claim in whole.claims:
        if not counted_to(claim)[0]:
            return None
        day = surely_counted(claim)
        if day is not None:
            days.append(day)
    if not days:
        return None, ""
    return max(days), max(days).isoformat()


def _counted_rank(whole: Position) -> tuple[int, int]:
    """How far a figure for the whole counts it, the furthest first: in full, then so far to the latest day."""
    so_far = _so_far(whole)
    if so_far is None:
        return 0, 0
    return 1, -so_far[0].toordinal() if so_far[0] is not None else 0


def _parts_together(found: list[Position], metric: Metric) -> Iterator[Problem]:
    """Parts of a period that do not overlap and together exceed its whole: for each scope and whole period, the
    parts whose least values add up to the most (of each part period its least value: sources that disagree on a
    part are value-conflict's), against the most any figure for the whole allows."""
    if not metric.is_additive():
        return
    numbers = [p for p in found if isinstance(p.value, Number)]
    by_span: dict[tuple, list[Position]] = {}
    for position in numbers:
        assert position.time is not None
        by_span.setdefault((position.first.scope, position.time.start, position.time.end), []).append(position)
    for (scope, start, end), wholes in sorted(by_span.items()):
        parts = []  # of each part period, the position with the least value
        for (part_scope, part_start, part_end), held in by_span.items():
            if part_scope == scope and start <= part_start and part_end <= end and (part_start, part_end) != (start, end):
                parts.append(min(held, key=lambda p: (p.value.interval.lo, p.key())))  # type: ignore[union-attr]
        if len(parts) < 2 or any(p.value.interval.lo < 0 for p in parts):  # type: ignore[union-attr]
            continue  # a part below zero: the others may exceed the whole
        # each figure for the whole, as the pairs are judged; of one figure counted so far and in full, in full
        figures: dict[str, Position] = {}
        for whole in sorted(wholes, key=lambda w: (w.key(), _counted_rank(w))):
            figures.setdefault(whole.key(), whole)
        for whole in figures.values():
            if whole.value.interval.lo < 0:  # type: ignore[union-attr]
                continue
            so_far = _so_far(whole)
            if so_far is not None and so_far[0] is None:
                continue  # counted to a day not known: no part surely within it
            # a figure counted so far holds the parts that end by the day it surely counted to
            within = [p for p in parts if so_far is None or p.time.end <= so_far[0]]  # type: ignore[union-attr,operator]
            found_here = _exceeding(within, whole, metric)
            if found_here is not None:
                yield found_here


def _exceeding(parts: list[Position], whole: Position, metric: Metric) -> Problem | None:
    """The contradiction of parts that do not overlap and together exceed the figure for their whole, if they do
    (and no one of them alone does: that is said of that part)."""
    if len(parts) < 2:
        return None
    chosen = _most_apart(parts)
    total = sum(p.value.interval.lo for p in chosen)  # type: ignore[union-attr]
    high = whole.value.interval.hi  # type: ignore[union-attr]
    if len(chosen) < 2 or total <= high or any(p.value.interval.lo > high for p in chosen):  # type: ignore[union-attr]
        return None
    chosen.sort(key=lambda p: p.time.start)  # type: ignore[union-attr]
    names = " + ".join(f"{p.value.text} ({p.time.describe()})" for p in chosen)  # type: ignore[union-attr]
    assert whole.time is not None
    return Problem(
        verdict=CONTRADICTION,
        message=f"{' + '.join(p.said() for p in chosen)} vs {whole.said()}",
        key=("parts", whole.key(), *sorted(p.key() for p in chosen)),
        note=(
            f"periods that do not overlap, all part of {whole.time.describe()}, yet together they exceed the "
            f"whole: {names} = at least {quantity_text(Interval(total, total), metric)} > {whole.value.text}"
        ),
        claims=tuple(c.ref for c in sorted({id(c): c for p in [*chosen, whole] for c in p.claims}.values(),
                                            key=lambda c: c.key)),
    )  # fmt: skip


def _most_apart(parts: list[Position]) -> list[Position]:
    """The parts, of periods that do not overlap, whose least values add up to the most (weighted interval
    scheduling: by end, each part either left out or taken after the best of those that end before it starts)."""
    ordered = sorted(parts, key=lambda p: (p.time.end, p.time.start))  # type: ignore[union-attr]
    ends = [p.time.end for p in ordered]  # type: ignore[union-attr]
    best: list[tuple[float, list[int]]] = [(0.0, [])]
    for k, part in enumerate(ordered):
        before = bisect.bisect_left(ends, part.time.start)  # type: ignore[union-attr]  # those ending before it
        taken = best[before][0] + part.value.interval.lo  # type: ignore[union-attr]
        best.append((taken, best[before][1] + [k]) if taken > best[k][0] else best[k])
    return [ordered[k] for k in best[-1][1]]


def check(group: Group, options: NoOptions) -> Iterator[Problem]:
    """Compare each figure for a part of a period with the figure for the whole."""
    metric = group.metric
    if metric is None or metric.time != TimeNature.flow:
        return
    found = [p for p in positions(group.claims) if p.time is not None and p.first.time_basis == "stated"]
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            assert a.time is not None and b.time is not None
            if a.time.same_span(b.time) or a.first.scope != b.first.scope or not a.time.overlaps(b.time):
                continue
            if a.time.contains(b.time) or b.time.contains(a.time):
                whole, part = (a, b) if a.time.contains(b.time) else (b, a)
                verdict = _compare(part, whole, metric)
            else:
                verdict = (TIMING, f"{a.time.describe()} and {b.time.describe()} overlap: different figures")
            if verdict is None or (verdict[0] == TIMING and _single_source(a, b)):
                continue
            kind, note = verdict
            yield Problem(
                verdict=kind,
                message=f"{a.said()} vs {b.said()}",
                key=tuple(sorted((a.key(), b.key()))),
                note=note,
                claims=tuple(c.ref for c in sorted(a.claims + b.claims, key=lambda c: c.key)),
            )
    yield from _parts_together(found, metric)


def check_table(table: Table, options: NoOptions) -> Iterator[tuple[str, str, Problem]]:
    """:func:`check` on the groups of a flow where two different dated periods overlap: only they hold a part and
    its whole, or periods that overlap.

    Distinct spans sorted by start overlap somewhere exactly when one starts
    no later than the latest end of those before it.
    """
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    flows = metrics_where(table, lambda metric: metric.time == TimeNature.flow)
    spans = (
        table.frame.filter(pl.col("metric").is_in(flows) & pl.col("time_start").is_not_null())
        .select("subject", "metric", start=pl.col("time_start").cast(pl.Int32), end=pl.col("time_end").cast(pl.Int32))
        .unique()
        .sort("subject", "metric", "start", "end")
    )
    before = pl.col("end").cum_max().shift(1).over("subject", "metric")
    overlapping = spans.filter(pl.col("start") <= before).select("subject", "metric")
    yield from each_group(table, rows_of(table, overlapping), check, options)
