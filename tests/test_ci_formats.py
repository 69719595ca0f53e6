"""The CI formats, each tested against what its consumer documents and reads."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker.reporting.github import escape_data, escape_property

from conftest import claim, one_source, run_cli, write_corpus

FILES = {
    "a.yaml": one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30"),
                         claim("t", "treaties", 4)),
    "b.yaml": one_source("src-b", "2026-01-12", claim("p", "partners", 13, as_of="2025-12-31"),
                         claim("t", "treaties", 6, scope={"stage": "any-stage"})),
}  # fmt: skip


def _run(folder: Path, *args: str, env: dict | None = None):
    return run_cli(folder, *args, env=env)


@pytest.fixture
def project(tmp_path):
    write_corpus(tmp_path, FILES)
    return tmp_path


def _formats(project: Path, *extra: str) -> dict:
    result = _run(project, "check", "--format", "text", "--format", "sarif=out/r.sarif", "--format", "junit=out/r.xml",
                  "--format", "gitlab=out/cq.json", "--format", "json=out/r.json", *extra)  # fmt: skip
    assert result.exit_code == 1, result.output
    out = project / "out"
    return {
        "text": result.output,
        "sarif": json.loads((out / "r.sarif").read_text("utf-8")),
        "junit": (out / "r.xml").read_text("utf-8"),
        "gitlab": json.loads((out / "cq.json").read_text("utf-8")),
        "json": json.loads((out / "r.json").read_text("utf-8")),
    }


def test_several_formats_in_one_run(project):
    outputs = _formats(project)
    assert "CONTRADICTION" in outputs["text"]
    assert outputs["json"]["summary"]["by_verdict"]["contradiction"] == 1


def test_sarif_reads_as_sarif_2_1_0(project):
    from sarif_pydantic import Sarif

    log = _formats(project)["sarif"]
    parsed = Sarif.model_validate(log)
    assert parsed.version == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "claimcheck"
    for result in run["results"]:
        rule = rules[result["ruleIndex"]]
        assert result["ruleId"] == rule["id"]  # GitHub: the ruleId names a declared rule
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert location["region"]["startLine"] >= 1
        assert re.fullmatch(r"[0-9a-f]{16}", result["partialFingerprints"]["claimcheckFinding/v1"])
    assert len(rules) <= 25_000 and all(len(rule["properties"]["tags"]) <= 20 for rule in rules)


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_sarif_locations_point_at_the_claims_and_fingerprints_survive_edits(project):
    log = _formats(project)["sarif"]
    (conflict,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "value-conflict/contradiction"]
    primary = conflict["locations"][0]["physicalLocation"]
    related = conflict["relatedLocations"][0]["physicalLocation"]
    lines = {primary["artifactLocation"]["uri"]: primary["region"]["startLine"],
             related["artifactLocation"]["uri"]: related["region"]["startLine"]}  # fmt: skip
    assert lines == {"claims/a.yaml": _line_of(project / "claims/a.yaml", "id: p"),
                     "claims/b.yaml": _line_of(project / "claims/b.yaml", "id: p")}  # fmt: skip
    # an unrelated edit moves the claim down four lines: the fingerprint stays, the line follows
    path = project / "claims" / "a.yaml"
    path.write_text("# a comment\n# and another\n\n\n" + path.read_text("utf-8"), "utf-8")
    again = _formats(project)["sarif"]
    (moved,) = [r for r in again["runs"][0]["results"] if r["ruleId"] == "value-conflict/contradiction"]
    assert moved["partialFingerprints"] == conflict["partialFingerprints"]
    moved_lines = {loc["physicalLocation"]["artifactLocation"]["uri"]: loc["physicalLocation"]["region"]["startLine"]
                   for loc in moved["locations"] + moved["relatedLocations"]}  # fmt: skip
    assert moved_lines["claims/a.yaml"] == lines["claims/a.yaml"] + 4


def test_junit_as_gitlab_and_jenkins_read_it(project):
    from junitparser import Failure, JUnitXml

    text = _formats(project)["junit"]
    xml = JUnitXml.fromstring(text.encode("utf-8"))  # bytes: lxml refuses text with an encoding declaration
    cases = [case for suite in xml for case in suite]
    names = {case.name for case in cases}
    assert "Freedonia — partners" in names and "Freedonia — treaties" in names
    failed = [case for case in cases if any(isinstance(r, Failure) for r in case.result)]
    assert [case.name for case in failed] == ["Freedonia — partners"]
    root = ET.fromstring(text)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "1" and suite.get("tests") == str(len(cases))
    assert all(case.get("file", "").startswith("claims/") for case in root.iter("testcase"))


def test_gitlab_code_quality(project):
    issues = _formats(project)["gitlab"]
    assert issues, "the contradiction must be reported"
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"].startswith("claims/") and issue["location"]["lines"]["begin"] >= 1
    assert any(i["check_name"] == "value-conflict/contradiction" and i["severity"] == "major" for i in issues)


def test_github_annotations_and_job_summary(project, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", "utf-8")
    result = _run(project, "check", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    (error,) = [line for line in result.output.splitlines() if line.startswith("::error ")]
    assert re.match(r"::error file=claims/a\.yaml,line=\d+,(endLine|col)=\d+,title=claimcheck value-conflict%3A contradiction::", error)
    assert "\n" not in error and "%0A" in error  # the note follows on an escaped line break
    text = summary.read_text("utf-8")
    assert text.startswith("earlier step\n") and "### claimcheck: discrepancy report" in text and "| verdict | findings |" in text


@pytest.mark.parametrize(
    "raw, data, prop",
    [("50% done", "50%25 done", "50%25 done"), ("a\nb\r", "a%0Ab%0D", "a%0Ab%0D"), ("x: y, z", "x: y, z", "x%3A y%2C z")],
)
def test_workflow_command_escaping(raw, data, prop):
    assert escape_data(raw) == data and escape_property(raw) == prop


def test_formats_with_files_and_one_to_the_terminal(project):
    result = _run(project, "check", "--format", "sarif", "--format", "json")
    assert result.exit_code == 2 and "only one format can go to the terminal" in result.output
    result = _run(project, "check", "--format", "sarif", "-o", "x.sarif", "--format", "json=x.json")
    assert (project / "x.sarif").exists() and (project / "x.json").exists()
