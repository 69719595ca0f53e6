"""The report in Markdown, as GitHub and GitLab render it; also the CI job summary.

The same report as the HTML page, in the same order: a summary, the findings
that most need attention, one section per subject and metric (the verdict in
plain words, the values over time, each finding with its claims side by
side), the background in a collapsed section, and the sources index. Every
text from a claim file is made inert: table pipes escaped, markup shown as text.
"""

from __future__ import annotations

from checker.engine import Result
from checker.findings import Finding, status_label
from checker.reporting.document import Report, Section, build

ICONS = {"error": "🔴", "warning": "🟠", "info": "🔵"}


def cell(text: str) -> str:
    """Text safe in Markdown (a table cell or a line): no pipes, no line breaks, no raw HTML, no link syntax."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("[", "\\[")
        .replace("]", "\\]")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("`", "\\`")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def code(text: str) -> str:
    """Text inside a code span: only backticks and line breaks need care there."""
    return text.replace("`", "'").replace("\r", " ").replace("\n", " ").replace("|", "\\|")


def _finding(finding: Finding) -> list[str]:
    status = f" *({status_label(finding)})*" if status_label(finding) else ""
    lines = [f"{ICONS[finding.severity]} **{cell(finding.verdict)}**{status} — {cell(finding.message)}", ""]
    if finding.note:
        lines += [f"> {cell(finding.note)}", ""]
    if finding.hint:
        lines += [f"Fix: {cell(finding.hint)}", ""]
    if finding.acknowledgement:
        lines += [f"✔ {cell(finding.acknowledgement)}", ""]
    if finding.claims:
        lines += ["| source | published | value | holds | scope | quote | claim |", "|---|---|---|---|---|---|---|"]
        for ref in finding.claims:
            quote = f"“{cell(ref.quote)}”" + (f" ({cell(ref.derivation)})" if ref.derivation else "")
            lines.append(
                f"| {cell(ref.source)} | {cell(ref.published)} | {cell(ref.value)} | {cell(ref.time)} | {cell(ref.scope)} "
                f"| {quote} | `{code(ref.location.path)}:{ref.location.line}` |"
            )
        lines.append("")
    return lines


def _section(section: Section) -> list[str]:
    lines = [f"#### {cell(section.topic)}", "", f"**{cell(section.headline)}.**", ""]
    timeline = section.timeline
    if timeline is not None and len(timeline.entries) > 1:
        steps = " → ".join(cell(entry.describe()) for entry in timeline.entries)
        latest = f" Latest well-supported: **{cell(timeline.latest.value)}**." if timeline.latest else ""
        lines += [f"Over time: {steps}.{latest}", ""]
    for finding in section.findings:
        lines += _finding(finding)
    return lines


def _body(report: Report) -> list[str]:
    facts = report.facts
    severity = facts["by_severity"]
    out = [
        "### claimcheck: discrepancy report",
        "",
        f"{facts['claims']} claims from {facts['sources']} sources in {facts['files']} files; "
        f"{severity['error']} errors, {severity['warning']} warnings, {severity['info']} info; "
        f"{report.acknowledged} acknowledged.",
        "",
        "| verdict | findings |",
        "|---|---:|",
    ]
    out += [f"| {cell(words)} | {count} |" for _, words, count in report.by_verdict]
    out.append("")
    if report.attention:
        out += ["**Needs attention**", ""]
        for index, finding in enumerate(report.attention, 1):
            status = f" *({status_label(finding)})*" if status_label(finding) else ""
            out.append(f"{index}. **{cell(finding.verdict)}**{status} {cell(finding.topic)}: {cell(finding.message)}")
        out.append("")
    else:
        out += ["No open discrepancy.", ""]
    if report.inputs:
        out += ["#### Input problems", ""]
        for finding in report.inputs:
            where = f"`{code(str(finding.location))}` " if finding.location else ""
            out.append(
                f"- {ICONS[finding.severity]} {where}{cell(finding.message)}"
                + (f" — {cell(finding.hint)}" if finding.hint else "")
            )
        out.append("")
    for section in report.sections:
        out += _section(section)
    if report.background:
        out += ["<details>", f"<summary>Agreement and background ({len(report.background)})</summary>", ""]
        for finding in report.background:
            out.append(
                f"- **{cell(finding.verdict)}** {cell(finding.topic)}: {cell(finding.message)} — {cell(finding.note)}"
            )
        out += ["", "</details>", ""]
    out += ["#### Sources", "", "| source | date | origin | claims | agree | explained | conflict | unique |",
            "|---|---|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for row in report.sources:
        out.append(
            f"| **{cell(row.id)}** {cell(row.title)} | {cell(row.date)} | {cell(row.origin)} | {row.claims} | {row.agree} "
            f"| {row.explained} | {row.conflict} | {row.unique} |"
        )
    return out


def render(result: Result) -> str:
    """The report as Markdown."""
    return "\n".join(_body(build(result))).rstrip() + "\n"
