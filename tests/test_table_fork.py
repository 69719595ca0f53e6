"""Workers of a run started after Polars was loaded still judge tables, and find the same."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

from checker.engine import can_fork, run, table

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
