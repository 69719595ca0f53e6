"""A value that holds from a stated change on (``since``), and a later source that repeats the value from before
the change: possibly stale for a metric of any trend, in the seeds' domain and the company example's, each beside
near-misses that stay a timing difference."""

from __future__ import annotations

from typing import Any

import pytest

from checker.corpus.result import Result

from conftest import ROOT, claim, only_error
from conftest import check_documents as _check

SEEDS_RULES = ROOT / "rules"
COMPANY_RULES = ROOT / "examples" / "company" / "rules"

#: (rules, subject, metric, value before the change, value after it, a further value no earlier time had)
DOMAINS = {
    "seeds": (SEEDS_RULES, "vietnam", "strategic_partners", 12, 13, 14),
    "company": (COMPANY_RULES, "halvard-rail", "board_size", 7, 9, 8),
}


def _documents(domain: str, later_value: int, later_published: str, **later: Any) -> list:
    _, subject, metric, before, after, _ = DOMAINS[domain]
    return [
        ("old", "2025-01-15", claim("count", metric, before, subject=subject, as_of="2024-12-31")),
        ("change", "2025-07-03", claim("count", metric, after, subject=subject, since="2025-07-01")),
        ("later", later_published, claim("count", metric, later_value, subject=subject, **later)),
    ]


def _by_check(result: Result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in result.findings:
        found.setdefault(finding.check, []).append(finding.verdict)
    return found


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_a_later_source_repeating_the_value_from_before_a_change_is_possibly_stale(tmp_path, domain):
    rules, subject, metric, before, after, _ = DOMAINS[domain]
    result = _check(tmp_path, rules, _documents(domain, before, "2025-10-02"))
    stale = [f for f in result.findings if f.check == "stale-figure"]
    assert [f.verdict for f in stale] == ["stale"] and stale[0].severity == "warning"
    note = stale[0].note
    assert f"a change to {after} from 1 July 2025 on" in note and "published 2 October 2025" in note
    assert f"old: {before} as of 2024-12-31" in note  # the value from before the change, and when it held
    assert {c.source for c in stale[0].claims} == {"old", "change", "later"}
    # value-conflict leaves the repeat to stale-figure, and keeps the change itself (12 then 13) as timing
    conflicts = [f for f in result.findings if f.check == "value-conflict"]
    assert [f.verdict for f in conflicts] == ["timing"]
    assert "later" not in {c.source for c in conflicts[0].claims}
    # the latest well-supported value is the change's, not the figure repeated after it
    timeline = result.timeline(subject, metric)
    assert timeline is not None and timeline.latest is not None and timeline.latest.value == str(after)


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize(
    "case",
    [
        "further-change",  # a value no earlier time had: it changed again
        "written-before",  # published before the change took effect
        "changed-back",  # a later stated change back to the old value
        "same-value",  # repeats the change's value
    ],
)
def test_near_misses_stay_quiet(tmp_path, domain, case):
    rules, subject, metric, before, after, further = DOMAINS[domain]
    if case == "further-change":
        documents = _documents(domain, further, "2025-10-02")
    elif case == "written-before":
        documents = _documents(domain, before, "2025-06-20")
    elif case == "same-value":
        documents = _documents(domain, after, "2025-10-02")
    else:
        documents = [
            *_documents(domain, before, "2025-10-02"),
            ("back", "2025-09-20", claim("count", metric, before, subject=subject, since="2025-09-15")),
        ]
    result = _check(tmp_path, rules, documents)
    assert "stale-figure" not in _by_check(result)
    timeline = result.timeline(subject, metric)
    assert timeline is not None and timeline.latest is not None
    latest = {"further-change": further, "changed-back": before, "same-value": after, "written-before": after}[case]
    assert timeline.latest.value == str(latest)


def test_since_reads_as_from_in_reports(tmp_path):
    rules, subject, metric, before, after, _ = DOMAINS["seeds"]
    result = _check(tmp_path, rules, _documents("seeds", before, "2025-10-02"))
    refs = {c.source: c for f in result.findings for c in f.claims}
    assert refs["change"].time == "from 2025-07-01 on"


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"as_of": "2025-07-01"}, "give `since` (the date a stock changed to this value) or `as_of`, not both"),
        ({"period": "2025"}, "give `since` (the date a stock changed to this value) or `period`, not both"),
    ],
)
def test_since_with_another_time_is_an_error_at_the_claim(tmp_path, extra, message):
    rules, subject, metric, *_ = DOMAINS["company"]
    error, _ = only_error(tmp_path, rules, claim("count", metric, 9, subject=subject, since="2025-07-01", **extra))
    assert message in error.message


def test_since_on_a_flow_is_an_error_at_its_key(tmp_path):
    body = claim("visits", "overseas_visits_by_leaders", 9, subject="vietnam", since="2025-07-01")
    error, line = only_error(tmp_path, SEEDS_RULES, body)
    assert "does not change to a value on a date" in error.message and line.startswith("since:")


def test_a_change_known_only_to_its_year_is_in_effect_from_the_end_of_it(tmp_path):
    """ "Since 2025": a figure as of March 2025 may well predate the change, so giving the old value then is no
    repeat; one as of 2026 is."""
    rules, subject, metric, before, after, _ = DOMAINS["seeds"]
    documents = [
        ("old", "2025-01-15", claim("count", metric, before, subject=subject, as_of="2024-12-31")),
        ("change", "2026-01-03", claim("count", metric, after, subject=subject, since="2025")),
        ("march", "2025-04-02", claim("count", metric, before, subject=subject, as_of="2025-03-31")),
        ("later", "2026-02-02", claim("count", metric, before, subject=subject)),
    ]
    result = _check(tmp_path, rules, documents)
    stale = [f for f in result.findings if f.check == "stale-figure"]
    assert len(stale) == 1 and "(later, published 2026-02-02)" in stale[0].message


def test_an_old_holder_named_after_a_stated_change_is_stale_not_a_return(tmp_path):
    """The company's CEO: the old one at the end of 2024, the new one from 1 June 2025 on, and a source of October
    2025 still naming the old one: possibly stale, once, and no "return, or a wrong date"."""
    rules = DOMAINS["company"][0]
    documents = [
        ("old", "2025-01-20", claim("ceo", "ceo", "torbjorn-vasterlid", subject="halvard-rail", as_of="2024-12-31")),
        ("change", "2025-06-03", claim("ceo", "ceo", "asa-nyhammar", subject="halvard-rail", since="2025-06-01")),
        ("later", "2025-10-02", claim("ceo", "ceo", "torbjorn-vasterlid", subject="halvard-rail")),
    ]
    result = _check(tmp_path, rules, documents)
    by_check = _by_check(result)
    assert by_check["stale-figure"] == ["stale"]
    assert by_check["office-holders"] == ["timing"]  # the change itself, from the old holder to the new one
