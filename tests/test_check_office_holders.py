"""office-holders: holders conflict only when their times coincide."""

from __future__ import annotations

import pytest

from conftest import claim, findings_of, one_source

CASES = [
    # (case, [(source, published, holder, as_of or None)], expected verdicts)
    ("change-between-dates", [("a", "2025-07-01", "rufus", None), ("b", "2026-01-30", "chicolini", None)], ["timing"]),
    (
        "same-day-two-holders",
        [("a", "2026-01-30", "rufus", None), ("b", "2026-01-30", "chicolini", None)],
        ["contradiction"],
    ),
    (
        "spelling-variants-are-one-holder",
        [("a", "2026-01-30", "Rufus Fireflý", None), ("b", "2026-01-30", "rufus-firefly", None)],
        [],
    ),
    (
        "undated-overlap-is-undetermined",
        [("a", None, "rufus", "2025-10/2026-02"), ("b", "2026-01-30", "chicolini", None)],
        ["undetermined"],
    ),
    (
        "one-change-reported-once",
        [
            ("a", "2025-06-01", "rufus", None),
            ("b", "2025-07-01", "rufus", None),
            ("c", "2026-01-30", "chicolini", None),
            ("d", "2026-02-10", "chicolini", None),
        ],
        ["timing"],
    ),
    (
        "return-to-office-is-flagged",
        [
            ("a", "2025-06-01", "rufus", None),
            ("b", "2025-09-01", "chicolini", None),
            ("c", "2026-01-30", "rufus", None),
        ],
        ["timing", "undetermined"],
    ),
]


@pytest.mark.parametrize("case, sides, expected", CASES, ids=[c[0] for c in CASES])
def test_office_holders(corpus, case, sides, expected):
    files = {}
    for source, published, holder, as_of in sides:
        extra = {"as_of": as_of} if as_of else {}
        files[f"{source}.yaml"] = one_source(source, published, claim("m", "minister", holder, **extra))
    result = corpus(files)
    assert [f for f in result.findings if not f.subject] == []
    assert sorted(f.verdict for f in findings_of(result, "office-holders")) == sorted(expected)
    assert findings_of(result, "value-conflict") == []


def test_change_names_both_dates(corpus):
    files = {
        "a.yaml": one_source("a", "2025-07-01", claim("m", "minister", "rufus")),
        "b.yaml": one_source("b", "2026-01-30", claim("m", "minister", "chicolini")),
    }
    (finding,) = findings_of(corpus(files), "office-holders")
    assert "changed hands between 1 July 2025" in finding.note and "30 January 2026" in finding.note


def test_two_changes_to_one_holder_from_one_date_have_their_own_fingerprints(corpus):
    # rufus, chicolini from January 2025, rufus again in the first half, chicolini over 2025 (also from January)
    sides = [
        ("a", "rufus", "2024"),
        ("b", "chicolini", "2025-01"),
        ("c", "rufus", "2025-H1"),
        ("d", "chicolini", "2025"),
    ]
    files = {
        f"{s}.yaml": one_source(s, "2026-01-30", claim("m", "minister", holder, as_of=when))
        for s, holder, when in sides
    }
    found = findings_of(corpus(files), "office-holders")
    to_chicolini = [f for f in found if f.message.startswith("Rufus")]
    assert len(to_chicolini) == 2 and len({f.message for f in to_chicolini}) == 2
    assert len({f.fingerprint for f in found}) == len(found) == 3


def _tenures(corpus, middle: dict) -> list[tuple[str, str]]:  # noqa: ANN001
    """Rufus (30 June 2025), Chicolini (30 January 2026), a middle source, Chicolini again (15 March 2026)."""
    from conftest import source_block

    files = {
        "a.yaml": {"source": source_block("a", "2025-07-01"), "claims": [claim("m", "minister", "rufus", as_of="2025-06-30")]},
        "b.yaml": {"source": source_block("b", "2026-01-30"),
                   "claims": [claim("m", "minister", "chicolini", as_of="2026-01-30")]},
        "c.yaml": middle,
        "d.yaml": {"source": source_block("d", "2026-03-15"),
                   "claims": [claim("m", "minister", "chicolini", as_of="2026-03-15")]},
    }  # fmt: skip
    return [(f.verdict, f.note) for f in findings_of(corpus(files), "office-holders")]


def test_an_estimated_time_across_a_change_is_no_return(corpus):
    """An undated source (estimated December to February) naming the old holder straddles the change of 30 January:
    that is undetermined once, and the new holder named after it did not "return"."""
    from conftest import source_block

    undated = source_block("c", None, undated={"estimate": "2025-12/2026-02", "argument": "the winter session"})
    found = _tenures(corpus, {"source": undated, "claims": [claim("m", "minister", "rufus")]})
    assert sorted(verdict for verdict, _ in found) == ["timing", "undetermined"]
    assert not any("a return" in note for _, note in found)


def test_a_dated_holder_between_two_dates_of_another_is_still_a_possible_return(corpus):
    """The near-miss: Rufus dated 20 February, between Chicolini's two dates, is flagged as before."""
    from conftest import source_block

    dated = {"source": source_block("c", "2026-02-20"), "claims": [claim("m", "minister", "rufus", as_of="2026-02-20")]}
    found = _tenures(corpus, dated)
    assert any(verdict == "undetermined" and "a return, or a wrong date" in note for verdict, note in found)


def test_offices_of_two_scopes_are_two_offices(corpus):
    """The men's coach and the women's, named on one day, are no clash; a change within one scope still is one."""
    from conftest import VOCABULARY

    coach = {"label": "head coach", "kind": "entity", "time": "stock",
             "scope": {"team": {"values": ["men", "women"], "default": "men"}}}  # fmt: skip
    vocabulary = dict(VOCABULARY, metrics=dict(VOCABULARY["metrics"], coach=coach))
    files = {
        "a.yaml": one_source("a", "2026-01-30", claim("c", "coach", "rufus")),
        "b.yaml": one_source("b", "2026-01-30", claim("c", "coach", "chicolini", scope={"team": "women"})),
    }
    assert findings_of(corpus(files, vocabulary), "office-holders") == []
    files["c.yaml"] = one_source("c", "2026-01-30", claim("c", "coach", "sylvania", scope={"team": "women"}))
    (clash,) = findings_of(corpus(files, vocabulary), "office-holders")
    assert clash.verdict == "contradiction" and {r.source for r in clash.claims} == {"b", "c"}
