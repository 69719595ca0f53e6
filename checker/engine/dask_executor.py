"""The engine's work on a Dask cluster: claim files read, and shards of subjects checked, by its workers.

A run on Dask does what a run on one machine does (see :mod:`checker.engine`),
in the same phases and with the same code, only elsewhere:

1. The files, in batches of about the same size, are read and validated on
   the workers (``engine.read_record``). What the run needs of each file comes back
   to it: its input errors and its sources, not its claims, which stay on the
   worker that read them.
2. The run keeps the documents a local run keeps (``corpus.add_records``:
   one whose source id an earlier file took is left out). Each batch's claims
   are split into shards of subjects where they lie (``engine.shard_parts``); one
   task per shard gathers that shard's claims from every batch, worker to
   worker, and resolves and checks them (``engine.run_shard``). Its findings,
   timelines and claims in short come back, and the run merges them as it
   merges the shards of its own workers: the findings are the same.

The workers read claim files and archived texts at the paths the run lists:
those must be the same on every worker (a shared filesystem, or the same
checkout in the same place). No cache is read or written: a cache folder
belongs to one machine.
"""

from __future__ import annotations

import logging
import operator
import os
import warnings
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator, Optional

from distributed import Client, Future, LocalCluster, as_completed

from checker.corpus.records import DocumentRecord, FileRecord
from checker.engine.reading import FileToRead, read_record
from checker.engine.shards import Context, Job, ShardResult, as_the_run, run_sent, shard_count, shard_parts
from checker.formats.confine import Confinement

#: how long to try to reach a scheduler, and to wait for it to have a worker, before giving up
CONNECT_SECONDS = 5.0
#: batches of files for each worker thread: enough to share the reading out evenly, few enough to keep tasks few
BATCHES_PER_THREAD = 4


class Unavailable(Exception):
    """The cluster cannot be used: its scheduler cannot be reached, or has no worker."""


def _read_batch(items: list[FileToRead], context: Context) -> list[FileRecord]:
    """On a worker: the record of each file of a batch, read and validated as a run on one machine reads it."""
    with as_the_run(context):
        return [read_record(item) for item in items]


def _without_claims(records: list[FileRecord], files: list[str]) -> list[FileRecord]:
    """What the run needs of a batch's records: each without its claims, and with the path of its file as the run
    lists it (the worker was given the absolute path)."""
    return [
        record._replace(documents=tuple(document._replace(claims=(), file=file) for document in record.documents))
        for record, file in zip(records, files, strict=True)
    ]


def _split_batch(
    records: list[FileRecord], dropped: frozenset[tuple[int, int]], rules: Job, shards: int
) -> list[list[DocumentRecord]]:
    """Where a batch was read: the documents the run keeps (those not ``dropped``: (file, document) numbers in the
    batch), split into ``shards`` shards of subjects, each document with its claims in that shard only."""
    documents = [
        document
        for number, record in enumerate(records)
        for index, document in enumerate(record.documents)
        if (number, index) not in dropped
    ]
    return [
        [document._replace(claims=entries) for document, entries in parts]
        for parts in shard_parts(replace(rules, documents=documents), shards)
    ]


def _check_shard(rules: Job, pieces: list[list[DocumentRecord]], context: Context) -> ShardResult:
    """On a worker: resolve and check one shard, whose documents come from every batch, in the order of the files."""
    return run_sent(rules, [document for piece in pieces for document in piece], context)


def _size(item: FileToRead) -> int:
    if isinstance(item.text, FileRecord):  # an imported table's record: its claims' JSON
        return sum(len(claim[2]) for document in item.text.documents for claim in document.claims)
    if item.text is not None:
        return len(item.text)
    try:
        return os.stat(item.path).st_size
    except OSError:  # the worker that reads it will say why it cannot
        return 0


def batches(files: list[FileToRead], count: int) -> list[list[FileToRead]]:
    """``files`` in at most ``count`` batches that follow one another, of about the same number of bytes each."""
    sizes = [_size(item) for item in files]
    total = sum(sizes)
    out: list[list[FileToRead]] = []
    done = 0
    for item, size in zip(files, sizes, strict=True):
        if not out or (out[-1] and done >= total * len(out) / count and len(out) < count):
            out.append([])
        out[-1].append(item)
        done += size
    return out


class DaskExecutor:
    """Reads the files of a run and checks its shards on the workers of a Dask cluster (see :class:`engine.Executor`)."""

    def __init__(self, client: Client, context: Context) -> None:
        self.client = client
        self.context = context
        #: each batch read: the future of its records on a worker, and what the run was given of them
        self._batches: list[tuple[Future, list[FileRecord]]] = []
        self._claims = 0

    def _threads(self) -> int:
        workers = self.client.scheduler_info()["workers"].values()
        return max(1, sum(worker["nthreads"] for worker in workers))

    def read(self, files: list[FileToRead]) -> list[FileRecord]:
        """The record of every file, in order, without its claims (read and kept on the workers)."""
        client = self.client
        made = batches(files, self._threads() * BATCHES_PER_THREAD)
        read = [
            client.submit(
                _read_batch, [item._replace(path=Path(os.path.abspath(item.path)), cache=None) for item in batch],
                self.context, pure=False,
            )
            for batch in made
        ]  # fmt: skip
        light = [
            client.submit(_without_claims, future, [item.path.as_posix() for item in batch], pure=False)
            for future, batch in zip(read, made, strict=True)
        ]
        records: list[list[FileRecord]] = client.gather(light)
        self._batches = list(zip(read, records, strict=True))
        self._claims = sum(record.claims_read for batch in records for record in batch)
        return [record for batch in records for record in batch]

    def run_shards(
        self, job: Job, progress: Optional[Callable[[int, int], None]], receive: Callable[[ShardResult], None]
    ) -> None:
        """Every shard of the job checked on the workers, each result to ``receive`` as soon as it is done."""
        client = self.client
        kept = {id(document) for document in job.documents}
        shards = shard_count(self._claims, self._threads())
        # the vocabulary and the checks, sent once to every worker
        rules = client.scatter(replace(job, documents=[]), broadcast=True, hash=False)
        split = []
        for read, records in self._batches:
            dropped = frozenset(
                (number, index)
                for number, record in enumerate(records)
                for index, document in enumerate(record.documents)
                if id(document) not in kept
            )
            split.append(client.submit(_split_batch, read, dropped, rules, shards, pure=False))
        self._batches = []  # the records are let go of once split
        pieces = [
            [client.submit(operator.getitem, batch, number, pure=False) for batch in split] for number in range(shards)
        ]
        checked = as_completed(
            [client.submit(_check_shard, rules, shard, self.context, pure=False) for shard in pieces], loop=client.loop
        )
        # what each task made is let go of on its worker once the tasks that need it are done; a result, once received
        del split, pieces
        for number, future in enumerate(checked, 1):
            receive(future.result())
            if progress is not None:
                progress(number, shards)


@contextmanager
def _quiet() -> Iterator[None]:
    """No log line from Dask while the block runs (claimcheck logs nothing itself): what it says of its workers
    starting and stopping is no part of a report, and the run says what went wrong in its own words."""
    before = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(before)


def _client(scheduler: str) -> Client:
    """A client of the scheduler at ``scheduler``, once it has a worker; :class:`Unavailable` when it cannot be."""
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, ValueError) as exc:  # ValueError: not an address
        raise Unavailable(f'cannot reach the Dask scheduler at "{scheduler}": {exc}') from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError):
        client.close()
        raise Unavailable(
            f'the Dask scheduler at "{scheduler}" has no worker: start one with `dask worker {scheduler} --nthreads 1`'
        ) from None
    return client


@contextmanager
def connected(scheduler: Optional[str], workers: int, confinement: Confinement) -> Iterator[DaskExecutor]:
    """An executor on the scheduler at ``scheduler``, or on a cluster of ``workers`` processes on this machine,
    started for the block and closed after it."""
    with ExitStack() as stack:
        stack.enter_context(_quiet())
        if scheduler is None:
            # nor its warnings about the cluster it makes (another one's status page on the port it would take);
            # those about a cluster of the user's (versions that differ) are left for the user to see
            stack.enter_context(warnings.catch_warnings())
            warnings.simplefilter("ignore")
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,
                )  # fmt: skip
            )
            client = stack.enter_context(Client(cluster, set_as_default=False))
        else:
            client = stack.enter_context(_client(scheduler))
        # a run sent to Dask uses no cache: its workers write no file, and keep their own umask and key
        yield DaskExecutor(client, Context(confinement, os.getcwd(), mask=None, keys=None))
