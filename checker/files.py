"""Writing users' files safely: whole or not at all, and never over a change made meanwhile.

Every command that writes (reports, `fmt`, `extract --merge`, `new-source`)
goes through :func:`write_atomically`: the text goes to a temporary file in
the same folder, is flushed to disk, and replaces the target by a rename, so
a crash leaves either the old file or the new one, never half of either.
When the caller read the file first, it passes what it read, and the write is
refused if the file changed in between.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Optional


class FileChanged(Exception):
    """The file changed on disk after it was read: writing would lose that change."""


def digest(data: bytes) -> str:
    """A fingerprint of file contents."""
    return hashlib.sha256(data).hexdigest()


def read_for_update(path: Path) -> tuple[str, str]:
    """The text of a file the caller means to rewrite, and the fingerprint to pass back on writing."""
    raw = path.read_bytes()
    return raw.decode("utf-8-sig"), digest(raw)


def write_atomically(path: Path, text: str | Iterable[bytes], expected: Optional[str] = None) -> None:
    """Replace ``path`` with ``text`` in one step; with ``expected``, only if the file still has that fingerprint.

    ``text`` is a string, or UTF-8 pieces written as they come.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(text, str):
                stream.write(text.encode("utf-8"))
            else:
                for piece in text:
                    stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())
        if expected is not None:
            current = digest(path.read_bytes()) if path.exists() else None
            if current != expected:
                raise FileChanged(f"{path} changed since it was read; nothing was written")
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for a read-modify-write of ``path`` (a lock file beside it; POSIX only)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks; atomic writes still protect the file
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.parent / f".{path.name}.lock"
    with open(lock, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
