"""JUnit XML, as GitLab and Jenkins read it: one test case per checked claim group.

A group is a subject and metric with claims (or a file with input problems);
its open findings at or above the fail level are failures, the others are
written to the case's output. Acknowledged findings and context findings do
not fail a case.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from checker.engine import Result
from checker.findings import SEVERITY_RANK, Finding, status_label


def _describe(finding: Finding) -> str:
    lines = [f"[{finding.severity}] {finding.check}: {finding.verdict}: {finding.message}"]
    if finding.note:
        lines.append(f"  why: {finding.note}")
    if finding.hint:
        lines.append(f"  fix: {finding.hint}")
    if status_label(finding):
        lines.append(
            f"  status: {status_label(finding)}" + (f" ({finding.acknowledgement})" if finding.acknowledgement else "")
        )
    for ref in finding.claims:
        lines.append(f"  {ref.location.path}:{ref.location.line} {ref.source}: {ref.value} {ref.time} “{ref.quote}”")
    return "\n".join(lines)


def render(result: Result) -> str:
    """The run as one JUnit test suite."""
    threshold = SEVERITY_RANK[result.fail_on]
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        key = (
            (finding.subject, finding.metric)
            if finding.subject
            else ("", finding.location.path if finding.location else "")
        )
        groups[key].append(finding)
    for claim in result.corpus.rows:
        groups.setdefault((claim.subject, claim.metric), [])
    suite = ET.Element("testsuite", name="claimcheck")
    failures = 0
    for (subject, second), findings in sorted(groups.items()):
        if subject:
            metric = result.vocabulary.metrics.get(second)
            name = f"{result.vocabulary.entity_name(subject)} — {metric.label if metric else second}"
            classname = f"claimcheck.{subject}"
        else:
            name = f"input {second}"
            classname = "claimcheck.input"
        case = ET.SubElement(suite, "testcase", name=name, classname=classname, time="0")
        located = next((f.location or (f.claims[0].location if f.claims else None) for f in findings), None)
        if located is not None:
            case.set("file", located.path)
            case.set("line", str(located.line))
        failing = [f for f in findings if f.counts and f.rank >= threshold]
        if failing:
            failures += 1
            worst = failing[0]
            failure = ET.SubElement(
                case, "failure", message=f"{worst.check}: {worst.verdict}: {worst.message}", type=worst.verdict
            )
            failure.text = "\n\n".join(_describe(f) for f in failing)
        others = [f for f in findings if f not in failing]
        if others:
            ET.SubElement(case, "system-out").text = "\n\n".join(_describe(f) for f in others)
    suite.set("tests", str(len(groups)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    suite.set("time", "0")
    root = ET.Element("testsuites", name="claimcheck", tests=suite.get("tests", "0"), failures=str(failures))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
