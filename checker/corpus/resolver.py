"""Claims resolved against the vocabulary: each claim's subject, time, scope and value, from its file's record."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from checker.corpus.claims import EXTENT, ClaimRow, Corpus, Resolved, SourceInfo, extent_of
from checker.corpus.provenance import ArchivedText, locate, read_archive
from checker.corpus.records import DocumentRecord, FileRecord, load_claim, read_file, with_archive_problems
from checker.corpus.spans import Located
from checker.corpus.values import Interpreted, Number, ValueProblem, interpret
from checker.formats.confine import archive_problem, resolved
from checker.formats.loading import display_path, iter_files
from checker.formats.models import Claim, Kind, Metric, Source, TimeNature, valid_claim
from checker.model.findings import Finding, Location, input_error, unplain
from checker.model.timespec import TimeError, TimeSpan, parse_time
from checker.vocabulary.rules import Vocabulary


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

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
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
                    self.vocabulary.tolerance(metric),
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
        places: dict[bytes, Located] = {}  # claims whose values stand in the same places share them
        for index, subject, written, spans in wanted:
            where = places.get(spans)
            if where is None:
                where = places[spans] = Located(record.path, spans)
            try:
                claim = valid_claim(load_claim(written))
            except (ValueError, KeyError, TypeError):  # it was valid when read: a record can only be damaged on the way
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


def load_corpus(paths: list[Path], vocabulary: Vocabulary) -> Corpus:
    """Read every claim file under ``paths`` in this process; bad files and claims become findings."""
    corpus = Corpus()
    records = []
    for path, missing in iter_files(paths):
        if missing is not None:
            corpus.findings.append(missing)
            continue
        records.append(with_archive_problems(read_file(path, display_path(path))))
    documents = add_records(corpus, records)
    claims, findings = resolve_documents(((d, d.claims) for d in documents), Resolver(vocabulary))
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
    first_seen: dict[str, Location] = {}  # where each source id was first given
    told: set[tuple[str, str]] = set()  # (source id, file) of each second use said at the first
    for record in records:
        corpus.files += 1
        corpus.claims_read += record.claims_read
        corpus.findings.extend(unplain(f) for f in record.findings)
        for document in record.documents:
            source = source_info(document)
            where = Located(document.path, document.spans)
            if source.id in first_seen:
                first = first_seen[source.id]
                # the line of the first use, which a JSON Lines file needs to tell its documents apart, is said;
                # the fingerprint names the file alone, so that it does not move with lines
                corpus.findings.append(
                    input_error(
                        "duplicate-id",
                        where.location("source", "id"),
                        f'source id "{source.id}" is also used by {first.path} (line {first.line})',
                        "give each source its own id",
                        key=(f'source id "{source.id}" is also used by {first.path}',),
                    )
                )
                # and at its first use, once for each other file: the file that keeps the id may be the one a
                # change brought (a new file that takes an existing source's id leaves that source's claims out),
                # and a gate judges that one
                if first.path != document.path and (source.id, document.path) not in told:
                    told.add((source.id, document.path))
                    corpus.findings.append(
                        input_error(
                            "duplicate-id",
                            first,
                            f'source id "{source.id}" is also used by {document.path} (line '
                            f"{where.location('source', 'id').line}), whose claims are left out",
                            "give each source its own id",
                            key=(f'source id "{source.id}" is also used by {document.path}',),
                        )
                    )
                continue
            first_seen[source.id] = where.location("source", "id")
            corpus.sources[source.id] = source
            kept.append(document)
    return kept
