"""stale-figure: a source repeating a figure that another source had already overtaken.

What it flags
    For a count that may only grow (or only shrink), a source published
    after another had reported a newer figure, yet giving an older one as
    current (its figure holds as of its own publication date). The finding
    names both figures and both dates. value-conflict leaves such pairs to
    this check: the likely explanation is an outdated figure, not a
    contradiction in the facts.

    For a metric of any trend (a tariff, a count of regions after a
    reform), a claim with ``since`` states a change: its value holds from
    that date on. A source dated after the change that still gives the
    value from before it (a value some claim states for a time before the
    change) is possibly stale too; the note gives the change, both dates and
    the earlier value. A value no earlier time had is a further change, and
    stays a timing difference.

Passing example
    A (published 2025-07-01) says 13 as of 2025-06-30; B (published
    2026-01-12) says 14 currently: B is newer and higher, nothing to flag.

Failing example
    A (published 2026-01-12) says 14 as of 2025-12-31; B (published
    2026-02-01) says 13 currently: possibly stale (warning). For a metric
    of any trend: A says 63 as of 2025-06-30, B says 34 since 2025-07-01,
    C (published 2025-09-15) says 63 currently: C is possibly stale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from checker.checks.base import Group, NoOptions, each_group, metrics_where, rows_of
from checker.corpus.timeline import overtaken, reverted
from checker.model.findings import Problem

if TYPE_CHECKING:
    from checker.checks.base import Table
    from checker.corpus.claims import Resolved

ID = "stale-figure"
PARTITION = "group"
SEVERITY = {"stale": "warning"}
Options = NoOptions


def check(group: Group, options: NoOptions) -> Iterator[Problem]:
    """Report each claim that repeats a figure an earlier source had already overtaken."""
    metric = group.metric
    if metric is None or metric.time.value != "stock":
        return
    stale = overtaken(group.claims)
    repeated = reverted(group.claims)
    for later in group.claims:
        newest = stale.get(id(later))
        if newest is not None:
            assert newest.time is not None and newest.source.date is not None
            note = (
                f"{newest.source.id} had already reported {newest.value.text} as of {newest.time.describe()} "
                f"(published {newest.source.date.describe()}), yet {later.source.id}, published "
                f"{_published(later)}, gives {later.value.text} as the current figure"
            )
            yield _stale(later, note, (later.ref, newest.ref))
        elif id(later) in repeated:
            change, before = repeated[id(later)]
            assert change.time is not None
            note = (
                f"{change.source.id} reports a change to {change.value.text} from {change.time.describe()} on"
                f"{', published ' + _published(change) if change.source.dated else ''}, yet {later.source.id}, "
                f"published {_published(later)}, gives {later.value.text} {later.time_text()}: the figure from "
                f"before the change ({before.source.id}: {before.value.text} {before.time_text()}), unless it "
                "changed back"
            )
            yield _stale(later, note, (later.ref, change.ref, before.ref))


def _published(claim: Resolved) -> str:
    assert claim.source.date is not None
    return claim.source.date.describe()


def _stale(later: Resolved, note: str, claims: tuple) -> Problem:
    """The finding on a claim that repeats an outdated figure, with why it is thought outdated."""
    assert later.source.date is not None
    return Problem(
        verdict="stale",
        message=f"{later.value.text} ({later.source.id}, published {later.source.date.text}) is possibly stale",
        key=(later.source.id, later.claim.id),
        note=note,
        claims=claims,
    )


def check_table(table: Table, options: NoOptions) -> Iterator[tuple[str, str, Problem]]:
    """:func:`check` on the groups of a trending stock where a figure given as current was published after some
    dated figure was (without one, nothing can have overtaken it), and on the groups of a stock that state a
    change (``since``)."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    trending = metrics_where(table, lambda metric: metric.time.value == "stock" and metric.trend.value != "any")
    known = (
        pl.col("metric").is_in(trending)
        & (pl.col("kind") == "number")
        & pl.col("time_start").is_not_null()
        & pl.col("published_start").is_not_null()
    )
    current = pl.col("published_start").filter(pl.col("time_basis") == "published").max()
    earliest = pl.col("published_end").filter(pl.col("dated")).min()
    possible = (
        table.frame.filter(known)
        .group_by("subject", "metric")
        .agg(possible=earliest < current)
        .filter(pl.col("possible"))
        .select("subject", "metric")
    )
    changed = table.frame.filter(pl.col("since") & (pl.col("time_nature") == "stock")).select("subject", "metric")
    yield from each_group(table, rows_of(table, pl.concat([possible, changed])), check, options)
