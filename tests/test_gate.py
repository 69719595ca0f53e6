"""The CI gate end to end through the CLI: what a run is judged on, acknowledgements, configuration."""

from __future__ import annotations

import json
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_since_judges_a_changed_file_whose_name_git_would_quote(tmp_path):
    """git writes a name with a character beyond ASCII quoted and escaped ("b\\303\\251.yaml") unless asked not
    to: the changed file must still be the one judged, or the gate passes on the conflict it brings."""
    write_corpus(tmp_path, {"a.yaml": CONFLICT["a.yaml"], "bé ü.yaml": CONFLICT["b.yaml"], "c.yaml": CONFLICT["c.yaml"]})
    (tmp_path / "pyproject.toml").write_text(CONFIG, "utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    base = _git(tmp_path, "rev-parse", "HEAD").strip()
    assert _run(tmp_path, "check", "--since", base).exit_code == 0
    _set(tmp_path, "bé ü", 12)
    assert _run(tmp_path, "check", "--since", base).exit_code == 1
    (tmp_path / "claims" / "nouvé.yaml").write_text((tmp_path / "claims" / "bé ü.yaml").read_text("utf-8").replace(
        "src-b", "src-d"), "utf-8")  # fmt: skip
    _git(tmp_path, "stash", "-q")  # the edit undone: only the new file, which git does not track yet, conflicts
    assert _run(tmp_path, "check", "--since", base).exit_code == 1


@pytest.mark.slow
def test_since_judges_a_new_file_when_the_settings_stand_below_the_top_of_the_repository(tmp_path):
    """git names untracked files from the folder it runs in, changed ones from the top: both must come out as the
    same files, or a new file that brings a conflict is never judged."""
    project = tmp_path / "sub"
    write_corpus(project, CONFLICT)
    (project / "pyproject.toml").write_text(CONFIG, "utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "diff.relative", "true")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    base = _git(tmp_path, "rev-parse", "HEAD").strip()
    assert _run(project, "check", "--since", base).exit_code == 0
    (project / "claims" / "new.yaml").write_text(yaml.safe_dump(
        one_source("src-new", "2026-01-13", claim("p", "partners", 11, as_of="2025-12-31"))), "utf-8")  # fmt: skip
    assert _run(project, "check", "--since", base).exit_code == 1
    _set(project, "b", 12)
    (project / "claims" / "new.yaml").unlink()
    assert _run(project, "check", "--since", base).exit_code == 1  # a changed file, with diff.relative set


@pytest.mark.slow
@pytest.mark.parametrize("what", ["acknowledgements", "rules", "settings"])
def test_since_judges_everything_when_what_concerns_every_claim_changed(project, what):
    """A pull request that takes back an acknowledgement, or changes the rules or the settings, changes the verdict
    on files it does not touch: the gate judges them all, as a run without --since does."""
    assert _run(project, "ack", _fingerprint(project), "--by", "Ana", "--reason", "ok").exit_code == 0
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "base")
    assert _run(project, "check", "--since", "HEAD").exit_code == 0
    if what == "acknowledgements":
        (project / "acknowledgements.yaml").write_text("acknowledgements: []\n", "utf-8")
    elif what == "rules":
        (project / "rules" / "vocabulary.yaml").write_text(
            (project / "rules" / "vocabulary.yaml").read_text("utf-8") + "# reviewed\n", "utf-8")  # fmt: skip
        (project / "acknowledgements.yaml").unlink()  # (not committed as gone: the rules file is what changed)
        _git(project, "update-index", "--assume-unchanged", "acknowledgements.yaml")
    else:
        (project / "pyproject.toml").write_text(CONFIG.replace("acknowledgements.yaml", "none.yaml"), "utf-8")
    assert _run(project, "check").exit_code == 1
    assert _run(project, "check", "--since", "HEAD").exit_code == 1


@pytest.mark.slow
def test_since_judges_a_new_file_that_takes_the_id_of_a_source_it_contradicts(project):
    """The new file's name sorts first, so it keeps the id and the old file's claims are left out: the error must
    stand in the new file too, or the gate passes with the contradiction hidden."""
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "base")
    (project / "claims" / "a.yaml").unlink()
    _git(project, "commit", "-qam", "only b")
    taken = one_source("src-b", "2026-01-13", claim("p", "partners", 11, as_of="2025-12-31"))
    (project / "claims" / "a-new.yaml").write_text(yaml.safe_dump(taken), "utf-8")
    result = _run(project, "check", "--since", "HEAD", "--format", "json")
    assert result.exit_code == 1
    judged = [f for f in json.loads(result.output)["findings"] if f["judged"]]
    assert [(f["check"], f["location"]["path"]) for f in judged] == [("duplicate-id", "claims/a-new.yaml")]
    assert "claims/b.yaml" in judged[0]["message"] and "left out" in judged[0]["message"]


def test_without_settings_a_claim_file_is_judged_against_the_claims_folder(project):
    (project / "pyproject.toml").unlink()
    assert _run(project, "check", "claims/c.yaml").exit_code == 0
    assert _run(project, "check", "claims/b.yaml").exit_code == 1  # a.yaml, not named, is still read
    assert _run(project, "ack", _fingerprint(project), "--by", "Ana", "--reason", "ok").exit_code == 0
    for paths in (["claims"], ["claims/b.yaml"], ["claims/b.yaml", "rules/vocabulary.yaml"]):
        result = _run(project, "check", *paths)
        assert result.exit_code == 0 and "unknown key" not in result.output, (paths, result.output)


def test_since_says_why_when_there_is_no_repository_or_no_git(project, monkeypatch):
    result = _run(project, "check", "--since", "HEAD")  # no repository here
    assert result.exit_code == 2 and "not a git repository" in result.output.lower(), result.output
    monkeypatch.setenv("PATH", str(project / "nowhere"))
    result = _run(project, "check", "--since", "HEAD")
    assert result.exit_code == 2 and "git, which is not installed" in result.output, result.output


def test_since_with_a_bad_revision_exits_2(project):
    _git(project, "init", "-q")
    result = _run(project, "check", "--since", "no-such-rev")
    assert result.exit_code == 2 and "git" in result.output


@pytest.mark.parametrize("command", ["check", "report"])
@pytest.mark.parametrize("revision", ["--cached", "--output={precious}", "-p", "", "HEAD --"])
def test_a_revision_git_would_read_as_an_option_is_refused_before_git_runs(project, command, revision):
    """`--since=--cached` would compare the index, not a commit, and pass the gate on a conflict in the working
    tree; `--since=--output=FILE` would have git overwrite FILE. Neither reaches git: exit 2, nothing written."""
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "base")
    _set(project, "b", 12)  # a conflict in the working tree, against the commit
    precious = project.parent / "precious.txt"
    precious.write_text("kept", "utf-8")
    result = _run(project, command, "--since", revision.format(precious=precious))
    assert result.exit_code == 2, result.output
    assert "is not a git revision" in result.output or "git knows no commit" in result.output
    assert precious.read_text("utf-8") == "kept"


# ------------------------------------------------------------------ acknowledgements


@pytest.mark.parametrize(
    "broken, said",
    [
        ("acknowledgements: {}\n", "`acknowledgements:` is not a list"),
        ("acknowledgements: [\n", "malformed YAML"),
        ("- fingerprint: 0123456789abcdef\n", "it holds no mapping"),
    ],
)
@pytest.mark.parametrize("renew", [False, True])
def test_ack_into_an_acknowledgements_file_that_cannot_be_read_says_where_and_writes_nothing(project, broken, said,
                                                                                             renew):  # fmt: skip
    fingerprint = _fingerprint(project)
    named = project / "other.yaml"
    named.write_text(broken, "utf-8")
    how = ["--renew", fingerprint] if renew else [fingerprint, "--by", "Ana"]
    result = _run(project, "ack", *how, "--reason", "ok", "--acknowledgements", "other.yaml")
    assert result.exit_code == 2 and "internal error" not in result.output, result.output
    assert said in result.output and "other.yaml:" in result.output and "nothing written" in result.output
    assert named.read_text("utf-8") == broken


def test_ack_keeps_every_line_of_a_file_laid_out_another_way(project):
    laid_out = (
        "# reviewed by the desk\nacknowledgements:\n- fingerprint: 0123456789abcdef   # an old one\n"
        '  finding: "x"\n  reviewed_by: Bo\n  reviewed_on: 2026-01-01\n  reason: "r"\n  expires: 2027-01-01\n'
    )
    named = project / "other.yaml"
    named.write_text(laid_out, "utf-8")
    assert _run(project, "ack", _fingerprint(project), "--by", "Ana", "--reason", "ok",
                "--acknowledgements", "other.yaml").exit_code == 0  # fmt: skip
    written = named.read_text("utf-8")
    assert written.startswith(laid_out) and written[len(laid_out) :].startswith("- fingerprint: ")
    assert [e["reviewed_by"] for e in yaml.safe_load(written)["acknowledgements"]] == ["Bo", "Ana"]


def test_ack_refuses_to_accept_findings_judged_with_broken_rules(project):
    fingerprint = _fingerprint(project)
    with (project / "rules" / "vocabulary.yaml").open("a", encoding="utf-8") as rules:
        rules.write("relations:\n  - {kind: bound, id: b, lower: partners, uper: visits}\n")
    result = _run(project, "ack", fingerprint, "--by", "Ana", "--reason", "ok")
    assert result.exit_code == 2 and "the rules have errors" in result.output and "rules/vocabulary.yaml:" in result.output
    assert not (project / "acknowledgements.yaml").exists()


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


def test_ack_and_renew_keep_the_crlf_line_endings_of_the_file(project):
    fingerprint = _fingerprint(project)
    existing = "# our reviewed discrepancies\r\nacknowledgements:\r\n  - fingerprint: 0123456789abcdef   # old\r\n" + (
        "    reviewed_by: Bo\r\n    reviewed_on: '2026-01-01'\r\n    reason: old\r\n    expires: '2027-01-01'\r\n")
    path = project / "acknowledgements.yaml"
    path.write_bytes(existing.encode("utf-8"))
    assert _run(project, "ack", fingerprint, "--by", "Ana", "--reason", "ok").exit_code == 0
    added = path.read_bytes()
    assert added.startswith(existing.encode("utf-8")) and added.count(b"\n") == added.count(b"\r\n")
    assert _run(project, "ack", "--renew", fingerprint, "--reason", "again").exit_code == 0
    renewed = path.read_bytes()
    assert renewed != added and renewed.count(b"\n") == renewed.count(b"\r\n") == added.count(b"\n")


def test_an_input_problem_is_said_to_be_one_when_it_is_acknowledged(project):
    """Input problems cannot be acknowledged: `ack` says so (not "no current finding"), and an entry written for
    one by hand is an error that says so (not a stale acknowledgement of a finding the report lists)."""
    (project / "claims" / "broken.yaml").write_text("source: {id: x\nclaims: [\n", "utf-8")
    findings = json.loads(_run(project, "check", "--format", "json").stdout)["findings"]
    (problem,) = [f["fingerprint"] for f in findings if f["check"] == "yaml-syntax"]
    refused = _run(project, "ack", problem, "--by", "Ana", "--reason", "x")
    assert refused.exit_code == 2 and "is an input problem" in refused.output, refused.output
    (project / "acknowledgements.yaml").write_text(
        f"acknowledgements:\n  - fingerprint: {problem}\n    reviewed_by: Ana\n    reviewed_on: '2026-11-01'\n"
        "    reason: x\n    expires: '2027-01-01'\n", "utf-8")  # fmt: skip
    result = _run(project, "check", "--format", "json")
    said = [f["message"] for f in json.loads(result.stdout)["findings"] if f["check"] == "acknowledgement"]
    assert len(said) == 1 and "it is an input problem" in said[0] and "stale" not in said[0], said
    assert result.exit_code == 1


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


def test_settings_in_both_files_of_one_folder_are_a_usage_error(project):
    """claimcheck.toml beside a [tool.claimcheck] table: one of them would be passed over without a word."""
    (project / "claimcheck.toml").write_text('claims = ["claims"]\nfail-on = "warning"\n', "utf-8")
    result = _run(project, "check")
    assert result.exit_code == 2 and "both hold settings: keep them in one place" in result.output, result.output
    (project / "pyproject.toml").write_text('[project]\nname = "desk"\n', "utf-8")  # no claimcheck table: fine
    assert _run(project, "check").exit_code == 1
    for other in ('tool = "poetry"\n', "[tool\nbroken"):  # a pyproject.toml that holds no settings of ours
        (project / "pyproject.toml").write_text(other, "utf-8")
        result = _run(project, "check")
        assert result.exit_code == 1 and "internal error" not in result.output, result.output
    (project / "claimcheck.toml").unlink()
    (project / "pyproject.toml").write_text('tool = "poetry"\n', "utf-8")
    assert "internal error" not in _run(project, "check").output
    (project / "pyproject.toml").write_text("[tool]\nclaimcheck = 5\n", "utf-8")  # no table of settings
    result = _run(project, "check")
    assert result.exit_code == 2 and "must be a table of settings" in result.output, result.output


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
    from checker.formats.settings import Config
    from checker.pipeline import CheckRequest, _corpus

    monkeypatch.chdir(project)
    claims = (project / "claims").resolve()
    # without settings, claims/ is the corpus: naming it is naming the whole corpus (its acknowledgements apply)
    assert _corpus(CheckRequest(paths=(Path("claims"),)), Config()) == ([claims], None, True)
    one = claims / "a.yaml"
    load, focus, whole = _corpus(CheckRequest(paths=(Path("claims/a.yaml"),)), Config(claims=[Path("claims")]))
    assert load == [Path("claims").resolve()] and focus == {one} and whole


# ------------------------------------------------------------------ status in the JSON report


def _findings(project: Path, *args: str, today: str = "2026-11-24") -> list[dict]:
    import json

    return json.loads(_run(project, "check", "--format", "json", *args, today=today).output)["findings"]


def _acknowledge(project: Path, fingerprint: str, expires: str = "2027-01-31") -> None:
    assert _run(project, "ack", fingerprint, "--by", "A. Editor", "--reason", "older count",
                "--expires", expires).exit_code == 0  # fmt: skip


@pytest.mark.parametrize("cached", [False, True], ids=["fresh", "cached"])
def test_the_json_report_says_each_findings_status(project, cached):
    """open, acknowledged (by, on, until, reason), expired, stale — and whether it involves the files judged; the
    same whether the findings are made afresh or come from the cache (kept as data until the report writes them)."""
    caching = ("--cache", str(project / ".." / "cache")) if cached else ("--no-cache",)
    if cached:
        _findings(project, *caching)  # fills the cache: the runs below take their findings from it
    conflict = _fingerprint(project)
    (opened,) = [f for f in _findings(project, *caching) if f["fingerprint"] == conflict]
    assert (opened["status"], opened["acknowledgement"], opened["judged"]) == ("open", None, True)

    _acknowledge(project, conflict)
    (acked,) = [f for f in _findings(project, *caching) if f["fingerprint"] == conflict]
    assert acked["status"] == "acknowledged" and acked["judged"] is True
    assert acked["acknowledgement"] == {"by": "A. Editor", "on": "2026-11-24", "until": "2027-01-31",
                                        "reason": "older count"}  # fmt: skip

    late = _findings(project, *caching, today="2027-02-01")
    (expired,) = [f for f in late if f["fingerprint"] == conflict]
    assert expired["status"] == "expired" and expired["acknowledgement"]["until"] == "2027-01-31"
    assert any(f["check"] == "acknowledgement" and f["severity"] == "error" and "expired" in f["message"] for f in late)

    outside = [f for f in _findings(project, *caching, "claims/c.yaml") if f["fingerprint"] == conflict]
    assert outside[0]["judged"] is False and outside[0]["status"] == "acknowledged"

    _set(project, "b", 14)  # the conflict is gone: its acknowledgement matches nothing
    stale = [f for f in _findings(project, *caching) if f["check"] == "acknowledgement"]
    assert [f["status"] for f in stale] == ["stale"] and stale[0]["severity"] == "warning"


def test_the_summary_counts_findings_by_status(project):
    import json

    _acknowledge(project, _fingerprint(project))
    document = json.loads(_run(project, "check", "--format", "json", "claims/c.yaml").output)
    by_status = document["summary"]["by_status"]
    statuses = [f["status"] for f in document["findings"]]
    assert by_status == {"open": statuses.count("open"), "acknowledged": 1, "expired": 0, "stale": 0,
                         "judged": sum(f["judged"] for f in document["findings"])}  # fmt: skip
    assert by_status["judged"] < len(statuses)


def test_the_jq_recipe_of_the_ci_guide_selects_open_errors_only(project):
    """The recipe in docs/ci.md, run as written, gives the fingerprints of the open errors: not an acknowledged one,
    not one outside the files judged."""
    import json
    import re
    import shutil

    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    guide = (Path(__file__).resolve().parent.parent / "docs" / "ci.md").read_text("utf-8")
    (recipe,) = re.findall(r"claimcheck check --format json \| jq -r '([^']+)'", guide)
    second = {"d.yaml": one_source("src-d", "2026-01-12", claim("p", "partners", 11, as_of="2025-12-31", subject="sylvania")),
              "e.yaml": one_source("src-e", "2026-01-12", claim("p", "partners", 12, as_of="2025-12-31", subject="sylvania"))}  # fmt: skip
    _acknowledge(project, _fingerprint(project))
    write_corpus(project, {**CONFLICT, **second})

    def picked(*args: str) -> list[str]:
        report = _run(project, "check", "--format", "json", *args).output
        done = subprocess.run(["jq", "-r", recipe], input=report, capture_output=True, text=True, check=True)
        return done.stdout.split()

    def errors(*args: str) -> list[str]:
        findings = json.loads(_run(project, "check", "--format", "json", *args).output)["findings"]
        return [f["fingerprint"] for f in findings if f["severity"] == "error" and f["status"] == "open" and f["judged"]]

    assert picked() == errors() and len(picked()) == 1  # Sylvania's; Freedonia's is acknowledged
    assert picked("claims/a.yaml") == [] == errors("claims/a.yaml")  # Sylvania's lies outside the files judged


# ------------------------------------------------------------------ acknowledgements about to expire


def _expiring(project: Path, today: str) -> list[dict]:
    return [f for f in _findings(project, today=today) if f["check"] == "acknowledgement"]


def test_an_acknowledgement_about_to_expire_is_a_warning_that_names_it(project):
    conflict = _fingerprint(project)
    _acknowledge(project, conflict, expires="2027-01-31")
    assert _expiring(project, "2026-12-31") == []  # 31 days left
    (soon,) = _expiring(project, "2027-01-01")  # 30 days left
    assert soon["severity"] == "warning" and conflict in soon["message"] and "2027-01-31" in soon["message"]
    assert "in 30 days" in soon["message"] and f"ack --renew {conflict}" in soon["hint"]
    assert soon["location"]["path"] == "acknowledgements.yaml"
    assert _run(project, "check", today="2027-01-01").exit_code == 0  # it warns, the gate still holds
    assert _run(project, "check", "--fail-on", "warning", today="2027-01-01").exit_code == 1
    (last,) = _expiring(project, "2027-01-31")
    assert "expires on 2027-01-31, today" in last["message"]
    # one warning as the days count down: CI systems track a finding by its fingerprint
    assert last["fingerprint"] == soon["fingerprint"] != _expiring(project, "2027-02-01")[0]["fingerprint"]


def test_the_settings_say_how_early_an_expiry_is_announced(project):
    _acknowledge(project, _fingerprint(project), expires="2027-01-31")
    (project / "pyproject.toml").write_text(CONFIG + "expiry-warning-days = 7\n", "utf-8")
    assert _expiring(project, "2027-01-23") == [] and len(_expiring(project, "2027-01-24")) == 1
    (project / "pyproject.toml").write_text(CONFIG + "expiry-warning-days = -1\n", "utf-8")
    refused = _run(project, "check")
    assert refused.exit_code == 2 and "expiry-warning-days" in refused.output


def test_ack_renew_extends_a_reviewed_acknowledgement_touching_nothing_else(project):
    conflict = _fingerprint(project)
    _acknowledge(project, conflict, expires="2027-01-31")
    path = project / "acknowledgements.yaml"
    path.write_text("# kept comment\n" + path.read_text("utf-8"), "utf-8")
    before = path.read_text("utf-8").splitlines()
    renewed = _run(project, "ack", "--renew", conflict, "--reason", "checked again", "--expires", "2027-06-30",
                   today="2027-01-20")  # fmt: skip
    assert renewed.exit_code == 0, renewed.output
    after = path.read_text("utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    assert len(before) == len(after) and {b.split(":")[0].strip() for _, b in changed} == {
        "reviewed_on", "reason", "expires"}  # fmt: skip
    assert "# kept comment" in after[0]
    (acked,) = [f for f in _findings(project, today="2027-02-15") if f["fingerprint"] == conflict]
    assert acked["status"] == "acknowledged" and acked["acknowledgement"] == {
        "by": "A. Editor", "on": "2027-01-20", "until": "2027-06-30", "reason": "checked again"}  # fmt: skip
    assert _expiring(project, "2027-02-15") == []
    by = _run(project, "ack", "--renew", conflict, "--reason", "again", "--by", "B. Checker", today="2027-01-21")
    assert by.exit_code == 0 and "reviewed_by: B. Checker" in path.read_text("utf-8")


def test_ack_renew_refuses_a_fingerprint_that_is_not_acknowledged(project):
    _acknowledge(project, _fingerprint(project))
    before = (project / "acknowledgements.yaml").read_text("utf-8")
    result = _run(project, "ack", "--renew", "0123456789abcdef", "--reason", "r")
    assert result.exit_code == 2 and "0123456789abcdef" in result.output
    assert (project / "acknowledgements.yaml").read_text("utf-8") == before


# ------------------------------------------------------------------ a contradiction that gains a value


SAME_DAY = {
    "a.yaml": one_source("src-a", "2026-01-10", claim("p", "partners", 13, as_of="2025-12-31")),
    "b.yaml": one_source("src-b", "2026-01-12", claim("p", "partners", 14, as_of="2025-12-31")),
}


@pytest.mark.parametrize("cached", [False, True], ids=["fresh", "cached"])
def test_an_acknowledged_contradiction_that_gains_a_value_fails_until_reviewed_again(tmp_path, cached):
    """Its fingerprint names its time and scope, not its values: the acknowledgement holds only for what was
    reviewed, so a third figure added later opens it again, and `ack --renew` records what it says now."""
    write_corpus(tmp_path, SAME_DAY)
    (tmp_path / "pyproject.toml").write_text(CONFIG, "utf-8")
    cache = () if cached else ("--no-cache",)
    conflict = _fingerprint(tmp_path)
    _acknowledge(tmp_path, conflict)
    assert _run(tmp_path, "check", *cache).exit_code == 0
    write_corpus(tmp_path, {**SAME_DAY, "c.yaml": one_source("src-c", "2026-01-14", claim("p", "partners", 20, as_of="2025-12-31"))})
    findings = _findings(tmp_path, *cache)
    (reopened,) = [f for f in findings if f["check"] == "value-conflict"]
    assert reopened["fingerprint"] == conflict and reopened["status"] == "open" and "20 (src-c" in reopened["message"]
    (warning,) = [f for f in findings if f["check"] == "acknowledgement"]
    assert "no longer holds" in warning["message"] and f"ack --renew {conflict}" in warning["hint"]
    assert _run(tmp_path, "check", *cache).exit_code == 1
    renewed = _run(tmp_path, "ack", "--renew", conflict, "--reason", "all three reviewed")
    assert renewed.exit_code == 0, renewed.output
    assert "20 (src-c" in (tmp_path / "acknowledgements.yaml").read_text("utf-8")
    assert _run(tmp_path, "check", *cache).exit_code == 0


def test_no_acknowledgement_is_called_stale_while_the_rules_cannot_all_be_read(project):
    """Findings may be missing because of the rules, not because the discrepancy is gone: "remove the entry"
    would be the wrong advice."""
    _acknowledge(project, _fingerprint(project))
    vocabulary = project / "rules" / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text("utf-8") + "metrics: {}\n", "utf-8")  # a key twice: unreadable
    done = _run(project, "check", "--format", "json", "--no-cache")
    assert done.exit_code == 2
    findings = json.loads(done.stdout)["findings"]
    assert any(f["check"] == "yaml-syntax" and f["location"]["path"] == "rules/vocabulary.yaml" for f in findings)
    assert not [f for f in findings if f["check"] == "value-conflict"]  # the acknowledged finding is not made
    assert not [f for f in findings if "stale acknowledgement" in f["message"]]


@pytest.mark.parametrize(
    "table, said",
    [
        ('workers = true\n', '"workers" must be a whole number'),
        ('workers = 0\n', '"workers" must be a whole number'),
        ('cache = true\n', '"cache" must be false'),
        ('claims = "claims"\n', '"claims" must be a list'),
        ('expiry-warning-days = -1\n', '"expiry-warning-days" must be a whole number of days'),
        ('cache = 0\n', '"cache" must be false'),
        ('format = ["json", "yaml=r.yaml"]\n', 'unknown format "yaml=r.yaml"; formats: text'),
    ],
)
def test_a_setting_of_the_wrong_kind_is_an_error_that_says_what_it_takes(project, table, said):
    """And where it stands: the line and column of its key (the table's second line here)."""
    (project / "pyproject.toml").write_text("[tool.claimcheck]\n" + table, "utf-8")
    result = _run(project, "check")
    assert result.exit_code == 2 and said in result.output, result.output
    assert "pyproject.toml:2:1 [tool.claimcheck]: " in result.output


@pytest.mark.parametrize(
    "name, text, place",
    [
        ("claimcheck.toml", 'claims = ["claims"]\n\n[[per-path]]\npaths = ["x"]\nseverity = "info"\n\n[[per-path]]\n'
         '  severity = "fatal"\npaths = ["y"]\n', "claimcheck.toml:8:3: per-path entry 2"),
        ("claimcheck.toml", 'claims = ["claims"]\nper-path = [{paths = ["x"], bogus = 1}]\n', "claimcheck.toml:2:1: per-path entry 1"),
        ("pyproject.toml", '[project]\nname = "x"\nworkers = 0\n\n[tool.claimcheck]\n"workers" = 0\n',
         "pyproject.toml:6:1 [tool.claimcheck]"),
    ],
)
def test_a_setting_is_located_in_its_own_table(project, name, text, place):
    """A key of the same name in another table, or in another per-path entry, is not taken for it."""
    (project / "pyproject.toml").unlink()
    (project / name).write_text(text, "utf-8")
    result = _run(project, "check")
    assert result.exit_code == 2 and place in result.output, result.output


@pytest.mark.parametrize(
    "args", [["check", "--format", "json"], ["fmt", "--check"], ["report", "-o", "r.md"], ["extract", "x.txt"]]
)
def test_a_misspelt_format_in_the_settings_stops_every_command_even_one_given_formats(project, args):
    """A format the settings name that no reporter has is a setting that cannot be read, whoever reads it."""
    (project / "pyproject.toml").write_text('[tool.claimcheck]\nformat = ["jsno=r.json"]\n', "utf-8")
    (project / "x.txt").write_text("Freedonia has 14 partners.\n", "utf-8")
    result = _run(project, *args)
    assert result.exit_code == 2 and 'unknown format "jsno=r.json"' in result.output, result.output
