"""The claims of a shard as one table: typed columns that checks group, sort and join in bulk.

A check that works on the table (a module with ``check_table``) sees every
subject and metric of its shard at once and decides with vectorised
operations which claims a finding is about; words are then written for those
findings alone, from the claims the table points back to (column ``row``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import polars as pl

from checker.corpus import Resolved
from checker.values import DateValue, Entity, EntitySet, Number, Text
from checker.vocabulary import Vocabulary

#: the kind of each interpreted value, as the column ``kind`` names it
KINDS = {Number: "number", DateValue: "date", Entity: "entity", EntitySet: "set", Text: "text"}

SCHEMA = {
    "row": pl.UInt32,  # the claim's index in ClaimsTable.claims
    "subject": pl.String,
    "metric": pl.String,
    "time_nature": pl.String,  # the metric's: stock, flow or fixed
    "source": pl.String,
    "claim": pl.String,
    "origin": pl.String,
    "derived": pl.Boolean,  # a derived or implied value: no sentence states it outright
    "published_start": pl.Date,  # the source's date, or the estimate of an undated source (null: unknown)
    "published_end": pl.Date,
    "dated": pl.Boolean,  # the source gives its date (not an estimate)
    "time_start": pl.Date,  # when the claim holds (null: not known)
    "time_end": pl.Date,
    "time_precision": pl.String,
    "time_basis": pl.String,  # stated, published, estimated or unknown
    "scope": pl.String,  # "dim=value,..." in the metric's order, "" without scope
    "kind": pl.String,  # number, date, entity, set or text
    "lo": pl.Float64,  # a number's interval in the metric's base unit, a date's as day numbers; else null
    "lo_open": pl.Boolean,
    "hi": pl.Float64,
    "hi_open": pl.Boolean,
    "value_key": pl.String,  # equal keys: equal values
    "value_text": pl.String,  # the value as reports show it
}


def scope_text(scope: tuple[tuple[str, str], ...]) -> str:
    """A claim's scope as the column holds it."""
    return ",".join(f"{dim}={value}" for dim, value in scope)


def _ends(value: object) -> tuple[float | None, bool, float | None, bool]:
    if isinstance(value, Number):
        interval = value.interval
        return interval.lo, interval.lo_open, interval.hi, interval.hi_open
    if isinstance(value, DateValue):
        return float(value.span.start.toordinal()), False, float(value.span.end.toordinal()), False
    return None, False, None, False


def _row(row: int, claim: Resolved) -> tuple:
    source, time, value, published = claim.source, claim.time, claim.value, claim.source.date
    return (
        row,
        claim.subject,
        claim.metric_id,
        claim.metric.time.value,
        source.id,
        claim.claim.id,
        claim.origin,
        claim.claim.derived is not None,
        published.start if published is not None else None,
        published.end if published is not None else None,
        source.dated,
        time.start if time is not None else None,
        time.end if time is not None else None,
        time.precision if time is not None else None,
        claim.time_basis,
        scope_text(claim.scope),
        KINDS[type(value)],
        *_ends(value),
        value.key,
        value.text,
    )


def _columns(claims: Sequence[Resolved]) -> dict[str, Sequence]:
    """The columns of the claims: their rows made one by one, then turned into columns in one step."""
    if not claims:
        return {name: [] for name in SCHEMA}
    return dict(zip(SCHEMA, zip(*map(_row, range(len(claims)), claims), strict=True), strict=True))


@dataclass(frozen=True)
class ClaimsTable:
    """The claims of a shard (stated and implied), and the table of their columns (see :data:`SCHEMA`)."""

    claims: tuple[Resolved, ...]
    frame: pl.DataFrame
    vocabulary: Vocabulary

    @classmethod
    def of(cls, claims: Sequence[Resolved], vocabulary: Vocabulary) -> ClaimsTable:
        """The table of ``claims``, in their order."""
        frame = pl.DataFrame(_columns(claims), schema=SCHEMA)
        return cls(tuple(claims), frame, vocabulary)

    def at(self, rows: Sequence[int]) -> list[Resolved]:
        """The claims of some rows."""
        claims = self.claims
        return [claims[row] for row in rows]

    def groups(self, frame: pl.DataFrame) -> Iterator[tuple[str, str, tuple[Resolved, ...]]]:
        """The claims of each (subject, metric) of ``frame`` (rows of this table, with those three columns), each
        group in (source, claim) order as a check over one group expects them."""
        rows: dict[tuple[str, str], list[int]] = {}
        for subject, metric, row in frame.select("subject", "metric", "row").iter_rows():
            rows.setdefault((subject, metric), []).append(row)
        for (subject, metric), members in sorted(rows.items()):
            yield subject, metric, tuple(sorted(self.at(members), key=lambda c: c.key))
