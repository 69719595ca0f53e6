"""The tolerance of approximate figures belongs to the rules read, not to a check: every value read follows it."""

from __future__ import annotations

import pytest

from checker.engine import rules_of

from conftest import VOCABULARY, claim, findings_of, one_source, write_corpus


def _vocabulary(tmp_path, options=None, metric_tolerance=None):
    metrics = dict(VOCABULARY["metrics"])
    if metric_tolerance is not None:
        metrics["partners"] = dict(metrics["partners"], tolerance=metric_tolerance)
    rules = dict(VOCABULARY, metrics=metrics)
    if options is not None:
        rules["checks"] = {"value-conflict": {"options": options}}
    _, folder = write_corpus(tmp_path, {}, rules)
    return rules_of(folder)


@pytest.mark.parametrize(
    "options, metric_tolerance, expected",
    [
        (None, None, 0.0),  # none given: none
        ({"tolerance": 0.1}, None, 0.1),  # the rules' default, written as value-conflict's option
        ({"tolerance": 0.1}, 0.02, 0.02),  # the metric's own wins
        ({"tolerance": "5e-2"}, None, 0.05),  # YAML 1.1 reads an exponent as text: read as the check's options are
        ({"tolerance": "much"}, None, 0.0),  # not a fraction: none (the run reports the rules error)
        ({"tolerance": 2}, None, 0.0),
        ({"tolerance": True}, None, 0.0),
    ],
)
def test_the_tolerance_of_a_metric(tmp_path, options, metric_tolerance, expected):
    vocabulary = _vocabulary(tmp_path, options, metric_tolerance)
    assert vocabulary.tolerance(vocabulary.metrics["partners"]) == expected


def test_the_rules_default_widens_the_values_every_check_compares(corpus):
    """About 101 and 108 agree only when the rules' default lets "about" stray 10%: corroboration says so too."""
    files = {
        "a.yaml": one_source("a", "2026-01-10", claim("c", "partners", 101, precision="about", as_of="2025-12-31")),
        "b.yaml": one_source("b", "2026-01-11", claim("c", "partners", 108, as_of="2025-12-31")),
    }
    narrow = corpus(files)
    wide = corpus(files, dict(VOCABULARY, checks={"value-conflict": {"options": {"tolerance": 0.1}}}))
    assert [f.verdict for f in findings_of(narrow, "value-conflict")] == ["contradiction"]
    assert findings_of(wide, "value-conflict") == []
    assert [f.verdict for f in findings_of(wide, "corroboration")] == ["corroboration"]


@pytest.mark.parametrize(
    "options, said",
    [
        ({"tolerance": True}, "option tolerance: input should be a number, not true"),
        ({"tolerance": "much"}, "option tolerance: input should be a valid number"),
        ({"tolerance": 2}, "option tolerance: input should be less than or equal to 1"),
        ({"defer_stale": 1}, "option defer_stale: input should be true or false, not 1"),
        ({"defer_stale": "yes"}, "option defer_stale: input should be true or false, not yes"),
    ],
)
def test_a_setting_the_default_cannot_be_read_from_is_a_rules_error(tmp_path, options, said):
    """Whatever the tolerance reads as none (above), the run reports as an error of the rules, at the check's entry:
    ``true`` is not taken for 1.0 by the check while every value read takes it for none; a yes or no is true or
    false, not 1 or a text."""
    from checker.engine import configure

    vocabulary = _vocabulary(tmp_path, options)
    _, problems = configure(vocabulary, tmp_path / "rules")
    messages = [p.message for p in problems]
    assert [m for m in messages if said in m] == [m for m in messages if m.startswith(f'check "value-conflict" {said}')]
    assert len([m for m in messages if said in m]) == 1, messages
    assert all(p.check == "rules" and p.location is not None and p.location.line > 1 for p in problems)
