"""The CI formats, each tested against what its consumer documents and reads, and against the published schemas."""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from checker.engine import run
from checker.reporting import REPORTERS, github, markdown, sarif
from checker.reporting.github import escape_data, escape_property
from checker.reporting.triage import priority

from ci_schemas import assert_valid_junit, assert_valid_sarif
from conftest import ROOT, VOCABULARY, claim, one_source, run_cli, source_block, write_corpus

FILES = {
    "a.yaml": one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30"),
                         claim("t", "treaties", 4)),
    "b.yaml": one_source("src-b", "2026-01-12", claim("p", "partners", 13, as_of="2025-12-31"),
                         claim("t", "treaties", 6, scope={"stage": "any-stage"})),
}  # fmt: skip
#: two contradictions between the same two files, a corroboration, and a file that conflicts with nothing
TWO = {
    "a.yaml": one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30"),
                         claim("l", "level", 5, as_of="2025-06-30"), claim("v", "visits", 3, period="2025")),
    "b.yaml": one_source("src-b", "2026-01-12", claim("p", "partners", 13, as_of="2025-12-31"),
                         claim("l", "level", 7, as_of="2025-06-30"), claim("v", "visits", 3, period="2025")),
    "c.yaml": one_source("src-c", "2026-01-12", claim("t", "treaties", 4, as_of="2025-12-31")),
}  # fmt: skip
CONFIG = '[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\nacknowledgements = "acknowledgements.yaml"\n'
TODAY = {"CLAIMCHECK_TODAY": "2026-11-24"}


def _run(folder: Path, *args: str, env: dict | None = None):
    return run_cli(folder, *args, env=env)


@pytest.fixture
def project(tmp_path):
    write_corpus(tmp_path, FILES)
    return tmp_path


@pytest.fixture
def gated(tmp_path):
    """A project whose settings name its corpus: every run loads all of it, whatever it is judged on."""
    write_corpus(tmp_path, TWO)
    (tmp_path / "pyproject.toml").write_text(CONFIG, "utf-8")
    return tmp_path


def _reports(folder: Path, *args: str, env: dict | None = None, terminal: str = "github") -> dict:
    """One check writing every CI format (``terminal`` to stdout), SARIF and JUnit validated against the schemas."""
    result = _run(folder, "check", "--format", terminal, "--format", "sarif=out/r.sarif", "--format", "junit=out/r.xml",
                  "--format", "gitlab=out/cq.json", "--format", "json=out/r.json", *args, env=env)  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    out = folder / "out"
    return {
        "code": result.exit_code,
        terminal: result.output,
        "sarif": assert_valid_sarif(json.loads((out / "r.sarif").read_text("utf-8"))),
        "junit": assert_valid_junit((out / "r.xml").read_bytes()).decode("utf-8"),
        "gitlab": json.loads((out / "cq.json").read_text("utf-8")),
        "json": json.loads((out / "r.json").read_text("utf-8")),
    }


def _formats(project: Path, *extra: str) -> dict:
    outputs = _reports(project, *extra, terminal="text")
    assert outputs["code"] == 1, outputs["text"]
    return outputs


def _ack(folder: Path, fingerprint: str, until: str = "2027-01-31") -> None:
    done = _run(folder, "ack", fingerprint, "--by", "Ana Reviewer", "--reason", "two counts, reviewed",
                "--expires", until, env=TODAY)  # fmt: skip
    assert done.exit_code == 0, done.output


def _fingerprints(outputs: dict, check: str = "value-conflict") -> dict[str, str]:
    """{metric: fingerprint} of one check's findings in the JSON report."""
    return {f["metric"]: f["fingerprint"] for f in outputs["json"]["findings"] if f["check"] == check}


def test_several_formats_in_one_run(project):
    outputs = _formats(project)
    assert "CONTRADICTION" in outputs["text"]
    assert outputs["json"]["summary"]["by_verdict"]["contradiction"] == 1


# ------------------------------------------------------------------ SARIF


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
    for rule in rules:
        tags = rule["properties"]["tags"]
        assert len(tags) <= 20 and len(set(tags)) == len(tags)


def _check_to(folder: Path, *args: str, env: dict | None = None) -> Path:
    """Run a check in a project, writing SARIF to out/r.sarif."""
    target = folder / "out" / "r.sarif"
    done = _run(folder, "check", "--format", "sarif=out/r.sarif", *args, env=env)
    assert done.exit_code in (0, 1), done.output
    return target


@pytest.mark.parametrize("corpus", ["seeds", "company"])
def test_sarif_of_the_shipped_corpora_is_valid(corpus, tmp_path):
    """The project's own claims (with their acknowledgements) and the example company, as they ship."""
    target = tmp_path / "r.sarif"
    args = [] if corpus == "seeds" else ["examples/company/claims", "--rules", "examples/company/rules"]
    done = _run(ROOT, "check", "--format", f"sarif={target}", "--allow-path", str(tmp_path), *args, env=TODAY)
    assert done.exit_code in (0, 1), done.output
    log = assert_valid_sarif(json.loads(target.read_text("utf-8")))
    results = log["runs"][0]["results"]
    assert results
    if corpus == "seeds":  # every real discrepancy of the seeds is acknowledged: each is a suppressed result
        entries = yaml.safe_load((ROOT / "acknowledgements.yaml").read_text("utf-8"))["acknowledgements"]
        suppressed = {r["partialFingerprints"]["claimcheckFinding/v1"] for r in results if "suppressions" in r}
        assert suppressed == {entry["fingerprint"] for entry in entries}


def test_sarif_of_input_errors_is_valid(tmp_path):
    write_corpus(tmp_path, FILES)
    (tmp_path / "claims" / "broken.yaml").write_text("source: {id: x\nclaims: [", "utf-8")
    (tmp_path / "claims" / "odd name: 100%.yaml").write_text(
        yaml.safe_dump(one_source("src-o", "2026-01-01", claim("q", "no_such_metric", 3))), "utf-8"
    )
    log = assert_valid_sarif(json.loads(_check_to(tmp_path).read_text("utf-8")))
    results = log["runs"][0]["results"]
    invalid = [r for r in results if r["properties"]["verdict"] == "invalid"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in invalid}
    assert "claims/broken.yaml" in uris and "claims/odd%20name%3A%20100%25.yaml" in uris


def test_acknowledged_findings_are_suppressed_and_expired_ones_open_again(gated):
    fingerprint = _fingerprints(_reports(gated, env=TODAY))["partners"]
    _ack(gated, fingerprint)

    def conflict(env: dict) -> dict:
        results = _reports(gated, env=env)["sarif"]["runs"][0]["results"]
        return next(r for r in results if r["partialFingerprints"]["claimcheckFinding/v1"] == fingerprint)

    accepted = conflict(TODAY)
    (suppression,) = accepted["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    for part in ("two counts, reviewed", "Ana Reviewer", "2027-01-31"):
        assert part in suppression["justification"]
    assert accepted["level"] == "error" and accepted["properties"]["status"] == "acknowledged"
    expired = conflict({"CLAIMCHECK_TODAY": "2027-02-01"})
    assert "suppressions" not in expired and expired["properties"]["status"] == "expired"


def test_context_findings_are_kept_marked_and_not_suppressed(gated):
    """Judged on c.yaml alone: the conflicts of a.yaml and b.yaml are context, kept at their level."""
    outputs = _reports(gated, "claims/c.yaml", env=TODAY)
    assert outputs["code"] == 0
    results = outputs["sarif"]["runs"][0]["results"]
    conflicts = [r for r in results if r["ruleId"] == "value-conflict/contradiction"]
    assert len(conflicts) == 2
    for result in conflicts:
        assert result["properties"]["judged"] is False and result["level"] == "error"
        assert "suppressions" not in result and "baselineState" not in result


def test_the_cut_at_the_results_limit_keeps_what_to_act_on_first(gated, monkeypatch):
    fingerprints = _fingerprints(_reports(gated, env=TODAY))
    _ack(gated, fingerprints["partners"])
    monkeypatch.setattr(sarif, "MAX_RESULTS", 1)
    outputs = _reports(gated, env=TODAY)
    total = len(outputs["json"]["findings"])
    # the open contradiction is kept; the acknowledged one, then the corroboration, are cut
    (kept,) = outputs["sarif"]["runs"][0]["results"]
    assert kept["partialFingerprints"]["claimcheckFinding/v1"] == fingerprints["level"]
    (note,) = outputs["sarif"]["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"].startswith(f"{total} findings: {total - 1} are left out")


def _many(folder: Path, subjects: int, sources: int = 2) -> int:
    """A corpus of JSON Lines sources that each give a lower figure than the last, at a later time, for each of
    ``subjects`` subjects of a count that may only grow: one contradiction for each two sources and subject;
    how many that is."""
    vocabulary = json.loads(json.dumps(VOCABULARY))
    vocabulary["entities"].update({f"e{i}": {"name": f"Place {i}", "kind": "country"} for i in range(subjects)})
    write_corpus(folder, {}, vocabulary)
    for number in range(sources):
        value = 20 - number
        claims = [{"id": f"c{i}", "subject": f"e{i}", "metric": "partners", "value": value,
                   "quote": f"it says {value}", "as_of": f"2025-0{number + 1}-28"} for i in range(subjects)]  # fmt: skip
        body = {"source": source_block(f"src-{number}", "2026-01-10"), "claims": claims}
        (folder / "claims" / f"src-{number}.jsonl").write_text(json.dumps(body) + "\n", "utf-8")
    return subjects * sources * (sources - 1) // 2


@pytest.mark.slow
def test_sarif_over_25000_results_is_valid_and_cut(tmp_path):
    total = _many(tmp_path, 4170, sources=4)  # six contradictions a subject
    assert total > sarif.MAX_RESULTS
    log = assert_valid_sarif(json.loads(_check_to(tmp_path, "--no-cache").read_text("utf-8")))
    assert len(log["runs"][0]["results"]) == sarif.MAX_RESULTS
    (note,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"].startswith(f"{total} findings: {total - sarif.MAX_RESULTS} are left out")


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


# ------------------------------------------------------------------ findings land on the diff


def _git(folder: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")  # fmt: skip
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True, env=env).stdout


@pytest.mark.parametrize("how", ["paths", "since"])
def test_a_conflict_a_change_brings_in_is_shown_on_the_changed_file(gated, how):
    """b.yaml is the change; a.yaml, the other side of both conflicts, sorts first and is untouched."""
    if how == "since":
        (gated / "claims" / "b.yaml").rename(gated / "b.yaml")
        _git(gated, "init", "-q")
        _git(gated, "add", "-A")
        _git(gated, "commit", "-qm", "base")
        (gated / "b.yaml").rename(gated / "claims" / "b.yaml")
        judged = ["--since", "HEAD"]
    else:
        judged = ["claims/b.yaml"]
    outputs = _reports(gated, *judged, env=TODAY)
    assert outputs["code"] == 1
    a_line = {metric: _line_of(gated / "claims" / "a.yaml", f"id: {metric[0]}") for metric in ("partners", "level")}
    results = [r for r in outputs["sarif"]["runs"][0]["results"] if r["ruleId"] == "value-conflict/contradiction"]
    assert len(results) == 2
    for result in results:
        (primary,) = result["locations"]
        assert primary["physicalLocation"]["artifactLocation"]["uri"] == "claims/b.yaml"
        (other,) = result["relatedLocations"]
        assert other["physicalLocation"]["artifactLocation"]["uri"] == "claims/a.yaml"
        assert other["physicalLocation"]["region"]["startLine"] == a_line[result["properties"]["metric"]]
    errors = [line for line in outputs["github"].splitlines() if line.startswith("::error ")]
    assert len(errors) == 2
    for line in errors:
        assert line.startswith("::error file=claims/b.yaml,") and re.search(r"also at claims/a\.yaml:\d+ \(src-a", line)
    issues = [i for i in outputs["gitlab"] if i["check_name"] == "value-conflict/contradiction"]
    assert len(issues) == 2
    for issue in issues:
        assert issue["location"]["path"] == "claims/b.yaml" and "claims/a.yaml:" in issue["description"]
    suites = ET.fromstring(outputs["junit"]).findall("testsuite")
    failed = {suite.get("file"): suite.findall("testcase/failure") for suite in suites}
    assert [path for path, failures in failed.items() if failures] == ["claims/b.yaml"]
    assert len(failed["claims/b.yaml"]) == 2
    for failure in failed["claims/b.yaml"]:
        message = failure.get("message", "")
        assert message.startswith("claims/b.yaml:") and "also at claims/a.yaml:" in message


# ------------------------------------------------------------------ JUnit


def _cases(text: str) -> list:
    from junitparser import JUnitXml

    xml = JUnitXml.fromstring(text.encode("utf-8"))  # bytes: lxml refuses text with an encoding declaration
    return [case for suite in xml for case in suite]


def test_junit_as_gitlab_and_jenkins_read_it(project):
    from junitparser import Failure

    cases = _cases(_formats(project)["junit"])
    failed = [case for case in cases if any(isinstance(r, Failure) for r in case.result)]
    assert [case.name.split(":")[0] for case in failed] == ["Freedonia — partners"]
    assert "Freedonia — treaties" in {case.name for case in cases}  # a group with no failure still shows
    assert all(case.classname == "claimcheck.freedonia" for case in cases)


def _counted(text: str) -> dict:
    """The counts of the report's root and suites, each checked against the cases it holds."""
    root = ET.fromstring(text)
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counts = {"tests": len(cases), "failures": sum(c.find("failure") is not None for c in cases),
                  "skipped": sum(c.find("skipped") is not None for c in cases)}  # fmt: skip
        assert {key: int(suite.get(key, "-1")) for key in counts} == counts, suite.get("name")
        assert suite.get("errors") == "0"
        totals = {key: totals[key] + counts[key] for key in totals}
    assert (int(root.get("tests", "-1")), int(root.get("failures", "-1"))) == (totals["tests"], totals["failures"])
    return totals


def test_junit_has_one_case_per_failing_finding_and_acknowledged_ones_skipped(gated):
    from junitparser import Failure, Skipped

    outputs = _reports(gated, env=TODAY)
    assert _counted(outputs["junit"])["failures"] == 2  # two contradictions are two failures
    fingerprints = _fingerprints(outputs)
    _ack(gated, fingerprints["partners"])
    outputs = _reports(gated, env=TODAY)
    assert _counted(outputs["junit"]) | {"tests": 0} == {"tests": 0, "failures": 1, "skipped": 1}
    cases = _cases(outputs["junit"])
    (skipped,) = [case for case in cases if any(isinstance(r, Skipped) for r in case.result)]
    assert fingerprints["partners"] in skipped.name
    message = skipped.result[0].message
    assert "two counts, reviewed" in message and "Ana Reviewer" in message and "2027-01-31" in message
    (failed,) = [case for case in cases if any(isinstance(r, Failure) for r in case.result)]
    assert fingerprints["level"] in failed.name
    # the corroboration (info) is no case of its own: its group's case passes and carries it in its output
    (visits,) = [case for case in cases if case.name.startswith("Freedonia — visits")]
    assert not visits.result and "corroboration" in visits.system_out
    # expired: a failure again
    expired = _reports(gated, env={"CLAIMCHECK_TODAY": "2027-02-01"})
    assert _counted(expired["junit"])["failures"] >= 2


def test_junit_cases_follow_the_fail_level(gated):
    strict = _reports(gated, "--fail-on", "info", env=TODAY)
    findings = strict["json"]["findings"]
    assert any(f["severity"] == "info" for f in findings)
    assert _counted(strict["junit"])["failures"] == sum(f["judged"] and f["status"] != "acknowledged" for f in findings)


def test_junit_of_the_shipped_corpus_is_valid(tmp_path):
    target = tmp_path / "r.xml"
    done = _run(ROOT, "check", "--format", f"junit={target}", "--allow-path", str(tmp_path), env=TODAY)
    assert done.exit_code in (0, 1), done.output
    text = assert_valid_junit(target.read_bytes()).decode("utf-8")
    totals = _counted(text)
    entries = yaml.safe_load((ROOT / "acknowledgements.yaml").read_text("utf-8"))["acknowledgements"]
    document = json.loads(_run(ROOT, "check", "--format", "json", env=TODAY).output)
    errors = [f for f in document["findings"] if f["severity"] == "error" and f["judged"]]
    assert totals["skipped"] == sum(f["status"] == "acknowledged" for f in errors) <= len(entries)
    assert totals["failures"] == sum(f["status"] != "acknowledged" for f in errors)


def test_junit_stays_valid_with_characters_xml_cannot_hold(gated, monkeypatch):
    """The loader keeps control characters out of claims and shows them escaped in paths; should one reach a
    message all the same (an undecodable file name reads as lone surrogates), the report stays valid XML and shows
    each by its code point."""
    monkeypatch.chdir(gated)
    result = run([Path("claims")], Path("rules"))
    (conflict,) = [f for f in result.findings if f.metric == "level"]
    result.findings = [replace(conflict, message="5 vs 7\x01\x1b", note="a file \udcff")]
    text = assert_valid_junit(REPORTERS["junit"](result).encode("utf-8")).decode("utf-8")
    assert "5 vs 7⟨U+0001⟩⟨U+001B⟩" in text and "a file ⟨U+DCFF⟩" in text


# ------------------------------------------------------------------ GitLab


def test_gitlab_code_quality(project):
    issues = _formats(project)["gitlab"]
    assert issues, "the contradiction must be reported"
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"].startswith("claims/") and issue["location"]["lines"]["begin"] >= 1
    assert any(i["check_name"] == "value-conflict/contradiction" and i["severity"] == "major" for i in issues)


def test_gitlab_holds_what_to_act_on_and_info_only_when_the_run_fails_on_it(gated):
    outputs = _reports(gated, env=TODAY)
    findings = outputs["json"]["findings"]
    wanted = {f["fingerprint"] for f in findings if f["status"] in ("open", "expired") and f["severity"] != "info"}
    assert any(f["severity"] == "info" for f in findings)  # the corroboration is left out by default
    issues = outputs["gitlab"]
    assert len(issues) == len(wanted) == 2 and all(i["severity"] != "info" for i in issues)
    everything = _reports(gated, "--fail-on", "info", env=TODAY)["gitlab"]
    assert len(everything) == sum(f["status"] == "open" for f in findings) > len(issues)
    assert {i["check_name"] for i in everything} >= {"corroboration/corroboration"}
    # fingerprints: unique, and the same on the next run after an unrelated edit
    path = gated / "claims" / "a.yaml"
    path.write_text("# moved\n\n" + path.read_text("utf-8"), "utf-8")
    again = _reports(gated, env=TODAY)["gitlab"]
    assert sorted(i["fingerprint"] for i in again) == sorted(i["fingerprint"] for i in issues)
    assert len({i["fingerprint"] for i in everything}) == len(everything)
    # acknowledged: left out; expired: back
    fingerprint = _fingerprints(outputs)["partners"]
    _ack(gated, fingerprint)
    assert len(_reports(gated, env=TODAY)["gitlab"]) == 1
    expired = _reports(gated, env={"CLAIMCHECK_TODAY": "2027-02-01"})["gitlab"]
    assert sum(i["check_name"] == "value-conflict/contradiction" for i in expired) == 2


# ------------------------------------------------------------------ GitHub


def test_github_annotations_and_job_summary(project, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", "utf-8")
    result = _run(project, "check", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    (error,) = [line for line in result.output.splitlines() if line.startswith("::error ")]
    assert re.match(r"::error file=claims/a\.yaml,line=\d+,(endLine|col)=\d+,title=claimcheck value-conflict%3A contradiction::", error)
    assert "\n" not in error and "%0A" in error  # the note follows on an escaped line break
    text = summary.read_text("utf-8")
    assert text.startswith("earlier step\n") and "### claimcheck: discrepancy report" in text and "| verdict | open findings |" in text


def test_github_and_gitlab_end_on_the_last_line_of_the_claim(project):
    """Their end lines are inclusive, where a location's end is exclusive: a claim that ends with its file ends at
    the first column of the line after it, which is not a line of the claim (nor of the file)."""
    outputs = _formats(project)
    result = _run(project, "check", "--format", "github")
    ends = [
        *((p, int(b), int(e)) for p, b, e in re.findall(r"file=([^,]+),line=(\d+),endLine=(\d+)", result.output)),
        *((i["location"]["path"], i["location"]["lines"]["begin"], i["location"]["lines"]["end"])
          for i in outputs["gitlab"]),
    ]  # fmt: skip
    assert ends
    for path, begin, end in ends:
        lines = (project / path).read_text("utf-8").splitlines()
        # within the file, and not the line where the next claim begins
        assert begin < end <= len(lines) and not lines[end - 1].lstrip().startswith("- "), (path, begin, end)


def test_a_json_lines_document_ends_after_its_last_character(tmp_path):
    claims, _ = write_corpus(tmp_path, {"a.yaml": FILES["a.yaml"]})
    line = json.dumps(FILES["b.yaml"], default=str)
    (claims / "b.jsonl").write_text(line + "\n", "utf-8")
    report = json.loads(_run(tmp_path, "check", "--format", "json").stdout)
    places = [c["location"] for f in report["findings"] for c in f["claims"] if c["location"]["path"].endswith("jsonl")]
    assert places and all((p["end_line"], p["end_column"]) == (1, len(line) + 1) for p in places)


def _levels(output: str) -> dict[str, list[str]]:
    lines = output.splitlines()
    levels = ("error", "warning", "notice")
    return {level: [line for line in lines if line.startswith(f"::{level} ")] for level in levels}


def test_github_annotations_stay_within_what_github_shows_and_say_what_is_left(tmp_path):
    total = _many(tmp_path, 40)
    result = _run(tmp_path, "check", "--format", "github", "--no-cache")
    assert result.exit_code == 1
    levels = _levels(result.output)
    assert len(levels["error"]) == github.PER_LEVEL and len(result.output.splitlines()) <= github.PER_STEP
    (notice,) = levels["notice"]
    assert result.output.splitlines()[-1] == notice
    assert f"::{total - github.PER_LEVEL} more findings are not annotated" in notice


def test_github_annotations_on_the_files_judged_come_first_and_keep_a_place_for_the_notice(gated, monkeypatch):
    """Synthetic findings on a real run: twelve notices on the file judged and a more urgent one off it."""
    monkeypatch.chdir(gated)
    result = run([Path("claims")], Path("rules"))
    (corroboration,) = [f for f in result.findings if f.verdict == "corroboration"]
    (conflict,) = [f for f in result.findings if f.metric == "level"]
    own = [replace(corroboration, fingerprint=f"{i:016x}", message=f"notice {i}") for i in range(12)]
    away = replace(conflict, severity="info", claims=conflict.claims[:1], location=conflict.claims[0].location,
                   fingerprint="f" * 16)  # fmt: skip
    assert priority(away) < min(priority(f) for f in own)  # more urgent, yet not on a file judged
    result.findings = own + [away]
    result.fail_on = "info"
    result.focus = lambda path: path == "claims/b.yaml"
    assert away.claims[0].location.path == "claims/a.yaml"
    levels = _levels(github.render(result))
    shown, closing = levels["notice"][:-1], levels["notice"][-1]
    assert len(levels["notice"]) == github.PER_LEVEL and len(shown) == github.PER_LEVEL - 1
    assert all(line.startswith("::notice file=claims/b.yaml,") for line in shown)
    assert closing.startswith("::notice title=claimcheck::4 more findings are not annotated")


@pytest.mark.slow
def test_the_job_summary_stays_under_github_s_limit(tmp_path):
    total = _many(tmp_path, 3000)
    summary = tmp_path / "summary.md"
    earlier = "## an earlier step\n\n" + "é" * 60_000 + "\n"
    summary.write_text(earlier, "utf-8")
    whole = _run(tmp_path, "check", "--format", "markdown", "--no-cache")
    assert len(whole.output.encode("utf-8")) > markdown.SUMMARY_LIMIT  # what the summary would have been
    result = _run(tmp_path, "check", "--format", "github", "--no-cache", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    data = summary.read_bytes()
    assert len(data) < markdown.SUMMARY_LIMIT and data.startswith(earlier.encode("utf-8"))
    text = data.decode("utf-8")
    shown = len(re.findall(r"^#### Place \d+ — partners$", text, re.M))
    assert 100 < shown < total
    (closing,) = [line for line in text.splitlines() if "left out of this summary" in line]
    assert closing.startswith(f"**{total - shown:,} of {total:,} findings are left out of this summary**")
    assert "claimcheck report" in closing and text.endswith(closing + "\n")


def test_a_cut_summary_lists_the_most_serious_first_open_before_acknowledged(gated, monkeypatch):
    from checker.pipeline import CheckRequest, execute

    _ack(gated, _fingerprints(_reports(gated, env=TODAY))["partners"])
    monkeypatch.chdir(gated)
    monkeypatch.setenv("CLAIMCHECK_TODAY", TODAY["CLAIMCHECK_TODAY"])
    result = execute(CheckRequest(formats=("markdown",), no_cache=True)).result
    assert result is not None
    order = [f.topic for f in sorted(result.findings, key=priority)]
    # the open contradiction, the acknowledged one, the corroboration
    assert order == ["Freedonia — water level", "Freedonia — partners", "Freedonia — visits"]
    assert [f.status for f in sorted(result.findings, key=priority)][:2] == ["open", "acknowledged"]
    whole = len(markdown.render(result).encode("utf-8"))
    seen = set()
    for limit in range(600, whole, 40):
        text = markdown.render(result, limit=limit)
        assert len(text.encode("utf-8")) <= limit
        if not text:
            continue
        listed = text.split("#### Findings, the most serious first", 1)[-1]
        present = [topic for topic in order if f"{topic}" in listed]
        assert present == order[: len(present)], limit  # a prefix of the findings, most serious first
        left = 3 - len(present)
        if left:
            assert f"**{left} of 3 findings {'is' if left == 1 else 'are'} left out of this summary**" in listed
        else:
            assert "**The timelines and the sources index are left out of this summary**" in listed
        seen.add(len(present))
    assert seen == {0, 1, 2, 3}
    assert markdown.render(result, limit=10) == ""


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


def test_a_stale_acknowledgement_fails_in_the_ci_formats_under_strict(tmp_path):
    """--strict makes a stale acknowledgement fail the run: JUnit, GitLab and GitHub show it as failing too."""
    import json as _json

    from conftest import claim, one_source, run_cli, write_corpus

    write_corpus(tmp_path, {"a.yaml": one_source("a", "2026-01-12", claim("p", "partners", 3, as_of="2025-12-31"))})
    (tmp_path / "pyproject.toml").write_text('[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\n', "utf-8")
    (tmp_path / "acknowledgements.yaml").write_text(
        "acknowledgements:\n  - {fingerprint: 0123456789abcdef, reviewed_by: me, reviewed_on: '2026-01-01',"
        " reason: gone, expires: '2027-12-31'}\n", "utf-8")  # fmt: skip
    for strict in (False, True):
        flags = ["--strict"] if strict else []
        junit = run_cli(tmp_path, "check", "--format", "junit", *flags)
        gitlab = run_cli(tmp_path, "check", "--format", "gitlab", "--fail-on", "error", *flags)
        github = run_cli(tmp_path, "check", "--format", "github", *flags)
        assert junit.exit_code == gitlab.exit_code == github.exit_code == (1 if strict else 0)
        assert ("<failure" in junit.output) is strict
        assert any("stale" in issue["description"] for issue in _json.loads(gitlab.output))  # a warning: always shown
        assert "stale acknowledgement" in github.output


def test_a_cut_summary_shows_a_long_contradiction_with_its_first_claims(tmp_path):
    """A contradiction of many values is listed in a cut summary with its first claims and a count of the rest."""
    files = {
        f"s{n:03d}.yaml": one_source(f"src-{n:03d}", "2026-01-10", claim("c", "partners", n + 1, as_of="2025-12-31"))
        for n in range(120)
    }
    write_corpus(tmp_path, files)
    whole = markdown.render(run([tmp_path / "claims"], tmp_path / "rules"))
    cut = markdown.render(run([tmp_path / "claims"], tmp_path / "rules"), limit=len(whole.encode("utf-8")) - 1)
    assert cut.count("\n| src-") == markdown.BRIEF_ROWS
    assert f"… and {120 - markdown.BRIEF_ROWS} more claims: the whole report lists them." in cut
    assert "**The timelines and the sources index are left out of this summary**" in cut


# ------------------------------------------------------------------ claim content that would act on the reader


def _hostile_reports(tmp_path: Path) -> dict:
    """Every CI format of a conflict between two files: one named like a URI with a query and a fragment, whose
    quote holds a right-to-left override and "##[", the other whose title holds isolates."""
    a = one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30",
                                                quote="it says \u202e41 ##[add-mask]token"))  # fmt: skip
    b = one_source("src-b", "2025-07-02", claim("p", "partners", 10, as_of="2025-06-30"))
    b["source"]["title"] = "A \u2067title\u2069"
    write_corpus(tmp_path, {"good b#frag?q=1.yaml": a, "b.yaml": b})
    return _reports(tmp_path, "--format", "markdown=out/r.md")


def test_file_uris_are_percent_encoded_and_other_formats_name_the_path(tmp_path):
    from urllib.parse import unquote, urlsplit

    outputs = _hostile_reports(tmp_path)
    path = "claims/good b#frag?q=1.yaml"
    assert sarif.uri(path) == "claims/good%20b%23frag%3Fq=1.yaml"
    uris = {place["physicalLocation"]["artifactLocation"]["uri"] for result in outputs["sarif"]["runs"][0]["results"]
            for place in [*result.get("locations", []), *result.get("relatedLocations", [])]}  # fmt: skip
    assert "claims/good%20b%23frag%3Fq=1.yaml" in uris
    for uri in uris:  # RFC 3986: a relative reference whose whole is the path, decoded back to the file's
        parts = urlsplit(uri)
        assert not (parts.scheme or parts.netloc or parts.query or parts.fragment) and unquote(parts.path) in (path, "claims/b.yaml")
    assert {issue["location"]["path"] for issue in outputs["gitlab"]} <= {path, "claims/b.yaml"}  # GitLab: a path
    assert f'file="{path}"' in outputs["junit"]
    assert f"file={path}," in outputs["github"] or f"{path}:8" in outputs["github"]


def test_hidden_characters_are_shown_by_their_code_point_in_every_message(tmp_path):
    outputs = _hostile_reports(tmp_path)
    hidden = re.compile("[\u202a-\u202e\u2066-\u2069]")
    sarif_text = json.dumps(outputs["sarif"], ensure_ascii=False)
    for name, text in [("sarif", sarif_text), ("gitlab", json.dumps(outputs["gitlab"], ensure_ascii=False)),
                       ("junit", outputs["junit"]), ("github", outputs["github"])]:  # fmt: skip
        assert not hidden.search(text), name
        assert "⟨U+202E⟩41" in text, name
    assert "##[" not in outputs["github"]
    assert "⟨U+202E⟩41" in (tmp_path / "out" / "r.md").read_text("utf-8")
    assert "\u202e41" in json.dumps(outputs["json"], ensure_ascii=False)  # the JSON report keeps the data as it is
