"""The fuzzing harness runs, without atheris, over every seed: the loader's contract holds on each."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "fuzz"))

from harness import Harness, seeds  # noqa: E402 - the fuzz folder is not a package

pytestmark = pytest.mark.slow  # the fuzzer, seed by seed (pytest -m "not slow" leaves it out)


def test_every_seed_gives_findings_never_an_exception(tmp_path: Path):
    harness = Harness()
    inputs = sorted(seeds(tmp_path / "seeds").iterdir())
    assert len(inputs) > 100
    for path in inputs:
        harness.run(path.read_bytes())
