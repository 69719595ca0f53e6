"""Results kept as plain data: a subject's findings, timelines and claim rows as JSON-ready lists, and findings
and timelines that stay in that form until a report asks for them whole.

The cache keeps each subject's results in this form (see :mod:`checker.engine.cache`, which adds names for the
places they point at). A run that writes only the JSON report does not hold every finding of a large corpus as
objects: it holds a :class:`KeptFinding` for each (what the gate needs, and where its data is kept), and the
report writes each subject's findings from that data, one subject at a time, parsing only the parts of it that
it needs (:func:`plain_finding`, :func:`plain_timeline`); :func:`whole` makes a kept finding a whole one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterator, Optional, Protocol

import orjson

from checker.corpus.claims import ClaimRow
from checker.corpus.timeline import Entry, Point, Timeline
from checker.model.findings import (
    OPEN,
    REF_EVIDENCE_SPAN,
    REF_LOCATION,
    SEVERITY_RANK,
    ClaimRef,
    Finding,
    Location,
    Review,
    files_of,
    location_fields,
    ref_fields,
)

#: the parts of a subject's results made plain, in order (see checker.engine.places.result_plain)
FINDINGS, TIMELINES, ROWS, CLAIMS, PLACES = range(5)
#: how many parts results made plain have: those five, whether they name every place, and the stamps of the
#: documents they name (see checker.engine.places.result_plain)
PARTS = 7


class Readable(Protocol):
    """Where a subject's results are kept as JSON: read only when they are used."""

    def read(self) -> bytes: ...


@dataclass(frozen=True)
class Kept:
    """One subject's results kept as JSON (``data``), with its table of locations as they stand now (None: as the
    data has them), and the size of each part's text in the data (see :func:`plain_text`; None: not known, and the
    data is parsed whole)."""

    data: Readable
    where: Optional[tuple[Location, ...]] = None
    parts: Optional[tuple[int, ...]] = None


def plain_text(plain: list) -> tuple[bytes, tuple[int, ...]]:
    """Results made plain as compact JSON (the very bytes ``orjson.dumps(plain)`` makes), and the size of each
    part's text in it: a report that needs some parts of a subject's results parses those alone."""
    texts = [orjson.dumps(part) for part in plain]
    return b"[" + b",".join(texts) + b"]", tuple(len(text) for text in texts)


def parts_fit(parts: object, size: int) -> bool:
    """Whether ``parts`` are sizes :func:`plain_text` gives for a text of ``size`` bytes."""
    return (
        isinstance(parts, (list, tuple)) and len(parts) == PARTS
        and all(type(part) is int and part > 0 for part in parts) and sum(parts) + len(parts) + 1 == size
    )  # fmt: skip


@dataclass(slots=True)  # not frozen: a run of a million claims makes hundreds of thousands
class KeptFinding:
    """A finding kept as data: what the gate and the counts need of it, and where the rest is kept. Its severity,
    status, review and judgement are its own (the gate sets them); the rest comes from ``kept`` (:func:`whole`)."""

    subject: str
    metric: str
    check: str
    severity: str
    verdict: str
    fingerprint: str
    message: str
    hint: str
    paths: tuple[str, ...]  # the files of its location and of its claims
    kept: Kept
    index: int  # its place among the findings kept there
    status: str = OPEN
    review: Optional[Review] = None
    judged: bool = True

    rank = Finding.rank
    acknowledgement = Finding.acknowledgement
    counts = Finding.counts


@dataclass(slots=True)
class KeptTimeline:
    """A timeline kept as data (see :class:`KeptFinding`)."""

    subject: str
    metric: str
    kept: Kept
    index: int
    listed: bool  # it has more than one entry (the JSON report lists only those)


def locations(table: list) -> tuple[Location, ...]:
    """A table of locations of results made plain (their part PLACES), as written there (each ``[path, line, col,
    end_line, end_col]``, or that after a name: see the cache's names of places)."""
    return tuple(Location(*spot) if len(spot) == 5 else Location(*spot[-1]) for spot in table)


def heads(findings: list[Finding], timelines: list[Timeline]) -> list:
    """What the gate and the counts need of a subject's findings and timelines, as plain data (kept at the head
    of the subject's record, so that a run that takes its results as they were need not read the rest)."""
    return [
        [[f.subject, f.metric, f.check, f.severity, f.verdict, f.fingerprint, f.message, f.hint, list(files_of(f))]
         for f in findings],
        [[t.subject, t.metric, len(t.entries) > 1] for t in timelines],
    ]  # fmt: skip


def _text(*values: object) -> bool:
    return all(isinstance(value, str) for value in values)


def from_heads(plain: list, kept: Kept) -> tuple[list[KeptFinding], list[KeptTimeline]]:
    """A subject's findings and timelines as kept ones, from their :func:`heads`, their data in ``kept``; raises
    ValueError when the heads are not as :func:`heads` makes them."""
    findings, timelines = plain
    out = []
    for index, (subject, metric, check, severity, verdict, fingerprint, message, hint, paths) in enumerate(findings):
        if not (_text(subject, metric, check, verdict, fingerprint, message, hint, *paths)
                and severity in SEVERITY_RANK):  # fmt: skip
            raise ValueError(f"a finding's head that is not one claimcheck writes: {fingerprint!r}")
        out.append(KeptFinding(subject, metric, check, severity, verdict, fingerprint, message, hint, tuple(paths),
                               kept, index))  # fmt: skip
    listed = []
    for index, (subject, metric, many) in enumerate(timelines):
        if not (_text(subject, metric) and isinstance(many, bool)):
            raise ValueError("a timeline's head that is not one claimcheck writes")
        listed.append(KeptTimeline(subject, metric, kept, index, many))
    return out, listed


def lean(findings: list[Finding], made: list, kept: Kept) -> tuple[list, list[KeptTimeline]]:
    """A subject's findings and timelines as kept ones, from their :func:`heads` (``made``), their data in
    ``kept``; but its input errors (about no subject, which sort apart from the subject's findings: making them
    whole one by one would read the subject's data again for each) stay whole."""
    light, listed = from_heads(made, kept)
    return [finding if not finding.subject else light for finding, light in zip(findings, light, strict=True)], listed


class _Last:
    """The results last asked for: the findings of one subject are asked for one after another, and so are its
    timelines. Only the parts asked for are parsed (see :attr:`Kept.parts`)."""

    kept: Optional[Kept] = None
    data: list = []  # its results as plain data, part by part: _UNREAD where not parsed yet
    where: tuple[Location, ...] = ()  # its table of locations
    refs: Optional[list[ClaimRef]] = None  # its claims, made when first asked for
    timelines: Optional[list[Timeline]] = None

    @classmethod
    def of(cls, kept: Kept, *wanted: int) -> list:
        """The plain data of ``kept`` with (at least) the parts ``wanted`` parsed, each once while the results of
        its subject are asked for."""
        if cls.kept is not kept:
            cls.kept, cls.data, cls.where, cls.refs, cls.timelines = kept, [], (), None, None
        if not cls.data or any(cls.data[part] is _UNREAD for part in wanted):
            text = kept.data.read()
            if kept.parts is None or not _split(text, kept.parts):
                cls.data = orjson.loads(text)
            else:
                if not cls.data:
                    cls.data = [_UNREAD] * len(kept.parts)
                view, at = memoryview(text), 1  # after the opening "["
                for part, size in enumerate(kept.parts):
                    if part in wanted and cls.data[part] is _UNREAD:
                        cls.data[part] = orjson.loads(view[at : at + size])
                    at += size + 1  # and the comma
        if PLACES in wanted and not cls.where:
            cls.where = kept.where if kept.where is not None else locations(cls.data[PLACES])
        return cls.data

    @classmethod
    def forget(cls) -> None:
        cls.kept, cls.data, cls.where, cls.refs, cls.timelines = None, [], (), None, None


#: a part of a subject's results not parsed yet
_UNREAD = object()


def _split(text: bytes, parts: tuple[int, ...]) -> bool:
    """Whether ``parts`` cut ``text`` where a list's items may be joined: after its opening bracket, at commas,
    before its closing one. Sizes that pass but cut an item elsewhere (at a comma inside a text) make a part that
    is not JSON, which parsing it refuses; the record's HMAC is what vouches for the sizes."""
    if len(text) != sum(parts) + len(parts) + 1 or text[:1] != b"[":
        return False
    at = 1
    for number, size in enumerate(parts):
        at += size
        if text[at : at + 1] != (b"]" if number == len(parts) - 1 else b","):
            return False
        at += 1
    return True


def plain_finding(finding: KeptFinding) -> tuple[list, list, tuple[Location, ...]]:
    """A kept finding as plain data (see :func:`finding_plain`), with the claims of its subject (see
    :func:`ref_plain`) and their table of locations."""
    data = _Last.of(finding.kept, FINDINGS, CLAIMS, PLACES)
    return data[FINDINGS][finding.index], data[CLAIMS], _Last.where


def plain_timeline(timeline: KeptTimeline) -> list:
    """A kept timeline as plain data (see :func:`timeline_plain`)."""
    return _Last.of(timeline.kept, TIMELINES)[TIMELINES][timeline.index]


def forget() -> None:
    """Let go of the results last asked for (after a report has written them all)."""
    _Last.forget()


def whole(finding: Finding | KeptFinding) -> Finding:
    """A finding whole: a kept one made from its data, with its own severity, status, review and judgement."""
    if isinstance(finding, Finding):
        return finding
    data, claims, where = plain_finding(finding)
    if _Last.refs is None:
        _Last.refs = [_ref(ref, where) for ref in claims]
    f = finding
    return _finding(data, where, _Last.refs, f.severity, f.status, f.review, f.judged)


def whole_timeline(timeline: Timeline | KeptTimeline) -> Timeline:
    """A timeline whole: a kept one made from its data."""
    if isinstance(timeline, Timeline):
        return timeline
    data = _Last.of(timeline.kept, TIMELINES)
    if _Last.timelines is None:
        _Last.timelines = [_timeline(t) for t in data[TIMELINES]]
    return _Last.timelines[timeline.index]


def each_whole(findings: list) -> Iterator[Finding]:
    """Findings whole, in their order; the results last made whole are let go of at the end."""
    try:
        yield from map(whole, findings)
    finally:
        forget()


def each_whole_timeline(timelines: list) -> Iterator[Timeline]:
    """Timelines whole, in their order (see :func:`each_whole`)."""
    try:
        yield from map(whole_timeline, timelines)
    finally:
        forget()


# ------------------------------------------------------------------ the plain form


def location_plain(location: Location) -> list:
    return list(location_fields(location))


def finding_plain(finding: Finding, location: Optional[int], claims: list[int]) -> list:
    """A finding as plain data: ``location`` and ``claims`` are places in its results' tables of locations and
    of claims. No status: findings are kept as checked, before the focus and the acknowledgements of a run apply."""
    f = finding
    return [f.subject, f.metric, f.check, f.severity, f.verdict, f.message, f.fingerprint, f.note, f.hint,
            location, claims, f.topic]  # fmt: skip


def ref_plain(ref: ClaimRef, location: Optional[int]) -> list:
    """A claim reference as plain data, its fields in their order: ``location`` is its place in its results' table of
    locations."""
    plain = list(ref_fields(ref))
    plain[REF_LOCATION] = location
    plain[REF_EVIDENCE_SPAN] = list(ref.evidence_span)
    return plain


def timeline_plain(timeline: Timeline) -> list:
    latest = timeline.entries.index(timeline.latest) if timeline.latest is not None else None
    return [timeline.subject, timeline.metric, [_entry_plain(e) for e in timeline.entries], latest]


def from_plain(data: list, where: tuple[Location, ...]) -> tuple[list[Finding], list[Timeline], list[ClaimRow]]:
    """The results made plain (one object for each claim reference, as they were), with ``where`` as their table
    of locations."""
    refs = [_ref(ref, where) for ref in data[CLAIMS]]
    return (
        [_finding(f, where, refs) for f in data[FINDINGS]],
        [_timeline(t) for t in data[TIMELINES]],
        [ClaimRow(r[0], r[1], r[2], r[3], r[4], r[5], tuple(tuple(pair) for pair in r[6]), r[7], r[8])
         for r in data[ROWS]],
    )  # fmt: skip


def _finding(data: list, where: tuple[Location, ...], refs: list[ClaimRef], *standing: Any) -> Finding:
    """A finding made plain, made again; ``standing``: its severity, status, review and judgement when the run
    set them (else those it was checked with)."""
    subject, metric, check, severity, verdict, message, fingerprint, note, hint, at, claims, topic = data
    location = where[at] if at is not None else None
    if standing:
        severity, *standing = standing
    return Finding(subject, metric, check, severity, verdict, message, fingerprint, note, hint, location,
                   tuple(refs[number] for number in claims), topic, *standing)  # fmt: skip


def _ref(data: list, where: tuple[Location, ...]) -> ClaimRef:
    fields = list(data)
    fields[REF_LOCATION] = where[data[REF_LOCATION]]
    fields[REF_EVIDENCE_SPAN] = tuple(data[REF_EVIDENCE_SPAN])
    return ClaimRef(*fields)


def _day(text: Optional[str]) -> Optional[date]:
    return date.fromisoformat(text) if text else None


def iso(day: Optional[date]) -> Optional[str]:
    """A day as ISO text (None: none), as the plain form and the JSON report write it."""
    return day.isoformat() if day else None


def _entry_plain(entry: Entry) -> list:
    points = [[list(p.key), *p[1:3], iso(p.start), iso(p.end), *p[5:]] for p in entry.claims]
    return [entry.value, iso(entry.start), iso(entry.end), entry.time, entry.certain, points, entry.scope]


def _entry(data: list) -> Entry:
    value, start, end, when, certain, points, scope = data
    claims = tuple(Point(tuple(p[0]), p[1], p[2], _day(p[3]), _day(p[4]), *p[5:]) for p in points)  # type: ignore[arg-type]
    return Entry(value, _day(start), _day(end), when, certain, claims, scope)


def _timeline(data: list) -> Timeline:
    subject, metric, entries, latest = data
    built = tuple(_entry(e) for e in entries)
    return Timeline(subject, metric, built, built[latest] if latest is not None else None)

