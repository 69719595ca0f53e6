"""The text report: counts in words that agree, in the report and the summary lines the commands print."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checker.plural import counted, plural
from conftest import ROOT, claim, one_source, run_cli, write_corpus

EXAMPLE = ROOT / "examples" / "company"


@pytest.mark.parametrize(
    "noun, many",
    [
        ("claim", "claims"),
        ("source", "sources"),
        ("contradiction", "contradictions"),
        ("analysis", "analyses"),  # a kind of source
        ("entry", "entries"),
        ("day", "days"),
        ("status", "statuses"),
        ("match", "matches"),
        ("box", "boxes"),
        ("info", "info"),  # the severity reads the same for one and for many
    ],
)
@pytest.mark.parametrize("count", [0, 1, 2, 11])
def test_a_count_agrees_with_its_noun(noun, many, count):
    assert plural(noun) == many
    assert counted(count, noun) == f"{count} {noun if count == 1 else many}"


@pytest.mark.parametrize(
    "count, words", [(0, "0 quotes not found"), (1, "1 quote not found"), (2, "2 quotes not found")]
)
def test_a_phrase_agrees_through_its_plural_given(count, words):
    assert counted(count, "quote not found", "quotes not found") == words


#: nouns the report and the commands count; a number before one of them must agree with it
_NOUNS = ("claim", "source", "file", "contradiction", "error", "warning", "finding", "acknowledgement",
          "input problem", "quote", "list", "value", "row", "item")  # fmt: skip
_ONE = "|".join(plural(noun) for noun in _NOUNS)
_MANY = "|".join(_NOUNS)
_DISAGREE = re.compile(rf"(?<![\d.,/-])(?:1 (?:{_ONE})|(?:0|[2-9]|\d\d+) (?:{_MANY}))\b")


def _disagreements(text: str) -> list[str]:
    return [match.group(0) for match in _DISAGREE.finditer(text)]


def test_the_disagreement_finder_finds_what_it_should():
    assert _disagreements("1 contradictions · 2 claim from 1 sources; 5 files, 1 file, 12 errors, 2025 error") == [
        "1 contradictions", "2 claim", "1 sources", "2025 error"]  # fmt: skip


@pytest.mark.parametrize("args", [(), ("--rules", "examples/company/rules", "examples/company/claims")])
def test_counts_agree_in_the_report_of_a_real_corpus(args):
    result = run_cli(ROOT, "check", "--no-cache", *args)
    headline = result.output.splitlines()[0]
    assert re.fullmatch(r"claimcheck: \d+ claims from \d+ sources in \d+ files", headline), headline
    assert _disagreements(result.output) == []


def _one_of_each(folder: Path) -> None:
    """Two sources that contradict each other, one claim each: every count but two is one."""
    write_corpus(folder, {
        "a.yaml": one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30")),
        "b.yaml": one_source("src-b", "2025-07-02", claim("p", "partners", 13, as_of="2025-06-30")),
    })  # fmt: skip


def test_counts_of_one_are_singular_and_of_none_plural(tmp_path):
    _one_of_each(tmp_path)
    lines = run_cli(tmp_path, "check", "--no-cache").output.splitlines()
    assert lines[:2] == ["claimcheck: 2 claims from 2 sources in 2 files", "1 contradiction"]
    assert lines[-1] == "1 error, 0 warnings, 0 info"
    (tmp_path / "claims" / "b.yaml").unlink()
    lines = run_cli(tmp_path, "check", "--no-cache").output.splitlines()
    assert lines[:2] == ["claimcheck: 1 claim from 1 source in 1 file", "no findings"]
    assert lines[-1] == "0 errors, 0 warnings, 0 info"


def test_summary_lines_of_ack_and_fmt_agree(tmp_path):
    _one_of_each(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\n', "utf-8")
    env = {"CLAIMCHECK_TODAY": "2026-11-24"}
    document = json.loads(run_cli(tmp_path, "check", "--no-cache", "--format", "json", env=env).output)
    (fingerprint,) = [f["fingerprint"] for f in document["findings"] if f["verdict"] == "contradiction"]
    added = run_cli(tmp_path, "ack", fingerprint, "--by", "Ana", "--reason", "reviewed", env=env)
    assert added.exit_code == 0 and "1 acknowledgement added to acknowledgements.yaml" in added.output
    (tmp_path / "claims" / "a.yaml").write_text("source:   {id: src-a, title: t, publisher: P, kind: news-report, "
                                                "published: 2025-07-01}\nclaims: []\n", "utf-8")  # fmt: skip
    formatted = run_cli(tmp_path, "fmt", "claims/a.yaml")
    assert formatted.exit_code == 0 and "1 of 1 file reformatted" in formatted.output
    assert "1 of 2 files not in canonical form" in run_cli(tmp_path, "fmt", "--check", "claims").output
