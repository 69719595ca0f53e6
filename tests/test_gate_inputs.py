"""A gate never passes by mistake: paths that name nothing, rules that are not there, settings found from the paths
given; report files where and as the user asked (format from the name, the umask), and no lock files left behind."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from conftest import MINI, run_cli

SETTINGS = '[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\n'


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(MINI, target)
    return target


# ------------------------------------------------------------------ paths that name nothing

COMMANDS = [["check"], ["validate"], ["report"], ["resolve"], ["fmt"], ["fmt", "--check"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_misspelt_path_is_a_usage_error_with_a_did_you_mean(mini, command):
    result = run_cli(mini, *command, "claims/a.yml")  # the file is a.yaml
    assert result.exit_code == 2, result.output
    assert '"claims/a.yml": no such file or folder' in result.output
    assert 'did you mean "claims/a.yaml"?' in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_path_that_names_no_claim_file_is_a_usage_error(mini, command):
    (mini / "empty").mkdir()
    (mini / "notes.txt").write_text("not claims\n", "utf-8")
    for path, said in (("empty", "is a folder with no file ending in"), ("notes.txt", "is not a claim file")):
        result = run_cli(mini, *command, path)
        assert result.exit_code == 2 and said in result.output and path in result.output, result.output


def test_a_missing_file_inside_the_corpus_no_longer_passes_as_judging_nothing(mini):
    (mini / "pyproject.toml").write_text(SETTINGS, "utf-8")
    assert run_cli(mini, "check", "claims/a.yaml").exit_code == 1  # a real file of the conflict
    result = run_cli(mini, "check", "claims/a-file-that-does-not-exist.yaml")
    assert result.exit_code == 2 and "no such file" in result.output


@pytest.mark.parametrize("command", [["check"], ["validate"], ["report"], ["resolve"]], ids=" ".join)
@pytest.mark.parametrize("exit_zero", [False, True], ids=["", "exit-zero"])
def test_claim_paths_in_the_settings_that_name_nothing_are_a_usage_error(mini, command, exit_zero):
    """A misspelt folder in the settings is refused as one on the command line is, exit-zero or not: a gate that
    read no claim must not pass, nor fail as if a claim file were broken."""
    lines = ['[tool.claimcheck]\nclaims = ["claim"]\nrules = "rules"\n', "exit-zero = true\n" if exit_zero else ""]
    (mini / "pyproject.toml").write_text("".join(lines), "utf-8")
    result = run_cli(mini, *command)
    assert result.exit_code == 2, result.output
    assert '"claim": no such file or folder; did you mean "claims"?' in result.output
    assert "pyproject.toml" in result.output


def test_without_paths_or_settings_a_folder_with_no_claims_folder_is_a_usage_error(mini):
    shutil.rmtree(mini / "claims")
    result = run_cli(mini, "check", "--exit-zero")
    assert result.exit_code == 2 and '"claims": no such file or folder' in result.output, result.output


def test_fmt_without_paths_and_without_a_claims_folder_is_an_error(tmp_path):
    result = run_cli(tmp_path, "fmt", "--check")
    assert result.exit_code == 2 and "claims" in result.output


# ------------------------------------------------------------------ rules that are not there


@pytest.mark.parametrize("command", [["check"], ["validate"], ["report"], ["resolve"]], ids=" ".join)
def test_a_rules_folder_that_does_not_exist_is_one_clear_error(mini, command):
    result = run_cli(mini, *command, "--rules", "nowhere")
    assert result.exit_code == 2
    assert result.output.strip().count("\n") <= 2, result.output  # one error, not one per claim
    assert 'rules folder "nowhere"' in result.output and "does not exist" in result.output
    near = run_cli(mini, *command, "--rules", "rulse")
    assert near.exit_code == 2 and 'did you mean "rules"?' in near.output


def test_rules_named_by_the_settings_that_do_not_exist_are_one_error_naming_the_settings(mini):
    (mini / "pyproject.toml").write_text('[tool.claimcheck]\nclaims = ["claims"]\nrules = "vocabulary"\n', "utf-8")
    result = run_cli(mini, "check")
    assert result.exit_code == 2 and "pyproject.toml" in result.output and "does not exist" in result.output


def test_a_rules_folder_with_no_rules_file_is_an_error(mini):
    (mini / "blank").mkdir()
    result = run_cli(mini, "check", "--rules", "blank")
    assert result.exit_code == 2 and "holds no rules file" in result.output


# ------------------------------------------------------------------ settings found from the paths


def test_the_settings_are_found_from_the_paths_given_not_the_working_directory(mini, tmp_path):
    (mini / "rules").rename(mini / "vocabulary")
    (mini / "pyproject.toml").write_text('[tool.claimcheck]\nclaims = ["claims"]\nrules = "vocabulary"\n', "utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    here = run_cli(mini, "check", "--format", "json")
    away = run_cli(elsewhere, "check", "--format", "json", str(mini / "claims"))
    assert here.exit_code == away.exit_code == 1
    findings = [f for f in json.loads(away.output)["findings"] if f["verdict"] != "invalid"]
    assert findings and not [f for f in json.loads(away.output)["findings"] if f["verdict"] == "invalid"]
    assert [f["fingerprint"] for f in json.loads(here.output)["findings"]] == [f["fingerprint"] for f in findings]
    one_file = run_cli(elsewhere, "check", "--format", "json", str(mini / "claims" / "a.yaml"))
    assert one_file.exit_code == 1 and not [f for f in json.loads(one_file.output)["findings"] if f["verdict"] == "invalid"]


@pytest.mark.parametrize("name", ["claimcheck.toml", "pyproject.toml"])
@pytest.mark.parametrize("kind", ["a link to nothing", "a folder"])
def test_a_settings_file_that_is_there_but_cannot_be_read_stops_the_run(mini, name, kind):
    """Passing over it would run with defaults: a gate meant to fail on warnings would pass."""
    (mini / "elsewhere.toml").write_text('fail-on = "warning"\n', "utf-8")
    if kind == "a folder":
        (mini / name).mkdir()
    else:
        (mini / name).symlink_to(mini / "gone.toml")
    for command in (["check"], ["fmt", "--check"], ["resolve"]):
        result = run_cli(mini, *command)
        assert result.exit_code == 2 and f"{name}: cannot be read: it is {kind}" in result.output, result.output


def test_without_settings_the_working_directory_is_used(mini):
    assert run_cli(mini, "check").exit_code == 1  # claims/ and rules/ of the working directory


# ------------------------------------------------------------------ report files


@pytest.mark.parametrize(
    "name, check",
    [
        ("out.sarif", lambda text: json.loads(text)["version"] == "2.1.0"),
        ("out.json", lambda text: json.loads(text)["tool"] == "claimcheck"),
        ("out.xml", lambda text: text.startswith("<?xml")),
        ("out.md", lambda text: text.lstrip().startswith("#")),
        ("out.html", lambda text: text.lstrip().lower().startswith("<!doctype html")),
        ("out.txt", lambda text: text.startswith("claimcheck:")),
    ],
)
def test_the_format_of_an_output_file_follows_its_name(mini, name, check):
    assert run_cli(mini, "check", "-o", name).exit_code == 1
    assert check((mini / name).read_text("utf-8"))


@pytest.mark.parametrize("args", [["--format", "json", "-o", "x.sarif"], ["--format", "text=x.xml"],
                                  ["--format", "sarif", "-o", "x.md"]])  # fmt: skip
def test_a_format_that_does_not_fit_the_file_name_is_refused(mini, args):
    result = run_cli(mini, "check", *args)
    assert result.exit_code == 2 and "is named as a" in result.output
    assert not list(mini.glob("x.*"))


@pytest.mark.parametrize("args", [["--format", "gitlab", "-o", "gl-code-quality.json"],
                                  ["--format", "sarif=results.sarif.json"], ["--format", "github", "-o", "a.txt"]])  # fmt: skip
def test_formats_a_file_name_may_hold_are_written(mini, args):
    assert run_cli(mini, "check", *args).exit_code == 1


def test_resolve_writes_json_to_a_file_named_json(mini):
    assert run_cli(mini, "resolve", "-o", "r.json").exit_code == 0
    assert json.loads((mini / "r.json").read_text("utf-8"))["items"]
    assert run_cli(mini, "resolve", "-o", "r.txt").exit_code == 0
    assert (mini / "r.txt").read_text("utf-8").split()[1] == "items,"


@pytest.mark.parametrize(
    "args, said",
    [
        (["report", "-o", "r.json"], "which claimcheck report does not write (it writes html, markdown, text)"),
        (["report", "--format", "markdown", "-o", "r.sarif"], "which claimcheck report does not write"),
        (["report", "--format", "html", "-o", "r.txt"], "give --format text"),
        (["resolve", "-o", "r.sarif"], "which claimcheck resolve does not write (it writes text, json)"),
        (["resolve", "--format", "text", "-o", "r.json"], "give --format json"),
    ],
)
def test_report_and_resolve_refuse_a_file_named_for_another_format_naming_formats_they_have(mini, args, said):
    from checker.cli import main

    result = run_cli(mini, *args)
    assert result.exit_code == 2 and said in result.output, result.output
    assert not list(mini.glob("r.*"))
    (option,) = [param for param in main.commands[args[0]].params if "--format" in param.opts]
    assert set(re.findall(r"--format (\w+)", result.output)) <= set(option.type.choices)


@pytest.mark.parametrize(
    "args, said",
    [
        (["check", "-o", "claims/a.yaml", "--format", "text"], "it is a claim file this run reads"),
        (["check", "--format", "json=claims/new.json"], "it is where the next run would read it as a claim file"),
        (["check", "--format", "json=rules/vocab.yaml"], "it is in the rules folder this run reads"),
        (["report", "--format", "markdown", "-o", "rules/notes.md"], "it is in the rules folder"),
        (["report", "--format", "text", "-o", "pyproject.toml"], "it is the settings file"),
        (["check", "--format", "text=acknowledgements.yaml"], "it is the acknowledgements file"),
        (["validate", "--format", "json", "-o", "claims/b.yaml"], "it is a claim file"),
        (["resolve", "--format", "json", "-o", "claims/c.yaml"], "it is a claim file"),
        (["resolve", "--format", "text", "-o", "rules/vocab.yaml"], "it is in the rules folder"),
    ],
)
def test_no_report_is_written_over_what_the_run_reads(mini, args, said):
    (mini / "pyproject.toml").write_text(SETTINGS, "utf-8")
    before = {path: path.read_bytes() for path in mini.rglob("*") if path.is_file()}
    result = run_cli(mini, *args)
    assert result.exit_code == 2 and said in result.output, result.output
    assert {path: path.read_bytes() for path in mini.rglob("*") if path.is_file()} == before


def test_output_alone_on_the_command_line_wins_over_the_formats_of_the_settings(mini):
    (mini / "pyproject.toml").write_text(SETTINGS + 'format = ["text", "sarif=out/claims.sarif"]\n', "utf-8")
    assert run_cli(mini, "check", "-o", "out/report.json").exit_code == 1
    assert json.loads((mini / "out" / "report.json").read_text("utf-8"))["tool"] == "claimcheck"
    assert not (mini / "out" / "claims.sarif").exists()
    assert run_cli(mini, "check").exit_code == 1 and (mini / "out" / "claims.sarif").is_file()  # theirs, without


def test_without_settings_the_claims_folder_is_no_place_for_a_report_either(mini):
    result = run_cli(mini, "check", "--format", "json=claims/report.json")
    assert result.exit_code == 2 and "the next run would read it as a claim file" in result.output, result.output
    assert not (mini / "claims" / "report.json").exists()


def test_a_report_beside_the_claim_folder_is_still_written(mini):
    (mini / "pyproject.toml").write_text(SETTINGS, "utf-8")
    assert run_cli(mini, "check", "--format", "json=report.json").exit_code == 1
    assert json.loads((mini / "report.json").read_text("utf-8"))["tool"] == "claimcheck"


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_follow_the_umask(mini, mask, mode):
    before = os.umask(mask)
    try:
        assert run_cli(mini, "check", "-o", "report.json").exit_code == 1
        assert run_cli(mini, "report", "-o", "out/report.html").exit_code == 0
    finally:
        os.umask(before)
    for path in (mini / "report.json", mini / "out" / "report.html"):
        assert stat.S_IMODE(path.stat().st_mode) == mode, path


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_the_cache_files_follow_the_umask(mini, tmp_path, mask, mode):
    cache = tmp_path / "cache"
    before = os.umask(mask)
    try:
        assert run_cli(mini, "check", "--cache", str(cache)).exit_code == 1
        assert run_cli(mini, "check", "--cache", str(cache)).exit_code == 1  # the second run reads and marks them
    finally:
        os.umask(before)
    made = [path for path in cache.rglob("*") if path.is_file()]
    assert made and {path.relative_to(cache).as_posix(): stat.S_IMODE(path.stat().st_mode) for path in made} == {
        path.relative_to(cache).as_posix(): mode for path in made}  # fmt: skip


def test_a_rewritten_file_keeps_its_own_mode(mini):
    target = mini / "claims" / "a.yaml"
    target.write_text(target.read_text("utf-8").replace("\n", "\n\n", 1), "utf-8")  # not canonical any more
    target.chmod(0o640)
    assert run_cli(mini, "fmt", "claims/a.yaml").exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


# ------------------------------------------------------------------ no litter


def test_commands_that_edit_files_leave_no_lock_files_in_the_work_tree(mini):
    (mini / "pyproject.toml").write_text(SETTINGS + 'acknowledgements = "acknowledgements.yaml"\n', "utf-8")
    before = {p.relative_to(mini) for p in mini.rglob("*")}
    a = mini / "claims" / "a.yaml"
    a.write_text("# a comment first\n" + a.read_text("utf-8").replace("\n", "\n\n", 1), "utf-8")
    assert run_cli(mini, "fmt").exit_code == 0
    assert run_cli(mini, "extract", "article.txt", "--merge", "claims/a.yaml").exit_code == 0
    assert run_cli(mini, "ack", "--all-failing", "--by", "me", "--reason", "reviewed").exit_code == 0
    after = {p.relative_to(mini) for p in mini.rglob("*")}
    assert after - before == {Path("acknowledgements.yaml")}, after - before
    assert not [p for p in mini.rglob("*") if p.name.endswith(".lock") or p.name.endswith(".tmp")]


def test_the_repository_commits_no_lock_file():
    root = Path(__file__).resolve().parent.parent
    assert not [p for p in root.glob("*.lock")] and not [p for p in (root / "claims").glob(".*")]


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "json=report.json", "--format", "gitlab=report.json"],
        ["--format", "json=report.json", "--format", "gitlab=./report.json"],
        ["--format", "json", "--format", "gitlab=sub/../report.json", "-o", "report.json"],
        ["--format", "json=report.json", "--format", "gitlab=link.json"],
    ],
    ids=["same name", "another spelling", "-o and a name", "a link to it"],
)
def test_two_reports_to_one_file_are_refused(mini, args):
    """The second report would replace the first, unsaid: refused before anything is written, however the file is
    named."""
    (mini / "sub").mkdir()
    (mini / "link.json").symlink_to("report.json")
    result = run_cli(mini, "check", *args)
    assert result.exit_code == 2 and "give each its own file" in result.output, result.output
    assert not (mini / "report.json").exists()


def test_a_format_with_an_empty_file_name_is_refused(mini):
    result = run_cli(mini, "check", "--format", "json=")
    assert result.exit_code == 2 and "names no file" in result.output


@pytest.mark.parametrize(
    "args, name",
    [(["check", "-o", "out.pdf"], "out.pdf"), (["report", "-o", "r.docx"], "r.docx"), (["resolve", "-o", "r.csv"], "r.csv")],
)
def test_a_file_named_for_a_kind_claimcheck_does_not_write_is_refused_unless_the_format_is_given(mini, args, name):
    """The format follows the file's name: a name that says a kind of file claimcheck writes none of would get a
    text report that says it is what it is not. Given the format, any name is the user's choice."""
    result = run_cli(mini, *args)
    assert result.exit_code == 2 and f"claimcheck writes no {Path(name).suffix} file" in result.output, result.output
    assert not (mini / name).exists()
    chosen = {"check": "text", "report": "markdown", "resolve": "json"}[args[0]]
    assert run_cli(mini, *args, "--format", chosen).exit_code in (0, 1)
    assert (mini / name).is_file()
    assert run_cli(mini, args[0], "-o", "plain").exit_code in (0, 1) and (mini / "plain").is_file()  # no ending
