"""Workers of a run started after Polars was loaded still judge tables, and find the same."""

from __future__ import annotations

import multiprocessing
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from checker.engine import can_fork, reading, run, table

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # processes forked and started afresh (pytest -m "not slow" leaves them out)


def _table_in_child(queue) -> None:  # noqa: ANN001
    try:
        table.ClaimsTable.of([], None)  # type: ignore[arg-type]
    except RuntimeError as exc:
        queue.put(str(exc))
    else:
        queue.put("made")


@pytest.mark.skipif(not can_fork(), reason="forks worker processes")
def test_a_process_forked_after_polars_was_loaded_refuses_a_table_rather_than_waiting_forever():
    import polars  # noqa: F401, PLC0415 - loaded here, as an earlier run in this process would have

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_table_in_child, args=(queue,))
    child.start()
    assert "forked after Polars was loaded" in queue.get(timeout=60)
    child.join(timeout=60)


@pytest.mark.skipif(not can_fork(), reason="forks worker processes")
def test_workers_of_a_run_after_polars_was_loaded_judge_tables_with_the_same_findings(tmp_path, monkeypatch):
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--claims", "3000", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    alone = run([tmp_path / "claims"], tmp_path / "rules", workers=1)  # makes tables in this process
    assert "polars" in sys.modules
    made: list[int] = []
    real = table.ClaimsTable.of.__func__
    monkeypatch.setattr(table.ClaimsTable, "of", classmethod(lambda cls, *a: made.append(1) or real(cls, *a)))
    workers = run([tmp_path / "claims"], tmp_path / "rules", workers=2)  # workers from a fresh server process
    assert not made  # not one table in this process: the workers made them
    assert [f.fingerprint for f in workers.findings] == [f.fingerprint for f in alone.findings]
    assert [(f.message, f.note, f.claims) for f in workers.findings] == [
        (f.message, f.note, f.claims) for f in alone.findings
    ]


@pytest.mark.skipif(not can_fork(), reason="forks worker processes")
def test_where_no_server_process_can_start_the_shards_are_checked_in_the_run_with_the_same_findings(
    tmp_path, monkeypatch
):
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--claims", "3000", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    alone = run([tmp_path / "claims"], tmp_path / "rules", workers=1)
    assert "polars" in sys.modules
    monkeypatch.setattr(reading, "LARGE_MIB", 1 << 30)  # the readers fork: only the shards ask for the server
    context = multiprocessing.get_context("forkserver")

    tried: list[int] = []

    def refused(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        tried.append(1)
        raise OSError("no room for a socket")

    monkeypatch.setattr(type(context), "Pool", refused)
    here = run([tmp_path / "claims"], tmp_path / "rules", workers=2)
    assert tried  # the run asked for workers, and went on without them
    assert [(f.fingerprint, f.message, f.note, f.claims) for f in here.findings] == [
        (f.fingerprint, f.message, f.note, f.claims) for f in alone.findings
    ]


@pytest.mark.skipif(not can_fork(), reason="forks worker processes")
@pytest.mark.parametrize("large, method", [(0, "forkserver"), (1 << 30, "fork")])
def test_files_read_by_a_large_process_that_loaded_polars_are_read_by_processes_started_afresh(
    monkeypatch, large, method
):
    import polars  # noqa: F401, PLC0415 - loaded here, as the import of a table would have

    monkeypatch.setattr(reading, "LARGE_MIB", large)  # this process counts as large, or as small
    alone = run([ROOT / "claims"], ROOT / "rules", workers=1)
    started: list[str] = []
    real = reading._readers

    def watched(count: int):  # noqa: ANN202
        pool = real(count)
        started.append(pool._ctx.get_start_method())
        return pool

    monkeypatch.setattr(reading, "_readers", watched)
    both = run([ROOT / "claims"], ROOT / "rules", workers=2)
    # a large process's pages a forked reader would count as its own; a small one's are cheaper than a server
    assert started == [method]
    assert len(both.findings) > 10
    assert [(f.fingerprint, f.message, f.note, f.claims, f.location) for f in both.findings] == [
        (f.fingerprint, f.message, f.note, f.claims, f.location) for f in alone.findings
    ]


@pytest.mark.skipif(not can_fork(), reason="forks worker processes")
def test_readers_started_afresh_keep_records_the_run_can_verify_whatever_their_own_environment(tmp_path, monkeypatch):
    import polars  # noqa: F401, PLC0415 - loaded here: the readers are started by the server process

    monkeypatch.setattr(reading, "LARGE_MIB", 0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "earlier"))
    run([ROOT / "claims"], ROOT / "rules", workers=2, cache_dir=tmp_path / "earlier-cache")  # the server may start
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "now"))
    cache = tmp_path / "cache"
    cold = run([ROOT / "claims"], ROOT / "rules", workers=2, cache_dir=cache)
    asked: list[int] = []
    monkeypatch.setattr(reading, "_readers", lambda count: asked.append(count))  # read here, if at all
    warm = run([ROOT / "claims"], ROOT / "rules", workers=2, cache_dir=cache)
    assert not asked  # every file's record, written by a reader, was verified here with the run's key
    assert (tmp_path / "now" / "claimcheck" / "key").is_file()
    assert [f.fingerprint for f in warm.findings] == [f.fingerprint for f in cold.findings]


@pytest.mark.skipif(not can_fork(), reason="forks worker processes")
@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_records_kept_by_readers_started_afresh_follow_the_runs_umask(tmp_path, monkeypatch, mask, mode):
    import polars  # noqa: F401, PLC0415 - loaded here: the readers are started by the server process

    monkeypatch.setattr(reading, "LARGE_MIB", 0)
    cache = tmp_path / "cache"
    before = os.umask(mask)
    try:
        run([ROOT / "claims"], ROOT / "rules", workers=2, cache_dir=cache)
    finally:
        os.umask(before)
    kept = list((cache / "files").rglob("*.json"))
    assert len(kept) > 1  # one record a file, written by the readers
    assert {stat.S_IMODE(path.stat().st_mode) for path in kept} == {mode}
