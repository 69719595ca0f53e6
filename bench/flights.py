"""Evaluate `claimcheck import`, `check` and `resolve` on the flight data of Li et al. (VLDB 2012).

    python bench/flights.py --data DIR [--no-check] [--per-day] [--workers N]

DIR holds conflicting_data/YYYYMMDD.txt and ground_truth/YYYYMMDD.txt; every
day found in both is used, so the script runs unchanged on more days. The
airline sites (aa, ua, CO), from which the gold rows are copied, are left out
of the input. A time counts as correct within 10 minutes of the gold value, a
gate when equal after the mapping's normalisation. Items whose gold rows
disagree are left out as ambiguous. Plain majority voting is scored on the
same items in the same run. With --per-day each day's table is also resolved
alone, as a user with that one day would, and the minimum and median of those
accuracies go into ``per_day``. The last line printed is one JSON object; its
``seconds`` is the wall time of import, check and resolve together (the gold
is read and scored after them), ``cpu_s`` the processor time of the whole
script (this process and its workers), and
``peak_rss_mb`` the peak resident memory of this process plus that of its
largest worker process.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.authoring.tabular import Mapping, Stats, ValueReader, import_tables, load_mapping  # noqa: E402
from checker.engine import default_workers, rules_of, run  # noqa: E402
from checker.fusion.discovery import Resolution  # noqa: E402
from checker.fusion.resolving import claims_of_rows, claims_of_tables, read_as_written, run_resolve  # noqa: E402
from checker.model.names import fold  # noqa: E402

LEFT_OUT = {"aa", "ua", "CO"}
WITHIN = 10  # minutes


def gold_of(path: Path, mapping: Mapping, readers: dict[str, ValueReader], day) -> dict:  # noqa: ANN001
    """(flight, metric) -> gold value; None where two gold rows disagree."""
    gold: dict = {}
    with open(path, newline="", encoding=mapping.encoding) as stream:
        for cells in csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not cells:
                continue
            for metric, spec in mapping.metrics.items():
                at = int(spec.column) - 2  # the gold rows have no source column
                raw = cells[at].strip() if at < len(cells) else ""
                value = readers[metric].read(raw, day) if raw else None
                if value is None:
                    continue
                key = (cells[0].strip(), metric)
                gold[key] = value if key not in gold or gold[key] == value else None
    return gold


def correct(found: object, truth: object) -> bool:
    """Within 10 minutes for a time, equal for a gate (compared as claimcheck compares text: folded)."""
    if isinstance(truth, (int, float)) and isinstance(found, (int, float)):
        return abs(found - truth) <= WITHIN
    return str(found).removeprefix("text:") == fold(str(truth))


class Descendants(threading.Thread):
    """Watches the processes started by this one's children (workers forked by a server process are not its
    children, so the kernel's accounting of children misses them): the peak resident memory of each (its high
    water mark) and the processor time it had used when last seen, read from /proc every tenth of a second."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib: dict[int, int] = {}
        self.cpu_s: dict[int, float] = {}
        self.done = threading.Event()
        self.tick = os.sysconf("SC_CLK_TCK")

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.sample()

    def sample(self) -> None:
        """Read the figures of every process below this one's children once: the tree is walked from this process
        down through each thread's list of the children it started, so only those processes are read."""
        me = os.getpid()
        for pid in self._descendants(me):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue  # it ended meanwhile
            if int(fields[1]) == me:
                continue  # a child: the kernel's accounting of children has its figures
            self.cpu_s[pid] = (int(fields[11]) + int(fields[12])) / self.tick
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kib[pid] = max(self.peak_kib.get(pid, 0), int(line.split()[1]))

    @staticmethod
    def _descendants(root: int) -> list[int]:
        """The processes below ``root``: from each thread's list of the children it started where the kernel keeps
        one, else from the parent of every process."""
        if not os.path.exists(f"/proc/{root}/task/{root}/children"):
            return Descendants._below(root)
        found, waiting = [], [root]
        while waiting:
            pid = waiting.pop()
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for task in tasks:
                try:
                    children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                except OSError:
                    continue
                found.extend(map(int, children))
                waiting.extend(map(int, children))
        return found

    @staticmethod
    def _below(root: int) -> list[int]:
        parents = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except OSError:
                    continue
        found = []
        for pid in parents:
            up = pid
            for _ in range(64):
                up = parents.get(up, 0)
                if up == root:
                    found.append(pid)
                    break
                if up <= 1:
                    break
        return found


def score(resolution: Resolution, gold: dict) -> dict:
    """The accuracy of what ``resolution`` chose, and of plain voting, on the items gold knows (overall and by
    metric); items whose gold rows disagree are left out."""
    chosen = {item.item: item.value for item in resolution.items}
    scored: dict = defaultdict(lambda: [0, 0, 0])  # metric -> items, resolve right, voting right
    for key, truth in gold.items():
        if truth is None or key not in chosen:
            continue
        entry = scored[key[1]]
        entry[0] += 1
        entry[1] += correct(chosen[key], truth)
        entry[2] += correct(resolution.vote[key], truth)
    total = [sum(v[i] for v in scored.values()) for i in range(3)]
    return {
        "items_scored": total[0],
        "accuracy": round(total[1] / max(total[0], 1), 3),
        "accuracy_by_attribute": {m: round(v[1] / max(v[0], 1), 3) for m, v in sorted(scored.items())},
        "vote_accuracy": round(total[2] / max(total[0], 1), 3),
        "vote_accuracy_by_attribute": {m: round(v[2] / max(v[0], 1), 3) for m, v in sorted(scored.items())},
    }


def _spread(per_day: dict[str, dict]) -> dict:
    """The minimum and median over days of the accuracy overall and on actual departure, and the worst day."""
    overall = [day["accuracy"] for day in per_day.values()]
    departure = [day["accuracy_by_attribute"].get("actual_departure", 1.0) for day in per_day.values()]
    return {
        "days": len(per_day),
        "accuracy_min": min(overall),
        "accuracy_median": round(statistics.median(overall), 3),
        "actual_departure_min": min(departure),
        "actual_departure_median": round(statistics.median(departure), 3),
        "worst_day": min(per_day, key=lambda d: (per_day[d]["accuracy_by_attribute"].get("actual_departure", 1.0), d)),
    }


def _usage(watched: Descendants) -> tuple[float, float]:
    """The peak resident memory of this process plus that of its largest worker process (MiB), and the processor
    time of all of them (s): on a machine others share, the time they took, whatever the wall clock says.
    Workers are this process's children, whose figures the kernel keeps, and the processes a server process of
    theirs started for it, watched from /proc."""
    watched.sample()
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    largest = max([children.ru_maxrss, *watched.peak_kib.values()])
    cpu = me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime + sum(watched.cpu_s.values())
    return (me.ru_maxrss + largest) / 1024, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--mapping", type=Path, default=ROOT / "examples" / "flights" / "mapping.yaml")
    parser.add_argument("--rules", type=Path, default=ROOT / "examples" / "flights" / "rules")
    parser.add_argument("--no-check", action="store_true", help="skip claimcheck check (import and resolve only)")
    parser.add_argument("--per-day", action="store_true", help="also resolve each day alone and print the spread")
    parser.add_argument("--workers", type=int, default=default_workers(), help="processes (default: one per core)")
    args = parser.parse_args()
    watched = Descendants()
    watched.start()
    started = time.perf_counter()
    mapping = load_mapping(args.mapping)
    readers = {metric: ValueReader(spec.parse) for metric, spec in mapping.metrics.items()}
    names = sorted(
        p.name for p in (args.data / "conflicting_data").glob("*.txt") if (args.data / "ground_truth" / p.name).exists()
    )
    stats = Stats()
    gold: dict = {}
    gold_of_day: dict = {}  # each table's path -> the gold of its day
    tables = [args.data / "conflicting_data" / name for name in names]
    imported = list(import_tables(tables, mapping, args.workers, frozenset(LEFT_OUT)))
    days = {}  # each table's path -> its day
    for table in imported:
        stats.add(table.stats)
        if table.claims.height:
            days[table.path] = table.claims["day"][0]
    count = sum(table.claims.height for table in imported)
    done_import = time.perf_counter()
    texts = [table.claim_file() for table in imported]
    imported = [replace(table, text="", made=None) for table in imported]  # the claim files are in ``texts`` now
    findings = 0
    if not args.no_check:  # only the findings are counted: the claims in short need not be kept
        findings = len(run([], args.rules, workers=args.workers, texts=texts, keep_rows=False).findings)
    if read_as_written(imported):  # resolve reads the tables, not the claim files import made: let those go
        texts = []
    checked = time.perf_counter()
    vocabulary = rules_of(args.rules)
    claims = claims_of_tables(imported, vocabulary)
    if claims is None:  # documents the engine must read (and refuse in part) before they are resolved
        claims = claims_of_rows(run([], args.rules, run_checks=False, workers=args.workers, texts=texts).corpus.rows)
    resolved = run_resolve(claims, vocabulary)
    done = time.perf_counter()
    for path, day in days.items():  # the gold, read once the timed work is done
        truth = gold_of(args.data / "ground_truth" / path.name, mapping, readers, day)
        mine = gold_of_day[path] = {}
        for (flight, metric), value in truth.items():
            mine[(flight, metric, f"{day}/{day}", ())] = value
        gold.update(mine)
    accuracy = score(resolved.resolution, gold)
    per_day = {}
    if args.per_day:  # each day resolved alone, as a user with one day's table would
        for table in imported:
            alone = claims_of_tables([table], vocabulary)
            if alone is None or table.path not in gold_of_day:
                continue
            day = score(run_resolve(alone, vocabulary).resolution, gold_of_day[table.path])
            per_day[table.path.stem] = day
            print(f"{table.path.stem}: accuracy {day['accuracy']}, actual departure "
                  f"{day['accuracy_by_attribute'].get('actual_departure')} (voting {day['vote_accuracy']}, "
                  f"{day['vote_accuracy_by_attribute'].get('actual_departure')})")  # fmt: skip
    figures = {
        "days": len(names),
        "claims": count,
        **accuracy,
        "not_parsed": dict(sorted(stats.unparsed.items())),
        "copy_groups": resolved.resolution.groups,
        "findings": findings,
        "import_s": round(done_import - started, 1),
        "check_s": round(checked - done_import, 1),
        "resolve_s": round(done - checked, 1),
        "workers": args.workers,
        "seconds": round(done - started, 1),
        "cpu_s": round(_usage(watched)[1], 1),
        "peak_rss_mb": round(_usage(watched)[0]),
    }
    if per_day:
        figures["per_day"] = _spread(per_day)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
