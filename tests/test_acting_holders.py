"""A holder named with a qualifier ("acting minister X") is the same holder as without it: one tenure, in the
seeds' domain and the company example's, each beside a near-miss where the office does change hands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.engine import run
from checker.result import Result

from conftest import ROOT, claim, source_block

#: (rules, subject, office, the holder named acting then in full, another holder)
DOMAINS = {
    "seeds": (ROOT / "rules", "vietnam", "foreign_minister", "le-hoai-trung", "bui-thanh-son"),
    "company": (ROOT / "examples" / "company" / "rules", "halvard-rail", "ceo", "asa-nyhammar", "per-ahlvik"),
}


def _check(folder: Path, rules: Path, documents: list[tuple[str, str, dict[str, Any]]]) -> Result:
    (folder / "claims").mkdir(parents=True)
    for name, published, body in documents:
        document = {"source": source_block(name, published), "claims": [body]}
        (folder / "claims" / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    result = run([folder / "claims"], rules)
    assert [f for f in result.findings if not f.subject] == []
    return result


def _tenure(domain: str, full_holder: str) -> list:
    _, subject, office, acting, _ = DOMAINS[domain]
    return [
        ("early", "2025-10-02", claim("holder", office, acting, subject=subject, qualifier="acting")),
        ("later", "2026-01-20", claim("holder", office, full_holder, subject=subject)),
    ]


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_acting_then_in_full_is_one_tenure(tmp_path, domain):
    _, subject, office, acting, _ = DOMAINS[domain]
    result = _check(tmp_path, DOMAINS[domain][0], _tenure(domain, acting))
    assert [f for f in result.findings if f.check in ("office-holders", "value-conflict")] == []
    timeline = result.timeline(subject, office)
    assert timeline is not None and {entry.value for entry in timeline.entries} == {timeline.latest.value}


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_acting_then_another_holder_is_a_change(tmp_path, domain):
    """The near-miss: the acting holder is followed by someone else: the office changed hands, and the note says
    in what capacity the first held it."""
    _, subject, office, acting, other = DOMAINS[domain]
    result = _check(tmp_path, DOMAINS[domain][0], _tenure(domain, other))
    changes = [f for f in result.findings if f.check == "office-holders"]
    assert [f.verdict for f in changes] == ["timing"]
    holder = result.vocabulary.entities[acting].name
    assert f"(acting {holder}, early)" in changes[0].note  # the holder in its capacity, then its source
    shown = {c.source: c.value for c in changes[0].claims}
    assert shown["early"] == f"{holder} (acting)" and "(" not in shown["later"]


def test_a_qualifier_on_a_value_that_is_not_a_holder_is_an_error_at_its_key(tmp_path):
    rules, subject = DOMAINS["company"][:2]
    body = claim("size", "board_size", 7, subject=subject, qualifier="acting")
    (tmp_path / "claims").mkdir()
    document = {"source": source_block("s", "2025-08-01"), "claims": [body]}
    (tmp_path / "claims" / "s.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    result = run([tmp_path / "claims"], rules)
    errors = [f for f in result.findings if f.severity == "error"]
    assert len(errors) == 1 and "has no holder to qualify" in errors[0].message
    lines = (tmp_path / "claims" / "s.yaml").read_text("utf-8").splitlines()
    assert lines[errors[0].location.line - 1].strip().startswith("qualifier:")
