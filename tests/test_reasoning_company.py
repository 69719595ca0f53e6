"""The reasoning of value-conflict and corroboration on claims of the company example's domain (its rules), each
case beside a near-miss where the checks must stay quiet or judge otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.corpus.result import Result
from checker.engine import run

from conftest import ROOT, claim, source_block

RULES = ROOT / "examples" / "company" / "rules"
COMPANY = "halvard-rail"


def _check(folder: Path, claims: list[tuple[str, dict[str, Any]]], rules: Path = RULES) -> Result:
    (folder / "claims").mkdir(parents=True)
    for number, (published, body) in enumerate(claims):
        document = {"source": source_block(f"s{number}", published), "claims": [body]}
        (folder / "claims" / f"s{number}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    result = run([folder / "claims"], rules)
    assert [f for f in result.findings if not f.subject] == []
    return result


def _verdicts(result: Result, check: str) -> list[str]:
    return [f.verdict for f in result.findings if f.check == check]


def _employees(value: int, **extra: Any) -> dict[str, Any]:
    return claim("staff", "employees", value, subject=COMPANY, **extra)


@pytest.mark.parametrize(
    "basis, verdict",
    [(None, "undetermined"), ("headcount", "scope")],  # the near-miss: both say which they count
)
def test_a_basis_left_unstated_without_a_default(tmp_path, basis, verdict):
    """With the rules' default for `basis` taken away, a headcount that does not say its basis is undetermined
    against full-time equivalents; one that says "headcount" counts another thing (scope)."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    text = (rules / "company.yaml").read_text("utf-8")
    (rules / "company.yaml").write_text(text.replace("        default: headcount\n", "", 1), "utf-8")
    said = {"scope": {"basis": basis}} if basis else {}
    result = _check(tmp_path / "run", [("2026-02-12", _employees(920, as_of="2025-12-31", **said)),
                                       ("2026-03-01", _employees(845, as_of="2025-12-31", scope={"basis": "fte"}))],
                    rules)  # fmt: skip
    assert _verdicts(result, "value-conflict") == [verdict]


@pytest.mark.parametrize(
    "times, corroborated",
    [(["2025-12", "2025-12-31"], 1), (["2025", "2025-06-30", "2025-12-31"], 0)],  # the near-miss: two days in 2025
)
def test_a_headcount_told_at_two_precisions(tmp_path, times, corroborated):
    result = _check(tmp_path, [("2026-02-12", _employees(920, as_of=when)) for when in times])
    assert _verdicts(result, "corroboration") == ["corroboration"] * corroborated


@pytest.mark.parametrize(
    "bound, verdict",
    [(900, "undetermined"), (840, None), (960, "contradiction")],  # "about 900" stands for 850-950 as written
)
def test_a_bound_beside_about_900(tmp_path, bound, verdict):
    result = _check(tmp_path, [("2026-01-20", _employees(900, as_of="2025-12-31", precision="about")),
                               ("2026-02-12", _employees(bound, as_of="2025-12-31", precision="more-than"))])  # fmt: skip
    assert _verdicts(result, "value-conflict") == ([verdict] if verdict else [])
    assert _verdicts(result, "corroboration") == (["corroboration"] if verdict is None else [])
