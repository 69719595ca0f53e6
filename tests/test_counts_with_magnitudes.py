"""A count written with a magnitude word ("9.5 million people"): accepted as the whole number it stands for, as
`extract` drafts it (the number and the word as its unit), in the test vocabulary and the seeds' domain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.authoring.extract import draft
from checker.engine import rules_of, run

from conftest import ROOT, claim, source_block, write_corpus


def _run(folder: Path, bodies: list[dict[str, Any]], rules: Path | None = None):  # noqa: ANN202
    if rules is None:
        files = {f"s{n}.yaml": {"source": source_block(f"s{n}"), "claims": [body]} for n, body in enumerate(bodies)}
        claims, rules = write_corpus(folder, files)
    else:
        claims = folder / "claims"
        claims.mkdir(parents=True)
        for n, body in enumerate(bodies):
            document = {"source": source_block(f"s{n}", "2026-01-20"), "claims": [body]}
            (claims / f"s{n}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    return run([claims], rules)


def test_a_count_in_millions_is_a_whole_number_and_agrees_with_its_digits(tmp_path):
    words = claim("a", "partners", 9.5, unit="million", as_of="2025-12-31", quote="some 9.5 million partners")
    digits = claim("b", "partners", 9500000, as_of="2025-12-31", quote="9,500,000 partners")
    result = _run(tmp_path, [words, digits])
    assert [f for f in result.findings if f.severity == "error"] == []
    (corroborated,) = [f for f in result.findings if f.check == "corroboration"]
    assert {ref.value for ref in corroborated.claims} == {"9.5 million", "9,500,000"}


def test_a_count_that_is_not_whole_in_its_unit_is_refused(tmp_path):
    """The near-miss: 9.5555 thousand is 9,555.5, no count."""
    result = _run(tmp_path, [claim("a", "partners", 9.5555, unit="thousand", as_of="2025-12-31")])
    (problem,) = [f for f in result.findings if f.verdict == "invalid"]
    assert "a count is a whole number, not 9,555.5" in problem.message


@pytest.mark.parametrize(
    "written, stated, verdict", [("2.5 thousand", 2500, None), ("2.5 thousand", 2700, "contradiction")]
)
def test_the_seeds_citizens_brought_home_in_thousands(tmp_path, written, stated, verdict):
    """With the project's rules: "2.5 thousand citizens" and 2,500 agree; 2,700 for the same year contradicts."""
    value, unit = written.split()
    bodies = [
        claim("c", "citizens_repatriated", float(value), subject="vietnam", unit=unit, period="2025",
              quote=f"brought {written} citizens home"),
        claim("c", "citizens_repatriated", stated, subject="vietnam", period="2025",
              quote=f"brought {stated:,} citizens home"),
    ]  # fmt: skip
    result = _run(tmp_path, bodies, ROOT / "rules")
    assert [f for f in result.findings if not f.subject or f.check.startswith("quote")] == []
    assert [f.verdict for f in result.findings if f.check == "value-conflict"] == ([verdict] if verdict else [])


def test_extract_drafts_a_count_in_thousands_as_the_format_takes_it(tmp_path):
    """extract writes the number and its magnitude word as the unit, and the format takes just that for a count."""
    vocabulary = rules_of(ROOT / "rules")
    (drafted,) = draft("In 2025, 2.5 thousand citizens evacuated from high-risk areas were brought home.", vocabulary)
    assert (drafted.value, drafted.unit) == (2.5, "thousand")
    body = claim("c", "citizens_repatriated", drafted.value, subject="vietnam", unit=drafted.unit, period="2025",
                 quote="2.5 thousand citizens evacuated")  # fmt: skip
    result = _run(tmp_path, [body], ROOT / "rules")
    assert [f for f in result.findings if f.severity == "error"] == []


@pytest.mark.parametrize(
    "value, extra, said",
    [
        ({"min": -5, "max": -2}, {}, "a count cannot be negative"),
        ({"min": -1, "max": 4}, {}, "a count cannot be negative"),
        (0, {"precision": "less-than"}, "a count cannot be less than 0"),
    ],
    ids=["negative-range", "range-from-below-0", "less-than-0"],
)
def test_a_count_below_zero_is_refused_in_every_form(tmp_path, value, extra, said):
    result = _run(tmp_path, [claim("a", "partners", value, as_of="2025-12-31", quote="some partners", **extra)])
    (problem,) = [f for f in result.findings if f.verdict == "invalid"]
    assert said in problem.message


def test_a_count_at_most_or_about_a_small_figure_stays_at_or_above_zero(tmp_path):
    """The near-miss: "at most 3" and "about 0" are counts a source may give; neither allows a negative count, so
    "at most 3" meets "about 0" at 0, and both are taken."""
    bodies = [
        claim("a", "partners", 3, precision="at-most", as_of="2025-12-31", quote="at most 3 partners"),
        claim("b", "partners", 0, precision="about", as_of="2025-12-31", quote="about 0 partners"),
    ]
    result = _run(tmp_path, bodies)
    assert not [f for f in result.findings if f.verdict in ("invalid", "contradiction")]
