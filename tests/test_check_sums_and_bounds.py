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


MONEY = {
    "metrics": {
        "income": {"label": "net income", "kind": "amount", "time": "flow", "unit": "USD"},
        "income_a": {"label": "income of unit A", "kind": "amount", "time": "flow", "unit": "USD"},
        "income_b": {"label": "income of unit B", "kind": "amount", "time": "flow", "unit": "USD"},
        "exports": {"label": "export sales", "kind": "amount", "time": "flow", "unit": "USD"},
        "sales": {"label": "net sales", "kind": "amount", "time": "flow", "unit": "USD"},
    },
    "entities": {"acme": {"name": "Acme", "kind": "company"}},
    "relations": [
        {"kind": "sum", "id": "units", "total": "income", "parts": ["income_a", "income_b"]},
        {"kind": "bound", "id": "exports-within", "lower": "exports", "upper": "sales"},
    ],
}


def _money(metric: str, value: float, **more: object) -> dict:
    return claim(f"{metric}-{value}", metric, value, subject="acme", unit="million USD", period="2025", **more)


@pytest.mark.parametrize(
    "claims, expected",
    [
        ([_money("exports", 500, precision="more-than"), _money("sales", 500)], ["contradiction"]),
        ([_money("exports", 500, precision="at-most"), _money("sales", 500)], ["consistent"]),
        ([_money("income", 200), _money("income_a", 300)], ["contradiction"]),  # no figure says losses occur
        ([_money("income", -100), _money("income_a", -50)], []),
        ([_money("income", 200), _money("income_a", 300), _money("income_b", -100)], ["consistent"]),
        ([_money("income", 200), _money("income_a", 150)], ["consistent"]),
    ],
    ids=["more than is beyond", "at most meets", "a part above the total", "losses", "a loss among the parts",
         "a part within"],
)  # fmt: skip
def test_open_ends_and_losses(corpus, claims, expected):
    """"more than 500" is beyond 500; where a figure is below zero the parts not stated may be losses, so the
    parts stated bound nothing."""
    result = corpus({"a.yaml": one_source("src", "2026-01-12", *claims)}, MONEY)
    assert [f for f in result.findings if not f.subject] == []
    assert sorted(f.verdict for f in findings_of(result, "sum-and-bound")) == expected


MARKETS = {
    "metrics": {
        "exports": {
            "label": "exports",
            "kind": "count",
            "time": "fixed",
            "scope": {"market": {"values": ["all", "eu"], "default": "all"}},
        },
        "imports": {"label": "imports", "kind": "count", "time": "fixed"},
        "trade": {"label": "trade", "kind": "count", "time": "fixed"},
    },
    "entities": {"freedonia": {"name": "Freedonia", "kind": "country"}},
    "relations": [{"kind": "sum", "id": "trade", "total": "trade", "parts": ["exports", "imports"], "exact": False}],
}


@pytest.mark.parametrize("with_eu", [False, True], ids=["all-only", "eu-beside"])
def test_a_term_without_a_scope_is_the_metric_in_its_default_scope(corpus, with_eu):
    """90 exports (all markets) + 30 imports exceed a trade of 100, whether or not the EU's 10 of those exports are
    stated too: a term that names no market is the default market's figure, and the EU's must not widen it."""
    claims = [claim("t", "trade", 100), claim("x", "exports", 90), claim("i", "imports", 30)]
    if with_eu:
        claims.append(claim("e", "exports", 10, scope={"market": "eu"}))
    result = corpus({"a.yaml": one_source("src", "2026-01-12", *claims)}, MARKETS)
    assert [f for f in result.findings if not f.subject] == []
    (found,) = findings_of(result, "sum-and-bound")
    assert found.verdict == "contradiction", found.note
    assert "90 exports + 30 imports = 120 > 100 trade" in found.note
    assert {r.claim for r in found.claims} == {"t", "x", "i"}


REGIONS = {
    "metrics": {
        "visits": {"label": "visits", "kind": "count", "time": "flow"},
        "north": {"label": "visits to the north", "kind": "count", "time": "flow"},
        "south": {"label": "visits to the south", "kind": "count", "time": "flow"},
    },
    "entities": {"freedonia": {"name": "Freedonia", "kind": "country"}},
    "relations": [{"kind": "sum", "id": "by-region", "total": "visits", "parts": ["north", "south"]}],
}


@pytest.mark.parametrize(
    "total, north, verdict",
    [
        (("2025-07-10", 10), ("2026-01-12", 8), None),  # the total counted to July bounds nothing
        (("2026-01-12", 10), ("2026-01-12", 8), "contradiction"),  # the near miss: 8 + 5 > 10 for the year
        (("2026-01-12", 20), ("2025-07-10", 8), "consistent"),  # north so far: 8 + 10 = 18 only bounds 20 below
        (("2026-01-12", 20), ("2026-01-12", 8), "contradiction"),  # the near miss: 8 + 10 = 18 ≠ 20
    ],
)
def test_a_figure_counted_only_so_far_bounds_a_sum_from_below_only(corpus, total, north, verdict):
    """A figure for 2025 in an article of 10 July counts the year so far: as a total it is no limit, as a part it
    is at least what the part came to."""
    south = 5 if total[1] == 10 else 10
    files = {
        "t.yaml": one_source("t", total[0], claim("t", "visits", total[1], period="2025")),
        "n.yaml": one_source("n", north[0], claim("n", "north", north[1], period="2025")),
        "s.yaml": one_source("s", "2026-01-12", claim("s", "south", south, period="2025")),
    }
    result = corpus(files, REGIONS)
    assert [f for f in result.findings if not f.subject] == []
    assert [f.verdict for f in findings_of(result, "sum-and-bound")] == ([verdict] if verdict else [])
    if verdict == "consistent":
        assert "counted only so far: visits to the north" in findings_of(result, "sum-and-bound")[0].note


def test_figures_counted_so_far_to_one_day_are_held_to_each_other(corpus):
    """One article of 10 July gives the year so far and its parts so far: 8 + 5 is not 10 on that day either."""
    article = one_source("t", "2025-07-10", claim("t", "visits", 10, period="2025"),
                         claim("n", "north", 8, period="2025"), claim("s", "south", 5, period="2025"))  # fmt: skip
    found = findings_of(corpus({"t.yaml": article}, REGIONS), "sum-and-bound")
    assert [f.verdict for f in found] == ["contradiction"] and "8 visits to the north + 5" in found[0].note
    later = one_source("n", "2025-08-10", claim("n", "north", 8, period="2025"))  # counted further: no bound
    files = {"t.yaml": one_source("t", "2025-07-10", claim("t", "visits", 10, period="2025"),
                                  claim("s", "south", 5, period="2025")), "n.yaml": later}  # fmt: skip
    assert findings_of(corpus(files, REGIONS), "sum-and-bound") == []


@pytest.mark.parametrize(
    "total_source, parts_published",
    [
        ({"published": "2025-07"}, "2025-07-25"),  # some day of July: perhaps the first, before the parts' day
        ({"published": "2025-07"}, "2025-07"),  # two articles of July: perhaps of different days
        ({"undated": {"estimate": "2025-07-10", "argument": "no date line"}}, "2025-07-10"),  # a day only estimated
    ],
)
def test_a_total_counted_so_far_to_a_day_not_surely_known_holds_no_part(corpus, total_source, parts_published):
    total = one_source("t", "2025-07-01", claim("t", "visits", 10, period="2025", to_date=True))
    total["source"].pop("published")
    total["source"].update(total_source)
    parts = one_source("p", parts_published, claim("n", "north", 8, period="2025"), claim("s", "south", 5, period="2025"))
    result = corpus({"t.yaml": total, "p.yaml": parts}, REGIONS)
    assert [f for f in result.findings if not f.subject] == []
    assert findings_of(result, "sum-and-bound") == []
