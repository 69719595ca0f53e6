"""value-conflict: each row is two sources' claims in, the verdict out (None: no finding)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import claim, one_source, source_block

# (case id, (published A, claim A), (published B, claim B), expected verdict)
CASES: list[tuple[str, tuple, tuple, Any]] = [
    (
        "equal-values-agree",
        ("2026-01-10", claim("a", "partners", 14, as_of="2025-12-31")),
        ("2026-01-12", claim("b", "partners", 14, as_of="2025-12-31")),
        None,
    ),
    (
        "nearly-agrees-with-exact",
        ("2026-01-10", claim("a", "partners", 350, precision="nearly", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "partners", 350, as_of="2025-12-31")),
        None,
    ),
    (
        "nearly-excludes-above",
        ("2026-01-10", claim("a", "partners", 350, precision="nearly", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "partners", 351, as_of="2025-12-31")),
        "contradiction",
    ),
    (
        "more-than-excludes-lower",
        ("2026-01-10", claim("a", "partners", 70, precision="more-than", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "partners", 68, as_of="2025-12-31")),
        "contradiction",
    ),
    (
        "more-than-count-excludes-itself",
        ("2026-01-10", claim("a", "partners", 70, precision="more-than", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "partners", 70, as_of="2025-12-31")),
        "contradiction",
    ),
    (
        "more-than-admits-higher",
        ("2026-01-10", claim("a", "partners", 70, precision="more-than", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "partners", 73, as_of="2025-12-31")),
        None,
    ),
    (  # "about 9" is what rounds to 9: 8.5 to 9.5
        "about-within-its-written-precision",
        ("2026-01-10", claim("a", "level", 9.0, precision="about", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "level", 9.4, as_of="2025-12-31")),
        None,
    ),
    (
        "about-beyond-its-written-precision",
        ("2026-01-10", claim("a", "level", 9.0, precision="about", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "level", 9.6, as_of="2025-12-31")),
        "contradiction",
    ),
    (  # a figure written to tenths is precise to a twentieth either way: 2.45 to 2.55
        "about-tenths-against-a-bound-beyond-them",
        ("2026-01-10", claim("a", "level", 2.5, precision="about", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "level", 2.8, precision="more-than", as_of="2025-12-31")),
        "contradiction",
    ),
    (
        "bound-covering-part-of-an-approximation",
        ("2026-01-10", claim("a", "level", 2.5, precision="about", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "level", 2.5, precision="more-than", as_of="2025-12-31")),
        "undetermined",
    ),
    (  # the near-miss: the bound admits all of 2.45 to 2.55
        "bound-covering-all-of-an-approximation",
        ("2026-01-10", claim("a", "level", 2.5, precision="about", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "level", 2.4, precision="more-than", as_of="2025-12-31")),
        None,
    ),
    (
        "bound-covering-part-of-nearly",
        ("2026-01-10", claim("a", "partners", 350, precision="nearly", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "partners", 348, precision="at-least", as_of="2025-12-31")),
        "undetermined",
    ),
    (  # a round figure is precise to its last digit that is not a trailing zero: "about 300" is 250 to 350
        "round-figure-about-hundreds",
        ("2026-01-10", claim("a", "partners", 300, precision="about", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "partners", 340, as_of="2025-12-31")),
        None,
    ),
    (
        "round-figure-about-hundreds-exceeded",
        ("2026-01-10", claim("a", "partners", 300, precision="about", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "partners", 360, as_of="2025-12-31")),
        "contradiction",
    ),
    (
        "about-a-small-count-allows-one-either-way",
        ("2026-01-10", claim("a", "partners", 14, precision="about", as_of="2025-12-31")),
        ("2026-01-12", claim("b", "partners", 15, as_of="2025-12-31")),
        None,
    ),
    (
        "range-contains",
        ("2026-01-10", claim("a", "partners", {"min": 10, "max": 12}, as_of="2025-12-31")),
        ("2026-01-12", claim("b", "partners", 11, as_of="2025-12-31")),
        None,
    ),
    (
        "growth-over-time-is-timing",
        ("2025-07-01", claim("a", "partners", 13, as_of="2025-06-30")),
        ("2026-01-12", claim("b", "partners", 14, as_of="2025-12-31")),
        "timing",
    ),
    (
        "shrinking-growing-count-contradicts",
        ("2025-07-01", claim("a", "partners", 14, as_of="2025-06-30")),
        ("2026-01-12", claim("b", "partners", 13, as_of="2025-12-31")),
        "contradiction",
    ),
    (
        "free-metric-may-fall",
        ("2025-07-01", claim("a", "level", 14, as_of="2025-06-30")),
        ("2026-01-12", claim("b", "level", 13, as_of="2025-12-31")),
        "timing",
    ),
    (
        "undated-overlapping-is-undetermined",
        (None, claim("a", "partners", 38, as_of="2025-10/2026-01")),
        ("2026-01-30", claim("b", "partners", 42, as_of="2025-12-31")),
        "undetermined",
    ),
    (
        "undated-without-estimate-is-undetermined",
        (None, claim("a", "partners", 38)),
        ("2026-01-30", claim("b", "partners", 42, as_of="2025-12-31")),
        "undetermined",
    ),
    (
        "undated-but-stated-time-is-judged",
        (None, claim("a", "partners", 38, as_of="2025-03-31")),
        ("2026-01-30", claim("b", "partners", 42, as_of="2025-12-31")),
        "timing",
    ),
    (
        "default-time-is-publication",
        ("2025-07-01", claim("a", "partners", 13)),
        ("2026-01-12", claim("b", "partners", 14)),
        "timing",
    ),
    (
        "scope-differs",
        ("2026-01-10", claim("a", "treaties", 17)),
        ("2026-01-10", claim("b", "treaties", 20, scope={"stage": "any-stage"})),
        "scope",
    ),
    (
        "scope-default-equals-explicit",
        ("2026-01-10", claim("a", "treaties", 17)),
        ("2026-01-10", claim("b", "treaties", 20, scope={"stage": "in-force"})),
        "contradiction",
    ),
    (
        "flow-same-period-contradicts",
        ("2026-01-10", claim("a", "visits", 24, period="2025")),
        ("2026-01-12", claim("b", "visits", 25, period="2025")),
        "contradiction",
    ),
    # parts of periods are period-parts' and office holders are office-holders': value-conflict stays out
    (
        "flow-part-and-whole-left-to-period-parts",
        ("2025-07-10", claim("a", "visits", 20, precision="nearly", period="2025-H1")),
        ("2026-01-12", claim("b", "visits", 24, period="2025")),
        None,
    ),
    (
        "flow-separate-periods-are-different-figures",
        ("2025-07-10", claim("a", "visits", 20, period="2024")),
        ("2026-01-12", claim("b", "visits", 24, period="2025")),
        None,
    ),
    (
        "holders-left-to-office-holders",
        ("2026-01-30", claim("a", "minister", "rufus")),
        ("2026-01-30", claim("b", "minister", "chicolini")),
        None,
    ),
    (
        "fixed-dates-contradict",
        ("2026-01-30", claim("a", "founded", "1933-11")),
        ("2026-01-10", claim("b", "founded", "1934")),
        "contradiction",
    ),
    (
        "fixed-dates-at-two-precisions-agree",
        ("2026-01-30", claim("a", "founded", "1933-11")),
        ("2026-01-10", claim("b", "founded", "1933-11-04")),
        None,
    ),
    (
        "amount-magnitudes-agree",
        ("2026-01-30", claim("a", "trade", 900, unit="billion USD", period="2025")),
        ("2026-01-10", claim("b", "trade", 0.9, unit="trillion USD", period="2025")),
        None,
    ),
    (
        "amount-differs",
        ("2026-01-30", claim("a", "trade", 900, unit="billion USD", period="2025")),
        ("2026-01-10", claim("b", "trade", 800, unit="billion USD", period="2025")),
        "contradiction",
    ),
    (
        "incomplete-list-agrees-with-superset",
        ("2026-01-30", claim("a", "members", ["freedonia"], as_of="2025-12-31")),
        ("2026-01-10", claim("b", "members", ["freedonia", "sylvania"], as_of="2025-12-31", complete=True)),
        None,
    ),
    (  # each lists some of the members: both can be true
        "partial-lists-that-do-not-nest",
        ("2026-01-30", claim("a", "members", ["freedonia"], as_of="2025-12-31")),
        ("2026-01-10", claim("b", "members", ["sylvania"], as_of="2025-12-31")),
        None,
    ),
    (  # the near-miss: a member the complete list leaves out
        "partial-list-outside-a-complete-one",
        ("2026-01-30", claim("a", "members", ["sylvania"], as_of="2025-12-31")),
        ("2026-01-10", claim("b", "members", ["freedonia"], as_of="2025-12-31", complete=True)),
        "contradiction",
    ),
    (
        "complete-lists-differ",
        ("2026-01-30", claim("a", "members", ["freedonia"], as_of="2025-12-31", complete=True)),
        ("2026-01-10", claim("b", "members", ["freedonia", "sylvania"], as_of="2025-12-31", complete=True)),
        "contradiction",
    ),
    # a period that had not ended when the source was published: counted so far
    (
        "year-to-date-lower-than-the-year",
        ("2025-12-10", claim("a", "visits", 20, period="2025")),
        ("2026-01-12", claim("b", "visits", 24, period="2025")),
        "timing",
    ),
    (  # published some day of December 2025: perhaps before the year ended
        "a-month-dated-issue-in-the-last-month",
        ("2025-12", claim("a", "visits", 20, period="2025")),
        ("2026-01-12", claim("b", "visits", 24, period="2025")),
        "timing",
    ),
    (  # the near-miss: both published after the year ended, so both count all of it
        "whole-year-figures-that-differ",
        ("2026-01-05", claim("a", "visits", 20, period="2025")),
        ("2026-01-12", claim("b", "visits", 24, period="2025")),
        "contradiction",
    ),
    (
        "year-to-date-above-the-year",
        ("2025-12-10", claim("a", "visits", 26, period="2025")),
        ("2026-01-12", claim("b", "visits", 24, period="2025")),
        "contradiction",
    ),
    (
        "counted-to-two-days",
        ("2025-11-01", claim("a", "visits", 18, period="2025")),
        ("2025-12-10", claim("b", "visits", 20, period="2025")),
        "timing",
    ),
    (
        "counted-to-the-same-day",
        ("2025-12-10", claim("a", "visits", 18, period="2025")),
        ("2025-12-10", claim("b", "visits", 20, period="2025")),
        "contradiction",
    ),
    (  # an amount is not a count: so far it may be above the year's (returns, revisions)
        "amount-to-date-above-the-year",
        ("2025-12-10", claim("a", "trade", 9, unit="USD", period="2025")),
        ("2026-01-12", claim("b", "trade", 8, unit="USD", period="2025")),
        "timing",
    ),
    (  # a claim may say so itself, here from a source with no date
        "said-to-date-by-an-undated-source",
        (None, claim("a", "visits", 20, period="2025", to_date=True)),
        ("2026-01-12", claim("b", "visits", 24, period="2025")),
        "timing",
    ),
    (
        "both-to-date-one-day-unknown",
        (None, claim("a", "visits", 20, period="2025", to_date=True)),
        ("2025-12-10", claim("b", "visits", 24, period="2025")),
        "undetermined",
    ),
]


def _files(a: tuple, b: tuple) -> dict[str, Any]:
    return {
        "a.yaml": {"source": source_block("src-a", a[0]), "claims": [a[1]]},
        "b.yaml": {"source": source_block("src-b", b[0]), "claims": [b[1]]},
    }


@pytest.mark.parametrize("case, a, b, expected", CASES, ids=[c[0] for c in CASES])
def test_verdict(corpus, case, a, b, expected):
    result = corpus(_files(a, b))
    assert [f for f in result.findings if not f.subject] == []
    verdicts = [f.verdict for f in result.findings if f.check == "value-conflict"]
    assert verdicts == ([expected] if expected else [])


@pytest.mark.parametrize("case, a, b, expected", CASES, ids=[c[0] for c in CASES])
def test_verdict_is_symmetric(corpus, case, a, b, expected):
    """Swapping which source says what gives the same verdict."""
    result = corpus(_files(b, a))
    verdicts = [f.verdict for f in result.findings if f.check == "value-conflict"]
    assert verdicts == ([expected] if expected else [])


def test_severity_follows_verdict(corpus):
    result = corpus(
        _files(
            ("2025-07-01", claim("a", "partners", 14, as_of="2025-06-30")),
            ("2026-01-12", claim("b", "partners", 13, as_of="2025-12-31")),
        )
    )
    (finding,) = [f for f in result.findings if f.check == "value-conflict"]
    assert (finding.severity, finding.verdict) == ("error", "contradiction")
    assert {ref.source for ref in finding.claims} == {"src-a", "src-b"}
    assert "may only grow" in finding.note


def test_agreeing_claims_collapse_into_one_side(corpus):
    """Three sources, two agreeing: one finding naming all three claims, not two findings."""
    files = _files(
        ("2025-07-01", claim("a", "partners", 13, as_of="2025-06-30")),
        ("2026-01-12", claim("b", "partners", 14, as_of="2025-12-31")),
    )
    files["c.yaml"] = {
        "source": source_block("src-c", "2026-01-20"),
        "claims": [claim("c", "partners", 14, as_of="2025-12-31")],
    }
    result = corpus(files)
    (finding,) = [f for f in result.findings if f.check == "value-conflict"]
    assert sorted(ref.source for ref in finding.claims) == ["src-a", "src-b", "src-c"]


def test_severity_can_be_configured(corpus):
    from conftest import VOCABULARY

    vocabulary = dict(VOCABULARY, checks={"value-conflict": {"severity": {"timing": "warning"}}})
    result = corpus(
        _files(
            ("2025-07-01", claim("a", "partners", 13, as_of="2025-06-30")),
            ("2026-01-12", claim("b", "partners", 14, as_of="2025-12-31")),
        ),
        vocabulary,
    )
    (finding,) = [f for f in result.findings if f.check == "value-conflict"]
    assert finding.severity == "warning"


def test_the_cheap_verdict_is_the_verdict_judge_explains():
    """check() sorts pairs by verdict_of and writes words only for some: both must always agree."""
    from checker.checks.value_conflict import judge, positions, verdict_of
    from checker.engine import partition, run

    from conftest import ROOT

    compared = 0
    for claims_dir, rules_dir in (
        (ROOT / "claims", ROOT / "rules"),
        (ROOT / "examples/company/claims", ROOT / "examples/company/rules"),
    ):
        result = run([claims_dir], rules_dir)
        for metrics in partition(result.corpus.claims).values():
            for group in metrics.values():
                found = positions(group)
                for i, a in enumerate(found):
                    for b in found[i + 1 :]:
                        full = judge(a, b, group[0].metric)
                        assert verdict_of(a, b, group[0].metric) == (full[0] if full else None)
                        compared += 1
    assert compared > 50


def _sources(*claims: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """One file per (published, claim), each its own source."""
    return {
        f"s{n}.yaml": {"source": source_block(f"src-{n}", published), "claims": [body]}
        for n, (published, body) in enumerate(claims)
    }


def test_values_of_one_time_and_scope_are_one_contradiction(corpus):
    """Four values as of one day, two of them alike: one finding with three groups, not one per pair."""
    result = corpus(
        _sources(
            ("2026-01-10", claim("a", "partners", 13, as_of="2025-12-31")),
            ("2026-01-11", claim("b", "partners", 14, as_of="2025-12-31")),
            ("2026-01-12", claim("c", "partners", 14, as_of="2025-12-31")),
            ("2026-01-13", claim("d", "partners", 20, as_of="2025-12-31")),
        )
    )
    (finding,) = [f for f in result.findings if f.check == "value-conflict"]
    assert finding.verdict == "contradiction"
    assert sorted(ref.source for ref in finding.claims) == ["src-0", "src-1", "src-2", "src-3"]
    groups = finding.message.split(" vs ")
    assert [g.split(" ")[0] for g in groups] == ["13", "14", "20"]
    assert "src-1" in groups[1] and "src-2" in groups[1]


def test_a_bound_joins_the_group_of_the_values_it_admits(corpus):
    """"more than 10" agrees with 14 and not with 5: two groups, the bound with 14."""
    result = corpus(
        _sources(
            ("2026-01-10", claim("a", "partners", 10, precision="more-than", as_of="2025-12-31")),
            ("2026-01-11", claim("b", "partners", 14, as_of="2025-12-31")),
            ("2026-01-12", claim("c", "partners", 5, as_of="2025-12-31")),
        )
    )
    (finding,) = [f for f in result.findings if f.check == "value-conflict"]
    low, high = finding.message.split(" vs ")
    assert low.startswith("5 ") and "src-2" in low
    assert "more than 10" in high and "14" in high


def test_values_at_other_times_are_still_judged_as_pairs(corpus):
    """A contradiction at one time does not hide the timing difference with a figure of another time."""
    result = corpus(
        _sources(
            ("2025-07-01", claim("a", "partners", 12, as_of="2025-06-30")),
            ("2026-01-11", claim("b", "partners", 14, as_of="2025-12-31")),
            ("2026-01-12", claim("c", "partners", 15, as_of="2025-12-31")),
        )
    )
    verdicts = sorted(f.verdict for f in result.findings if f.check == "value-conflict")
    assert verdicts == ["contradiction", "timing", "timing"]
    (contradiction,) = [f for f in result.findings if f.verdict == "contradiction"]
    assert sorted(ref.source for ref in contradiction.claims) == ["src-1", "src-2"]


def test_values_that_all_agree_are_no_contradiction(corpus):
    result = corpus(
        _sources(
            ("2026-01-10", claim("a", "partners", 10, precision="more-than", as_of="2025-12-31")),
            ("2026-01-11", claim("b", "partners", 14, as_of="2025-12-31")),
            ("2026-01-12", claim("c", "partners", 15, precision="at-most", as_of="2025-12-31")),
        )
    )
    assert [f for f in result.findings if f.check == "value-conflict"] == []


def test_a_long_contradiction_names_a_few_values_and_counts_the_rest(corpus):
    result = corpus(_sources(*((f"2026-01-{n + 10}", claim(f"c{n}", "partners", n + 1, as_of="2025-12-31")) for n in range(12))))
    (finding,) = [f for f in result.findings if f.check == "value-conflict"]
    assert finding.message.count(" vs ") == 7 and finding.message.endswith("and 4 more")
    assert len(finding.claims) == 12


def _value_pairs(result) -> list[tuple[str, list[str]]]:  # noqa: ANN001
    """Each value-conflict finding as its verdict and the values of its claims."""
    return sorted(
        (f.verdict, sorted({ref.value for ref in f.claims})) for f in result.findings if f.check == "value-conflict"
    )


def test_a_change_is_told_between_values_next_to_each_other_in_time(corpus):
    """13, 14 and 15 at three dates: 13 to 14 and 14 to 15, not also 13 to 15, which the timeline shows."""
    result = corpus(
        _sources(
            ("2023-07-01", claim("a", "partners", 13, as_of="2023-06-30")),
            ("2024-07-01", claim("b", "partners", 14, as_of="2024-06-30")),
            ("2025-07-01", claim("c", "partners", 15, as_of="2025-06-30")),
        )
    )
    assert _value_pairs(result) == [("timing", ["13", "14"]), ("timing", ["14", "15"])]


def test_a_value_whose_time_meets_another_is_not_between_them(corpus):
    """14 as of 2024 (the whole year) holds when 15 does (31 December 2024): it is not wholly between 13 and 15,
    so 13 to 15 is still told."""
    result = corpus(
        _sources(
            ("2023-07-01", claim("a", "partners", 13, as_of="2023-06-30")),
            ("2025-01-05", claim("b", "partners", 14, as_of="2024")),
            ("2025-01-10", claim("c", "partners", 15, as_of="2024-12-31")),
        )
    )
    pairs = _value_pairs(result)
    assert ("timing", ["13", "15"]) in pairs
    assert ("timing", ["13", "14"]) in pairs


def test_a_metric_tolerance_widens_the_written_precision_and_never_narrows_it(corpus):
    from conftest import VOCABULARY

    def verdicts(tolerance: float, stated: float, other: float) -> list[str]:
        metrics = dict(VOCABULARY["metrics"], level=dict(VOCABULARY["metrics"]["level"], tolerance=tolerance))
        result = corpus(
            _files(
                ("2026-01-10", claim("a", "level", stated, precision="about", as_of="2025-12-31")),
                ("2026-01-12", claim("b", "level", other, as_of="2025-12-31")),
            ),
            dict(VOCABULARY, metrics=metrics),
        )
        return [f.verdict for f in result.findings if f.check == "value-conflict"]

    assert verdicts(0.1, 9, 9.8) == []  # 10% of 9 reaches past the half unit "about 9" is written to
    assert verdicts(0.01, 9, 9.4) == []  # 1% of 9 would be narrower than 8.5-9.5: the written precision stands
    assert verdicts(0.01, 9, 9.6) == ["contradiction"]


def test_a_figure_counted_so_far_says_to_which_day(corpus):
    result = corpus(
        _files(
            ("2025-12-10", claim("a", "visits", 20, period="2025")),
            ("2026-01-12", claim("b", "visits", 24, period="2025")),
        )
    )
    (finding,) = [f for f in result.findings if f.check == "value-conflict"]
    assert "20 (src-a) counts 2025 only up to 10 December 2025, 24 (src-b) the whole period" in finding.note


def test_to_date_is_refused_for_a_stock(corpus):
    result = corpus(_files(("2026-01-10", claim("a", "partners", 14, as_of="2025-12-31", to_date=True)),
                           ("2026-01-12", claim("b", "partners", 14, as_of="2025-12-31"))))  # fmt: skip
    (problem,) = [f for f in result.findings if f.verdict == "invalid"]
    assert "cannot be counted to date" in problem.message and "remove `to_date`" in problem.hint


def _unstated_vocabulary() -> dict[str, Any]:
    """The test vocabulary with treaties whose stage has no default: a claim that does not say it is unstated."""
    from conftest import VOCABULARY

    stage = {"values": ["in-force", "any-stage"]}
    treaties = dict(VOCABULARY["metrics"]["treaties"], scope={"stage": stage})
    return dict(VOCABULARY, metrics=dict(VOCABULARY["metrics"], treaties=treaties))


@pytest.mark.parametrize(
    "scope_a, scope_b, expected",
    [
        ({}, {"stage": "in-force"}, "undetermined"),  # one does not say which treaties it counts
        ({"stage": "any-stage"}, {"stage": "in-force"}, "scope"),  # the near-miss: both say, and differ
        ({}, {}, "contradiction"),  # neither says: the same unstated scope
    ],
)
def test_a_scope_left_unstated_is_not_the_default(corpus, scope_a, scope_b, expected):
    files = _files(
        ("2026-01-10", claim("a", "treaties", 17, as_of="2025-12-31", **({"scope": scope_a} if scope_a else {}))),
        ("2026-01-12", claim("b", "treaties", 15, as_of="2025-12-31", **({"scope": scope_b} if scope_b else {}))),
    )
    found = [f for f in corpus(files, _unstated_vocabulary()).findings if f.check == "value-conflict"]
    assert [f.verdict for f in found] == [expected]
    if expected == "undetermined":
        assert 'src-a does not say its stage (src-b: "in-force")' in found[0].note
        assert found[0].severity == "warning"


def _nested_vocabulary(includes: bool) -> dict[str, Any]:
    """The test vocabulary with treaties whose stage "any-stage" includes "in-force" (when ``includes``)."""
    from conftest import VOCABULARY

    stage = {"values": ["in-force", "any-stage"], "default": "in-force"}
    if includes:
        stage["includes"] = {"any-stage": ["in-force"]}
    treaties = dict(VOCABULARY["metrics"]["treaties"], scope={"stage": stage})
    return dict(VOCABULARY, metrics=dict(VOCABULARY["metrics"], treaties=treaties))


@pytest.mark.parametrize(
    "wide, narrow, wide_time, includes, expected",
    [
        (20, 17, "2025-12-31", True, "scope"),  # the wider count is the larger: both can be true
        (14, 17, "2025-12-31", True, "contradiction"),  # fewer at any stage than in force, at one time
        (14, 17, "2024-12-31", True, "scope"),  # the near-miss: another time, and the count may have grown since
        (14, 17, "2025-12-31", False, "scope"),  # the near-miss: no inclusion declared
    ],
)
def test_a_count_in_a_scope_that_includes_another(corpus, wide, narrow, wide_time, includes, expected):
    files = _files(
        ("2026-01-10", claim("a", "treaties", wide, as_of=wide_time, scope={"stage": "any-stage"})),
        ("2026-01-12", claim("b", "treaties", narrow, as_of="2025-12-31", scope={"stage": "in-force"})),
    )
    found = [f for f in corpus(files, _nested_vocabulary(includes)).findings if f.check == "value-conflict"]
    assert [f.verdict for f in found] == [expected]
    if includes and wide_time == "2025-12-31":
        assert 'stage "any-stage" includes "in-force"' in found[0].note


def test_the_arrays_judge_nested_scopes_counts_so_far_and_unstated_scopes_as_pairs_do(corpus):
    """Large groups are judged as arrays: on claims that exercise the rules of nested scopes, figures counted so far
    and scopes left unstated, both ways give the same verdicts."""
    from checker.checks import value_conflict as vc
    from checker.engine import partition

    from conftest import VOCABULARY, judged_both_ways

    stage = {"values": ["in-force", "any-stage"], "includes": {"any-stage": ["in-force"]}}
    vocabulary = dict(VOCABULARY, metrics=dict(VOCABULARY["metrics"],
                                               treaties=dict(VOCABULARY["metrics"]["treaties"], scope={"stage": stage})))  # fmt: skip
    files = {}
    for n in range(30):
        scope = [{}, {"scope": {"stage": "in-force"}}, {"scope": {"stage": "any-stage"}}][n % 3]
        when = ["2025-12-31", "2025-06-30"][n % 2]
        published = ["2026-01-10", "2025-12-10", "2025-11-01"][n % 3]
        files[f"s{n}.yaml"] = {
            "source": source_block(f"s{n}", published),
            "claims": [claim("t", "treaties", 10 + n % 7, as_of=when, **scope),
                       claim("v", "visits", 20 + n % 5, period="2025")],
        }  # fmt: skip
    result = corpus(files, vocabulary)
    groups = [g for metrics in partition(result.corpus.claims).values() for g in metrics.values()]
    compared = sum(judged_both_ways(vc.positions(g), g[0].metric) for g in groups)  # any size: arrays called directly
    verdicts = {v[0][0] for m in partition(result.corpus.claims).values() for g in m.values()
                for v in vc.verdicts_by_pairs(vc.positions(g), g[0].metric, vc.Options()).values()}  # fmt: skip
    assert compared > 20 and {"contradiction", "scope", "undetermined", "timing"} <= verdicts


def test_the_arrays_judge_lists_stated_complete_and_not_as_pairs_do(corpus):
    """A list's side holds it stated complete and not: two partial lists that do not nest can both be true, a
    partial list beyond a complete one cannot. Judged as arrays, every pair is asked as pair by pair."""
    from checker.checks import value_conflict as vc
    from checker.engine import partition

    from conftest import judged_both_ways

    files = {}
    for n in range(24):
        if n % 2:  # dated: Sylvania among some, and both as every member
            members, complete = (["sylvania"], False) if n % 4 == 1 else (["freedonia", "sylvania"], True)
            body = one_source(f"s{n}", "2026-01-10", claim("m", "members", members, as_of="2025-12-31", complete=complete))
        else:  # undated: Freedonia as every member, and among some
            members, complete = ["freedonia"], n % 4 == 0
            body = one_source(f"s{n}", None, claim("m", "members", members, complete=complete))
        files[f"s{n}.yaml"] = body
    result = corpus(files)
    groups = [g for metrics in partition(result.corpus.claims).values() for g in metrics.values()]
    compared = sum(judged_both_ways(vc.positions(g), g[0].metric) for g in groups)
    verdicts = [v for g in groups for v in vc.verdicts_by_pairs(vc.positions(g), g[0].metric, vc.Options()).values()]
    assert compared >= 2 and {words[0] for words, _ in verdicts} == {"undetermined"}
    for _, members in verdicts:  # "Freedonia" among some is no disagreement with "Sylvania" among some
        values = {(p.value.key, p.value.complete) for p in members.values()}
        assert any(complete for _, complete in values), values


def test_two_partial_lists_that_agree_in_a_slot_hide_nothing_between_their_sides(corpus):
    """Freedonia and Sylvania each named among the members on one day agree; the complete list of Freedonia from an
    undated source still disagrees with Sylvania, as it does without the first."""
    undated = one_source("s3", None, claim("m", "members", ["freedonia"], complete=True))
    files = {
        "s2.yaml": one_source("s2", "2026-01-10", claim("m", "members", ["sylvania"], as_of="2025-12-31")),
        "s3.yaml": undated,
    }
    alone = [(f.verdict, f.message) for f in corpus(files).findings if f.check == "value-conflict"]
    files["s1.yaml"] = one_source("s1", "2026-01-10", claim("m", "members", ["freedonia"], as_of="2025-12-31"))
    beside = [(f.verdict, f.message) for f in corpus(files).findings if f.check == "value-conflict"]
    assert alone and [v for v, _ in alone] == ["undetermined"] and [v for v, _ in beside] == ["undetermined"]
