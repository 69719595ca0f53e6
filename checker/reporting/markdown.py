"""Markdown for GitHub and GitLab: a summary table, then each finding that needs attention.

It is also the CI job summary. Open findings come first, grouped by subject
and metric, with the claims side by side; acknowledged findings, context
(outside the files a run is judged on) and good news (corroboration,
relations that hold) follow in collapsed sections.
"""

from __future__ import annotations

from itertools import groupby

from checker.engine import Result
from checker.findings import Finding
from checker.reporting.json_report import summary

GOOD_NEWS = {"corroboration", "consistent", "implied", "variants", "possible-alias"}
ICONS = {"error": "🔴", "warning": "🟠", "info": "🔵"}


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no raw HTML."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def _finding(finding: Finding) -> list[str]:
    where = finding.location or (finding.claims[0].location if finding.claims else None)
    place = f" — `{where.path}:{where.line}`" if where else ""
    lines = [
        f"- {ICONS[finding.severity]} **{cell(finding.verdict)}** ({finding.check}): {cell(finding.message)}{place}"
    ]
    if finding.note:
        lines.append(f"  <br>{cell(finding.note)}")
    if finding.hint:
        lines.append(f"  <br>Fix: {cell(finding.hint)}")
    if finding.acknowledgement:
        lines.append(f"  <br>✔ {cell(finding.acknowledgement)}")
    if finding.claims:
        lines.append("")
        lines.append("  | source | value | when | quote | claim |")
        lines.append("  |---|---|---|---|---|")
        for ref in finding.claims:
            lines.append(
                f"  | {cell(ref.source)} | {cell(ref.value)} | {cell(ref.time)} | “{cell(ref.quote)}” | "
                f"`{cell(ref.location.path)}:{ref.location.line}` |"
            )
        lines.append("")
    return lines


def _section(findings: list[Finding]) -> list[str]:
    out: list[str] = []
    for topic, group in groupby(findings, key=lambda f: f.topic or "Input files"):
        out.append(f"#### {cell(topic)}")
        for finding in group:
            out += _finding(finding)
        out.append("")
    return out


def _collapsed(title: str, findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    return ["<details>", f"<summary>{title} ({len(findings)})</summary>", ""] + _section(findings) + ["</details>", ""]


def render(result: Result) -> str:
    """The run as Markdown."""
    facts = summary(result)
    severity = facts["by_severity"]
    out = [
        "### claimcheck",
        "",
        f"{facts['claims']} claims from {facts['sources']} sources in {facts['files']} files.",
        "",
        "| errors | warnings | info | acknowledged | context |",
        "|---:|---:|---:|---:|---:|",
        f"| {severity['error']} | {severity['warning']} | {severity['info']} | "
        f"{sum(f.status == 'acknowledged' for f in result.findings)} | {sum(f.status == 'context' for f in result.findings)} |",
        "",
    ]
    ordered = sorted(result.findings, key=lambda f: (f.topic, -f.rank, f.check, f.fingerprint))
    attention = [f for f in ordered if f.status == "open" and f.verdict not in GOOD_NEWS]
    if attention:
        out += ["#### Needs attention", ""] if not any(f.topic for f in attention) else []
        out += _section(attention)
    else:
        out += ["No open discrepancy.", ""]
    out += _collapsed("Acknowledged", [f for f in ordered if f.status == "acknowledged"])
    out += _collapsed("Context: outside the files this run is judged on", [f for f in ordered if f.status == "context"])
    out += _collapsed(
        "Agreement and checks that hold", [f for f in ordered if f.status == "open" and f.verdict in GOOD_NEWS]
    )
    return "\n".join(out).rstrip() + "\n"
