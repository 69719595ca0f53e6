"""The first phase of a run: every claim file read and validated once, or its record taken from the cache."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any, Callable, NamedTuple, Optional, cast

from checker.corpus.records import FileRecord, read_file, read_made, with_archive_problems
from checker.engine import cache, cachekey, table, trace
from checker.engine.shards import Context, as_the_run
from checker.formats import confine
from checker.formats.loading import display_path, read_bytes
from checker.model.findings import (
    Finding,
    plain,
)


class FileToRead(NamedTuple):
    """A file to read."""

    path: Path
    shown: str  # its path as reports show it
    cache: Optional[Path]  # the cache folder, if any
    #: its content, when it was made in memory (an imported table's text, or the record of its documents: see
    #: Imported.record) or read elsewhere (a file's bytes at a git revision)
    text: Optional[str | bytes | FileRecord] = None
    made: bool = False  # the text is documents the import made that the claim format takes as written


def _content(item: FileToRead) -> bytes | Finding:
    """The bytes of a file (an imported table's text), or the finding that says why they cannot be read."""
    if item.text is None:
        return read_bytes(item.path, item.shown)
    assert not isinstance(item.text, FileRecord)  # a record made in memory is taken as it is (see read_record)
    return item.text.encode("utf-8") if isinstance(item.text, str) else item.text


def _read(item: FileToRead, raw: bytes) -> FileRecord:
    """A file's record, made from its bytes; an imported table's documents as the import made them are not
    validated again (see corpus.read_made)."""
    if item.made and isinstance(item.text, str):
        made = read_made(item.path, item.shown, item.text)
        if made is not None:
            return made
    return read_file(item.path, item.shown, raw)


def read_record(item: FileToRead) -> FileRecord:
    """Read a file once: its record from the cache when its bytes are unchanged, else read and validated, and
    kept in the cache (under the digest of the very bytes read) when there is one; then its archived texts are
    vetted (never cached: see corpus.with_archive_problems). A record made in memory is taken as it is: it has no
    bytes to be kept under."""
    if isinstance(item.text, FileRecord):
        return with_archive_problems(cache.with_digests(item.text) if item.cache is not None else item.text)
    raw = _content(item)
    if isinstance(raw, Finding):  # what cannot be read (a special file) is a finding, and is not cached
        return FileRecord((plain(raw),), (), 0)
    folder = item.cache
    if folder is None:
        return with_archive_problems(_read(item, raw))
    key = cache.file_key(raw, item.shown)
    record = cache.load_file(folder, key, item.path.as_posix())
    if record is None:
        record = cache.with_digests(_read(item, raw))  # made here, in a reader process, once
        cache.save_file(folder, key, record)
    return with_archive_problems(record)


def made_reader(cache_dir: Optional[Path]) -> Callable[[Path, str, bool], FileRecord]:
    """How a run reads a claim file made in memory (an imported table's JSON Lines: its path, its text, and whether
    its documents need no validation) before it starts: as :func:`read_record` does, with the cache when there is
    one whose entries can be authenticated."""
    folder = cache_dir if cache_dir is not None and not cachekey.problem() else None

    def read(path: Path, text: str, made: bool) -> FileRecord:
        return read_record(FileToRead(path, display_path(path), folder, text, made))

    return read


def _cached(item: FileToRead) -> Optional[FileRecord]:
    """A file's record from the cache, when its bytes are unchanged (its archived texts vetted)."""
    raw = _content(item)
    if item.cache is None or isinstance(raw, Finding):
        return None
    record = cache.load_file(item.cache, cache.file_key(raw, item.shown), item.path.as_posix())
    return with_archive_problems(record) if record is not None else None


def read_all(files: list[FileToRead], readers: int, cache_dir: Optional[Path]) -> list[FileRecord]:
    """The record of every file, in order. With a cache that holds records, those are read here first: reading
    one costs less than sending it from another process; the files left are read by ``readers`` processes."""
    records: list[Optional[FileRecord]] = [None] * len(files)
    for number, item in enumerate(files):  # records made in memory are here already: never sent to a reader
        if isinstance(item.text, FileRecord):
            records[number] = read_record(item)
    left = [number for number, record in enumerate(records) if record is None]
    if readers > 1 and cache_dir is not None and (cache_dir / "files").is_dir():
        for number in left:
            records[number] = _cached(files[number])
        left = [number for number, record in enumerate(records) if record is None]
    if readers > 1 and len(left) > 1:
        pool = _readers(min(readers, len(left)))
        if pool is not None:
            with pool:
                chunk = max(1, len(left) // (readers * 8))
                for number, record in zip(
                    left, pool.map(_read_in_worker, [files[n] for n in left], chunksize=chunk), strict=True
                ):
                    records[number] = record
            return cast(list[FileRecord], records)
    for number in left:
        records[number] = read_record(files[number])
    return cast(list[FileRecord], records)


#: the modules a reader or checker started by the server process has loaded before it is forked from it
SERVER_PRELOAD = ["checker.engine.running"]


#: the resident size (MiB) from which a process that has loaded Polars starts its readers afresh rather than fork
#: them: below it, starting a server process would cost more than the pages a forked reader counts as its own
LARGE_MIB = 256


def _readers(count: int) -> Any:
    """A pool of ``count`` reader processes: forked from this one, unless it has loaded Polars and grown large (an
    import, then a check and resolve in one process), as a process forked from a large one counts all its pages as
    its own; then forked from a server process started afresh, as the shard workers of such a run are. None when no
    server process can start here (no folder for its socket): the files are then read in this process."""
    if table.forks_make_tables() or trace.resident_mib() < LARGE_MIB:
        return multiprocessing.get_context("fork").Pool(count)
    return pool_afresh(count, _take_context, (Context(confine.current(), os.getcwd()),))


def pool_afresh(count: int, initializer: Callable[..., None], initargs: tuple) -> Any:
    """A pool of ``count`` worker processes forked from a server process started afresh (which has loaded
    :data:`SERVER_PRELOAD`), each set up by ``initializer``, with Polars set up as a worker's; None when no server
    process can start or answer here (no folder for its socket, or it died)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(SERVER_PRELOAD)
    try:
        with table.worker_environment():
            return context.Pool(count, initializer=initializer, initargs=initargs)
    except (OSError, EOFError):
        return None


_CONTEXT: Optional[Context] = None  # the run a reader started afresh reads for


def _take_context(context: Context) -> None:
    global _CONTEXT
    _CONTEXT = context


def _read_in_worker(item: FileToRead) -> FileRecord:
    """A file's record, read in a reader process: as the run would read it in its own process."""
    if _CONTEXT is None:  # forked from the run: it is as the run already
        return read_record(item)
    with as_the_run(_CONTEXT):
        return read_record(item)
