"""sum-and-bound: declared arithmetic between metrics, at each time its inputs meet."""

from __future__ import annotations

import pytest

from conftest import RELATIONS, claim, findings_of, one_source

END = "2025-12-31"
CASES = [
    # (case, claims of one source, expected verdicts of sum-and-bound)
    ("sum-holds", [claim("t", "frameworks", 42, as_of=END), claim("a", "tier_a", 14, as_of=END),
                   claim("b", "tier_b", 28, as_of=END)], ["consistent", "consistent"]),
    ("sum-broken", [claim("t", "frameworks", 42, as_of=END), claim("a", "tier_a", 14, as_of=END),
                    claim("b", "tier_b", 30, as_of=END)], ["consistent", "contradiction"]),
    ("sum-partial-holds-as-lower-bound", [claim("t", "frameworks", 42, as_of=END), claim("b", "tier_b", 30, as_of=END)],
     ["consistent"]),
    ("sum-partial-already-too-big", [claim("t", "frameworks", 42, as_of=END), claim("b", "tier_b", 50, as_of=END)],
     ["contradiction"]),
    ("approximate-parts-can-meet", [claim("t", "frameworks", 42, as_of=END),
                                    claim("a", "tier_a", 12, precision="about", as_of=END),
                                    claim("b", "tier_b", 30, as_of=END)], ["consistent", "consistent"]),
    ("bound-broken", [claim("t", "frameworks", 10, as_of=END), claim("a", "tier_a", 14, as_of=END)],
     ["contradiction", "contradiction"]),
    ("different-times-are-not-combined", [claim("t", "frameworks", 10, as_of=END),
                                          claim("a", "tier_a", 14, as_of="2025-06-30")], []),
    ("regions-within-all", [claim("all", "signatories", 64), claim("e", "signatories", 19, scope={"region": "east"}),
                            claim("w", "signatories", 19, scope={"region": "west"})], ["consistent"]),
    ("regions-exceed-all", [claim("all", "signatories", 30), claim("e", "signatories", 19, scope={"region": "east"}),
                            claim("w", "signatories", 19, scope={"region": "west"})], ["contradiction"]),
]


@pytest.mark.parametrize("case, claims, expected", CASES, ids=[c[0] for c in CASES])
def test_sums_and_bounds(corpus, case, claims, expected):
    result = corpus({"a.yaml": one_source("src", "2026-01-12", *claims)}, RELATIONS)
    assert [f for f in result.findings if not f.subject] == []
    assert sorted(f.verdict for f in findings_of(result, "sum-and-bound")) == sorted(expected)


def test_the_arithmetic_is_shown(corpus):
    claims = [claim("t", "frameworks", 42, as_of=END), claim("a", "tier_a", 14, as_of=END), claim("b", "tier_b", 30, as_of=END)]
    result = corpus({"a.yaml": one_source("src", "2026-01-12", *claims)}, RELATIONS)
    (broken,) = [f for f in findings_of(result, "sum-and-bound") if f.verdict == "contradiction"]
    assert "14 tier A partners + 30 tier B partners = 44 ≠ 42 frameworks" in broken.note
    assert broken.severity == "error" and broken.metric == "frameworks"


def test_claims_from_several_sources_combine(corpus):
    files = {
        "a.yaml": one_source("a", "2026-01-12", claim("t", "frameworks", 42, as_of=END)),
        "b.yaml": one_source("b", "2026-01-20", claim("a", "tier_a", 14, as_of=END), claim("b", "tier_b", 28, as_of=END)),
    }
    result = corpus(files, RELATIONS)
    (total,) = [f for f in findings_of(result, "sum-and-bound") if "sum" in f.message]
    assert total.verdict == "consistent" and {r.source for r in total.claims} == {"a", "b"}
