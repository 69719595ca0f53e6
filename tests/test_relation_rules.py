"""Relations between metrics that would compare what cannot be compared are rules errors, at the relation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.vocabulary.rules import load_vocabulary

METRICS = {
    "partners": {"label": "partners", "kind": "count", "time": "stock"},
    "new_partners": {"label": "new partners", "kind": "count", "time": "flow"},
    "members": {"label": "members", "kind": "entity-set", "time": "flow"},
    "share": {"label": "share of trade", "kind": "percent", "time": "stock"},
    "trade": {"label": "trade", "kind": "amount", "time": "flow", "unit": "USD"},
    "exports": {"label": "exports", "kind": "amount", "time": "flow", "unit": "EUR"},
    "reserves": {"label": "reserves", "kind": "amount", "time": "stock", "unit": "USD"},
    "area": {"label": "area", "kind": "amount", "time": "stock", "unit": "km**2"},
    "growth": {"label": "growth", "kind": "number", "time": "flow"},
}


def _problems(tmp_path: Path, relation: dict) -> list[str]:
    (tmp_path / "rules").mkdir()
    body = {"metrics": METRICS, "relations": [{"id": "r", **relation}]}
    (tmp_path / "rules" / "rules.yaml").write_text(yaml.safe_dump(body, sort_keys=False), "utf-8")
    _, problems = load_vocabulary(tmp_path / "rules")
    assert all(p.check == "rules" and p.location is not None and p.location.line > 1 for p in problems)
    return [p.message for p in problems]


@pytest.mark.parametrize(
    "relation, said",
    [
        ({"kind": "bound", "lower": "share", "upper": "partners"}, '"share" (percent), "partners" (count)'),
        ({"kind": "sum", "total": "partners", "parts": ["share"]}, '"partners" (count), "share" (percent)'),
        ({"kind": "change", "stock": "new_partners", "change": "new_partners"}, 'stock "new_partners" is a flow'),
        ({"kind": "change", "stock": "partners", "change": "share"}, "change"),
        ({"kind": "ratio", "flow": "partners", "ratio": "growth"}, 'flow "partners" is a stock metric'),
        ({"kind": "change", "stock": "partners", "change": "trade"}, '"partners" (count), "trade" (amount)'),
        ({"kind": "bound", "lower": "area", "upper": "reserves"}, "which do not convert"),
    ],
    ids=[
        "bound-across-kinds",
        "sum-across-kinds",
        "change-of-a-flow",
        "change-that-is-a-stock",
        "ratio-of-a-stock",
        "change-of-a-count-by-money",
        "bound-of-an-area-by-money",
    ],
)
def test_a_relation_that_compares_what_cannot_be_compared_is_a_rules_error(tmp_path, relation, said):
    problems = _problems(tmp_path, relation)
    assert problems and any(said in message for message in problems), problems


@pytest.mark.parametrize(
    "relation",
    [
        {"kind": "bound", "lower": "new_partners", "upper": "partners"},
        {"kind": "sum", "total": "partners", "parts": ["partners"], "exact": False},
        {"kind": "change", "stock": "partners", "change": "new_partners"},
        {"kind": "change", "stock": "partners", "change": "members"},
        {"kind": "ratio", "flow": "trade", "ratio": "growth"},
        {"kind": "change", "stock": "reserves", "change": "trade"},
    ],
    ids=[
        "bound-of-counts",
        "sum-of-counts",
        "change-by-a-flow",
        "change-by-additions",
        "ratio-of-a-flow",
        "change-of-money-by-money",
    ],
)
def test_a_relation_of_fitting_metrics_is_no_error(tmp_path, relation):
    problems = _problems(tmp_path, relation)
    assert not [message for message in problems if "different kinds" in message or "is a stock" in message
                or "is a flow" in message or "do not convert" in message], problems  # fmt: skip
