"""The engine: claims read and split by subject into shards, each judged on a table of its claims by every check,
on local worker processes or a Dask cluster; and the cache that keeps what an unchanged file or subject gave.

- ``reading``: the first phase, every claim file read and validated (or taken from the cache);
- ``shards``: the claims split by subject, and one shard resolved and checked (``run_shard``);
- ``checking``: the active checks, the claims of a subject by metric, findings stamped;
- ``table``: the claims of a shard as one Polars table, which the checks judge in bulk;
- ``running``: a run from rules and files to its result, on local worker processes or an executor;
- ``dask_executor``: the executor that runs the same shards on a Dask cluster;
- ``cache``, ``cachekey``: records of files and subjects kept between runs, and the key that authenticates them.
"""

from checker.engine.checking import ActiveCheck, configure, partition, rules_of, subject_claims
from checker.engine.reading import FileToRead, made_reader, read_record
from checker.engine.running import Executor, can_fork, default_workers, run
from checker.engine.shards import Job, ShardResult, no_cycle_collection, run_shard, shard_count, shard_parts

__all__ = [
    "ActiveCheck",
    "Executor",
    "Job",
    "ShardResult",
    "FileToRead",
    "can_fork",
    "configure",
    "default_workers",
    "made_reader",
    "no_cycle_collection",
    "partition",
    "read_record",
    "rules_of",
    "run",
    "run_shard",
    "shard_count",
    "shard_parts",
    "subject_claims",
]
