"""The JSON report: the stable interface other tools consume (documented in docs/json-output.md)."""

from __future__ import annotations

from typing import Any, Iterator, Optional, Sequence

from checker import __version__
from checker.corpus.kept import KeptFinding, KeptTimeline, forget, iso, plain_finding, plain_timeline
from checker.corpus.result import Result
from checker.corpus.timeline import Entry, Point, Timeline
from checker.formats.jsontext import pretty_chunks
from checker.model.findings import REF_LOCATION, STATUSES, ClaimRef, Finding, Location, ref_fields

#: where a point of a timeline made plain says whether its claim is implied
IMPLIED = Point._fields.index("implied")

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


def _claim(ref: ClaimRef) -> dict[str, Any]:
    """A claim reference as a JSON object."""
    return _claim_object(ref_fields(ref), _location(ref.location))


def _claim_object(fields: Sequence[Any], location: dict[str, Any] | None) -> dict[str, Any]:
    """A claim reference as a JSON object, from its fields in their order (those of a reference, or of one made
    plain): its keys in the order docs/json-output.md gives them, which tools read by name (who, then what, then
    where), not the record's own order."""
    source, claim, _, value, time, scope, quote, origin, published, evidence, span, derivation = fields
    shown = None
    if evidence:
        path, _, line = evidence.rpartition(":")
        shown = {"path": path, "line": int(line), "start": span[0], "end": span[1]}
    return {
        "source": source,
        "claim": claim,
        "origin": origin,
        "published": published,
        "value": value,
        "time": time,
        "scope": scope,
        "quote": quote,
        "evidence": shown,
        "derivation": derivation or None,
        "location": location,
    }


def finding_dict(finding: Finding, shown: Optional[dict[int, dict[str, Any]]] = None) -> dict[str, Any]:
    """One finding as a JSON object. ``shown``: the claims already made objects, by the id of their reference
    (findings of one subject show the same claims again and again)."""
    shown = {} if shown is None else shown
    claims = []
    for ref in finding.claims:
        made = shown.get(id(ref))
        if made is None:
            made = shown[id(ref)] = _claim(ref)
        claims.append(made)
    f = finding
    return _finding_object(f, f.verdict, f.message, f.fingerprint, f.note, f.hint, _location(f.location), claims,
                           f.topic)  # fmt: skip


def _kept_dict(finding: KeptFinding, shown: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """A kept finding as a JSON object, made from its plain data (see :func:`finding_dict`; ``shown`` holds the
    claims made objects, by their place among the claims of the subject)."""
    data, refs, where = plain_finding(finding)
    *_, verdict, message, fingerprint, note, hint, at, numbers, topic = data
    claims = []
    for number in numbers:
        made = shown.get(number)
        if made is None:
            ref = refs[number]
            made = shown[number] = _claim_object(ref, _location(where[ref[REF_LOCATION]]))
        claims.append(made)
    location = _location(where[at]) if at is not None else None
    return _finding_object(finding, verdict, message, fingerprint, note, hint, location, claims, topic)


def _finding_object(
    finding: Finding | KeptFinding,
    verdict: str,
    message: str,
    fingerprint: str,
    note: str,
    hint: str,
    location: dict[str, Any] | None,
    claims: list[dict[str, Any]],
    topic: str,
) -> dict[str, Any]:
    """A finding's JSON object: what the gate set (severity, status, review, judgement) and what names it come
    from ``finding``, the rest as given."""
    return {
        "fingerprint": fingerprint,
        "check": finding.check,
        "severity": finding.severity,
        "verdict": verdict,
        "subject": finding.subject or None,
        "metric": finding.metric or None,
        "topic": topic or None,
        "message": message,
        "note": note or None,
        "hint": hint or None,
        "location": location,
        "claims": claims,
        "status": finding.status,
        "acknowledgement": finding.review.as_dict() if finding.review else None,
        "judged": finding.judged,
    }


def _items(findings: list[Finding | KeptFinding]) -> Iterator[dict[str, Any]]:
    """The findings' objects, each claim's object made once for the findings of its subject (which show the same
    claims again and again), and let go of when the next subject begins. A kept finding's object is made from
    its data as it is written, without making it whole (see :func:`checker.corpus.kept.whole`)."""
    shown: dict[int, dict[str, Any]] = {}
    subject: Optional[str] = None
    try:
        for finding in findings:
            if finding.subject != subject:
                shown.clear()
                subject = finding.subject
            if isinstance(finding, KeptFinding):
                yield _kept_dict(finding, shown)
            else:
                yield finding_dict(finding, shown)
    finally:
        forget()


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
    return _entry_object(
        entry.value, entry.time, iso(entry.start), iso(entry.end), entry.certain, entry.implied, entry.sources,
        entry.origins, [c.claim_id for c in entry.claims],
    )  # fmt: skip


def _entry_plain(data: list) -> dict[str, Any]:
    """An entry of a timeline made plain (see checker.corpus.kept.timeline_plain) as a JSON object: its sources,
    origins and whether it is implied worked out as :class:`Entry` works them out."""
    value, start, end, time, certain, points, _ = data
    sources, origins = sorted({p[1] for p in points}), sorted({p[2] for p in points})
    implied = all(p[IMPLIED] for p in points)
    return _entry_object(value, time, start, end, certain, implied, sources, origins, [p[0][1] for p in points])


def _entry_object(
    value: str,
    time: str,
    start: Optional[str],
    end: Optional[str],
    certain: bool,
    implied: bool,
    sources: Sequence[str],
    origins: Sequence[str],
    claims: list[str],
) -> dict[str, Any]:
    return {
        "value": value,
        "time": time or None,
        "start": start,
        "end": end,
        "time_certain": certain,
        "implied": implied,
        "sources": list(sources),
        "origins": list(origins),
        "claims": claims,
    }


def timeline_dict(timeline: Timeline) -> dict[str, Any]:
    """One timeline as a JSON object."""
    entries = [_entry(e) for e in timeline.entries]
    latest = timeline.entries.index(timeline.latest) if timeline.latest is not None else None
    return _timeline_object(timeline.subject, timeline.metric, entries, latest)


def _timeline_object(subject: str, metric: str, entries: list[dict[str, Any]], latest: Optional[int]) -> dict:
    return {
        "subject": subject,
        "metric": metric,
        "entries": entries,
        "latest": entries[latest] if latest is not None else None,
    }


def _timelines(timelines: list[Timeline | KeptTimeline]) -> Iterator[dict[str, Any]]:
    """The timelines' objects; a kept one's made from its data as it is written (see :func:`_items`)."""
    try:
        for timeline in timelines:
            if isinstance(timeline, KeptTimeline):
                subject, metric, entries, latest = plain_timeline(timeline)
                yield _timeline_object(subject, metric, [_entry_plain(e) for e in entries], latest)
            else:
                yield timeline_dict(timeline)
    finally:
        forget()


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
        {"findings": _items(result.findings), "timelines": _timelines(listed)},
    )
