"""The performance benchmark: `claimcheck check` on N synthetic claims, against the time to merely parse them.

    python bench/run.py --claims N --format yaml|jsonl [--workers K] [--incremental] [--fresh] [--extra-args "..."]
                         [--keep-report FILE]

The corpus comes from bench/generate.py and is kept in bench/.corpus/FORMAT-N/
(reused while its manifest matches; --fresh writes it again). The check runs as
a separate process (`python -m checker.cli check`, with a JSON report); its
wall time and peak resident memory are measured. In the same run, this process
parses every claim file with the fastest standard parser for the format —
PyYAML's C loader, or orjson line by line — validating and checking nothing:
that is the parse floor, and ratio = check_s / parse_floor_s. The report's
findings, read back, are then encoded and written again with orjson alone:
that is the report floor, the least time any engine writing the same report
could take, and report_floor_ratio = report_floor_s / parse_floor_s is the
least ratio it could reach.

The report is then scored against planted.json: ``found`` counts the planted
cases the report has a finding for with the same subject, metric and verdict,
``false_contradictions`` the contradiction findings on a subject and metric
where none was planted. Human lines come first; the last line printed is one
JSON object.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import orjson
import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate import DEFAULT_SEED, FORMATS, generate, manifest  # noqa: E402

CACHE = BENCH / ".corpus"
#: the verdicts of a discrepancy; a finding of another verdict (corroboration, consistent, ...) is information
DISCREPANCIES = ("contradiction", "timing", "scope", "stale", "shortfall", "undetermined")


@dataclass(frozen=True)
class Measured:
    """How the check process ran."""

    seconds: float
    peak_rss_mb: float
    code: int
    stderr: str


@dataclass(frozen=True)
class Score:
    """The report against what was planted."""

    planted: int
    found: int
    false_contradictions: int
    missed: list[dict[str, str]]
    unplanted: Counter[str]  # findings of a discrepancy verdict where none was planted, by verdict
    by_verdict: dict[str, tuple[int, int]]  # verdict -> (found, planted)
    defects: int  # input errors, and quotes that do not state their claim's value: the corpus should have none


def ensure_corpus(n_claims: int, fmt: str, seed: int, folder: Path, fresh: bool) -> str:
    """Generate the corpus in ``folder`` unless a matching one is there; return a line saying which."""
    wanted = manifest(n_claims, fmt, seed)
    path = folder / "manifest.json"
    if not fresh and path.is_file() and orjson.loads(path.read_bytes()) == wanted:
        return f"corpus: {folder} (reused)"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    summary = generate(n_claims, fmt, folder, seed)
    return f"corpus: {folder} (generated in {summary.seconds:.1f} s)"


def _environment() -> dict[str, str]:
    """The environment of the check: this project's checker first on the path, no colour."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
    env["NO_COLOR"] = "1"
    return env


CHECK = [sys.executable, "-m", "checker.cli", "check"]


def supports(option: str) -> bool:
    """Whether `claimcheck check` has ``option`` (it is listed in its --help)."""
    done = subprocess.run([*CHECK, "--help"], capture_output=True, text=True, env=_environment(), check=False)
    return option in done.stdout


def check_command(report: Path, workers: Optional[int], extra: list[str]) -> list[str]:
    """The check of claims/ with rules/ (relative to the corpus folder), writing the JSON report."""
    command = [*CHECK, "claims", "--rules", "rules", "--format", f"json={report}", "--exit-zero"]
    if workers is not None:
        command += ["--workers", str(workers)]
    return command + extra


def run_check(command: list[str], folder: Path) -> Measured:
    """Run the check in ``folder``; its wall time and its own peak RSS (from wait4, not other children's)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=folder, env=_environment(), stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    return Measured(seconds, usage.ru_maxrss / 1024, process.returncode, stderr)  # Linux counts KiB


def recheck_after_edit(
    edited: Path, command: list[str], folder: Path, report_path: Path, before: dict[str, Any]
) -> Optional[Measured]:
    """Edit one file (a line added at its top moves every claim in it), check again with the cache the first
    run left, and put the file back. The findings must be those of the first run, moved by one line."""
    original = edited.read_bytes()
    try:
        edited.write_bytes((b"# edited\n" if edited.suffix == ".yaml" else b"\n") + original)
        measured = run_check(command, folder)
        after = orjson.loads(report_path.read_bytes()) if report_path.is_file() else None
    finally:
        edited.write_bytes(original)
    if measured.code != 0 or after is None:
        print(f"the second check failed (exit {measured.code}):\n{measured.stderr[-2000:]}", file=sys.stderr)
        return None
    same = [f["fingerprint"] for f in after["findings"]] == [f["fingerprint"] for f in before["findings"]]
    print(f"after editing {edited.name}: {measured.seconds:.2f} s, same findings: {same}", flush=True)
    if not same:
        print("the findings changed after an edit that changes no claim", file=sys.stderr)
        return None
    return measured


def claim_files(folder: Path, fmt: str) -> list[Path]:
    """The claim files of a corpus, sorted."""
    return sorted(folder.glob(f"*.{fmt}"))


def parse_floor(files: list[Path], fmt: str) -> float:
    """Seconds to parse every file (read beforehand, untimed) with the fastest standard parser, nothing more."""
    total = 0.0
    for path in files:
        raw = path.read_bytes()
        started = time.perf_counter()
        if fmt == "yaml":
            yaml.load(raw, Loader=yaml.CSafeLoader)
        else:
            for line in raw.splitlines():
                if line.strip():
                    orjson.loads(line)
        total += time.perf_counter() - started
    return total


def report_floor(report: dict[str, Any], scratch: Path) -> float:
    """Seconds to merely encode the report's findings, already in memory, as indented JSON and write them.

    No engine that writes this report can take less: divided by the parse
    floor, it is the least ratio the check could reach with this report."""
    started = time.perf_counter()
    (scratch / "floor.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    return time.perf_counter() - started


def score(report: dict[str, Any], planted: list[dict[str, str]]) -> Score:
    """Compare the findings of a JSON report with the planted cases."""
    findings = report["findings"]
    seen = {(f["subject"], f["metric"], f["verdict"]) for f in findings}
    expected = {(p["subject"], p["metric"], p["verdict"]) for p in planted}
    missed = [p for p in planted if (p["subject"], p["metric"], p["verdict"]) not in seen]
    unplanted = Counter(
        f["verdict"]
        for f in findings
        if f["verdict"] in DISCREPANCIES and (f["subject"], f["metric"], f["verdict"]) not in expected
    )
    by_verdict = {}
    for verdict in DISCREPANCIES:
        mine = [p for p in planted if p["verdict"] == verdict]
        by_verdict[verdict] = (sum(p not in missed for p in mine), len(mine))
    return Score(
        planted=len(planted),
        found=len(planted) - len(missed),
        false_contradictions=unplanted["contradiction"],
        missed=missed,
        unplanted=unplanted,
        by_verdict=by_verdict,
        defects=sum(f["verdict"] == "invalid" or f["check"] == "quote-value" for f in findings),
    )


def describe(result: Score) -> list[str]:
    """Human lines about the score."""
    parts = ", ".join(f"{verdict} {found}/{planted}" for verdict, (found, planted) in result.by_verdict.items())
    lines = [f"planted found: {result.found}/{result.planted} ({parts})"]
    lines += [f"  missed: {m['subject']} {m['metric']} {m['verdict']} ({m['case']})" for m in result.missed[:20]]
    lines.append(f"false contradictions: {result.false_contradictions}")
    others = {v: n for v, n in sorted(result.unplanted.items()) if v != "contradiction"}
    if others:
        lines.append("other unplanted discrepancies: " + ", ".join(f"{v} {n}" for v, n in others.items()))
    if result.defects:
        lines.append(f"defects of the corpus (input errors, quote-value findings): {result.defects}")
    return lines


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=10_000, help="how many claims (default 10000)")
    parser.add_argument("--format", choices=FORMATS, default="yaml")
    parser.add_argument("--workers", type=int, help="passed to the check when it has a --workers option")
    reuse = parser.add_mutually_exclusive_group()
    reuse.add_argument("--keep", dest="fresh", action="store_false", help="reuse a matching corpus (the default)")
    reuse.add_argument("--fresh", dest="fresh", action="store_true", help="generate the corpus again")
    parser.set_defaults(fresh=False)  # else the default of --keep's store_false, True, would win
    parser.add_argument(
        "--extra-args", default="", help='more options for the check, as one string: "--fail-on warning"'
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--incremental", action="store_true", help="then edit one file and time a second check, with the cache"
    )
    parser.add_argument("--cache", type=Path, default=CACHE, help="where corpora are kept (default bench/.corpus)")
    parser.add_argument(
        "--keep-report", type=Path, help="copy the cold run's JSON report there (to compare two engines' reports)"
    )
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    """Generate or reuse the corpus, run and time the check, time the parse floor, score the report."""
    args = parse_args(argv)
    folder = (args.cache / f"{args.format}-{args.claims}").resolve()
    print(ensure_corpus(args.claims, args.format, args.seed, folder, args.fresh), flush=True)
    files = claim_files(folder / "claims", args.format)
    print(f"{args.claims:,} claims in {len(files):,} {args.format} files", flush=True)
    workers = args.workers
    if workers is not None and not supports("--workers"):
        print("--workers ignored: `claimcheck check` has no such option", flush=True)
        workers = None
    incremental: Optional[Measured] = None
    with tempfile.TemporaryDirectory() as scratch:
        report_path = Path(scratch) / "report.json"
        # an empty cache: a cold run; the report is written to the scratch folder, outside the corpus's repository
        extra = ["--cache", str(Path(scratch) / "cache"), "--allow-path", scratch, *shlex.split(args.extra_args)]
        command = check_command(report_path, workers, extra)
        measured = run_check(command, folder)
        if measured.code != 0 or not report_path.is_file():
            print(f"the check failed (exit {measured.code}):\n{measured.stderr[-2000:]}", file=sys.stderr)
            return 2
        report = orjson.loads(report_path.read_bytes())
        report_mb = report_path.stat().st_size / 2**20
        written = report_floor(report, Path(scratch))
        if args.keep_report is not None:
            shutil.copyfile(report_path, args.keep_report)
        print(f"check: {measured.seconds:.2f} s, peak RSS {measured.peak_rss_mb:.0f} MB", flush=True)
        if args.incremental:
            incremental = recheck_after_edit(files[len(files) // 2], command, folder, report_path, report)
            if incremental is None:
                return 2
    floor = parse_floor(files, args.format)
    parser = "PyYAML CSafeLoader" if args.format == "yaml" else "orjson per line"
    print(f"parse floor ({parser}): {floor:.2f} s; the check takes {measured.seconds / floor:.1f} times that")
    print(
        f"report floor (encoding and writing the {report_mb:.0f} MiB report from memory): {written:.2f} s, "
        f"{written / floor:.1f} times the parse floor"
    )
    planted = orjson.loads((folder / "planted.json").read_bytes())
    result = score(report, planted)
    for line in describe(result):
        print(line)
    summary = {
        "claims": args.claims,
        "files": len(files),
        "format": args.format,
        "check_s": round(measured.seconds, 3),
        "parse_floor_s": round(floor, 3),
        "ratio": round(measured.seconds / floor, 2),
        "peak_rss_mb": round(measured.peak_rss_mb, 1),
        "planted": result.planted,
        "found": result.found,
        "false_contradictions": result.false_contradictions,
        "workers": workers,
        "report_mb": round(report_mb, 1),
        "report_floor_s": round(written, 3),
        "report_floor_ratio": round(written / floor, 2),
    }
    if incremental is not None:
        summary["incremental_s"] = round(incremental.seconds, 3)
        summary["incremental_ratio"] = round(incremental.seconds / measured.seconds, 3)
    print(orjson.dumps(summary).decode())
    return 0 if result.found == result.planted and result.false_contradictions == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
