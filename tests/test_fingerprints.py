"""Fingerprints: one per finding, the same as long as what the finding is about is the same.

A fingerprint names a finding by what it is about (the check, subject and
metric, and its check's key: source and claim ids, values, times, scopes),
never by lines or the order of files: acknowledging one finding never
acknowledges another, and an acknowledgement holds while lines move and
unrelated claims are added. Property tests over generated claim sets are in
test_properties.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.corpus.result import Result
from checker.corpus.values import Number
from checker.engine import can_fork, run, running
from checker.model.findings import ClaimRef, Finding, Location, distinct, fingerprint

from conftest import RELATIONS, ROOT, claim, findings_of, one_source, source_block, write_corpus

SEEDS = ROOT.parent / "shared" / "seeds"
COMPANY = ROOT / "examples" / "company"
#: name -> (claims folder, rules folder, its archived texts, where the claims of a copy in corpus/claims expect them)
CORPORA = {
    "seeds": (ROOT / "claims", ROOT / "rules", SEEDS, "shared/seeds"),
    "company": (COMPANY / "claims", COMPANY / "rules", COMPANY / "sources", "corpus/sources"),
}


def _shared(findings: list) -> list[str]:
    """The fingerprints more than one finding has."""
    return sorted(fingerprint for fingerprint, n in Counter(f.fingerprint for f in findings).items() if n > 1)


def _identity(result: Result) -> list[tuple]:
    """Each finding about claims, without where it stands: (fingerprint, check, verdict, message, claims)."""
    return sorted(
        (f.fingerprint, f.check, f.verdict, f.message, tuple(sorted((c.source, c.claim) for c in f.claims)))
        for f in result.findings
        if f.subject
    )


# ------------------------------------------------------------------ one finding, one fingerprint


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_no_two_findings_of_the_project_corpora_share_a_fingerprint(name):
    claims_dir, rules_dir, _, _ = CORPORA[name]
    result = run([claims_dir], rules_dir)
    assert len(result.findings) > 20
    assert _shared(result.findings) == []


def _jsonl(*documents: dict[str, Any]) -> str:
    return "".join(json.dumps(document) + "\n" for document in documents)


def _source_lines(folder: Path, claims: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> None:
    """A JSON Lines file of two sources, each with the same claims (claim ids are unique per source only)."""
    documents = [{"source": source_block(name, **(extra or {})), "claims": claims} for name in ("one", "two")]
    (folder / "many.jsonl").write_text(_jsonl(*documents), "utf-8")


def _unknown_metric(folder: Path) -> None:
    _source_lines(folder, [claim("c", "no_such_metric", 3)])


def _unknown_key(folder: Path) -> None:
    bad = [{**claim("a", "partners", 3), "colour": "red"}, {**claim("b", "partners", 4), "colour": "red"}]
    (folder / "one.yaml").write_text(yaml.safe_dump(one_source("s", "2026-01-10", *bad)), "utf-8")


def _id_three_times(folder: Path) -> None:
    again = [claim("c", "partners", 3), claim("c", "partners", 4), claim("c", "partners", 5)]
    (folder / "one.json").write_text(json.dumps(one_source("s", "2026-01-10", *again)), "utf-8")


def _malformed_lines(folder: Path) -> None:
    (folder / "broken.jsonl").write_text('{"source": [1,\n{"claims": [}\n', "utf-8")


def _one_archive_for_two_sources(folder: Path) -> None:
    _source_lines(folder, [claim("c", "partners", 3)], {"archive": "missing.txt"})


def _unknown_derivation(folder: Path) -> None:
    _source_lines(folder, [claim("c", "partners", 3, derived={"from": ["gone"], "how": "sum"})])


PROBLEMS = [_unknown_metric, _unknown_key, _id_three_times, _malformed_lines, _one_archive_for_two_sources,
            _unknown_derivation]  # fmt: skip


@pytest.mark.parametrize("write", PROBLEMS, ids=[w.__name__.strip("_") for w in PROBLEMS])
def test_the_same_error_in_two_places_of_a_file_gives_two_fingerprints(tmp_path, write):
    claims_dir, rules_dir = write_corpus(tmp_path, {})
    write(claims_dir)
    errors = [f for f in run([claims_dir], rules_dir).findings if not f.subject]
    assert len(errors) == 2 and len({(e.check, e.location.path) for e in errors}) == 1
    assert _shared(errors) == []


def test_an_input_error_keeps_its_fingerprint_when_lines_move(tmp_path):
    """Its message may name a line (the first use of an id) or a claim's position; its fingerprint names neither."""
    claims_dir, rules_dir = write_corpus(tmp_path, {})
    twice = [claim("c", "partners", 3), claim("d", "partners", 4), claim("c", "partners", 5)]
    unknown = [claim("a", "partners", 3), {**claim("e", "partners", 6), "colour": "red"}, claim("b", "partners", 4)]

    def errors(first: list[dict[str, Any]], second: list[dict[str, Any]], head: str = "") -> dict[str, str]:
        for name, claims in (("one.yaml", first), ("two.yaml", second)):
            text = yaml.safe_dump(one_source(name[:3], "2026-01-10", *claims), sort_keys=False)
            (claims_dir / name).write_text(head + text, "utf-8")
        found = [f for f in run([claims_dir], rules_dir).findings if not f.subject]
        return {f.check: f.fingerprint for f in found}

    before = errors(twice, unknown)
    assert sorted(before) == ["duplicate-id", "schema"]
    assert errors(twice, unknown, "# a comment\n" * 5) == before
    assert errors([twice[1], twice[0], twice[2]], [unknown[2], unknown[0], unknown[1]]) == before
    # what the duplicate says tells it from another one: when that changes, it is another problem
    assert errors([*twice[:2], claim("c", "partners", 9)], unknown)["duplicate-id"] != before["duplicate-id"]


# ------------------------------------------------------------------ the same finding, the same fingerprint


def _reordered(text: str) -> str:
    """A claim file with comment lines at the top and its claims in reverse order."""
    head, claims = re.split(r"(?m)^claims:\n", text, maxsplit=1)
    items = re.split(r"(?m)^(?=  - )", claims)
    lead, items = items[0], items[1:]
    assert items, "a claims list in block style"
    return "# a comment moves every line down\n" * 3 + head + "claims:\n" + lead + "".join(reversed(items))


def _moved_copy(name: str, root: Path, moved: bool) -> tuple[list[Path], Path]:
    """A copy of a project corpus under ``root`` (its archived texts where it expects them); with ``moved``,
    every claim file has comment lines at the top and its claims in reverse order, and the files sort the other
    way round."""
    claims_dir, rules_dir, archives, expected = CORPORA[name]
    target = root / "corpus" / "claims"
    target.mkdir(parents=True)
    if archives.is_dir():
        shutil.copytree(archives, root / expected)
    files = sorted(claims_dir.glob("*.yaml"))
    for number, path in enumerate(reversed(files) if moved else files):
        text = path.read_text("utf-8")
        (target / (f"{number:02d}-{path.name}" if moved else path.name)).write_text(
            _reordered(text) if moved else text, "utf-8"
        )
    return [target], rules_dir


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_moving_lines_claims_and_files_keeps_every_fingerprint(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the copies' archived texts lie in the repository: the working directory here
    before = run(*_moved_copy(name, tmp_path / "before", moved=False))
    after = run(*_moved_copy(name, tmp_path / "after", moved=True))
    assert len(_identity(before)) > 20
    assert _identity(after) == _identity(before)
    assert len([f for f in after.findings if not f.subject]) == len([f for f in before.findings if not f.subject])


def _unrelated_claims(result: Result) -> list[dict[str, Any]]:
    """Claims that concern no finding of a corpus: one about a subject it has no claims about, and one of a
    metric its subject has no claims of; each restates a number of the corpus."""
    claims = [c for c in result.corpus.claims if c.claim.derived is None and isinstance(c.value, Number)]
    subjects = {c.subject for c in result.corpus.claims}
    metrics = {(c.subject, c.metric_id) for c in result.corpus.claims}
    new_subject = next(e for e in sorted(result.vocabulary.entities) if e not in subjects)
    new_metric = next((s, c) for c in claims for s in sorted(subjects) if (s, c.metric_id) not in metrics)
    out = []
    for number, (subject, model) in enumerate([(new_subject, claims[0]), new_metric]):
        written = model.claim.model_dump(mode="json", by_alias=True, exclude_none=True)
        out.append({**written, "id": f"unrelated-{number}", "subject": subject})
    return out


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_unrelated_claims_keep_every_fingerprint(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    claims_dir, rules_dir = _moved_copy(name, tmp_path, moved=False)
    before = run(claims_dir, rules_dir)
    added = _unrelated_claims(before)
    (claims_dir[0] / "unrelated.yaml").write_text(
        yaml.safe_dump(one_source("unrelated", "2026-02-01", *added), allow_unicode=True, sort_keys=False), "utf-8"
    )
    after = run(claims_dir, rules_dir)
    assert {c.key for c in after.corpus.claims} > {c.key for c in before.corpus.claims}
    assert {f.fingerprint for f in before.findings} <= {f.fingerprint for f in after.findings}


def _conflict() -> dict[str, dict[str, Any]]:
    return {"a.yaml": one_source("a", "2026-01-10", claim("p", "partners", 13, as_of="2025-12-31")),
            "b.yaml": one_source("b", "2026-01-12", claim("q", "partners", 14, as_of="2025-12-31"))}  # fmt: skip


def _titles() -> dict[str, dict[str, Any]]:
    inputs = [claim("total", "titles", 77, as_of="2025-12-31"), claim("added", "titles_added", 7, period="2025")]
    return {"a.yaml": one_source("a", "2026-01-30", *inputs)}


def _renamed(files: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"z-{name}": body for name, body in files.items()}


def _claim_in(files: dict[str, dict[str, Any]], number: int = 0, **changes: Any) -> dict[str, dict[str, Any]]:
    """The corpus with claim ``number`` of its last file changed."""
    name = sorted(files)[-1]
    claims = [dict(c) for c in files[name]["claims"]]
    claims[number].update(changes)
    return {**files, name: {**files[name], "claims": claims}}


def _source_in(files: dict[str, dict[str, Any]], **changes: Any) -> dict[str, dict[str, Any]]:
    name = sorted(files)[-1]
    return {**files, name: {**files[name], "source": {**files[name]["source"], **changes}}}


def _value_added(files: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The corpus with a third source giving a third value for the same time."""
    return {**files, "c.yaml": one_source("c", "2026-01-14", claim("r", "partners", 20, as_of="2025-12-31"))}


def _both(files: dict[str, dict[str, Any]], change: Any) -> dict[str, dict[str, Any]]:
    """The corpus with every claim of every file changed alike."""
    return {name: {**body, "claims": [change(dict(c)) for c in body["claims"]]} for name, body in files.items()}


EDITS = [
    # (case, check, corpus, edit, whether the finding is still about the same thing)
    ("conflict-quote-reworded", "value-conflict", _conflict, lambda f: _claim_in(f, quote="now 14 of them"), True),
    ("conflict-claim-renamed", "value-conflict", _conflict, lambda f: _claim_in(f, id="renamed"), True),
    ("conflict-file-renamed", "value-conflict", _conflict, _renamed, True),
    ("conflict-title-and-publisher", "value-conflict", _conflict,
     lambda f: _source_in(f, title="Another title", publisher="Another publisher"), True),
    ("conflict-published-later", "value-conflict", _conflict, lambda f: _source_in(f, published="2026-02-01"), True),
    # a contradiction is about a time and a scope of a metric: its values may change and be added to
    ("conflict-another-value", "value-conflict", _conflict, lambda f: _claim_in(f, value=15, quote="it says 15"), True),
    ("conflict-value-added", "value-conflict", _conflict, _value_added, True),
    ("conflict-another-time", "value-conflict", _conflict,
     lambda f: _both(f, lambda c: {**c, "as_of": "2025-06-30"}), False),
    ("conflict-another-scope", "value-conflict", lambda: _both(_conflict(), lambda c: {**c, "metric": "treaties"}),
     lambda f: _both(f, lambda c: {**c, "scope": {"stage": "any-stage"}}), False),
    ("implied-quote-reworded", "implied-values", _titles, lambda f: _claim_in(f, quote="it says 77 in all"), True),
    ("implied-file-renamed", "implied-values", _titles, _renamed, True),
    ("implied-another-source", "implied-values", _titles, lambda f: _source_in(f, id="another"), False),
    ("implied-input-renamed", "implied-values", _titles, lambda f: _claim_in(f, 1, id="renamed"), False),
]  # fmt: skip


@pytest.mark.parametrize("case, check, corpus, edit, same", EDITS, ids=[e[0] for e in EDITS])
def test_a_fingerprint_changes_only_when_what_its_finding_is_about_changes(tmp_path, case, check, corpus, edit, same):
    def the_finding(folder: Path, files: dict[str, dict[str, Any]]) -> Finding:
        claims_dir, rules_dir = write_corpus(folder, files, RELATIONS)
        (found,) = findings_of(run([claims_dir], rules_dir), check)
        return found

    files = corpus()
    before, after = the_finding(tmp_path / "before", files), the_finding(tmp_path / "after", edit(files))
    assert (after.fingerprint == before.fingerprint) is same


# ------------------------------------------------------------------ the engine tells findings apart


def _said(number: int, message: str, line: int) -> Finding:
    ref = ClaimRef("s", f"c{number}", Location("f.yaml", line), "3", "", "", "q", "s", "")
    return Finding("x", "m", "check", "info", "v", message, "0123456789abcdef", claims=(ref,),
                   location=Location("f.yaml", line))  # fmt: skip


def test_findings_that_share_a_fingerprint_are_told_apart_whatever_their_order():
    findings = [_said(1, "b", 10), _said(2, "a", 20), _said(3, "a", 30), _said(3, "a", 40)]
    made = distinct(findings)
    assert _shared(made) == []
    # the first by what it says keeps the fingerprint; the others' follow from what they say, not their order
    assert made[1].fingerprint == "0123456789abcdef"
    for order in ([3, 2, 1, 0], [2, 0, 3, 1]):
        again = distinct([findings[i] for i in order])
        assert sorted((f.location, f.fingerprint) for f in again) == sorted((f.location, f.fingerprint) for f in made)
    unchanged = [_said(1, "a", 1), Finding("x", "m", "check", "info", "v", "a", "fedcba9876543210")]
    assert distinct(unchanged) is unchanged


#: two change relations of the same terms, one exact and one not: each implies a claim of the same id
TWICE = dict(RELATIONS, relations=[
    {"kind": "change", "id": "titles-change", "stock": "titles", "change": "titles_added"},
    {"kind": "change", "id": "titles-at-least", "stock": "titles", "change": "titles_added", "exact": False},
])  # fmt: skip


def _implied_twice(folder: Path) -> tuple[Path, Path]:
    inputs = [claim("total", "titles", 77, as_of="2025-12-31"), claim("added", "titles_added", 7, period="2025")]
    files = {f"{name}.yaml": one_source(name, "2026-01-30", *inputs) for name in ("a", "b")}
    return write_corpus(folder, files, TWICE)


def _implied(result: Result) -> dict[tuple, str]:
    return {(f.claims[0].source, f.claims[0].value): f.fingerprint for f in findings_of(result, "implied-values")}


def test_findings_whose_keys_meet_are_told_apart_the_same_way_in_every_run(tmp_path, monkeypatch):
    claims_dir, rules_dir = _implied_twice(tmp_path / "one")
    alone = run([claims_dir], rules_dir)
    found = _implied(alone)
    assert len(found) == len(set(found.values())) == 4 and _shared(alone.findings) == []
    files = sorted(claims_dir.iterdir())
    assert _implied(run(list(reversed(files)), rules_dir)) == found
    cache = tmp_path / "cache"
    assert _implied(run([claims_dir], rules_dir, cache_dir=cache)) == found
    assert _implied(run([claims_dir], rules_dir, cache_dir=cache)) == found
    if can_fork():
        monkeypatch.setattr(running, "MANY_CLAIMS", 0)
        assert _implied(run([claims_dir], rules_dir, workers=2)) == found


def test_input_errors_that_say_the_same_are_told_apart_by_their_places(tmp_path):
    relation = {"kind": "change", "id": "again", "stock": "titles", "change": "titles_added"}
    claims_dir, rules_dir = write_corpus(tmp_path, {}, dict(RELATIONS, relations=[relation] * 3))
    errors = [f for f in run([claims_dir], rules_dir).findings if not f.subject]
    assert [f.message for f in errors] == ['relation "again" is defined twice'] * 2
    assert _shared(errors) == []
    assert {f.fingerprint for f in errors} == {f.fingerprint for f in run([claims_dir], rules_dir).rules_findings}


def test_no_two_lists_of_parts_give_one_fingerprint():
    split = [("a", "b\x1fc", "", ()), ("a\x1fb", "c", "", ()), ("a", "b", "", ("c",)), ("a", "b", "", ("c", "")),
             ("a", "b\x1e", "", ("c",)), ("a", "b", "", ("\x1ec",)), ("a", "b\x1e\x1f", "", ("c",))]  # fmt: skip
    assert len({fingerprint(*parts) for parts in split}) == len(split)
    # parts without the separator are joined as they always were: fingerprints acknowledged before stay valid
    assert fingerprint("c", "s", "m", ("k",)) == hashlib.sha256("c\x1fs\x1fm\x1fk".encode()).hexdigest()[:16]
