"""Every check's examples (checker/checks/examples/ID.yaml) give exactly the findings they say."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.checks import REGISTRY
from checker.checks.examples import Expected, examples
from checker.engine import run

from conftest import write_corpus

CASES = [
    pytest.param(check_id, case, id=f"{check_id}:{case.name}")
    for check_id in REGISTRY
    for case in (examples(check_id).cases if examples(check_id) else ())
]


def test_every_file_of_examples_is_a_check_s():
    folder = Path(__file__).resolve().parent.parent / "checker" / "checks" / "examples"
    assert sorted(path.stem for path in folder.glob("*.yaml")) == sorted(REGISTRY)
    assert [path.name for path in folder.iterdir() if path.suffix != ".yaml"] == []


def test_every_check_has_examples_that_pass_and_examples_that_fail():
    for check_id in REGISTRY:
        found = examples(check_id)
        assert found is not None, f"{check_id}: no examples (checker/checks/examples/{check_id}.yaml)"
        assert found.check == check_id
        assert [c for c in found.cases if not c.expected], f"{check_id}: no example that passes"
        assert [c for c in found.cases if c.expected], f"{check_id}: no example that yields a finding"
        assert len({c.name for c in found.cases}) == len(found.cases), f"{check_id}: two examples of one name"


@pytest.mark.parametrize("check_id, case", CASES)
def test_the_example_gives_the_findings_it_says(tmp_path: Path, monkeypatch, check_id: str, case):
    monkeypatch.chdir(tmp_path)  # the folder of the example is its repository: its archived texts lie there
    for name, text in case.archives.items():
        (tmp_path / name).write_text(text, "utf-8")
    files = {f"{source_id}.yaml": body for source_id, body in case.files.items()}
    claims, rules = write_corpus(tmp_path, files, examples(check_id).rules)
    result = run([claims], rules)
    assert [f"{f.location}: {f.message}" for f in result.findings if not f.subject] == [], "the example is not valid"
    found = sorted(
        Expected(f.verdict, tuple(sorted(f"{ref.source}/{ref.claim}" for ref in f.claims)))
        for f in result.findings
        if f.check == check_id
    )
    assert found == list(case.expected), case.says
