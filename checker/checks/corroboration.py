"""corroboration: a value confirmed by more than one source, counted once per origin.

What it flags
    Claims about the same subject and metric, in the same scope and at the
    same time (or over the same period), whose values agree and that come
    from at least two sources. It is information, not a problem: it tells
    the reader how well a figure is supported. A stock's time told at two
    precisions is one time: "as of 2025-12" holding only "as of 2025-12-31"
    of the other claims agrees with it, while "as of 2025" holding both 30
    June and 31 December refers to neither. A bound that covers only part of
    an approximate figure there ("more than 2.5" beside "about 2.5")
    confirms nothing: value-conflict reports the two as undetermined.

Why
    Agreement is only evidence when the sources are independent. A figure
    repeated by several outlets from one press conference is one
    confirmation: the note names the shared origin.

Passing example (no finding)
    One source alone states "42 partnership frameworks".

Example that yields a finding
    VNA and an interview both quote the foreign minister: "42" -> corroboration
    by 2 sources from 1 origin, noted as not independent.
"""

from __future__ import annotations

import bisect
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

from checker.checks.base import Group, NoOptions
from checker.checks.value_conflict import Position, clusters, partial_pairs, positions, sweep_groups
from checker.corpus.claims import Resolved
from checker.model.findings import CORROBORATION, Problem

if TYPE_CHECKING:
    import polars as pl

    from checker.checks.base import Table
from checker.corpus.values import APPROXIMATE, BOUNDS, confirm

ID = "corroboration"
PARTITION = "group"
SEVERITY = {CORROBORATION: "info"}
Options = NoOptions


def finest_within(spans: Iterable[tuple[date, date]]) -> dict[tuple[date, date], tuple[date, date]]:
    """For each span, the one finest span within it, when there is exactly one; else the span itself.

    A finest span holds no other. "2025-12" holding only "2025-12-31" is the
    same instant told less precisely, so the two refer to one time; "2025"
    holding both "2025-06-30" and "2025-12-31" refers to neither. Finest spans
    never hold each other, so taken by start their ends rise too: those
    within a span are found by two searches.
    """
    distinct = sorted(set(spans), key=lambda span: (span[0], -span[1].toordinal()))
    # taken by start, and the longest first among equal starts, every span after one that starts with it or
    # later; a span holds another exactly when some later one ends no later than it does
    finest: list[tuple[date, date]] = []
    least_end: Optional[date] = None
    for span in reversed(distinct):
        if least_end is None or least_end > span[1]:
            finest.append(span)
        least_end = span[1] if least_end is None else min(least_end, span[1])
    finest.reverse()
    starts, ends = [span[0] for span in finest], [span[1] for span in finest]
    out = {}
    for span in distinct:
        first, last = bisect.bisect_left(starts, span[0]), bisect.bisect_right(ends, span[1])
        out[span] = finest[first] if last - first == 1 else span
    return out


def _references(found: list[Position]) -> list[Optional[tuple]]:
    """What each position refers to: its scope and time span, a stock's span as the one finest span of its scope
    within it (see :func:`finest_within`). Positions agree only with positions of the same reference; an undated
    position of a metric that changes over time refers to nothing it could share."""
    spans: dict[tuple, list[tuple[date, date]]] = {}
    for position in found:
        if position.time is not None and position.first.metric.time.value == "stock":
            spans.setdefault(position.first.scope, []).append((position.time.start, position.time.end))
    anchors = {scope: finest_within(found_spans) for scope, found_spans in spans.items()}
    out: list[Optional[tuple]] = []
    for position in found:
        claim = position.first
        if position.time is None:
            out.append((claim.scope, None) if claim.metric.time.value == "fixed" else None)
            continue
        span = (position.time.start, position.time.end)
        out.append((claim.scope, *anchors[claim.scope][span]) if claim.scope in anchors else (claim.scope, *span))
    return out


def agreeing_sets(found: list[Position]) -> list[list[Position]]:
    """Groups of positions whose values all agree, that refer to the same time and scope.

    Only positions of one reference are compared, so that a group of thousands
    of positions over many dates costs little more than its largest date.
    """
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index = {id(position): i for i, position in enumerate(found)}
    alike: dict[tuple, list[int]] = {}
    for i, reference in enumerate(_references(found)):
        if reference is not None:
            alike.setdefault(reference, []).append(i)
    for members in alike.values():
        # a bound that covers only part of an approximate figure there is undetermined with it (see
        # value_conflict.partial_bounds), so it corroborates nothing
        left_out = {id(bound) for bound, _ in partial_pairs([found[i] for i in members])}
        members = [i for i in members if id(found[i]) not in left_out]
        # the groups whose values all agree, as value-conflict finds them (agreement is not passed along)
        for group in clusters([found[i] for i in members], confirm):
            for position in group[1:]:
                parent[root(index[id(position)])] = root(index[id(group[0])])
    groups: dict[int, list[Position]] = {}
    for i, position in enumerate(found):
        groups.setdefault(root(i), []).append(position)
    return list(groups.values())


def _finding(
    claims: list[Resolved], sources: list[str], origins: list[str], values: list[str], when: str, keys: list[str]
) -> Problem:
    """The finding of one set of agreeing positions: their claims (in order), sources, origins and values (each
    distinct and sorted), when they hold, and the keys of the positions."""
    message = f"{' / '.join(values)}{' ' + when if when else ''} stated by {len(sources)} sources from {len(origins)} origin{'s' * (len(origins) > 1)}"
    if len(origins) == 1:
        note = (
            f"{'both' if len(sources) == 2 else 'all'} sources ({', '.join(sources)}) relay one origin, {origins[0]}: "
            "one confirmation, not independent"
        )
    elif len(origins) < len(sources):
        note = f"{len(origins)} independent origins ({', '.join(origins)}) across {len(sources)} sources"
    else:
        note = f"confirmed independently by {len(origins)} origins ({', '.join(origins)})"
    return Problem(
        verdict=CORROBORATION,
        message=message.replace("  ", " "),
        key=tuple(keys),
        note=note,
        claims=tuple(c.ref for c in claims),
    )


def check(group: Group, options: NoOptions) -> Iterator[Problem]:
    """Report each value stated by two or more sources."""
    stated = tuple(c for c in group.claims if c.claim.derived is None)  # an implied value is no statement
    for members in agreeing_sets(positions(stated)):
        claims = sorted((c for p in members for c in p.claims), key=lambda c: c.key)
        sources = sorted({c.source.id for c in claims})
        if len(sources) < 2:
            continue
        origins = sorted({c.origin for c in claims})
        values = sorted({c.value.text for c in claims})
        # two positions differ by where their time came from (stated, or the date of publication), not by key
        keys = sorted({p.key() for p in members})
        finest = min(members, key=lambda p: p.time.days() if p.time else 0)  # the time told most precisely
        yield _finding(claims, sources, origins, values, finest.first.time_text(), keys)


def _sets(frame: pl.DataFrame, fixed: pl.Expr) -> pl.DataFrame:
    """The positions of the stated claims (one row each, in the order :func:`positions` gives them) with the set
    of agreeing positions each belongs to, for every (subject, metric) at once; ``settled`` is false for the
    positions of a reference whose values are not all numbers or dates, which are compared pair by pair."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    time_text = pl.when(pl.col("time_start").is_null()).then(pl.lit("-"))
    time_text = time_text.otherwise(pl.col("time_start").cast(pl.String) + "/" + pl.col("time_end").cast(pl.String))
    found = (
        frame.filter(~pl.col("derived"))
        .sort("source", "claim")
        .group_by(
            "subject", "metric", "value_key", "time_start", "time_end", "time_basis", "scope", maintain_order=True
        )
        .agg(
            pl.col("row"),
            pl.col("time_nature").first(),
            pl.col("kind").first(),
            pl.col("lo", "lo_open", "hi", "hi_open", "precision").first(),
            pl.col("source", "claim").first().name.prefix("first_"),
        )
        .with_columns(
            key=pl.col("value_key") + "@" + time_text + "[" + pl.col("scope") + "]",
            days=((pl.col("time_end") - pl.col("time_start")).dt.total_days() + 1).fill_null(0),
        )
        .sort("subject", "metric", pl.col("time_start").fill_null(date.min), "key", "first_source", "first_claim")
        .with_columns(order=pl.int_range(pl.len()))
    )
    found = _with_references(found)
    referenced = pl.col("time_start").is_not_null() | fixed
    reference = ["subject", "metric", "scope", "ref_start", "ref_end"]
    numeric = pl.col("kind").is_in(["number", "date"]).all().over(reference)
    found = found.with_columns(referenced=referenced, settled=~referenced | numeric)
    left_out = _partial_bound_orders(found.filter(pl.col("referenced")), reference)
    swept = found.filter(pl.col("referenced") & pl.col("settled") & ~pl.col("order").is_in(left_out))
    swept = swept.sort(*reference, "lo", "lo_open", "order")
    closed_hi = pl.when(~pl.col("hi_open")).then(pl.col("hi")).otherwise(float("-inf"))
    # how high the positions before reach (lowest lower end first), and whether that highest end is closed
    swept = swept.with_columns(
        reach=pl.col("hi").cum_max().shift(1).over(reference),
        reach_closed=closed_hi.cum_max().shift(1).over(reference),
    )
    reach = pl.col("reach")
    meets = (pl.col("lo") < reach) | ((pl.col("lo") == reach) & ~pl.col("lo_open") & (pl.col("reach_closed") == reach))
    swept = swept.with_columns(run=(~meets.fill_null(False)).cast(pl.UInt32).cum_sum().over(reference))
    swept = swept.with_columns(set=pl.col("order").min().over(*reference, "run"))
    swept = _split_chains(swept, [*reference, "run"]).select("order", "set")
    found = found.join(swept, on="order", how="left")
    return found.with_columns(pl.col("set").fill_null(pl.col("order")))


def _split_chains(swept: pl.DataFrame, run: list[str]) -> pl.DataFrame:
    """The runs of intervals that meet (``set``, sorted lowest lower end first) cut into groups that share a point,
    as :func:`checker.checks.value_conflict.sweep_groups` cuts them: only a run with no point common to all (a chain, where 4,600 meets "about
    5,000" and that meets 5,400) is cut, in Python; the others are groups already."""
    import polars as pl  # noqa: PLC0415 - see _sets

    lo, hi = pl.col("lo").max().over(run), pl.col("hi").min().over(run)
    open_at = ((pl.col("lo") == lo) & pl.col("lo_open")).any().over(run) | (
        (pl.col("hi") == hi) & pl.col("hi_open")
    ).any().over(run)
    chained = swept.with_columns(chain=(lo > hi) | ((lo == hi) & open_at))
    chains = chained.filter(pl.col("chain"))
    if chains.is_empty():
        return swept
    cut: dict[int, int] = {}  # order -> the set it belongs to
    for members in chains.partition_by("set", maintain_order=True):
        orders = members["order"].to_list()
        bounds = list(members.select("lo", "lo_open", "hi", "hi_open").iter_rows())
        for group in sweep_groups(bounds):
            first = min(orders[k] for k in group)
            cut.update((orders[k], first) for k in group)
    return swept.with_columns(
        pl.col("order").replace_strict(cut, default=pl.col("set"), return_dtype=swept.schema["set"]).alias("set")
    )


def _with_references(found: pl.DataFrame) -> pl.DataFrame:
    """The positions with the span each refers to (``ref_start``, ``ref_end``): a stock's the one finest span of its
    subject, metric and scope within it, as :func:`_references` gives it; any other's its own."""
    import polars as pl  # noqa: PLC0415 - see _sets

    where = ["subject", "metric", "scope"]
    spans = (
        found.filter((pl.col("time_nature") == "stock") & pl.col("time_start").is_not_null())
        .select(*where, "time_start", "time_end")
        .unique()
    )
    rows = []
    # one pass over the spans as Python rows, grouped as they are sorted: a frame per group would be thousands of
    # small selections, one per stock of every subject
    for reference, members in groupby(spans.sort(*where).rows(), key=itemgetter(0, 1, 2)):
        anchors = finest_within((member[3], member[4]) for member in members)
        rows.extend((*reference, *span, *anchor) for span, anchor in anchors.items())
    schema = {name: found.schema[name] for name in (*where, "time_start", "time_end")}
    schema.update(ref_start=pl.Date, ref_end=pl.Date)
    anchors_frame = pl.DataFrame(rows, schema=schema, orient="row")
    found = found.join(anchors_frame, on=[*where, "time_start", "time_end"], how="left", maintain_order="left")
    return found.with_columns(
        ref_start=pl.col("ref_start").fill_null(pl.col("time_start")),
        ref_end=pl.col("ref_end").fill_null(pl.col("time_end")),
    )


def _partial_bound_orders(found: pl.DataFrame, reference: list[str]) -> list[int]:
    """The positions (their ``order``) of bounds that cover only part of an approximate figure of their reference,
    as :func:`checker.checks.value_conflict.partial_pairs` finds them."""
    import polars as pl  # noqa: PLC0415 - see _sets

    bounds = found.filter(pl.col("precision").is_in([p.value for p in BOUNDS]))
    approximate = found.filter(pl.col("precision").is_in([p.value for p in APPROXIMATE]))
    pairs = bounds.join(approximate, on=reference, suffix="_a", nulls_equal=True)
    lo, hi, lo_open, hi_open = pl.col("lo"), pl.col("hi"), pl.col("lo_open"), pl.col("hi_open")
    a_lo, a_hi, a_lo_open, a_hi_open = pl.col("lo_a"), pl.col("hi_a"), pl.col("lo_open_a"), pl.col("hi_open_a")
    meets = ~(
        (lo > a_hi) | (a_lo > hi) | ((lo == a_hi) & (lo_open | a_hi_open)) | ((a_lo == hi) & (a_lo_open | hi_open))
    )
    holds = ((lo < a_lo) | ((lo == a_lo) & (a_lo_open | ~lo_open))) & (
        (a_hi < hi) | ((a_hi == hi) & (a_hi_open | ~hi_open))
    )
    numbers = (pl.col("kind") == "number") & (pl.col("kind_a") == "number")
    return pairs.filter(numbers & meets & ~holds)["order"].unique().to_list()


def check_table(table: Table, options: NoOptions) -> Iterator[tuple[str, str, Problem]]:
    """Report each value stated by two or more sources, for every subject and metric of a table at once."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    frame = table.frame
    fixed = pl.col("time_nature") == "fixed"
    found = _sets(frame, fixed)
    settled = found.filter(pl.col("settled"))
    by_set = (
        settled.explode("row")
        .join(frame.select("row", "source", "claim", "origin", "value_text"), on="row")
        .group_by("set")
        .agg(
            pl.col("subject", "metric").first(),
            pl.col("row").unique(),
            pl.col("source").unique().sort(),
            pl.col("origin").unique().sort(),
            pl.col("value_text").unique().sort(),
            pl.col("key").unique().sort(),
            # the claim whose time is told most precisely, as check() takes it
            pl.col("row").sort_by("days", "order", "source", "claim").first().alias("first"),
        )
        .filter(pl.col("source").list.len() >= 2)
        .sort("set")
    )
    columns = by_set.to_dict(as_series=False)
    for subject, metric, rows, sources, origins, values, keys, first in zip(
        *(columns[name] for name in ("subject", "metric", "row", "source", "origin", "value_text", "key", "first")),
        strict=True,
    ):
        claims = sorted(table.at(rows), key=lambda c: c.key)
        yield subject, metric, _finding(claims, sources, origins, values, table.claims[first].time_text(), keys)
    # a reference whose values are not all numbers or dates: pair by pair, as check() does
    unsettled: dict[tuple[str, str], list[int]] = {}
    for subject, metric, rows in found.filter(~pl.col("settled")).select("subject", "metric", "row").iter_rows():
        unsettled.setdefault((subject, metric), []).extend(rows)
    for (subject, metric), rows in unsettled.items():
        stated = tuple(sorted(table.at(rows), key=lambda c: c.key))
        group = Group(subject, metric, table.vocabulary.metrics[metric], stated, table.vocabulary)
        for problem in check(group, options):
            yield subject, metric, problem
