"""The discrepancy report as an editor reads it, independent of how it is rendered.

A summary (what was read, findings by verdict and severity, the few that most
need attention), one section per subject and metric with findings (the
verdict in plain words, the claims side by side, each check's reasoning, the
timeline), and an index of the sources with how their claims fare.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from typing import Optional, Sequence

from checker.corpus.result import Result
from checker.corpus.timeline import Timeline
from checker.model.findings import ACKNOWLEDGED, ClaimRef, Finding
from checker.reporting import chart as charts
from checker.reporting.json_report import summary

#: each verdict in plain words, as a heading an editor understands
PLAIN = {
    "contradiction": "The sources contradict each other",
    "undetermined": "Cannot be decided from the sources alone",
    "stale": "An outdated figure is repeated as current",
    "shortfall": "A list is shorter than the total it belongs to",
    "unstated": "A claim's value is not in its own quote",
    "precision": "A claim's precision differs from its quote",
    "missing": "A quote is not in the source",
    "invalid": "A file could not be used",
    "timing": "Explained by timing",
    "scope": "Explained by scope: they count different things",
    "corroboration": "Confirmed by more than one source",
    "consistent": "A declared relation holds",
    "implied": "A value the sources imply",
    "variants": "One thing, several names",
    "possible-alias": "A wording that may be another name",
    "acknowledged": "Reviewed and acknowledged",
}
#: verdicts that need a person's attention, most pressing first
ATTENTION = ("contradiction", "stale", "undetermined", "shortfall", "unstated", "missing", "invalid", "precision")
GOOD_NEWS = {"corroboration", "consistent", "implied", "variants", "possible-alias"}
CONFLICTING = {"contradiction", "undetermined", "stale", "shortfall"}


#: the columns of a claims table that may be empty in every row: (heading, the field of a claim it shows)
OPTIONAL_COLUMNS = (("published", "published"), ("value", "value"), ("holds", "time"), ("scope", "scope"))


def filled_columns(claims: Sequence[ClaimRef]) -> list[tuple[str, str]]:
    """The optional columns some claim of a table fills: a column empty in every row is left out."""
    return [(heading, name) for heading, name in OPTIONAL_COLUMNS if any(getattr(claim, name) for claim in claims)]


@dataclass
class Section:
    """One subject and metric: its findings and its timeline."""

    topic: str
    subject: str
    metric: str
    findings: list[Finding]
    timeline: Optional[Timeline]
    headline: str  # the most important verdict, in plain words
    worst: str  # that verdict
    integral: bool = False  # the metric is a count: its chart has whole-number ticks

    @property
    def anchor(self) -> str:
        """An id for links to the section: its subject and metric as letters, digits and dashes (an id holds no
        blank), and a digest of the two as written, which keeps apart the sections whose names read alike so
        (a_b and a-b, "x y" and x-y)."""
        said = re.sub(r"[^A-Za-z0-9]+", "-", f"{self.subject}-{self.metric}").strip("-")
        digest = hashlib.sha256(f"{self.subject}\0{self.metric}".encode("utf-8", "surrogatepass")).hexdigest()[:8]
        return f"t-{said}-{digest}"

    @cached_property
    def chart(self) -> Optional[charts.Chart]:
        """The timeline's chart, drawn when a rendering asks for it (the HTML page; Markdown and text draw none)."""
        if self.timeline is None:
            return None
        return charts.build(self.timeline, charts.tones_of(self.findings), self.findings[0].topic, self.integral)


@dataclass
class SourceRow:
    """One source in the index."""

    id: str
    title: str
    publisher: str
    kind: str
    date: str
    origin: str
    archive: str
    claims: int
    agree: int
    explained: int
    conflict: int
    unique: int


@dataclass
class Report:
    """Everything a rendering shows.

    Counts and the findings that need attention are of open findings only
    (not acknowledged): a tile that says "1 contradiction" in red must not
    count one a reviewer has accepted. Acknowledged findings are listed
    apart, with who reviewed them and until when.
    """

    facts: dict
    by_verdict: list[tuple[str, str, int]]  # open findings per verdict: (verdict, in words, count)
    attention: list[Finding]
    sections: list[Section]
    background: list[Finding]
    inputs: list[Finding]
    sources: list[SourceRow] = field(default_factory=list)
    acknowledged: int = 0
    #: acknowledged findings (the most serious first), and how many of each verdict
    reviewed: list[Finding] = field(default_factory=list)
    reviewed_by_verdict: dict[str, int] = field(default_factory=dict)
    open_by_severity: dict[str, int] = field(default_factory=dict)


def _rank(finding: Finding) -> tuple:
    urgency = ATTENTION.index(finding.verdict) if finding.verdict in ATTENTION else len(ATTENTION)
    return (urgency, not finding.counts, -finding.rank, finding.topic, finding.fingerprint)


def source_rows(result: Result, findings: list[Finding]) -> list[SourceRow]:
    """How each source's claims fare: agreeing, explained, in conflict, or stated by no other source."""
    fate: dict[tuple[str, str], str] = {}
    order = {"conflict": 3, "explained": 2, "agree": 1}
    for finding in findings:
        kind = (
            "conflict"
            if finding.verdict in CONFLICTING
            else "explained"
            if finding.verdict in ("timing", "scope")
            else "agree"
            if finding.verdict == "corroboration"
            else None
        )
        if kind is None:
            continue
        for ref in finding.claims:
            key = (ref.source, ref.claim)
            if order[kind] > order.get(fate.get(key, ""), 0):
                fate[key] = kind
    shared: dict[tuple[str, str], set[str]] = {}
    by_source: dict[str, list] = {}
    for claim in result.corpus.rows:
        shared.setdefault((claim.subject, claim.metric), set()).add(claim.source)
        by_source.setdefault(claim.source, []).append(claim)
    rows = []
    for source_id, source in sorted(result.corpus.sources.items()):
        mine = by_source.get(source_id, [])
        counts = {"agree": 0, "explained": 0, "conflict": 0}
        unique = 0
        for claim in mine:
            kind = fate.get(claim.key)
            if kind:
                counts[kind] += 1
            elif len(shared[(claim.subject, claim.metric)]) == 1:
                unique += 1
        model = source.model
        origin = result.vocabulary.entity_name(model.origin) if model.origin else "the outlet itself"
        archive = (
            (source.file.parent / model.archive).as_posix() if model.archive else ""
        )  # relative to the working directory, as the claim file names it
        rows.append(
            SourceRow(source_id, model.title, model.publisher, model.kind.value, source.date_text(), origin,
                      _relative(archive), len(mine), counts["agree"], counts["explained"], counts["conflict"], unique)
        )  # fmt: skip
    return rows


def _relative(path: str) -> str:
    if not path:
        return ""
    import os

    return os.path.relpath(path).replace(os.sep, "/")


def build(result: Result, attention_size: int = 5) -> Report:
    """The report of a run."""
    findings = result.findings
    facts = summary(result)
    counts: dict[str, int] = {}
    reviewed_counts: dict[str, int] = {}
    severities = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        if finding.status == ACKNOWLEDGED:
            reviewed_counts[finding.verdict] = reviewed_counts.get(finding.verdict, 0) + 1
        else:
            counts[finding.verdict] = counts.get(finding.verdict, 0) + 1
            severities[finding.severity] += 1
    by_verdict = [
        (verdict, PLAIN.get(verdict, verdict), counts[verdict]) for verdict in sorted(counts, key=verdict_order)
    ]
    topical = [f for f in findings if f.subject]
    # what most needs an editor's eye: the open discrepancies themselves; reviewed ones are listed apart
    pressing = sorted((f for f in topical if f.verdict in ATTENTION and f.status != ACKNOWLEDGED), key=_rank)
    sections = []
    discussed = [f for f in topical if f.verdict not in GOOD_NEWS]
    keyed = sorted(discussed, key=lambda f: (f.subject, f.metric))
    timelines = result.timelines_by_topic()
    for (subject, metric), group in groupby(keyed, key=lambda f: (f.subject, f.metric)):
        members = sorted(group, key=_rank)
        open_ones = [f for f in members if f.status != ACKNOWLEDGED]
        worst = open_ones[0].verdict if open_ones else ACKNOWLEDGED  # a section of reviewed findings only
        timeline = timelines.get((subject, metric))
        declared = result.vocabulary.metrics.get(metric)
        integral = declared is not None and declared.kind.value == "count"
        sections.append(
            Section(members[0].topic, subject, metric, members, timeline, PLAIN.get(worst, worst), worst, integral)
        )
    sections.sort(key=lambda s: (verdict_order(s.worst), -s.findings[0].rank, s.topic))
    return Report(
        facts=facts,
        by_verdict=by_verdict,
        attention=pressing[:attention_size],
        sections=sections,
        background=sorted(
            (f for f in topical if f.verdict in GOOD_NEWS), key=lambda f: (f.verdict, f.topic, f.fingerprint)
        ),
        inputs=[f for f in findings if not f.subject],
        sources=source_rows(result, findings),
        acknowledged=sum(f.status == ACKNOWLEDGED for f in findings),
        reviewed=sorted((f for f in findings if f.status == ACKNOWLEDGED), key=_rank),
        reviewed_by_verdict=reviewed_counts,
        open_by_severity=severities,
    )


def verdict_order(verdict: str) -> tuple[int, str]:
    if verdict in ATTENTION:
        return (ATTENTION.index(verdict), verdict)
    return (len(ATTENTION) + (verdict in GOOD_NEWS), verdict)
