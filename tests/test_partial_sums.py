"""A sum that sources state only in part ("A and B together number 30") checked against the declared total, in
the seeds' domain and the company example's, each beside a near-miss that fits."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.corpus.result import Result
from checker.engine import run

from conftest import ROOT, claim, source_block

#: the rules to copy, the subject, the partial sum's metric and its rules, the total and the part left out
DOMAINS: dict[str, dict[str, Any]] = {
    "seeds": {
        "rules": ROOT / "rules",
        "subject": "vietnam",
        "extra": {
            "metrics": {
                "strategic_level_partners": {
                    "label": "comprehensive strategic and strategic partners together",
                    "kind": "count",
                    "time": "stock",
                }
            },
            "relations": [
                {
                    "kind": "sum",
                    "id": "strategic-level",
                    "total": "strategic_level_partners",
                    "parts": ["comprehensive_strategic_partners", "strategic_partners"],
                }
            ],
        },
        "partial": "strategic_level_partners",
        "total": "partnership_frameworks",
        "rest": "comprehensive_partners",
    },
    "company": {
        "rules": ROOT / "examples" / "company" / "rules",
        "subject": "halvard-rail",
        "extra": {
            "metrics": {
                "depots_norway": {"label": "depots in Norway", "kind": "count", "time": "stock"},
                "depots_finland": {"label": "depots in Finland", "kind": "count", "time": "stock"},
                "depots_scandinavia": {"label": "depots in Sweden and Norway", "kind": "count", "time": "stock"},
            },
            "relations": [
                {
                    "kind": "sum",
                    "id": "depots-by-country",
                    "total": "depots",
                    "parts": ["depots_sweden", "depots_norway", "depots_finland"],
                },  # fmt: skip
                {
                    "kind": "sum",
                    "id": "depots-in-scandinavia",
                    "total": "depots_scandinavia",
                    "parts": ["depots_sweden", "depots_norway"],
                },  # fmt: skip
            ],
        },
        "partial": "depots_scandinavia",
        "total": "depots",
        "rest": "depots_finland",
    },
}


def _check(folder: Path, domain: str, partial: int, total: int, rest: dict[str, Any]) -> Result:
    case = DOMAINS[domain]
    rules = folder / "rules"
    shutil.copytree(case["rules"], rules)
    (rules / "partial-sums.yaml").write_text(yaml.safe_dump(case["extra"], sort_keys=False), "utf-8")
    subject, when = case["subject"], "2025-12-31"
    bodies = [
        ("partial", claim("partial", case["partial"], partial, subject=subject, as_of=when)),
        ("total", claim("total", case["total"], total, subject=subject, as_of=when)),
        ("rest", claim("rest", case["rest"], subject=subject, as_of=when, **rest)),
    ]
    (folder / "claims").mkdir()
    for name, body in bodies:
        document = {"source": source_block(name, "2026-01-15"), "claims": [body]}
        (folder / "claims" / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    result = run([folder / "claims"], rules)
    assert [f for f in result.findings if not f.subject] == []
    return result


def _sums(result: Result) -> list:
    return [f for f in result.findings if f.check == "sum-and-bound"]


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_two_parts_together_and_a_third_of_at_least_3_exceed_the_total(tmp_path, domain):
    result = _check(tmp_path, domain, 30, 30, {"value": 3, "precision": "at-least"})
    found = [f for f in _sums(result) if f.verdict == "contradiction"]
    assert len(found) == 1  # the declared sums alone see only part of it: the total and the part left out fit
    note = found[0].note
    assert "+ at least 3 " in note and "= at least 33 ≠ 30 " in note  # the arithmetic, with the bound of the rest
    case = DOMAINS[domain]
    assert {c.source for c in found[0].claims} == {"partial", "total", "rest"}
    assert f"({case['extra']['relations'][-1]['id']})" in note  # the sum the two parts come through


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("partial, rest", [(27, {"value": 3, "precision": "at-least"}), (30, {"value": 0})])
def test_near_misses_that_fit_the_total_stay_quiet(tmp_path, domain, partial, rest):
    """27 + at least 3 may be 30; 30 + 0 is 30: nothing to report (the declared sum, with parts missing, says
    nothing either)."""
    result = _check(tmp_path, domain, partial, 30, rest)
    assert [f.verdict for f in _sums(result) if f.verdict == "contradiction"] == []


def test_a_contradiction_of_the_declared_sum_is_not_repeated_without_the_partial_figure(tmp_path):
    """The parts stated exceed the total, and nobody states the partial sum: the declared sum says so, once."""
    result = _check(tmp_path, "company", 0, 10, {"value": 12})
    (tmp_path / "claims" / "partial.yaml").unlink()
    result = run([tmp_path / "claims"], tmp_path / "rules")
    found = [f for f in _sums(result) if f.verdict == "contradiction"]
    assert len(found) == 1 and "depots-in-scandinavia" not in found[0].note
