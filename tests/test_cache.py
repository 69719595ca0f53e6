"""The cache: it changes no finding, is never trusted blindly, and only what an edit touches is redone."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from checker.corpus.kept import from_plain, locations
from checker.corpus.records import DocumentRecord
from checker.corpus.resolver import subject_key
from checker.engine import cache, cachekey, places, run, running, shards
from checker.model.findings import Finding, Location
from checker.reporting import REPORTERS

from conftest import ROOT, claim, one_source, run_cli, write_corpus


def _report(result) -> str:  # noqa: ANN001
    return REPORTERS["json"](result)


def test_a_cached_run_reports_byte_for_byte_what_a_fresh_run_does(tmp_path):
    fresh = _report(run([ROOT / "claims"], ROOT / "rules"))
    first = _report(run([ROOT / "claims"], ROOT / "rules", cache_dir=tmp_path / "cache"))
    second = _report(run([ROOT / "claims"], ROOT / "rules", cache_dir=tmp_path / "cache"))
    assert first == fresh and second == fresh
    assert list((tmp_path / "cache" / "files").rglob("*.json")) and (tmp_path / "cache" / cache.SUBJECTS).is_file()


def _corpus(folder: Path) -> tuple[Path, Path]:
    files = {
        f"{name}.yaml": one_source(name, f"2026-01-{day:02d}", claim("p", "partners", 14 + day % 2, as_of="2025-12-31"))
        for day, name in enumerate(("a", "b", "c"), 1)
    }
    return write_corpus(folder, files)


def _subjects_intact(path: Path) -> bool:
    """The subjects' entry ends with the HMAC, by the user's key, of the lines before it."""
    body, _, trailer = path.read_bytes().rstrip(b"\n").rpartition(b"\n")
    return json.loads(trailer)["mac"] == cache._mac(cache.SUBJECTS, body + b"\n")


def _signed_subjects(path: Path, body: bytes) -> None:
    """Write the subjects' entry ``body`` with a valid HMAC (one only the user's own claimcheck could make)."""
    path.write_bytes(body + json.dumps({"mac": cache._mac(cache.SUBJECTS, body)}).encode() + b"\n")


def _entry_name(entry: Path) -> str:
    """The name an entry of the files or documents is authenticated under."""
    return cache._file_name(entry.stem) if entry.parent.parent.name == "files" else cache._document_name(entry)


def _spy(monkeypatch) -> list[str]:  # noqa: ANN001
    """The subjects checked from now on (in this process)."""
    checked: list[str] = []
    real = shards.subject_claims
    monkeypatch.setattr(shards, "subject_claims", lambda subject, *args: checked.append(subject) or real(subject, *args))
    return checked


def test_damaged_entries_are_rebuilt_not_used(tmp_path):
    claims_dir, rules_dir = _corpus(tmp_path)
    folder = tmp_path / "cache"
    expected = _report(run([claims_dir], rules_dir, cache_dir=folder))
    subjects = folder / cache.SUBJECTS
    for damage in ("mac", "garbage"):
        entries = sorted((folder / "files").rglob("*.json"))
        for number, entry in enumerate(entries):
            if number % 2:  # the HMAC no longer matches
                data = entry.read_bytes()
                assert b'"partners"' in data
                entry.write_bytes(data.replace(b'"partners"', b'"frameworks"'))
            else:
                entry.write_bytes(b"\x00not json")
        if damage == "mac":
            subjects.write_bytes(subjects.read_bytes().replace(b'"partners"', b'"frameworks"'))
        else:
            subjects.write_bytes(b"\x00not json")
        assert not _subjects_intact(subjects) if damage == "mac" else True
        assert _report(run([claims_dir], rules_dir, cache_dir=folder)) == expected
        for entry in entries:  # rebuilt: intact again
            assert cache._unseal(_entry_name(entry), entry.read_bytes()) is not None
        assert _subjects_intact(subjects)


def test_an_entry_with_a_valid_mac_but_another_stamp_is_ignored(tmp_path, monkeypatch):
    claims_dir, rules_dir = _corpus(tmp_path)
    folder = tmp_path / "cache"
    expected = _report(run([claims_dir], rules_dir, cache_dir=folder))
    subjects = folder / cache.SUBJECTS
    lines = subjects.read_bytes().splitlines(keepends=True)[:-1]
    head = json.loads(lines[0])
    head["stamp"] = "claimcheck 0.0.0 cache 1 code forged"
    lines[0] = json.dumps(head).encode() + b"\n"
    lines = [line.replace(b'"partners"', b'"frameworks"') for line in lines]  # what a forger would plant
    _signed_subjects(subjects, b"".join(lines))
    assert _subjects_intact(subjects)
    checked = _spy(monkeypatch)
    assert _report(run([claims_dir], rules_dir, cache_dir=folder)) == expected
    assert checked  # nothing was taken from the forged entry


def _quoting(project: Path, jsonl: bool = False) -> Path:
    """A project whose two sources disagree, each quoting its archived text (in one JSON Lines file, or two YAML
    files)."""
    documents = []
    for day, (name, value) in enumerate((("a", 14), ("b", 15)), 1):
        document = one_source(name, f"2026-01-0{day}", claim("p", "partners", value, as_of="2025-12-31"))
        document["source"]["archive"] = f"../archives/{name}.txt"
        documents.append(document)
    write_corpus(project, {} if jsonl else {f"{d['source']['id']}.yaml": d for d in documents})
    if jsonl:
        (project / "claims" / "ab.jsonl").write_text("".join(json.dumps(d) + "\n" for d in documents), "utf-8")
    (project / "archives").mkdir()
    for document in documents:
        quote = document["claims"][0]["quote"]
        (project / "archives" / f"{document['source']['id']}.txt").write_text(f"The ministry: {quote}.\n", "utf-8")
    (project / "pyproject.toml").write_text('[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\n', "utf-8")
    return project


def _checked(project: Path, *args: str) -> dict:
    done = run_cli(project, "check", "--format", "json", *args)
    assert done.exit_code in (0, 1), done.output
    return json.loads(done.stdout)


def _quote_errors(report: dict) -> list[str]:
    return [ref["claim"] for f in report["findings"] if f["check"] == "quote-verbatim" for ref in f["claims"]]


@pytest.mark.parametrize("changed", ["formats/loading.py", "checks/value_conflict.py", "engine/cache.py"])
def test_a_change_anywhere_in_the_code_changes_the_stamp_of_the_entries(tmp_path, changed):
    """How a file is read or a check judges is in the cached results as much as how the cache writes them: a
    build that differs anywhere must not take another build's entries as its own."""
    import subprocess

    stamps = []
    for build in ("same", "changed"):
        copy = tmp_path / build / "checker"
        shutil.copytree(ROOT / "checker", copy, ignore=shutil.ignore_patterns("__pycache__"))
        if build == "changed":
            with (copy / changed).open("a", encoding="utf-8") as code:
                code.write("# another build\n")
        done = subprocess.run(
            [sys.executable, "-c", "from checker.engine import cache; print(cache._STAMP)"],
            cwd=copy.parent, capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(copy.parent)},
        )  # fmt: skip
        stamps.append(done.stdout.strip())
    assert stamps[0] != stamps[1]


def test_a_checkout_elsewhere_sharing_the_cache_checks_its_own_archived_texts(tmp_path):
    """File records keep nothing of where the checkout stands: a second checkout whose archived text no longer
    holds a quote says so, and shows where the other quotes stand, though the first one filled the cache."""
    one = _quoting(tmp_path / "one")
    two = tmp_path / "two"
    shutil.copytree(one, two)
    (two / "archives" / "a.txt").write_text("The ministry said something else.\n", "utf-8")
    folder = str(tmp_path / "cache")
    first = _checked(one, "--cache", folder)
    assert _quote_errors(first) == []
    shared = _checked(two, "--cache", folder)
    assert shared == _checked(two, "--no-cache")
    assert _quote_errors(shared) == ["p"]
    evidence = {ref["source"]: ref["evidence"] for f in shared["findings"] for ref in f["claims"]}
    assert evidence["b"]["path"] == "archives/b.txt" and evidence["b"]["line"] == 1


def test_a_checkout_elsewhere_with_the_same_files_takes_every_subject_from_the_cache(tmp_path, monkeypatch):
    one = _quoting(tmp_path / "one")
    two = tmp_path / "elsewhere" / "two"
    shutil.copytree(one, two)
    folder = str(tmp_path / "cache")
    first = _checked(one, "--cache", folder)
    checked = _spy(monkeypatch)
    assert _checked(two, "--cache", folder) == first
    assert checked == []


def test_an_archived_text_gone_since_its_claim_file_was_cached_is_reported(tmp_path):
    project = _quoting(tmp_path / "project")
    folder = str(tmp_path / "cache")
    _checked(project, "--cache", folder)
    (project / "archives" / "a.txt").unlink()
    again = _checked(project, "--cache", folder)
    assert again == _checked(project, "--no-cache")
    [gone] = [f["message"] for f in again["findings"] if f["check"] == "archive"]
    assert "a.txt" in gone and "cannot be read: quotes of this source are not verified" in gone


def test_an_archived_text_that_is_not_utf8_is_an_error_that_says_where(tmp_path):
    """Not "cannot be read" with a hint about the path, which is right: the file's encoding, at the byte, and an
    error (as a text too large is), since no quote of its source is verified; the same from the cache."""
    project = _quoting(tmp_path / "project")
    text = (project / "archives" / "a.txt").read_text("utf-8")
    (project / "archives" / "a.txt").write_bytes(b"caf\xe9 " + text.encode("utf-8"))
    folder = str(tmp_path / "cache")
    fresh = _checked(project, "--no-cache")
    assert _checked(project, "--cache", folder) == _checked(project, "--cache", folder) == fresh
    [said] = [f for f in fresh["findings"] if f["check"] == "archive"]
    assert said["severity"] == "error" and "is not UTF-8 (byte 0xe9 at offset 3)" in said["message"]


def test_each_source_of_a_json_lines_file_is_checked_again_when_its_own_archived_text_changes(tmp_path):
    """Two sources of one file, each with its archived text: an edit of the first one's text is seen (a
    subject's digest once took the last archived text of the file for every source in it)."""
    project = _quoting(tmp_path / "project", jsonl=True)
    folder = str(tmp_path / "cache")
    assert _quote_errors(_checked(project, "--cache", folder)) == []
    (project / "archives" / "a.txt").write_text("The ministry said something else.\n", "utf-8")
    again = _checked(project, "--cache", folder)
    assert again == _checked(project, "--no-cache")
    assert _quote_errors(again) == ["p"]


def test_only_the_subjects_an_edit_touches_are_checked_again(tmp_path, monkeypatch):
    claims_dir, rules_dir = write_corpus(
        tmp_path,
        {
            "a.yaml": one_source("a", "2026-01-01", claim("p", "partners", 14), claim("q", "partners", 3, subject="sylvania")),
            "b.yaml": one_source("b", "2026-01-02", claim("p", "partners", 15), claim("q", "partners", 3, subject="sylvania")),
        },
    )  # fmt: skip
    folder = tmp_path / "cache"
    run([claims_dir], rules_dir, cache_dir=folder)
    checked = _spy(monkeypatch)
    run([claims_dir], rules_dir, cache_dir=folder)
    assert checked == []  # nothing changed: every subject from the cache
    text = (claims_dir / "b.yaml").read_text("utf-8").replace("value: 15", "value: 16")
    (claims_dir / "b.yaml").write_text(text, "utf-8")
    edited = run([claims_dir], rules_dir, cache_dir=folder)
    assert checked == ["freedonia"]
    assert _report(edited) == _report(run([claims_dir], rules_dir))


def test_the_settings_may_turn_the_cache_off_but_not_choose_its_folder(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from checker.cli import main

    _corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    runner = CliRunner()
    assert runner.invoke(main, ["check", "claims", "--rules", "rules"]).exit_code in (0, 1)
    assert list((tmp_path / "user-cache" / "claimcheck").iterdir())  # the default: the user's cache folder
    (tmp_path / "claimcheck.toml").write_text('cache = "planted"\n', "utf-8")
    refused = runner.invoke(main, ["check", "claims", "--rules", "rules"])
    assert refused.exit_code == 2 and '"cache" must be false' in refused.output
    (tmp_path / "claimcheck.toml").write_text("cache = false\n", "utf-8")
    before = sorted((tmp_path / "user-cache").rglob("*"))
    assert runner.invoke(main, ["check", "claims", "--rules", "rules"]).exit_code in (0, 1)
    assert sorted((tmp_path / "user-cache").rglob("*")) == before
    assert not (tmp_path / "planted").exists()


def test_a_broken_file_is_reported_the_same_from_the_cache(tmp_path):
    claims_dir, rules_dir = _corpus(tmp_path)
    (claims_dir / "broken.yaml").write_text("source: {id: x\n", "utf-8")
    folder = tmp_path / "cache"
    first = run([claims_dir], rules_dir, cache_dir=folder)
    again = run([claims_dir], rules_dir, cache_dir=folder)
    assert _report(first) == _report(again)
    assert any(f.verdict == "invalid" for f in again.findings)


def test_without_a_home_folder_the_cache_goes_to_the_temporary_folder(monkeypatch, tmp_path):
    from checker import pipeline
    from checker.formats.settings import Config

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(pipeline.Path, "home", staticmethod(no_home))
    monkeypatch.setattr(cachekey.tempfile, "gettempdir", lambda: str(tmp_path))
    assert pipeline.default_cache(Config()).parent == tmp_path / "claimcheck"


@pytest.mark.slow
def test_workers_write_the_cache_lines_and_the_next_run_uses_them(tmp_path, monkeypatch):
    """From MANY_CLAIMS on, each worker writes its subjects' cache lines; the parent only puts them in the file."""
    monkeypatch.setattr(running, "MANY_CLAIMS", 1)
    folder = tmp_path / "cache"
    first = run([ROOT / "claims"], ROOT / "rules", workers=2, cache_dir=folder)
    assert _subjects_intact(folder / cache.SUBJECTS)
    heads = [line for line in (folder / cache.SUBJECTS).read_bytes().splitlines() if line.startswith(b'["')]
    assert len(heads) == len({row.subject for row in first.corpus.rows}) > 20  # a record per subject
    checked = _spy(monkeypatch)
    second = run([ROOT / "claims"], ROOT / "rules", cache_dir=folder)  # in this process: the spy sees every check
    assert checked == [] and _report(second) == _report(first)
    assert second.corpus.rows == first.corpus.rows and second.corpus.checked == len(first.corpus.rows) > 100


def test_temporary_files_of_killed_runs_are_swept_and_those_of_running_ones_kept(tmp_path):
    claims_dir, rules_dir = _corpus(tmp_path)
    folder = tmp_path / "cache"
    run([claims_dir], rules_dir, cache_dir=folder)
    abandoned, recent = folder / f"{cache.TEMPORARY}lines-1", folder / "files" / f"{cache.TEMPORARY}2"
    someone_elses = folder / ".tmp-notes"  # a folder given by --cache may hold files that are not the cache's
    for path in (abandoned, recent, someone_elses):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b'["half a line')
    two_hours_ago = time.time() - 2 * cache.ABANDONED_AFTER_S
    for path in (abandoned, someone_elses):
        os.utime(path, (two_hours_ago, two_hours_ago))
    assert _report(run([claims_dir], rules_dir, cache_dir=folder)) == _report(run([claims_dir], rules_dir))
    assert not abandoned.exists() and recent.exists()  # another run may still be writing the recent one
    assert someone_elses.exists()
    assert _subjects_intact(folder / cache.SUBJECTS)


def test_results_are_used_again_when_only_lines_moved(tmp_path, monkeypatch):
    """A line added at the top of every file of the project's corpus moves every claim: no subject is checked
    again, yet the report is the one a run without the cache gives, every location moved."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "claims", project / "claims")
    (tmp_path / "shared").symlink_to(ROOT.parent / "shared")  # the archives, as the claim files name them
    folder = tmp_path / "cache"
    before = run([project / "claims"], ROOT / "rules", cache_dir=folder)
    for path in sorted((project / "claims").glob("*.yaml")):
        path.write_text("# a line that moves every claim\n" + path.read_text("utf-8"), "utf-8")
    checked = _spy(monkeypatch)
    moved = run([project / "claims"], ROOT / "rules", cache_dir=folder)
    assert checked == []
    fresh = run([project / "claims"], ROOT / "rules")
    assert _report(moved) == _report(fresh) != _report(before)
    lines = {(r.source, r.claim): r.location.line for f in before.findings for r in f.claims}
    assert all(lines[(r.source, r.claim)] + 1 == r.location.line for f in moved.findings for r in f.claims)
    assert sum(len(f.claims) for f in moved.findings) > 100


def test_json_documents_moved_or_reordered_keep_their_results(tmp_path, monkeypatch):
    """A JSON file indented anew and the lines of a JSON Lines file put in another order."""
    claims_dir, rules_dir = write_corpus(tmp_path, {})
    documents = [
        one_source(name, f"2025-01-0{day}", claim("c", "partners", value, as_of="2025-06-30"))
        for day, (name, value) in enumerate((("a", 14), ("b", 12), ("c", 12)), 1)
    ]
    (claims_dir / "a.json").write_text(json.dumps(documents[0], indent=2), "utf-8")
    (claims_dir / "bc.jsonl").write_text("\n".join(json.dumps(d) for d in documents[1:]) + "\n", "utf-8")
    folder = tmp_path / "cache"
    run([claims_dir], rules_dir, cache_dir=folder)
    (claims_dir / "a.json").write_text("\n\n" + json.dumps(documents[0], indent=4), "utf-8")
    (claims_dir / "bc.jsonl").write_text("\n" + "\n\n".join(json.dumps(d) for d in documents[:0:-1]) + "\n", "utf-8")
    checked = _spy(monkeypatch)
    moved = run([claims_dir], rules_dir, cache_dir=folder)
    assert checked == []
    assert _report(moved) == _report(run([claims_dir], rules_dir))
    conflict = next(f for f in moved.findings if f.verdict == "contradiction")
    # a JSON document over several lines is located by each claim's place; one on a line, by its line
    assert sorted((r.source, r.location.line) for r in conflict.claims) == [("a", 12), ("b", 4), ("c", 2)]


def test_a_json_document_put_on_one_line_or_spread_over_several_is_checked_again(tmp_path, monkeypatch):
    """On one line, every claim of a JSON document stands at the line; spread over several, each has a place of its
    own, which the line does not tell: the subject is checked again, and the report is a fresh run's."""
    claims_dir, rules_dir = write_corpus(tmp_path, {})
    documents = [
        one_source(name, f"2025-01-0{day}", claim("c", "partners", value, as_of="2025-06-30"))
        for day, (name, value) in enumerate((("a", 14), ("b", 12)), 1)
    ]
    folder = tmp_path / "cache"
    for first, then in ((None, 2), (2, None)):
        for n, document in enumerate(documents):
            (claims_dir / f"{n}.json").write_text(json.dumps(document, indent=first), "utf-8")
        run([claims_dir], rules_dir, cache_dir=folder)
        (claims_dir / "0.json").write_text(json.dumps(documents[0], indent=then), "utf-8")
        checked = _spy(monkeypatch)
        spread = run([claims_dir], rules_dir, cache_dir=folder)
        if then is not None:  # spread over several lines: the places are new
            assert checked == ["freedonia"]
        assert _report(spread) == _report(run([claims_dir], rules_dir))


def test_a_location_no_name_fits_keeps_the_results_to_their_lines():
    """Results with a location that is no value's (or is that of two values) are not relocatable, and a name
    that is no longer found makes them unusable: the subject is checked again."""
    document = DocumentRecord(
        "claims/a.yaml", "claims/a.yaml", {"id": "a"}, {("source",): (1, 1, 3, 1)},
        ((0, "x", b"{}", b'[[["claims",0],[4,5,9,1]],[["claims",0,"id"],[4,9,4,12]],[["claims",0,"value"],[4,9,4,12]]]'),),
    )  # fmt: skip
    named = places.Places([(document, document.claims)])
    assert named.name(Location("claims/a.yaml", 4, 5, 9, 1)) == ["a", 0, ["claims", 0]]
    assert named.name(Location("claims/a.yaml", 4, 9, 4, 12)) is None  # id and value at one place
    assert named.name(Location("claims/a.yaml", 1, 1, 3, 1)) == ["a", -1, ["source"]]

    def plain(location: Location) -> list:
        finding = Finding("x", "m", "c", "info", "corroboration", "said", "f", location=location)
        return places.result_plain([finding], [], [], named)

    assert places.relocatable(plain(Location("claims/a.yaml", 4, 5, 9, 1)))
    assert places.relocatable(plain(Location("claims/a.yaml")))  # a path alone does not move
    assert not places.relocatable(plain(Location("claims/a.yaml", 4, 9, 4, 12)))
    kept = plain(Location("claims/a.yaml", 4, 5, 9, 1))
    finder = places.Finder([document._replace(claims=((0, "x", b"{}", b'[[["claims",0],[6,5,11,1]]]'),))])
    found = places.moves(kept, finder)
    assert found is not None and found.moved
    assert from_plain(kept, locations(found.where))[0][0].location == Location("claims/a.yaml", 6, 5, 11, 1)
    assert places.moves(kept, places.Finder([document._replace(claims=())])) is None


def _project(tmp_path: Path) -> Path:
    """A copy of the project's claims, rules and acknowledgements, with the archives where its claims name them."""
    project = tmp_path / "project"
    for name in ("claims", "rules"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "acknowledgements.yaml", project / "acknowledgements.yaml")
    (tmp_path / "shared").symlink_to(ROOT.parent / "shared")
    return project


@pytest.mark.slow
@pytest.mark.parametrize("names", [("json",), ("json", "sarif", "markdown")], ids=["json alone", "three reports"])
def test_reports_from_the_cache_are_the_reports_of_a_run_without_it(tmp_path, monkeypatch, names):
    """The cache keeps data, not report text: the reports of subjects taken from it are written afresh, and
    they and the verdict of the gate are those of a run that uses no cache, with and without acknowledgements,
    for the whole corpus and for one file, before and after an edit, and after lines moved. With the JSON
    report alone the findings stay data until the report writes them (checker.corpus.kept)."""
    from click.testing import CliRunner

    from checker.cli import main
    from checker.corpus.kept import KeptFinding

    project = _project(tmp_path)
    monkeypatch.chdir(project)
    runner = CliRunner()
    reused: list[int] = []  # how many findings each run took from the cache
    from checker.engine import running

    real = running._from_cache

    def spy(job, stored, inputs):  # noqa: ANN001, ANN202
        outputs, kept = real(job, stored, inputs)
        reused.append(sum(len(output.findings) for output in outputs.values()))
        made = [f for output in outputs.values() for f in output.findings]
        assert all(isinstance(f, KeptFinding) == (names == ("json",) and bool(f.subject)) for f in made)
        return outputs, kept

    monkeypatch.setattr(running, "_from_cache", spy)
    files = {"json": "out.json", "sarif": "out.sarif", "markdown": "out.md"}
    formats = [part for name in names for part in ("--format", f"{name}={files[name]}")]

    def check(*args: str, cache_dir: str | None = "cache") -> tuple:
        where = ["--cache", str(tmp_path / cache_dir)] if cache_dir else ["--no-cache"]
        allowed = ["--allow-path", str(tmp_path), "--allow-path", str((ROOT.parent / "shared").resolve())]
        done = runner.invoke(main, ["check", *args, *formats, *allowed, *where])
        assert done.exit_code in (0, 1), done.output
        return (done.exit_code, *((project / files[name]).read_bytes() for name in names))

    gate = ("--fail-on", "warning", "--strict")
    one = "claims/" + sorted(os.listdir(project / "claims"))[0]
    for args in ((), gate, (one,), (one, *gate)):
        fresh = check(*args, cache_dir=None)
        assert check(*args) == fresh  # the cache made here, or taken from it
        assert check(*args) == fresh and reused[-1] > (0 if one in args else 20)  # from the cache
    (project / "acknowledgements.yaml").unlink()
    assert check(*gate) == check(*gate, cache_dir=None)
    assert check(*gate)[0] == 1 and reused[-1] > 20  # without acknowledgements the project's gate fails
    edited = project / one
    text = edited.read_text("utf-8")
    assert "value: 14" in text
    edited.write_text(text.replace("value: 14", "value: 15", 1), "utf-8")
    assert check() == check(cache_dir=None)
    # lines moved: the places the findings name are looked up where they stand now
    for number, name in enumerate(sorted(os.listdir(project / "claims"))):
        if number % 2:
            path = project / "claims" / name
            path.write_text("# moved\n" * number + path.read_text("utf-8"), "utf-8")
    assert check() == check(cache_dir=None) and reused[-1] > 20
    assert check() == check(cache_dir=None) and reused[-1] > 20  # once more: the records kept still relocate
    edited.write_text("# moved again\n" + edited.read_text("utf-8").replace("value: 15", "value: 14", 1), "utf-8")
    assert check() == check(cache_dir=None)  # a subject checked again: the moved ones get new records
    assert check() == check(cache_dir=None) and reused[-1] > 20  # which hold where they stand now
    edited.rename(edited.with_name("renamed-" + edited.name))  # the same values in a file of another name
    assert check() == check(cache_dir=None)


def test_commands_that_read_the_findings_get_them_whole(tmp_path, monkeypatch):
    """Findings stay data only for `check` with the JSON report alone: any other report, and commands that read
    the findings themselves (`ack`), get every finding whole."""
    from checker.corpus.kept import KeptFinding
    from checker.pipeline import CheckRequest, execute

    project = _project(tmp_path)
    monkeypatch.chdir(project)
    folder = tmp_path / "cache"
    execute(CheckRequest(formats=("json",), cache=folder, lean=True))
    for request in (
        CheckRequest(formats=("json",), cache=folder),  # as `ack` asks
        CheckRequest(formats=("json", "sarif=out.sarif"), cache=folder, lean=True, allow_paths=(tmp_path,)),
    ):
        outcome = execute(request)
        assert outcome.result is not None and len(outcome.result.findings) > 20
        assert not any(isinstance(f, KeptFinding) for f in outcome.result.findings)
    outcome = execute(CheckRequest(formats=("json",), cache=folder, lean=True))
    assert outcome.result is not None and any(isinstance(f, KeptFinding) for f in outcome.result.findings)


@pytest.mark.parametrize("lean", [True, False], ids=["kept findings", "whole findings"])
def test_a_json_report_of_kept_findings_is_the_report_of_them_whole(tmp_path, monkeypatch, lean):
    """Kept findings are made whole subject by subject as the report is written: the text is that of the report
    of the same findings whole, written at once."""
    from checker import __version__
    from checker.corpus.kept import KeptFinding, each_whole, each_whole_timeline
    from checker.formats.jsontext import pretty
    from checker.pipeline import CheckRequest, execute
    from checker.reporting import json_report

    project = _project(tmp_path)
    monkeypatch.chdir(project)
    folder = tmp_path / "cache"
    execute(CheckRequest(formats=("json",), cache=folder, lean=lean))
    outcome = execute(CheckRequest(formats=("json",), cache=folder, lean=lean))
    result = outcome.result
    assert result is not None and len(result.findings) > 20
    assert any(isinstance(f, KeptFinding) for f in result.findings) == lean
    findings = [json_report.finding_dict(f) for f in each_whole(result.findings)]
    timelines = [json_report.timeline_dict(t) for t in each_whole_timeline(result.timelines) if len(t.entries) > 1]
    head = {"tool": "claimcheck", "version": __version__, "format_version": json_report.FORMAT_VERSION,
            "summary": json_report.summary(result)}  # fmt: skip
    assert json_report.render(result) == pretty({**head, "findings": findings, "timelines": timelines})


def test_a_worker_file_gone_before_the_run_reads_it_is_a_clear_error(tmp_path, monkeypatch):
    """The findings a worker keeps in its file of records are read by the run; when that file is gone (the cache
    folder cleared during the run), the command says so and exits 2, with no traceback."""
    from click.testing import CliRunner

    from checker.cli import main

    project = _project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setattr(running, "MANY_CLAIMS", 1)
    real = cache._open_entry

    def gone(path: Path):  # noqa: ANN202
        if path.name.startswith(cache.TEMPORARY + "lines-"):
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real(path)

    monkeypatch.setattr(cache, "_open_entry", gone)
    done = CliRunner().invoke(main, ["check", "-j", "2", "--format", "json=out.json", "--cache", str(tmp_path / "c")])
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert "cannot be read" in done.output and "--no-cache" in done.output


@pytest.mark.slow
def test_the_records_the_workers_write_make_the_same_report(tmp_path, monkeypatch):
    """With worker processes, each writes its subjects' records to the cache: the report of the run that made
    them (which reads the findings back from those records, as data), and of the run that takes every subject
    from them, is that of a run without the cache."""
    from checker.corpus.kept import KeptFinding
    from checker.pipeline import CheckRequest, execute
    from checker.reporting import REPORTERS

    project = _project(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setattr(running, "MANY_CLAIMS", 1)
    reports = []
    for cache_dir in (None, tmp_path / "cache", tmp_path / "cache"):
        request = CheckRequest(formats=("json",), workers=2, cache=cache_dir, no_cache=cache_dir is None, lean=True)
        outcome = execute(request)
        assert outcome.result is not None
        assert any(isinstance(f, KeptFinding) for f in outcome.result.findings) == (cache_dir is not None)
        reports.append((outcome.code, REPORTERS["json"](outcome.result)))
    assert reports[0] == reports[1] == reports[2]
    assert (tmp_path / "cache" / cache.SUBJECTS).is_file()


@pytest.mark.parametrize(
    "forge",
    [
        lambda fields, line: {-2: -len(line)},  # its results' size: the next record would start before this one
        lambda fields, line: {-1: [fields[-1][0] + 1, *fields[-1][1:]]},  # its parts': more than its results'
        lambda fields, line: {-1: fields[-1][:-1]},  # a part too few
    ],
    ids=["negative size", "parts larger than the whole", "a part too few"],
)
def test_a_forged_record_with_sizes_that_make_no_sense_is_ignored(tmp_path, monkeypatch, forge):
    """A record whose head gives sizes that do not fit its results (their size, or that of each of their parts,
    which a report reads one by one), under a valid HMAC, is not read (nor read forever): its subject is checked
    again."""
    claims_dir, rules_dir = _corpus(tmp_path)
    folder = tmp_path / "cache"
    expected = _report(run([claims_dir], rules_dir, cache_dir=folder))
    subjects = folder / cache.SUBJECTS
    lines = subjects.read_bytes().split(b"\n")
    first = next(number for number, line in enumerate(lines) if line.startswith(b'["'))
    head, tab, rest = lines[first].partition(b"\t")
    fields = json.loads(head)
    assert sum(fields[-1]) + len(fields[-1]) + 1 == fields[-2] == len(rest)
    for at, value in forge(fields, lines[first]).items():
        fields[at] = value
    lines[first] = json.dumps(fields, separators=(",", ":")).encode() + tab + rest
    _signed_subjects(subjects, b"\n".join(lines[:-2]) + b"\n")
    assert _subjects_intact(subjects)
    checked = _spy(monkeypatch)
    assert _report(run([claims_dir], rules_dir, cache_dir=folder)) == expected
    assert checked  # checked again, not taken from the forged entry


def test_a_report_reads_the_parts_of_kept_results_it_needs_and_only_where_they_stand():
    """A kept finding is made from the parts of its subject's results it needs, a kept timeline from its own: a
    part it does not need is never parsed. Sizes of parts that do not cut the text where its items stand (a
    forged record's, under a valid HMAC) are not followed: the text is then parsed whole."""
    from checker.corpus.kept import (
        FINDINGS,
        TIMELINES,
        Kept,
        KeptFinding,
        KeptTimeline,
        forget,
        plain_finding,
        plain_text,
        plain_timeline,
    )

    finding = ["s", "m", "value-conflict", "error", "contradiction", "two values", "f1", "", "", 0, [0], "s · m"]
    plain = [[finding], [["s", "m", [], None]], [], [["claim"]], [["a.yaml", 3, 5, 3, 9]], True, {}]
    text, parts = plain_text(plain)
    assert text == json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()

    class Text:
        def __init__(self, data: bytes) -> None:
            self.data = data

        def read(self) -> bytes:
            return self.data

    def kept_of(data: bytes, sizes: tuple[int, ...]) -> tuple[KeptFinding, KeptTimeline]:
        kept = Kept(Text(data), parts=sizes)
        return (KeptFinding("s", "m", "value-conflict", "error", "contradiction", "f1", "", "", (), kept, 0),
                KeptTimeline("s", "m", kept, 0, False))  # fmt: skip

    # the timelines' part broken: a finding is made all the same, since it never reads that part
    at = 1 + parts[FINDINGS] + 1
    broken = text[:at] + b"{" + text[at + 1 :]
    kept_finding, kept_timeline = kept_of(broken, parts)
    assert plain_finding(kept_finding) == (finding, [["claim"]], (Location("a.yaml", 3, 5, 3, 9),))
    with pytest.raises(ValueError):
        plain_timeline(kept_timeline)
    forget()
    # sizes that add up but cut the text elsewhere: parsed whole
    moved = (parts[FINDINGS] + 1, parts[TIMELINES] - 1, *parts[2:])
    assert sum(moved) == sum(parts)
    kept_finding, kept_timeline = kept_of(text, moved)
    assert plain_timeline(kept_timeline) == plain[TIMELINES][0]
    assert plain_finding(kept_finding)[0] == finding
    forget()


def test_rules_files_are_kept_parsed_and_a_damaged_one_is_parsed_again(tmp_path):
    """The rules are parsed once and kept by the digest of their bytes; an entry damaged (or forged without its
    HMAC) is parsed again, never used; an edited rules file is a new entry."""
    claims_dir, rules_dir = _corpus(tmp_path)
    folder = tmp_path / "cache"
    expected = _report(run([claims_dir], rules_dir))
    assert _report(run([claims_dir], rules_dir, cache_dir=folder)) == expected
    kept = sorted((folder / "documents").glob("*.json"))
    assert len(kept) == len(list(rules_dir.glob("*.yaml")))
    for number, entry in enumerate(kept):
        sealed, payload = entry.read_bytes().split(b"\n", 1)
        data, spans = json.loads(payload)
        spans[0][1][0] += 1  # a value said to stand a line lower: valid JSON, but not what the HMAC is of
        forged = sealed + b"\n" + json.dumps([data, spans]).encode() + b"\n"
        entry.write_bytes(b"\x00not json" if number % 2 else forged)
    assert _report(run([claims_dir], rules_dir, cache_dir=folder)) == expected
    assert all(cache._unseal(_entry_name(entry), entry.read_bytes()) for entry in kept)  # parsed again, kept intact
    metrics = next(path for path in rules_dir.glob("*.yaml") if "partners" in path.read_text("utf-8"))
    metrics.write_text(metrics.read_text("utf-8") + "\n# edited\n", "utf-8")
    assert _report(run([claims_dir], rules_dir, cache_dir=folder)) == _report(run([claims_dir], rules_dir))
    assert len(list((folder / "documents").glob("*.json"))) == len(kept) + 1


def test_only_data_json_gives_back_as_it_was_is_kept():
    assert cache._json_exact({"a": [1, 2.5, None, True, "x", {"b": -(2**63)}]})
    assert not cache._json_exact({1: "a mapping key that is no text"})
    assert not cache._json_exact({"a": 2**64})  # beyond what JSON readers take back exactly


def test_subject_digests_from_kept_digests_are_those_from_the_claims(tmp_path):
    """A file's record keeps its documents' digests (made when it was read): the subjects' digests made from
    them are those made from the claims themselves, and the claims cut from the record are those read."""
    from checker.corpus.records import read_file
    from checker.vocabulary.rules import load_vocabulary

    vocabulary, _ = load_vocabulary(ROOT / "rules")
    fresh, kept = [], []
    for number, path in enumerate(sorted((ROOT / "claims").glob("*.yaml"))):
        record = read_file(path, path.name)
        cache.save_file(tmp_path, f"{number:02d}", record)
        loaded = cache.load_file(tmp_path, f"{number:02d}", path.as_posix())
        assert loaded is not None and all(document.parts is not None for document in loaded.documents)
        assert [tuple(d.claims) for d in loaded.documents] == [tuple(d.claims) for d in record.documents]
        fresh += record.documents
        kept += loaded.documents
    assert all(document.parts is None for document in fresh)  # made on the way, from the claims

    def key_of(name):  # noqa: ANN001, ANN202
        return subject_key(name, vocabulary)

    assert cache.subject_inputs(kept, key_of, {}) == cache.subject_inputs(fresh, key_of, {})
    moved = [document._replace(claims=(), parts=None) for document in kept[:1]] + kept[1:]
    assert cache.subject_inputs(moved, key_of, {}) != cache.subject_inputs(fresh, key_of, {})


def test_a_file_record_whose_sizes_name_no_subject_is_not_used(tmp_path):
    """Forged sizes under a valid HMAC (a claim about a subject the document does not list, a fraction) are
    refused when the record is read, not when its claims are first used."""
    claims_dir, _ = _corpus(tmp_path)
    path = claims_dir / "a.yaml"
    from checker.corpus.records import read_file

    cache.save_file(tmp_path, "k", read_file(path, "a.yaml"))
    entry = tmp_path / "files" / "k"[:2] / "k.json"
    (findings, documents, read), blob = cache._unseal(cache._file_name("k"), entry.read_bytes())
    assert cache.load_file(tmp_path, "k", path.as_posix()) is not None
    for forged in ([0, 5, 10, 10], [0, 0, 0.5, 0]):
        documents[0][4] = forged
        body = json.dumps([findings, documents, read]).encode() + b"\n" + blob
        stamp = json.dumps({"stamp": cache._STAMP, "mac": cache._mac(cache._file_name("k"), body)}).encode()
        entry.write_bytes(stamp + b"\n" + body)
        assert cache.load_file(tmp_path, "k", path.as_posix()) is None


def test_entries_no_run_used_for_a_month_are_deleted_and_used_ones_kept(tmp_path):
    """Every version of every file would otherwise stay: a run marks the records it uses (at most once a day),
    and looks once a day for the ones no run used for a month."""
    claims_dir, rules_dir = _corpus(tmp_path)
    folder = tmp_path / "cache"
    run([claims_dir], rules_dir, cache_dir=folder)
    (claims_dir / "a.yaml").write_text((claims_dir / "a.yaml").read_text("utf-8") + "# edited\n", "utf-8")
    run([claims_dir], rules_dir, cache_dir=folder)  # a.yaml's record of before is used no more
    entries = sorted((folder / "files").glob("*/*.json")) + sorted((folder / "documents").glob("*.json"))
    assert len(list((folder / "files").glob("*/*.json"))) == 4
    month = time.time() - cache.UNUSED_AFTER_S - 60
    foreign = folder / "files" / "ab" / "notes.json"  # not named as an entry: never deleted
    foreign.parent.mkdir(exist_ok=True)
    foreign.write_text("{}", "utf-8")
    for entry in [*entries, foreign]:
        os.utime(entry, (month, month))
    run([claims_dir], rules_dir, cache_dir=folder)  # pruned this day already: nothing deleted
    assert all(entry.exists() for entry in entries)
    os.utime(folder / cache.PRUNED, (month, month))
    assert _report(run([claims_dir], rules_dir, cache_dir=folder)) == _report(run([claims_dir], rules_dir))
    left = sorted(path for path in (folder / "files").glob("*/*.json") if path != foreign)
    assert len(left) == 3 and all(entry.stat().st_mtime > month + 86400 for entry in left)  # used: marked
    assert foreign.exists()
    assert sorted((folder / "documents").glob("*.json"))  # the rules, used: kept


def test_the_tests_cache_in_a_temporary_folder_never_the_users(private_user_cache, tmp_path):
    """Every test, and every claimcheck process a test starts, uses a cache folder the test session made."""
    import subprocess

    from checker import pipeline
    from checker.formats.settings import Config

    home = Path.home() / ".cache" / "claimcheck"
    assert pipeline.default_cache(Config()).is_relative_to(private_user_cache)
    assert not pipeline.default_cache(Config()).is_relative_to(home)
    shown = subprocess.run(
        [sys.executable, "-c", "from checker import pipeline; from checker.formats import settings; print(pipeline.default_cache(settings.Config()))"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    ).stdout.strip()  # fmt: skip
    assert Path(shown).is_relative_to(private_user_cache)


def test_an_entry_written_with_another_key_is_a_miss_and_is_rewritten(tmp_path, monkeypatch):
    """Two users (two keys) sharing a cache folder: neither uses the other's entries, each rewrites them."""
    claims_dir, rules_dir = _corpus(tmp_path)
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "one"))
    expected = _report(run([claims_dir], rules_dir, cache_dir=folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "two"))
    assert not _subjects_intact(folder / cache.SUBJECTS)
    checked = _spy(monkeypatch)
    assert _report(run([claims_dir], rules_dir, cache_dir=folder)) == expected
    assert checked and _subjects_intact(folder / cache.SUBJECTS)
    checked.clear()
    assert _report(run([claims_dir], rules_dir, cache_dir=folder)) == expected
    assert checked == []


def test_the_key_is_made_once_readable_by_its_owner_alone(tmp_path, monkeypatch):
    import stat

    monkeypatch.setattr(cachekey, "_KEYS", {})
    folder = tmp_path / "claimcheck"
    made = cachekey.key(folder)
    path = folder / cachekey.KEY_FILE
    assert len(made) == cachekey.KEY_BYTES and path.read_bytes() == made
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in folder.iterdir()] == [cachekey.KEY_FILE]  # no temporary file left
    monkeypatch.setattr(cachekey, "_KEYS", {})
    assert cachekey.key(folder) == made  # read again, not made anew
    spoilt = ((lambda: path.chmod(0o644), "read by others"), (lambda: path.write_bytes(b"short"), "not a key"))
    for spoil, words in spoilt:
        path.unlink()
        path.write_bytes(made)
        path.chmod(0o600)
        spoil()
        monkeypatch.setattr(cachekey, "_KEYS", {})
        with pytest.raises(cachekey.KeyProblem, match=words):
            cachekey.key(folder)
