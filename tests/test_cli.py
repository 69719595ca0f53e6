"""The command line end to end: exit codes, formats, bad input, determinism."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from checker.cli import main

from conftest import MINI, ROOT, claim, run_cli, source_block, write_corpus


def invoke(*args: str, cwd: Path | None = None):
    return run_cli(cwd, *args)


def problems(output: str, place: str) -> list[str]:
    """The text report's input problems at ``place``, each its located line and the indented lines that
    continue it (a long word is indented less), on one line."""
    found: list[str] = []
    going = False
    for line in output.splitlines():
        if line.startswith(place):
            found.append(line)
        elif going and line.startswith(" "):
            found[-1] += " " + line.strip()
            continue
        going = line.startswith(place)
    return found


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def test_check_defaults_to_claims_and_rules_in_working_directory(mini):
    result = invoke("check", cwd=mini)
    assert result.exit_code == 1  # the mini corpus holds contradictions
    assert "Freedonia — partners" in result.output
    assert "CONTRADICTION" in result.output


def test_exit_codes_follow_fail_level(mini):
    assert invoke("check", "--exit-zero", cwd=mini).exit_code == 0
    ok = {"a.yaml": {"source": source_block("s"), "claims": [claim("c", "partners", 1)]}}
    claims, rules = write_corpus(mini / "clean", ok)
    assert invoke("check", str(claims), "--rules", str(rules)).exit_code == 0


def test_fail_on_warning_counts_warnings(tmp_path):
    files = {
        "a.yaml": {"source": source_block("a", None), "claims": [claim("c", "partners", 38)]},
        "b.yaml": {"source": source_block("b", "2026-01-30"), "claims": [claim("c", "partners", 42, as_of="2025-12-31")]},
    }
    claims, rules = write_corpus(tmp_path, files)
    assert invoke("check", str(claims), "--rules", str(rules)).exit_code == 0
    assert invoke("check", str(claims), "--rules", str(rules), "--fail-on", "warning").exit_code == 1


def test_json_output_is_documented_shape(mini):
    result = invoke("check", "--format", "json", cwd=mini)
    document = json.loads(result.output)
    assert document["tool"] == "claimcheck" and document["format_version"] == 1
    assert document["summary"]["sources"] == 3
    finding = document["findings"][0]
    assert set(finding) == {
        "fingerprint", "check", "severity", "verdict", "subject", "metric", "topic", "message", "note", "hint",
        "location", "claims", "status", "acknowledgement", "judged",
    }
    ref = next(f for f in document["findings"] if f["claims"])["claims"][0]
    assert set(ref) >= {"source", "claim", "value", "time", "quote", "location", "origin", "published", "evidence"}
    assert ref["location"]["path"].startswith("claims/")


def test_output_file_is_written(mini):
    result = invoke("check", "--format", "json", "-o", "out/report.json", cwd=mini)
    assert result.output == ""
    assert json.loads((mini / "out" / "report.json").read_text())["summary"]["claims"] == 12


def test_same_claims_in_other_files_give_identical_output(mini, tmp_path):
    """Renaming and reordering files, and reordering claims, changes nothing in the report."""
    first = invoke("check", "--format", "json", cwd=mini).output
    other = tmp_path / "other"
    shutil.copytree(mini, other)
    files = sorted((other / "claims").glob("*.yaml"))
    for index, path in enumerate(files):
        document = yaml.safe_load(path.read_text("utf-8"))
        document["claims"].reverse()
        path.unlink()
        (other / "claims" / f"z{len(files) - index}.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    second = invoke("check", "--format", "json", cwd=other).output
    strip = lambda text: [  # noqa: E731 - locations name the files, which were renamed
        {k: v for k, v in f.items() if k not in ("location", "claims")} | {"claims": [(c["source"], c["claim"]) for c in f["claims"]]}
        for f in json.loads(text)["findings"]
    ]
    assert strip(first) == strip(second)
    assert invoke("check", "--format", "json", cwd=mini).output == first  # byte-identical on a rerun


BROKEN = {
    "malformed.yaml": ("source: {id: x\n", "malformed YAML"),
    "duplicate-key.yaml": ("source:\n  id: a\n  id: b\n", 'duplicate key "id"'),
    "tag.yaml": ("source: !!python/object/apply:os.system [echo]\n", "not allowed"),
    "latin1.yaml": (b"source: caf\xe9\n", "not valid UTF-8"),
    "empty.yaml": ("", "file is empty"),
    "list.yaml": ("- a\n- b\n", "mapping at the top"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_located_and_others_still_checked(mini, name):
    content, words = BROKEN[name]
    path = mini / "claims" / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = invoke("check", cwd=mini)
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    assert words in problems(result.output, f"claims/{name}:")[0]
    assert "Freedonia — partners" in result.output  # the other files' findings are still there


def _one_claim_file(mini: Path, claim_body: dict, source: dict | None = None) -> str:
    body = {"source": source or source_block("extra"), "claims": [claim_body]}
    (mini / "claims" / "extra.yaml").write_text(yaml.safe_dump(body, sort_keys=False), "utf-8")
    return invoke("check", cwd=mini).output


@pytest.mark.parametrize(
    "body, words",
    [
        (claim("c", "partnrs", 1), 'unknown metric "partnrs"; did you mean "partners"'.split(";")[0]),
        (claim("c", "partner cont", 1), 'did you mean "partners"'),
        (claim("c", "partners", 1, subject="Fredonia"), 'did you mean "freedonia"'),
        (claim("c", "partners", 1, as_of="2025-13-01"), 'as_of "2025-13-01" is not a time'),
        (claim("c", "partners", 1, qoute="x"), 'unknown key "qoute"'),
        (claim("c", "partners", "fourteen"), "count value is a number"),
        (claim("c", "partners", 1.5), "whole number"),
        (claim("c", "visits", 3), "counted over a period"),
        (claim("c", "partners", 1, scope={"stage": "x"}), 'no scope dimension "stage"'),
        (claim("c", "treaties", 1, scope={"stage": "signed"}), 'scope stage "signed" is not allowed'),
        ({k: v for k, v in claim("c", "partners", 1).items() if k != "quote"}, 'missing key "quote"'),
    ],
)
def test_bad_claims_are_located_with_a_hint(mini, body, words):
    output = _one_claim_file(mini, body)
    lines = problems(output, "claims/extra.yaml:")
    assert lines, output
    assert words in lines[0]
    assert "Freedonia — partners" in output


def test_unknown_key_suggests_the_right_one(mini):
    output = _one_claim_file(mini, claim("c", "partners", 1, qoute="x"))
    assert 'did you mean "quote"' in output


def test_duplicate_claim_id_is_an_error(mini):
    body = {"source": source_block("extra"), "claims": [claim("c", "partners", 1), claim("c", "partners", 2)]}
    (mini / "claims" / "extra.yaml").write_text(yaml.safe_dump(body), "utf-8")
    output = invoke("check", cwd=mini).output
    assert 'claim id "c" is used twice' in output


def test_duplicate_source_id_is_an_error(mini):
    body = {"source": source_block("gazette-june"), "claims": [claim("c", "partners", 1)]}
    (mini / "claims" / "extra.yaml").write_text(yaml.safe_dump(body), "utf-8")
    output = invoke("check", cwd=mini).output
    assert 'source id "gazette-june" is also used by' in output


def test_a_source_id_used_twice_in_json_lines_names_the_line_of_its_first_use(mini):
    """Both documents stand in one file: the line tells them apart. The fingerprint does not name it, so that it
    does not move when lines are added above."""
    import json

    lines = [json.dumps({"source": source_block("twice"), "claims": [claim(f"c{n}", "partners", n)]}) for n in (1, 2)]
    path = mini / "claims" / "extra.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    first = invoke("check", "--format", "json", cwd=mini).stdout
    (said,) = [f for f in json.loads(first)["findings"] if f["check"] == "duplicate-id"]
    assert said["message"] == 'source id "twice" is also used by claims/extra.jsonl (line 1)'
    assert said["location"]["line"] == 2
    path.write_text("\n" + path.read_text("utf-8"), "utf-8")
    (moved,) = [f for f in json.loads(invoke("check", "--format", "json", cwd=mini).stdout)["findings"]
                if f["check"] == "duplicate-id"]  # fmt: skip
    assert moved["message"].endswith("(line 2)") and moved["fingerprint"] == said["fingerprint"]


def test_broken_rules_exit_2(mini):
    (mini / "rules" / "bad.yaml").write_text("metrics:\n  x: {label: x, kind: count}\n", "utf-8")
    result = invoke("check", cwd=mini)
    assert result.exit_code == 2
    assert "rules/bad.yaml:2:" in result.output and 'missing key "time"' in result.output


def test_unknown_check_in_rules_exits_2_with_suggestion(mini):
    (mini / "rules" / "checks.yaml").write_text("checks:\n  value-conflicts: {}\n", "utf-8")
    result = invoke("check", cwd=mini)
    assert result.exit_code == 2
    (problem,) = problems(result.output, "rules/checks.yaml:")
    assert 'no such check: "value-conflicts"' in problem and 'did you mean "value-conflict"' in problem


@pytest.mark.parametrize(
    "written, said",
    [
        ("  m1:\n    label: m1\n    kind: count\n    time: stock\n    aliasses: [x]\n", 'did you mean "aliases"'),
        ("  m1: {label: m1, kind: count, time: stock, scoep: {}}\n", 'did you mean "scope"'),
        ("  trade: {label: trade, kind: amount, time: flow}\n", "a metric of kind amount needs `unit:`"),
    ],
)
def test_a_metric_written_wrong_is_a_rules_error_that_says_what_to_write(mini, written, said):
    (mini / "rules" / "more.yaml").write_text("metrics:\n" + written, "utf-8")
    result = invoke("check", cwd=mini)
    assert result.exit_code == 2
    (problem,) = problems(result.output, "rules/more.yaml:")
    assert said in problem, problem


def test_an_unknown_key_of_an_entity_or_a_check_says_which_was_meant(mini):
    (mini / "rules" / "more.yaml").write_text(
        "entities:\n  e1: {name: E1, kind: country, alias: [E one]}\n"
        "checks:\n  value-conflict:\n    severty: {contradiction: error}\n",
        "utf-8",
    )
    result = invoke("check", cwd=mini)
    assert result.exit_code == 2
    said = problems(result.output, "rules/more.yaml:")
    assert any('"alias"' in p and 'did you mean "aliases"' in p for p in said), said
    assert any('"severty"' in p and 'did you mean "severity"' in p for p in said), said


def test_json_lines_errors_name_the_claim_and_key_they_are_about(mini):
    """A JSON document is located as a whole: its messages name where in it the problem stands."""
    import json

    body = {"source": source_block("lines"), "claims": [
        claim("c1", "partners", 1), claim("c2", "partners", 2, sope={"x": "y"}), claim("c3", "partners", 3)]}  # fmt: skip
    body["claims"][2]["as_of"] = "2025-13-01"
    (mini / "claims" / "extra.jsonl").write_text(json.dumps(body) + "\n", "utf-8")
    said = problems(invoke("validate", cwd=mini).output, "claims/extra.jsonl:")
    assert any('unknown key "sope" in claims.1' in p and 'did you mean "scope"' in p for p in said), said
    assert any('claims.2.as_of "2025-13-01" is not a time' in p for p in said), said


def test_validate_reports_input_errors_only(mini):
    result = invoke("validate", cwd=mini)
    assert result.exit_code == 0
    assert "CONTRADICTION" not in result.output


def test_missing_path_is_reported(mini):
    result = invoke("check", "nowhere", cwd=mini)
    assert result.exit_code == 2 and "nowhere" in result.output and "no such file" in result.output


@pytest.mark.parametrize("name", ["claims", "rules"])
def test_schema_command_prints_schema(name):
    result = invoke("schema", name)
    assert json.loads(result.output)["$schema"].startswith("http://json-schema.org/draft-07")


def test_checks_lists_every_check():
    from checker.checks import REGISTRY

    output = invoke("checks").output
    assert [line.split()[0] for line in output.splitlines()] == list(REGISTRY)


@pytest.mark.parametrize("check_id", list(__import__("checker.checks", fromlist=["REGISTRY"]).REGISTRY))
def test_checks_shows_one_check_with_the_examples_the_tests_run(check_id):
    from checker.checks import REGISTRY
    from checker.checks.examples import examples

    output = invoke("checks", check_id).output
    assert output.startswith((REGISTRY[check_id].__doc__ or "").strip().splitlines()[0])
    found = examples(check_id)
    assert "Verdicts and default severities:" in output and found.text.rstrip() in output
    assert all(f"name: {case.name}" in output for case in found.cases)


def test_checks_unknown_id_suggests():
    result = CliRunner().invoke(main, ["checks", "sum-and-bounds"])
    assert result.exit_code == 2 and 'did you mean "sum-and-bound"' in result.output


def test_every_check_documents_itself_under_its_id():
    from checker.checks import REGISTRY

    for module in REGISTRY.values():
        assert (module.__doc__ or "").startswith(module.ID + ":"), module.ID


@pytest.mark.slow
def test_the_console_entry_flushes_everything_and_exits_with_the_gates_code():
    """The process ends without freeing its objects one by one (see checker.cli.commands._leave): what it printed to a pipe is
    whole (the project's report, far more than a pipe holds), and its exit code is the command's, as in-process."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    for args in (("check", "--format", "json", "--no-cache"), ("check", "--no-cache"), ("no-such-command",)):
        done = subprocess.run([sys.executable, "-m", "checker.cli", *args], cwd=ROOT, capture_output=True, env=env,
                              check=False)  # fmt: skip
        inside = invoke(*args, cwd=ROOT)
        assert done.returncode == inside.exit_code
        if args[0] == "check":
            assert done.stdout.decode("utf-8") == inside.stdout
            assert len(done.stdout) > 1 << 16 or args[1] != "--format"
    assert not done.stdout and b"No such command" in done.stderr


def test_the_command_line_starts_where_the_unix_only_resource_module_is_missing():
    """Windows has no ``resource``: nothing the command line imports may need it to start."""
    code = "import sys; sys.modules['resource'] = None; import checker.cli; print('started')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "started", done.stderr


@pytest.mark.parametrize("command", ["check", "validate", "report", "resolve", "fmt"])
def test_an_empty_path_names_nothing(tmp_path, command):
    """"" is no name for the working folder: a gate given an empty path (an unset variable) must not check
    whatever stands there."""
    done = run_cli(tmp_path, command, "")
    assert done.exit_code == 2 and "an empty path names nothing" in done.output


@pytest.mark.parametrize("target", ["loop.yaml", "nowhere.yaml"], ids=["a loop", "a missing target"])
def test_a_link_to_nothing_named_on_the_command_line_says_so(tmp_path, target):
    """Not "no such file; did you mean" the same name: the name is there, and what it leads to is not."""
    (tmp_path / "loop.yaml").symlink_to(target)
    done = run_cli(tmp_path, "check", "loop.yaml", "--no-cache")
    assert done.exit_code == 2 and "symbolic link to nothing that can be read" in done.output
    assert "did you mean" not in done.output


def test_an_empty_rules_or_acknowledgements_file_is_told_what_it_should_hold(mini):
    (mini / "rules" / "more.yaml").write_text("# to be written\n", "utf-8")
    (mini / "acks.yaml").write_text("", "utf-8")
    output = invoke("check", "--acknowledgements", "acks.yaml", cwd=mini).output
    (rules,) = problems(output, "rules/more.yaml:")
    (acks,) = problems(output, "acks.yaml:")
    assert "file is empty" in rules and "a rules file holds `metrics:`" in rules and "source:" not in rules
    assert "file is empty" in acks and "acknowledgements: []" in acks and "source:" not in acks
