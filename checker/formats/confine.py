"""Where claimcheck may read and write: the repository, and folders allowed explicitly.

Claim files are written by many hands, and none of them may make claimcheck
read or write outside the project. The *repository* is the folder of the
settings file (``claimcheck.toml``, or ``pyproject.toml`` with
``[tool.claimcheck]``); without one, the git work tree around the working
directory; without that, the working directory.

- Archived texts are read only inside the repository, the folders the
  settings list under ``archive-roots``, and the folders given on the command
  line with ``--allow-path`` — and never inside a version-control folder
  (``.git`` and the like), which holds the checkout's credentials and history
  rather than anything a claim may cite.
- Files whose place comes from repository content — report files named in
  the settings' ``format``, the acknowledgements file the settings name — are
  written only inside the repository and the ``--allow-path`` folders: the
  settings file, which a pull request may change, cannot widen where
  claimcheck writes. A file named on the command line (``-o``,
  ``--format NAME=FILE``, ``--acknowledgements``) is the user's own choice
  and is written where they said, as long as it is a regular file or new.
- A claim or rules file found by walking a folder is read only when it lies
  in that folder or in the readable folders once its symbolic links are
  followed.

Reading is careful as well (see :func:`checker.formats.files.read_regular`): only
regular files are read — never a FIFO, a device or a folder, which could block
or never end — and never more than a fixed number of bytes.
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from checker.formats.files import Refused, size_text
from checker.formats.settings import Config, ConfigError
from checker.formats.settings import load as load_config

#: folders of version-control metadata: nothing in them is ever read as an archived text
METADATA_FOLDERS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", ".jj", ".pijul", "CVS"})
#: archived texts larger than this are not read
MAX_ARCHIVE_BYTES = 16 * 1024 * 1024


def resolved(path: Path) -> Path:
    """The absolute path with every symbolic link followed (as far as they resolve)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop on some Python versions
        return Path(os.path.abspath(path))


def within(path: Path, roots: Iterable[Path]) -> bool:
    """True when the resolved ``path`` is one of ``roots`` or lies under one."""
    return any(path == root or root in path.parents for root in roots)


def repository_root(start: Path, settings: Optional[Path]) -> Path:
    """The project root: the settings file's folder, else the git work tree around ``start``, else ``start``."""
    if settings is not None:
        return resolved(settings.parent)
    return work_tree(start) or resolved(start)


def work_tree(start: Path) -> Optional[Path]:
    """The git work tree ``start`` lies in (resolved), or None."""
    start = resolved(start)
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


@dataclass(frozen=True)
class Confinement:
    """The folders claimcheck may read archived texts from and write files to (all resolved)."""

    root: Path
    readable: tuple[Path, ...]
    writable: tuple[Path, ...]

    def may_read(self, path: Path) -> bool:
        """True when ``path``, its links followed, lies in a readable folder."""
        return within(resolved(path), self.readable)

    def may_write(self, path: Path) -> bool:
        """True when ``path``, its links followed, lies in a writable folder."""
        return within(resolved(path), self.writable)

    def check_output(self, path: Path) -> None:
        """Raise :class:`Refused` when ``path`` may not be written."""
        if not self.may_write(path):
            raise Refused(
                f'refusing to write "{path}": it is outside the repository ({self.root}); '
                "give its folder with --allow-path DIR to allow it"
            )
        if path.exists() and not path.is_file():
            raise Refused(f'refusing to write "{path}": it is not a regular file')


def check_target(path: Path) -> None:
    """Raise :class:`Refused` when ``path``, a file the user named on the command line, cannot be a file to write:
    where it may be is the user's choice, what it is is not (a folder, a device or a FIFO is never replaced)."""
    if path.is_dir():
        raise Refused(f'refusing to write "{path}": it is a folder')
    if path.exists() and not path.is_file():
        raise Refused(f'refusing to write "{path}": it is not a regular file')


def confinement(config: Config, allowed: Iterable[Path] = (), start: Optional[Path] = None) -> Confinement:
    """The confinement of a run with these settings and the folders allowed on the command line."""
    root = repository_root(start or Path.cwd(), config.path)
    extra = tuple(resolved(folder) for folder in allowed)
    archives = tuple(resolved(folder) for folder in config.archive_roots)
    return Confinement(root, (root, *archives, *extra), (root, *extra))


_CURRENT: ContextVar[Optional[Confinement]] = ContextVar("claimcheck_confinement", default=None)


def current() -> Confinement:
    """The confinement in force: the one applied by the run, else the one of the working directory."""
    applied_now = _CURRENT.get()
    if applied_now is not None:
        return applied_now
    try:
        config = load_config()
    except ConfigError:
        config = Config()
    return confinement(config)


@contextmanager
def applied(rules: Confinement) -> Iterator[Confinement]:
    """Put ``rules`` in force for the code run inside the block."""
    token = _CURRENT.set(rules)
    try:
        yield rules
    finally:
        _CURRENT.reset(token)


def cache_problem(folder: Path, rules: Confinement, config: Config, given: bool) -> str:
    """Why ``folder`` may not hold the cache ("" when it may): it lies where the repository's content says what
    there is, so a pull request could commit entries in it.

    Those places are the repository (see :func:`repository_root`), the git
    work tree around it and the folders the settings name for archived texts.
    A repository that is only the working directory (no settings, no git)
    counts for a folder given with --cache (``given``), not for the default
    one in the user's cache folder: a run from the home folder is no run in a
    repository.
    """
    target = resolved(folder)
    tree = work_tree(rules.root)
    places: list[tuple[Path, str]] = []
    if given or config.path is not None or tree is not None:
        places.append((rules.root, "the repository"))
    if tree is not None and tree != rules.root:
        places.append((tree, "the git work tree"))
    places += [(resolved(root), "a folder the settings name under archive-roots") for root in config.archive_roots]
    for place, what in places:
        if within(target, (place,)):
            return f"it is inside {what} ({place}), whose content a pull request can change"
    return ""


def archive_problem(path: Path) -> Optional[tuple[str, str]]:
    """Why the archived text at ``path`` may not be read (message, hint), or None when it may."""
    rules = current()
    metadata = in_metadata(path)
    if metadata:
        return (
            f'is inside "{metadata}", the repository\'s version-control metadata, which is never read',
            "point `archive:` at the archived text of the source, kept in the repository's own files",
        )
    if not rules.may_read(path):
        return (
            "is outside the repository and the folders allowed for archived texts: it was not read",
            "keep archived texts in the repository, or allow their folder with `archive-roots` in the "
            "settings or --allow-path DIR",
        )
    try:
        info = path.stat()
    except OSError:
        return None  # missing or unreadable: the reader says so
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file: it was not read", "point `archive:` at a text file"
    if info.st_size > MAX_ARCHIVE_BYTES:
        return (
            f"is {size_text(info.st_size)}, over the {size_text(MAX_ARCHIVE_BYTES)} limit: it was not read",
            "archive the article's text alone",
        )
    return None


def in_metadata(path: Path) -> str:
    """The version-control folder ``path`` lies in, as written or once its links are followed ("" when none)."""
    for parts in (Path(os.path.abspath(path)).parts, resolved(path).parts):
        for part in parts:
            if part in METADATA_FOLDERS:
                return part
    return ""


def walked_file_problem(path: Path, folder: Path) -> Optional[str]:
    """Why a file found while walking ``folder`` may not be read (it links outside), or None."""
    if not path.is_symlink():
        return None
    target = resolved(path)
    if within(target, (resolved(folder),)) or within(target, current().readable):
        return None
    return "is a symbolic link to a file outside the folder and the repository: it was not read"
