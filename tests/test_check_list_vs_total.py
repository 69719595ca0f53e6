"""list-vs-total: members listed against the stated count."""

from __future__ import annotations

import pytest

from conftest import RELATIONS, claim, findings_of, one_source

A = ["ruritania", "grand-fenwick"]
B = ["latveria", "genovia", "sylvania"]
CASES = [
    ("lists-account-for-total", 5, (True, True), False, "consistent"),
    ("shortfall-is-a-warning", 7, (False, False), True, "shortfall"),
    ("one-list-partial-is-a-shortfall", 7, (True, False), True, "shortfall"),
    ("complete-lists-of-some-members-fall-short", 7, (True, True), False, "shortfall"),
    ("complete-lists-of-every-member-fall-short", 7, (True, True), True, "contradiction"),
    ("too-many-listed-contradicts", 4, (False, False), False, "contradiction"),
]


@pytest.mark.parametrize("case, stated, complete, exact, expected", CASES, ids=[c[0] for c in CASES])
def test_list_vs_total(corpus, case, stated, complete, exact, expected):
    relations = [dict(r, exact=exact) if r["id"] == "listed" else r for r in RELATIONS["relations"]]
    files = {
        "a.yaml": one_source("a", "2026-01-12", claim("n", "upgraded", stated, period="2025")),
        "b.yaml": one_source(
            "b", "2026-01-20",
            claim("la", "raised_to_a", A, period="2025", **({"complete": True} if complete[0] else {})),
            claim("lb", "raised_to_b", B, period="2025", **({"complete": True} if complete[1] else {})),
        ),
    }  # fmt: skip
    (finding,) = findings_of(corpus(files, dict(RELATIONS, relations=relations)), "list-vs-total")
    assert finding.verdict == expected
    if expected == "shortfall":
        assert "2 of the 7 are not named" in finding.note and "partial" in finding.note
        assert finding.severity == "warning"
    if expected == "contradiction":
        said = "2 of the 7 are not named, yet the lists are complete" if stated == 7 else "1 more named"
        assert said in finding.note and finding.severity == "error"


def test_a_member_listed_twice_counts_once(corpus):
    files = {
        "a.yaml": one_source("a", "2026-01-12", claim("n", "upgraded", 2, period="2025"),
                             claim("la", "raised_to_a", A, period="2025")),
        "b.yaml": one_source("b", "2026-01-20", claim("la", "raised_to_a", A, period="2025")),
    }
    (finding,) = findings_of(corpus(files, RELATIONS), "list-vs-total")
    assert finding.verdict == "consistent"


def test_other_periods_are_not_mixed(corpus):
    files = {"a.yaml": one_source("a", "2026-01-12", claim("n", "upgraded", 2, period="2025"),
                                  claim("la", "raised_to_a", A + B, period="2024"))}
    assert findings_of(corpus(files, RELATIONS), "list-vs-total") == []


@pytest.mark.parametrize("published, verdict", [("2025-07-10", None), ("2026-01-12", "contradiction")])
def test_a_count_made_before_its_period_ended_is_no_total_for_the_lists(corpus, published, verdict):
    """One partner upgraded "in 2025", said on 10 July, counts the year so far: two named for the year are no
    contradiction of it; said in January 2026, they are."""
    files = {
        "a.yaml": one_source("a", published, claim("u", "upgraded", 1, period="2025")),
        "b.yaml": one_source("b", "2026-01-12", claim("l", "raised_to_a", ["ruritania", "latveria"], period="2025")),
    }
    result = corpus(files, RELATIONS)
    assert [f for f in result.findings if not f.subject] == []
    assert [f.verdict for f in findings_of(result, "list-vs-total")] == ([verdict] if verdict else [])


def test_lists_made_no_later_than_a_count_so_far_are_held_to_it(corpus):
    files = {
        "a.yaml": one_source("a", "2025-07-10", claim("u", "upgraded", 1, period="2025")),
        "b.yaml": one_source("b", "2025-07-10", claim("l", "raised_to_a", ["ruritania", "latveria"], period="2025")),
    }
    assert [f.verdict for f in findings_of(corpus(files, RELATIONS), "list-vs-total")] == ["contradiction"]


def test_a_count_so_far_without_a_list_of_its_period_is_no_concern(corpus):
    files = {
        "a.yaml": one_source("a", "2025-07-01", claim("u", "upgraded", 0, period="2025")),
        "b.yaml": one_source("b", "2026-01-12", claim("l", "raised_to_a", ["ruritania"], period="2024")),
    }
    result = corpus(files, RELATIONS)
    assert findings_of(result, "list-vs-total") == [] and [f for f in result.findings if not f.subject] == []
