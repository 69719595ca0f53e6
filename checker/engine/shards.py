"""Shards: the claims of a run split by subject, and what one shard gives when it is resolved and checked."""

from __future__ import annotations

import gc
import os
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator, Optional

from checker.corpus.claims import ClaimRow, Resolved
from checker.corpus.kept import Kept, heads, lean, plain_text
from checker.corpus.records import DocumentRecord
from checker.corpus.resolver import Resolver, claim_rows, resolve_documents, subject_key
from checker.corpus.timeline import Timeline
from checker.engine import cache, cachekey, places
from checker.engine.checking import ActiveCheck, check_table, partition, subject_claims
from checker.formats import confine
from checker.formats.confine import Confinement
from checker.formats.files import umask
from checker.formats.loading import shown_from
from checker.model.findings import (
    Finding,
    distinct,
)
from checker.vocabulary.rules import Vocabulary

#: some claims of one document: the document and its entries (index, subject as written, claim, spans)
Part = tuple[DocumentRecord, list[tuple[int, Optional[str], bytes, bytes]]]


@dataclass
class Job:
    """What the second phase of a run needs: the documents kept, the rules, and what to do."""

    documents: list[DocumentRecord]
    vocabulary: Vocabulary
    active: list[ActiveCheck]
    run_checks: bool
    only: Optional[frozenset[str]] = None  # the subjects to work on; None: all
    #: the claims of each shard, when the job was split beforehand (:func:`split`): (shards, parts of each)
    parts: Optional[tuple[int, list[list[Part]]]] = None
    #: when results are cached: the digests of each subject's content and of all its inputs (see
    #: :func:`cache.subject_inputs`), and the cache folder the shards write their subjects' lines to
    digests: Optional[dict[str, tuple[str, str]]] = None
    cache_dir: Optional[Path] = None
    keep_rows: bool = True  # the claims in short are wanted (reports that list them, resolve); else only counted
    #: the findings and timelines of the subjects checked are left in the cache's files, and the run is sent only
    #: what the gate needs of them (see :func:`run`)
    lean: bool = False
    #: only the checks that judge each claim by itself run: no timelines, no implied claims (see :func:`run`)
    alone: bool = False


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


@dataclass(frozen=True)
class Context:
    """What a worker that did not inherit the run needs to read and check as the run would in its own process."""

    confinement: Confinement  # where archived texts may be read from
    folder: str  # the run's working directory, which paths are shown relative to
    #: the run's umask, which the files a worker writes (its records in the cache) take their mode from; None for
    #: workers that write no file (a Dask worker: a run sent there uses no cache), whose umask, shared by all the
    #: threads of their process, is left alone
    mask: Optional[int] = field(default_factory=umask)
    #: where the run's cache key is: the records a worker writes are signed with it (None: as for ``mask``)
    keys: Optional[Path] = field(default_factory=cachekey.user_folder)


@contextmanager
def as_the_run(context: Context) -> Iterator[None]:
    """Read and check in the block as the run of ``context`` would."""
    mask = os.umask(context.mask) if context.mask is not None else None
    try:
        with confine.applied(context.confinement), shown_from(context.folder), cachekey.of_the_run(context.keys):
            with no_cycle_collection():
                yield
    finally:
        if mask is not None:
            os.umask(mask)


def run_sent(rules: Job, documents: list[DocumentRecord], context: Context) -> ShardResult:
    """In a worker that did not inherit the run (a Dask worker, a process started afresh): resolve and check one
    shard, whose documents (each with the shard's claims only) were sent to it with the rules (a job without
    documents)."""
    with as_the_run(context):
        done = run_shard(replace(rules, documents=documents, parts=None), 0, 1)
    done.claims = []  # resolved claims stay in the worker: the run needs only their rows
    return done


def shard_of(subject: str, shards: int) -> int:
    """The shard a subject belongs to: stable across processes, runs and machines."""
    return zlib.crc32(subject.encode("utf-8")) % shards if shards > 1 else 0


def run_shard(job: Job, shard: int, shards: int, progress: Optional[Callable[[int, int], None]] = None) -> ShardResult:
    """Resolve and check the claims of every subject in one shard: the unit of work a worker runs."""
    vocabulary = job.vocabulary
    if job.parts is not None and job.parts[0] == shards:
        parts = job.parts[1][shard]
    else:
        parts = shard_parts(job, shards, shard)[shard]
    claims, problems = resolve_documents(parts, Resolver(vocabulary))
    claims.sort(key=lambda c: c.key)
    outputs: dict[str, Output] = {}
    for subject, problem in problems:
        outputs.setdefault(subject, Output()).findings.append(problem)
    # the claims in short, when a report or the cache wants them; else only counted
    wanted = job.keep_rows or (job.digests is not None and job.cache_dir is not None and job.run_checks)
    for claim in claims:
        outputs.setdefault(claim.subject, Output()).checked += 1
    if wanted:
        for claim, row in zip(claims, claim_rows(claims), strict=True):
            outputs[claim.subject].rows.append(row)
    if job.run_checks:
        # each claim by itself (validate): the stated claims alone, with no timelines and nothing implied
        everything: list[Resolved] = list(claims) if job.alone else []
        by_subject = {} if job.alone else partition(claims)
        for index, (subject, metrics) in enumerate(by_subject.items(), 1):
            if progress is not None:
                progress(index, len(by_subject))
            done = subject_claims(subject, metrics, vocabulary, job.active)
            output = outputs[subject]
            output.timelines.extend(done.timelines)
            everything.extend(done.claims)
        if everything:
            for finding in check_table(everything, vocabulary, job.active):
                outputs[finding.subject].findings.append(finding)
    # every finding of a subject is made here, its claims' input errors and its checks' findings: they are told
    # apart here, before the cache keeps them. Those of two subjects never meet: a check's fingerprints name the
    # subject, an input error's the source and claim
    for output in outputs.values():
        output.findings = distinct(output.findings)
    cached = None
    if job.digests is not None and job.cache_dir is not None and job.run_checks and outputs:
        made = {s: heads(o.findings, o.timelines) for s, o in outputs.items() if s in job.digests}
        written = cache.write_lines(job.cache_dir, _cache_lines(outputs, made, job.digests, places.Places(parts)))
        if written is not None:
            cached, results = written
            if job.lean:  # the run is sent what the gate needs, and where the rest stands
                for subject, stands in results.items():
                    output = outputs[subject]
                    output.findings, output.timelines = lean(output.findings, made[subject], Kept(stands, parts=stands.parts))
    if not job.keep_rows:
        for output in outputs.values():
            output.rows = []
    return ShardResult(outputs, claims, cached)


def _cache_lines(
    outputs: dict[str, Output], made: dict[str, list], digests: dict[str, tuple[str, str]], named: places.Places
) -> Iterator[tuple[str, bytes, tuple[int, ...]]]:
    """The cache record of each subject (see :func:`cache.subject_record`), with its heads ``made``, and the sizes
    of its results' parts."""
    for subject, output in sorted(outputs.items()):
        if subject in digests:
            plain = places.result_plain(output.findings, output.timelines, output.rows, named)
            text = plain_text(plain)
            record = cache.subject_record(
                subject, digests[subject], places.relocatable(plain), text, output.checked, made[subject]
            )
            yield subject, record, text[1]


def split(job: Job, shards: int) -> None:
    """Sort the job's claims into ``shards`` shards once, for workers that each run many shards."""
    job.parts = (shards, shard_parts(job, shards))


def shard_parts(job: Job, shards: int, only_shard: Optional[int] = None) -> list[list[Part]]:
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
PIECE_CLAIMS = 10_000


def shard_count(claims: int, workers: int) -> int:
    """How many shards ``claims`` are split into for ``workers``: many more than workers, so that none runs out of
    work while another starts a busy subject, and small enough that a worker holds few claims at a time."""
    return max(workers * 4, claims // PIECE_CLAIMS)
