"""The text report: input errors as compiler-style lines, then findings grouped by subject and metric."""

from __future__ import annotations

import textwrap
from itertools import groupby

from checker.engine import Result
from checker.findings import Finding
from checker.plural import counted
from checker.reporting.json_report import summary
from checker.timeline import Timeline

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
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + ("  " if not indent else ""),
        break_on_hyphens=False,
    )


#: widths of the claims table's columns: source and place, value, time and scope, quote
_COLUMNS = (32, 12, 16, 30)


def _cell(text: str, width: int) -> str:
    # wrapped here rather than by tabulate, whose own wrapping reads "1,410" as a number and fails
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=True)) or text


def _claims_table(finding: Finding) -> str:
    from tabulate import tabulate  # noqa: PLC0415 - only the text report needs it

    rows = []
    for ref in finding.claims:
        when = ref.time + (f" [{ref.scope}]" if ref.scope else "")
        quote = f"“{ref.quote}”" + (f" ({ref.evidence})" if ref.evidence else "")
        cells = (ref.source, ref.value, when, quote)
        row = [_cell(text, width) for text, width in zip(cells, _COLUMNS, strict=True)]
        row[0] += "\n" + _cell(f"{ref.location.path}:{ref.location.line}", _COLUMNS[0])
        rows.append(row)
    table = tabulate(
        rows, headers=["source / claim at", "value", "when / scope", "quote"], tablefmt="simple", disable_numparse=True
    )
    return textwrap.indent(table, "    ")


#: verdicts that are good news or background, shown compactly after the disagreements
COMPACT_SECTIONS = (
    ("Checks that hold", ("consistent",)),
    ("Implied values", ("implied",)),
    ("Wording variants", ("variants", "possible-alias")),
    ("Corroborated figures", ("corroboration",)),
)
COMPACT = {verdict for _, verdicts in COMPACT_SECTIONS for verdict in verdicts}


def _compact(title: str, findings: list[Finding]) -> list[str]:
    """One short entry per finding: topic, message, why, and where each claim stands."""
    if not findings:
        return []
    out = [f"== {title} ".ljust(WIDTH, "=")]
    for finding in findings:
        out.append(_wrap(f"{finding.topic}: {finding.message}", indent=""))
        out.append(_wrap(finding.note))
        if finding.hint:
            out.append(_wrap("Fix: " + finding.hint))
        where = "; ".join(f"{ref.source} ({ref.location.path}:{ref.location.line})" for ref in finding.claims)
        out.append(_wrap(where, indent="      "))
    out.append("")
    return out


def _timeline(timeline: Timeline | None) -> str:
    """The values over time on one line, and the most recent well-supported one."""
    if timeline is None or len(timeline.entries) < 2:
        return ""
    steps = " → ".join(entry.describe() for entry in timeline.entries)
    latest = f"; latest well-supported: {timeline.latest.value}" if timeline.latest else ""
    return _wrap(f"Timeline: {steps}{latest}", indent="")


def _input_errors(findings: list[Finding]) -> list[str]:
    lines = []
    for finding in findings:
        where = str(finding.location) if finding.location else "-"
        hint = f" ({finding.hint})" if finding.hint else ""
        status = f" [{finding.status}]" if finding.status != "open" else ""
        lines.append(f"{where}: {finding.severity}{status}: [{finding.check}] {finding.message}{hint}")
    return lines


def _topics(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings by topic, the topics with the most severe findings first."""
    topics = [(topic, list(group)) for topic, group in groupby(findings, key=lambda f: f.topic)]
    return sorted(topics, key=lambda item: (-max(f.rank for f in item[1]), item[0]))


#: how the headline counts each verdict: the words for one, and for many when they differ by more than an "s"
_HEADLINE = (
    ("contradiction", "contradiction", None),
    ("undetermined", "undetermined", "undetermined"),
    ("timing", "explained by timing", "explained by timing"),
    ("scope", "explained by scope", "explained by scope"),
    ("stale", "possibly stale", "possibly stale"),
    ("shortfall", "list short of its total", "lists short of their totals"),
    ("corroboration", "corroborated", "corroborated"),
    ("missing", "quote not found", "quotes not found"),
    ("unstated", "value its quote does not state", "values their quotes do not state"),
    ("precision", "precision word that differs from the quote", "precision words that differ from the quote"),
    ("invalid", "input problem", None),
)


def _headline(result: Result) -> str:
    facts = summary(result)
    verdicts = facts["by_verdict"]
    words = [counted(verdicts[v], one, many) for v, one, many in _HEADLINE if verdicts.get(v)]
    acknowledged = sum(f.status == "acknowledged" for f in result.findings)
    context = sum(f.status == "context" for f in result.findings)
    if acknowledged:
        words.append(f"{acknowledged} acknowledged")
    if context:
        words.append(f"{context} outside the files judged (context)")
    counts = " · ".join(words) or "no findings"
    first = (
        f"claimcheck: {counted(facts['claims'], 'claim')} from {counted(facts['sources'], 'source')} "
        f"in {counted(facts['files'], 'file')}"
    )
    return first + "\n" + textwrap.fill(counts, WIDTH)


def _totals(counts: dict[str, int]) -> str:
    """The findings by severity in words: "1 error, 3 warnings, 49 info"."""
    return f"{counted(counts['error'], 'error')}, {counted(counts['warning'], 'warning')}, {counts['info']} info"


_COLOURS = {"ERROR": "\033[1;31m", "WARNING": "\033[33m", "INFO": "\033[36m"}
_RESET = "\033[0m"


def _paint(line: str, color: bool) -> str:
    if not color:
        return line
    for word, code in _COLOURS.items():
        if line.startswith(word):
            return code + word + _RESET + line[len(word) :]
    if line.startswith("== "):
        return "\033[1m" + line + _RESET
    return line


def render(result: Result) -> str:
    """The whole report as text for a terminal or a log."""
    inputs = [f for f in result.findings if not f.subject]
    topical = [f for f in result.findings if f.subject and f.verdict not in COMPACT]
    out: list[str] = [_headline(result), ""]
    out += _input_errors(inputs)
    if inputs:
        out.append("")
    for topic, group in _topics(topical):
        out.append(f"== {topic} ".ljust(WIDTH, "=") if len(topic) < WIDTH - 4 else textwrap.fill(f"== {topic}", WIDTH))
        line = _timeline(result.timeline(group[0].subject, group[0].metric))
        if line:
            out += [line, ""]
        for finding in group:
            verdict = _VERDICT_WORDS.get(finding.verdict, finding.verdict)
            status = f" [{finding.status}]" if finding.status != "open" else ""
            out.append(
                textwrap.fill(
                    f"{finding.severity.upper():7} {verdict}{status}: {finding.message}",
                    WIDTH,
                    subsequent_indent=" " * 8,
                )
            )
            if finding.note:
                out.append(_wrap(finding.note))
            if finding.acknowledgement:
                out.append(_wrap("Acknowledged: " + finding.acknowledgement))
            if finding.hint:
                out.append(_wrap("Fix: " + finding.hint))
            if finding.claims:
                out.append(_claims_table(finding))
            out.append("")
    for title, verdicts in COMPACT_SECTIONS:
        out += _compact(title, [f for f in result.findings if f.subject and f.verdict in verdicts])
    out += _sources(result)
    out.append(_totals(result.counts()))
    return "\n".join(_paint(line, result.color) for line in out) + "\n"


def _sources(result: Result) -> list[str]:
    """The sources index: how each source's claims fare."""
    from tabulate import tabulate  # noqa: PLC0415 - only the text report needs it

    from checker.reporting.document import source_rows

    rows = source_rows(result, result.findings)
    if not rows:
        return []
    table = tabulate(
        [[_cell(r.id, 27), _cell(r.date, 17), r.claims, r.agree, r.explained, r.conflict, r.unique] for r in rows],
        headers=["source", "date", "claims", "agree", "explained", "conflict", "unique"],
        tablefmt="simple",
        disable_numparse=True,
    )
    return ["== Sources ".ljust(WIDTH, "="), table, ""]
