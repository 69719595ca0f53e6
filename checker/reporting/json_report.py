"""The JSON report: the stable interface other tools consume (documented in docs/json-output.md)."""

from __future__ import annotations

from typing import Any, Iterator, Optional

from checker import __version__
from checker.corpus.kept import KeptFinding, KeptTimeline, each_whole, each_whole_timeline
from checker.corpus.result import Result
from checker.corpus.timeline import Entry, Timeline
from checker.formats.jsontext import pretty_chunks
from checker.model.findings import STATUSES, ClaimRef, Finding, Location

FORMAT_VERSION = 1


def _location(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {
        "path": location.path,
        "line": location.line,
        "column": location.col,
        "end_line": location.end_line or location.line,
        "end_column": location.end_col or location.col,
    }


def _evidence(ref: ClaimRef) -> dict[str, Any] | None:
    if not ref.evidence:
        return None
    path, _, line = ref.evidence.rpartition(":")
    start, end = ref.evidence_span
    return {"path": path, "line": int(line), "start": start, "end": end}


def _claim(ref: ClaimRef) -> dict[str, Any]:
    """A claim reference as a JSON object: its keys in the order docs/json-output.md gives them, which tools read
    by name (who, then what, then where), not the record's own order."""
    return {
        "source": ref.source,
        "claim": ref.claim,
        "origin": ref.origin,
        "published": ref.published,
        "value": ref.value,
        "time": ref.time,
        "scope": ref.scope,
        "quote": ref.quote,
        "evidence": _evidence(ref),
        "derivation": ref.derivation or None,
        "location": _location(ref.location),
    }


def finding_dict(finding: Finding, shown: Optional[dict[int, dict[str, Any]]] = None) -> dict[str, Any]:
    """One finding as a JSON object. ``shown``: the claims already made objects, by the id of their reference
    (findings of one subject show the same claims again and again)."""
    shown = {} if shown is None else shown
    return {
        "fingerprint": finding.fingerprint,
        "check": finding.check,
        "severity": finding.severity,
        "verdict": finding.verdict,
        "subject": finding.subject or None,
        "metric": finding.metric or None,
        "topic": finding.topic or None,
        "message": finding.message,
        "note": finding.note or None,
        "hint": finding.hint or None,
        "location": _location(finding.location),
        "claims": [_shown(ref, shown) for ref in finding.claims],
        **_status(finding),
    }


def _status(finding: Finding) -> dict[str, Any]:
    """The last fields of a finding's object: its status, the acknowledgement that matched it, whether it is
    judged."""
    return {
        "status": finding.status,
        "acknowledgement": finding.review.as_dict() if finding.review else None,
        "judged": finding.judged,
    }


def _items(findings: list[Finding | KeptFinding]) -> Iterator[dict[str, Any]]:
    """The findings' objects (each made whole as it is written), each claim's object made once for the findings of
    its subject (which show the same claims again and again), and let go of when the next subject begins."""
    shown: dict[int, dict[str, Any]] = {}
    subject: Optional[str] = None
    for finding in each_whole(findings):
        if finding.subject != subject:
            shown.clear()
            subject = finding.subject
        yield finding_dict(finding, shown)


def _shown(ref: ClaimRef, shown: dict[int, dict[str, Any]]) -> dict[str, Any]:
    made = shown.get(id(ref))
    if made is None:
        made = shown[id(ref)] = _claim(ref)
    return made


def summary(result: Result) -> dict[str, Any]:
    """Counts of what was read and found."""
    by_verdict: dict[str, int] = {}
    for finding in result.findings:
        by_verdict[finding.verdict] = by_verdict.get(finding.verdict, 0) + 1
    return {
        "files": result.corpus.files,
        "sources": len(result.corpus.sources),
        "claims": result.corpus.claims_read,
        "claims_checked": result.corpus.checked,
        "findings": len(result.findings),
        "by_severity": result.counts(),
        "by_verdict": dict(sorted(by_verdict.items())),
        "by_status": _by_status(result),
    }


def _by_status(result: Result) -> dict[str, int]:
    """How many findings of each status, and how many are judged (the others are context)."""
    out = dict.fromkeys(STATUSES, 0)
    judged = 0
    for finding in result.findings:
        out[finding.status] += 1
        judged += finding.judged
    return {**out, "judged": judged}


def _entry(entry: Entry) -> dict[str, Any]:
    return {
        "value": entry.value,
        "time": entry.time or None,
        "start": entry.start.isoformat() if entry.start else None,
        "end": entry.end.isoformat() if entry.end else None,
        "time_certain": entry.certain,
        "implied": entry.implied,
        "sources": list(entry.sources),
        "origins": list(entry.origins),
        "claims": [c.claim_id for c in entry.claims],
    }


def timeline_dict(timeline: Timeline) -> dict[str, Any]:
    """One timeline as a JSON object."""
    return {
        "subject": timeline.subject,
        "metric": timeline.metric,
        "entries": [_entry(e) for e in timeline.entries],
        "latest": _entry(timeline.latest) if timeline.latest else None,
    }


def _listed(timeline: Timeline | KeptTimeline) -> bool:
    """Whether the report lists a timeline: one of more than one entry."""
    return timeline.listed if isinstance(timeline, KeptTimeline) else len(timeline.entries) > 1


def render(result: Result) -> str:
    """The whole report as JSON text."""
    return b"".join(chunks(result)).decode("utf-8")


def chunks(result: Result) -> Iterator[bytes]:
    """The UTF-8 text of :func:`render`, finding by finding: a report file is written as it is made."""
    head = {"tool": "claimcheck", "version": __version__, "format_version": FORMAT_VERSION, "summary": summary(result)}
    listed = [t for t in result.timelines if _listed(t)]
    return pretty_chunks(
        head,
        {"findings": _items(result.findings), "timelines": (timeline_dict(t) for t in each_whole_timeline(listed))},
    )
