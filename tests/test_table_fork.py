"""A process forked after Polars was loaded judges group by group, and finds the same."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import pytest

from checker.engine import can_fork, run, table

ROOT = Path(__file__).resolve().parent.parent


def _usable_in_child(queue) -> None:  # noqa: ANN001
    queue.put(table.usable())


@pytest.mark.skipif(not can_fork(), reason="forks worker processes")
def test_a_process_forked_after_polars_was_loaded_does_not_make_tables():
    import polars  # noqa: F401, PLC0415 - loaded here, as an earlier run in this process would have

    assert "polars" in sys.modules and table.usable()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_usable_in_child, args=(queue,))
    child.start()
    assert queue.get(timeout=60) is False
    child.join(timeout=60)


@pytest.mark.skipif(not can_fork(), reason="forks worker processes")
def test_workers_forked_after_a_run_that_made_tables_finish_with_the_same_findings(tmp_path):
    import subprocess  # noqa: PLC0415

    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--claims", "3000", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    alone = run([tmp_path / "claims"], tmp_path / "rules", workers=1)  # makes tables in this process
    forked = run([tmp_path / "claims"], tmp_path / "rules", workers=2)  # its workers judge group by group
    assert [f.fingerprint for f in forked.findings] == [f.fingerprint for f in alone.findings]
    assert [(f.message, f.note) for f in forked.findings] == [(f.message, f.note) for f in alone.findings]
