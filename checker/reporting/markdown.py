"""The report in Markdown, as GitHub and GitLab render it; also the CI job summary.

The same report as the HTML page, in the same order: a summary, the findings
that most need attention, one section per subject and metric (the verdict in
plain words, the values over time, each finding with its claims side by
side), the background in a collapsed section, and the sources index. Every
text from a claim file is made inert: table pipes escaped, markup shown as text,
a web or mail address shown as code (GitHub makes a bare one a link), hidden
characters shown by their code point, and no line a CI runner would run as a
workflow command (see :mod:`checker.reporting.inert`).

A report given a size (``render(result, limit=...)``: the job summary, which
GitHub rejects whole over 1 MiB) that the whole report would exceed keeps the
summary and lists the findings one by one, the most serious first and open
before acknowledged (see :mod:`checker.reporting.triage`), as many as fit; a
last line says how many were left out and where the whole report is.
"""

from __future__ import annotations

import re
from typing import Optional

from checker.corpus.result import Changes, Result
from checker.model.findings import Finding, status_label
from checker.reporting.changes import headline, items
from checker.reporting.document import GOOD_NEWS, Report, Section, build, filled_columns
from checker.reporting.inert import inert
from checker.reporting.triage import priority

ICONS = {"error": "🔴", "warning": "🟠", "info": "🔵"}
#: GitHub's limit on the job summary of a step, in bytes
SUMMARY_LIMIT = 1024 * 1024
#: bytes kept free for the line that closes a cut report
CLOSING = 600


#: what GitHub's Markdown makes a link of with no markup: a web address (with a scheme, or from "www."), a mail
#: address, a "mailto:" or "xmpp:" address; up to a space or a quotation mark, and without the punctuation that
#: ends a sentence
ADDRESS = re.compile(
    r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\b(?:mailto|xmpp):)[^\s\"'<>`“”‘’]*[^\s\"'<>`“”‘’.,:;!?)\]]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)


def cell(text: str) -> str:
    """Text safe in Markdown (a table cell or a line): no pipes, no line breaks, no raw HTML, no link syntax, and
    each address shown as code, never made a link."""
    if not ADDRESS.search(text):
        return _escaped(text)
    out: list[str] = []
    at = 0
    for match in ADDRESS.finditer(text):
        out += [_escaped(text[at : match.start()]), f"`{code(match.group())}`"]
        at = match.end()
    return "".join(out) + _escaped(text[at:])


def _escaped(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("&", "&amp;")  # "&lt;" in a quote is those four characters, not "<"
        .replace("~", "\\~")  # "~~" would strike through
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


#: claims a finding of a cut report shows before it counts the rest (a contradiction may hold thousands)
BRIEF_ROWS = 50


def _finding(finding: Finding, rows: Optional[int] = None) -> list[str]:
    status = f" *({status_label(finding)})*" if status_label(finding) else ""
    lines = [f"{ICONS[finding.severity]} **{cell(finding.verdict)}**{status} — {cell(finding.message)}", ""]
    if finding.note:
        lines += [f"> {cell(finding.note)}", ""]
    if finding.hint:
        lines += [f"Fix: {cell(finding.hint)}", ""]
    if finding.acknowledgement:
        lines += [f"✔ {cell(finding.acknowledgement)}", ""]
    if finding.claims:
        shown = finding.claims[:rows]
        optional = filled_columns(shown)
        heads = ["source", *(head for head, _ in optional), "quote", "claim"]
        lines += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        for ref in shown:
            quote = f"“{cell(ref.quote)}”" + (f" ({cell(ref.derivation)})" if ref.derivation else "")
            middle = "".join(f" {cell(getattr(ref, name))} |" for _, name in optional)
            lines.append(f"| {cell(ref.source)} |{middle} {quote} | `{code(ref.location.path)}:{ref.location.line}` |")
        if rows is not None and len(finding.claims) > rows:
            lines += ["", f"… and {len(finding.claims) - rows:,} more claims: the whole report lists them."]
        lines.append("")
    return lines


def _section(section: Section, anchored: bool = False) -> list[str]:
    lines = [f"#### {cell(section.topic)}", "", f"**{cell(section.headline)}.**", ""]
    timeline = section.timeline
    if timeline is not None and len(timeline.entries) > 1:
        steps = " → ".join(cell(entry.describe()) for entry in timeline.entries)
        latest = f" Latest well-supported: **{cell(timeline.latest.value)}**." if timeline.latest else ""
        lines += [f"Over time: {steps}.{latest}", ""]
    for finding in section.findings:
        lines += (_anchor(finding) if anchored else []) + _finding(finding)
    return lines


def _head(report: Report, limit: Optional[int] = None) -> list[str]:
    facts = report.facts
    severity = report.open_by_severity
    out = [
        "### claimcheck: discrepancy report",
        "",
        f"{facts['claims']} claims from {facts['sources']} sources in {facts['files']} files; open: "
        f"{severity['error']} errors, {severity['warning']} warnings, {severity['info']} info; "
        f"{report.acknowledged} reviewed and acknowledged, counted apart.",
        "",
    ]
    if report.by_verdict:
        out += ["| verdict | open findings |", "|---|---:|"]
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
    if report.reviewed:
        out += [f"**Reviewed and acknowledged ({len(report.reviewed)})**", ""]
        for finding in report.reviewed[:limit]:
            review = finding.review
            assert review is not None
            out.append(
                f"- **{cell(finding.verdict)}** {cell(finding.topic or finding.check)}: {cell(finding.message)} — "
                f"by {cell(review.by)} on {review.on}, until {review.until}"
            )
        out += [*_more(len(report.reviewed), limit), ""]
    return out


def _input(finding: Finding) -> str:
    where = f"`{code(str(finding.location))}` " if finding.location else ""
    hint = f" — {cell(finding.hint)}" if finding.hint else ""
    return f"- {ICONS[finding.severity]} {where}{cell(finding.message)}{hint}"


def _background(finding: Finding) -> str:
    return f"- **{cell(finding.verdict)}** {cell(finding.topic)}: {cell(finding.message)} — {cell(finding.note)}"


#: the changes and the acknowledged findings a cut report lists, at most (the rest are counted)
CUT_LIST = 20


def _more(count: int, shown: Optional[int]) -> list[str]:
    """The line that counts what a cut list leaves out, if it leaves any."""
    return (
        [f"- … and {count - shown:,} more: the whole report lists them"] if shown is not None and count > shown else []
    )


def _changes(changes: Changes, anchors: set[str], limit: Optional[int] = None) -> list[str]:
    """What changed against a revision: a line each (at most ``limit``), linked to the finding where this report
    lists it."""
    out = [f"#### {cell(headline(changes))}", ""]
    listed = items(changes)
    for item in listed[:limit]:
        topic = cell(item.topic)
        if item.fingerprint in anchors:
            topic = f"[{topic}](#f-{item.fingerprint})"
        out.append(f"- **{item.kind}**: {cell(item.verdict)} — {topic}: {cell(item.message)}")
    return [*out, *_more(len(listed), limit), ""]


def _anchor(finding: Finding) -> list[str]:
    """An anchor the list of what changed links to (GitHub keeps an id, prefixed, and follows links to it)."""
    return [f'<a id="f-{finding.fingerprint}"></a>', ""]


def _body(report: Report, changes: Optional[Changes] = None) -> list[str]:
    out = _head(report)
    if changes is not None:  # the report opens with it, after the line that says what was read
        listed = {f.fingerprint for section in report.sections for f in section.findings}
        out[4:4] = _changes(changes, listed)
    if report.inputs:
        out += ["#### Input problems", ""]
        out += [_input(finding) for finding in report.inputs]
        out.append("")
    for section in report.sections:
        out += _section(section, changes is not None)
    if report.background:
        out += ["<details>", f"<summary>Agreement and background ({len(report.background)})</summary>", ""]
        out += [_background(finding) for finding in report.background]
        out += ["", "</details>", ""]
    out += ["#### Sources", "", "| source | date | origin | claims | agree | explained | conflict | unique |",
            "|---|---|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for row in report.sources:
        out.append(
            f"| **{cell(row.id)}** {cell(row.title)} | {cell(row.date)} | {cell(row.origin)} | {row.claims} | {row.agree} "
            f"| {row.explained} | {row.conflict} | {row.unique} |"
        )
    return out


def render(result: Result, limit: Optional[int] = None) -> str:
    """The report as Markdown; with ``limit``, in at most that many bytes of UTF-8 ("" when not even the line
    that says what is left out fits)."""
    report = build(result)
    text = inert("\n".join(_body(report, result.changes)).rstrip() + "\n")
    if limit is None or len(text.encode("utf-8")) <= limit:
        return text
    return _within(report, result.findings, limit, result.changes)


def _brief(finding: Finding) -> list[str]:
    """A finding on its own, as a cut report lists it."""
    if not finding.subject:
        return [_input(finding), ""]
    if finding.verdict in GOOD_NEWS:
        return [_background(finding), ""]
    return [f"#### {cell(finding.topic)}", ""] + _finding(finding, BRIEF_ROWS)


def _within(report: Report, findings: list[Finding], limit: int, changes: Optional[Changes] = None) -> str:
    """The summary (with what changed, when asked) and as many findings as fit in ``limit`` bytes, the most serious
    first, and what is left out."""
    head = _head(report, CUT_LIST)
    if changes is not None:
        head[4:4] = _changes(changes, set(), CUT_LIST)  # the findings are listed without anchors here
    out = [inert(line) for line in head] + ["#### Findings, the most serious first", ""]
    size = sum(len(line.encode("utf-8")) + 1 for line in out)
    shown = 0
    if size + CLOSING <= limit:
        for finding in sorted(findings, key=priority):
            block = [inert(line) for line in _brief(finding)]
            grown = size + sum(len(line.encode("utf-8")) + 1 for line in block)
            if grown + CLOSING > limit:
                break
            out += block
            size = grown
            shown += 1
    else:
        out = []
    left = len(findings) - shown
    left_out = (
        f"**{left:,} of {len(findings):,} findings {'is' if left == 1 else 'are'} left out of this summary**, and so "
        "are the timelines and the sources index,"
        if left
        else "**The timelines and the sources index are left out of this summary**, and long lists of claims cut,"
    )
    closing = (
        f"{left_out} to keep it within {limit // 1024:,} KiB: `claimcheck report` writes the whole report, and "
        "the SARIF or JSON report has every finding."
    )
    text = "\n".join(out + [closing]) + "\n"
    return text if len(text.encode("utf-8")) <= limit else ""
