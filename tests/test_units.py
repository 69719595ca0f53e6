"""Units and magnitudes through pint."""

from __future__ import annotations

import pytest

from checker.model.units import UnitProblem, conversion


@pytest.mark.parametrize(
    "unit, target, factor",
    [
        ("billion USD", "USD", 1e9),
        ("US$ billion", "billion USD", 1.0),
        ("bn USD", "billion USD", 1.0),
        ("trillion dollars", "billion USD", 1000.0),
        ("VNĐ billion", "VND", 1e9),
        ("million", "", 1e6),
        ("%", "percent", 1.0),
        ("per cent", "percent", 1.0),
    ],
)
def test_conversions(unit, target, factor):
    assert conversion(unit, target).factor == factor


@pytest.mark.parametrize(
    "unit, target, words",
    [
        ("percentage points", "percent", "difference of percentages"),
        ("billion USD", "VND", "does not convert"),
        ("bananas", "USD", "cannot be read"),
    ],
)
def test_refusals(unit, target, words):
    with pytest.raises(UnitProblem) as caught:
        conversion(unit, target)
    assert words in str(caught.value)


def test_magnitudes_agree_in_claims(corpus):
    from conftest import claim, one_source

    files = {
        "a.yaml": one_source("a", "2026-01-12", claim("t", "trade", 900, unit="US$ billion", period="2025")),
        "b.yaml": one_source("b", "2026-01-12", claim("t", "trade", 900, unit="bn USD", period="2025")),
        "c.yaml": one_source("c", "2026-01-12", claim("t", "trade", 0.9, unit="trillion dollars", period="2025")),
    }
    result = corpus(files)
    assert [f.check for f in result.findings] == ["corroboration"]


@pytest.mark.parametrize("scaled, unit, plain", [(2.01, "million USD", 2_010_000), (0.29, "billion USD", 290_000_000)])
def test_one_figure_in_two_magnitudes_is_one_value(corpus, scaled, unit, plain):
    """2.01 × 10⁶ is not 2,010,000 in floating point; written so, they are one figure all the same."""
    from conftest import claim, one_source

    files = {
        "a.yaml": one_source("a", "2026-01-12", claim("t", "trade", scaled, unit=unit, period="2025")),
        "b.yaml": one_source("b", "2026-01-12", claim("t", "trade", plain, unit="USD", period="2025")),
    }
    assert [f.check for f in corpus(files).findings] == ["corroboration"]


def test_percentage_points_are_not_a_percentage(corpus):
    from conftest import claim, one_source

    files = {"a.yaml": one_source("a", "2026-01-12", claim("s", "share", 3, unit="percentage points"))}
    (finding,) = corpus(files).findings
    assert finding.verdict == "invalid" and "percentage points" in finding.message


def test_units_defined_through_each_other_are_a_cycle_named_in_the_message():
    from checker.model.units import check_definitions

    refused = {
        definition: message
        for definition, message, _ in check_definitions(
            ["alpha = 2 * beta", "beta = 3 * gamma", "gamma = 4 * alpha", "delta = 5 * alpha", "crate = 12 * USD"]
        )
    }
    cycle = "(alpha -> beta -> gamma -> alpha)"
    assert all(cycle in refused[d] and "is part of" in refused[d] for d in ("alpha = 2 * beta", "gamma = 4 * alpha"))
    assert "is defined through a cycle" in refused["delta = 5 * alpha"]
    assert "crate = 12 * USD" not in refused  # a unit defined through known ones is kept


def test_a_unit_defined_through_nothing_known_is_refused_in_the_rules():
    from checker.model.units import check_definitions

    [(definition, message, _)] = check_definitions(["bushel_x = 3 * nothing_defines_this"])
    assert definition == "bushel_x = 3 * nothing_defines_this" and "cannot be used" in message


def test_a_unit_given_to_a_metric_without_one_says_so_in_words():
    with pytest.raises(UnitProblem) as caught:
        conversion("km", "")
    assert caught.value.args[0] == 'unit "km" does not convert to the metric, which counts without a unit'
    with pytest.raises(UnitProblem) as caught:
        conversion("km", "hour")
    assert 'to the metric\'s unit "hour"' in caught.value.args[0]


@pytest.mark.parametrize("word, said", [("amount", "an amount"), ("entity", "an entity"), ("count", "a count")])
def test_a_kind_is_named_with_its_article(word, said):
    from checker.model.plural import with_article

    assert with_article(word) == said
