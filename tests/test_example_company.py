"""End to end over examples/company/: a second domain, checked with no code of its own.

Six sources on a fictional rail-maintenance firm, Halvard Rail AB, are written
so that every check fires where the example means it to, and stays quiet on
the near-misses beside each case. The table below is the whole of what the
run finds: each row is a finding's identity (check, verdict, subject, metric
and the claims it names), never its wording.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from checker import checks
from checker.corpus.result import Result
from checker.engine import run

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "company"
CLAIMS, RULES = EXAMPLE / "claims", EXAMPLE / "rules"

# source ids
AR = "halvard-annual-report-2024"
H1 = "halvard-interim-2025-h1"
NIW = "niw-2026-01-20-nyhammar-interview"
RMR = "rmr-2026-02-12-full-year"
BT = "brannviks-tidning-depot"  # undated
NBB = "nbb-2026-03-03-contract"
#: how an implied claim is named here: its id spells out the engine's derivation, which is not the point
IMPLIED = "implied"

COMPANY, DEPOT = "halvard-rail", "brannvik-depot"

# (case, check, verdict, subject, metric, claims named as (source, claim id))
EXPECTED: list[tuple[str, str, str, str, str, frozenset[tuple[str, str]]]] = [
    # value-conflict
    ("margin-2025-contradiction", "value-conflict", "contradiction", COMPANY, "operating_margin",
     frozenset({(NIW, "operating-margin-2025"), (RMR, "operating-margin-2025")})),
    ("implied-orders-2024-contradict", "value-conflict", "contradiction", COMPANY, "order_intake",
     frozenset({(AR, "order-intake-2024"), (NIW, IMPLIED)})),
    ("headcount-grew-timing", "value-conflict", "timing", COMPANY, "employees",
     frozenset({(AR, "employees-end-2024"), (RMR, "employees-end-2025")})),
    ("fte-vs-headcount-scope", "value-conflict", "scope", COMPANY, "employees",
     frozenset({(AR, "fte-end-2024"), (RMR, "employees-end-2025")})),
    ("fte-vs-about-900-headcount-scope", "value-conflict", "scope", COMPANY, "employees",
     frozenset({(AR, "fte-end-2024"), (NIW, "employees-end-2025")})),
    ("undated-depot-staff-undetermined", "value-conflict", "undetermined", DEPOT, "employees",
     frozenset({(BT, "brannvik-employees"), (H1, "brannvik-employees-mid-2025")})),
    ("depot-staff-about-130-after-140-timing", "value-conflict", "timing", DEPOT, "employees",
     frozenset({(BT, "brannvik-employees"), (NBB, "brannvik-employees")})),
    ("board-shrank-timing", "value-conflict", "timing", COMPANY, "board_size",
     frozenset({(AR, "board-size-end-2024"), (H1, "board-size"), (RMR, "board-size")})),
    ("depots-9-to-10-timing", "value-conflict", "timing", COMPANY, "depots",
     frozenset({(AR, "depots-end-2024"), (H1, "depots-mid-2025"), (NBB, "depots"), (NIW, IMPLIED)})),
    ("depots-9-to-12-timing", "value-conflict", "timing", COMPANY, "depots",
     frozenset({(AR, "depots-end-2024"), (NIW, "depots-end-2025"), (NIW, IMPLIED), (RMR, "depots-end-2025")})),
    ("depots-10-to-12-timing", "value-conflict", "timing", COMPANY, "depots",
     frozenset({(H1, "depots-mid-2025"), (NIW, "depots-end-2025"), (RMR, "depots-end-2025")})),
    # period-parts
    ("h1-sales-within-year", "period-parts", "timing", COMPANY, "revenue",
     frozenset({(H1, "revenue-h1"), (RMR, "revenue-2025")})),
    ("h1-injuries-exceed-year", "period-parts", "contradiction", COMPANY, "lost_time_injuries",
     frozenset({(H1, "lost-time-injuries-h1"), (NIW, "lost-time-injuries-2025")})),
    # office-holders
    ("ceo-changed-hands", "office-holders", "timing", COMPANY, "ceo",
     frozenset({(AR, "ceo"), (H1, "ceo"), (RMR, "ceo")})),
    # stale-figure
    ("ten-depots-repeated-after-twelve", "stale-figure", "stale", COMPANY, "depots",
     frozenset({(NBB, "depots"), (RMR, "depots-end-2025")})),
    # corroboration
    ("sales-2024-three-origins", "corroboration", "corroboration", COMPANY, "revenue",
     frozenset({(AR, "revenue-2024"), (RMR, "revenue-2024"), (BT, "revenue-2024")})),
    ("twelve-depots-one-origin", "corroboration", "corroboration", COMPANY, "depots",
     frozenset({(NIW, "depots-end-2025"), (RMR, "depots-end-2025")})),
    ("about-900-corroborates-920", "corroboration", "corroboration", COMPANY, "employees",
     frozenset({(NIW, "employees-end-2025"), (RMR, "employees-end-2025")})),
    ("ceo-with-and-without-diacritics", "corroboration", "corroboration", COMPANY, "ceo",
     frozenset({(H1, "ceo"), (RMR, "ceo")})),
    # implied-values
    ("depots-change-implies-9", "implied-values", "implied", COMPANY, "depots", frozenset({(NIW, IMPLIED)})),
    ("orders-ratio-implies-2024", "implied-values", "implied", COMPANY, "order_intake", frozenset({(NIW, IMPLIED)})),
    # sum-and-bound
    ("segments-add-up-2024", "sum-and-bound", "consistent", COMPANY, "revenue",
     frozenset({(AR, "revenue-2024"), (AR, "revenue-track-2024"), (AR, "revenue-signalling-2024"),
                (RMR, "revenue-2024"), (BT, "revenue-2024")})),
    ("segments-exceed-h1-sales", "sum-and-bound", "contradiction", COMPANY, "revenue",
     frozenset({(H1, "revenue-h1"), (H1, "revenue-track-h1"), (NIW, "revenue-signalling-h1")})),
    ("swedish-depots-within-all", "sum-and-bound", "consistent", COMPANY, "depots",
     frozenset({(AR, "depots-end-2024"), (AR, "depots-sweden-end-2024"), (NIW, IMPLIED)})),
    # list-vs-total
    ("board-list-short-of-seven", "list-vs-total", "shortfall", COMPANY, "board_size",
     frozenset({(AR, "board-members-end-2024"), (AR, "board-size-end-2024")})),
    ("seven-named-on-six-member-board", "list-vs-total", "contradiction", COMPANY, "board_size",
     frozenset({(RMR, "board-members"), (RMR, "board-size")})),
    # wording-variants (a subject-wide check: filed under the first metric of the claims it names)
    ("company-named-three-ways", "wording-variants", "variants", COMPANY, "",
     frozenset({(AR, "depots-end-2024"), (H1, "depots-mid-2025"), (NBB, "depots"), (RMR, "board-size"),
                (RMR, "revenue-2025")})),
    ("depot-named-two-ways", "wording-variants", "variants", DEPOT, "",
     frozenset({(BT, "brannvik-employees"), (H1, "brannvik-employees-mid-2025")})),
    ("center-for-centre", "wording-variants", "possible-alias", DEPOT, "employees",
     frozenset({(NBB, "brannvik-employees")})),
]

Identity = tuple[str, str, str, str, frozenset[tuple[str, str]]]


@pytest.fixture(scope="module")
def result() -> Result:
    return run([CLAIMS], RULES)


def _claims(finding) -> frozenset[tuple[str, str]]:  # noqa: ANN001
    return frozenset((ref.source, IMPLIED if ref.derivation else ref.claim) for ref in finding.claims)


def _identity(finding) -> Identity:  # noqa: ANN001
    return (finding.check, finding.verdict, finding.subject, finding.metric, _claims(finding))


def _of(result: Result, check: str, metric: str | None = None) -> list:
    return [f for f in result.findings if f.check == check and (metric is None or f.metric == metric)]


# ----------------------------------------------------------------- the input


def test_no_input_problems(result):
    assert [f"{f.location}: {f.message}" for f in result.findings if not f.subject] == []
    assert len(result.corpus.sources) == 6
    assert result.corpus.claims_read == len(result.corpus.claims) == 40


def test_every_quote_is_verbatim_in_its_archived_text(result):
    """quote-verbatim's near-miss: every quote is found, so it reports nothing."""
    assert [c.key for c in result.corpus.claims if c.quote_match is None or not c.quote_match.found] == []
    assert _of(result, "quote-verbatim") == []


def test_every_file_carries_the_schema_modeline():
    for path in sorted(CLAIMS.glob("*.yaml")):
        assert path.read_text("utf-8").startswith("# yaml-language-server: $schema=../../../checker/formats/schemas/claims.schema.json")
    for path in sorted(RULES.glob("*.yaml")):
        assert path.read_text("utf-8").startswith("# yaml-language-server: $schema=../../../checker/formats/schemas/rules.schema.json")


def test_one_source_is_undated_with_an_estimate(result):
    undated = [s for s in result.corpus.sources.values() if not s.dated]
    assert [s.id for s in undated] == [BT]
    assert undated[0].date is not None and undated[0].model.undated.argument


# ---------------------------------------------------------------- what fires


@pytest.mark.parametrize("case, check, verdict, subject, metric, claims", EXPECTED, ids=[row[0] for row in EXPECTED])
def test_check_fires_where_intended(result, case, check, verdict, subject, metric, claims):
    assert (check, verdict, subject, metric, claims) in {_identity(f) for f in result.findings}


def test_nothing_beyond_the_table(result):
    """The table is the whole of the run: no finding is unplanned, none is reported twice."""
    found = Counter(_identity(f) for f in result.findings)
    assert found == Counter(row[1:] for row in EXPECTED)  # a multiset: frozensets have no total order to sort by


#: the checks the example is written to exercise; quote-verbatim is exercised by staying silent
FIRING = {
    "value-conflict", "period-parts", "office-holders", "stale-figure", "corroboration",
    "implied-values", "sum-and-bound", "list-vs-total", "wording-variants",
}


def test_every_check_fires(result):
    assert FIRING | {"quote-verbatim"} <= set(checks.REGISTRY)
    assert {f.check for f in result.findings} == FIRING


def test_severities(result):
    assert result.counts() == {"error": 5, "warning": 3, "info": 21}
    errors = {(f.check, f.metric) for f in result.findings if f.severity == "error"}
    assert errors == {
        ("value-conflict", "operating_margin"),
        ("value-conflict", "order_intake"),
        ("period-parts", "lost_time_injuries"),
        ("sum-and-bound", "revenue"),
        ("list-vs-total", "board_size"),
    }


# ------------------------------------------------------------ the near-misses


def test_about_900_agrees_with_920(result):
    """value-conflict: "about 900" is written to the hundred, so it allows 850-950: it meets 920 and 880, not 845 FTE
    (another scope); "about 130" (125-135) meets the depot's 125, not the local paper's 140."""
    about = (NIW, "employees-end-2025")
    (scope,) = [f for f in _of(result, "value-conflict", "employees") if about in _claims(f)]
    assert scope.verdict == "scope" and (AR, "fte-end-2024") in _claims(scope)
    depot = [f for f in _of(result, "value-conflict", "employees") if (NBB, "brannvik-employees") in _claims(f)]
    assert [(f.verdict, (H1, "brannvik-employees-mid-2025") in _claims(f)) for f in depot] == [("timing", False)]


def test_ceo_spelled_without_diacritics_is_one_holder(result):
    """office-holders: "Åsa Nyhammar" and "Asa Nyhammar" as of 1 June 2025 are one holder, not two."""
    holders = _of(result, "office-holders")
    assert [f.verdict for f in holders] == ["timing"]
    values = {c.value.text for c in result.corpus.claims if c.metric_id == "ceo"}
    assert values == {"Torbjörn Västerlid", "Åsa Nyhammar"}
    named = [f for f in _of(result, "wording-variants") if f.subject == COMPANY]
    assert all((RMR, "ceo") not in _claims(f) for f in named)


def test_stale_figure_is_not_a_contradiction(result):
    """value-conflict leaves "ten depots" (published after "12") to stale-figure; the mid-2025 10 is not stale."""
    assert [f.verdict for f in _of(result, "value-conflict", "depots")] == ["timing"] * 3
    (stale,) = _of(result, "stale-figure")
    assert (H1, "depots-mid-2025") not in _claims(stale)


def test_implied_depots_agree_with_the_annual_report(result):
    """implied-values: 12 - 3 = 9 at the end of 2024, as the annual report says: no conflict between the nines."""
    (implied,) = _of(result, "implied-values", "depots")
    nine = [c for c in result.corpus.claims if c.key == (AR, "depots-end-2024")]
    assert nine and nine[0].value.text == "9"
    assert [f for f in _of(result, "value-conflict", "depots") if f.verdict != "timing"] == []
    assert implied.severity == "info"


def test_implied_values_are_no_corroboration(result):
    """The implied 9 agrees with the stated 9, but an implied value is no statement: no corroboration."""
    assert all((AR, "depots-end-2024") not in _claims(f) for f in _of(result, "corroboration"))


def test_only_nested_periods_are_compared(result):
    """period-parts: 2024 and 2025 are separate periods; sales and orders of those years are not compared."""
    assert [f.metric for f in _of(result, "period-parts")] == ["lost_time_injuries", "revenue"]
    assert all((RMR, "revenue-2024") not in _claims(f) for f in _of(result, "period-parts"))


def test_three_wordings_of_one_amount(result):
    """units: "SEK 1.2 billion", "1,200 million kronor" and "1.2 bn SEK" are one amount, in SEK."""
    sales = {c.key: c for c in result.corpus.claims if c.metric_id == "revenue" and c.time is not None and c.time.text == "2024"}
    assert {c.claim.unit for c in sales.values()} == {"billion SEK", "million kronor", "bn SEK"}
    assert {c.value.stated for c in sales.values()} == {1.2e9}
    assert _of(result, "value-conflict", "revenue") == []


def test_percentage_points_are_not_a_margin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A change "by 0.9 percentage points" filed as an operating margin is refused, not read as 0.9 %."""
    monkeypatch.chdir(tmp_path)  # the copy's archived texts lie in the repository: the working directory here
    copy = tmp_path / "company"
    shutil.copytree(EXAMPLE, copy)
    interview = copy / "claims" / "ceo-interview-2026-01.yaml"
    text = interview.read_text("utf-8")
    assert text.count("metric: operating_margin_change") == 1
    interview.write_text(text.replace("metric: operating_margin_change", "metric: operating_margin"), "utf-8")
    result = run([copy / "claims"], copy / "rules")
    (problem,) = [f for f in result.findings if not f.subject]
    assert problem.verdict == "invalid" and problem.location.path.endswith("ceo-interview-2026-01.yaml")
    assert "operating-margin-change-2025" not in {c.claim.id for c in result.corpus.claims}
