"""The text report: input errors as compiler-style lines, then findings grouped by subject and metric."""

from __future__ import annotations

import textwrap
from itertools import groupby

from tabulate import tabulate

from checker.engine import Result
from checker.findings import Finding
from checker.reporting.json_report import summary

WIDTH = 100
_VERDICT_WORDS = {
    "contradiction": "CONTRADICTION",
    "undetermined": "undetermined",
    "timing": "timing",
    "scope": "scope",
    "corroboration": "corroborated",
    "missing": "quote missing",
    "invalid": "invalid",
}


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)


def _claims_table(finding: Finding) -> str:
    rows = []
    for ref in finding.claims:
        rows.append(
            [
                ref.source,
                ref.value,
                ref.time + (f" [{ref.scope}]" if ref.scope else ""),
                f"“{ref.quote}”",
                f"{ref.location.path}:{ref.location.line}",
            ]
        )
    table = tabulate(
        rows,
        headers=["source", "value", "when / scope", "quote", "claim at"],
        tablefmt="simple",
        maxcolwidths=[18, 14, 18, 30, 24],
    )
    return textwrap.indent(table, "    ")


def _input_errors(findings: list[Finding]) -> list[str]:
    lines = []
    for finding in findings:
        where = str(finding.location) if finding.location else "-"
        hint = f" ({finding.hint})" if finding.hint else ""
        lines.append(f"{where}: {finding.severity}: [{finding.check}] {finding.message}{hint}")
    return lines


def render(result: Result) -> str:
    """The whole report as text for a terminal or a log."""
    inputs = [f for f in result.findings if not f.subject]
    topical = [f for f in result.findings if f.subject]
    out: list[str] = _input_errors(inputs)
    if inputs:
        out.append("")
    for topic, group in groupby(topical, key=lambda f: f.topic):
        out.append(f"== {topic} ".ljust(WIDTH, "="))
        for finding in group:
            verdict = _VERDICT_WORDS.get(finding.verdict, finding.verdict)
            out.append(f"{finding.severity.upper():7} {verdict}: {finding.message}"[: WIDTH * 3])
            if finding.note:
                out.append(_wrap(finding.note))
            if finding.hint:
                out.append(_wrap("Fix: " + finding.hint))
            if finding.claims:
                out.append(_claims_table(finding))
            out.append("")
    facts = summary(result)
    severity = facts["by_severity"]
    verdicts = ", ".join(f"{count} {verdict}" for verdict, count in facts["by_verdict"].items()) or "none"
    out.append(
        f"{facts['files']} files, {facts['sources']} sources, {facts['claims']} claims; "
        f"{severity['error']} errors, {severity['warning']} warnings, {severity['info']} info ({verdicts})"
    )
    return "\n".join(out) + "\n"
