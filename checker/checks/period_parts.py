"""period-parts: a figure for part of a period against the figure for the whole period.

What it flags
    Two flow claims about the same subject and metric where one period lies
    inside the other (the first half of 2025 and 2025). For an additive
    metric (a count or amount of events, unless the metric says otherwise)
    the part cannot exceed the whole: a part larger than the whole is a
    contradiction. For lists (partners upgraded in the first half, and in the
    year), a member listed for the part must be in a complete list for the
    whole. A part within the whole is reported as information, with
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

from typing import TYPE_CHECKING, Iterator

from checker.checks.base import Group, NoOptions, each_group, metrics_where, rows_of
from checker.checks.value_conflict import Position, positions
from checker.corpus.values import EntitySet, Number, quantity_text
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
