"""Evaluate `claimcheck resolve` on the flight data of Li et al. (VLDB 2012).

    python bench/flights.py --data DIR

DIR holds conflicting_data/YYYYMMDD.txt and ground_truth/YYYYMMDD.txt; every
day found in both is used, so the script runs unchanged on more days. The
airline sites (aa, ua, CO), from which the gold rows are copied, are left out
of the input. A time counts as correct within 10 minutes of the gold value, a
gate when equal after the mapping's normalisation. Items whose gold rows
disagree are left out as ambiguous. Plain majority voting is scored on the
same items in the same run. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.fusion import Observation, resolve  # noqa: E402
from checker.tabular import Mapping, Stats, ValueReader, read_table  # noqa: E402
from checker.yamlio import read_yaml  # noqa: E402

LEFT_OUT = {"aa", "ua", "CO"}
WITHIN = 10  # minutes


def _gold(path: Path, mapping: Mapping, readers: dict[str, ValueReader], day) -> dict:  # noqa: ANN001
    """(flight, metric) -> gold value; None where two gold rows disagree."""
    gold: dict = {}
    with open(path, newline="", encoding=mapping.encoding) as stream:
        for cells in csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not cells:
                continue
            flight = cells[0].strip()
            for metric, spec in mapping.metrics.items():
                at = int(spec.column) - 2  # the gold rows have no source column
                raw = cells[at].strip() if at < len(cells) else ""
                value = readers[metric].read(raw, day) if raw else None
                if value is None:
                    continue
                key = (flight, metric)
                if key in gold and gold[key] != value:
                    gold[key] = None  # ambiguous
                elif key not in gold:
                    gold[key] = value
    return gold


def _correct(found: object, truth: object) -> bool:
    if isinstance(truth, (int, float)) and isinstance(found, (int, float)):
        return abs(found - truth) <= WITHIN
    return found == truth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--mapping", type=Path, default=ROOT / "examples" / "flights" / "mapping.yaml")
    args = parser.parse_args()
    started = time.perf_counter()
    mapping = Mapping.model_validate(read_yaml(args.mapping.read_bytes()).data)
    readers = {metric: ValueReader(spec.parse) for metric, spec in mapping.metrics.items()}
    clocks = {metric for metric, spec in mapping.metrics.items() if spec.parse.kind == "clock"}
    days = sorted(p.name for p in (args.data / "conflicting_data").glob("*.txt") if (args.data / "ground_truth" / p.name).exists())
    stats = Stats()
    observations: list[Observation] = []
    gold: dict = {}
    for name in days:
        path = args.data / "conflicting_data" / name
        for row in read_table(path, mapping, stats, readers):
            if row.source in LEFT_OUT:
                continue
            for metric, value in row.values.items():
                observations.append(Observation((row.subject, metric, row.day.isoformat()), row.source, value))
        day = next(read_table(path, mapping, Stats(), readers)).day
        for (flight, metric), value in _gold(args.data / "ground_truth" / name, mapping, readers, day).items():
            gold[(flight, metric, day.isoformat())] = value
    imported = time.perf_counter()
    tolerance = {o.item: WITHIN for o in observations if o.item[1] in clocks}
    result = resolve(observations, tolerance)
    resolved = time.perf_counter()
    chosen = {item.item: item.value for item in result.items}
    scored = defaultdict(lambda: [0, 0, 0])  # metric -> [items, right, vote right]
    for key, truth in gold.items():
        if truth is None or key not in chosen:
            continue
        entry = scored[key[1]]
        entry[0] += 1
        entry[1] += _correct(chosen[key], truth)
        entry[2] += _correct(result.vote[key], truth)
    total = [sum(v[i] for v in scored.values()) for i in range(3)]
    figures = {
        "days": len(days),
        "claims": len(observations),
        "items_scored": total[0],
        "accuracy": round(total[1] / max(total[0], 1), 3),
        "accuracy_by_attribute": {m: round(v[1] / max(v[0], 1), 3) for m, v in sorted(scored.items())},
        "vote_accuracy": round(total[2] / max(total[0], 1), 3),
        "vote_accuracy_by_attribute": {m: round(v[2] / max(v[0], 1), 3) for m, v in sorted(scored.items())},
        "unparsed": dict(stats.unparsed),
        "rounds": result.rounds,
        "copy_groups": result.groups,
        "import_s": round(imported - started, 1),
        "resolve_s": round(resolved - imported, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
