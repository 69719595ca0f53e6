"""The engine: load rules and claims, partition the claims, run the checks, stamp the findings.

Claims are partitioned by subject, and within a subject by metric: a check
sees one partition and the read-only vocabulary, never another partition, so
findings do not depend on how the work is split or in which order files come.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import os
import sys
import tempfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Optional, Protocol, Sequence, cast

import orjson
from pydantic import ValidationError

from checker import cache, cachekey, checks, table, timeline
from checker.checks.base import Group
from checker.confine import MAX_ARCHIVE_BYTES, archive_problem, resolved
from checker.corpus import (
    DEFAULT_TOLERANCE,
    ClaimRow,
    Corpus,
    DocumentRecord,
    FileRecord,
    Resolved,
    Resolver,
    add_records,
    claim_row,
    read_file,
    resolve_documents,
    subject_key,
    with_archive_problems,
)
from checker.files import Refused, read_regular
from checker.findings import (
    INVALID,
    ClaimRef,
    Finding,
    Location,
    Problem,
    distinct,
    fingerprint,
    input_error,
    plain,
    sort_key,
)
from checker.jsontext import Region
from checker.loading import display_path, iter_files, read_bytes, read_document
from checker.models import TimeNature
from checker.names import suggestion
from checker.result import Result
from checker.table import ClaimsTable
from checker.timeline import Timeline
from checker.trace import phase
from checker.vocabulary import UNREAD, Vocabulary, load_vocabulary


@dataclass(frozen=True)
class ActiveCheck:
    """A check with its validated options and its severity for each verdict."""

    module: ModuleType
    options: Any
    severity: dict[str, str]

    @property
    def id(self) -> str:
        """The check id."""
        return self.module.ID

    def __reduce__(self) -> tuple:
        # a module does not pickle: it goes by name, for workers that are not forked (see checker.dask_engine)
        return _active_check, (self.module.__name__, self.options, self.severity)


def _active_check(module: str, options: Any, severity: dict[str, str]) -> ActiveCheck:
    """An active check sent by the name of its module (see :meth:`ActiveCheck.__reduce__`)."""
    return ActiveCheck(importlib.import_module(module), options, severity)


def configure(vocabulary: Vocabulary, rules_dir: Path) -> tuple[list[ActiveCheck], list[Finding]]:
    """The enabled checks with their settings from ``rules/``; findings for settings that are wrong."""
    problems: list[Finding] = []
    where = Location(rules_dir.as_posix())
    known = {name.replace("-", ""): name for name in checks.REGISTRY}
    for name in sorted(vocabulary.checks):
        if name not in checks.REGISTRY:
            at = vocabulary.definitions.get(("checks", name), where)
            problems.append(input_error("rules", at, f'no such check: "{name}"', suggestion(name, known)))
    active = []
    for check_id, module in checks.REGISTRY.items():
        config = vocabulary.checks.get(check_id)
        where = vocabulary.definitions.get(("checks", check_id), Location(rules_dir.as_posix()))
        if config is not None and not config.enabled:
            continue
        severity = dict(module.SEVERITY)
        try:
            options = module.Options(**(config.options if config else {}))
        except ValidationError as exc:
            for error in exc.errors():
                problems.append(
                    input_error(
                        "rules",
                        where,
                        f'check "{check_id}" option {".".join(map(str, error["loc"]))}: {error["msg"].lower()}',
                    )
                )
            options = module.Options()
        for verdict, level in config.severity.items() if config else ():
            if verdict not in severity:
                problems.append(
                    input_error(
                        "rules",
                        where,
                        f'check "{check_id}" gives no verdict "{verdict}"',
                        "its verdicts: " + ", ".join(sorted(severity)),
                    )
                )
                continue
            severity[verdict] = level
        active.append(ActiveCheck(module, options, severity))
    return active, problems


def _tolerance(active: list[ActiveCheck]) -> float:
    """How far apart numbers may be and still agree: value-conflict's option, else the default."""
    conflict = next((c for c in active if c.id == "value-conflict"), None)
    return conflict.options.tolerance if conflict else DEFAULT_TOLERANCE


def rules_of(rules_dir: Path) -> tuple[Vocabulary, float]:
    """The vocabulary of a rules folder, and the tolerance claims are resolved with, as a run reads them (the
    problems of the rules are for a run to report)."""
    vocabulary, _ = load_vocabulary(rules_dir, read_document)
    active, _ = configure(vocabulary, rules_dir)
    return vocabulary, _tolerance(active)


def partition(claims: Iterable[Resolved]) -> dict[str, dict[str, tuple[Resolved, ...]]]:
    """Claims by subject, then by metric, each tuple in (source, claim) order."""
    out: dict[str, dict[str, list[Resolved]]] = {}
    for claim in claims:
        out.setdefault(claim.subject, {}).setdefault(claim.metric_id, []).append(claim)
    return {
        subject: {metric: tuple(sorted(group, key=lambda c: c.key)) for metric, group in sorted(metrics.items())}
        for subject, metrics in sorted(out.items())
    }


def _claim_order(ref: ClaimRef) -> tuple:
    """The order of ClaimRef (field by field), as one tuple: sorting thousands of references compares in C."""
    return (ref.source, ref.claim, ref.location, ref.value, ref.time, ref.scope, ref.quote, ref.origin,
            ref.published, ref.evidence, ref.evidence_span, ref.derivation)  # fmt: skip


def _stamp(check: ActiveCheck, group: Group, problem: Problem) -> Finding:
    metric_id = problem.metric or group.metric_id
    metric = group.vocabulary.metrics.get(metric_id)
    subject_name = group.vocabulary.entity_name(group.subject)
    return Finding(
        subject=group.subject,
        metric=metric_id,
        check=check.id,
        severity=check.severity[problem.verdict],
        verdict=problem.verdict,
        message=problem.message,
        fingerprint=fingerprint(check.id, group.subject, metric_id, problem.key),
        note=problem.note,
        hint=problem.hint,
        location=problem.location or (problem.claims[0].location if problem.claims else None),
        claims=tuple(sorted(problem.claims, key=_claim_order)),
        topic=f"{subject_name} — {metric.label}" if metric else subject_name,
    )


@dataclass
class SubjectResult:
    """What the checks found about one subject, its timelines, and its claims with the implied ones."""

    findings: list[Finding]
    timelines: list[Timeline]
    claims: tuple[Resolved, ...] = ()


def check_subject(
    subject: str,
    metrics: dict[str, tuple[Resolved, ...]],
    vocabulary: Vocabulary,
    active: list[ActiveCheck],
    judged: Optional[list[ActiveCheck]] = None,
) -> SubjectResult:
    """The implied claims and the timelines of one subject, and the findings of the checks ``judged`` (default:
    all that are active) run group by group.

    Checks that derive implied claims run first; the implied claims then
    join the stated ones for every check and in the timelines. The engine
    judges a table of claims of many subjects at once (:func:`check_table`),
    and group by group only where no table can be made (see checker.table).
    """
    judged = active if judged is None else judged
    stated = tuple(claim for group in metrics.values() for claim in group)
    implied = [
        claim
        for check in active
        if hasattr(check.module, "derive")
        for claim in check.module.derive(stated, vocabulary)
    ]
    if implied:
        metrics = partition(stated + tuple(implied))[subject]
    everything = tuple(sorted(stated + tuple(implied), key=lambda c: (c.metric_id, c.key)))
    findings: list[Finding] = []
    for check in judged:
        if check.module.PARTITION == "subject":
            group = Group(subject, "", None, everything, vocabulary)
            findings.extend(_stamp(check, group, problem) for problem in check.module.check(group, check.options))
    for metric_id, claims in metrics.items():
        group = Group(subject, metric_id, vocabulary.metrics[metric_id], claims, vocabulary)
        for check in judged:
            if check.module.PARTITION == "group":
                findings.extend(_stamp(check, group, problem) for problem in check.module.check(group, check.options))
    timelines = [
        timeline.build(subject, metric_id, claims)
        for metric_id, claims in metrics.items()
        if vocabulary.metrics[metric_id].time == TimeNature.stock
    ]
    return SubjectResult(findings, timelines, everything)


def check_table(claims: Sequence[Resolved], vocabulary: Vocabulary, active: list[ActiveCheck]) -> Iterator[Finding]:
    """The findings of the checks that work on a whole table of claims (of many subjects) at once."""
    claims_table = ClaimsTable.of(claims, vocabulary)
    for check in active:
        for subject, metric_id, problem in check.module.check_table(claims_table, check.options):
            yield _stamp(check, Group(subject, metric_id, vocabulary.metrics.get(metric_id), (), vocabulary), problem)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector: a run builds millions of objects that live to its end, which it would
    only rescan again and again (forked workers inherit the pause). Garbage without cycles is freed as usual."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


#: some claims of one document: the document and its entries (index, subject as written, claim, spans)
Part = tuple[DocumentRecord, list[tuple[int, Optional[str], bytes, bytes]]]


@dataclass
class Job:
    """What the second phase of a run needs: the documents kept, the rules, and what to do."""

    documents: list[DocumentRecord]
    vocabulary: Vocabulary
    active: list[ActiveCheck]
    tolerance: float
    run_checks: bool
    only: Optional[frozenset[str]] = None  # the subjects to work on; None: all
    #: the claims of each shard, when the job was split beforehand (:func:`split`): (shards, parts of each)
    parts: Optional[tuple[int, list[list[Part]]]] = None
    #: when results are cached: the digests of each subject's content and of all its inputs (see
    #: :func:`cache.subject_inputs`), and the cache folder the shards write their subjects' lines to
    digests: Optional[dict[str, tuple[str, str]]] = None
    cache_dir: Optional[Path] = None
    keep_rows: bool = True  # the claims in short are wanted (reports that list them, resolve); else only counted
    #: the findings and timelines of subjects checked are wanted as briefs (see :func:`run`), read from the lines
    #: the shards write to the cache rather than sent whole
    briefs: bool = False


@dataclass
class Output:
    """What one subject gave: its findings, its timelines, and its claims in short."""

    findings: list[Finding] = field(default_factory=list)
    timelines: list[Timeline] = field(default_factory=list)
    rows: list[ClaimRow] = field(default_factory=list)  # empty unless the job keeps rows
    checked: int = 0  # how many of its claims were resolved


@dataclass
class ShardResult:
    """What one shard of subjects gave, subject by subject."""

    outputs: dict[str, Output]
    claims: list[Resolved]  # kept only when the shard ran in the parent process
    cached: Optional[Path] = None  # the file its subjects' cache lines were added to, when the job is cached
    #: the subjects whose findings and timelines were left out: the run reads them from that file, as briefs
    briefed: frozenset[str] = frozenset()


def shard_of(subject: str, shards: int) -> int:
    """The shard a subject belongs to: stable across processes, runs and machines."""
    return zlib.crc32(subject.encode("utf-8")) % shards if shards > 1 else 0


def run_shard(job: Job, shard: int, shards: int, progress: Optional[Callable[[int, int], None]] = None) -> ShardResult:
    """Resolve and check the claims of every subject in one shard: the unit of work a worker runs."""
    vocabulary = job.vocabulary
    if job.parts is not None and job.parts[0] == shards:
        parts = job.parts[1][shard]
    else:
        parts = _split(job, shards, shard)[shard]
    claims, problems = resolve_documents(parts, Resolver(vocabulary, job.tolerance))
    claims.sort(key=lambda c: c.key)
    outputs: dict[str, Output] = {}
    for subject, problem in problems:
        outputs.setdefault(subject, Output()).findings.append(problem)
    for claim in claims:
        output = outputs.setdefault(claim.subject, Output())
        output.rows.append(claim_row(claim))
        output.checked += 1
    if job.run_checks:
        by_subject = partition(claims)
        # a process forked from one that had loaded Polars cannot make a table: its checks judge group by group
        tables = table.usable()
        on_tables = [check for check in job.active if tables and hasattr(check.module, "check_table")]
        on_groups = [check for check in job.active if check not in on_tables]
        everything: list[Resolved] = []
        for index, (subject, metrics) in enumerate(by_subject.items(), 1):
            if progress is not None:
                progress(index, len(by_subject))
            done = check_subject(subject, metrics, vocabulary, job.active, on_groups)
            output = outputs[subject]
            output.findings.extend(done.findings)
            output.timelines.extend(done.timelines)
            everything.extend(done.claims)
        if on_tables and everything:
            for finding in check_table(everything, vocabulary, on_tables):
                outputs[finding.subject].findings.append(finding)
    # every finding of a subject is made here, its claims' input errors and its checks' findings: they are told
    # apart here, before the cache keeps them. Those of two subjects never meet: a check's fingerprints name the
    # subject, an input error's the source and claim
    for output in outputs.values():
        output.findings = distinct(output.findings)
    cached = None
    briefed: frozenset[str] = frozenset()
    if job.digests is not None and job.cache_dir is not None and job.run_checks and outputs:
        cached = cache.write_lines(job.cache_dir, _cache_lines(outputs, job.digests, cache.Places(parts)))
        if cached is not None and job.briefs:
            briefed = frozenset(outputs) & frozenset(job.digests)
            for subject in briefed:
                outputs[subject].findings, outputs[subject].timelines = [], []
    if not job.keep_rows:
        for output in outputs.values():
            output.rows = []
    return ShardResult(outputs, claims, cached, briefed)


def _cache_lines(
    outputs: dict[str, Output], digests: dict[str, tuple[str, str]], places: cache.Places
) -> Iterator[bytes]:
    """The cache record of each subject, piece by piece (see :func:`cache.subject_record`)."""
    for subject, output in sorted(outputs.items()):
        if subject in digests:
            plain = cache.result_plain(output.findings, output.timelines, output.rows, places)
            yield from cache.subject_record(
                subject, digests[subject], cache.relocatable(plain), orjson.dumps(plain), output.findings,
                output.timelines, output.checked,
            )  # fmt: skip


#: a subject's record for the cache to keep: as it stands in the cache, or made (in pieces) when it is written
Record = Region | Callable[[], Sequence[bytes | Region]]


#: what reading a record not as claimcheck wrote it raises (its checksum holds, its content does not)
_DAMAGED = (orjson.JSONDecodeError, ValueError, TypeError, IndexError, KeyError, AttributeError, OSError)


def _from_cache(
    job: Job, stored: dict[str, cache.Stored], inputs: dict[str, tuple[str, str]], briefs: bool, folder: Path
) -> tuple[dict[str, Output], dict[str, Record]]:
    """The results of the subjects the cache holds for their inputs, and their records for the cache to keep.

    A subject whose inputs are all unchanged gives briefs when ``briefs`` is
    asked for (its report text, not rebuilt), else its results rebuilt. One
    whose claims are unchanged but stand elsewhere has every location looked
    up again (when its results name every location): it gives briefs whose
    text is patched where a location moved (``spill`` holds that text), or
    its results rebuilt, and a new record (whose old one stays valid: it is
    looked up again as long as it is kept).
    """
    reused: dict[str, Output] = {}
    kept: dict[str, Record] = {}
    finder = cache.Finder(job.documents)
    spilled: list[BinaryIO] = []

    def spill() -> BinaryIO:  # a file of no name, gone when closed: patched text can run to hundreds of megabytes
        if not spilled:
            spilled.append(tempfile.TemporaryFile(prefix=cache.TEMPORARY, dir=folder))
        return spilled[0]

    for subject, entry in stored.items():
        digests = inputs.get(subject)
        if digests is None:
            continue
        same = entry.everything == digests[1]
        if not same and not (entry.relocatable and entry.content == digests[0]):
            continue
        try:
            if same and briefs:
                findings, timelines = cache.briefs_of(subject, entry)
                # briefs stand in for findings and timelines wherever the gate and the JSON report read them
                reused[subject] = Output(
                    cast(list[Finding], findings), cast(list[Timeline], timelines), [], entry.checked
                )
                kept[subject] = entry.line
                continue
            plain = entry.plain.read()
            data = orjson.loads(plain)
            found = cache.moves(data, finder)
            if found is None:  # some place it names is gone: checked again
                continue
            if found.moved:
                plain = cache.relocated(data, found)
            if briefs:
                findings, timelines = cache.relocated_briefs(subject, entry, found, spill())
                reused[subject] = Output(
                    cast(list[Finding], findings), cast(list[Timeline], timelines), [], entry.checked
                )
                kept[subject] = partial(
                    cache.briefs_record, subject, digests, entry.checked, plain, findings, timelines
                )
                continue
            rebuilt, lines, rows = cache.result_from_plain(data, found.where)
        except _DAMAGED:  # a record not as it was written
            continue
        reused[subject] = Output(rebuilt, lines, rows if job.keep_rows else [], len(rows))
        kept[subject] = (
            entry.line if same else partial(cache.subject_record, subject, digests, True, plain, rebuilt, lines, len(rows))
        )  # fmt: skip
    return reused, kept


def _read_briefs(outputs: dict[str, Output], briefed: set[str], files: list[Path]) -> None:
    """Give the subjects in ``briefed`` their findings and timelines as briefs, from the lines the shards wrote."""
    records: dict[str, cache.Stored] = {}
    for path in files:
        records.update(cache.read_records(path))
    for subject in briefed:
        findings, timelines = cache.briefs_of(subject, records[subject])
        output = outputs[subject]
        output.findings, output.timelines = cast(list[Finding], findings), cast(list[Timeline], timelines)


def split(job: Job, shards: int) -> None:
    """Sort the job's claims into ``shards`` shards once, for workers that each run many shards."""
    job.parts = (shards, _split(job, shards))


def _split(job: Job, shards: int, only_shard: Optional[int] = None) -> list[list[Part]]:
    """The parts of each shard (of one shard alone, with ``only_shard``; the others stay empty)."""
    known: dict[Optional[str], tuple[str, int]] = {}  # subject as written -> (its key, its shard)
    out: list[list[Part]] = [[] for _ in range(shards)]
    if job.only is not None and not job.only:  # every subject came from the cache
        return out

    def place_of(name: Optional[str]) -> tuple[str, int]:
        place = known.get(name)
        if place is None:
            key = subject_key(name, job.vocabulary)
            place = known[name] = (key, shard_of(key, shards))
        return place

    for document in job.documents:
        if job.only is not None and document.parts is not None:  # the subjects it has claims about, without them
            if not any(place_of(name)[0] in job.only for name in document.parts.names):
                continue
        by_shard: dict[int, list] = {}
        for entry in document.claims:
            place = place_of(entry[1])
            if (only_shard is None or place[1] == only_shard) and (job.only is None or place[0] in job.only):
                by_shard.setdefault(place[1], []).append(entry)
        for number, entries in by_shard.items():
            out[number].append((document, entries))
    return out


#: a worker's share of the claims is checked in pieces of about this many claims: the parent receives each
#: piece's findings while the workers go on, and a worker holds the resolved claims of one piece at a time
PIECE_CLAIMS = 20_000


def shard_count(claims: int, workers: int) -> int:
    """How many shards ``claims`` are split into for ``workers``: many more than workers, so that none runs out of
    work while another starts a busy subject, and small enough that a worker holds few claims at a time."""
    return max(workers * 4, claims // PIECE_CLAIMS)


def default_workers() -> int:
    """As many workers as the machine has cores for this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """True where worker processes can be forked (Linux): elsewhere a run stays in one process."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


_JOB: Optional[Job] = None  # the job forked workers inherit
#: from this many claims on, subjects are checked by worker processes
MANY_CLAIMS = 2000


#: a file to read: its path, as shown, the cache folder, and its text when it was made in memory
Source = tuple[Path, str, Optional[Path], Optional[str]]


def _content(item: Source) -> bytes | Finding:
    """The bytes of a file (an imported table's text), or the finding that says why they cannot be read."""
    path, shown, _, text = item
    return text.encode("utf-8") if text is not None else read_bytes(path, shown)


def _read(item: Source) -> FileRecord:
    """Read a file once: its record from the cache when its bytes are unchanged, else read and validated, and
    kept in the cache (under the digest of the very bytes read) when there is one; then its archived texts are
    vetted (never cached: see corpus.with_archive_problems)."""
    path, shown, folder, _ = item
    raw = _content(item)
    if isinstance(raw, Finding):  # what cannot be read (a special file) is a finding, and is not cached
        return FileRecord((plain(raw),), (), 0)
    if folder is None:
        return with_archive_problems(read_file(path, shown, raw))
    key = cache.file_key(raw, shown)
    record = cache.load_file(folder, key, path.as_posix())
    if record is None:
        record = cache.with_digests(read_file(path, shown, raw))  # made here, in a reader process, once
        cache.save_file(folder, key, record)
    return with_archive_problems(record)


def _cached(item: Source) -> Optional[FileRecord]:
    """A file's record from the cache, when its bytes are unchanged (its archived texts vetted)."""
    path, shown, folder, _ = item
    raw = _content(item)
    if folder is None or isinstance(raw, Finding):
        return None
    record = cache.load_file(folder, cache.file_key(raw, shown), path.as_posix())
    return with_archive_problems(record) if record is not None else None


def _read_all(files: list[Source], readers: int, cache_dir: Optional[Path]) -> list[FileRecord]:
    """The record of every file, in order. With a cache that holds records, those are read here first: reading
    one costs less than sending it from another process; the files left are read by ``readers`` processes."""
    records: list[Optional[FileRecord]] = [None] * len(files)
    left = list(range(len(files)))
    if readers > 1 and cache_dir is not None and (cache_dir / "files").is_dir():
        for number, item in enumerate(files):
            records[number] = _cached(item)
        left = [number for number, record in enumerate(records) if record is None]
    if readers > 1 and len(left) > 1:
        with multiprocessing.get_context("fork").Pool(min(readers, len(left))) as pool:
            chunk = max(1, len(left) // (readers * 8))
            for number, record in zip(left, pool.map(_read, [files[n] for n in left], chunksize=chunk), strict=True):
                records[number] = record
    else:
        for number in left:
            records[number] = _read(files[number])
    return cast(list[FileRecord], records)


class Executor(Protocol):
    """Machines other than this one that read the files and check the shards of a run (see
    :mod:`checker.dask_engine`): the run itself (the rules, the list of files, the findings merged) stays here."""

    def read(self, files: list[Source]) -> list[FileRecord]:
        """The record of every file, in order, without its claims: these stay where they were read."""
        ...

    def run_shards(
        self, job: Job, progress: Optional[Callable[[int, int], None]], receive: Callable[[ShardResult], None]
    ) -> None:
        """Every shard of ``job`` (its documents: those of the records :meth:`read` gave that the run keeps), each
        result to ``receive`` as soon as it is done."""
        ...


def _shard_in_worker(arguments: tuple[int, int]) -> ShardResult:
    assert _JOB is not None
    with phase(f"shard {arguments[0] + 1} of {arguments[1]}"):
        done = run_shard(_JOB, *arguments)
    done.claims = []  # resolved claims stay in the worker: the parent needs only their rows
    return done


def run(
    claim_paths: list[Path],
    rules_dir: Path,
    run_checks: bool = True,
    progress: Optional[Callable[[int, int], None]] = None,
    workers: int = 1,
    cache_dir: Optional[Path] = None,
    texts: Sequence[tuple[Path, str]] = (),
    keep_rows: bool = True,
    briefs: bool = False,
    executor: Optional[Executor] = None,
) -> Result:
    """Check the claim files under ``claim_paths`` with the rules in ``rules_dir``.

    ``texts`` are JSON Lines claim files made in memory (imported tables): (the path they are named by, text).

    With ``run_checks`` false only the files are read, validated and resolved.
    With ``workers`` above 1 (on Linux) files are read by that many processes,
    then each process resolves and checks the subjects of one shard; the
    findings are the same whatever the number of workers. Only a run in one
    process that uses no cache keeps the resolved claims themselves
    (``corpus.claims``). With ``cache_dir``, files and subjects unchanged since
    an earlier run are taken from there (see :mod:`checker.cache`). Without
    ``keep_rows`` the claims in short (``corpus.rows``) are only counted
    (``corpus.checked``): a report that does not list them needs less memory.
    With ``briefs`` (and without ``keep_rows``), the findings and timelines of
    subjects the cache holds for inputs that are all unchanged are
    :class:`checker.findings.Brief` and :class:`checker.timeline.TimelineBrief`:
    their JSON report text and what the gate needs, not rebuilt; only the
    JSON report can write them.

    With an ``executor`` the files are read and the shards checked where it
    sends them (``workers`` is then not used), with no cache: a cache folder
    belongs to one machine.
    """
    if executor is not None:
        cache_dir = None
    with no_cycle_collection():
        return _run(
            claim_paths, rules_dir, run_checks, progress, max(1, workers), cache_dir, texts, keep_rows, briefs,
            executor,
        )  # fmt: skip


def _run(
    claim_paths: list[Path],
    rules_dir: Path,
    run_checks: bool,
    progress: Optional[Callable[[int, int], None]],
    workers_wanted: int,
    cache_dir: Optional[Path],
    texts: Sequence[tuple[Path, str]],
    keep_rows: bool,
    briefs: bool,
    executor: Optional[Executor],
) -> Result:
    if cache_dir is not None and cachekey.problem():
        cache_dir = None  # entries could not be authenticated: none is read or written
    if cache_dir is not None:
        cache.sweep(cache_dir)
    read = cache.document_reader(cache_dir) if cache_dir is not None else read_document
    with phase("rules"):
        vocabulary, rules_findings = load_vocabulary(rules_dir, read)
        active, config_findings = configure(vocabulary, rules_dir)
    rules_findings += config_findings
    tolerance = _tolerance(active)
    corpus = Corpus()
    files: list[Source] = []
    for path, missing in iter_files(claim_paths):
        if missing is not None:
            corpus.findings.append(missing)
        else:
            files.append((path, display_path(path), cache_dir, None))
    files += [(path, display_path(path), cache_dir, text) for path, text in texts]
    readers = min(workers_wanted, len(files)) if can_fork() else 1
    with phase(f"read {len(files)} files (or their records from the cache)"):
        records = executor.read(files) if executor is not None else _read_all(files, readers, cache_dir)
    job = Job(add_records(corpus, records), vocabulary, active, tolerance, run_checks, keep_rows=keep_rows)
    del records
    # a handful of claims is checked faster than worker processes start
    many = sum(len(document.claims) for document in job.documents) >= MANY_CLAIMS
    workers = workers_wanted if can_fork() and many else 1
    context = multiprocessing.get_context("fork") if workers > 1 else None
    reused: dict[str, Output] = {}
    kept: dict[str, Record] = {}  # subject -> its record in the cache, when its results are reused
    held: frozenset[str] = frozenset()  # the subjects the cache held
    inputs: dict[str, tuple[str, str]] = {}
    rules = ""
    if cache_dir is not None and run_checks:
        rules = cache.rules_key(rules_dir, tolerance)
        with phase("subject digests"):
            inputs = _subject_digests(job)
        with phase("subjects from the cache"):
            with phase("the subjects' entry"):
                stored = cache.load_subjects(cache_dir, rules)
            job.briefs = briefs and not keep_rows
            reused, kept = _from_cache(job, stored, inputs, job.briefs, cache_dir)
            held = frozenset(stored)
            del stored
        job.only = frozenset(inputs) - frozenset(reused)
        job.digests, job.cache_dir = inputs, cache_dir
    outputs = dict(reused)
    lines: set[Path] = set()  # the files the shards wrote their subjects' cache lines to

    briefed: set[str] = set()  # the subjects checked whose findings are read back from the lines, as briefs

    def receive(done: ShardResult) -> None:  # each piece as it comes
        outputs.update(done.outputs)
        corpus.claims.extend(done.claims)
        if done.cached is not None:
            lines.add(done.cached)
        briefed.update(done.briefed)

    with phase(f"check {len(job.only) if job.only is not None else 'all'} subjects"):
        if executor is not None:
            executor.run_shards(job, progress, receive)
        else:
            _run_shards(job, workers, context, progress, receive)
    if briefed:
        with phase("briefs of the subjects checked"):
            cache.close_lines()
            _read_briefs(outputs, briefed, sorted(lines))
    # the cache is written again when a subject was checked or is gone; a subject whose lines only moved keeps its
    # record (valid wherever they stand) until then
    if cache_dir is not None and run_checks and (lines or held != frozenset(kept)):
        with phase("save subjects"):
            cache.close_lines()
            ours = (kept[subject] for subject in sorted(kept))
            pieces = (piece for record in ours for piece in (record() if callable(record) else [record]))
            cache.save_subjects(cache_dir, rules, sorted(lines), pieces)
    # the input errors of the rules and of reading files, made in this process, told apart in one go
    early = distinct(list(rules_findings) + list(corpus.findings))
    rules_findings, corpus.findings = early[: len(rules_findings)], early[len(rules_findings) :]
    findings = list(early)
    timelines: list[Timeline] = []
    for subject in sorted(outputs):
        output = outputs[subject]
        findings.extend(output.findings)
        timelines.extend(output.timelines)
        corpus.rows.extend(output.rows)
        corpus.checked += output.checked
        corpus.findings.extend(f for f in output.findings if f.verdict == INVALID)
    corpus.rows.sort(key=lambda r: r.key)
    corpus.claims.sort(key=lambda c: c.key)
    if cache_dir is not None:
        corpus.claims = []  # some came from the cache as rows only: keep none rather than some
    timelines.sort(key=lambda t: (t.subject, t.metric))
    if vocabulary.unreadable:
        findings, rules_findings = _without_follow_ons(findings, rules_findings, vocabulary.unreadable)
    findings.sort(key=sort_key)
    return Result(findings, corpus, vocabulary, rules_findings, timelines)


def _without_follow_ons(findings: list, rules_findings: list[Finding], unread: list[str]) -> tuple[list, list]:
    """The findings without the unknown names that only follow from a rules file that cannot be read (every claim
    naming something it defines), counted in one finding at the file: its own problems come first, alone."""
    def follows(finding: Any) -> bool:
        return getattr(finding, "hint", "").endswith(UNREAD)

    dropped = sum(1 for f in findings if follows(f))
    if not dropped:
        return findings, rules_findings
    files = ", ".join(unread)
    summary = input_error(
        "rules",
        Location(unread[0]),
        f"{dropped:,} more problems, names that claims and rules use but that no rules file read defines, follow "
        f"from {files} and are not listed",
        f"fix {'the rules file' if len(unread) == 1 else 'these rules files'} first: their own problems are listed; "
        "run again to see what is left",
    )
    kept = [f for f in findings if not follows(f)]
    return kept + [summary], [f for f in rules_findings if not follows(f)] + [summary]


def _run_shards(
    job: Job,
    workers: int,
    context: Any,
    progress: Optional[Callable[[int, int], None]],
    receive: Callable[[ShardResult], None],
) -> None:
    """Every shard of the job, shared among the worker processes, or the whole job here; each shard's result
    goes to ``receive`` as soon as it is done. Worker processes take the job's documents with them: the job
    holds none afterwards."""
    global _JOB
    if context is None or (job.only is not None and len(job.only) < 2):
        receive(run_shard(job, 0, 1, progress))
        return
    pieces = shard_count(sum(len(document.claims) for document in job.documents), workers)
    split(job, pieces)
    assert job.parts is not None
    sizes = [sum(len(entries) for _, entries in parts) for parts in job.parts[1]]
    # the largest first, so that no worker starts a busy subject while the others run out of work
    order = sorted(range(pieces), key=lambda number: (-sizes[number], number))
    _JOB = job
    try:
        with context.Pool(workers) as pool:
            # every worker is forked by now with its copy of the job: here its claims are no longer needed
            _JOB = None
            job.documents, job.parts = [], None
            for number, done in enumerate(pool.imap_unordered(_shard_in_worker, [(i, pieces) for i in order]), 1):
                receive(done)
                if progress is not None:
                    progress(number, pieces)
    finally:
        _JOB = None
        job.parts = None


def _subject_digests(job: Job) -> dict[str, tuple[str, str]]:
    """For each subject, the digests of its content and of everything its results depend on besides the rules."""
    archives: dict[tuple[str, str], list[str]] = {}
    for document in job.documents:
        archive = document.source.get("archive")
        if isinstance(archive, str) and (document.file, archive) not in archives:
            target = Path(document.file).parent / archive
            try:
                refused = archive_problem(target)
                content = read_regular(resolved(target), MAX_ARCHIVE_BYTES) if refused is None else None
                state = cache.digest(content) if content is not None else "refused"
            except (OSError, Refused):
                state = "unreadable"
            # the archive as findings show it (evidence names it so), not where the checkout stands
            archives[document.file, archive] = [display_path(target), state]
    return cache.subject_inputs(job.documents, lambda name: subject_key(name, job.vocabulary), archives)
