"""implied-values: what a source's own figures imply, checked against other sources."""

from __future__ import annotations

import pytest

from conftest import RELATIONS, claim, findings_of, one_source

TITLES = [claim("total", "titles", 77, as_of="2025-12-31"), claim("added", "titles_added", 7, period="2025")]


def test_change_implies_the_earlier_stock(corpus):
    result = corpus({"a.yaml": one_source("a", "2026-01-30", *TITLES)}, RELATIONS)
    (finding,) = findings_of(result, "implied-values")
    assert finding.verdict == "implied" and finding.metric == "titles"
    assert "77" in finding.note and "− 7" in finding.note and "= 70" in finding.note and "2024-12-31" in finding.note


@pytest.mark.parametrize("other, verdict", [(70, None), (72, "contradiction")], ids=["agrees", "contradicts"])
def test_implied_value_is_checked_against_other_sources(corpus, other, verdict):
    files = {
        "a.yaml": one_source("a", "2026-01-30", *TITLES),
        "b.yaml": one_source("b", "2025-01-05", claim("t", "titles", other, as_of="2024-12-31")),
    }
    result = corpus(files, RELATIONS)
    conflicts = findings_of(result, "value-conflict")
    assert [f.verdict for f in conflicts if f.verdict != "timing"] == ([verdict] if verdict else [])
    if verdict:
        (implied_ref,) = [r for r in conflicts[0].claims if r.derivation]
        assert "77" in implied_ref.derivation and implied_ref.value == "70 (implied)"


def test_list_as_change(corpus):
    claims = [claim("a", "tier_a", 14, as_of="2025-12-31"),
              claim("new", "raised_to_a", ["ruritania", "latveria"], period="2025", complete=True)]
    result = corpus({"a.yaml": one_source("a", "2026-01-30", *claims)}, RELATIONS)
    (finding,) = findings_of(result, "implied-values")
    assert "= 12" in finding.note and "Ruritania" in finding.note


def test_bound_change_gives_a_range(corpus):
    claims = [claim("t", "frameworks", 42, as_of="2025-12-31"), claim("u", "upgraded", 17, period="2025")]
    (finding,) = findings_of(corpus({"a.yaml": one_source("a", "2026-01-30", *claims)}, RELATIONS), "implied-values")
    assert "25–42" in finding.note and "at least" in finding.note


def test_ratio_implies_previous_period(corpus):
    claims = [claim("n", "agreements", 350, precision="nearly", period="2025"),
              claim("r", "agreements_ratio", 2.5, period="2025")]
    (finding,) = findings_of(corpus({"a.yaml": one_source("a", "2026-01-30", *claims)}, RELATIONS), "implied-values")
    assert "138–140 in 2024" in finding.note  # nearly 350, as written: 345-350


def test_inputs_from_different_sources_imply_nothing(corpus):
    files = {"a.yaml": one_source("a", "2026-01-30", TITLES[0]), "b.yaml": one_source("b", "2026-01-30", TITLES[1])}
    assert findings_of(corpus(files, RELATIONS), "implied-values") == []


def test_misaligned_times_imply_nothing(corpus):
    claims = [claim("total", "titles", 77, as_of="2025-06-30"), claim("added", "titles_added", 7, period="2025")]
    assert findings_of(corpus({"a.yaml": one_source("a", "2026-01-30", *claims)}, RELATIONS), "implied-values") == []


def test_one_value_implied_by_two_sources_gives_two_fingerprints(corpus):
    # both sources use the same claim ids, so their implied claims have the same id
    files = {"a.yaml": one_source("a", "2026-01-30", *TITLES), "b.yaml": one_source("b", "2026-01-31", *TITLES)}
    found = findings_of(corpus(files, RELATIONS), "implied-values")
    assert sorted(f.claims[0].source for f in found) == ["a", "b"]
    assert found[0].claims[0].claim == found[1].claims[0].claim
    assert found[0].fingerprint != found[1].fingerprint
