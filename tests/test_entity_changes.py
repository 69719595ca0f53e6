"""Entities that change what they cover (a city that absorbs its neighbours, a company that takes over another),
declared once in the rules as dated changes: figures across the change count different things (scope), for every
metric of the entity; figures on one side of it compare as before. In the seeds' domain and the company
example's, each beside near-misses."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.corpus.result import Result
from checker.engine import run

from conftest import ROOT, claim, source_block
from conftest import check_documents as _check

CHANGE = {"on": "2025-07-01", "extent": "after-2025", "description": "absorbed two neighbours"}

#: for each domain: the rules to copy, the file and entity to give the change, extra rules, and two metrics of
#: the entity with a figure before the change and two after it (a metric that may only grow among them, which
#: would otherwise "fall")
DOMAINS: dict[str, dict[str, Any]] = {
    "seeds": {
        "rules": ROOT / "rules",
        "file": None,  # the entity is declared in the extra rules
        "subject": "ho-chi-minh-city",
        "extra": {
            "entities": {"ho-chi-minh-city": {"name": "Ho Chi Minh City", "kind": "city"}},
            "metrics": {
                "population": {"label": "population", "kind": "count", "time": "stock"},
                "wards": {"label": "wards and communes", "kind": "count", "time": "stock", "trend": "non-decreasing"},
            },
        },
        "figures": {"population": (9_500_000, 14_000_000, 13_900_000), "wards": (273, 168, 160)},
        "any": "population",
    },
    "company": {
        "rules": ROOT / "examples" / "company" / "rules",
        "file": "company.yaml",
        "subject": "halvard-rail",
        "extra": {},
        "figures": {"employees": (850, 1_400, 1_350), "depots": (12, 8, 7)},
        "any": "employees",
    },
}


def _rules(folder: Path, domain: str, change: dict[str, Any] | None = CHANGE) -> Path:
    case = DOMAINS[domain]
    rules = folder / "rules"
    shutil.copytree(case["rules"], rules)
    extra = yaml.safe_load(yaml.safe_dump(case["extra"]))
    if case["file"] is None:
        if change:
            extra["entities"][case["subject"]]["changes"] = [change]
    elif change:
        path = rules / case["file"]
        body = yaml.safe_load(path.read_text("utf-8"))
        body["entities"][case["subject"]]["changes"] = [change]
        path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), "utf-8")
    if extra:
        (rules / "extra.yaml").write_text(yaml.safe_dump(extra, allow_unicode=True, sort_keys=False), "utf-8")
    return rules


def _across(domain: str, metric: str, after_index: int = 1, **after: Any) -> list:
    case = DOMAINS[domain]
    figures = case["figures"][metric]
    subject = case["subject"]
    return [
        ("before", "2025-03-10", claim("figure", metric, figures[0], subject=subject, as_of="2025-01-01")),
        ("after", "2025-10-02", claim("figure", metric, figures[after_index], subject=subject, **after)),
    ]


def _conflicts(result: Result) -> list:
    return [f for f in result.findings if f.check in ("value-conflict", "stale-figure")]


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("which", [0, 1])
def test_figures_across_a_change_count_different_things(tmp_path, domain, which):
    """Every metric of the entity: a count of any trend, and one that may only grow (which would otherwise be a
    contradiction, as it fell); the later claim says nothing of the extent, so its date decides, and the note
    says so."""
    metric = sorted(DOMAINS[domain]["figures"])[which]
    result = _check(tmp_path, _rules(tmp_path, domain), _across(domain, metric))
    found = _conflicts(result)
    assert [f.verdict for f in found] == ["scope"]
    note = found[0].note
    assert 'extent: "original" vs "after-2025"' in note
    assert "from 1 July 2025 on (absorbed two neighbours), taken from the date of after" in note


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("which", [0, 1])
def test_without_the_change_the_same_figures_are_compared_as_before(tmp_path, domain, which):
    """The near-miss the change explains: undeclared, the same figures are timing, or (for a count that may only
    grow, given as current after a higher one) possibly stale."""
    metric = sorted(DOMAINS[domain]["figures"])[which]
    result = _check(tmp_path, _rules(tmp_path, domain, change=None), _across(domain, metric))
    grows = result.vocabulary.metrics[metric].trend.value == "non-decreasing"
    assert [f.verdict for f in _conflicts(result)] == ["stale" if grows else "timing"]


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_two_figures_after_the_change_contradict_as_before(tmp_path, domain):
    metric = sorted(DOMAINS[domain]["figures"])[0]
    subject, figures = DOMAINS[domain]["subject"], DOMAINS[domain]["figures"][metric]
    documents = [
        (name, "2026-01-20", claim("figure", metric, figures[index], subject=subject, as_of="2025-12-31"))
        for name, index in (("one", 1), ("two", 2))
    ]
    result = _check(tmp_path, _rules(tmp_path, domain), documents)
    assert [f.verdict for f in _conflicts(result)] == ["contradiction"]


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_a_later_source_may_state_the_former_extent(tmp_path, domain):
    """A figure of the city as it was, given after the change (`scope: {extent: original}`), is compared with
    the figures before the change as one extent: timing, not scope."""
    metric = DOMAINS[domain]["any"]
    documents = _across(domain, metric, 2, as_of="2025-12-31", scope={"extent": "original"})
    result = _check(tmp_path, _rules(tmp_path, domain), documents)
    assert [f.verdict for f in _conflicts(result)] == ["timing"]


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_a_time_that_spans_the_change_does_not_say_its_extent(tmp_path, domain):
    """ "As of 2025" may be before or after 1 July: against a figure of a stated extent it is undetermined."""
    metric = sorted(DOMAINS[domain]["figures"])[0]
    documents = _across(domain, metric, 1, as_of="2025")
    documents[0] = (documents[0][0], documents[0][1], {**documents[0][2], "scope": {"extent": "after-2025"}})
    result = _check(tmp_path, _rules(tmp_path, domain), documents)
    found = _conflicts(result)
    assert [f.verdict for f in found] == ["undetermined"] and "does not say its extent" in found[0].note


def test_an_extent_the_entity_does_not_have_is_an_error_at_the_claim(tmp_path):
    metric = sorted(DOMAINS["company"]["figures"])[0]
    documents = _across("company", metric, 1, scope={"extent": "before-the-war"})
    (tmp_path / "claims").mkdir()
    rules = _rules(tmp_path, "company")
    for name, published, body in documents:
        document = {"source": source_block(name, published), "claims": [body]}
        (tmp_path / "claims" / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    result = run([tmp_path / "claims"], rules)
    errors = [f for f in result.findings if f.severity == "error"]
    assert len(errors) == 1 and 'has no extent "before-the-war"' in errors[0].message
    assert "original, after-2025" in errors[0].hint


@pytest.mark.parametrize(
    "changes, message",
    [
        ([CHANGE, CHANGE], "each extent needs a name of its own"),
        ([{**CHANGE, "on": "2025-08-01"}, {**CHANGE, "extent": "later"}], "oldest first"),
    ],
)
def test_changes_out_of_order_or_sharing_a_name_are_rules_errors(tmp_path, changes, message):
    rules = _rules(tmp_path, "company", change=None)
    path = rules / "company.yaml"
    body = yaml.safe_load(path.read_text("utf-8"))
    body["entities"]["halvard-rail"]["changes"] = changes
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), "utf-8")
    (tmp_path / "claims").mkdir()
    result = run([tmp_path / "claims"], rules)
    assert any(message in f.message and f.check == "rules" for f in result.findings)


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_the_checks_on_tables_agree_with_their_definition_across_a_change(tmp_path, domain):
    """Every check that judges a table finds, across a change, what its definition finds group by group."""
    from test_table_parity import _both_ways

    case = DOMAINS[domain]
    documents = []
    for metric in sorted(case["figures"]):
        documents += [(f"{metric}-{name}", published, body) for name, published, body in _across(domain, metric)]
        documents += [(f"{metric}-spanning-{name}", published, body) for name, published, body in
                      _across(domain, metric, 2, as_of="2025")]  # fmt: skip
    rules = _rules(tmp_path, domain)
    _check(tmp_path / "run", rules, documents)
    _both_ways(tmp_path / "run" / "claims", rules)


def test_a_value_implied_from_figures_after_a_change_counts_their_extent(tmp_path):
    """17 depots at the end of 2025 (after a takeover) less 3 opened in 2025 imply 14 at the end of 2024 — of the
    enlarged company: against the 9 of the company as it then was, that is scope, not a contradiction."""
    rules = _rules(tmp_path, "company")
    (tmp_path / "claims").mkdir()
    documents = {
        "ar": [claim("depots", "depots", 9, subject="halvard-rail", as_of="2024-12-31")],
        "now": [
            claim("depots", "depots", 17, subject="halvard-rail", as_of="2025-12-31"),
            claim("opened", "depots_opened", 3, subject="halvard-rail", period="2025"),
        ],  # fmt: skip
    }
    for name, claims in documents.items():
        body = {"source": source_block(name, "2026-02-01" if name == "now" else "2025-02-01"), "claims": claims}
        (tmp_path / "claims" / f"{name}.yaml").write_text(yaml.safe_dump(body, sort_keys=False), "utf-8")
    result = run([tmp_path / "claims"], rules)
    assert [f for f in result.findings if not f.subject] == []
    assert "contradiction" not in {f.verdict for f in result.findings}
    (implied,) = [c for f in result.findings if f.check == "implied-values" for c in f.claims]
    assert implied.value == "14 (implied)" and implied.scope == "extent after-2025"


def test_a_change_known_only_to_its_year_leaves_that_year_unstated(tmp_path):
    """A change "on: 2025" may have come on any day of 2025: a figure as of March 2025 does not say its extent."""
    rules = _rules(tmp_path, "company", change={**CHANGE, "on": "2025"})
    metric = DOMAINS["company"]["any"]
    documents = _across("company", metric, 1, as_of="2025-03-31")
    documents[0] = (documents[0][0], documents[0][1], {**documents[0][2], "scope": {"extent": "original"}})
    result = _check(tmp_path, rules, documents)
    found = _conflicts(result)
    assert [f.verdict for f in found] == ["undetermined"] and "does not say its extent" in found[0].note
