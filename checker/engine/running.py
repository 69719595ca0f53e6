"""A run: rules and files read, shards checked by local worker processes (or an executor), results merged."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Optional, Protocol, Sequence, cast

import orjson

from checker.corpus.claims import Corpus
from checker.corpus.kept import Kept, KeptFinding, KeptTimeline, from_heads, from_plain, heads, lean, locations
from checker.corpus.records import FileRecord
from checker.corpus.resolver import add_records, subject_key
from checker.corpus.result import Result
from checker.corpus.timeline import Timeline
from checker.engine import cache, cachekey, places, table
from checker.engine.checking import configure
from checker.engine.reading import FileToRead, pool_afresh, read_all
from checker.engine.shards import (
    Context,
    Job,
    Output,
    ShardResult,
    no_cycle_collection,
    run_sent,
    run_shard,
    shard_count,
    split,
)
from checker.engine.trace import phase
from checker.formats import confine
from checker.formats.confine import MAX_ARCHIVE_BYTES, archive_problem, resolved
from checker.formats.files import Refused, digest, read_regular
from checker.formats.loading import display_path, iter_files, read_document
from checker.model.findings import (
    INVALID,
    Finding,
    Location,
    distinct,
    input_error,
    sort_key,
)
from checker.vocabulary.rules import UNREAD, load_vocabulary

#: a subject's record for the cache to keep: as it stands in the cache, or made anew
Record = cache.Piece | bytes


#: what reading a record not as claimcheck wrote it raises (its checksum holds, its content does not)
_DAMAGED = (orjson.JSONDecodeError, ValueError, TypeError, IndexError, KeyError, AttributeError, OSError)


def _from_cache(
    job: Job, stored: dict[str, cache.Stored], inputs: dict[str, tuple[str, str]]
) -> tuple[dict[str, Output], dict[str, Record]]:
    """The results of the subjects the cache holds for their inputs, and their records for the cache to keep.

    A subject whose inputs are all unchanged has its results rebuilt from its
    record, which is kept as it is. One whose claims are unchanged but stand
    elsewhere has every location looked up again (when its results name every
    location) and gets a new record (whose old one stays valid: it is looked
    up again as long as it is kept). With ``job.lean`` the results are kept
    findings and timelines (see :mod:`checker.corpus.kept`), made whole only when
    the report writes them: those of a subject unchanged from the head of
    its record alone, unless it has input errors (which stay whole).
    Reports are written afresh from these results: the cache keeps no
    report's text.
    """
    reused: dict[str, Output] = {}
    kept: dict[str, Record] = {}
    finder = places.Finder(job.documents)
    for subject, entry in stored.items():
        digests = inputs.get(subject)
        if digests is None:
            continue
        same = entry.everything == digests[1]
        if not same and not (entry.relocatable and entry.content == digests[0]):
            continue
        try:
            if same and job.lean and all(head[0] for head in entry.heads[0]):
                # its results as they were, and no input error (which stays whole): only its record's head is needed
                findings, timelines = from_heads(entry.heads, Kept(entry.plain, parts=entry.parts))
                reused[subject] = Output(cast(list[Finding], findings), cast(list[Timeline], timelines), [], entry.checked)
                kept[subject] = entry.line
                continue
            plain = entry.plain.read()
            data = orjson.loads(plain)
            found = places.moves(data, finder)
            if found is None:  # some place it names is gone: checked again
                continue
            text = places.relocated(data, found) if found.moved else (plain, entry.parts)
            where = locations(found.where)
            rebuilt, lines, rows = from_plain(data, where)
            made = heads(rebuilt, lines) if job.lean or not same else []
            record = entry.line if same else cache.subject_record(subject, digests, True, text, len(rows), made)
            if job.lean:
                findings, timelines = lean(rebuilt, made, Kept(entry.plain, where, entry.parts))
                output = Output(cast(list[Finding], findings), cast(list[Timeline], timelines), [], len(rows))
            else:
                output = Output(rebuilt, lines, rows if job.keep_rows else [], len(rows))
        except _DAMAGED:  # a record not as it was written
            continue
        reused[subject] = output
        kept[subject] = record
    return reused, kept


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


class Executor(Protocol):
    """Machines other than this one that read the files and check the shards of a run (see
    :mod:`checker.engine.dask_executor`): the run itself (the rules, the list of files, the findings merged) stays here."""

    def read(self, files: list[FileToRead]) -> list[FileRecord]:
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
    texts: Sequence[tuple[Path, str | bytes] | tuple[Path, str | FileRecord, bool]] = (),
    keep_rows: bool = True,
    executor: Optional[Executor] = None,
    alone: bool = False,
    lean: bool = False,
) -> Result:
    """Check the claim files under ``claim_paths`` with the rules in ``rules_dir``.

    ``texts`` are claim files made in memory (imported tables, as JSON Lines) or read elsewhere (as bytes): (the
    path they are named by, text), and True when every document is one the claim format takes as written
    (``Imported.plain``: they are not validated again); an imported table may give the record of its documents
    instead of their text (``Imported.claim_file``).

    With ``run_checks`` false only the files are read, validated and resolved;
    with ``alone`` as well, the checks that judge each claim by itself (a
    module with ``ALONE``, such as whether a quote states its value) run too,
    without timelines or implied claims, and no subject is cached.
    With ``workers`` above 1 (on Linux) files are read by that many processes,
    then each process resolves and checks the subjects of one shard; the
    findings are the same whatever the number of workers. Only a run in one
    process that uses no cache keeps the resolved claims themselves
    (``corpus.claims``). With ``cache_dir``, files and subjects unchanged since
    an earlier run are taken from there (see :mod:`checker.engine.cache`). Without
    ``keep_rows`` the claims in short (``corpus.rows``) are only counted
    (``corpus.checked``): a report that does not list them needs less memory.
    With ``lean`` as well (and a cache), the findings and timelines of the
    subjects are :class:`checker.corpus.kept.KeptFinding` and ``KeptTimeline``: what
    the gate needs, their data left in the cache's files until a report makes
    them whole (:func:`checker.corpus.kept.whole`), so that the run never holds every
    finding of a large corpus whole.

    With an ``executor`` the files are read and the shards checked where it
    sends them (``workers`` is then not used), with no cache: a cache folder
    belongs to one machine.

    A program that has loaded Polars starts the workers of a large run from a
    server process, and they import its main module: like any program whose
    workers are started so, it needs ``if __name__ == "__main__":``.
    """
    if executor is not None:
        cache_dir = None
    # the folder of the key that seals the cache's entries, found once for the run's thousands of entries
    keys = cachekey.user_folder() if cache_dir is not None else None
    with no_cycle_collection(), cachekey.of_the_run(keys):
        return _run(
            claim_paths, rules_dir, run_checks or alone, progress, max(1, workers), cache_dir, texts, keep_rows,
            executor, alone and not run_checks, lean,
        )  # fmt: skip


def _run(
    claim_paths: list[Path],
    rules_dir: Path,
    run_checks: bool,
    progress: Optional[Callable[[int, int], None]],
    workers_wanted: int,
    cache_dir: Optional[Path],
    texts: Sequence[tuple[Path, str | bytes] | tuple[Path, str | FileRecord, bool]],
    keep_rows: bool,
    executor: Optional[Executor],
    alone: bool,
    lean: bool,
) -> Result:
    if cache_dir is not None and cachekey.problem():
        cache_dir = None  # entries could not be authenticated: none is read or written
    if cache_dir is not None:
        cache.sweep(cache_dir)
    read = cache.document_reader(cache_dir) if cache_dir is not None else read_document
    with phase("rules"):
        vocabulary, rules_findings = load_vocabulary(rules_dir, read)
        active, config_findings = configure(vocabulary, rules_dir)
        if alone:
            active = [check for check in active if getattr(check.module, "ALONE", False)]
    rules_findings += config_findings
    corpus = Corpus()
    files: list[FileToRead] = []
    for path, missing in iter_files(claim_paths):
        if missing is not None:
            corpus.findings.append(missing)
        else:
            files.append(FileToRead(path, display_path(path), cache_dir))
    for path, text, *made in texts:
        files.append(FileToRead(path, display_path(path), cache_dir, text, bool(made and made[0])))
    readers = min(workers_wanted, len(files)) if can_fork() else 1
    with phase(f"read {len(files)} files (or their records from the cache)"):
        records = executor.read(files) if executor is not None else read_all(files, readers, cache_dir)
    job = Job(add_records(corpus, records), vocabulary, active, run_checks, keep_rows=keep_rows, alone=alone)
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
    if cache_dir is not None and run_checks and not alone:
        rules = cache.rules_key(rules_dir)
        with phase("subject digests"):
            inputs = _subject_digests(job)
        with phase("subjects from the cache"):
            with phase("the subjects' entry"):
                stored = cache.load_subjects(cache_dir, rules)
            job.lean = lean and not keep_rows
            reused, kept = _from_cache(job, stored, inputs)
            held = frozenset(stored)
            del stored
        job.only = frozenset(inputs) - frozenset(reused)
        job.digests, job.cache_dir = inputs, cache_dir
    outputs = dict(reused)
    lines: set[Path] = set()  # the files the shards wrote their subjects' cache lines to
    opened: dict[str, BinaryIO] = {}  # those files, open: results left in them are read when the report is written

    def receive(done: ShardResult) -> None:  # each piece as it comes
        outputs.update(done.outputs)
        corpus.claims.extend(done.claims)
        if done.cached is not None:
            lines.add(done.cached)
        for output in done.outputs.values():  # the results of a subject share where they are kept
            light = next((f for f in output.findings if isinstance(f, KeptFinding)), None)
            light = light or next((t for t in output.timelines if isinstance(t, KeptTimeline)), None)
            if light is not None and isinstance(light.kept.data, cache.InFile):
                light.kept.data.hold(opened)

    with phase(f"check {len(job.only) if job.only is not None else 'all'} subjects"):
        if executor is not None:
            executor.run_shards(job, progress, receive)
        else:
            _run_shards(job, workers, context, progress, receive)
    # the cache is written again when a subject was checked or is gone; a subject whose lines only moved keeps its
    # record (valid wherever they stand) until then
    if cache_dir is not None and run_checks and (lines or held != frozenset(kept)):
        with phase("save subjects"):
            cache.close_lines()
            cache.save_subjects(cache_dir, rules, sorted(lines), (kept[subject] for subject in sorted(kept)))
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
    if not table.forks_make_tables():
        # the workers are forked from a server process started afresh, and each shard's claims are sent to its worker
        _run_sent(job, workers, order, progress, receive)
        return
    _JOB = job
    try:
        with context.Pool(workers) as pool:
            # every worker is forked by now with its copy of the job: here its claims are no longer needed
            _JOB = None
            job.documents, job.parts = [], None
            _deliver(pool.imap_unordered(_shard_in_worker, [(i, pieces) for i in order]), pieces, progress, receive)
    finally:
        _JOB = None
        job.parts = None


def _deliver(
    results: Iterable[ShardResult],
    pieces: int,
    progress: Optional[Callable[[int, int], None]],
    receive: Callable[[ShardResult], None],
) -> None:
    """Each shard's result to ``receive`` as it comes, and the count of those done to ``progress``."""
    for number, done in enumerate(results, 1):
        receive(done)
        if progress is not None:
            progress(number, pieces)


def _run_sent(
    job: Job,
    workers: int,
    order: list[int],
    progress: Optional[Callable[[int, int], None]],
    receive: Callable[[ShardResult], None],
) -> None:
    """The shards of a split job, in ``order``, on workers that inherit nothing of this process: each is sent the
    rules once and its shard's documents with the shard."""
    assert job.parts is not None
    pieces, parts = job.parts
    rules = replace(job, documents=[], parts=None)
    sent = [[document._replace(claims=entries) for document, entries in parts[number]] for number in order]
    job.documents, job.parts = [], None
    del parts  # the claims are held by ``sent`` alone from here
    setting = Context(confine.current(), os.getcwd())
    sent.reverse()

    def handed() -> Iterator[list]:  # each shard let go of here once it is on its way
        while sent:
            yield sent.pop()

    pool = pool_afresh(workers, _take_rules, (rules, setting))
    if pool is None:  # no server process can start or answer here: the shards are checked in this process
        _deliver((run_sent(rules, documents, setting) for documents in handed()), pieces, progress, receive)
        return
    with pool:
        _deliver(pool.imap_unordered(_sent_shard, handed()), pieces, progress, receive)


_RULES: Optional[tuple[Job, Context]] = None  # the rules a worker started afresh was given


def _take_rules(rules: Job, setting: Context) -> None:
    global _RULES
    _RULES = rules, setting
    gc.disable()  # as in a forked worker of the run (see no_cycle_collection): shards arrive as millions of objects


def _sent_shard(documents: list) -> ShardResult:
    assert _RULES is not None
    rules, setting = _RULES
    with phase("shard"):
        return run_sent(rules, documents, setting)


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
                state = digest(content) if content is not None else "refused"
            except (OSError, Refused):
                state = "unreadable"
            # the archive as findings show it (evidence names it so), not where the checkout stands
            archives[document.file, archive] = [display_path(target), state]
    return cache.subject_inputs(job.documents, lambda name: subject_key(name, job.vocabulary), archives)
