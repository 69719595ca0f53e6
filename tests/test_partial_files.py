"""One bad entry loses only itself: a claim, an acknowledgement or a rules entry with errors is reported at its
place and left out, and the rest of its file is used; a file that cannot be used in part is refused with a
finding that says why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.engine import run
from checker.pipeline import CheckRequest, execute

from conftest import claim, one_source, run_cli, source_block, write_corpus

#: a claim file whose second claim contradicts OTHER, between two claims with errors
MIXED = """\
source:
  id: mixed
  title: Mixed
  publisher: P
  kind: news-report
  published: 2025-07-01
claims:
  - id: no-time
    subject: freedonia
    metric: partners
    value: 12
    as_of: null
    quote: it says 12
  - id: good
    subject: freedonia
    metric: partners
    value: 14
    as_of: 2025-06-30
    quote: it says 14
  - id: wrong-type
    subject: freedonia
    metric: partners
    value: 13
    precision: roughly
    as_of: 2025-06-30
    quote: it says 13
"""
OTHER = one_source("other", "2025-07-02", claim("p", "partners", 10, as_of="2025-06-30"))


def _project(tmp_path: Path, files: dict[str, str | dict[str, Any]]) -> tuple[Path, Path]:
    claims_dir, rules_dir = write_corpus(tmp_path, {"other.yaml": OTHER})
    for name, body in files.items():
        text = body if isinstance(body, str) else yaml.safe_dump(body, sort_keys=False)
        (claims_dir / name).write_text(text, "utf-8")
    return claims_dir, rules_dir


def _check(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_cli(tmp_path, "check", "claims", "--rules", "rules", "--format", "json", *args)
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def _at(report: dict[str, Any], path: str) -> list[tuple[int, int, str, str]]:
    """(line, column, check, message) of every input error located in ``path``."""
    return sorted(
        (f["location"]["line"], f["location"]["column"], f["check"], f["message"])
        for f in report["findings"]
        if (f.get("location") or {}).get("path") == path and f["verdict"] == "invalid"
    )


def _contradictions(report: dict[str, Any]) -> list[set[tuple[str, str]]]:
    return [
        {(ref["source"], ref["claim"]) for ref in f["claims"]}
        for f in report["findings"]
        if f["check"] == "value-conflict" and f["verdict"] == "contradiction"
    ]


# ------------------------------------------------------------------ claim files


def test_a_bad_claim_is_reported_and_the_other_claims_of_its_file_are_checked(tmp_path):
    _project(tmp_path, {"mixed.yaml": MIXED})
    code, report = _check(tmp_path, "--no-cache")
    assert code == 1
    found = _at(report, "claims/mixed.yaml")
    # a key written as null is shown where it stands (its value), not where its claim starts
    assert (12, 12, "schema", "claims.0.as_of: no value: give it one or leave the key out") in found
    assert any(where[:3] == (24, 16, "schema") and "claims.2.precision" in where[3] for where in found), found
    assert len(found) == 2, found  # each bad claim once, and no finding for the file as a whole
    assert {("mixed", "good"), ("other", "p")} in _contradictions(report)
    assert report["summary"]["claims"] == 4 and report["summary"]["claims_checked"] == 2


@pytest.mark.parametrize(
    "bad, token, said",
    [
        ("value: .nan", ".nan", '".nan" is not a finite number'),
        ("value: -.inf", "-.inf", '"-.inf" is not a finite number'),
        ("value: 3, value: 4", "value: 4", 'duplicate key "value" (first at line {line})'),
        ('value: 3, note: "x\\ey"', '"x', "control character U+001B is not allowed"),
        ("value: 3, note: x\x07y", "\x07", "control character U+0007 is not allowed"),
        ("value: 3, note: !foo x", "!foo", 'tag "!foo" is not allowed'),
        ("value: 3, <<: {note: x}", "<<", "merge keys (<<) are not supported"),
        ("value: 3, [a, b]: x", "[a", "a mapping key must be a plain value"),
        ("value: 014", "014", '"014" is 12 to a YAML 1.1 reader (this one) and 14 to a YAML 1.2 one (JSON-based editors)'),
    ],
    ids=["nan", "infinity", "a key twice", "a control character", "a raw control character", "a tag", "a merge key",
         "a key that is a list", "a number read two ways"],
)  # fmt: skip
def test_a_value_yaml_cannot_give_loses_only_its_claim(tmp_path, bad, token, said):
    """A number that is not finite, a key written twice or a control character inside one claim is that claim's
    error, at its place: the file's other claims are checked (here one contradicts another file's), as with any
    claim with errors; two claims with the same problem are two findings."""
    lines = [
        "source: {id: mixed, title: M, publisher: P, kind: news-report, published: 2025-07-01}",
        "claims:",
        "  - {id: good, subject: freedonia, metric: partners, value: 14, as_of: 2025-06-30, quote: it says 14}",
        f"  - {{id: bad, subject: freedonia, metric: partners, as_of: 2025-06-30, quote: it says 3, {bad}}}",
        f"  - {{id: bad2, subject: freedonia, metric: partners, as_of: 2025-06-30, quote: it says 3, {bad}}}",
    ]
    _project(tmp_path, {"mixed.yaml": "\n".join(lines) + "\n"})
    expected = [(n, lines[n - 1].index(token) + 1, "yaml-syntax", said.format(line=n)) for n in (4, 5)]
    for args in (("--no-cache",), ("--cache", str(tmp_path / "cache")), ("--cache", str(tmp_path / "cache"))):
        code, report = _check(tmp_path, *args)
        assert code == 1
        assert _at(report, "claims/mixed.yaml") == expected
        assert len({f["fingerprint"] for f in report["findings"] if f["verdict"] == "invalid"}) == 2
        assert {("mixed", "good"), ("other", "p")} in _contradictions(report)
        assert report["summary"]["claims"] == 4 and report["summary"]["claims_checked"] == 2
    validated = run_cli(tmp_path, "validate", "claims", "--rules", "rules")
    assert validated.exit_code == 1 and f"claims/mixed.yaml:4:{expected[0][1]}" in validated.output


@pytest.mark.parametrize(
    "bad, said",
    [
        ('"value": NaN', "claims.1.value: NaN is not a finite number"),
        ('"value": -Infinity', "claims.1.value: -Infinity is not a finite number"),
        ('"value": 3, "value": 4', 'claims.1.value: duplicate key "value"'),
        ('"value": 3, "note": "x\\u001by"', "claims.1.note: control character U+001B is not allowed"),
        ('"value": ' + "9" * 120, "claims.1.value: a number is too long"),
    ],
    ids=["nan", "infinity", "a key twice", "a control character", "a long number"],
)
@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_value_json_cannot_give_loses_only_its_claim(tmp_path, bad, said, suffix):
    """As in YAML: the bad claim is that claim's error (at the document's line, named by its key path, JSON
    giving no finer place), and the others of its document are checked."""
    good = '{"id": "good", "subject": "freedonia", "metric": "partners", "value": 14, "as_of": "2025-06-30", ' \
        '"quote": "it says 14"}'  # fmt: skip
    worse = f'{{"id": "bad", "subject": "freedonia", "metric": "partners", "as_of": "2025-06-30", "quote": "q", {bad}}}'
    source = '{"id": "mixed", "title": "M", "publisher": "P", "kind": "news-report", "published": "2025-07-01"}'
    _project(tmp_path, {f"mixed{suffix}": f'{{"source": {source}, "claims": [{good}, {worse}]}}\n'})
    code, report = _check(tmp_path, "--no-cache")
    assert code == 1
    found = _at(report, f"claims/mixed{suffix}")
    assert [(line, message) for line, _, _, message in found] == [(1, said)], found
    assert {("mixed", "good"), ("other", "p")} in _contradictions(report)
    assert report["summary"]["claims_checked"] == 2


@pytest.mark.parametrize("bad", ["published: .nan", "title: A, title: B"])
def test_a_value_yaml_cannot_give_in_the_source_block_refuses_its_file(tmp_path, bad):
    text = (
        f"source: {{id: mixed, publisher: P, kind: news-report, published: 2025-07-01, {bad}}}\n"
        "claims:\n"
        "  - {id: good, subject: freedonia, metric: partners, value: 14, as_of: 2025-06-30, quote: it says 14}\n"
    ).replace("published: 2025-07-01, published", "published")
    _project(tmp_path, {"mixed.yaml": text})
    code, report = _check(tmp_path, "--no-cache")
    # the value at its place, and (as for any invalid source block) how many claims of the file are not checked
    found = _at(report, "claims/mixed.yaml")
    assert code == 1 and sorted(where[2] for where in found) == ["schema", "yaml-syntax"]
    assert any("the claim of this file cannot be checked" in where[3] for where in found), found
    assert report["summary"]["claims_checked"] == 1  # the other file's claim alone


def test_the_good_claims_are_checked_as_if_the_bad_ones_were_not_written(tmp_path):
    claims_dir, rules_dir = _project(tmp_path, {"mixed.yaml": MIXED})
    partial = run([claims_dir], rules_dir)
    good_only = yaml.safe_load(MIXED)
    good_only["claims"] = [good_only["claims"][1]]
    (claims_dir / "mixed.yaml").write_text(yaml.safe_dump(good_only, sort_keys=False), "utf-8")
    alone = run([claims_dir], rules_dir)

    def judged(result: Any) -> list[tuple]:
        return sorted(
            (f.check, f.verdict, f.fingerprint, tuple((c.source, c.claim, c.value) for c in f.claims))
            for f in result.findings
            if f.verdict != "invalid"
        )

    assert judged(partial) and judged(partial) == judged(alone)
    assert [(row.source, row.claim) for row in partial.corpus.rows] == [("mixed", "good"), ("other", "p")]


def test_a_claim_of_a_wrong_type_loses_only_itself_through_the_engine(tmp_path):
    body = one_source(
        "typed",
        "2025-07-01",
        claim("a", "partners", 14, as_of="2025-06-30"),
        {**claim("b", "partners", 14, as_of="2025-06-30"), "quote": ["not", "text"]},
        claim("c", "visits", 3, period="2025"),
    )
    claims_dir, rules_dir = _project(tmp_path, {"typed.yaml": body})
    quote_line = (claims_dir / "typed.yaml").read_text("utf-8").splitlines().index("  - not") + 1
    result = run([claims_dir], rules_dir)
    bad = [f for f in result.findings if f.verdict == "invalid" and f.location and "typed" in f.location.path]
    assert [(f.check, f.location.line) for f in bad] == [("schema", quote_line)], [f.message for f in bad]
    assert "claims.1.quote" in bad[0].message
    assert sorted(r.claim for r in result.corpus.rows if r.source == "typed") == ["a", "c"]
    assert {("typed", "a"), ("other", "p")} in [
        {(c.source, c.claim) for c in f.claims} for f in result.findings if f.verdict == "contradiction"
    ]


def test_a_broken_source_block_refuses_its_file_and_says_why(tmp_path):
    body = {"source": {**source_block("nokind"), "kind": "newspaper"}, "claims": [claim("a", "partners", 1)] * 3}
    _project(tmp_path, {"nokind.yaml": body})
    code, report = _check(tmp_path, "--no-cache")
    found = _at(report, "claims/nokind.yaml")
    assert code == 1
    assert [where[:3] for where in found] == [(1, 1, "schema"), (5, 9, "schema")], found
    assert "the file has an invalid source block, so none of the 3 claims of this file can be checked" in found[0][3]
    assert "source.kind" in found[1][3]
    assert report["summary"]["claims_checked"] == 1  # the other file's claim alone


def test_a_source_date_that_names_no_day_refuses_its_file_and_says_why(tmp_path):
    _project(tmp_path, {"feb.yaml": one_source("feb", "2025-02-30", claim("a", "partners", 1))})
    _, report = _check(tmp_path, "--no-cache")
    messages = [where[3] for where in _at(report, "claims/feb.yaml")]
    assert any('"2025-02-30" is not a real date' in m for m in messages), messages
    assert any("the claim of this file cannot be checked" in m for m in messages), messages


def test_a_json_lines_file_loses_only_its_bad_line_and_its_bad_claims(tmp_path):
    def line(source_id: str, *claims: dict[str, Any], **source: Any) -> str:
        return json.dumps({"source": {**source_block(source_id, "2025-07-01"), **source}, "claims": list(claims)})

    text = "\n".join(
        [
            line("one", claim("a", "partners", 14, as_of="2025-06-30"), claim("b", "partners", 1, as_of=None)),
            line("two", claim("a", "partners", 14, as_of="2025-06-30"), kind="gossip"),
            line("three", claim("a", "partners", 10, as_of="2025-06-30"), {"id": "b", "subject": "freedonia"}),
        ]
    )
    _project(tmp_path, {"lines.jsonl": text + "\n"})
    _, report = _check(tmp_path, "--no-cache")
    found = _at(report, "claims/lines.jsonl")
    assert [line for line, _, _, _ in found] == [1, 2, 2, 3], found
    assert {check for _, _, check, _ in found} == {"schema"}
    messages = " | ".join(where[3] for where in found)
    assert "claims.1.as_of: no value" in messages  # a JSON line's messages name the claim and the key
    assert "source.kind" in messages and "the line has an invalid source block" in messages
    assert 'missing keys "metric", "value", "quote" in claims.1' in messages
    assert any({("one", "a"), ("other", "p")} <= pair for pair in _contradictions(report))
    assert not any("two" in {source for source, _ in pair} for pair in _contradictions(report))


def test_duplicate_ids_and_derivations_are_vetted_among_the_claims_kept(tmp_path):
    body = one_source(
        "dupes",
        "2025-07-01",
        {**claim("a", "partners", 14, as_of="2025-06-30"), "value": None},
        claim("b", "partners", 14, as_of="2025-06-30"),
        claim("b", "partners", 15, as_of="2025-06-30"),
        claim("c", "partners", 14, as_of="2025-06-30", derived={"from": ["a"], "how": "as a"}),
        claim("d", "partners", 14, as_of="2025-06-30", derived={"from": ["zz"], "how": "as zz"}),
    )
    _project(tmp_path, {"dupes.yaml": body})
    _, report = _check(tmp_path, "--no-cache")
    found = [(check, message) for _, _, check, message in _at(report, "claims/dupes.yaml")]
    assert [check for check, _ in found].count("duplicate-id") == 1
    assert any('claim id "b" is used twice' in message for _, message in found)
    # deriving from a claim left out as invalid is no unknown id: that claim's own error says what is wrong
    assert [message for check, message in found if check == "vocabulary"] == [
        'claim "d" is derived from unknown claim id "zz"'
    ]


def test_a_file_with_a_bad_claim_comes_back_from_the_cache_the_same(tmp_path):
    copy = yaml.safe_load(MIXED)
    copy["source"]["id"] = "copy"
    _project(tmp_path, {"mixed.yaml": MIXED, "lines.jsonl": json.dumps(copy, default=str) + "\n"})
    cache = tmp_path / "cache"
    fresh = _check(tmp_path, "--no-cache")
    first = _check(tmp_path, "--cache", str(cache))
    assert list((cache / "files").rglob("*.json"))
    second = _check(tmp_path, "--cache", str(cache))
    assert first == fresh and second == fresh
    assert fresh[1]["summary"]["claims_checked"] == 3  # the good claim of each copy, and the other file's


@pytest.mark.parametrize("workers", [1, 2])
def test_the_claims_kept_do_not_depend_on_the_workers(tmp_path, workers):
    claims_dir, rules_dir = _project(tmp_path, {"mixed.yaml": MIXED})
    one = run([claims_dir], rules_dir, workers=1)
    many = run([claims_dir], rules_dir, workers=workers, cache_dir=tmp_path / f"cache-{workers}")
    assert [f.fingerprint for f in many.findings] == [f.fingerprint for f in one.findings]
    assert many.corpus.rows == one.corpus.rows and ("mixed", "good") in [row.key for row in one.corpus.rows]


# ------------------------------------------------------------------ acknowledgements


def _acknowledged_project(tmp_path: Path) -> str:
    """A corpus with one contradiction; return its fingerprint."""
    opposite = one_source("b", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30"))
    write_corpus(tmp_path, {"a.yaml": OTHER, "b.yaml": opposite})
    _, report = _check(tmp_path, "--no-cache")
    (conflict,) = [f["fingerprint"] for f in report["findings"] if f["check"] == "value-conflict"]
    return conflict


def _statuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[tuple[str, str]]]:
    """The exit code of a check with acks.yaml, and (check, status) of each finding it judged."""
    monkeypatch.chdir(tmp_path)
    request = CheckRequest(
        paths=(Path("claims"),), rules=Path("rules"), acknowledgements=Path("acks.yaml"), no_cache=True, reports=False
    )
    outcome = execute(request)
    assert outcome.result is not None
    return outcome.code, [(f.check, f.status) for f in outcome.result.findings]


def _entry(fingerprint: str, **changed: Any) -> dict[str, Any]:
    entry = {"fingerprint": fingerprint, "reviewed_by": "Ana", "reviewed_on": "2026-01-05", "reason": "reviewed",
             "expires": "2099-01-01"}  # fmt: skip
    entry.update(changed)
    return {key: value for key, value in entry.items() if value is not None}


def test_a_bad_acknowledgement_is_reported_and_the_other_entries_still_apply(tmp_path, monkeypatch):
    fingerprint = _acknowledged_project(tmp_path)
    entries = [
        _entry("0123456789ABCDEF"),
        _entry("fedcba9876543210", reason=None),
        _entry(fingerprint),
        _entry("0123456789abcdef", expires="next spring"),
    ]
    (tmp_path / "acks.yaml").write_text(yaml.safe_dump({"acknowledgements": entries}, sort_keys=False), "utf-8")
    code, report = _check(tmp_path, "--no-cache", "--acknowledgements", "acks.yaml")
    assert ("value-conflict", "acknowledged") in _statuses(tmp_path, monkeypatch)[1]
    found = _at(report, "acks.yaml")
    assert [(check, message.split(":")[0]) for _, _, check, message in found] == [
        ("acknowledgement", 'acknowledgements.0.fingerprint "0123456789ABCDEF" is not a fingerprint'),
        ("acknowledgement", 'missing key "reason" in acknowledgements.1'),
        ("acknowledgement", 'acknowledgements.3.expires "next spring" is not a day'),
    ]
    lines = (tmp_path / "acks.yaml").read_text("utf-8").splitlines()
    assert [line for line, _, _, _ in found] == [
        lines.index("- fingerprint: 0123456789ABCDEF") + 1,
        lines.index("- fingerprint: fedcba9876543210") + 1,
        lines.index("  expires: next spring") + 1,
    ]
    assert code == 1  # the file's errors fail the run: the entries left out accept nothing


@pytest.mark.parametrize(
    "text, why",
    [
        ("- fingerprint: 0123456789abcdef\n- fingerprint: fedcba9876543210\n", "it holds no mapping, so none of its 2"),
        ("acknowledgements:\n  fingerprint: 0123456789abcdef\n", "`acknowledgements:` is not a list"),
        ("acknowledgements: []\nacknowledgment: []\n", "it may hold nothing but an `acknowledgements:` list"),
    ],
)
def test_an_acknowledgements_file_of_the_wrong_shape_is_refused_whole_and_says_why(tmp_path, monkeypatch, text, why):
    fingerprint = _acknowledged_project(tmp_path)
    (tmp_path / "acks.yaml").write_text(text.replace("0123456789abcdef", fingerprint), "utf-8")
    code, report = _check(tmp_path, "--no-cache", "--acknowledgements", "acks.yaml")
    messages = [message for _, _, _, message in _at(report, "acks.yaml")]
    assert any(m.startswith("the acknowledgements file is refused: " + why) for m in messages), messages
    judged = _statuses(tmp_path, monkeypatch)
    assert [status for check, status in judged[1] if check == "value-conflict"] == ["open"]
    assert code == 1 and judged[0] == 1


# ------------------------------------------------------------------ rules files

#: claims about what the extra rules file defines: a contradiction about its good entity, claims naming the rest
EXTRA_CLAIMS = {
    "x.yaml": one_source(
        "x",
        "2025-07-01",
        claim("good", "partners", 3, subject="ruritania", as_of="2025-06-30"),
        claim("bad-entity", "partners", 3, subject="Atlantis", as_of="2025-06-30"),
        claim("bad-metric", "oddity", 3, as_of="2025-06-30"),
        claim("allies", "allies", 3, as_of="2025-06-30"),
        claim("minister", "minister", "the lost island", as_of="2025-06-30"),
    ),
    "y.yaml": one_source("y", "2025-07-02", claim("good", "partners", 4, subject="ruritania", as_of="2025-06-30")),
}
EXTRA_RULES = """\
metrics:
  odd: {label: odd, kind: complex, time: stock, aliases: [oddity]}
  allies: {label: allies, kind: count, time: stock}
entities:
  ruritania: {name: Ruritania}
  atlantis: {name: Atlantis, kind: [island], aliases: [the lost island]}
checks:
  value-conflict: {severity: {contradiction: warning}}
  period-parts: {enabled: perhaps}
"""


def _rules_project(tmp_path: Path, rules: str) -> None:
    _project(tmp_path, {"mixed.yaml": MIXED, **EXTRA_CLAIMS})
    (tmp_path / "rules" / "extra.yaml").write_text(rules, "utf-8")


def _by_claim(report: dict[str, Any]) -> dict[str, str]:
    """The message of each input error about a claim of x.yaml, by claim id."""
    out = {}
    for f in report["findings"]:
        where = f.get("location") or {}
        if where.get("path") == "claims/x.yaml" and f["verdict"] == "invalid":
            out[f["message"].split('"')[1]] = f["message"]
    return out


def test_a_bad_entity_metric_or_check_setting_loses_only_itself(tmp_path):
    _rules_project(tmp_path, EXTRA_RULES)
    code, report = _check(tmp_path, "--no-cache")
    assert code == 2  # a gate never passes on rules read in part
    rules = [(line, message.split(":")[0]) for line, _, _, message in _at(report, "rules/extra.yaml")]
    assert rules == [(2, "metrics.odd.kind"), (6, "entities.atlantis.kind"), (9, "checks.period-parts.enabled")]
    about = _by_claim(report)
    assert about["bad-entity"] == (
        'claim "bad-entity": entity "Atlantis" cannot be used: its definition at rules/extra.yaml:6:3 is invalid'
    )
    assert about["bad-metric"] == (
        'claim "bad-metric": metric "oddity" cannot be used: its definition at rules/extra.yaml:2:3 is invalid'
    )
    assert about["minister"].startswith('claim "minister": entity "the lost island" cannot be used: its definition')
    assert set(about) == {"bad-entity", "bad-metric", "minister"}  # the file's good metric and entity are used
    conflicts = {
        frozenset((ref["source"], ref["claim"]) for ref in f["claims"]): f["severity"]
        for f in report["findings"]
        if f["check"] == "value-conflict" and f["verdict"] == "contradiction"
    }
    # the good setting of the file still applies: its contradictions are warnings
    assert conflicts[frozenset({("x", "good"), ("y", "good")})] == "warning"
    assert conflicts[frozenset({("mixed", "good"), ("other", "p")})] == "warning"


def test_a_bad_entry_gives_one_rules_finding_through_the_engine(tmp_path):
    _rules_project(tmp_path, "entities:\n  ruritania: {name: Ruritania}\n  atlantis: {name: Atlantis, ruler: nobody}\n")
    result = run([tmp_path / "claims"], tmp_path / "rules")
    assert [(f.location.line, f.message) for f in result.rules_findings] == [(3, 'unknown key "ruler"')]
    assert "ruritania" in result.vocabulary.entities and "atlantis" not in result.vocabulary.entities
    assert [row.key for row in result.corpus.rows if row.subject == "ruritania"] == [("x", "good"), ("y", "good")]


@pytest.mark.parametrize(
    "rules, at, why",
    [
        (
            EXTRA_RULES.replace("checks:", "relations:\n  - {kind: bound, id: le, lower: allies}\nchecks:"),
            (8, 5),
            "relation relations.0 cannot be read, and the metrics it ties together would be checked without it",
        ),
        (
            EXTRA_RULES.replace("checks:", "relations:\n  - {kind: bound, id: le, lower: odd, upper: allies}\nchecks:"),
            (2, 3),
            'metric "odd" cannot be read, and relation "le" names it',
        ),
        ("metrics:\n  - allies\nentities:\n  ruritania: {name: Ruritania}\n", (1, 1), "`metrics:` cannot be read"),
        ("entities:\n  ruritania: {name: Ruritania}\nrelation: []\n", (3, 1), "`relation:` cannot be read"),
    ],
)
def test_a_rules_file_that_cannot_be_used_in_part_is_refused_and_says_why(tmp_path, rules, at, why):
    _rules_project(tmp_path, rules)
    code, report = _check(tmp_path, "--no-cache")
    assert code == 2
    refusals = [(line, column, message) for line, column, _, message in _at(report, "rules/extra.yaml")
                if message.startswith("the rules file is refused: ")]  # fmt: skip
    assert [(line, column) for line, column, _ in refusals] == [at] and why in refusals[0][2], refusals
    good = _by_claim(report)["good"]
    assert 'entity "ruritania" cannot be used' in good and "stands in a rules file that is refused" in good
    assert {("mixed", "good"), ("other", "p")} in _contradictions(report)  # the other rules still serve


@pytest.mark.parametrize("rules", [EXTRA_RULES + "metrics: {}\n", "- " + EXTRA_RULES.replace("\n", "\n  ")])
def test_a_rules_file_that_cannot_be_read_is_listed_alone_with_a_count_of_what_follows(tmp_path, rules):
    """A duplicate key or a list instead of a mapping: the file is refused whole, and its own problem is what the
    run lists; the names claims use that it would define are counted at the file, not listed one by one (nor
    answered with a near name, or "declare it", which would send the user the wrong way)."""
    _rules_project(tmp_path, rules)
    code, report = _check(tmp_path, "--no-cache")
    cache = ("--cache", str(tmp_path / "cache"))
    assert _check(tmp_path, *cache) == _check(tmp_path, *cache) == (code, report)  # findings kept by the cache too
    assert code == 2
    at_file = [message for _, _, _, message in _at(report, "rules/extra.yaml")]
    assert len(at_file) == 2, at_file  # why it cannot be read, and what follows from it
    (count,) = [m for m in at_file if "follow from rules/extra.yaml and are not listed" in m]
    follow_ons = int(count.split(" ")[0])
    assert follow_ons >= 2  # at least the two claims of x.yaml that name what it defines
    unknown = [f for f in report["findings"] if (f.get("location") or {}).get("path") == "claims/x.yaml"
               and f["verdict"] == "invalid"]  # fmt: skip
    assert not any(f["message"].split('"')[1] in ("bad-metric", "allies") for f in unknown), unknown
    assert {("mixed", "good"), ("other", "p")} in _contradictions(report)  # the other rules still serve


def test_the_hint_of_a_name_a_rules_file_that_cannot_be_read_may_define_sends_the_user_there():
    from checker.vocabulary.rules import Vocabulary

    vocabulary = Vocabulary()
    vocabulary.metric_names["partners"] = "partners"
    assert "did you mean" in vocabulary.metric_hint("partner")
    vocabulary.unreadable.append("rules/extra.yaml")
    hint = vocabulary.metric_hint("partner")  # a near name is no answer when the definition may be unread
    assert hint == "fix rules/extra.yaml first: it cannot be read, so none of its definitions are used"
    vocabulary.unreadable.append("rules/more.yaml")
    assert "rules/extra.yaml, rules/more.yaml first: they cannot be read" in vocabulary.entity_hint("x")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_a_file_name_that_is_not_utf8_is_reported_and_the_others_checked(tmp_path, fmt):
    """Reports are UTF-8 text: a name no report could write is a finding (shown escaped), never a crash."""
    import os

    from conftest import MINI

    shutil.copytree(MINI, tmp_path / "repo")
    folder = os.fsencode(tmp_path / "repo" / "claims")
    with open(os.path.join(folder, b"bad\xff.yaml"), "wb") as stream:
        stream.write((MINI / "claims" / "a.yaml").read_bytes())
    result = run_cli(tmp_path / "repo", "check", "--format", fmt)
    assert result.exit_code == 1, result.output
    assert "xff.yaml" in result.output and "not UTF-8" in result.output
    assert "internal error" not in result.output
