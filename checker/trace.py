"""Where a run spends its time: with CLAIMCHECK_TRACE=1 each phase prints its wall time and the peak memory so far.

It is for whoever tunes claimcheck on a large corpus (see the README's
Performance section); without the variable it does nothing.
"""

from __future__ import annotations

import os
import resource
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
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"trace: {name}: {time.perf_counter() - started:.3f} s (peak RSS {peak:.0f} MB)", file=sys.stderr)
