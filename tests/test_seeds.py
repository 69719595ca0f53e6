"""End to end over the project's own claims/ and rules/: the seed articles' known discrepancies."""

from __future__ import annotations

import pytest

from checker.corpus.result import Result
from checker.engine import run
from checker.reporting import REPORTERS

from conftest import ROOT

CLAIMS, RULES = ROOT / "claims", ROOT / "rules"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def result() -> Result:
    return run([CLAIMS], RULES)


def _conflicts(result: Result, metric: str) -> list:
    return [f for f in result.findings if f.check == "value-conflict" and f.metric == metric]


def test_no_input_problems(result):
    assert [f"{f.location}: {f.message}" for f in result.findings if not f.subject] == []
    assert len(result.corpus.sources) == 5
    assert result.corpus.claims_read == len(result.corpus.claims) >= 150


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not beside the project")
def test_every_quote_is_verbatim_in_its_article(result):
    unverified = [c.key for c in result.corpus.claims if c.quote_match is None or not c.quote_match.found]
    assert unverified == []
    for claim in result.corpus.claims:
        assert "shared/seeds/" in claim.ref.evidence
        start, end = claim.ref.evidence_span
        archive = (claim.source.file.parent / claim.source.model.archive).read_text("utf-8")
        assert end > start and archive.count("\n", 0, start) + 1 == int(claim.ref.evidence.rsplit(":", 1)[1])


def test_every_file_carries_the_schema_modeline():
    for path in sorted(CLAIMS.glob("*.yaml")):
        assert path.read_text("utf-8").startswith("# yaml-language-server: $schema=../checker/formats/schemas/claims.schema.json")
    for path in sorted(RULES.glob("*.yaml")):
        assert path.read_text("utf-8").startswith("# yaml-language-server: $schema=../checker/formats/schemas/rules.schema.json")


def test_13_vs_14_csp_is_timing_with_both_dates(result):
    (finding,) = _conflicts(result, "comprehensive_strategic_partners")
    assert finding.verdict == "timing" and finding.severity == "info"
    assert {ref.value for ref in finding.claims} == {"13", "14"}
    assert "30 June 2025" in finding.note and "31 December 2025" in finding.note


def test_38_vs_42_frameworks_says_what_is_known_of_timing(result):
    (finding,) = _conflicts(result, "partnership_frameworks")
    assert finding.verdict == "undetermined"
    assert {ref.value for ref in finding.claims} == {"38", "42"}
    assert "undated" in finding.note and "31 December 2025" in finding.note
    assert "timing explains the difference" in finding.note


def test_ftas_in_force_vs_any_stage_is_scope(result):
    (finding,) = _conflicts(result, "free_trade_agreements")
    assert finding.verdict == "scope" and "stage" in finding.note


def test_change_of_foreign_minister_is_timing(result):
    findings = [f for f in result.findings if f.check == "office-holders" and f.metric == "foreign_minister"]
    (finding,) = findings
    assert finding.verdict == "timing" and "changed hands" in finding.note


def test_first_designation_is_a_contradiction(result):
    (finding,) = _conflicts(result, "foreign_affairs_first_designated_core_by")
    assert finding.verdict == "contradiction" and finding.severity == "error"


def test_half_year_beside_full_year_is_not_an_error(result):
    findings = [f for f in result.findings if f.metric == "overseas_visits_by_leaders" and f.check != "corroboration"]
    assert [(f.check, f.verdict, f.severity) for f in findings] == [("period-parts", "timing", "info")]
    assert "leaving" in findings[0].note


def test_same_number_for_different_metrics_is_not_compared(result):
    """180 votes and 180 media organisations are different metrics: nothing links them."""
    for finding in result.findings:
        assert len({(ref.source, ref.claim) for ref in finding.claims}) == len(finding.claims)
    assert _conflicts(result, "unhrc_reelection_votes") == [] and _conflicts(result, "media_organisations_attending") == []


def test_the_minister_repeated_by_two_outlets_is_one_origin(result):
    findings = [f for f in result.findings if f.check == "corroboration" and f.metric == "partnership_frameworks"]
    (finding,) = findings
    assert {ref.origin for ref in finding.claims} == {"le-hoai-trung"} and "not independent" in finding.note


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_report_is_deterministic_whatever_the_file_order(fmt, tmp_path):
    files = sorted(CLAIMS.glob("*.yaml"))
    first = REPORTERS[fmt](run(files, RULES))
    second = REPORTERS[fmt](run(list(reversed(files)), RULES))
    assert first == second


def _of(result: Result, check: str, metric: str | None = None) -> list:
    return [f for f in result.findings if f.check == check and (metric is None or f.metric == metric)]


def test_upgrades_listed_fall_short_of_the_stated_17(result):
    (finding,) = _of(result, "list-vs-total", "partners_upgraded")
    assert finding.verdict == "shortfall" and "2 of the 17 are not named" in finding.note


def test_csp_count_at_end_2024_is_implied_from_the_2025_list(result):
    implied = [f for f in _of(result, "implied-values", "comprehensive_strategic_partners") if "= 9" in f.note]
    assert implied and "2024-12-31" in implied[0].note


def test_csp_within_frameworks_at_end_2025(result):
    holds = [f for f in _of(result, "sum-and-bound", "partnership_frameworks") if "31 December 2025" in f.note]
    assert holds and all(f.verdict == "consistent" for f in holds)


def test_designation_translations_are_wording_variants_not_conflicts(result):
    variants = _of(result, "wording-variants", "foreign_affairs_designation")
    notes = " ".join(f.note for f in variants if f.verdict == "variants")
    assert '"critical and regular"' in notes and '"strategic and constant"' in notes
    assert _of(result, "value-conflict", "foreign_affairs_designation") == []


def test_agreements_in_2024_implied_by_the_ratio(result):
    (finding, *_) = _of(result, "implied-values", "cooperation_agreements_signed")
    assert "138–140 in 2024" in finding.note  # nearly 350, as written: 345-350


@pytest.mark.parametrize(
    "bound, verdict",
    [
        (9, "undetermined"),  # covers 9-9.5 of "about 9 billion" (8.5-9.5 billion as written)
        (8.4, None),  # the near-miss: covers all of it, so the two agree
        (9.6, "contradiction"),  # covers none of it
    ],
)
def test_a_bound_against_the_approximate_fdi_figure_of_the_seeds(tmp_path, bound, verdict):
    """The review's "approximately 9 billion USD" of FDI in 2025-H1, against another source's "more than X billion"
    for the same half-year, with the project's own rules."""
    import yaml

    from conftest import claim, source_block

    review = claim("fdi-h1", "fdi_inflows", 9, subject="vietnam", unit="billion USD", precision="about",
                   period="2025-H1")  # fmt: skip
    other = claim("fdi-h1", "fdi_inflows", bound, subject="vietnam", unit="billion USD", precision="more-than",
                  period="2025-H1")  # fmt: skip
    (tmp_path / "claims").mkdir()
    for name, published, body in (("review", "2025-07-05", review), ("wire", "2025-07-08", other)):
        document = {"source": source_block(name, published), "claims": [body]}
        (tmp_path / "claims" / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    found = run([tmp_path / "claims"], RULES)
    assert [f for f in found.findings if not f.subject] == []
    verdicts = [f for f in found.findings if f.check == "value-conflict"]
    assert [f.verdict for f in verdicts] == ([verdict] if verdict else [])
    if verdict == "undetermined":
        assert "8.5–9.5 billion" in verdicts[0].note and "would settle it" in verdicts[0].note
        assert verdicts[0].severity == "warning"


@pytest.mark.parametrize(
    "rules, subject, metric, published, verdict",
    [
        (RULES, "vietnam", "overseas_visits_by_leaders", "2025-12-10", "timing"),  # counted up to 10 December
        (RULES, "vietnam", "overseas_visits_by_leaders", "2026-01-03", "contradiction"),  # the near-miss: whole year
        (ROOT / "examples" / "company" / "rules", "halvard-rail", "lost_time_injuries", "2025-11-20", "timing"),
        (ROOT / "examples" / "company" / "rules", "halvard-rail", "lost_time_injuries", "2026-02-01", "contradiction"),
    ],
)
def test_a_flow_of_a_year_not_yet_ended_is_counted_so_far(tmp_path, rules, subject, metric, published, verdict):
    """A figure "in 2025" from a source published before 2025 ended counts the year so far: lower than the year's
    figure of a later review, that is timing ("year to date"), in the seeds' vocabulary and the company's."""
    import yaml

    from conftest import claim, source_block

    (tmp_path / "claims").mkdir()
    for name, date, value in (("early", published, 7), ("review", "2026-02-10", 9)):
        body = claim(f"{metric}-2025", metric, value, subject=subject, period="2025")
        document = {"source": source_block(name, date), "claims": [body]}
        (tmp_path / "claims" / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    found = run([tmp_path / "claims"], rules)
    assert [f for f in found.findings if not f.subject] == []
    assert [f.verdict for f in found.findings if f.check == "value-conflict"] == [verdict]


def test_the_minister_named_by_an_undated_interview_and_a_dated_one_corroborate(result):
    """The FM interview in the e-paper is undated (estimated January to February 2026) and the VNS article of 30
    January 2026 relays the same minister: the estimate holds that one day only, so the two agree on it."""
    sources = [
        {ref.source for ref in f.claims}
        for f in _of(result, "corroboration")
        if "epaper-fm-le-hoai-trung-interview-2026" in {ref.source for ref in f.claims}
    ]
    assert {"epaper-fm-le-hoai-trung-interview-2026", "vns-2026-01-30-fm-le-hoai-trung"} <= set().union(*sources)


def test_coarse_and_fine_times_in_the_seeds_vocabulary(tmp_path):
    """With the project's rules: "as of 2025-12" and "as of 2025-12-31" corroborate; the near-miss, "as of 2025"
    beside 30 June and 31 December, corroborates neither."""
    import yaml

    from conftest import claim, source_block

    def corroborated(times: list[str]) -> list[set[str]]:
        folder = tmp_path / "-".join(times)
        (folder / "claims").mkdir(parents=True)
        for number, when in enumerate(times):
            body = claim("csp", "comprehensive_strategic_partners", 14, subject="vietnam", as_of=when)
            document = {"source": source_block(f"s{number}", "2026-01-20"), "claims": [body]}
            (folder / "claims" / f"s{number}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
        found = run([folder / "claims"], RULES)
        assert [f for f in found.findings if not f.subject] == []
        return [{ref.source for ref in f.claims} for f in found.findings if f.check == "corroboration"]

    assert corroborated(["2025-12", "2025-12-31"]) == [{"s0", "s1"}]
    assert corroborated(["2025", "2025-06-30", "2025-12-31"]) == []


@pytest.mark.parametrize(
    "stage, verdict",
    [(None, "undetermined"), ("initially-announced", "scope")],  # the near-miss: a stage stated on both sides
)
def test_a_tariff_rate_that_does_not_say_its_stage(tmp_path, stage, verdict):
    """The seeds' US tariff rate has a stage with no default: a rate that does not say whether it is the one first
    announced or the one negotiated is undetermined against a negotiated 20%, not another scope."""
    import yaml

    from conftest import claim, source_block

    (tmp_path / "claims").mkdir()
    said = {"scope": {"stage": stage}} if stage else {}
    bodies = (("wire", claim("rate", "us_reciprocal_tariff_rate", 46, subject="vietnam", as_of="2025-08", **said)),
              ("review", claim("rate", "us_reciprocal_tariff_rate", 20, subject="vietnam", as_of="2025-08",
                               scope={"stage": "after-negotiation"})))  # fmt: skip
    for name, body in bodies:
        document = {"source": source_block(name, "2025-09-01"), "claims": [body]}
        (tmp_path / "claims" / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    found = run([tmp_path / "claims"], RULES)
    assert [f for f in found.findings if not f.subject] == []
    assert [f.verdict for f in found.findings if f.check == "value-conflict"] == [verdict]


@pytest.mark.parametrize("any_stage, verdict", [(20, "scope"), (15, "contradiction")])
def test_free_trade_agreements_at_any_stage_include_those_in_force(tmp_path, any_stage, verdict):
    """The seeds' rules declare that FTAs at any stage include those in force: 20 and 17 of one day are different
    things, 15 at any stage against 17 in force cannot both be true."""
    import yaml

    from conftest import claim, source_block

    (tmp_path / "claims").mkdir()
    for name, value, stage in (("wire", any_stage, "any-stage"), ("review", 17, "in-force")):
        body = claim("fta", "free_trade_agreements", value, subject="vietnam", as_of="2025-12-31",
                     scope={"stage": stage})  # fmt: skip
        document = {"source": source_block(name, "2026-01-12"), "claims": [body]}
        (tmp_path / "claims" / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    found = run([tmp_path / "claims"], RULES)
    assert [f for f in found.findings if not f.subject] == []
    assert [f.verdict for f in found.findings if f.check == "value-conflict"] == [verdict]


@pytest.mark.parametrize("middle, returns", [(None, False), ("2025-10-01", True)])
def test_a_minister_named_by_an_undated_source_across_the_change(tmp_path, middle, returns):
    """With the project's rules: Bùi Thanh Sơn as of 2025-06-30, Lê Hoài Trung from 2025-08-01 and again 2026-01-30,
    and a source naming Bùi Thanh Sơn estimated July to October 2025, across the change, is no "return"; the
    near-miss, the same source dated 1 October 2025, is flagged for review as before."""
    import yaml

    from conftest import claim, source_block

    (tmp_path / "claims").mkdir()
    undated = source_block("sources-c", None, undated={"estimate": "2025-07/2025-10", "argument": "its agenda"})
    sources = [
        ("a", source_block("a", "2025-07-01"), "bui-thanh-son", {"as_of": "2025-06-30"}),
        ("b", source_block("b", "2025-08-02"), "le-hoai-trung", {"as_of": "2025-08-01"}),
        ("c", source_block("c", middle) if middle else undated, "bui-thanh-son", {"as_of": middle} if middle else {}),
        ("d", source_block("d", "2026-01-30"), "le-hoai-trung", {"as_of": "2026-01-30"}),
    ]
    for name, block, holder, when in sources:
        body = claim("fm", "foreign_minister", holder, subject="vietnam", **when)
        document = {"source": block, "claims": [body]}
        (tmp_path / "claims" / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    found = run([tmp_path / "claims"], RULES)
    assert [f for f in found.findings if not f.subject] == []
    notes = [f.note for f in found.findings if f.check == "office-holders"]
    assert any("a return, or a wrong date" in note for note in notes) == returns
