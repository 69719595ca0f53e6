"""`claimcheck resolve`: the best supported value of every item, from a table of claims.

An item is a subject's metric at one time (the span a claim refers to). Each
source's claim about it is an observation; the publisher is the source whose
accuracy and copying are estimated (several snapshots of one site are one
source). Numbers of a metric that declares ``within`` are equal within it.
For each stock metric, the timeline's most recent well-supported value says
which figure is best supported now.

The claims come as columns (see :data:`COLUMNS`): from the rows of a run of
the engine, or straight from imported tables, each distinct metric, subject,
day and value resolved once as the engine resolves them; either way they go
to :func:`checker.fusion.discovery.resolve_columns` without an object per claim.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np
import polars as pl

from checker.authoring.tabular import Imported
from checker.corpus.claims import ClaimRow, SourceInfo
from checker.corpus.resolver import Resolver, claim_scope, claim_time, subject_of
from checker.corpus.timeline import Timeline
from checker.corpus.values import Number, ValueProblem
from checker.engine import no_cycle_collection
from checker.formats.jsontext import pretty
from checker.formats.models import Claim, Source
from checker.fusion.discovery import Columns, Resolution, resolve_columns
from checker.model.plural import counted
from checker.model.timespec import TimeError, parse_time
from checker.vocabulary.rules import Vocabulary

#: the claims resolve reads, one row each: the source and claim ids (their order is the order of the
#: observations), the subject, metric, time ("start/end") and scope (JSON of its pairs) that make the item, the
#: publisher, the value (a number's stated value in ``number``, any other's key in ``key``) and its text
COLUMNS = {
    "source": pl.String,
    "claim": pl.String,
    "subject": pl.String,
    "metric": pl.String,
    "time": pl.String,
    "scope": pl.String,
    "publisher": pl.String,
    "number": pl.Float64,
    "key": pl.String,
    "text": pl.String,
}


@dataclass
class Resolved:
    """What resolve found, ready to report."""

    resolution: Resolution
    labels: dict[tuple, str]
    now: list[dict[str, Any]]


def claims_of_rows(rows: Sequence[ClaimRow]) -> pl.DataFrame:
    """The claims of a run of the engine (its rows) as the table resolve reads."""
    number = [r.value + 0.0 if isinstance(r.value, float) else None for r in rows]  # -0.0 is 0.0, as to a set
    return pl.DataFrame(
        {
            "source": [r.source for r in rows],
            "claim": [r.claim for r in rows],
            "subject": [r.subject for r in rows],
            "metric": [r.metric for r in rows],
            "time": [r.time for r in rows],
            "scope": [json.dumps(r.scope) for r in rows],
            "publisher": [r.publisher for r in rows],
            "number": number,
            "key": [None if n is not None else str(r.value) for r, n in zip(rows, number, strict=True)],
            "text": [r.text for r in rows],
        },
        schema=COLUMNS,
    )


def read_as_written(imported: Sequence[Imported]) -> bool:
    """Whether :func:`claims_of_tables` takes these tables as they are: every document one the claim format takes as
    written, and no two sharing an id."""
    ids = [source for table in imported for source in table.sources]
    return all(table.plain for table in imported) and len(set(ids)) == len(ids)


def claims_of_tables(imported: Sequence[Imported], vocabulary: Vocabulary) -> Optional[pl.DataFrame]:
    """The claims of tables imported with one mapping as the table resolve reads, resolved as the engine resolves
    the documents the import writes (claims it would refuse left out), without reading those documents: each
    distinct metric, subject, day and value is resolved once. None when a document is not one the claim format
    takes as written (see :attr:`Imported.plain`), or two share an id: the engine must read them then, and say
    what is wrong.
    """
    if not read_as_written(imported):
        return None
    key = imported[0].key if imported else "period"
    claims = pl.concat([table.claims for table in imported]) if imported else _empty_written()
    resolver = Resolver(vocabulary)
    metrics = []
    for name in claims["metric"].unique().to_list():
        metric_id = vocabulary.metric_id(name)
        if metric_id is not None:
            metrics.append((name, metric_id))
    # each metric's id as a column beside its name (not a join: that would copy every column), its unknown left out
    claims = claims.with_columns(
        pl.col("metric").replace_strict(dict(metrics), default=None, return_dtype=pl.String).alias("metric_id")
    )
    if claims["metric_id"].null_count():
        claims = claims.filter(pl.col("metric_id").is_not_null())
    known = {name: (metric_id, vocabulary.metrics[metric_id]) for name, metric_id in metrics}
    # each distinct metric and subject, day or value, read once: in the order the claims first give them
    named = [
        (name, s, subject_of(s, known[name][1], vocabulary))
        for name, s in claims.select("metric", "subject").unique(maintain_order=True).iter_rows()
    ]
    timed = [
        (name, d, *_time_and_scope(key, d, known[name][1]))
        for name, d in claims.select("metric", "day").unique(maintain_order=True).iter_rows()
    ]
    read = [
        (name, v, *_value(v, *known[name], resolver))
        for name, v in claims.select("metric", "value").unique(maintain_order=True).iter_rows()
    ]
    subjects = pl.DataFrame(
        named, schema={"metric": pl.String, "subject": pl.String, "entity": pl.String}, orient="row"
    )
    times = pl.DataFrame(
        timed, schema={"metric": pl.String, "day": pl.Date, "time": pl.String, "scope": pl.String}, orient="row"
    )
    values = pl.DataFrame(
        read,
        schema={"metric": pl.String, "value": pl.String, "number": pl.Float64, "key": pl.String, "text": pl.String},
        orient="row",
    )
    # each join drops the column it replaces, so that no step copies what the table resolve reads does not need
    claims = claims.select("source", "claim", "publisher", "metric", "metric_id", "subject", "day", "value")
    claims = claims.join(subjects, on=["metric", "subject"], how="left", maintain_order="left").drop("subject")
    claims = claims.join(times, on=["metric", "day"], how="left", maintain_order="left").drop("day")
    claims = claims.join(values, on=["metric", "value"], how="left", maintain_order="left").drop("value", "metric")
    claims = claims.filter(pl.col("entity").is_not_null() & pl.col("time").is_not_null() & pl.col("text").is_not_null())
    return claims.select(
        "source",
        "claim",
        pl.col("entity").alias("subject"),
        pl.col("metric_id").alias("metric"),
        "time",
        "scope",
        "publisher",
        "number",
        "key",
        "text",
    ).sort("source", "claim")


def _empty_written() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "source": pl.String,
            "claim": pl.String,
            "publisher": pl.String,
            "subject": pl.String,
            "metric": pl.String,
            "day": pl.Date,
            "value": pl.String,
        }
    )


def _time_and_scope(key: str, day: date, metric: Any) -> tuple[Optional[str], Optional[str]]:
    """The time ("start/end") and scope (as JSON) of an imported claim of ``metric`` on ``day``, where ``key`` is
    the document's time key (as_of or period); (None, None) when the engine refuses the claim."""
    written = day.isoformat()
    claim = Claim.model_construct(as_of=written) if key == "as_of" else Claim.model_construct(period=written)
    published = parse_time(written)
    source = SourceInfo(Source.model_construct(published=written), "", Path(), published, True)
    try:
        time, _ = claim_time(claim, metric, source)
        scope = claim_scope(claim, metric)
    except (ValueProblem, TimeError):
        return None, None
    return (f"{time.start}/{time.end}" if time else "-"), json.dumps(scope)


def _value(
    written: str, metric_id: str, metric: Any, resolver: Resolver
) -> tuple[Optional[float], Optional[str], Optional[str]]:
    """An imported value (as JSON) read as the engine reads it: (number, key, text); all None when refused."""
    try:
        value = resolver.value(Claim.model_construct(value=json.loads(written)), metric_id, metric)
    except ValueProblem:
        return None, None, None
    if isinstance(value, Number):
        return value.stated + 0.0, None, value.text  # + 0.0: -0.0 is 0.0, one value as it is to a set
    return None, value.key, value.text


def run_resolve(claims: pl.DataFrame, vocabulary: Vocabulary, timelines: Sequence[Timeline] = ()) -> Resolved:
    """Resolve every item of a table of claims (see :data:`COLUMNS`), and the most recent well-supported value of
    each stock metric (from the timelines of a run)."""
    claims = _in_order(claims)
    with no_cycle_collection():
        item_codes, items = _codes(claims, ["subject", "metric", "time", "scope"])
        source_codes, sources = _codes(claims, ["publisher"])
        value_codes, values = _codes(claims, ["number", "key"])
        scopes = {text: tuple(tuple(pair) for pair in json.loads(text)) for text in {item[3] for item in items}}
        keys = [(subject, metric, time, scopes[scope]) for subject, metric, time, scope in items]
        within = {name: float(m.within) if m.within else 0.0 for name, m in vocabulary.metrics.items()}
        columns = Columns(
            keys,
            [name for (name,) in sources],
            [number if number is not None else key for number, key in values],
            item_codes,
            source_codes,
            value_codes,
            np.array([within.get(item[1], 0.0) for item in items], dtype=float),
            [item[1] for item in items],
        )
        resolution = resolve_columns(columns)
        named = pl.DataFrame({"item": item_codes, "value": value_codes, "text": claims["text"]})
        last = named.group_by("item", "value").agg(pl.col("text").last())
        labels = {
            (columns.items[item], columns.values[value]): text
            for item, value, text in last.iter_rows()  # the last claim's text, in (source, claim) order
        }
    now = [
        {
            "subject": t.subject,
            "metric": t.metric,
            "value": t.latest.value,
            "time": t.latest.time,
            "sources": list(t.latest.sources),
            "origins": list(t.latest.origins),
        }  # fmt: skip
        for t in timelines
        if t.latest is not None and len({(e.start, e.end) for e in t.entries}) > 1  # values at several times
    ]
    return Resolved(resolution, labels, now)


def to_json(resolved: Resolved) -> str:
    """The resolution as JSON: items, sources' accuracy, copying groups, and the values best supported now."""
    items = []
    for item in resolved.resolution.items:
        key: tuple = item.item  # type: ignore[assignment]
        subject, metric, when, scope = key
        items.append(
            {
                "subject": subject,
                "metric": metric,
                "time": when,
                "scope": dict(scope),
                "value": resolved.labels.get((item.item, item.value), str(item.value)),
                "confidence": round(item.confidence, 4),
                "supporting": item.supporting,
                "opposing": item.opposing,
            }
        )
    document = {
        "items": items,
        "sources": {name: round(value, 4) for name, value in sorted(resolved.resolution.accuracy.items())},
        "copying": [{"sources": [a, b], "probability": round(p, 4)} for a, b, p in resolved.resolution.copying],
        "groups": resolved.resolution.groups,
        "best_supported_now": resolved.now,
        "rounds": resolved.resolution.rounds,
    }
    return pretty(document)


def to_text(resolved: Resolved, limit: int = 50) -> str:
    """The resolution for a terminal: contested items first, then sources and copying groups."""
    from tabulate import tabulate

    contested = sorted((i for i in resolved.resolution.items if i.opposing), key=lambda i: (i.confidence, repr(i.item)))

    def key(entry) -> tuple:  # noqa: ANN001
        return entry.item  # type: ignore[no-any-return]

    rows = [
        [
            f"{key(i)[0]} · {key(i)[1]}",
            key(i)[2],
            resolved.labels.get((i.item, i.value), str(i.value)),
            f"{i.confidence:.2f}",
            len(i.supporting),
            len(i.opposing),
        ]  # fmt: skip
        for i in contested[:limit]
    ]
    items = counted(len(resolved.resolution.items), "item")
    out = [f"{items}, {len(contested)} contested; the least certain first:", ""]
    out.append(
        tabulate(
            rows, headers=["item", "time", "best supported", "confidence", "for", "against"], disable_numparse=True
        )
    )
    if len(contested) > limit:
        out.append(f"… and {len(contested) - limit} more contested items (--format json lists them all)")
    out += ["", "Sources by estimated accuracy:"]
    ranked = sorted(resolved.resolution.accuracy.items(), key=lambda kv: (-kv[1], kv[0]))
    out.append(tabulate([[name, f"{value:.3f}"] for name, value in ranked], headers=["source", "accuracy"]))
    if resolved.resolution.groups:
        out += ["", "Sources that appear to copy one another (their votes are discounted):"]
        out += [f"  {', '.join(group)}" for group in resolved.resolution.groups]
    if resolved.now:
        out += ["", "Best supported now (the latest well-supported value of each timeline):"]
        out += [
            f"  {n['subject']} · {n['metric']}: {n['value']} ({n['time']}; {', '.join(n['sources'])})"
            for n in resolved.now[:limit]
        ]
        if len(resolved.now) > limit:
            out.append(f"  … and {len(resolved.now) - limit} more (--format json lists them all)")
    return "\n".join(out) + "\n"


def _codes(frame: pl.DataFrame, names: list[str]) -> tuple[np.ndarray, list[tuple]]:
    """For each row, the number of its distinct combination of the columns; and the combinations, in that order."""
    codes = frame.select(pl.struct(names).rank("dense").cast(pl.Int64) - 1).to_series()
    firsts = codes.arg_unique()
    distinct = frame.select(names)[firsts].with_columns(codes.gather(firsts).alias("code")).sort("code")
    return codes.to_numpy(), distinct.drop("code").rows()


def _in_order(claims: pl.DataFrame) -> pl.DataFrame:
    """The claims in (source, claim) order: the order the observations' sums are made in."""
    source, claim = pl.col("source"), pl.col("claim")
    after = (source > source.shift()) | ((source == source.shift()) & (claim > claim.shift()))
    return claims if claims.select(after.fill_null(True).all()).item() else claims.sort("source", "claim")
