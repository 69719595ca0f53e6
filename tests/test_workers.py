"""The work partitions by subject: findings, timelines and reports do not depend on the number of workers."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from checker.engine import can_fork, run, running, shards
from checker.engine.shards import shard_of
from checker.reporting import REPORTERS

from conftest import RELATIONS, ROOT, claim, one_source, write_corpus

pytestmark = [
    pytest.mark.slow,  # worker processes (pytest -m "not slow" leaves them out)
    pytest.mark.skipif(not can_fork(), reason="worker processes are forked (Linux)"),
]


@pytest.fixture(autouse=True)
def _workers_even_for_small_corpora(monkeypatch):
    """Small corpora are checked in one process unless told otherwise: here they are split, to test splitting."""
    monkeypatch.setattr(running, "MANY_CLAIMS", 0)


def _reports(result) -> dict[str, str]:  # noqa: ANN001
    return {name: REPORTERS[name](result) for name in ("json", "text", "sarif", "junit")}


def _mixed_corpus(folder: Path, seed: int) -> tuple[Path, Path]:
    """Many subjects, several sources each, disagreeing at random, with a broken file among them."""
    rng = random.Random(seed)
    subjects = ["freedonia", "sylvania", *("ruritania", "grand-fenwick", "latveria", "genovia")]
    files = {}
    for number in range(12):
        source = f"src-{number:02d}"
        claims = []
        for subject in subjects:
            base = 10 + subjects.index(subject)
            claims.append(claim(f"{subject}-a", "tier_a", base + rng.choice((0, 0, 1, 3)), subject=subject,
                                as_of=rng.choice(("2025-06-30", "2025-12-31"))))  # fmt: skip
            claims.append(claim(f"{subject}-f", "frameworks", base + 20 + rng.choice((0, 2)), subject=subject))
        files[f"{source}.yaml"] = one_source(source, f"2026-01-{number + 1:02d}", *claims)
    claims_dir, rules_dir = write_corpus(folder, files, RELATIONS)
    (claims_dir / "broken.yaml").write_text("source: {id: broken\nclaims: [\n", "utf-8")
    return claims_dir, rules_dir


def test_findings_are_the_same_with_one_and_with_several_workers(tmp_path):
    claims_dir, rules_dir = _mixed_corpus(tmp_path, seed=3)
    alone = run([claims_dir], rules_dir, workers=1)
    assert {f.verdict for f in alone.findings} >= {"contradiction", "timing", "invalid"}
    for workers in (2, 3):
        together = run([claims_dir], rules_dir, workers=workers)
        assert together.findings == alone.findings
        assert together.timelines == alone.timelines
        assert together.corpus.rows == alone.corpus.rows
        assert _reports(together) == _reports(alone)


def test_the_seed_corpus_reports_byte_for_byte_the_same_with_two_workers():
    alone = run([ROOT / "claims"], ROOT / "rules", workers=1)
    together = run([ROOT / "claims"], ROOT / "rules", workers=2)
    assert together.corpus.claims == []  # resolved claims stay in the workers: the parent has their rows
    assert len(together.corpus.rows) == len(alone.corpus.claims) > 150
    assert _reports(together) == _reports(alone)
    assert REPORTERS["html"](together) == REPORTERS["html"](alone)


def test_file_order_and_names_change_nothing_with_workers(tmp_path):
    claims_dir, rules_dir = _mixed_corpus(tmp_path / "a", seed=5)
    renamed = tmp_path / "b" / "claims"
    renamed.mkdir(parents=True)
    for number, path in enumerate(sorted(claims_dir.iterdir(), reverse=True)):
        shutil.copy(path, renamed / f"z{number}-{path.name}")
    first = run([claims_dir], rules_dir, workers=2)
    second = run([renamed], rules_dir, workers=2)

    def strip(result):  # noqa: ANN001, ANN202
        kept = [f for f in result.findings if f.verdict != "invalid"]  # the broken file is named in its finding
        return [(f.subject, f.metric, f.check, f.verdict, f.fingerprint, f.message) for f in kept]

    assert strip(first) == strip(second)


def test_a_subject_always_lands_in_the_same_shard():
    assert [shard_of("freedonia", n) for n in (1, 2, 3)] == [0, shard_of("freedonia", 2), shard_of("freedonia", 3)]
    assert shard_of("freedonia", 1) == 0
    spread = {shard_of(f"subject-{i}", 4) for i in range(200)}
    assert spread == {0, 1, 2, 3}


def test_cli_workers_option_and_setting(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from checker.cli import main

    claims_dir, rules_dir = _mixed_corpus(tmp_path, seed=9)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    outputs = []
    for workers in ("1", "2"):
        done = runner.invoke(main, ["check", "claims", "--rules", "rules", "--format", "json", "-j", workers])
        assert done.exit_code == 1, done.output  # contradictions and the broken file fail the run
        outputs.append(json.loads(done.output))
    assert outputs[0] == outputs[1]
    assert outputs[0]["summary"]["by_verdict"]["invalid"] == 1
    refused = runner.invoke(main, ["check", "claims", "--rules", "rules", "--workers", "0"])
    assert refused.exit_code == 2 and "--workers" in refused.output
    (tmp_path / "claimcheck.toml").write_text("workers = 0\n", "utf-8")
    bad = runner.invoke(main, ["check", "claims", "--rules", "rules"])
    assert bad.exit_code == 2 and '"workers" must be' in bad.output


@pytest.mark.parametrize("workers", [1, 2])
def test_a_claim_of_a_json_lines_file_is_located_at_its_line(tmp_path, workers):
    claims_dir, rules_dir = write_corpus(tmp_path, {})
    lines = [
        json.dumps(one_source("a", "2025-01-01", claim("c", "partners", 14, as_of="2025-06-30"))),
        "",
        json.dumps(one_source("b", "2025-01-02", claim("c", "partners", 12, as_of="2025-06-30"))),
    ]
    (claims_dir / "both.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    result = run([claims_dir], rules_dir, workers=workers)
    conflict = next(f for f in result.findings if f.verdict == "contradiction")
    assert sorted((ref.source, ref.location.line) for ref in conflict.claims) == [("a", 1), ("b", 3)]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_that_lists_no_claims_keeps_only_their_count(workers):
    """Without keep_rows the claims in short are counted, not kept; findings and the JSON report do not change."""
    kept = run([ROOT / "claims"], ROOT / "rules", workers=workers)
    counted = run([ROOT / "claims"], ROOT / "rules", workers=workers, keep_rows=False)
    assert counted.corpus.rows == [] and counted.corpus.checked == kept.corpus.checked == len(kept.corpus.rows) > 150
    assert counted.findings == kept.findings and counted.timelines == kept.timelines
    assert REPORTERS["json"](counted) == REPORTERS["json"](kept)


def test_more_shards_than_workers_give_the_same_findings(tmp_path, monkeypatch):
    """Each worker checks many small shards (pieces), whose results the parent receives as they come."""
    claims_dir, rules_dir = _mixed_corpus(tmp_path, seed=5)
    alone = run([claims_dir], rules_dir, workers=1)
    monkeypatch.setattr(shards, "PIECE_CLAIMS", 7)  # many pieces, most of one subject or none
    together = run([claims_dir], rules_dir, workers=2)
    assert together.findings == alone.findings and together.timelines == alone.timelines
    assert together.corpus.rows == alone.corpus.rows


def test_findings_travel_between_processes_whole():
    """Findings, claim references and locations pickle through their constructors: every field comes back."""
    import dataclasses
    import pickle

    from checker.model.findings import ClaimRef, Finding, Location

    result = run([ROOT / "claims"], ROOT / "rules")
    findings = [f for f in result.findings if f.claims][:50]
    assert findings and pickle.loads(pickle.dumps(findings)) == findings
    for kind, example in ((Finding, findings[0]), (ClaimRef, findings[0].claims[0]), (Location, findings[0].location)):
        rebuilt = example.__reduce__()[1]
        assert len(rebuilt) == len(dataclasses.fields(kind))  # a new field must be added to __reduce__ too
        assert rebuilt == tuple(getattr(example, f.name) for f in dataclasses.fields(kind))


def test_claims_of_a_finding_are_sorted_as_claim_references_order_themselves():
    """The engine sorts a finding's claims by one key tuple; it must be the dataclass's own field order."""
    import dataclasses

    from checker.model.findings import ClaimRef, Location
    from checker.model.findings import ref_fields as _claim_order

    rng = random.Random(3)
    refs = [
        ClaimRef(
            rng.choice("ab"),
            rng.choice("xy"),
            Location(rng.choice("pq"), rng.randint(1, 3)),
            rng.choice("12"),
            "t",
            "",
            "q",
            "o",
            "p",
            derivation=rng.choice(("", "sum")),
        )  # fmt: skip
        for _ in range(500)
    ]
    assert sorted(refs, key=_claim_order) == sorted(refs)
    assert len(_claim_order(refs[0])) == len(dataclasses.fields(ClaimRef))
