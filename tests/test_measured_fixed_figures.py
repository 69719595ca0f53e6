"""A figure that does not change over time may say when it was measured (`as_of` on a fixed metric): shown, never
compared, and the metric stays fixed; in the test vocabulary and the seeds' domain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.corpus.result import Result
from checker.engine import run

from conftest import RELATIONS, ROOT, claim, source_block, write_corpus


def _run(folder: Path, bodies: list[dict[str, Any]], rules: Path | None = None) -> Result:
    files = {f"s{n}.yaml": {"source": source_block(f"s{n}", "2026-01-20"), "claims": [body]}
             for n, body in enumerate(bodies)}  # fmt: skip
    if rules is None:
        claims, rules = write_corpus(folder, files, RELATIONS)
    else:
        claims = folder / "claims"
        claims.mkdir(parents=True)
        for name, document in files.items():
            (claims / name).write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    return run([claims], rules)


def test_a_measured_figure_is_shown_with_its_date_and_stays_fixed(tmp_path):
    result = _run(tmp_path, [claim("a", "signatories", 65, as_of="2019"), claim("b", "signatories", 65, as_of="2024")])
    assert [f for f in result.findings if not f.subject] == []
    (finding,) = [f for f in result.findings if f.check == "corroboration"]
    assert {ref.time for ref in finding.claims} == {"measured 2019", "measured 2024"}


def test_two_measured_figures_that_differ_still_contradict(tmp_path):
    """The near-miss: a date of measurement does not make the figure one that changes over time."""
    result = _run(tmp_path, [claim("a", "signatories", 65, as_of="2019"), claim("b", "signatories", 72, as_of="2024")])
    assert [f.verdict for f in result.findings if f.check == "value-conflict"] == ["contradiction"]


def test_a_period_on_a_fixed_figure_is_still_refused(tmp_path):
    (problem,) = [f for f in _run(tmp_path, [claim("a", "signatories", 65, period="2019")]).findings if not f.subject]
    assert "does not change over time" in problem.message and "`as_of` may say when" in problem.hint


@pytest.mark.parametrize("other, verdict", [(65, None), (72, "contradiction")])
def test_the_seeds_convention_signatories_measured_at_the_opening(tmp_path, other, verdict):
    bodies = [claim("s", "convention_signatories_at_opening", 65, subject="vietnam", as_of="2025-10-25"),
              claim("s", "convention_signatories_at_opening", other, subject="vietnam")]  # fmt: skip
    result = _run(tmp_path, bodies, ROOT / "rules")
    assert [f for f in result.findings if not f.subject] == []
    assert [f.verdict for f in result.findings if f.check == "value-conflict"] == ([verdict] if verdict else [])
