"""Time each report format on corpora made to stress the reporters.

    python bench/reporters.py [--values N] [--topics M] [--formats text,junit,...]

Two corpora are written to a temporary folder and checked once each; then
every reporter renders the result, in this process, and its wall time is
measured alone (the check itself is not counted):

- ``values``: N sources, each giving a different value for one subject, metric
  and day, so that every pair of them contradicts (N·(N-1)/2 findings on one
  topic, or fewer when the checks merge them);
- ``topics``: M subjects, each with two sources that disagree, so that there
  are M topics, each with its finding and its timeline.

A reporter that does per finding or per topic work that grows with the whole
run (a scan of a list, a sort) shows here as a time that grows faster than the
findings. Reports are rendered as a run renders them, with Python's cycle
collector paused (``--collecting``: running, as it did before). A table comes
first; the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.corpus.result import Result  # noqa: E402
from checker.engine import no_cycle_collection, run  # noqa: E402
from checker.reporting import REPORTERS, statistics  # noqa: E402

VOCABULARY: dict[str, Any] = {
    "metrics": {"partners": {"label": "partners", "kind": "count", "time": "stock"}},
    "entities": {"freedonia": {"name": "Freedonia", "kind": "country"}},
}


def _source(source_id: str, published: str, claims: list[dict[str, Any]]) -> str:
    block = {"id": source_id, "title": source_id, "publisher": "P", "kind": "news-report", "published": published}
    return yaml.safe_dump({"source": block, "claims": claims}, sort_keys=False)


def _claim(claim_id: str, subject: str, value: int, day: str) -> dict[str, Any]:
    return {"id": claim_id, "subject": subject, "metric": "partners", "value": value, "as_of": day,
            "quote": f"it says {value}"}  # fmt: skip


def write_values(folder: Path, count: int) -> None:
    """``count`` sources, each with a different value for Freedonia's partners on one day."""
    (folder / "claims").mkdir(parents=True)
    (folder / "rules").mkdir()
    (folder / "rules" / "vocabulary.yaml").write_text(yaml.safe_dump(VOCABULARY), "utf-8")
    for i in range(count):
        text = _source(f"s{i:05}", "2025-07-01", [_claim("c", "freedonia", 100 + i, "2025-06-30")])
        (folder / "claims" / f"s{i:05}.yaml").write_text(text, "utf-8")


def write_topics(folder: Path, count: int) -> None:
    """``count`` subjects, each with a value from one source and another, a month later, from a second."""
    (folder / "claims").mkdir(parents=True)
    (folder / "rules").mkdir()
    entities = {f"e{i}": {"name": f"Entity {i}", "kind": "country"} for i in range(count)}
    vocabulary = {**VOCABULARY, "entities": entities}
    (folder / "rules" / "vocabulary.yaml").write_text(yaml.safe_dump(vocabulary), "utf-8")
    first = [_claim(f"c{i}", f"e{i}", 14, "2025-06-30") for i in range(count)]
    second = [_claim(f"c{i}", f"e{i}", 10, "2025-05-31") for i in range(count)]
    (folder / "claims" / "a.yaml").write_text(_source("a", "2025-07-01", first), "utf-8")
    (folder / "claims" / "b.yaml").write_text(_source("b", "2025-07-02", second), "utf-8")


def timed(result: Result, formats: list[str], collecting: bool) -> dict[str, float]:
    """Seconds each reporter takes to render ``result``: with the cycle collector paused, as a run renders, unless
    ``collecting``."""
    reporters = {**REPORTERS, "statistics": statistics.render}
    out = {}
    for name in formats:
        started = time.perf_counter()
        if collecting:
            reporters[name](result)
        else:
            with no_cycle_collection():
                reporters[name](result)
        out[name] = round(time.perf_counter() - started, 3)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=200, help="sources that contradict each other (default 200)")
    parser.add_argument("--topics", type=int, default=5_000, help="subjects with a disagreement each (default 5000)")
    parser.add_argument("--formats", default=",".join([*REPORTERS, "statistics"]), help="comma-separated formats")
    parser.add_argument("--workers", type=int, default=1, help="processes of the check (default 1)")
    parser.add_argument("--collecting", action="store_true", help="render with the cycle collector running")
    options = parser.parse_args()
    formats = [name for name in options.formats.split(",") if name]
    rows = []
    with tempfile.TemporaryDirectory(prefix="claimcheck-bench-") as temporary:
        for corpus, size, write in (("values", options.values, write_values), ("topics", options.topics, write_topics)):
            if size <= 0:
                continue
            folder = Path(temporary) / corpus
            write(folder, size)
            result = run([folder / "claims"], folder / "rules", workers=options.workers)
            rows.append({"corpus": corpus, "size": size, "findings": len(result.findings), **timed(result, formats, options.collecting)})
    header = ["corpus", "size", "findings", *formats]
    print("  ".join(f"{name:>10}" for name in header))
    for row in rows:
        print("  ".join(f"{row[name]:>10}" for name in header))
    print(json.dumps({"rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
