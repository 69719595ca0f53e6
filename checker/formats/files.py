"""Reading and writing users' files safely: only regular files, bounded; written whole or not at all, and never
over a change made meanwhile.

Every file claimcheck reads goes through :func:`read_regular` (or
:func:`open_regular`, for one read piece by piece): it is opened without
blocking and checked on the open descriptor, so a FIFO, a socket, a device
(``/dev/zero``) or a folder put in its place is refused, never waited on or
read without end, and a file over its limit is refused before it is read.

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

import errno
import hashlib
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Optional


class FileChanged(Exception):
    """The file changed on disk after it was read: writing would lose that change."""


class Refused(Exception):
    """A path claimcheck will not read or write, with the reason in words."""


class TooLarge(Refused):
    """A file over the size claimcheck reads."""


_MIB = 1024 * 1024
#: claim, rules, settings and acknowledgements files, and a file a command rewrites, are at most this big
MAX_FILE_BYTES = 64 * _MIB
_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def open_regular(path: str | os.PathLike, limit: int, follow: bool = True) -> int:
    """A descriptor of the regular file at ``path`` of at most ``limit`` bytes; raise :class:`Refused` for anything
    else (with ``follow`` false, for a symbolic link too) and OSError when it cannot be opened.

    The file is opened without blocking and checked on the open descriptor, so
    a FIFO or a device put in its place is refused, never waited on.
    """
    try:
        handle = os.open(path, _READ | (0 if follow else _NOFOLLOW))
    except OSError as exc:
        if not follow and exc.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            raise Refused("is a symbolic link, which is not followed") from None
        raise
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise Refused("is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise Refused("is not a regular file (a device, FIFO or socket)")
        if info.st_size > limit:
            raise TooLarge(f"file is {size_text(info.st_size)}, over the {size_text(limit)} limit")
    except BaseException:
        os.close(handle)
        raise
    return handle


def size_text(count: int) -> str:
    """A size in bytes as messages say it: "612 bytes", "16 MiB", "16.2 MiB" (a size over a limit of whole MiB
    is never rounded down to the limit itself)."""
    if count < _MIB:
        return f"{count} bytes"
    whole, rest = divmod(count, _MIB)
    if not rest:
        return f"{whole} MiB"
    tenths = f"{count / _MIB:.1f}"
    return f"{tenths} MiB" if tenths != f"{whole}.0" else f"{count:,} bytes"  # 16.0 MiB would read as the limit


def read_open(handle: int, limit: int) -> bytes:
    """The bytes left in an open file, at most ``limit``: raise :class:`TooLarge` when it holds more (it grew)."""
    chunks = []
    remaining = limit + 1
    while remaining > 0:
        chunk = os.read(handle, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLarge(f"file grew over the {size_text(limit)} limit while it was read")
    return data


def read_regular(path: str | os.PathLike, limit: int, follow: bool = True) -> bytes:
    """The bytes of the regular file at ``path``; raise :class:`Refused` for anything else or over ``limit`` bytes
    (see :func:`open_regular`)."""
    handle = open_regular(path, limit, follow)
    try:
        return read_open(handle, limit)
    finally:
        os.close(handle)


def digest(*parts: bytes) -> str:
    """The SHA-256 of byte strings as hex, each part length-prefixed so that two parts cannot run into each other:
    a file's fingerprint (one part), or a key made of several."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(len(part).to_bytes(8, "little"))
        hashed.update(part)
    return hashed.hexdigest()


def read_for_update(path: Path) -> tuple[str, str]:
    """The text of a file the caller means to rewrite, and the fingerprint to pass back on writing; raise
    :class:`Refused` when it is not a regular file or is over MAX_FILE_BYTES, UnicodeDecodeError when it is not
    UTF-8."""
    raw = read_regular(path, MAX_FILE_BYTES)
    return raw.decode("utf-8-sig"), digest(raw)


def write_atomically(
    path: Path,
    text: str | bytes | Iterable[bytes],
    expected: Optional[str] = None,
    durable: bool = True,
    prefix: Optional[str] = None,
) -> None:
    """Replace ``path`` with ``text`` in one step; with ``expected``, only if the file still has that fingerprint.

    ``text`` is a string, bytes, or UTF-8 pieces written as they come. The
    file keeps the permissions of the one it replaces, else those the umask
    gives a new file. ``durable``: on disk before it takes the old one's
    place (a cache, which can be made again, need not wait for that).
    ``prefix``: how the temporary file's name starts (else ``.NAME.``), so
    that whoever owns the folder can tell one left by a killed process.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=prefix or f".{path.name}.", suffix="" if prefix else ".tmp", dir=path.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(text, (str, bytes)):
                stream.write(text.encode("utf-8") if isinstance(text, str) else text)
            else:
                for piece in text:
                    stream.write(piece)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if expected is not None:
            try:
                current: Optional[str] = digest(read_regular(path, MAX_FILE_BYTES))
            except FileNotFoundError:
                current = None
            except Refused:  # no longer a file claimcheck reads: not what was read
                current = "refused"
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
    """Hold an exclusive lock for a read-modify-write of ``path``; raise :class:`Refused` (or OSError) when the lock
    cannot be had safely.

    The lock file is deleted as the lock is let go, so none accumulates; a
    process that was waiting on it then finds it gone from its path and
    takes a new one. It is never followed through a symbolic link: its folder must
    be a folder of the user's own that no one else may write in, and a link
    found in its place (planted before the folder was made private) is
    removed, not followed, so that no lock can make claimcheck create or
    truncate a file anywhere else. On systems without ``fcntl`` (Windows),
    filelock locks the file.
    """
    lock = lock_path(path)
    private_folder(lock.parent, "the lock folder", ", or set TMPDIR elsewhere")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        from filelock import FileLock

        with FileLock(lock):
            yield
        return
    while True:
        handle = _open_lock(lock)
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the descriptor is closed, even by a killed process
        # the holder before us deletes the file as it lets go: a lock on a file no longer at its path is no lock
        try:
            current = os.lstat(lock)
        except FileNotFoundError:
            current = None
        held = os.fstat(handle)
        if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
            break
        os.close(handle)
    try:
        yield
    finally:
        try:  # deleted while still held, so that no lock file is left behind, and whoever waits tries again
            os.unlink(lock)
        except OSError:
            pass
        os.close(handle)


def private_folder(folder: Path, what: str, hint: str, follow: bool = False) -> None:
    """Make ``folder`` if need be, and make sure it is a folder of this user's that only they may write in (made so
    when others may); raise :class:`Refused`, naming it as ``what`` with ``hint``, when it is not. With ``follow``,
    a link to a folder is the user's own choice (``~/.cache`` may be one); without, a link is refused."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.stat(folder) if follow else os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise Refused(f'{what} "{folder}" is not a folder{"" if follow else " (a link?)"}: remove it')
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise Refused(f'{what} "{folder}" belongs to another user: remove it{hint}')
    if info.st_mode & 0o077:
        os.chmod(folder, 0o700)


def _open_lock(lock: Path) -> int:
    """A descriptor of the lock file, made if need be, never through a link (one found there is removed)."""
    flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(2):
        try:
            handle = os.open(lock, flags, 0o600)
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.EMLINK) or not os.path.islink(lock):
                raise
            os.unlink(lock)  # a link in the user's private folder: never claimcheck's, and never followed
            continue
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            os.close(handle)
            raise Refused(f'the lock file "{lock}" is not a regular file: remove it')
        return handle
    raise Refused(f'the lock file "{lock}" keeps being replaced by a link')
