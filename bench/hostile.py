"""Time and peak memory of every case of the hostile suite, each run in a child process under its limits.

    python bench/hostile.py [-k WORDS] [--limits-only] [--json]

Each case of tests/hostile/manifest.yaml is set up as the suite sets it up (a
small project with the two good files that contradict each other, the hostile
input, and its builder's files), then its command runs as a separate process
(`python -c "from checker.cli import run_cli; run_cli()" ...`, the same command
line the suite runs, every CI report written) with the suite's limits: 60 s of
wall time and 1 GiB of address space. The child's own resource use is read
from the kernel when it ends (``os.wait4``), so each row is that case alone.

A table follows: case, seconds, peak resident MB, exit code and whether the
run stayed within the limits; then the slowest and the largest case; the last
line printed is one JSON object. The exit code is 1 when a case broke a limit.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# this script's own folder leaves the path: its name would hide the suite's `hostile` package
sys.path[:] = [str(ROOT), str(ROOT / "tests"), *(p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent)]

from test_hostile import CASES, MEMORY_LIMIT, TIME_LIMIT, command_of, project_with  # noqa: E402

_MB = 1024 * 1024


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def measure(case: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Run one case in a child process under the limits: its seconds, peak MB and exit code."""
    project, _ = project_with(case, folder)
    env = {**os.environ, "CLAIMCHECK_TODAY": "2026-06-01", "NO_COLOR": "1", "XDG_CACHE_HOME": str(folder / "cache")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-c", "from checker.cli import run_cli; run_cli()", *command_of(case, project)]
    started = time.perf_counter()
    child = subprocess.Popen(
        command,
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_limit_memory,
    )
    timed_out = False
    deadline = started + TIME_LIMIT
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            child.kill()
            timed_out = True
            pid, status, usage = os.wait4(child.pid, 0)
            break
        time.sleep(0.01)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # the child is reaped: tell Popen so
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024) / _MB
    code = child.returncode
    within = not timed_out and code >= 0 and peak * _MB <= MEMORY_LIMIT
    return {"case": case["name"], "seconds": round(seconds, 2), "peak_mb": round(peak, 1), "exit": code, "ok": within}


def main(argv: list[str] | None = None) -> int:
    """Measure the cases chosen and print the table; 1 when a case broke a limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", dest="words", default="", help="only the cases whose name holds these words")
    parser.add_argument("--limits-only", action="store_true", help="only the cases marked `limits` in the manifest")
    options = parser.parse_args(argv)
    chosen = [
        case
        for case in CASES
        if options.words in case["name"] and (case.get("limits") or not options.limits_only)
    ]
    if not chosen:
        print(f'no hostile case is named with "{options.words}"', file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="claimcheck-hostile-") as scratch:
        for index, case in enumerate(chosen):
            folder = Path(scratch) / f"case-{index}"
            folder.mkdir()
            rows.append(measure(case, folder))
    from tabulate import tabulate

    table = [[r["case"], f"{r['seconds']:.2f}", f"{r['peak_mb']:.0f}", r["exit"], "yes" if r["ok"] else "NO"] for r in rows]
    print(tabulate(table, headers=["case", "seconds", "peak MB", "exit", "within limits"], colalign=("left", "right", "right", "right", "left")))
    slowest = max(rows, key=lambda r: r["seconds"])
    largest = max(rows, key=lambda r: r["peak_mb"])
    broken = [r["case"] for r in rows if not r["ok"]]
    print(f"\n{len(rows)} cases; limits {TIME_LIMIT} s and {MEMORY_LIMIT // _MB} MB each")
    print(f"slowest: {slowest['case']} ({slowest['seconds']:.2f} s); largest: {largest['case']} ({largest['peak_mb']:.0f} MB)")
    print(f"over a limit: {', '.join(broken) if broken else 'none'}")
    summary = {"cases": len(rows), "over_limit": broken, "slowest": slowest, "largest": largest, "rows": rows}
    print(json.dumps(summary, sort_keys=True))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
