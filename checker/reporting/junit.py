"""JUnit XML, valid against the schema Jenkins' xUnit plugin reads (``junit-10.xsd``) and as GitLab reads it.

Test cases:

- one per finding of the files judged at or above the fail level: a
  ``failure`` when it is open or its acknowledgement has expired, ``skipped``
  (with who accepted it, until when, and why) when it is acknowledged; two
  contradictions are two failures. Its name is the subject and metric (or
  the file, for an input problem), the verdict, the check and the finding's
  fingerprint: stable across runs, so that a CI system can follow a case
  from one run to the next, and what ``claimcheck ack`` takes.
- one passing case, named by the subject and metric alone, for each group of
  claims in the files judged that has no case of its own, so that a clean
  group still shows (and a group whose failure is fixed shows as passing).

A group's other findings (below the fail level, or involving none of the
files judged) are written to the output of its first case; findings of
groups outside the files judged have no case.

The schema allows no ``file`` attribute on a test case, so the cases are
grouped in one test suite per file, named by the file and with the schema's
``file`` attribute: a finding's suite is the file where it is shown (its
claim in a judged file, see :mod:`checker.reporting.triage`), and its
failure message starts with that file and line and names the other claims.
Every suite's ``tests``, ``failures`` and ``skipped`` count its cases, and the
root's add them up.

Whatever a claim file holds, the report stays well-formed XML 1.0 that a person
can read: a character XML cannot hold (a control character, a lone surrogate,
U+FFFE, U+FFFF) or one that hides what a reader sees (a bidirectional
control) is shown by its code point, ``⟨U+FFFF⟩`` (see
:mod:`checker.reporting.inert`; the loader refuses such characters in claim
files, so this guards names and messages made from elsewhere).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

from checker.corpus.result import Result
from checker.model.findings import ACKNOWLEDGED, Finding, at_fail_level, status_label
from checker.reporting.inert import markup_inert, visible
from checker.reporting.triage import Judged, elsewhere, named, priority, shown_at

#: the name of the suite of cases that name no file
NO_FILE = "claimcheck"


@dataclass
class _Case:
    name: str
    classname: str
    finding: Optional[Finding] = None  # None: the passing case of a group
    output: list[Finding] = field(default_factory=list)


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
    if finding.fingerprint:
        lines.append(f"  fingerprint: {finding.fingerprint}")
    for ref in finding.claims:
        lines.append(f"  {ref.location.path}:{ref.location.line} {ref.source}: {ref.value} {ref.time} “{ref.quote}”")
    return "\n".join(lines)


def _group(finding: Finding) -> tuple[str, str]:
    if finding.subject:
        return (finding.subject, finding.metric)
    return ("", finding.location.path if finding.location else "")


def _names(result: Result, group: tuple[str, str]) -> tuple[str, str]:
    """The name and class name of a group's cases."""
    subject, second = group
    if not subject:
        return f"input {second}".rstrip(), "claimcheck.input"
    metric = result.vocabulary.metrics.get(second)
    label = metric.label if metric else second
    name = result.vocabulary.entity_name(subject)
    return (f"{name} — {label}" if label else name), f"claimcheck.{subject}"


def _group_files(result: Result) -> dict[tuple[str, str], str]:
    """For each group of claims in the files judged: the first of those files (in the corpus's order)."""
    judged = result.focus
    files: dict[tuple[str, str], str] = {}
    for row in result.corpus.rows:
        source = result.corpus.sources.get(row.source)
        path = source.path if source is not None else ""
        if (row.subject, row.metric) not in files and (judged is None or judged(path)):
            files[(row.subject, row.metric)] = path
    return files


def render(result: Result) -> str:
    """The run as JUnit test suites, one per file."""
    judged = result.focus
    suites: dict[str, list[_Case]] = defaultdict(list)
    first: dict[tuple[str, str], _Case] = {}  # each group's first case, which takes its other findings
    aside: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in sorted(result.findings, key=lambda f: (_group(f), priority(f))):
        group = _group(finding)
        if not (finding.judged and at_fail_level(finding, result.fail_on, result.strict)):
            aside[group].append(finding)
            continue
        name, classname = _names(result, group)
        case = _Case(f"{name}: {finding.verdict} ({finding.check} {finding.fingerprint})", classname, finding)
        where = shown_at(finding, judged)
        suites[where.path if where else ""].append(case)
        first.setdefault(group, case)
    groups = _group_files(result)
    for group in aside:
        if group not in groups and group not in first and any(f.judged for f in aside[group]):
            where = shown_at(aside[group][0], judged)
            groups[group] = where.path if where else ""
    for group, path in groups.items():
        if group not in first:
            name, classname = _names(result, group)
            first[group] = _Case(name, classname)
            suites[path].append(first[group])
    for group, findings in aside.items():
        if group in first:
            first[group].output += findings
    root = ET.Element("testsuites", name="claimcheck")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for path in sorted(suites):
        suite = ET.SubElement(root, "testsuite", name=path or NO_FILE)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for case in sorted(suites[path], key=lambda c: (c.classname, c.name)):
            counts["tests"] += 1
            element = ET.SubElement(suite, "testcase", name=case.name, classname=case.classname, time="0")
            if case.finding is not None:
                counts[_outcome(element, case.finding, judged)] += 1
            if case.output:
                ET.SubElement(element, "system-out").text = "\n\n".join(_describe(f) for f in case.output)
        for key, count in counts.items():
            totals[key] += count
        suite.set("tests", str(counts["tests"]))
        suite.set("failures", str(counts["failures"]))
        suite.set("errors", "0")
        suite.set("skipped", str(counts["skipped"]))
        suite.set("time", "0")
        if path:
            suite.set("file", path)
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("time", "0")
    ET.indent(root)
    # the markup itself holds no hidden character; a carriage return in an attribute is written "&#13;" (a "&" of
    # the content is written "&amp;"), and is shown like one in a text
    text = visible(ET.tostring(root, encoding="unicode")).replace("&#13;", visible("\r"))
    text = markup_inert(text)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"


def _outcome(case: ET.Element, finding: Finding, judged: Judged) -> str:
    """Write a finding's failure or skip into its case; which of the two it is ("failures" or "skipped")."""
    where = shown_at(finding, judged)
    place = f"{where.path}:{where.line}: " if where is not None else ""
    others = named(elsewhere(finding, where))
    message = f"{place}{finding.check}: {finding.verdict}: {finding.message}" + (f" — {others}" if others else "")
    if finding.status == ACKNOWLEDGED:
        skipped = ET.SubElement(case, "skipped", message=f"{finding.acknowledgement} — {message}")
        skipped.text = _describe(finding)
        return "skipped"
    failure = ET.SubElement(case, "failure", message=message, type=finding.verdict)
    failure.text = _describe(finding)
    return "failures"
