"""Shared helpers: build small corpora in a temporary folder and run the engine on them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from checker.corpus.result import Result
from checker.engine import run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def private_user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every run of the tests, and every claimcheck process they start, caches in a temporary folder: the tests
    never write into the user's own cache folder (XDG_CACHE_HOME is what the default cache folder follows)."""
    folder = tmp_path_factory.mktemp("user-cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(autouse=True, scope="session")
def reports_valid_against_the_published_schemas() -> Iterator[None]:
    """Every SARIF and JUnit report made in the tests' process is validated against the published schemas
    (../shared/schemas/) as it is made, whatever the test looks at: a report no test inspects is checked too."""
    import json

    from checker.reporting import REPORTERS

    from ci_schemas import junit_problems, sarif_problems

    made = dict(REPORTERS)

    def validated(name: str, problems_of: Any) -> Any:
        def render(result: Any) -> str:
            text = made[name](result)
            problems = problems_of(text)
            assert not problems, f"invalid {name} report:\n" + "\n".join(problems[:20])
            return text

        return render

    REPORTERS["sarif"] = validated("sarif", lambda text: sarif_problems(json.loads(text)))
    REPORTERS["junit"] = validated("junit", lambda text: junit_problems(text.encode("utf-8", "surrogatepass")))
    yield
    REPORTERS.update(made)


MINI = Path(__file__).resolve().parent / "data" / "mini"

#: a small vocabulary most engine tests share
VOCABULARY: dict[str, Any] = {
    "metrics": {
        "partners": {"label": "partners", "kind": "count", "time": "stock", "trend": "non-decreasing"},
        "level": {"label": "water level", "kind": "number", "time": "stock"},
        "visits": {"label": "visits", "kind": "count", "time": "flow"},
        "minister": {"label": "foreign minister", "kind": "entity", "time": "stock"},
        "founded": {"label": "founding date", "kind": "date", "time": "fixed"},
        "trade": {"label": "trade", "kind": "amount", "time": "flow", "unit": "USD"},
        "share": {"label": "share", "kind": "percent", "time": "stock"},
        "treaties": {
            "label": "treaties",
            "kind": "count",
            "time": "stock",
            "trend": "non-decreasing",
            "scope": {"stage": {"values": ["in-force", "any-stage"], "default": "in-force"}},
        },
        "members": {"label": "members", "kind": "entity-set", "time": "stock"},
    },
    "entities": {
        "freedonia": {"name": "Freedonia", "kind": "country"},
        "sylvania": {"name": "Sylvania", "kind": "country"},
        "rufus": {"name": "Rufus Fíreflý", "kind": "person"},
        "chicolini": {"name": "Chicolini", "kind": "person"},
        "ministry": {"name": "Ministry", "kind": "organisation"},
        "press-office": {"name": "Press office", "kind": "organisation"},
    },
}


def source_block(source_id: str, published: str | None = "2026-01-10", **extra: Any) -> dict[str, Any]:
    """A valid source block."""
    block: dict[str, Any] = {"id": source_id, "title": source_id, "publisher": "P", "kind": "news-report"}
    if published is not None:
        block["published"] = published
    else:
        block["undated"] = {"argument": "no date line"}
    block.update(extra)
    return block


_WORDS = {"nearly": "nearly", "about": "about", "more-than": "more than", "at-least": "at least",
          "less-than": "less than", "at-most": "at most"}  # fmt: skip


def stating(value: Any, precision: str | None = None) -> str:
    """A quote that states ``value`` with its precision word, as quote-value expects."""
    if isinstance(value, dict):
        text = f"{value['min']} to {value['max']}"
    elif isinstance(value, list):
        text = ", ".join(value)
    else:
        text = str(value)
    word = _WORDS.get(precision or "", "")
    return f"it says {word + ' ' if word else ''}{text}"


def claim(claim_id: str, metric: str, value: Any, subject: str = "freedonia", **extra: Any) -> dict[str, Any]:
    """A valid claim; unless given, the quote states the value."""
    quote = stating(value, extra.get("precision"))
    body: dict[str, Any] = {"id": claim_id, "subject": subject, "metric": metric, "value": value, "quote": quote}
    body.update(extra)
    return body


def write_corpus(folder: Path, files: dict[str, dict[str, Any]], vocabulary: dict[str, Any] | None = None) -> tuple[Path, Path]:
    """Write claim files and a rules file under ``folder``; return (claims dir, rules dir)."""
    claims_dir, rules_dir = folder / "claims", folder / "rules"
    claims_dir.mkdir(parents=True, exist_ok=True)
    rules_dir.mkdir(parents=True, exist_ok=True)
    (rules_dir / "vocabulary.yaml").write_text(yaml.safe_dump(vocabulary or VOCABULARY, allow_unicode=True), "utf-8")
    for name, body in files.items():
        (claims_dir / name).write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), "utf-8")
    return claims_dir, rules_dir


def run_corpus(folder: Path, files: dict[str, dict[str, Any]], vocabulary: dict[str, Any] | None = None) -> Result:
    """Write a corpus and check it."""
    claims_dir, rules_dir = write_corpus(folder, files, vocabulary)
    return run([claims_dir], rules_dir)


@pytest.fixture
def corpus(tmp_path: Path):
    """A function that checks a corpus given as {file name: {source, claims}}."""

    def build(files: dict[str, dict[str, Any]], vocabulary: dict[str, Any] | None = None) -> Result:
        return run_corpus(tmp_path, files, vocabulary)

    return build


#: a vocabulary with declared relations, for the relation checks
RELATIONS: dict[str, Any] = {
    "metrics": {
        **VOCABULARY["metrics"],
        "tier_a": {"label": "tier A partners", "kind": "count", "time": "stock", "trend": "non-decreasing"},
        "tier_b": {"label": "tier B partners", "kind": "count", "time": "stock"},
        "frameworks": {"label": "frameworks", "kind": "count", "time": "stock", "trend": "non-decreasing"},
        "upgraded": {"label": "partners upgraded", "kind": "count", "time": "flow"},
        "raised_to_a": {"label": "raised to tier A", "kind": "entity-set", "time": "flow"},
        "raised_to_b": {"label": "raised to tier B", "kind": "entity-set", "time": "flow"},
        "titles": {"label": "titles", "kind": "count", "time": "stock", "trend": "non-decreasing"},
        "titles_added": {"label": "titles added", "kind": "count", "time": "flow"},
        "agreements": {"label": "agreements", "kind": "count", "time": "flow"},
        "agreements_ratio": {"label": "agreements ratio", "kind": "number", "time": "flow"},
        "signatories": {
            "label": "signatories",
            "kind": "count",
            "time": "fixed",
            "scope": {"region": {"values": ["all", "east", "west"], "default": "all"}},
        },
    },
    "entities": {
        **VOCABULARY["entities"],
        **{name: {"name": name.title(), "kind": "country"} for name in ("ruritania", "grand-fenwick", "latveria", "genovia")},
    },
    "relations": [
        {"kind": "sum", "id": "tiers", "total": "frameworks", "parts": ["tier_a", "tier_b"]},
        {"kind": "bound", "id": "a-within", "lower": "tier_a", "upper": "frameworks"},
        {"kind": "list-total", "id": "listed", "lists": ["raised_to_a", "raised_to_b"], "total": "upgraded"},
        {"kind": "change", "id": "titles-change", "stock": "titles", "change": "titles_added"},
        {"kind": "change", "id": "a-change", "stock": "tier_a", "change": "raised_to_a"},
        {"kind": "change", "id": "frameworks-change", "stock": "frameworks", "change": "upgraded", "exact": False},
        {"kind": "ratio", "id": "agreements-growth", "flow": "agreements", "ratio": "agreements_ratio"},
        {
            "kind": "sum",
            "id": "by-region",
            "total": {"metric": "signatories", "scope": {"region": "all"}},
            "parts": [
                {"metric": "signatories", "scope": {"region": "east"}},
                {"metric": "signatories", "scope": {"region": "west"}},
            ],
            "exact": False,
        },
    ],
}


def one_source(source_id: str, published: str | None, *claims: dict[str, Any]) -> dict[str, Any]:
    """A claim file body."""
    return {"source": source_block(source_id, published), "claims": list(claims)}


def findings_of(result: Result, check: str) -> list:
    """The findings one check produced."""
    return [f for f in result.findings if f.check == check]


def run_cli(folder: Path | None, *args: str, env: dict | None = None, input: str | None = None):
    """Run the command line in ``folder`` (default: here), as a user there would."""
    import os

    from click.testing import CliRunner

    from checker.cli import main

    previous = os.getcwd()
    if folder is not None:
        os.chdir(folder)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env, input=input)
    finally:
        os.chdir(previous)


def judged_both_ways(found: list, metric: Any) -> int:
    """Assert that value-conflict's arrays give the verdicts its pairs give on one group's positions, with stale
    figures deferred and not; return how many verdicts were compared."""
    from checker.checks import value_conflict as vc

    compared = 0
    for options in (vc.Options(), vc.Options(defer_stale=False)):
        by_pairs = vc.verdicts_by_pairs(found, metric, options)
        by_arrays = vc.verdicts_by_arrays(found, metric, options)
        assert {k: (v[0], set(v[1])) for k, v in by_arrays.items()} == {k: (v[0], set(v[1])) for k, v in by_pairs.items()}
        compared += len(by_pairs)
    return compared


def check_documents(folder: Path, rules: Path, documents: list[tuple[str, str | None, dict[str, Any]]]) -> Result:
    """Check one claim file per (source id, publication date, claim) under ``folder``/claims with ``rules``; assert
    that every claim could be read."""
    (folder / "claims").mkdir(parents=True)
    for name, published, body in documents:
        document = {"source": source_block(name, published), "claims": [body]}
        (folder / "claims" / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    result = run([folder / "claims"], rules)
    assert [f for f in result.findings if not f.subject] == []
    return result


def only_error(folder: Path, rules: Path, body: dict[str, Any]) -> tuple[Any, str]:
    """Check one claim file holding ``body`` with ``rules``; assert that it gives exactly one error, and return that
    finding with the line of the file it points at."""
    (folder / "claims").mkdir(parents=True)
    path = folder / "claims" / "s.yaml"
    path.write_text(yaml.safe_dump({"source": source_block("s", "2025-08-01"), "claims": [body]}, sort_keys=False))
    errors = [f for f in run([folder / "claims"], rules).findings if f.severity == "error"]
    assert len(errors) == 1, errors
    return errors[0], path.read_text("utf-8").splitlines()[errors[0].location.line - 1].strip()
