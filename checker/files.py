"""Writing users' files safely: whole or not at all, and never over a change made meanwhile.

Every command that writes (reports, `fmt`, `extract --merge`, `new-source`)
goes through :func:`write_atomically`: the text goes to a temporary file in
the same folder, is flushed to disk, and replaces the target by a rename, so
a crash leaves either the old file or the new one, never half of either.
When the caller read the file first, it passes what it read, and the write is
refused if the file changed in between. A new file gets the permissions the
user's umask gives any new file (0644 under the usual 022); a replaced file
keeps its own. The lock of a read-modify-write lives in the system's
temporary folder, never beside the user's file.
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
        os.chmod(temporary, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def umask() -> int:
    """The process's umask (it can only be read by setting it: set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def lock_path(path: Path) -> Path:
    """The lock file of ``path``: in the system's temporary folder, named by the digest of its resolved path, so
    that two commands editing one file share it and none is left in the user's folder."""
    key = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    owner = os.getuid() if hasattr(os, "getuid") else "user"  # one folder per user: no one else's to write in
    return Path(tempfile.gettempdir()) / f"claimcheck-locks-{owner}" / f"{key}.lock"


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for a read-modify-write of ``path`` (filelock: advisory locks on every system)."""
    from filelock import FileLock

    lock = lock_path(path)
    lock.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with FileLock(lock):
        yield
