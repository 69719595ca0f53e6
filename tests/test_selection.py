"""What a run reports, as linters let a CI user say it: --select / --ignore (and in the settings), per-path
settings, --statistics and --quiet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import claim, one_source, run_cli, write_corpus

FILES = {
    "a.yaml": one_source("src-a", "2026-01-12", claim("p", "partners", 14, as_of="2025-12-31")),
    "b.yaml": one_source("src-b", "2026-01-12", claim("p", "partners", 13, as_of="2025-12-31")),
    "c.yaml": one_source("src-c", "2026-01-12", claim("t", "treaties", 5, as_of="2025-12-31")),
    "d.yaml": one_source("src-d", "2026-01-13", claim("t", "treaties", 5, as_of="2025-12-31")),
    "drafts/e.yaml": one_source("src-e", "2026-01-12", claim("v", "visits", 3, period="2025", subject="sylvania")),
    "drafts/f.yaml": one_source("src-f", "2026-01-12", claim("v", "visits", 4, period="2025", subject="sylvania")),
}
SETTINGS = '[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "claims" / "drafts").mkdir(parents=True)
    write_corpus(tmp_path, FILES)
    (tmp_path / "pyproject.toml").write_text(SETTINGS, "utf-8")
    return tmp_path


def _report(project: Path, *args: str) -> tuple[int, list[dict]]:
    result = run_cli(project, "check", "--format", "json", *args)
    return result.exit_code, json.loads(result.output)["findings"]


def _checks(findings: list[dict]) -> set[str]:
    return {f["check"] for f in findings}


def test_select_and_ignore_on_the_command_line(project):
    code, everything = _report(project)
    assert code == 1 and {"value-conflict", "corroboration"} <= _checks(everything)
    code, selected = _report(project, "--select", "corroboration")
    assert code == 0 and _checks(selected) == {"corroboration"}
    assert selected == [f for f in everything if f["check"] == "corroboration"]
    code, ignored = _report(project, "--ignore", "value-conflict,corroboration")
    assert code == 0 and not _checks(ignored) & {"value-conflict", "corroboration"}
    assert ignored == [f for f in everything if f["check"] not in ("value-conflict", "corroboration")]
    code, both = _report(project, "--select", "value-conflict", "--select", "corroboration", "--ignore", "corroboration")
    assert code == 1 and _checks(both) == {"value-conflict"}


def test_select_and_ignore_in_the_settings_and_the_command_line_selects_instead(project):
    (project / "pyproject.toml").write_text(SETTINGS + 'ignore = ["value-conflict"]\n', "utf-8")
    code, findings = _report(project)
    assert code == 0 and "value-conflict" not in _checks(findings)
    (project / "pyproject.toml").write_text(SETTINGS + 'select = ["corroboration"]\n', "utf-8")
    assert _checks(_report(project)[1]) == {"corroboration"}
    assert _checks(_report(project, "--select", "value-conflict")[1]) == {"value-conflict"}


def test_input_problems_cannot_be_ignored_and_an_unknown_check_is_an_error(project):
    (project / "claims" / "broken.yaml").write_text("source: {id: x\n", "utf-8")
    code, findings = _report(project, "--select", "corroboration")
    assert code == 1 and "yaml-syntax" in _checks(findings)  # the broken file still fails the run
    refused = run_cli(project, "check", "--ignore", "yaml-syntax")
    assert refused.exit_code == 2 and "always reported" in refused.output
    typo = run_cli(project, "check", "--select", "value-confict")
    assert typo.exit_code == 2 and 'did you mean "value-conflict"?' in typo.output
    (project / "pyproject.toml").write_text(SETTINGS + 'ignore = ["corroborate"]\n', "utf-8")
    assert run_cli(project, "check").exit_code == 2


def test_per_path_settings_judge_a_folder_of_drafts_at_warning(project):
    code, before = _report(project)
    drafts = [f for f in before if f["subject"] == "sylvania" and f["verdict"] == "contradiction"]
    assert code == 1 and drafts and drafts[0]["severity"] == "error"
    (project / "pyproject.toml").write_text(
        SETTINGS + '[[tool.claimcheck.per-path]]\npaths = ["claims/drafts"]\nseverity = "warning"\n', "utf-8"
    )
    code, after = _report(project)
    (draft,) = [f for f in after if f["fingerprint"] == drafts[0]["fingerprint"]]
    assert draft["severity"] == "warning"
    freedonia = [f for f in after if f["subject"] == "freedonia" and f["verdict"] == "contradiction"]
    assert code == 1 and freedonia and freedonia[0]["severity"] == "error"  # files outside the folder: unchanged
    assert run_cli(project, "check", "--ignore", "value-conflict").exit_code == 0
    assert run_cli(project, "check", "--fail-on", "warning", "claims/drafts").exit_code == 1


@pytest.mark.parametrize("pattern", ["./claims/drafts", "claims/drafts/", "././claims/drafts"])
def test_a_per_path_pattern_written_from_here_matches_as_one_without(project, pattern):
    """"./claims/drafts" is the folder claims/drafts of the settings' folder: not a pattern that matches nothing."""
    _, before = _report(project)
    drafts = [f for f in before if f["subject"] == "sylvania" and f["verdict"] == "contradiction"]
    (project / "pyproject.toml").write_text(
        SETTINGS + f'[[tool.claimcheck.per-path]]\npaths = ["{pattern}"]\nseverity = "warning"\n', "utf-8"
    )
    _, after = _report(project)
    assert [f["severity"] for f in after if f["fingerprint"] == drafts[0]["fingerprint"]] == ["warning"]


def test_per_path_ignore_and_select_apply_to_findings_whose_files_all_match(project):
    (project / "pyproject.toml").write_text(
        SETTINGS + '[[tool.claimcheck.per-path]]\npaths = ["claims/drafts/*.yaml"]\nignore = ["value-conflict"]\n'
        '[[tool.claimcheck.per-path]]\npaths = ["claims/c.yaml", "claims/d.yaml"]\nselect = ["value-conflict"]\n',
        "utf-8",
    )
    code, findings = _report(project)
    subjects = {(f["subject"], f["check"]) for f in findings}
    assert ("sylvania", "value-conflict") not in subjects and ("freedonia", "value-conflict") in subjects
    corroborated = [f for f in findings if f["check"] == "corroboration"]
    assert not [f for f in corroborated if {c["source"] for c in f["claims"]} <= {"src-c", "src-d"}]


def test_the_same_settings_give_the_same_report_from_the_cache(project, tmp_path_factory):
    (project / "pyproject.toml").write_text(
        SETTINGS + '[[tool.claimcheck.per-path]]\npaths = ["claims/drafts"]\nseverity = "info"\n', "utf-8"
    )
    cache = str(tmp_path_factory.mktemp("cache"))
    fresh = run_cli(project, "check", "--format", "json", "--no-cache").output
    assert run_cli(project, "check", "--format", "json", "--cache", cache).output == fresh
    assert run_cli(project, "check", "--format", "json", "--cache", cache).output == fresh  # findings kept as text


def test_an_acknowledgement_of_a_finding_left_out_is_not_stale(project):
    """--select, --ignore and per-path settings leave findings out of the report, not out of the corpus: the
    acknowledgement of one is not stale (which would tell the user to delete it, and fail the run under --strict)."""
    _, findings = _report(project)
    errors = [f["fingerprint"] for f in findings if f["check"] == "value-conflict" and f["severity"] == "error"]
    assert len(errors) == 2  # Freedonia's partners (a, b) and Sylvania's visits (drafts/e, drafts/f)
    acked = run_cli(project, "ack", *errors, "--by", "A. Editor", "--reason", "reviewed")
    assert acked.exit_code == 0, acked.output
    assert run_cli(project, "check", "--strict").exit_code == 0
    (project / "pyproject.toml").write_text(
        SETTINGS + '[[tool.claimcheck.per-path]]\npaths = ["claims/drafts"]\nignore = ["value-conflict"]\n', "utf-8"
    )
    for args in (["--ignore", "value-conflict"], ["--select", "corroboration"], []):
        code, shown = _report(project, "--strict", *args)
        assert code == 0 and [f for f in shown if f["check"] == "acknowledgement"] == [], (args, shown)
    shown = run_cli(project, "check", "--strict", "--ignore", "value-conflict").output
    assert "stale" not in shown


@pytest.mark.parametrize(
    "table, said",
    [
        ('[[tool.claimcheck.per-path]]\nseverity = "warning"\n', '"paths" is missing'),
        ('[[tool.claimcheck.per-path]]\npaths = ["claims"]\nseverty = "warning"\n', 'did you mean "severity"'),
        ('[[tool.claimcheck.per-path]]\npaths = ["claims"]\nseverity = "low"\n', '"severity" must be'),
        ('[tool.claimcheck.per-path]\npaths = ["claims"]\n', "[[tool.claimcheck.per-path]]"),
        ('[[tool.claimcheck.per-path]]\npaths = ["/abs/claims"]\nseverity = "info"\n', "is not a pattern relative"),
        ('[[tool.claimcheck.per-path]]\npaths = ["../other"]\nseverity = "info"\n', "is not a pattern relative"),
        ('[[tool.claimcheck.per-path]]\npaths = ["claims"]\n', "says nothing about its paths"),
    ],
)
def test_per_path_settings_that_cannot_be_read_are_an_error(project, table, said):
    (project / "pyproject.toml").write_text(SETTINGS + table, "utf-8")
    result = run_cli(project, "check")
    assert result.exit_code == 2 and said in result.output, result.output


def test_statistics_counts_findings_per_check_and_verdict(project):
    _, findings = _report(project)
    result = run_cli(project, "check", "--statistics")
    table = result.output
    for check, verdict in {(f["check"], f["verdict"]) for f in findings}:
        count = sum(f["check"] == check and f["verdict"] == verdict for f in findings)
        row = next(line for line in table.splitlines() if line.split()[:2] == [check, verdict])
        assert int(row.split()[3]) == count
    assert f"{len(findings)} findings" in table
    beside = run_cli(project, "check", "--format", "json", "--statistics")
    assert json.loads(beside.stdout)["findings"] == findings  # the JSON stays whole: the table goes to stderr
    assert "check" in beside.stderr and "verdict" in beside.stderr


def test_quiet_lists_the_findings_only(project):
    full = run_cli(project, "check").output
    quiet = run_cli(project, "check", "--quiet")
    assert quiet.exit_code == 1
    assert full.startswith("claimcheck:") and not quiet.output.startswith("claimcheck:")
    assert "== Sources" in full and "== Sources" not in quiet.output
    assert "CONTRADICTION" in quiet.output and "error" not in quiet.output.splitlines()[-1]
    assert set(quiet.output.splitlines()) <= set(full.splitlines())  # nothing but lines of the full report
    assert run_cli(project, "check", "-q", "--select", "corroboration").exit_code == 0
