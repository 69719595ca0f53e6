"""Claim files read, validated and resolved against the vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from checker.confine import archive_problem, resolved
from checker.findings import ClaimRef, Finding, Location, input_error
from checker.loading import Loaded, display_path, iter_files, load_models
from checker.models import Claim, ClaimFile, Metric, Source, TimeNature
from checker.provenance import ArchivedText, QuoteMatch, locate, read_archive
from checker.timespec import TimeError, TimeSpan, parse_time
from checker.values import Interpreted, ValueProblem, interpret
from checker.vocabulary import Vocabulary

DEFAULT_TOLERANCE = 0.1


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


@dataclass(frozen=True)
class Resolved:
    """A claim with its names resolved, its value interpreted and its time known (or known to be unknown)."""

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
    location: Location
    ref: ClaimRef = field(compare=False)
    quote_match: Optional[QuoteMatch] = field(default=None, compare=False)  # None: no archive at hand

    @property
    def key(self) -> tuple[str, str]:
        """(source id, claim id): unique in a corpus."""
        return self.ref.source, self.ref.claim

    def time_text(self) -> str:
        """When the claim holds, in short."""
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


@dataclass
class Corpus:
    """Everything read from the claim files."""

    sources: dict[str, SourceInfo] = field(default_factory=dict)
    claims: list[Resolved] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    claims_read: int = 0


def _source_info(loaded: Loaded, file: Path) -> SourceInfo:
    source: Source = loaded.model
    if source.published is not None:
        return SourceInfo(source, loaded.path, file, parse_time(source.published), True)
    estimate = source.undated.estimate if source.undated else None
    return SourceInfo(source, loaded.path, file, parse_time(estimate) if estimate is not None else None, False)


def _time(claim: Claim, metric: Metric, source: SourceInfo) -> tuple[Optional[TimeSpan], str]:
    """The claim's time and where it came from; raise ValueProblem when it does not fit the metric."""
    nature = metric.time
    if nature == TimeNature.fixed:
        if claim.as_of is not None or claim.period is not None:
            raise ValueProblem(f'metric "{metric.label}" does not change over time', "remove `as_of`/`period`")
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
    if source.date is None:
        return None, "unknown"
    return source.date, "published" if source.dated else "estimated"


def _scope(claim: Claim, metric: Metric) -> tuple[tuple[str, str], ...]:
    resolved = []
    for dim, value in claim.scope.items():
        declared = metric.scope.get(dim)
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


def _resolve(
    loaded: Loaded,
    source: SourceInfo,
    index: int,
    claim: Claim,
    vocabulary: Vocabulary,
    tolerance: float,
    archive: ArchivedText | None,
    archive_shown: str,
) -> Resolved | Finding:
    def error(keys: tuple, message: str, hint: str) -> Finding:
        return input_error(check, loaded.location("claims", index, *keys), f'claim "{claim.id}": {message}', hint)

    check = "vocabulary"
    metric_id = vocabulary.metric_id(claim.metric)
    if metric_id is None:
        return error(("metric",), f'unknown metric "{claim.metric}"', vocabulary.metric_hint(claim.metric))
    metric = vocabulary.metrics[metric_id]
    subject = vocabulary.entity_id(claim.subject) or (claim.subject if metric.open_subjects else None)
    if subject is None:
        return error(("subject",), f'unknown entity "{claim.subject}"', vocabulary.entity_hint(claim.subject))
    origin_name = claim.origin or source.model.origin
    origin = source.id
    if origin_name is not None:
        found = vocabulary.entity_id(origin_name)
        if found is None:
            keys = ("origin",) if claim.origin else ()
            return error(keys, f'unknown origin entity "{origin_name}"', vocabulary.entity_hint(origin_name))
        origin = found
    quote_match = locate(claim.quote, archive) if archive is not None else None
    check = "value"
    try:
        value = interpret(
            claim,
            metric,
            metric.tolerance if metric.tolerance is not None else tolerance,
            vocabulary.entity_id,
            vocabulary.entity_name,
            vocabulary.units,
        )
    except ValueProblem as problem:
        hint = problem.hint
        if problem.message.startswith("unknown entity"):
            name = problem.message.split('"')[1]
            hint = vocabulary.entity_hint(name)
        return error(("value",), problem.message, hint)
    try:
        time, basis = _time(claim, metric, source)
        scope = _scope(claim, metric)
    except ValueProblem as problem:
        return error(
            ("as_of",) if claim.as_of else ("period",) if claim.period else ("scope",), problem.message, problem.hint
        )
    except TimeError as problem:
        return error(("period",) if claim.period is not None else ("as_of",), str(problem), "")
    location = loaded.location("claims", index)
    evidence = ""
    if quote_match is not None and quote_match.found and archive_shown:
        evidence = f"{archive_shown}:{quote_match.line}"
    ref = ClaimRef(
        source=source.id,
        claim=claim.id,
        location=location,
        value=value.text,
        time=time_text(metric, time, basis),
        scope=", ".join(f"{dim} {value}" for dim, value in scope),
        quote=claim.quote,
        origin=origin,
        published=source.date_text(),
        evidence=evidence,
        evidence_span=(quote_match.start, quote_match.end) if evidence and quote_match else (0, 0),
    )
    return Resolved(
        claim, source, subject, metric_id, metric, value, time, basis, scope, origin, location, ref, quote_match
    )


def load_corpus(paths: list[Path], vocabulary: Vocabulary, tolerance: float = DEFAULT_TOLERANCE) -> Corpus:
    """Read every claim file under ``paths``; bad files and claims become findings, the rest are resolved."""
    corpus = Corpus()
    first_seen: dict[str, str] = {}
    for path, missing in iter_files(paths):
        if missing is not None:
            corpus.findings.append(missing)
            continue
        corpus.files += 1
        shown = display_path(path)
        for loaded, problems in load_models(path, shown, ClaimFile):
            corpus.findings.extend(problems)
            if loaded is not None:
                _add_file(corpus, loaded, path, vocabulary, tolerance, first_seen)
    corpus.claims.sort(key=lambda c: c.key)
    return corpus


def _add_file(
    corpus: Corpus, loaded: Loaded, path: Path, vocabulary: Vocabulary, tolerance: float, first_seen: dict[str, str]
) -> None:
    """Resolve the claims of one claim document into the corpus."""
    claim_file: ClaimFile = loaded.model
    try:
        source = _source_info(_source_loaded(loaded), path)
    except TimeError as problem:
        corpus.findings.append(_date_problem(loaded, problem))
        return
    if source.id in corpus.sources:
        corpus.findings.append(
            input_error(
                "duplicate-id",
                loaded.location("source", "id"),
                f'source id "{source.id}" is also used by {first_seen[source.id]}',
                "give each source its own id",
            )
        )
        return
    first_seen[source.id] = loaded.path
    corpus.sources[source.id] = source
    archive, archive_shown = _archive(loaded, source, corpus)
    ids: dict[str, int] = {}
    for index, claim in enumerate(claim_file.claims):
        corpus.claims_read += 1
        if claim.id in ids:
            first = loaded.location("claims", ids[claim.id], "id")
            corpus.findings.append(
                input_error(
                    "duplicate-id",
                    loaded.location("claims", index, "id"),
                    f'claim id "{claim.id}" is used twice in this file (first at line {first.line})',
                    "give each claim its own id",
                )
            )
            continue
        ids[claim.id] = index
        result = _resolve(loaded, source, index, claim, vocabulary, tolerance, archive, archive_shown)
        if claim.derived is not None:
            known = {c.id for c in claim_file.claims}
            unknown = [name for name in claim.derived.from_ if name not in known]
            if unknown:
                corpus.findings.append(
                    input_error(
                        "vocabulary",
                        loaded.location("claims", index, "derived"),
                        f'claim "{claim.id}" is derived from unknown claim id "{unknown[0]}"',
                        "name claims of this file in `derived.from`",
                    )
                )
        if isinstance(result, Finding):
            corpus.findings.append(result)
        else:
            corpus.claims.append(result)


def _date_problem(loaded: Loaded, problem: TimeError) -> Finding:
    """The finding for a source date that follows the grammar but names no real time (2025-02-30, 2026/2025)."""
    source: Source = loaded.model.source
    keys = ("source", "published") if source.published is not None else ("source", "undated", "estimate")
    return input_error(
        "value",
        loaded.location(*keys),
        f'source "{source.id}": {problem}',
        "write a real date: 2025, 2025-H1, 2025-Q2, 2025-06, 2025-06-30 or a span A/B that ends after it starts",
    )


def _archive(loaded: Loaded, source: SourceInfo, corpus: Corpus) -> tuple[ArchivedText | None, str]:
    """The source's archived text, or a finding saying why its quotes cannot be verified."""
    if source.model.archive is None:
        return None, ""
    path = source.file.parent / source.model.archive
    shown = display_path(path)
    refused = archive_problem(path)
    if refused is not None:
        message, hint = refused
        corpus.findings.append(
            input_error(
                "archive",
                loaded.location("source", "archive"),
                f'archived text "{shown}" {message}; quotes of this source are not verified',
                hint,
            )
        )
        return None, ""
    text = read_archive(resolved(path))
    if text is None:
        corpus.findings.append(
            input_error(
                "archive",
                loaded.location("source", "archive"),
                f'archived text "{shown}" cannot be read: quotes of this source are not verified',
                "fix the `archive:` path (it is relative to the claim file) or remove it",
                severity="warning",
            )
        )
        return None, ""
    return text, shown


def _source_loaded(loaded: Loaded) -> Loaded:
    """The loaded file viewed through its source block."""
    return Loaded(loaded.path, loaded.model.source, loaded.document)


__all__ = ["Corpus", "Resolved", "SourceInfo", "load_corpus", "display_path"]
