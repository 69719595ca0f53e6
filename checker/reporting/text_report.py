"""The text report: input errors as compiler-style lines, then findings grouped by subject and metric.

It is laid out for the width the run gives it (the terminal's, else 100 columns). Prose wraps at spaces and
only there, so an id, a path, a date or a number never breaks; a table whose columns would have to be
squeezed becomes one block per row instead, its ids and paths on lines of their own.

It is what a terminal, a pre-commit hook and a CI log show, so it is made inert
(:mod:`checker.reporting.inert`): a hidden character in a claim file is shown by
its code point, laid out at the width it is shown at, and no line runs as a
workflow command.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import groupby, zip_longest
from typing import Optional, Sequence

from checker.corpus.result import Changes, Result
from checker.corpus.timeline import Timeline
from checker.model.findings import ClaimRef, Finding, status_label
from checker.model.plural import counted
from checker.reporting.changes import headline, items
from checker.reporting.inert import inert, visible
from checker.reporting.json_report import summary

#: the narrowest layout: narrower terminals wrap its lines themselves
MIN_WIDTH = 40
#: the widest layout: on a wider terminal a line of prose is too long for the eye to find the next one, and
#: the claims table already fits whole at this width
MAX_WIDTH = 160
_VERDICT_WORDS = {
    "contradiction": "CONTRADICTION",
    "undetermined": "undetermined",
    "timing": "timing",
    "scope": "scope",
    "corroboration": "corroborated",
    "missing": "quote missing",
    "invalid": "invalid",
}
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # where a line may break: not at a no-break space


def cells(text: str) -> int:
    """How many terminal columns ``text`` takes as the report shows it (a hidden character by its code point): wide
    characters take two, combining marks none."""
    if text.isascii() and text.isprintable():
        return len(text)
    text = visible(text)
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _start(indent: int, word: str, width: int) -> str:
    # a word too long for the line after its indent gives up as much of the indent as it must
    return " " * max(0, min(indent, width - cells(word))) + word


def wrap(text: str, width: int, indent: int = 0, hang: Optional[int] = None, lead: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces only; ``hang`` indents the lines after
    the first (default: as the first), ``lead`` starts the first as it is. A word longer than a whole line
    stands alone on one."""
    hang = indent if hang is None else hang
    lines = [" " * indent + lead] if lead else []
    used = cells(lines[0]) if lines else 0  # columns of the last line
    for word in _SPACES.split(text.strip()):
        size = cells(word)
        space = 0 if lines and lines[-1].endswith(" ") else 1
        if lines and used + space + size <= width:
            lines[-1] += " " * space + word
            used += space + size
        elif word:
            lines.append(_start(hang if lines else indent, word, width))
            used = cells(lines[-1])
    return [line.rstrip() for line in lines]


def _pack(items: Sequence[str], width: int, indent: int = 0, sep: str = " · ", end: str = "") -> list[str]:
    """Items joined by ``sep``, as many to a line as fit, each kept whole unless it is longer than a line;
    ``end`` closes a line that breaks between two items."""
    lines: list[str] = []
    for item in items:
        if lines and cells(lines[-1]) + cells(sep) + cells(item) + cells(end) <= width:
            lines[-1] += sep + item
            continue
        if lines:
            lines[-1] += end
        lines += wrap(item, width - cells(end), indent, indent + 2)  # room left for the end it may get
    return lines


def _paragraph(text: str, width: int, indent: int = 4) -> str:
    return "\n".join(wrap(text, width, indent, indent + (2 if not indent else 0)))


def _heading(title: str, width: int) -> str:
    """A section's title ruled out to the width; a title too long for one line wraps, its last line ruled."""
    lines = wrap(f"== {title}", width, hang=3)
    room = width - cells(lines[-1]) - 1
    if room >= 2:
        lines[-1] += " " + "=" * room
    return "\n".join(lines)


class _Column:
    """A table column: its header, whether its cells wrap at spaces, and how narrow it may be before it reads
    as squeezed (a column whose longest text is narrower is as wide as that text)."""

    def __init__(self, header: str, wraps: bool = False, comfortable: int = 0) -> None:
        self.header, self.wraps, self.comfortable = header, wraps, comfortable

    def lines(self, text: str, width: int) -> list[str]:
        """A cell's lines: its own lines, or its text wrapped at ``width``."""
        return wrap(text, width) if self.wraps else text.split("\n")

    def bounds(self, texts: list[str]) -> tuple[int, int]:
        """The narrowest width that keeps every word whole and the column comfortable, and the widest it needs."""
        header = cells(self.header)
        if not self.wraps:
            widest = max([header] + [cells(line) for text in texts for line in text.split("\n")])
            return widest, widest
        words = [_SPACES.split(text.strip()) for text in texts]
        widest = max([header] + [cells(" ".join(line)) for line in words])
        longest = max([header] + [cells(word) for line in words for word in line])
        return max(longest, min(widest, self.comfortable)), widest


def _table(columns: Sequence[_Column], rows: list[list[str]], width: int, indent: int) -> Optional[list[str]]:
    """The rows as a table with a header and a rule, two spaces between columns, or None when it would not fit
    in ``width`` without breaking a word or squeezing a column."""
    bounds = [column.bounds([row[i] for row in rows]) for i, column in enumerate(columns)]
    widths = [low for low, _ in bounds]
    spare = width - indent - sum(widths) - 2 * (len(columns) - 1)
    if spare < 0:
        return None
    wants = [high - low for low, high in bounds]
    if sum(wants) <= spare:
        widths = [high for _, high in bounds]
    else:  # the spare columns shared in proportion to what each column's text still wants
        shares = [spare * want // sum(wants) for want in wants]
        widths = [low + share for low, share in zip(widths, shares, strict=False)]
        for i in [i for i, want in enumerate(wants) if want > shares[i]][: spare - sum(shares)]:
            widths[i] += 1
    pad = " " * indent

    def line(texts: Sequence[str]) -> str:
        return (
            pad + "  ".join(text + " " * (w - cells(text)) for text, w in zip(texts, widths, strict=False))
        ).rstrip()

    out = [line([column.header for column in columns]), line(["-" * w for w in widths])]
    for row in rows:
        parts = [column.lines(text, w) for text, column, w in zip(row, columns, widths, strict=False)]
        out += [line(texts) for texts in zip_longest(*parts, fillvalue="")]
    return out


def _when(ref: ClaimRef) -> str:
    return ref.time + (f" [{ref.scope}]" if ref.scope else "")


def _quote(ref: ClaimRef) -> str:
    return f"“{ref.quote}”" + (f" ({ref.evidence})" if ref.evidence else "")


_CLAIM_COLUMNS = (
    _Column("source / claim at"),
    _Column("value", wraps=True, comfortable=12),
    _Column("when / scope", wraps=True, comfortable=16),
    _Column("quote", wraps=True, comfortable=30),
)


def _claims(finding: Finding, width: int) -> str:
    """The claims of a finding: a table when it fits, else one block per claim."""
    rows = [[f"{ref.source}\n{ref.location.path}:{ref.location.line}", ref.value, _when(ref), _quote(ref)]
            for ref in finding.claims]  # fmt: skip
    table = _table(_CLAIM_COLUMNS, rows, width, 4)
    if table is not None:
        return "\n".join(table)
    out = []
    for ref in finding.claims:
        out += _pack([ref.source, f"{ref.location.path}:{ref.location.line}"], width, 4, sep="  ")
        out += _pack([ref.value] + ([_when(ref)] if _when(ref) else []), width, 6)
        out += wrap(_quote(ref), width, 6)
    return "\n".join(out)


#: verdicts that are good news or background, shown compactly after the disagreements
COMPACT_SECTIONS = (
    ("Checks that hold", ("consistent",)),
    ("Implied values", ("implied",)),
    ("Wording variants", ("variants", "possible-alias")),
    ("Corroborated figures", ("corroboration",)),
)
COMPACT = {verdict for _, verdicts in COMPACT_SECTIONS for verdict in verdicts}


def _compact(title: str, findings: list[Finding], width: int) -> list[str]:
    """One short entry per finding: topic, message, why, and where each claim stands."""
    if not findings:
        return []
    out = [_heading(title, width)]
    for finding in findings:
        out.append(_paragraph(f"{finding.topic}: {finding.message}", width, indent=0))
        if finding.note:
            out.append(_paragraph(finding.note, width))
        if finding.hint:
            out.append(_paragraph("Fix: " + finding.hint, width))
        where = [f"{ref.source} ({ref.location.path}:{ref.location.line})" for ref in finding.claims]
        out.append("\n".join(_pack(where, width, 6, sep="; ", end=";")))
    out.append("")
    return out


def _timeline(timeline: Timeline | None, width: int) -> str:
    """The values over time on one line, and the most recent well-supported one."""
    if timeline is None or len(timeline.entries) < 2:
        return ""
    steps = " → ".join(entry.describe() for entry in timeline.entries)
    latest = f"; latest well-supported: {timeline.latest.value}" if timeline.latest else ""
    return _paragraph(f"Timeline: {steps}{latest}", width, indent=0)


def input_line(finding: Finding) -> str:
    """An input problem in one line, its place first (for editors that read it): "file:line:col: error: [check]
    message (hint)", with its status when it has one."""
    where = str(finding.location) if finding.location else "-"
    hint = f" ({finding.hint})" if finding.hint else ""
    status = f" [{status_label(finding)}]" if status_label(finding) else ""
    return f"{where}: {finding.severity}{status}: [{finding.check}] {finding.message}{hint}"


def _input_errors(findings: list[Finding], width: int) -> list[str]:
    """The input problems one to a line, in the order of their places, as an editor goes through a file (of one
    place, in the order of every report)."""
    placed = sorted(findings, key=lambda f: (f.location.path, f.location.line, f.location.col) if f.location else ("", 0, 0))
    return ["\n".join(wrap(input_line(finding), width, hang=4)) for finding in placed]


def _topics(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings by topic, the topics with the most severe findings first."""
    topics = [(topic, list(group)) for topic, group in groupby(findings, key=lambda f: f.topic)]
    return sorted(topics, key=lambda item: (-max(f.rank for f in item[1]), item[0]))


#: how the headline counts each verdict: the words for one, and for many when they differ beyond an "s"
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


def _headline(result: Result, width: int) -> str:
    facts = summary(result)
    verdicts = facts["by_verdict"]
    words = [counted(verdicts[v], one, many) for v, one, many in _HEADLINE if verdicts.get(v)]
    acknowledged = sum(f.status == "acknowledged" for f in result.findings)
    context = sum(not f.judged for f in result.findings)
    if acknowledged:
        words.append(f"{acknowledged} acknowledged")
    if context:
        words.append(f"{context} outside the files judged (context)")
    read = (
        f"claimcheck: {counted(facts['claims'], 'claim')} from {counted(facts['sources'], 'source')} "
        f"in {counted(facts['files'], 'file')}"
    )
    return "\n".join(wrap(read, width, hang=2) + _pack(words or ["no findings"], width))


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
    """The whole report as text for a terminal or a log, as wide as ``result.width`` (within 40 to 160)."""
    width = max(MIN_WIDTH, min(MAX_WIDTH, result.width))
    inputs = [f for f in result.findings if not f.subject]
    topical = [f for f in result.findings if f.subject and f.verdict not in COMPACT]
    out: list[str] = [] if result.quiet else [_headline(result, width), ""]  # --quiet: the findings only
    if result.changes is not None:
        out += _changes(result.changes, width)
    out += _input_errors(inputs, width)
    if inputs:
        out.append("")
    timelines = result.timelines_by_topic()
    for topic, group in _topics(topical):
        out.append(_heading(topic, width))
        line = _timeline(timelines.get((group[0].subject, group[0].metric)), width)
        if line:
            out += [line, ""]
        for finding in group:
            verdict = _VERDICT_WORDS.get(finding.verdict, finding.verdict)
            status = f" [{status_label(finding)}]" if status_label(finding) else ""
            said = f"{verdict}{status}: {finding.message}"
            out.append("\n".join(wrap(said, width, hang=8, lead=f"{finding.severity.upper():7} ")))
            if finding.note:
                out.append(_paragraph(finding.note, width))
            if finding.acknowledgement:
                out.append(_paragraph("Acknowledged: " + finding.acknowledgement, width))
            if finding.hint:
                out.append(_paragraph("Fix: " + finding.hint, width))
            if finding.claims:
                out.append(_claims(finding, width))
            out.append("")
    for title, verdicts in COMPACT_SECTIONS:
        out += _compact(title, [f for f in result.findings if f.subject and f.verdict in verdicts], width)
    if not result.quiet:
        out += _sources(result, width)
        out.append("\n".join(wrap(_totals(result.counts()), width)))
    return "\n".join(_paint(inert(line), result.color) for line in out) + "\n"


_SOURCE_COLUMNS = (
    _Column("source"),
    _Column("date", wraps=True, comfortable=10),
    *(_Column(header) for header in ("claims", "agree", "explained", "conflict", "unique")),
)


#: how a block says what the columns after "claims" count
_FATES = ("agreeing", "explained", "in conflict", "unique")


def _changes(changes: Changes, width: int) -> list[str]:
    """What changed against a revision: a line each, new ones first."""
    out = [_heading(headline(changes), width)]
    for item in items(changes):
        said = f"{item.kind}: {item.verdict} — {item.topic}: {item.message}"
        out.append("\n".join(wrap(said, width, hang=4)))
    return [*out, ""]


def _sources(result: Result, width: int) -> list[str]:
    """The sources index: how each source's claims fare; a table when it fits, else a block per source."""
    from checker.reporting.document import source_rows

    rows = source_rows(result, result.findings)
    if not rows:
        return []
    texts = [[r.id, r.date, *(str(n) for n in (r.claims, r.agree, r.explained, r.conflict, r.unique))] for r in rows]
    lines = _table(_SOURCE_COLUMNS, texts, width, 0)
    if lines is None:
        lines = []
        for r in rows:
            lines += _pack([r.id, r.date], width, sep="  ")
            fates = zip((r.agree, r.explained, r.conflict, r.unique), _FATES, strict=False)
            fared = ", ".join(f"{count} {word}" for count, word in fates if count)
            lines += wrap(counted(r.claims, "claim") + (f": {fared}" if fared else ""), width, 4, 6)
    return [_heading("Sources", width), "\n".join(lines), ""]
