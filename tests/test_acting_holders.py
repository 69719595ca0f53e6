"""A holder named with a qualifier ("acting minister X") is the same holder as without it: one tenure, in the
seeds' domain and the company example's, each beside a near-miss where the office does change hands."""

from __future__ import annotations

import pytest

from conftest import ROOT, claim, only_error
from conftest import check_documents as _check

#: (rules, subject, office, the holder named acting then in full, another holder)
DOMAINS = {
    "seeds": (ROOT / "rules", "vietnam", "foreign_minister", "le-hoai-trung", "bui-thanh-son"),
    "company": (ROOT / "examples" / "company" / "rules", "halvard-rail", "ceo", "asa-nyhammar", "per-ahlvik"),
}


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
    error, line = only_error(tmp_path, rules, body)
    assert "has no holder to qualify" in error.message and line.startswith("qualifier:")


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_an_acting_holder_and_the_same_holder_in_full_corroborate(tmp_path, domain):
    """One holder, named "acting" by one source and without it by another, at one time: they agree, and the claims
    show who said "acting"."""
    rules, subject, office, acting, _ = DOMAINS[domain]
    documents = [
        (
            "early",
            "2025-10-02",
            claim("holder", office, acting, subject=subject, as_of="2025-10-01", qualifier="acting"),
        ),
        ("later", "2026-01-20", claim("holder", office, acting, subject=subject, as_of="2025-10-01")),
    ]
    result = _check(tmp_path, rules, documents)
    (agreeing,) = [f for f in result.findings if f.check == "corroboration"]
    holder = result.vocabulary.entities[acting].name
    assert {c.source: c.value for c in agreeing.claims} == {"early": f"{holder} (acting)", "later": holder}
    assert [f for f in result.findings if f.check in ("office-holders", "value-conflict")] == []
