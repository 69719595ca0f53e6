"""pint's standard units are known without being declared, and a metric whose unit nothing defines is one rules
error at the metric, its claims left out rather than each reported: in the test vocabulary and the company's."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.corpus.result import Result
from checker.engine import run

from conftest import ROOT, VOCABULARY, claim, source_block, write_corpus


def _lengths(unit: str) -> dict[str, Any]:
    metrics = dict(VOCABULARY["metrics"], length={"label": "border length", "kind": "amount", "time": "fixed",
                                                  "unit": unit})  # fmt: skip
    return dict(VOCABULARY, metrics=metrics)


def _two(folder: Path, vocabulary: dict[str, Any], first: dict[str, Any], second: dict[str, Any]) -> Result:
    files = {"a.yaml": {"source": source_block("src-a"), "claims": [first]},
             "b.yaml": {"source": source_block("src-b"), "claims": [second]}}  # fmt: skip
    claims, rules = write_corpus(folder, files, vocabulary)
    return run([claims], rules)


@pytest.mark.parametrize("miles, verdict", [(750, None), (800, "contradiction")])
def test_kilometres_and_miles_need_no_declaration(tmp_path, miles, verdict):
    """About 750 miles (745-755 as written) holds 1,200 km; about 800 miles (750-850) does not."""
    result = _two(tmp_path, _lengths("km"), claim("a", "length", 1200, unit="km"),
                  claim("b", "length", miles, unit="mile", precision="about"))  # fmt: skip
    assert [f for f in result.findings if not f.subject] == []
    assert [f.verdict for f in result.findings if f.check == "value-conflict"] == ([verdict] if verdict else [])


def test_a_metric_unit_nothing_defines_is_one_rules_error(tmp_path):
    result = _two(tmp_path, _lengths("furlongz"), claim("a", "length", 1200, unit="km"),
                  claim("b", "length", 750, unit="mile"))  # fmt: skip
    errors = [f for f in result.findings if f.severity == "error"]
    assert len(errors) == 1 and errors[0].check == "rules"
    assert 'metric "length"' in errors[0].message and "not compared" in errors[0].message
    assert errors[0].location is not None and errors[0].location.path.endswith("vocabulary.yaml")


@pytest.mark.parametrize("unit, errors", [("km", 0), ("verst_z", 1)])
def test_the_company_domain_with_track_lengths(tmp_path, unit, errors):
    """The company's rules with a metric of track maintained: kilometres and miles compare; the near-miss, a unit
    nothing defines, is one rules error, while the company's other metrics are still checked."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "examples" / "company" / "rules", rules)
    track = {"label": "track maintained", "kind": "amount", "time": "stock", "unit": unit}
    (rules / "tracks.yaml").write_text(yaml.safe_dump({"metrics": {"track_maintained": track}}), "utf-8")
    (tmp_path / "claims").mkdir()
    for name, value, written in (("a", 3200, "km"), ("b", 1990, "mile")):
        body = claim("t", "track_maintained", value, subject="halvard-rail", unit=written, as_of="2025-12-31",
                     precision="about" if written == "mile" else "exact")  # fmt: skip
        depots = claim("d", "depots", 12, subject="halvard-rail", as_of="2025-12-31", quote="12 depots")
        document = {"source": source_block(name, "2026-01-20"), "claims": [body, depots]}
        (tmp_path / "claims" / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    result = run([tmp_path / "claims"], rules)
    assert len([f for f in result.findings if f.severity == "error"]) == errors
    assert [f for f in result.findings if f.check == "value-conflict"] == []
    assert any(f.check == "corroboration" and f.metric == "depots" for f in result.findings)
