"""period-parts: a part of a period against the whole period."""

from __future__ import annotations

import pytest

from conftest import claim, findings_of, one_source

CASES = [
    ("part-within-whole", claim("h", "visits", 20, precision="nearly", period="2025-H1"),
     claim("y", "visits", 24, period="2025"), "timing"),
    ("part-exceeds-whole", claim("h", "visits", 30, period="2025-H1"), claim("y", "visits", 24, period="2025"),
     "contradiction"),
    ("bounds-can-meet", claim("h", "visits", 12, precision="more-than", period="2025-H1"),
     claim("y", "visits", 37, period="2025"), "timing"),
    ("separate-periods-not-compared", claim("h", "visits", 30, period="2024"), claim("y", "visits", 24, period="2025"),
     None),
    ("overlapping-periods-are-different-figures", claim("h", "visits", 30, period="2025-01/2025-08"),
     claim("y", "visits", 24, period="2025-H2"), "timing"),
    ("list-part-within-list-whole", claim("h", "members", ["freedonia"], period="2025-H1"),
     claim("y", "members", ["freedonia", "sylvania"], period="2025", complete=True), "timing"),
    ("list-part-outside-complete-whole", claim("h", "members", ["freedonia"], period="2025-H1"),
     claim("y", "members", ["sylvania"], period="2025", complete=True), "contradiction"),
]

VOCAB_FLOW_MEMBERS = None


@pytest.fixture
def vocabulary():
    from conftest import VOCABULARY

    metrics = dict(VOCABULARY["metrics"], members={"label": "members added", "kind": "entity-set", "time": "flow"})
    return dict(VOCABULARY, metrics=metrics)


@pytest.mark.parametrize("case, part, whole, expected", CASES, ids=[c[0] for c in CASES])
def test_period_parts(corpus, vocabulary, case, part, whole, expected):
    files = {"a.yaml": one_source("a", "2025-07-10", part), "b.yaml": one_source("b", "2026-01-12", whole)}
    result = corpus(files, vocabulary)
    assert [f for f in result.findings if not f.subject] == []
    assert [f.verdict for f in findings_of(result, "period-parts")] == ([expected] if expected else [])
    assert findings_of(result, "value-conflict") == []


def test_what_is_left_for_the_rest_of_the_period(corpus):
    files = {"a.yaml": one_source("a", "2025-07-10", CASES[0][1]), "b.yaml": one_source("b", "2026-01-12", CASES[0][2])}
    (finding,) = findings_of(corpus(files), "period-parts")
    assert "leaving 4–9 for the rest of the period" in finding.note


def test_one_source_giving_part_and_whole_is_no_discrepancy(corpus):
    files = {"a.yaml": one_source("a", "2026-01-12", CASES[0][1], CASES[0][2])}
    assert findings_of(corpus(files), "period-parts") == []


def test_non_additive_metric_is_not_summed(corpus):
    from conftest import VOCABULARY

    metrics = dict(VOCABULARY["metrics"], visits={"label": "rate", "kind": "count", "time": "flow", "additive": False})
    files = {"a.yaml": one_source("a", "2025-07-10", claim("h", "visits", 30, period="2025-H1")),
             "b.yaml": one_source("b", "2026-01-12", claim("y", "visits", 24, period="2025"))}
    (finding,) = findings_of(corpus(files, dict(VOCABULARY, metrics=metrics)), "period-parts")
    assert finding.verdict == "timing" and "does not add up" in finding.note


@pytest.mark.parametrize(
    "part, whole, verdict, said",
    [
        (-50, -100, "timing", "leaving -50 million USD for the rest of the period"),
        (300, -100, "timing", "leaving -400 million USD"),
        (700, 1000, "timing", "leaving 300 million USD for the rest of the period"),
        (700, 500, "contradiction", "the part alone (700 million USD) exceeds the whole (500 million USD)"),
    ],
)
def test_a_part_of_an_amount_in_its_unit_and_with_losses(corpus, part, whole, verdict, said):
    """A loss in the rest of the period lets a part exceed its whole; what is left is said in the metric's unit."""
    from conftest import VOCABULARY

    metrics = dict(VOCABULARY["metrics"], income={"label": "net income", "kind": "amount", "time": "flow", "unit": "USD"})
    files = {"a.yaml": one_source("a", "2025-07-10", claim("h", "income", part, unit="million USD", period="2025-H1")),
             "b.yaml": one_source("b", "2026-01-12", claim("y", "income", whole, unit="million USD", period="2025"))}  # fmt: skip
    (finding,) = findings_of(corpus(files, dict(VOCABULARY, metrics=metrics)), "period-parts")
    assert finding.verdict == verdict and said in " ".join(finding.note.split()), finding.note


@pytest.mark.parametrize(
    "parts, whole, together",
    [
        ([("2025-H1", 30), ("2025-H2", 20)], 45, True),
        ([("2025-H1", 20), ("2025-H2", 20)], 45, False),  # the near miss: 40 fit in 45
        ([("2025-Q1", 10), ("2025-H1", 25), ("2025-H2", 30)], 50, True),  # Q1 lies in H1: H1 and H2 are counted
        ([("2025-Q1", 10), ("2025-Q2", 12), ("2025-H1", 25)], 25, False),  # 22 within H1, and H1 within the year
        ([("2025-H1", 60), ("2025-H2", 5)], 45, False),  # the first half alone exceeds it: said of that pair
    ],
)
def test_parts_that_do_not_overlap_may_together_exceed_their_whole(corpus, parts, whole, together):
    files = {f"p{n}.yaml": one_source(f"p{n}", "2026-01-12", claim("v", "visits", value, period=period))
             for n, (period, value) in enumerate(parts)}  # fmt: skip
    files["y.yaml"] = one_source("y", "2026-01-20", claim("v", "visits", whole, period="2025"))
    result = corpus(files)
    summed = [f for f in findings_of(result, "period-parts") if "together they exceed" in (f.note or "")]
    assert len(summed) == together, [f.note for f in findings_of(result, "period-parts")]
    if together:
        (found,) = summed
        assert found.verdict == "contradiction" and found.severity == "error"
        assert "= at least 55 > 50" in found.note or "= at least 50 > 45" in found.note
        assert "y" in {r.source for r in found.claims}


def test_a_whole_counted_only_so_far_holds_no_later_part(corpus):
    """2025 "so far" in an article of 10 July counts to that day: the third quarter may exceed it, the first half
    may not."""
    so_far = one_source("y", "2025-07-10", claim("v", "visits", 24, period="2025"))
    for period, verdict in (("2025-Q3", "timing"), ("2025-H1", "contradiction")):
        files = {"y.yaml": so_far, "q.yaml": one_source("q", "2026-01-12", claim("v", "visits", 30, period=period))}
        (found,) = findings_of(corpus(files), "period-parts")
        assert found.verdict == verdict, found.note
        if verdict == "timing":
            assert "counts it only up to 2025-07-10" in found.note


def test_a_whole_dated_by_a_month_surely_counted_the_months_before(corpus):
    """24 for 2025 in an article of December 2025 counted at least to 30 November: 30 in the first half exceeds it."""
    files = {"a.yaml": one_source("a", "2026-01-20", claim("h", "visits", 30, period="2025-H1")),
             "b.yaml": one_source("b", "2025-12", claim("y", "visits", 24, period="2025"))}  # fmt: skip
    (found,) = findings_of(corpus(files), "period-parts")
    assert found.verdict == "contradiction", found.note


@pytest.mark.parametrize(
    "whole, together",
    [
        ([("2026-01-10", 24, {}), ("2026-01-12", 20, {"precision": "more-than"})], True),  # a vaguer figure beside
        ([("2025-07-10", 24, {})], True),  # counted to 10 July: both quarters ended by then
        ([("2025-05-10", 24, {})], False),  # counted to 10 May: the second quarter had not ended
    ],
)
def test_each_figure_for_the_whole_holds_the_parts_it_counted(corpus, whole, together):
    files = {"q.yaml": one_source("q", "2026-01-12", claim("a", "visits", 15, period="2025-Q1"),
                                  claim("b", "visits", 15, period="2025-Q2"))}  # fmt: skip
    for n, (published, value, extra) in enumerate(whole):
        files[f"y{n}.yaml"] = one_source(f"y{n}", published, claim("y", "visits", value, period="2025", **extra))
    summed = [f for f in findings_of(corpus(files), "period-parts") if "together they exceed" in (f.note or "")]
    assert [f.verdict for f in summed] == (["contradiction"] if together else [])
    if together:
        assert "15 (Q1 2025) + 15 (Q2 2025) = at least 30 > 24" in summed[0].note, summed[0].note


def test_a_whole_dated_by_a_month_holds_no_part_that_ends_in_that_month(corpus, vocabulary):
    """An article of some day of July 2025 surely counted only to 30 June: January to July may exceed it; and a
    list complete as of then names no member of the second half."""
    files = {"y.yaml": one_source("y", "2025-07", claim("y", "visits", 24, period="2025")),
             "p.yaml": one_source("p", "2026-01-12", claim("p", "visits", 30, period="2025-01/2025-07"))}  # fmt: skip
    assert [f.verdict for f in findings_of(corpus(files, vocabulary), "period-parts")] == ["timing"]
    files = {"y.yaml": one_source("y", "2025-07-10", claim("y", "members", ["freedonia"], period="2025", complete=True)),
             "h.yaml": one_source("h", "2026-01-12", claim("h", "members", ["sylvania"], period="2025-H2"))}  # fmt: skip
    assert [f.verdict for f in findings_of(corpus(files, vocabulary), "period-parts")] == ["timing"]


def test_one_figure_for_the_whole_counted_so_far_and_in_full_is_one_contradiction(corpus):
    files = {"q.yaml": one_source("q", "2026-01-12", claim("a", "visits", 15, period="2025-Q1"),
                                  claim("b", "visits", 15, period="2025-Q2")),
             "y0.yaml": one_source("y0", "2026-01-10", claim("y", "visits", 24, period="2025")),
             "y1.yaml": one_source("y1", "2025-07-10", claim("y", "visits", 24, period="2025"))}  # fmt: skip
    summed = [f for f in findings_of(corpus(files), "period-parts") if "together they exceed" in (f.note or "")]
    assert len(summed) == 1 and "y0" in {r.source for r in summed[0].claims}
