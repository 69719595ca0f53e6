"""Claim files read, validated and resolved against the vocabulary."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Iterable, NamedTuple, Optional, Sequence

import orjson
from pydantic import ValidationError

from checker.corpus.provenance import ArchivedText, QuoteMatch, locate, read_archive
from checker.corpus.values import Interpreted, Number, ValueProblem, interpret
from checker.formats.confine import archive_problem, resolved
from checker.formats.loading import Loaded, display_path, iter_files, load_models, location
from checker.formats.models import Claim, ClaimFile, Entity, Kind, Metric, Source, TimeNature
from checker.formats.yamlio import Document
from checker.model.findings import ClaimRef, Finding, Location, digest_of, input_error, plain, unplain
from checker.model.timespec import TimeError, TimeSpan, parse_time
from checker.vocabulary.rules import Vocabulary

DEFAULT_TOLERANCE = 0.0


@dataclass(frozen=True)
class SourceInfo:
    """A source as the checks see it: its model, its file and its resolved date."""

    model: Source
    path: str
    file: Path
    date: Optional[TimeSpan]  # publication date, or the estimate of an undated source
    dated: bool  # False when the date is an estimate (or unknown)

    @property
    def id(self) -> str:
        """The source id."""
        return self.model.id

    def date_text(self) -> str:
        """The date as a report shows it."""
        if self.dated and self.date is not None:
            return self.date.text
        if self.date is not None:
            return f"undated (est. {self.date.text})"
        return "undated"


#: the scope dimension of what a subject that changes (an entity with ``changes``) covered when a claim holds
EXTENT = "extent"


@dataclass(frozen=True)
class Extent:
    """What a subject that changes covered when a claim holds (see models.EntityChange)."""

    name: str
    inferred: bool  # taken from the claim's time, not stated by the claim
    words: str  # when it held, and the change that began it: "from 1 July 2025 on (absorbed ...)"


def extent_of(entity: Entity, stated: Optional[str], time: Optional[TimeSpan]) -> Optional[Extent]:
    """What ``entity`` covered when a claim holds: the extent the claim states (raise ValueProblem for one the
    entity does not have), else the one surely in force all through its time; None when its time is not known or
    may fall on either side of a change (a change "on: 2025" is surely in effect only from the end of 2025)."""
    changes = [(parse_time(change.on), change) for change in entity.changes]
    before = f"before {changes[0][0].describe()}" if changes else ""
    # each extent: its name, when it is surely in force (from, until: None for no end), and in words
    extents = [(entity.extent, None, changes[0][0].start if changes else None, before)]
    for number, (on, change) in enumerate(changes):
        until = changes[number + 1][0].start if number + 1 < len(changes) else None
        extents.append((change.extent, on.end, until, f"from {on.describe()} on ({change.description})"))
    if stated is not None:
        for name, _, _, words in extents:
            if name == stated:
                return Extent(name, False, words)
        known = ", ".join(name for name, _, _, _ in extents)
        raise ValueProblem(f'"{entity.name}" has no extent "{stated}"', f"its extents: {known}")
    if time is None:
        return None
    for name, since, until, words in extents:
        if (since is None or since <= time.start) and (until is None or time.end < until):
            return Extent(name, True, words)
    return None  # its time may fall on either side of a change: which extent it counts cannot be told


@dataclass(frozen=True, eq=False)
class Resolved:
    """A claim with its names resolved, its value interpreted and its time known (or known to be unknown).

    Each stands for one claim of the corpus: two are equal only when they are
    the same object. What only findings need (the claim's location and its
    reference for reports) is worked out when first asked for.
    """

    claim: Claim
    source: SourceInfo
    subject: str
    metric_id: str
    metric: Metric
    value: Interpreted
    time: Optional[TimeSpan]
    time_basis: str  # "stated", "published", "estimated" or "unknown"
    scope: tuple[tuple[str, str], ...]
    origin: str
    place: Located | Location  # the spans of the claim's document, or (for an implied claim) its location
    index: int  # the claim's place in its file's list
    key: tuple[str, str]  # (source id, claim id): unique in a corpus
    quote_match: Optional[QuoteMatch] = None  # None: no archive at hand
    evidence: str = ""  # archive path:line where the quote stands, when verified
    given_ref: Optional[ClaimRef] = None  # the reference an implied claim was made with
    extent: Optional[Extent] = None  # of a subject that changes (models.EntityChange): what it covered then

    @cached_property
    def location(self) -> Location:
        """Where the claim stands."""
        place = self.place
        return place if isinstance(place, Location) else place.location("claims", self.index)

    @cached_property
    def ref(self) -> ClaimRef:
        """The claim as findings show it."""
        if self.given_ref is not None:
            return self.given_ref
        match = self.quote_match
        return ClaimRef(
            source=self.source.id,
            claim=self.claim.id,
            location=self.location,
            value=f"{self.value.text} ({self.claim.qualifier})" if self.claim.qualifier else self.value.text,
            time=self.time_text(),
            scope=", ".join([f"{dim} {value}" for dim, value in self.scope]) if self.scope else "",
            quote=self.claim.quote,
            origin=self.origin,
            published=self.source.date_text(),
            evidence=self.evidence,
            evidence_span=(match.start, match.end) if self.evidence and match else (0, 0),
        )

    def time_text(self) -> str:
        """When the claim holds, in short; for a figure that does not change, when it was measured, if said."""
        if self.metric.time == TimeNature.fixed and self.claim.as_of is not None:
            return f"measured {self.claim.as_of}"
        if self.claim.since is not None and self.time is not None:
            return f"from {self.time.text} on"
        return time_text(self.metric, self.time, self.time_basis)


def time_text(metric: Metric, time: Optional[TimeSpan], basis: str) -> str:
    """When a claim holds, in short: "as of 2025-06-30", "in 2025-H1"."""
    if time is None:
        return "undated" if metric.time != TimeNature.fixed else ""
    if metric.time == TimeNature.flow:
        return f"in {time.text}"
    if basis == "stated":
        return f"as of {time.text}"
    if basis == "published":
        return f"as of publication {time.text}"
    return f"undated, est. {time.text}"


class ClaimRow(NamedTuple):
    """A resolved claim in short: what reports and resolve need of every claim, cheap to send between processes."""

    source: str
    claim: str
    subject: str
    metric: str
    publisher: str
    time: str  # "start/end" of the time it holds, or "-"
    scope: tuple[tuple[str, str], ...]
    value: object  # a number's stated value, otherwise the value's key
    text: str  # the value as reports show it

    @property
    def key(self) -> tuple[str, str]:
        """(source id, claim id)."""
        return self.source, self.claim


@dataclass
class Corpus:
    """Everything read from the claim files."""

    sources: dict[str, SourceInfo] = field(default_factory=dict)
    #: every claim resolved, in (source, claim) order: kept only when the run resolves in this process
    claims: list[Resolved] = field(default_factory=list)
    rows: list[ClaimRow] = field(default_factory=list)  # every claim resolved, in short, in (source, claim) order
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    claims_read: int = 0
    checked: int = 0  # claims resolved (and checked): the rows, even when they are not kept


def claim_time(claim: Claim, metric: Metric, source: SourceInfo) -> tuple[Optional[TimeSpan], str]:
    """The claim's time and where it came from; raise ValueProblem when it does not fit the metric."""
    nature = metric.time
    if claim.to_date and nature != TimeNature.flow:
        raise ValueProblem(
            f'"{metric.label}" is not counted over a period, so it cannot be counted to date', "remove `to_date`"
        )
    if claim.since is not None and nature != TimeNature.stock:
        raise ValueProblem(
            f'"{metric.label}" {"does not change over time" if nature == TimeNature.fixed else "is counted over a period"}'
            ", so it does not change to a value on a date",
            "remove `since`" + ("" if nature == TimeNature.fixed else "; write `period:`"),
        )
    if nature == TimeNature.fixed:
        if claim.period is not None:
            raise ValueProblem(
                f'metric "{metric.label}" does not change over time',
                "remove `period`; `as_of` may say when the figure was measured",
            )
        if claim.as_of is not None:
            parse_time(claim.as_of)  # when it was measured (a survey): shown, never compared
        return None, "fixed"
    if nature == TimeNature.flow:
        if claim.as_of is not None:
            raise ValueProblem(f'"{metric.label}" is counted over a period', "write `period:` instead of `as_of:`")
        if claim.period is None:
            raise ValueProblem(
                f'"{metric.label}" is counted over a period: say which', "add `period:`, e.g. 2025 or 2025-H1"
            )
        return parse_time(claim.period), "stated"
    if claim.period is not None:
        raise ValueProblem(f'"{metric.label}" holds as of a time', "write `as_of:` instead of `period:`")
    if claim.as_of is not None:
        return parse_time(claim.as_of), "stated"
    if claim.since is not None:  # it held from then on: reports say "from" (Resolved.time_text)
        return parse_time(claim.since), "stated"
    if source.date is None:
        return None, "unknown"
    return source.date, "published" if source.dated else "estimated"


def claim_scope(claim: Claim, metric: Metric, extent: bool = False) -> tuple[tuple[str, str], ...]:
    """The claim's scope, each of the metric's dimensions with its value (the default where the claim gives none);
    raise ValueProblem for a dimension or value the metric does not declare. ``extent``: the subject changes, so
    the claim may state its extent (which is not the metric's, see :func:`extent_of`)."""
    if not claim.scope and not metric.scope:
        return ()
    resolved = []
    for dim, value in claim.scope.items():
        declared = metric.scope.get(dim)
        if declared is None and extent and dim == EXTENT:
            continue  # the subject's (see extent_of)
        if declared is None:
            known = ", ".join(sorted(metric.scope)) or "none"
            raise ValueProblem(f'metric "{metric.label}" has no scope dimension "{dim}"', f"its dimensions: {known}")
        if value not in declared.values:
            raise ValueProblem(f'scope {dim} "{value}" is not allowed', "allowed: " + ", ".join(declared.values))
    for dim, declared in sorted(metric.scope.items()):
        chosen = claim.scope.get(dim, declared.default)
        if chosen is not None:
            resolved.append((dim, chosen))
    return tuple(resolved)


def _time_key(claim: Claim) -> Optional[str]:
    """The key that gives the claim's time, if it gives one."""
    return next((key for key in ("as_of", "period", "since") if getattr(claim, key) is not None), None)


def subject_of(name: str, metric: Metric, vocabulary: Vocabulary) -> Optional[str]:
    """The entity a claim's subject names, or the name itself for a metric of open subjects; None: unknown."""
    return vocabulary.entity_id(name) or (name if metric.open_subjects else None)


def _resolve(
    loaded: Located,
    source: SourceInfo,
    index: int,
    claim: Claim,
    resolver: Resolver,
    archive: ArchivedText | None,
    archive_shown: str,
) -> Resolved | Finding | None:
    def error(keys: tuple, message: str, hint: str) -> Finding:
        said = f'claim "{claim.id}": {message}'
        # claim ids are unique within a source, not within a file (a JSON Lines file holds many sources)
        return input_error(check, loaded.location("claims", index, *keys), said, hint, key=(said, source.id))

    check = "vocabulary"
    vocabulary = resolver.vocabulary
    metric_id = vocabulary.metric_id(claim.metric)
    if metric_id is None:
        return error(("metric",), *vocabulary.metric_problem(claim.metric))
    if metric_id in vocabulary.withheld:
        return None  # its unit is unknown: the rules error says so once for all its claims
    metric = vocabulary.metrics[metric_id]
    subject = subject_of(claim.subject, metric, vocabulary)
    if subject is None:
        return error(("subject",), *vocabulary.entity_problem(claim.subject))
    origin_name = claim.origin or source.model.origin
    origin = source.id
    if origin_name is not None:
        found = vocabulary.entity_id(origin_name)
        if found is None:
            keys = ("origin",) if claim.origin else ()
            return error(keys, *vocabulary.entity_problem(origin_name, "origin entity"))
        origin = found
    quote_match = locate(claim.quote, archive) if archive is not None else None
    check = "value"
    try:
        value = resolver.value(claim, metric_id, metric)
    except ValueProblem as problem:
        message, hint = problem.message, problem.hint
        if message.startswith("unknown entity"):
            name = message.split('"')[1]
            known, hint = vocabulary.entity_problem(name)
            message = message if known.startswith("unknown") else known
        return error(("value",), message, hint)
    try:
        time, basis = claim_time(claim, metric, source)
    except ValueProblem as problem:  # a time the metric does not take, or none where it needs one
        return error(tuple(filter(None, (_time_key(claim),))), problem.message, problem.hint)
    except TimeError as problem:
        return error((_time_key(claim) or "as_of",), str(problem), "")
    if claim.qualifier is not None and metric.kind != Kind.entity:
        return error(
            ("qualifier",),
            f'"{metric.label}" is not held by an entity, so it has no holder to qualify',
            "remove `qualifier`: it says in what capacity (acting, interim) an entity holds an office",
        )
    entity = vocabulary.entities.get(subject)
    changes = entity is not None and bool(entity.changes) and EXTENT not in metric.scope
    try:
        scope = claim_scope(claim, metric, changes)
        extent = None
        if changes:
            assert entity is not None
            # a figure that does not change has the extent of when it was measured, if the claim says
            held = time if metric.time != TimeNature.fixed or claim.as_of is None else parse_time(claim.as_of)
            extent = extent_of(entity, claim.scope.get(EXTENT), held)
            if extent is not None:
                scope = tuple(sorted((*scope, (EXTENT, extent.name))))
    except ValueProblem as problem:
        return error(("scope",), problem.message, problem.hint)
    evidence = ""
    if quote_match is not None and quote_match.found and archive_shown:
        evidence = f"{archive_shown}:{quote_match.line}"
    return Resolved(
        claim,
        source,
        subject,
        metric_id,
        metric,
        value,
        time,
        basis,
        scope,
        origin,
        loaded,
        index,
        (source.model.id, claim.id),
        quote_match,
        evidence,
        extent=extent,
    )


class DocumentRecord(NamedTuple):
    """One claim document read and validated, as plain data: cheap to cache and to send to another process."""

    path: str  # as reports show it
    file: str  # the file it was read from (archive paths are relative to it)
    source: dict  # the source block as written
    spans: dict  # key path -> (line, col, end line, end col) of the source block's values
    #: (index, subject as written or None, the claim as JSON, the spans of its values as JSON [[key path, span]])
    #: of each claim kept: compact bytes, read again only where the claim is resolved or located
    claims: Sequence[tuple]
    #: digests made once, when the file is read (see cache.with_digests), for the cache's digests of subjects:
    #: for each subject as written, of its claims here as written and of where they stand; of where the source
    #: block's values stand; of where every value of the document stands. None until made
    parts: Optional[Parts] = None
    source_digest: bytes = b""  # of where the source block's values stand
    places_digest: bytes = b""  # of where every value of the document stands


class Parts(NamedTuple):
    """The subjects a document has claims about, as written, and for each two digests of 16 bytes (see
    DocumentRecord.parts), one after another in one string of bytes."""

    names: list[Optional[str]]
    digests: bytes


class FileRecord(NamedTuple):
    """What reading one claim file gave: its documents, and findings about what could not be used."""

    findings: tuple  # input errors, as plain tuples (see findings.plain)
    documents: tuple[DocumentRecord, ...]
    claims_read: int


def read_file(path: Path, shown: str, raw: bytes | None = None) -> FileRecord:
    """Read and validate one claim file: the first phase of a run, independent of the rules.

    ``raw``: the file's content when it was already read (or made in memory, as an imported table's).
    A claim with errors is left out and the others are kept, as if it had not
    been written; a document whose source block (or shape) is wrong is left out
    whole, with a finding that says so. Nothing in the record but ``file`` (the
    path it was read from, where its archived texts are looked for) depends on
    more than the bytes and ``shown``: whether the archived texts can be read is
    for :func:`with_archive_problems` to say, on every run.
    """
    findings: list[Finding] = []
    documents = []
    read = 0
    refusal = partial(_refused, shown, "line" if path.suffix == ".jsonl" else "file")
    for loaded, problems in load_models(path, shown, ClaimFile, raw=raw, entries=("claims",), refusal=refusal):
        findings.extend(problems)
        if loaded is None:
            continue
        wrong_date = _date_problem(loaded)
        if wrong_date is not None:
            findings.append(wrong_date)
            refused = refusal(loaded.document, frozenset(["source"]))
            if refused is not None:
                findings.append(refused)
            continue
        written = loaded.document.data.get("claims") or []
        read += len(written)
        entries = loaded.entries("claims")
        spans, source_spans = _claim_spans(loaded.document.spans, len(written))
        names: dict[str, str] = {}  # one string for a subject its claims name alike, as for their spans
        kept = []
        ids: dict[str, int] = {}
        # a claim left out as invalid still names itself: deriving from it is no unknown id (its own finding says
        # what is wrong), but it takes no id from the claims kept
        every_id = {c.get("id") for c in written if isinstance(c, dict) and isinstance(c.get("id"), str)}
        source_id = loaded.model.source.id
        for index, claim in entries:
            if claim.id in ids:
                first = loaded.location("claims", ids[claim.id], "id")
                findings.append(
                    input_error(
                        "duplicate-id",
                        loaded.location("claims", index, "id"),
                        f'claim id "{claim.id}" is used twice in this file (first at line {first.line})',
                        "give each claim its own id",
                        # the message names a line: the key names the source, the id and what the claim says
                        key=(f'claim id "{claim.id}" is used twice', source_id, digest_of(written[index])),
                    )
                )
                continue
            ids[claim.id] = index
            unknown = [name for name in claim.derived.from_ if name not in every_id] if claim.derived else []
            if unknown:
                said = f'claim "{claim.id}" is derived from unknown claim id "{unknown[0]}"'
                findings.append(
                    input_error(
                        "vocabulary",
                        loaded.location("claims", index, "derived"),
                        said,
                        "name claims of this file in `derived.from`",
                        key=(said, source_id),
                    )
                )
            subject = written[index].get("subject")
            name = names.setdefault(subject, subject) if isinstance(subject, str) else None
            kept.append((index, name, dump(written[index]), spans.get(index, b"[]")))
        documents.append(
            DocumentRecord(loaded.path, path.as_posix(), loaded.document.data["source"], source_spans, tuple(kept))
        )
    return FileRecord(tuple(plain(f) for f in findings), tuple(documents), read)


def read_made(path: Path, shown: str, text: str) -> FileRecord | None:
    """The record :func:`read_file` makes of JSON Lines text that claimcheck's import wrote from a table, made
    without validating each document again: the import writes only documents the claim format takes as written
    (see :attr:`checker.authoring.tabular.Imported.plain`). None when a line is not such a document as far as can be told
    at a glance (not an object of a source and claims with ids of their own): :func:`read_file` then reads it.
    """
    documents = []
    read = 0
    for line, chunk in enumerate(text.split("\n"), 1):
        if not chunk.strip():
            continue
        try:
            data = orjson.loads(chunk)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(data, dict) or data.keys() != {"source", "claims"}:
            return None
        source, written = data["source"], data["claims"]
        if not isinstance(source, dict) or not isinstance(written, list):
            return None
        if not all(isinstance(claim, dict) for claim in written):
            return None
        ids = [claim.get("id") for claim in written]
        if len(set(ids)) != len(ids) or not all(isinstance(i, str) for i in ids):
            return None
        span = (line, 1, line, max(len(chunk), 1))  # as loading._json_document: the line the document stands on
        spans = dump([[[], list(span)]])
        names: dict[str, str] = {}
        kept = []
        for index, claim in enumerate(written):
            subject = claim.get("subject")
            name = names.setdefault(subject, subject) if isinstance(subject, str) else None
            kept.append((index, name, dump(claim), spans))
        read += len(written)
        documents.append(DocumentRecord(shown, path.as_posix(), source, {(): span}, tuple(kept)))
    return FileRecord((), tuple(documents), read)


def _refused(shown: str, unit: str, document: Document, places: frozenset[str]) -> Finding | None:
    """Why the claims of a document (a file, or a line of JSON Lines) are all left out: its source block, or its
    shape, is wrong. None when it has no claims to lose."""
    data = document.data
    written = data.get("claims") if isinstance(data, dict) else None
    count = len(written) if isinstance(written, list) else 0
    if not count:
        return None
    lost = f"none of the {count} claims of this {unit} can" if count > 1 else f"the claim of this {unit} cannot"
    if "source" in places:
        problem = "has no source block" if "source" not in data else "has an invalid source block"
        return input_error(
            "schema",
            location(shown, document.key_span(("source",))),
            f"the {unit} {problem}, so {lost} be checked",
            "fix the source block first: every claim of the " + unit + " is attributed to it",
        )
    return input_error(
        "schema",
        location(shown, document.span(())),
        f"the {unit} is not a valid claim file, so {lost} be checked",
        "a claim file holds a `source:` block and a `claims:` list, and nothing else",
    )


def dump(data: object) -> bytes:
    """Plain data as compact JSON (orjson; the standard library for integers beyond 64 bits).

    The bytes are copied once: orjson hands back its whole buffer, 4 KiB
    however short the text, and a record keeps two such texts a claim for
    the whole run wherever it was read (in a run of one process, or on the
    worker of a cluster): about 0.4 KiB a claim instead of 8 KiB.
    """
    try:
        return memoryview(orjson.dumps(data)).tobytes()
    except TypeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _claim_spans(spans: dict, count: int) -> tuple[dict[int, bytes], dict]:
    """The spans of each claim's values, by claim index, as JSON ([[key path, [line, col, end line, end col]]]),
    and those of the source block (and of the whole document) as plain tuples, by key path: one pass over a
    document's spans, which are one or two for each value it holds."""
    grouped, source = _grouped_spans(spans, count)
    # one text for equal spans: every claim of a JSON Lines document has only the span of its line, and a record
    # holds its claims' spans for the whole run
    texts: dict[bytes, bytes] = {}
    claims = {}
    for index, found in grouped.items():
        text = dump([[list(key), span] for key, span in found.items()])
        claims[index] = texts.setdefault(text, text)
    return claims, source


def _grouped_spans(spans: dict, count: int) -> tuple[dict[int, dict], dict]:
    """The spans of each claim's values as plain tuples, by claim index; those of the source block, by key path."""
    out: dict[int, dict] = {}
    source: dict = {}
    root = spans.get(())
    for key, span in spans.items():
        first = key[0] if key else "source"  # the whole document's span goes with the source block's
        if first == "claims":
            if len(key) > 1:
                out.setdefault(key[1], {})[key] = tuple(span)
        elif first == "<key>":
            second = key[1] if len(key) > 1 else None
            if second == "claims" and len(key) > 2:
                out.setdefault(key[2], {})[key] = tuple(span)
            elif second == "source":
                source[key] = tuple(span)
        elif first == "source":
            source[key] = tuple(span)
    if root is not None:  # JSON documents carry only the span of the whole document
        whole = tuple(root)
        for index in range(count):
            out.setdefault(index, {}).setdefault((), whole)
    return out, source


def _date_problem(loaded: Loaded) -> Finding | None:
    """The finding for a source date that follows the grammar but names no real time (2025-02-30, 2026/2025)."""
    source: Source = loaded.model.source
    written = source.published if source.published is not None else source.undated.estimate if source.undated else None
    if written is None:
        return None
    try:
        parse_time(written)
    except TimeError as problem:
        keys = ("source", "published") if source.published is not None else ("source", "undated", "estimate")
        return input_error(
            "value",
            loaded.location(*keys),
            f'source "{source.id}": {problem}',
            "write a real date: 2025, 2025-H1, 2025-Q2, 2025-06, 2025-06-30 or a span A/B that ends after it starts",
        )
    return None


def with_archive_problems(record: FileRecord) -> FileRecord:
    """A file's record with a finding for each source whose archived text may not or cannot be read.

    Worked out on every run, never kept in the cache with the record: it
    depends on the archived text and on where the checkout stands, not on the
    claim file's bytes (a cached "readable" would turn quote checking off,
    unsaid, once the text is gone or in a checkout elsewhere that shares the
    cache).
    """
    found = [problem for document in record.documents if (problem := _archive_problem(document)) is not None]
    if not found:
        return record
    return record._replace(findings=(*record.findings, *(plain(f) for f in found)))


def _archive_problem(document: DocumentRecord) -> Finding | None:
    """A finding when the document's source names an archived text that may not or cannot be read."""
    archive = document.source.get("archive")
    if not isinstance(archive, str):
        return None
    target = Path(document.file).parent / archive
    refused = archive_problem(target)
    source_id = str(document.source.get("id"))  # the sources of a JSON Lines file may name one archive
    where = Located(document.path, document.spans).location("source", "archive")
    if refused is not None:
        message, hint = refused
        said = f'archived text "{display_path(target)}" {message}; quotes of this source are not verified'
        return input_error("archive", where, said, hint, key=(said, source_id))
    if read_archive(resolved(target)) is not None:
        return None
    said = f'archived text "{display_path(target)}" cannot be read: quotes of this source are not verified'
    return input_error(
        "archive",
        where,
        said,
        "fix the `archive:` path (it is relative to the claim file) or remove it",
        severity="warning",
        key=(said, source_id),
    )


def spans_from_plain(pairs: list) -> dict:
    """Spans as plain data, [[key path, [line, col, end line, end col]]], as a mapping of tuples."""
    return {tuple(key): tuple(span) for key, span in pairs}


class Located:
    """Where the values of one document stand, without the document: a path and spans by key path."""

    __slots__ = ("path", "_spans")

    def __init__(self, path: str, spans: dict | bytes) -> None:
        self.path = path
        self._spans = spans  # spans as JSON [[key path, span]] are read when first needed

    @property
    def spans(self) -> dict:
        """Key path -> (line, col, end line, end col)."""
        if isinstance(self._spans, bytes):
            self._spans = spans_from_plain(orjson.loads(self._spans))
        return self._spans

    def location(self, *keys: object) -> Location:
        """Where the value at ``keys`` stands, or its nearest enclosing value."""
        if isinstance(self._spans, bytes):  # a claim is located once or twice: its spans' text is searched
            whole = _whole_only(self._spans)
            if whole is not None:  # a JSON document's claim has the span of the document alone
                return Location(self.path, *whole)
            path = list(keys)
            while True:
                found = span_in(self._spans, path)
                if found is not None or not path:
                    return Location(self.path, *found) if found else Location(self.path)
                path.pop()
        spans = self._spans
        at = tuple(keys)
        while at and at not in spans:
            at = at[:-1]
        span = spans.get(at)
        return Location(self.path, *span) if span else Location(self.path)


def _whole_only(spans: bytes) -> Optional[tuple[int, ...]]:
    """The span of spans that hold only the span of the whole document (as compact JSON: [[[],[l,c,l,c]]])."""
    if not (spans.startswith(b"[[[],[") and spans.endswith(b"]]]") and spans.count(b"[") == 4):
        return None
    try:
        return tuple(map(int, spans[6:-3].split(b",")))
    except ValueError:
        return None


def span_in(spans: bytes, key: list) -> Optional[tuple[int, int, int, int]]:
    """The span of one key path in spans as compact JSON ([[key path, [line, col, end line, end col]], ...]),
    found in the text rather than the whole list read (a quotation mark in a key is escaped, so the pattern
    matches a key path and nothing inside a key)."""
    pattern = b"[" + orjson.dumps(key) + b",["
    at = spans.find(pattern)
    if at < 0 or spans[at - 1 : at] not in (b"[", b","):
        return None
    start = at + len(pattern)
    try:
        line, col, end_line, end_col = map(int, spans[start : spans.index(b"]", start)].split(b","))
    except ValueError:
        return None
    return line, col, end_line, end_col


def source_info(record: DocumentRecord) -> SourceInfo:
    """The source of a document record, validated (it was valid when the record was made)."""
    model = Source.model_validate(record.source)
    file = Path(record.file)
    if model.published is not None:
        return SourceInfo(model, record.path, file, parse_time(model.published), True)
    estimate = model.undated.estimate if model.undated else None
    return SourceInfo(model, record.path, file, parse_time(estimate) if estimate is not None else None, False)


class Resolver:
    """Resolves claims against one vocabulary, remembering values already read (claims repeat them)."""

    def __init__(self, vocabulary: Vocabulary, tolerance: float) -> None:
        self.vocabulary = vocabulary
        self.tolerance = tolerance
        self.values: dict[tuple, Interpreted | ValueProblem] = {}
        self.archives: dict[str, tuple[ArchivedText | None, str]] = {}

    def value(self, claim: Claim, metric_id: str, metric: Metric) -> Interpreted:
        """The claim's value read as its metric says (the same inputs always give the same value)."""
        raw = claim.value
        written = (
            (type(raw).__name__, tuple(raw)) if isinstance(raw, list)
            else (type(raw).__name__, raw) if isinstance(raw, (str, int, float, bool))
            else None
        )  # fmt: skip
        key = (metric_id, written, claim.unit, claim.precision, claim.complete) if written is not None else None
        known = self.values.get(key) if key is not None else None
        if known is None:
            try:
                known = interpret(
                    claim,
                    metric,
                    metric.tolerance if metric.tolerance is not None else self.tolerance,
                    self.vocabulary.entity_id,
                    self.vocabulary.entity_name,
                    self.vocabulary.units,
                )
            except ValueProblem as problem:
                known = problem
            if key is not None:
                self.values[key] = known
        if isinstance(known, ValueProblem):
            raise known
        return known

    def archive(self, source: SourceInfo) -> tuple[ArchivedText | None, str]:
        """The source's archived text and its path as shown, or (None, "") when it has none or it is unreadable."""
        if source.model.archive is None:
            return None, ""
        path = source.file.parent / source.model.archive
        shown = self.archives.get(path.as_posix())
        if shown is None:
            text = read_archive(resolved(path)) if archive_problem(path) is None else None
            shown = self.archives[path.as_posix()] = (text, display_path(path) if text is not None else "")
        return shown


def resolve_documents(
    parts: Iterable[tuple[DocumentRecord, Iterable[tuple]]], resolver: Resolver
) -> tuple[list[Resolved], list[tuple[str, Finding]]]:
    """The second phase of a run: resolve the claims of documents (each with the claims wanted of it).

    Returns the resolved claims, and the findings about claims that could not be, each with its subject.
    """
    claims: list[Resolved] = []
    findings: list[tuple[str, Finding]] = []
    for record, wanted in parts:
        source = source_info(record)
        archive, archive_shown = resolver.archive(source)
        for index, subject, written, spans in wanted:
            where = Located(record.path, spans)
            try:
                claim = Claim.model_validate_json(written)
            except ValidationError:  # it was valid when read: a record can only be damaged on the way
                said = "claim could not be read again"
                problem = input_error("schema", where.location("claims", index), said, key=(said, source.id))
                findings.append((subject_key(subject, resolver.vocabulary), problem))
                continue
            result = _resolve(where, source, index, claim, resolver, archive, archive_shown)
            if result is None:
                continue
            if isinstance(result, Finding):
                findings.append((subject_key(subject, resolver.vocabulary), result))
            else:
                claims.append(result)
    return claims, findings


def subject_key(name: str | None, vocabulary: Vocabulary) -> str:
    """The subject a claim as written is about, for partitioning: its entity id, or the name itself."""
    if name is None:
        return ""
    return vocabulary.entity_id(name) or name


def claim_rows(claims: Iterable[Resolved]) -> list[ClaimRow]:
    """The summaries of resolved claims that reports and resolve need; what a row takes from a claim's source,
    time or value is worked out once per object: claims share them."""
    sources: dict[int, tuple[str, str]] = {}
    times: dict[int, str] = {}
    values: dict[int, tuple[object, str]] = {}
    rows = []
    for claim in claims:
        source, time, value = claim.source, claim.time, claim.value
        source_part = sources.get(id(source))
        if source_part is None:
            source_part = sources[id(source)] = (source.id, source.model.publisher)
        time_text = times.get(id(time))
        if time_text is None:
            time_text = times[id(time)] = f"{time.start}/{time.end}" if time else "-"
        value_part = values.get(id(value))
        if value_part is None:
            value_part = values[id(value)] = (value.stated if isinstance(value, Number) else value.key, value.text)
        rows.append(ClaimRow(source_part[0], claim.claim.id, claim.subject, claim.metric_id, source_part[1],
                             time_text, claim.scope, *value_part))  # fmt: skip
    # the objects kept by their id live as long as ``claims``: no id is reused meanwhile
    return rows


def load_corpus(paths: list[Path], vocabulary: Vocabulary, tolerance: float = DEFAULT_TOLERANCE) -> Corpus:
    """Read every claim file under ``paths`` in this process; bad files and claims become findings."""
    corpus = Corpus()
    records = []
    for path, missing in iter_files(paths):
        if missing is not None:
            corpus.findings.append(missing)
            continue
        records.append(with_archive_problems(read_file(path, display_path(path))))
    documents = add_records(corpus, records)
    claims, findings = resolve_documents(((d, d.claims) for d in documents), Resolver(vocabulary, tolerance))
    corpus.findings.extend(finding for _, finding in findings)
    corpus.claims = sorted(claims, key=lambda c: c.key)
    corpus.rows = claim_rows(corpus.claims)
    corpus.checked = len(corpus.rows)
    return corpus


def add_records(corpus: Corpus, records: Iterable[FileRecord]) -> list[DocumentRecord]:
    """Take file records (in file order) into the corpus: their findings and sources; return the documents kept.

    A source id used by an earlier document is a finding, and that document's claims are left out.
    """
    kept = []
    first_seen: dict[str, str] = {}
    for record in records:
        corpus.files += 1
        corpus.claims_read += record.claims_read
        corpus.findings.extend(unplain(f) for f in record.findings)
        for document in record.documents:
            source = source_info(document)
            if source.id in first_seen:
                where = Located(document.path, document.spans)
                corpus.findings.append(
                    input_error(
                        "duplicate-id",
                        where.location("source", "id"),
                        f'source id "{source.id}" is also used by {first_seen[source.id]}',
                        "give each source its own id",
                    )
                )
                continue
            first_seen[source.id] = document.path
            corpus.sources[source.id] = source
            kept.append(document)
    return kept


__all__ = ["Corpus", "Resolved", "SourceInfo", "load_corpus", "display_path"]
