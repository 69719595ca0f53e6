"""The checks that work on a table of claims find what their definition, group by group, finds.

A check with ``check_table`` judges every subject and metric of a shard at
once with vectorised operations; its ``check`` over one (subject, metric)
group states what it must find. Both run here on the project's claims, the
example corpus, a generated benchmark corpus and hypothesis-made claim sets,
and must give the same findings, word for word.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from test_properties import FEW, _corpora, _tangled_corpora

from checker import checks, engine
from checker.checks.base import Group
from checker.corpus.claims import Resolved
from checker.engine.table import ClaimsTable
from checker.vocabulary.rules import Vocabulary

from conftest import RELATIONS, write_corpus

pytestmark = pytest.mark.slow  # generated corpora and the benchmark corpora, checked twice (pytest -m "not slow" leaves it out)

ROOT = Path(__file__).resolve().parent.parent
ON_TABLES = sorted(check_id for check_id, module in checks.REGISTRY.items() if hasattr(module, "check_table"))


def _claims(claims_dir: Path, rules: Path) -> tuple[list[Resolved], Vocabulary, list[engine.ActiveCheck]]:
    """The resolved claims of a corpus with the implied ones, its vocabulary and its checks."""
    result = engine.run([claims_dir], rules)
    active, _ = engine.configure(result.vocabulary, rules)
    deriving = [check for check in active if hasattr(check.module, "derive")]
    everything: list[Resolved] = []
    for subject, metrics in engine.partition(result.corpus.claims).items():
        everything.extend(engine.subject_claims(subject, metrics, result.vocabulary, deriving).claims)
    return everything, result.vocabulary, active


def _both_ways(claims_dir: Path, rules: Path) -> None:
    claims, vocabulary, active = _claims(claims_dir, rules)
    table = ClaimsTable.of(claims, vocabulary)
    for check in active:
        if check.id not in ON_TABLES:
            continue
        on_table = sorted(map(repr, check.module.check_table(table, check.options)))
        by_group = sorted(
            repr((group.subject, group.metric_id, problem))
            for group in _groups(claims, vocabulary, check.module.PARTITION)
            for problem in check.module.check(group, check.options)
        )
        assert on_table == by_group, check.id


def _groups(claims: list[Resolved], vocabulary: Vocabulary, partition: str) -> list[Group]:
    """The groups a check over one group is given, as the engine makes them: one per subject and metric, or one
    per subject with the claims of all its metrics."""
    out = []
    for subject, metrics in engine.partition(claims).items():
        if partition == "subject":
            everything = tuple(
                sorted((c for group in metrics.values() for c in group), key=lambda c: (c.metric_id, c.key))
            )
            out.append(Group(subject, "", None, everything, vocabulary))
        else:
            out.extend(Group(subject, m, vocabulary.metrics[m], group, vocabulary) for m, group in metrics.items())
    return out


def test_every_check_works_on_tables():
    assert ON_TABLES == sorted(checks.REGISTRY)


@pytest.mark.parametrize("corpus", ["project", "company"])
def test_the_shipped_corpora(corpus):
    folder = ROOT if corpus == "project" else ROOT / "examples" / corpus
    _both_ways(folder / "claims", folder / "rules")


@pytest.mark.parametrize("claims", [2000, 20000])
def test_the_benchmark_corpora(tmp_path, claims):
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--claims", str(claims), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    _both_ways(tmp_path / "claims", tmp_path / "rules")


def _made(files: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        claims, rules = write_corpus(Path(folder), files, RELATIONS)
        _both_ways(claims, rules)


@FEW
@given(_corpora())
def test_any_claim_set(files):
    _made(files)


@FEW
@given(_tangled_corpora(twice=True))
def test_any_tangled_claim_set(files):
    _made(files)


def test_a_time_stated_and_the_same_time_taken_from_publication():
    """Two positions of one value that differ only by where their time came from are one corroboration with one
    key, on the table as group by group (a case hypothesis found)."""
    files = {
        "f0.yaml": {
            "source": {"id": "s0", "title": "s0", "publisher": "P", "kind": "news-report", "published": "2025-07-01"},
            "claims": [{"id": "c0", "subject": "freedonia", "metric": "partners", "value": 0, "quote": "it says 0",
                        "as_of": "2025"}],  # fmt: skip
        },
        "f1.yaml": {
            "source": {"id": "s1", "title": "s1", "publisher": "P", "kind": "news-report", "published": "2025"},
            "claims": [{"id": "c0", "subject": "freedonia", "metric": "partners", "value": 0, "quote": "it says 0"}],
        },
    }
    _made(files)
