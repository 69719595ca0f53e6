"""Where a run spends its time: with CLAIMCHECK_TRACE=1 each phase prints its wall time and the peak memory so far.

It is for whoever tunes claimcheck on a large corpus (see the README's
Performance section); without the variable it does nothing.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import Iterator

ENABLED = bool(os.environ.get("CLAIMCHECK_TRACE"))


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the block; print one line to stderr when tracing."""
    if not ENABLED:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        peak = _peak()
        print(
            f"trace: {name}: {time.perf_counter() - started:.3f} s (RSS {resident_mib():.0f} MB, peak {peak:.0f} MB)",
            file=sys.stderr,
        )


def _peak() -> float:
    """The peak resident memory so far, in MiB (where the ``resource`` module is: not on Windows, where 0)."""
    try:
        import resource  # noqa: PLC0415 - a Unix module: the command line must start without it
    except ImportError:  # pragma: no cover - Windows
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mib() -> float:
    """The memory resident now, in MiB (Linux; elsewhere 0)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as stream:
            return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0
