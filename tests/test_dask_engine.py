"""The dask engine: the same files read and the same shards checked on a Dask cluster give the same reports.

A cluster of two worker processes is started once for the module; the runs
name its scheduler with --scheduler, as they would a real cluster's. Its
workers run elsewhere than the tests (another working directory, their own
copy of every module), as a real cluster's would.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import RELATIONS, ROOT, claim, one_source, run_cli, source_block, write_corpus

pytestmark = pytest.mark.slow  # a Dask cluster (pytest -m "not slow" leaves it out)

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a cluster of two worker processes, one thread each."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its status page on another port than the usual, when that one is taken
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A benchmark corpus of 2,000 claims in 20 JSON Lines files, discrepancies of every verdict planted in it."""
    folder = tmp_path_factory.mktemp("generated")
    command = [sys.executable, str(ROOT / "bench" / "generate.py"), "--claims", "2000", "--format", "jsonl"]
    subprocess.run([*command, "--out", str(folder)], check=True, capture_output=True)
    return folder


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small corpus with what a run must get right file by file: a source id two files use (the later one's
    claims are left out), a file that is not YAML, a JSON Lines file of two sources, and an archived text."""
    folder = tmp_path_factory.mktemp("mixed")
    subjects = ["freedonia", "sylvania", "ruritania", "grand-fenwick", "latveria", "genovia"]
    files: dict[str, Any] = {}
    for number in range(8):
        claims = [
            claim(f"{subject}-a", "tier_a", 10 + index + number % 3, subject=subject, as_of="2025-06-30")
            for index, subject in enumerate(subjects)
        ]
        files[f"src-{number}.yaml"] = one_source(f"src-{number}", f"2026-01-{number + 1:02d}", *claims)
    files["src-8.yaml"] = {
        "source": source_block("src-8", "2026-02-01", archive="../texts/src-8.txt"),
        "claims": [claim("freedonia-a", "tier_a", 14, as_of="2025-06-30", quote="tier A partners: 14")],
    }
    files["twice.yaml"] = one_source("src-3", "2026-02-02", claim("again", "tier_a", 99, as_of="2025-06-30"))
    claims_dir, _ = write_corpus(folder, files, RELATIONS)
    (folder / "claimcheck.toml").write_text("", "utf-8")  # the repository, where archived texts may be read
    (folder / "texts").mkdir()
    (folder / "texts" / "src-8.txt").write_text("The ministry counts tier A partners: 14.\n", "utf-8")
    (claims_dir / "broken.yaml").write_text("source: {id: broken\nclaims: [\n", "utf-8")
    lines = [
        one_source("line-a", "2026-03-01", claim("c", "tier_a", 40, subject="genovia", as_of="2025-06-30")),
        one_source("line-b", "2026-03-02", claim("c", "tier_a", 41, subject="genovia", as_of="2025-06-30")),
    ]
    (claims_dir / "lines.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    return folder


def _both(folder: Path, scheduler: str, *args: str):  # noqa: ANN202
    """The command run with the local engine in one process, then on the cluster."""
    local = run_cli(folder, *args, "-j", "1", "--no-cache")
    dask = run_cli(folder, *args, "--engine", "dask", "--scheduler", scheduler)
    return local, dask


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--format", "json"),
        ("check",),
        ("validate", "--format", "json"),
        ("report", "--format", "markdown"),
        ("resolve", "--format", "json"),
    ],
    ids=lambda args: " ".join(args),
)
def test_the_project_claims_give_the_same_output_and_exit_code(scheduler, args):
    local, dask = _both(ROOT, scheduler, *args)
    assert dask.stdout == local.stdout and local.stdout.startswith("{" if "json" in args else "")
    assert dask.exit_code == local.exit_code
    assert dask.stderr == local.stderr == ""


@pytest.mark.parametrize("report", ["json", "text"])
def test_a_generated_corpus_gives_the_same_report_and_exit_code(generated, scheduler, report):
    local, dask = _both(generated, scheduler, "check", "claims", "--rules", "rules", "--format", report)
    assert local.exit_code == 1  # the planted contradictions fail the run
    assert dask.exit_code == local.exit_code
    assert dask.stdout == local.stdout
    if report == "json":
        summary = json.loads(local.stdout)["summary"]
        assert summary["claims"] == 2000 and summary["by_verdict"]["contradiction"] > 0


def test_what_is_left_out_and_what_is_located_is_the_same(mixed, scheduler):
    local, dask = _both(mixed, scheduler, "check", "claims", "--rules", "rules", "--format", "json")
    assert dask.stdout == local.stdout and dask.exit_code == local.exit_code == 1
    report = json.loads(local.stdout)
    checks = {finding["check"] for finding in report["findings"]}
    assert {"duplicate-id", "yaml-syntax", "value-conflict"} <= checks
    evidence = [ref["evidence"] for finding in report["findings"] for ref in finding["claims"] if ref["evidence"]]
    assert evidence and {ref["path"] for ref in evidence} == {"texts/src-8.txt"}  # shown from here, found there


def test_tables_read_with_a_mapping_give_the_same_report(tmp_path, scheduler):
    """Tables imported in memory (--mapping) are sent to the workers as the records of the claim files they make."""
    flights = ROOT / "examples" / "flights"
    rows = [
        f"{site}\t{flight}\t12/01/2011 {time}\t\t\t\t\t"
        for flight, truth in (("AA-1-X-Y", "1:55 PM"), ("AA-2-X-Y", "3:10 PM"))
        for site, time in (("good-1", truth), ("good-2", truth), ("lone", "9:00 AM"))
    ]
    (tmp_path / "20111201.txt").write_text("\n".join(rows) + "\n", "latin-1")
    args = ("20111201.txt", "--mapping", str(flights / "mapping.yaml"), "--rules", str(flights / "rules"))
    local, dask = _both(tmp_path, scheduler, "check", *args, "--format", "json")
    assert dask.stdout == local.stdout and dask.exit_code == local.exit_code == 1
    assert '"path": "20111201.txt"' in local.stdout  # the claims stand at their cells of the table
    local, dask = _both(tmp_path, scheduler, "resolve", *args, "--format", "json")
    assert dask.stdout == local.stdout and '"AA-1-X-Y"' in local.stdout


def test_the_files_are_read_and_the_claims_resolved_by_the_workers(mixed, scheduler, monkeypatch):
    """With reading and resolving broken in this process, a run on the cluster still gives the same report: the
    workers, other processes, did both."""
    from checker.engine import reading, shards

    local = run_cli(mixed, "check", "claims", "--rules", "rules", "--format", "json", "-j", "1", "--no-cache")

    def refused(*_: Any, **__: Any) -> Any:
        raise AssertionError("claims are read and resolved on the workers")

    monkeypatch.setattr(reading, "read_file", refused)
    monkeypatch.setattr(shards, "resolve_documents", refused)
    dask = run_cli(mixed, "check", "claims", "--rules", "rules", "--format", "json", "--engine", "dask",
                   "--scheduler", scheduler)  # fmt: skip
    assert dask.stdout == local.stdout


def test_a_cluster_made_for_the_run_gives_the_same_report(mixed):
    local = run_cli(mixed, "check", "claims", "--rules", "rules", "--format", "json", "-j", "1", "--no-cache")
    dask = run_cli(mixed, "check", "claims", "--rules", "rules", "--format", "json", "--engine", "dask", "-j", "2",
                   "--cache", str(mixed / "cache"))  # fmt: skip
    assert dask.stdout == local.stdout and dask.exit_code == local.exit_code
    assert dask.stderr == "claimcheck: --cache is not used with --engine dask: it runs without a cache\n"
    assert not (mixed / "cache").exists()


def _one_line(done) -> str:  # noqa: ANN001
    assert done.exit_code == 2
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    return done.stderr


def test_a_scheduler_without_the_dask_engine_is_a_usage_error(mixed):
    said = _one_line(run_cli(mixed, "check", "claims", "--rules", "rules", "--scheduler", "tcp://127.0.0.1:8786"))
    assert "--engine dask" in said


def test_a_scheduler_that_cannot_be_reached_is_one_line(mixed, monkeypatch):
    from checker.engine import dask_executor

    monkeypatch.setattr(dask_executor, "CONNECT_SECONDS", 0.5)
    # port 9 (discard) on the loopback: nothing listens there
    said = _one_line(run_cli(mixed, "check", "claims", "--rules", "rules", "--engine", "dask", "--scheduler",
                             "tcp://127.0.0.1:9"))  # fmt: skip
    assert 'cannot reach the Dask scheduler at "tcp://127.0.0.1:9"' in said
    said = _one_line(run_cli(mixed, "validate", "claims", "--rules", "rules", "--engine", "dask", "--scheduler", "x"))
    assert 'cannot reach the Dask scheduler at "x"' in said


def test_the_dask_engine_without_dask_says_what_to_install(mixed, monkeypatch):
    import checker.engine

    # as if distributed were not installed: the module that needs it cannot be imported
    monkeypatch.delattr(checker.engine, "dask_executor", raising=False)
    monkeypatch.setitem(sys.modules, "checker.engine.dask_executor", None)
    said = _one_line(run_cli(mixed, "check", "claims", "--rules", "rules", "--engine", "dask"))
    assert "pip install 'claimcheck[dask]'" in said


def test_batches_follow_the_files_and_share_their_bytes(tmp_path):
    from checker.engine import FileToRead
    from checker.engine.dask_executor import batches

    files = []
    for number, size in enumerate([500, 10, 10, 10, 500, 10, 10, 490]):
        path = tmp_path / f"f{number}.yaml"
        path.write_text("x" * size, "utf-8")
        files.append(FileToRead(path, path.name, None))
    made = batches(files, 3)
    assert [item for batch in made for item in batch] == files
    assert [len(batch) for batch in made] == [3, 2, 3]  # 520, 510 and 510 bytes
    assert batches(files, 100) == [[item] for item in files]
    assert batches([], 4) == []
