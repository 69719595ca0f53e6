"""Polars against DuckDB on the kernels a columnar core would run: the measured comparison behind its design.

    pip install polars duckdb pyarrow
    python bench/columnar.py [--claims N] [--tile K] [--format yaml|jsonl]

A benchmark corpus of N claims (bench/generate.py) is read and resolved by
today's engine once; its numeric claims become one table (subject, metric,
scope, source, origin, published, time span, whether the time is certain, the
value as an interval with open ends, the metric's time nature and trend).
The table is tiled K times with the subjects renamed (K·N rows: a bigger
corpus of the same shape) and each engine runs three kernels on it:

- slots: the contradictions of value-conflict, one per subject, metric,
  scope and certain time whose intervals do not all meet. Intervals of one
  line meet two by two exactly when the highest lower end does not pass the
  lowest upper end, so a slot is one group-by with max and min (and, where
  they touch, whether either end is open);
- corroboration: values stated by two or more sources of one slot, with the
  number of distinct sources and origins;
- stale: for a count that may only grow, figures given as current that are
  below a figure an earlier-published source gave (a window over publication
  dates: the running highest lower end of what was published before).

Each kernel's rows are compared between the engines (the same slots, the same
values, the same stale claims) and, for slots and corroboration, with
today's engine's own findings on the corpus (K = 1), so the figures time
equal work. Each engine runs each kernel three times; the best time is kept.
With JSON Lines it first times decoding the corpus: orjson line by line,
and Polars' and Arrow's typed JSON readers (which refuse a column whose type
changes from claim to claim, as ``value`` does). The last line is one JSON
object with every figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import generate  # noqa: E402

from checker.checks import value_conflict  # noqa: E402
from checker.corpus.values import Number  # noqa: E402
from checker.engine import partition, run  # noqa: E402

COLUMNS = ("subject", "metric", "scope", "source", "origin", "published", "start", "end", "certain",
           "lo", "hi", "lo_open", "hi_open", "fixed", "rising", "current", "derived")  # fmt: skip


def claims_table(claims_dir: Path, rules_dir: Path) -> tuple[dict[str, list], Any]:
    """The numeric claims of a corpus as columns, and today's engine's result on it."""
    result = run([claims_dir], rules_dir)
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    for metrics in partition(result.corpus.claims).values():
        for group in metrics.values():
            for claim in group:
                if not isinstance(claim.value, Number):
                    continue
                interval = claim.value.interval
                metric = claim.metric
                certain = claim.source.dated or claim.time_basis == "stated"
                row = {
                    "subject": claim.subject,
                    "metric": claim.metric_id,
                    "scope": ",".join(f"{d}={v}" for d, v in claim.scope),
                    "source": claim.source.id,
                    "origin": claim.origin,
                    "published": claim.source.date.start.toordinal() if claim.source.date else None,
                    "start": claim.time.start.toordinal() if claim.time else None,
                    "end": claim.time.end.toordinal() if claim.time else None,
                    "certain": bool(certain and claim.time is not None),
                    "lo": interval.lo,
                    "hi": interval.hi,
                    "lo_open": interval.lo_open,
                    "hi_open": interval.hi_open,
                    "fixed": metric.time.value == "fixed",
                    "rising": metric.time.value == "stock" and metric.trend.value == "non-decreasing",
                    "current": claim.time_basis == "published",
                    "derived": claim.claim.derived is not None,
                }
                for name in COLUMNS:
                    columns[name].append(row[name])
    return columns, result


def tiled(columns: dict[str, list], times: int) -> dict[str, list]:
    """The table repeated ``times`` times, each copy about subjects of its own."""
    if times == 1:
        return columns
    out = {name: values * times for name, values in columns.items()}
    size = len(columns["subject"])
    out["subject"] = [f"{subject}~{k}" for k in range(times) for subject in columns["subject"]]
    out["source"] = [f"{source}~{k}" for k in range(times) for source in columns["source"]]
    assert all(len(values) == size * times for values in out.values())
    return out


# ------------------------------------------------------------------ Polars


def polars_kernels(table: Any) -> dict[str, Callable[[], Any]]:
    import polars as pl

    frame = pl.from_arrow(table).lazy()
    slot = ["subject", "metric", "scope", "start", "end"]
    in_slot = frame.filter(pl.col("certain") | pl.col("fixed")).with_columns(
        pl.when(pl.col("fixed")).then(None).otherwise(pl.col("start")).alias("start"),
        pl.when(pl.col("fixed")).then(None).otherwise(pl.col("end")).alias("end"),
    )

    def slots() -> Any:
        bounds = in_slot.group_by(slot).agg(
            pl.col("lo").max().alias("top_lo"),
            pl.col("hi").min().alias("bottom_hi"),
            pl.len().alias("values"),
        )
        touching = (
            in_slot.join(bounds, on=slot, nulls_equal=True)
            .group_by(slot)
            .agg(
                ((pl.col("lo") == pl.col("top_lo")) & pl.col("lo_open")).any().alias("lo_open"),
                ((pl.col("hi") == pl.col("bottom_hi")) & pl.col("hi_open")).any().alias("hi_open"),
            )
        )
        joined = bounds.join(touching, on=slot, nulls_equal=True)
        return (
            joined.filter(
                (pl.col("top_lo") > pl.col("bottom_hi"))
                | ((pl.col("top_lo") == pl.col("bottom_hi")) & (pl.col("lo_open") | pl.col("hi_open")))
            )
            .select(slot + ["values"])
            .sort(slot, nulls_last=True)
            .collect()
        )

    def corroboration() -> Any:
        return (
            in_slot.filter(~pl.col("derived"))
            .group_by(slot + ["lo", "hi"])
            .agg(pl.col("source").n_unique().alias("sources"), pl.col("origin").n_unique().alias("origins"))
            .filter(pl.col("sources") >= 2)
            .sort(slot + ["lo", "hi"], nulls_last=True)
            .collect()
        )

    def stale() -> Any:
        line = ["subject", "metric", "scope"]
        rising = frame.filter(pl.col("rising") & pl.col("start").is_not_null() & pl.col("published").is_not_null())
        # the highest lower end of every figure published strictly before each day
        by_day = (
            rising.group_by(line + ["published"])
            .agg(pl.col("lo").max().alias("day_lo"))
            .sort(line + ["published"])
            .with_columns(pl.col("day_lo").cum_max().shift(1).over(line).alias("before_lo"))
        )
        current = rising.filter(pl.col("current")).join(by_day, on=line + ["published"])
        return (
            current.filter(pl.col("hi") < pl.col("before_lo"))
            .select(line + ["source", "lo"])
            .sort(line + ["source", "lo"])
            .collect()
        )

    return {"slots": slots, "corroboration": corroboration, "stale": stale}


# ------------------------------------------------------------------ DuckDB

_IN_SLOT = """
    SELECT subject, metric, scope, source, origin, lo, hi, lo_open, hi_open, derived,
           CASE WHEN fixed THEN NULL ELSE start END AS start, CASE WHEN fixed THEN NULL ELSE "end" END AS "end"
    FROM claims WHERE certain OR fixed
"""
_SLOT = 'subject, metric, scope, start, "end"'


def duckdb_kernels(table: Any) -> dict[str, Callable[[], Any]]:
    import duckdb

    connection = duckdb.connect()
    connection.register("claims", table)
    connection.execute(f"CREATE OR REPLACE VIEW in_slot AS {_IN_SLOT}")

    def slots() -> Any:
        return connection.sql(f"""
            WITH bounds AS (
                SELECT {_SLOT}, max(lo) AS top_lo, min(hi) AS bottom_hi, count(*) AS "values"
                FROM in_slot GROUP BY ALL
            ), touching AS (
                SELECT b.subject, b.metric, b.scope, b.start, b."end",
                       bool_or(s.lo = b.top_lo AND s.lo_open) AS lo_open,
                       bool_or(s.hi = b.bottom_hi AND s.hi_open) AS hi_open
                FROM in_slot s JOIN bounds b
                  ON s.subject = b.subject AND s.metric = b.metric AND s.scope = b.scope
                 AND s.start IS NOT DISTINCT FROM b.start AND s."end" IS NOT DISTINCT FROM b."end"
                GROUP BY ALL
            )
            SELECT b.subject, b.metric, b.scope, b.start, b."end", b."values"
            FROM bounds b JOIN touching t
              ON b.subject = t.subject AND b.metric = t.metric AND b.scope = t.scope
             AND b.start IS NOT DISTINCT FROM t.start AND b."end" IS NOT DISTINCT FROM t."end"
            WHERE b.top_lo > b.bottom_hi OR (b.top_lo = b.bottom_hi AND (t.lo_open OR t.hi_open))
            ORDER BY b.subject, b.metric, b.scope, b.start NULLS LAST, b."end" NULLS LAST
        """).to_arrow_table()

    def corroboration() -> Any:
        return connection.sql(f"""
            SELECT {_SLOT}, lo, hi, count(DISTINCT source) AS sources, count(DISTINCT origin) AS origins
            FROM in_slot WHERE NOT derived GROUP BY ALL HAVING count(DISTINCT source) >= 2
            ORDER BY subject, metric, scope, start NULLS LAST, "end" NULLS LAST, lo, hi
        """).to_arrow_table()

    def stale() -> Any:
        return connection.sql("""
            WITH rising AS (
                SELECT * FROM claims WHERE rising AND start IS NOT NULL AND published IS NOT NULL
            ), by_day AS (
                SELECT subject, metric, scope, published,
                       max(max(lo)) OVER (PARTITION BY subject, metric, scope ORDER BY published
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_lo
                FROM rising GROUP BY subject, metric, scope, published
            )
            SELECT r.subject, r.metric, r.scope, r.source, r.lo
            FROM rising r JOIN by_day d USING (subject, metric, scope, published)
            WHERE r.current AND r.hi < d.before_lo
            ORDER BY r.subject, r.metric, r.scope, r.source, r.lo
        """).to_arrow_table()

    return {"slots": slots, "corroboration": corroboration, "stale": stale}


# ------------------------------------------------------------------ reading


def read_figures(claims_dir: Path) -> dict[str, Any]:
    """Seconds to decode a JSON Lines corpus with each reader, or why a reader cannot take the format.

    A claim's ``value`` is a number, a text, a list or a mapping (a range), as
    people write figures: typed readers (Polars, Arrow) need one type per
    column, so they refuse it; orjson decodes every line as it is."""
    import orjson
    import polars as pl
    import pyarrow.json as arrow_json

    files = sorted(claims_dir.glob("*.jsonl"))
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    claims = sum(len(orjson.loads(line).get("claims", [])) for path in files for line in path.read_bytes().splitlines())
    figures["read_orjson_s"] = round(time.perf_counter() - started, 3)
    figures["read_claims"] = claims
    for name, read in (
        ("read_polars", lambda: pl.scan_ndjson(files).select("claims").explode("claims").collect()),
        ("read_arrow", lambda: [arrow_json.read_json(path) for path in files]),
    ):
        started = time.perf_counter()
        try:
            read()
            figures[f"{name}_s"] = round(time.perf_counter() - started, 3)
        except Exception as refused:  # noqa: BLE001 - what the reader says is the figure
            figures[f"{name}_refuses"] = f"{type(refused).__name__}: {str(refused).splitlines()[0][:120]}"
    return figures


# ------------------------------------------------------------------ the run


def best_of(kernel: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    """The least wall time of ``runs`` runs of ``kernel``, and what it gave."""
    best, out = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        out = kernel()
        best = min(best, time.perf_counter() - started)
    return best, out


def _rows(table: Any) -> list[tuple]:
    """An Arrow table's or a Polars frame's rows, as plain tuples."""
    if hasattr(table, "to_arrow"):
        table = table.to_arrow()
    return [tuple(row.values()) for row in table.to_pylist()]


def engine_slots(result: Any) -> set[tuple[str, str]]:
    """The subjects and metrics of numeric values where today's value-conflict finds a contradiction of one time
    and scope (stale figures left in, as the kernel leaves them)."""
    found = set()
    options = value_conflict.Options(defer_stale=False)
    for metrics in partition(result.corpus.claims).values():
        for group in metrics.values():
            metric = group[0].metric
            if value_conflict.office_holders_apply(metric) or not all(isinstance(c.value, Number) for c in group):
                continue
            positions = value_conflict.positions(group)
            slots = value_conflict.slots_of(positions, metric, options)
            if any(True for _ in value_conflict.contradictions(positions, slots, metric)):
                found.add((group[0].subject, group[0].metric_id))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--tile", type=int, default=10, help="copies of the table, each about its own subjects")
    parser.add_argument("--format", choices=generate.FORMATS, default="jsonl")
    args = parser.parse_args(argv)
    import pyarrow as pa

    with tempfile.TemporaryDirectory() as folder:
        generate.generate(args.claims, args.format, Path(folder))
        reading = read_figures(Path(folder) / "claims") if args.format == "jsonl" else {}
        started = time.perf_counter()
        columns, result = claims_table(Path(folder) / "claims", Path(folder) / "rules")
        resolved_s = time.perf_counter() - started
    figures: dict[str, Any] = {"claims": args.claims, "numeric_rows": len(columns["subject"]), "tile": args.tile,
                               "engine_resolve_and_check_s": round(resolved_s, 2), **reading}  # fmt: skip
    if reading:
        print(", ".join(f"{k} {v}" for k, v in reading.items()))
    for times in sorted({1, args.tile}):
        table = pa.table(tiled(columns, times))
        row: dict[str, Any] = {"rows": table.num_rows}
        outputs: dict[str, dict[str, Any]] = {}
        for name, kernels in (("polars", polars_kernels(table)), ("duckdb", duckdb_kernels(table))):
            outputs[name] = {}
            for kernel, body in kernels.items():
                seconds, out = best_of(body)
                row[f"{name}_{kernel}_s"] = round(seconds, 4)
                outputs[name][kernel] = _rows(out)
        for kernel in ("slots", "corroboration", "stale"):
            same = outputs["polars"][kernel] == outputs["duckdb"][kernel]
            row[f"{kernel}_rows"] = len(outputs["polars"][kernel])
            row[f"{kernel}_engines_agree"] = same
        if times == 1:
            found = {(r[0], r[1]) for r in outputs["polars"]["slots"]}
            row["slots_match_engine"] = found == engine_slots(result)
        figures[f"x{times}"] = row
        print(f"{table.num_rows:>10,} rows: " + ", ".join(f"{k} {v}" for k, v in row.items() if k != "rows"))
    print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
