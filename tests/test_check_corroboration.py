"""corroboration: agreement counted once per origin."""

from __future__ import annotations

import pytest

from conftest import claim, source_block


def _source(source_id: str, origin: str | None, value, **extra):
    block = source_block(source_id, "2026-01-30", **({"origin": origin} if origin else {}))
    return {"source": block, "claims": [claim("c", "partners", value, as_of="2025-12-31", **extra)]}


CASES = [
    # (case, [(source, origin, value, extra)], expected (sources, origins) or None)
    ("one-source-is-no-corroboration", [("a", "ministry", 42, {})], None),
    ("same-origin-twice", [("a", "ministry", 42, {}), ("b", "ministry", 42, {})], (2, 1)),
    ("two-origins", [("a", "ministry", 42, {}), ("b", "press-office", 42, {})], (2, 2)),
    ("no-origin-means-the-source-itself", [("a", None, 42, {}), ("b", None, 42, {})], (2, 2)),
    ("approximate-agreement-counts", [("a", "ministry", 42, {"precision": "nearly"}), ("b", "press-office", 41, {})], (2, 2)),
    ("disagreement-is-not-corroboration", [("a", "ministry", 42, {}), ("b", "press-office", 40, {})], None),
]


@pytest.mark.parametrize("case, sides, expected", CASES, ids=[c[0] for c in CASES])
def test_corroboration(corpus, case, sides, expected):
    files = {f"{s}.yaml": _source(s, origin, value, **extra) for s, origin, value, extra in sides}
    found = [f for f in corpus(files).findings if f.check == "corroboration"]
    if expected is None:
        assert found == []
        return
    (finding,) = found
    sources, origins = expected
    assert len({ref.source for ref in finding.claims}) == sources
    assert len({ref.origin for ref in finding.claims}) == origins
    assert ("not independent" in finding.note) == (origins == 1)
    assert finding.severity == "info"


def test_different_times_do_not_corroborate(corpus):
    files = {
        "a.yaml": {"source": source_block("a", "2025-07-01"), "claims": [claim("c", "partners", 13, as_of="2025-06-30")]},
        "b.yaml": {"source": source_block("b", "2026-01-01"), "claims": [claim("c", "partners", 13, as_of="2025-12-31")]},
    }
    assert [f for f in corpus(files).findings if f.check == "corroboration"] == []


def _at(source_id: str, time: dict, value, metric: str = "partners", **extra):
    return {"source": source_block(source_id, "2026-01-30"), "claims": [claim("c", metric, value, **time, **extra)]}


def _corroborated(corpus, files, vocabulary=None) -> list[set[str]]:
    result = corpus(files, vocabulary) if vocabulary else corpus(files)
    return [{ref.source for ref in f.claims} for f in result.findings if f.check == "corroboration"]


def test_a_time_told_less_precisely_corroborates_the_finer_time_it_holds(corpus):
    """"As of 2025-12" holds only "as of 2025-12-31": one time told at two precisions, so 14 and 14 agree."""
    files = {"a.yaml": _at("a", {"as_of": "2025-12"}, 14), "b.yaml": _at("b", {"as_of": "2025-12-31"}, 14)}
    result = corpus(files)
    (finding,) = [f for f in result.findings if f.check == "corroboration"]
    assert {ref.source for ref in finding.claims} == {"a", "b"} and "2025-12-31" in finding.message
    assert [f for f in result.findings if f.check == "value-conflict"] == []


def test_a_span_holding_two_finer_times_corroborates_neither(corpus):
    """The near-miss: "as of 2025" holds both 30 June and 31 December, which are two times, not one."""
    files = {
        "a.yaml": _at("a", {"as_of": "2025"}, 14),
        "b.yaml": _at("b", {"as_of": "2025-06-30"}, 14),
        "c.yaml": _at("c", {"as_of": "2025-12-31"}, 14),
    }
    assert _corroborated(corpus, files) == []


def test_periods_of_a_flow_do_not_corroborate_by_nesting(corpus):
    """The near-miss for flows: the visits of 2025-H1 are another figure than the visits of 2025."""
    files = {"a.yaml": _at("a", {"period": "2025"}, 9, "visits"), "b.yaml": _at("b", {"period": "2025-H1"}, 9, "visits")}
    assert _corroborated(corpus, files) == []


def test_a_bound_covering_part_of_an_approximate_figure_corroborates_nothing(corpus):
    """"More than 2.5" and "about 2.5" (2.45-2.55) are undetermined, not confirmation; "more than 2.4" confirms."""
    partly = {"a.yaml": _at("a", {"as_of": "2025-12-31"}, 2.5, "level", precision="about"),
              "b.yaml": _at("b", {"as_of": "2025-12-31"}, 2.5, "level", precision="more-than")}  # fmt: skip
    assert _corroborated(corpus, partly) == []
    wholly = {"a.yaml": partly["a.yaml"], "b.yaml": _at("b", {"as_of": "2025-12-31"}, 2.4, "level", precision="more-than")}
    assert _corroborated(corpus, wholly) == [{"a", "b"}]


@pytest.mark.parametrize(
    "values, metric, expected",
    [
        ([40, {"min": 40, "max": 50}, 50], "partners", [{"a", "b"}]),  # b meets a and c; a and c disagree
        ([50, {"min": 40, "max": 50}, 40], "partners", [{"b", "c"}]),  # the same, named the other way round
        ([40, {"min": 40, "max": 50}, 45], "partners", [{"a", "b"}]),
        ([44, {"min": 40, "max": 50}, 45, {"min": 43, "max": 46}], "partners", [{"a", "b", "d"}]),  # 44–44 shared
        # a partial list agrees with the longer lists that hold it, which disagree: it joins the first of them, in
        # the order of their values (latveria before ruritania)
        ([["freedonia", "sylvania"], ["freedonia", "sylvania", "ruritania"], ["freedonia", "sylvania", "latveria"]],
         "members", [{"a", "c"}]),
    ],
    ids=["a chain of three numbers", "the chain named backwards", "45 beside 40", "four", "lists"],
)  # fmt: skip
def test_figures_that_disagree_corroborate_nothing_together(corpus, values, metric, expected):
    """Agreement is not passed along: 40 and 50 both agree with "40 to 50", not with each other, so the three
    are no figure confirmed three times (the first two are, as the lowest group that agrees throughout)."""
    from conftest import RELATIONS

    files = {
        f"{name}.yaml": _at(name, {"as_of": "2025-12-31"}, value, metric,
                            **({"precision": "range"} if isinstance(value, dict) else {}))
        for name, value in zip("abcd"[: len(values)], values, strict=True)
    }  # fmt: skip
    assert _corroborated(corpus, files, RELATIONS) == expected
