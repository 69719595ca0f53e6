"""The CI gate end to end through the CLI: what a run is judged on, acknowledgements, configuration."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import claim, one_source, run_cli, stating, write_corpus

CONFLICT = {
    "a.yaml": one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30")),
    "b.yaml": one_source("src-b", "2026-01-12", claim("p", "partners", 13, as_of="2025-12-31")),
    "c.yaml": one_source("src-c", "2026-01-12", claim("v", "visits", 3, period="2025")),
}
CONFIG = '[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\nacknowledgements = "acknowledgements.yaml"\n'


def _run(folder: Path, *args: str, today: str = "2026-11-24"):
    return run_cli(folder, *args, env={"CLAIMCHECK_TODAY": today})


@pytest.fixture
def project(tmp_path):
    write_corpus(tmp_path, CONFLICT)
    (tmp_path / "pyproject.toml").write_text(CONFIG, "utf-8")
    return tmp_path


def _fingerprint(project: Path) -> str:
    import json

    document = json.loads(_run(project, "check", "--format", "json").output)
    (conflict,) = [f for f in document["findings"] if f["check"] == "value-conflict"]
    return conflict["fingerprint"]


def _set(project: Path, name: str, value: int) -> None:
    """Change the value of the first claim of claims/NAME.yaml, and its quote with it."""
    path = project / "claims" / f"{name}.yaml"
    body = yaml.safe_load(path.read_text("utf-8"))
    body["claims"][0]["value"] = value
    body["claims"][0]["quote"] = stating(value)
    path.write_text(yaml.safe_dump(body), "utf-8")


# ------------------------------------------------------------------ focus


def test_a_file_outside_the_conflict_is_judged_clean_but_sees_the_corpus(project):
    result = _run(project, "check", "claims/c.yaml")
    assert result.exit_code == 0
    assert "[context]" in result.output  # the conflict is shown, not counted


def test_a_file_in_the_conflict_fails_even_when_the_other_side_is_old(project):
    result = _run(project, "check", "claims/b.yaml")
    assert result.exit_code == 1 and "CONTRADICTION:" in result.output


def test_a_changed_rules_file_judges_everything(project):
    assert _run(project, "check", "rules/vocabulary.yaml").exit_code == 1


def _git(folder: Path, *args: str) -> str:
    env = dict(
        os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t"
    )
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True, env=env).stdout


def test_since_judges_only_what_changed(project):
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "base")
    base = _git(project, "rev-parse", "HEAD").strip()
    assert _run(project, "check", "--since", base).exit_code == 0  # nothing changed: the old conflict is context
    _set(project, "c", 4)
    assert _run(project, "check", "--since", base).exit_code == 0  # c.yaml changed but conflicts with nothing
    _set(project, "b", 12)
    assert _run(project, "check", "--since", base).exit_code == 1  # b.yaml now in the conflict


def test_since_with_a_bad_revision_exits_2(project):
    _git(project, "init", "-q")
    result = _run(project, "check", "--since", "no-such-rev")
    assert result.exit_code == 2 and "git" in result.output


# ------------------------------------------------------------------ acknowledgements


def test_acknowledgement_lifecycle(project):
    fingerprint = _fingerprint(project)
    assert _run(project, "check").exit_code == 1
    # add: the reason is required
    missing = _run(project, "ack", fingerprint, "--by", "Ana")
    assert missing.exit_code == 2 and "--reason" in missing.output
    added = _run(
        project, "ack", fingerprint, "--by", "Ana", "--reason", "two counts, reviewed", "--expires", "2027-01-31"
    )
    assert added.exit_code == 0, added.output
    entries = yaml.safe_load((project / "acknowledgements.yaml").read_text("utf-8"))["acknowledgements"]
    assert [(e["fingerprint"], e["reviewed_by"], e["expires"]) for e in entries] == [(fingerprint, "Ana", "2027-01-31")]
    # match: reported as acknowledged, the run passes
    matched = _run(project, "check")
    assert matched.exit_code == 0 and "[acknowledged]" in matched.output and "two counts, reviewed" in matched.output
    # expire: fails loudly
    expired = _run(project, "check", today="2027-02-01")
    assert expired.exit_code == 1 and "expired on 2027-01-31" in " ".join(expired.output.split())  # lines wrap
    # go stale: the discrepancy is gone, the entry is reported, and fails only under --strict
    _set(project, "b", 15)
    stale = _run(project, "check")
    assert stale.exit_code == 0 and "stale acknowledgement" in stale.output
    assert _run(project, "check", "--strict").exit_code == 1


def test_ack_touches_nothing_else_in_the_file(project):
    fingerprint = _fingerprint(project)
    existing = (
        "# our reviewed discrepancies\n"
        "acknowledgements:\n"
        "  # kept from last year\n"
        "  - fingerprint: 0123456789abcdef   # an old one\n"
        "    reviewed_by: Bo\n"
        "    reviewed_on: '2026-01-01'\n"
        "    reason: old\n"
        "    expires: '2027-01-01'\n"
    )
    (project / "acknowledgements.yaml").write_text(existing, "utf-8")
    assert _run(project, "ack", fingerprint, "--by", "Ana", "--reason", "ok").exit_code == 0
    text = (project / "acknowledgements.yaml").read_text("utf-8")
    assert text.startswith(existing)
    assert yaml.safe_load(text)["acknowledgements"][1]["expires"] == "2027-05-23"  # 180 days by default


def test_ack_refuses_unknown_fingerprints(project):
    result = _run(project, "ack", "ffffffffffffffff", "--by", "Ana", "--reason", "x")
    assert result.exit_code == 2 and "no current finding" in result.output
    assert not (project / "acknowledgements.yaml").exists()


def test_ack_all_failing(project):
    assert _run(project, "ack", "--all-failing", "--by", "Ana", "--reason", "reviewed").exit_code == 0
    assert _run(project, "check").exit_code == 0


def test_a_run_without_reports_judges_the_same_and_writes_nothing(project, monkeypatch):
    """`ack` and `resolve` read the findings and print no report: they ask for none to be made."""
    from checker.pipeline import CheckRequest, execute

    monkeypatch.chdir(project)
    made = execute(CheckRequest(formats=("json", "sarif=out.sarif"), no_cache=True))
    quiet = execute(CheckRequest(formats=("json", "sarif=out.sarif"), no_cache=True, reports=False))
    assert made.stdout and made.files and not quiet.stdout and not quiet.files
    assert quiet.code == made.code == 1 and quiet.result is not None and made.result is not None
    assert quiet.result.findings == made.result.findings


# ------------------------------------------------------------------ configuration


def test_config_file_sets_defaults_and_the_command_line_wins(project):
    (project / "pyproject.toml").write_text(CONFIG + 'fail-on = "info"\n', "utf-8")
    _set(project, "b", 15)  # no contradiction left, only info findings
    assert _run(project, "check").exit_code == 1  # fail-on info from the file
    assert _run(project, "check", "--fail-on", "error").exit_code == 0  # the command line wins


def test_claimcheck_toml_is_found_walking_up(project):
    (project / "pyproject.toml").unlink()
    (project / "claimcheck.toml").write_text('claims = ["claims"]\nfail-on = "warning"\n', "utf-8")
    (project / "claims" / "deeper").mkdir()
    result = _run(project / "claims" / "deeper", "check", "--rules", str(project / "rules"))
    assert result.exit_code == 1 and "CONTRADICTION" in result.output


def test_unknown_key_is_an_error_with_did_you_mean(project):
    (project / "pyproject.toml").write_text('[tool.claimcheck]\nfail_on = "warning"\n', "utf-8")
    result = _run(project, "check")
    assert (
        result.exit_code == 2 and 'unknown key "fail_on"' in result.output and 'did you mean "fail-on"' in result.output
    )


def test_bad_value_in_config_is_an_error(project):
    (project / "pyproject.toml").write_text('[tool.claimcheck]\nfail-on = "sometimes"\n', "utf-8")
    result = _run(project, "check")
    assert result.exit_code == 2 and "fail-on" in result.output


def test_paths_that_are_the_whole_corpus_loaded_need_no_focus(project, monkeypatch):
    """Given paths that are all a run loads, every finding is judged: no focus to mark (and no cost for it)."""
    from checker.config import Config
    from checker.pipeline import CheckRequest, _corpus

    monkeypatch.chdir(project)
    claims = (project / "claims").resolve()
    assert _corpus(CheckRequest(paths=(Path("claims"),)), Config()) == ([claims], None, False)
    one = claims / "a.yaml"
    load, focus, whole = _corpus(CheckRequest(paths=(Path("claims/a.yaml"),)), Config(claims=[Path("claims")]))
    assert load == [Path("claims").resolve()] and focus == {one} and whole
