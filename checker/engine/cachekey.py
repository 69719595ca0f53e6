"""The key that authenticates the cache's entries: random, made once per user, kept in the user's cache folder.

A cache folder may be shared, restored from a CI cache, or given with
``--cache`` anywhere: whoever can write to it can write entries. A checksum
beside the data tells damage, not forgery (anyone can compute it again). So
every entry carries an HMAC (SHA-256) made with this key, and an entry whose
HMAC does not verify with it — written by someone else, with another key, or
changed since — is a miss: rebuilt, never used.

The key lives in claimcheck's folder of the user's cache folder
(``$XDG_CACHE_HOME/claimcheck/key``, else ``~/.cache/claimcheck/key``, else
in the system's temporary folder), never in a repository (see
:func:`checker.formats.confine.cache_problem`). It is 32 random bytes, made
atomically (written to a private temporary file, then linked into place, so
two runs at once agree on one key) and readable by its owner alone. A key
that is a link, someone else's, readable by others or of the wrong size is
not used: the run goes on without the cache, and says why.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from checker.formats.files import Refused, open_regular, private_folder, read_open

#: the key's file in claimcheck's folder of the user's cache folder
KEY_FILE = "key"
KEY_BYTES = 32

_KEYS: dict[Path, bytes] = {}  # folder -> its key, read once per process (forked workers inherit it)


class KeyProblem(Exception):
    """The key cannot be made or read safely: the cache is not used."""


def user_folder() -> Path:
    """claimcheck's folder in the user's cache folder: $XDG_CACHE_HOME/claimcheck, else ~/.cache/claimcheck, else
    one in the system's temporary folder (a bare CI container may have no home folder)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):
            base = tempfile.gettempdir()
    return Path(base) / "claimcheck"


_RUNS_FOLDER: Optional[Path] = None  # in a worker started afresh: the user folder of the run it works for


@contextmanager
def of_the_run(folder: Optional[Path]) -> Iterator[None]:
    """In the block, the key is the one in ``folder`` (None: as outside it): a worker started afresh takes the key
    of the run it works for, whatever its own environment says (a server process keeps the environment it was
    started in)."""
    global _RUNS_FOLDER
    before, _RUNS_FOLDER = _RUNS_FOLDER, folder or _RUNS_FOLDER
    try:
        yield
    finally:
        _RUNS_FOLDER = before


def key(folder: Optional[Path] = None) -> bytes:
    """The key in ``folder`` (default: :func:`user_folder`), made if there is none; raise :class:`KeyProblem`."""
    folder = folder or _RUNS_FOLDER or user_folder()
    known = _KEYS.get(folder)
    if known is None:
        known = _KEYS[folder] = _key(folder)
    return known


def problem() -> str:
    """Why the user's key cannot be had ("" when it can): a run then uses no cache, as its entries could not be
    authenticated."""
    try:
        key()
    except KeyProblem as found:
        return str(found)
    return ""


def mac(secret: bytes, name: str, stamp: str) -> "hmac.HMAC":
    """A new HMAC of an entry named ``name`` (where it is kept: an entry moved to another name does not verify)
    written by the claimcheck of ``stamp``, to be fed the entry's bytes."""
    sealed = hmac.new(secret, digestmod="sha256")  # by name: OpenSSL's implementation, not Python's
    sealed.update(hashlib.sha256(f"{stamp}\0{name}".encode("utf-8", "surrogateescape")).digest())
    return sealed


def _key(folder: Path) -> bytes:
    try:
        try:  # a folder of someone else's would let them change the key; a link to one is the user's choice
            private_folder(folder, "the cache's key folder", "", follow=True)
        except Refused as refused:
            raise KeyProblem(str(refused)) from None
        path = folder / KEY_FILE
        try:
            return _read(path)
        except FileNotFoundError:
            pass
        _make(path)
        return _read(path)
    except OSError as exc:
        raise KeyProblem(f'the cache\'s key in "{folder}" cannot be made or read: {exc.strerror or exc}') from None


def _read(path: Path) -> bytes:
    try:
        handle = open_regular(path, KEY_BYTES, follow=False)
    except Refused as refused:
        raise KeyProblem(f'the cache\'s key "{path}" {refused}: delete it, and a new one is made') from None
    try:
        info = os.fstat(handle)
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise KeyProblem(f'the cache\'s key "{path}" belongs to another user: delete it, and a new one is made')
        if info.st_mode & 0o077:
            raise KeyProblem(f'the cache\'s key "{path}" may be read by others: delete it, and a new one is made')
        secret = read_open(handle, KEY_BYTES)
    except Refused as refused:
        raise KeyProblem(f'the cache\'s key "{path}" {refused}') from None
    finally:
        os.close(handle)
    if len(secret) != KEY_BYTES:
        raise KeyProblem(f'the cache\'s key "{path}" is not a key: delete it, and a new one is made')
    return secret


def _make(path: Path) -> None:
    """Make the key once: written whole to a private temporary file (mkstemp: mode 0600), then linked into place,
    which fails when another run made one meanwhile (then that one is the key)."""
    handle, temporary = tempfile.mkstemp(prefix=".key-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(os.urandom(KEY_BYTES))
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        except OSError as exc:  # no hard links here: made in place, once (a run reading it half-written goes without)
            if exc.errno == errno.EEXIST:
                return
            _make_in_place(path)
    finally:
        os.unlink(temporary)


def _make_in_place(path: Path) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags, 0o600)
    except FileExistsError:
        return
    with os.fdopen(handle, "wb") as stream:
        stream.write(os.urandom(KEY_BYTES))
