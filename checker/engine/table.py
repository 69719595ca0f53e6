"""The claims of a shard as one table: typed columns that checks group, sort and join in bulk.

A check that works on the table (a module with ``check_table``) sees every
subject and metric of its shard at once and decides with vectorised
operations which claims a finding is about; words are then written for those
findings alone, from the claims the table points back to (column ``row``).

Polars runs its work on a pool of threads, which a forked process does not
inherit: a process forked after Polars was loaded would wait forever on the
first table. Polars is therefore loaded only where a table is made, and
workers are forked only from a process that has not loaded it (see
:func:`checker.engine.running.run`); a table asked for where it cannot be
made is an error, never a wait without end.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Iterator, Optional, Sequence

from checker.corpus.claims import Resolved, SourceInfo
from checker.corpus.values import DateValue, Entity, EntitySet, Interpreted, Number, Text
from checker.formats.models import Range
from checker.model.timespec import TimeSpan
from checker.vocabulary.rules import Vocabulary

if TYPE_CHECKING:
    import polars as pl

#: the kind of each interpreted value, as the column ``kind`` names it
KINDS = {Number: "number", DateValue: "date", Entity: "entity", EntitySet: "set", Text: "text"}

#: the columns of the table and their Polars types
SCHEMA = {
    "row": "UInt32",  # the claim's index in ClaimsTable.claims
    "subject": "String",
    "metric": "String",
    "time_nature": "String",  # the metric's: stock, flow or fixed
    "source": "String",
    "claim": "String",
    "origin": "String",
    "derived": "Boolean",  # a derived or implied value: no sentence states it outright
    "published_start": "Date",  # the source's date, or the estimate of an undated source (null: unknown)
    "published_end": "Date",
    "dated": "Boolean",  # the source gives its date (not an estimate)
    "time_start": "Date",  # when the claim holds (null: not known)
    "time_end": "Date",
    "time_precision": "String",
    "time_basis": "String",  # stated, published, estimated or unknown
    "since": "Boolean",  # the claim states a change: its value holds from its time on (``since``)
    "scope": "String",  # "dim=value,..." in the metric's order, "" without scope
    "kind": "String",  # number, date, entity, set or text
    "lo": "Float64",  # a number's interval in the metric's base unit, a date's as day numbers; else null
    "lo_open": "Boolean",
    "hi": "Float64",
    "hi_open": "Boolean",
    "value_key": "String",  # equal keys: equal values
    "value_text": "String",  # the value as reports show it
    "quote": "String",  # the claim's quote as written
    "precision": "String",  # the claim's precision word: exact, about, nearly, more-than, ... (range for a range)
    "unit": "String",  # the unit as the claim writes it (null: none)
    "source_kind": "String",  # the kind of the claim's source: news, analysis, dataset, ...
    "quote_found": "Boolean",  # the quote stands in the source's archived text (null: no archive at hand)
    "stated_min": "Float64",  # a number claim's value field, before its unit: the number, or the range's min
    "stated_max": "Float64",  # the number again, or the range's max (null, both: the value is not a number)
}


#: set in a forked process whose parent had loaded Polars
_FORKED_WITH_POLARS = False


def forks_make_tables() -> bool:
    """True when a process forked from this one could make a table: this one has not loaded Polars, whose
    threads a fork would not have."""
    return "polars" not in sys.modules


def _forked() -> None:
    global _FORKED_WITH_POLARS
    _FORKED_WITH_POLARS = _FORKED_WITH_POLARS or not forks_make_tables()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def load_polars() -> ModuleType:
    """Polars, loaded the first time a table is made: with one thread (the engine's parallelism is its worker
    processes) and one arena of memory, so that a worker reserves a few hundred MB of address space, not a GB.
    Settings the user gave in the environment are kept."""
    if _FORKED_WITH_POLARS:
        raise RuntimeError("a table cannot be made in a process forked after Polars was loaded")
    for name, value in WORKER_POLARS.items():
        os.environ.setdefault(name, value)
    import polars  # noqa: PLC0415 - see the module's docstring

    return polars


#: how Polars is set up in a worker: one thread, one arena of memory (see :func:`load_polars`)
WORKER_POLARS = {"POLARS_MAX_THREADS": "1", "_RJEM_MALLOC_CONF": "narenas:1"}


@contextmanager
def worker_environment() -> Iterator[None]:
    """The environment of :data:`WORKER_POLARS` in the block, for worker processes started in it that load
    Polars before a table is made (a program whose main module imports it: each worker imports that module);
    settings the user gave are kept, and the environment is as before after the block."""
    added = [name for name in WORKER_POLARS if name not in os.environ]
    os.environ.update({name: WORKER_POLARS[name] for name in added})
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


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


def _stated(claim: Resolved) -> tuple[float | None, float | None]:
    """The ends of the number or range a number claim's value field states (see checker.checks.quote_value)."""
    stated = claim.claim.value
    if type(stated) is Range:  # only a number's value resolves from a range
        return float(stated.min), float(stated.max)
    if type(claim.value) is Number and type(stated) in (int, float):
        return float(stated), float(stated)
    return None, None


def _value_part(value: Interpreted) -> tuple:
    return (KINDS[type(value)], *_ends(value), value.key, value.text)


def _source_part(source: SourceInfo) -> tuple:
    published = source.date
    return (
        source.id,
        published.start if published is not None else None,
        published.end if published is not None else None,
        source.dated,
        source.model.kind.value,
    )


def _time_part(time: Optional[TimeSpan]) -> tuple:
    return (time.start, time.end, time.precision) if time is not None else (None, None, None)


def _columns(claims: Sequence[Resolved]) -> dict[str, Sequence]:
    """The columns of the claims, their rows made one by one and then turned into columns in one step.

    Claims share their sources, times and values (a resolver reads each
    distinct value once): what a row takes from each is worked out once per
    object, not once per claim.
    """
    if not claims:
        return {name: [] for name in SCHEMA}
    # the parts of each object by its identity: the objects live as long as the claims, so no id is reused meanwhile
    sources: dict[int, tuple] = {}
    times: dict[int, tuple] = {}
    values: dict[int, tuple] = {}
    scopes: dict[tuple, str] = {}
    rows = []
    for row, claim in enumerate(claims):
        source, time, value, written = claim.source, claim.time, claim.value, claim.claim
        source_part = sources.get(id(source))
        if source_part is None:
            source_part = sources[id(source)] = _source_part(source)
        time_part = times.get(id(time))
        if time_part is None:
            time_part = times[id(time)] = _time_part(time)
        value_part = values.get(id(value))
        if value_part is None:
            value_part = values[id(value)] = _value_part(value)
        scope = scopes.get(claim.scope)
        if scope is None:
            scope = scopes[claim.scope] = scope_text(claim.scope)
        match = claim.quote_match
        rows.append(
            (
                row,
                claim.subject,
                claim.metric_id,
                claim.metric.time.value,
                source_part[0],
                written.id,
                claim.origin,
                written.derived is not None,
                *source_part[1:4],
                *time_part,
                claim.time_basis,
                written.since is not None,
                scope,
                *value_part,
                written.quote,
                written.precision.value,
                written.unit,
                source_part[4],
                match.found if match is not None else None,
                *_stated(claim),
            )
        )
    return dict(zip(SCHEMA, zip(*rows, strict=True), strict=True))


@dataclass(frozen=True)
class ClaimsTable:
    """The claims of a shard (stated and implied), and the table of their columns (see :data:`SCHEMA`)."""

    claims: tuple[Resolved, ...]
    frame: pl.DataFrame
    vocabulary: Vocabulary

    @classmethod
    def of(cls, claims: Sequence[Resolved], vocabulary: Vocabulary) -> ClaimsTable:
        """The table of ``claims``, in their order."""
        pl = load_polars()

        frame = pl.DataFrame(_columns(claims), schema={name: getattr(pl, kind) for name, kind in SCHEMA.items()})
        return cls(tuple(claims), frame, vocabulary)

    def at(self, rows: Sequence[int]) -> list[Resolved]:
        """The claims of some rows."""
        claims = self.claims
        return [claims[row] for row in rows]

    def subjects(self, frame: pl.DataFrame) -> Iterator[tuple[str, tuple[Resolved, ...]]]:
        """The claims of each subject of ``frame`` (rows of this table, with those columns), in (metric, source,
        claim) order as a check over one subject expects them."""
        rows: dict[str, list[int]] = {}
        for subject, row in frame.select("subject", "row").iter_rows():
            rows.setdefault(subject, []).append(row)
        for subject, members in sorted(rows.items()):
            yield subject, tuple(sorted(self.at(members), key=lambda c: (c.metric_id, c.key)))

    def groups(self, frame: pl.DataFrame) -> Iterator[tuple[str, str, tuple[Resolved, ...]]]:
        """The claims of each (subject, metric) of ``frame`` (rows of this table, with those three columns), each
        group in (source, claim) order as a check over one group expects them."""
        rows: dict[tuple[str, str], list[int]] = {}
        for subject, metric, row in frame.select("subject", "metric", "row").iter_rows():
            rows.setdefault((subject, metric), []).append(row)
        for (subject, metric), members in sorted(rows.items()):
            yield subject, metric, tuple(sorted(self.at(members), key=lambda c: c.key))
