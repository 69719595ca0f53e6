"""The files a user names on the command line: never overwritten unasked, confined where the settings place them, locked while edited, read and written whole."""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

import click

from checker.formats import confine
from checker.formats.files import FileChanged, Refused, locked, read_for_update, read_regular, write_atomically
from checker.formats.loading import display_path
from checker.formats.settings import ConfigError
from checker.gate.policy import EXIT_ERROR
from checker.pipeline import load_settings
from checker.vocabulary.rules import Vocabulary, load_vocabulary


def refuse_existing(path: Path, instead: str) -> None:
    """Refuse to write a new file over an existing one, saying what to do ``instead``."""
    if path.exists():
        raise click.UsageError(f"{path} exists: claimcheck does not overwrite it ({instead})")


def yaml_file(path: Path, option: str) -> None:
    """Refuse to write claims as YAML to a file whose name says it is something else (JSON, JSON Lines, ...)."""
    if path.suffix not in (".yaml", ".yml"):  # as claim files are found: .YAML is not one
        raise click.UsageError(
            f"{option} {path}: claimcheck writes this claim file as YAML, so its name must end in .yaml or .yml"
        )


def first_words(failure: Exception) -> str:
    """What a reader's exception says, its first line (its kind when it says nothing), for a message that places
    it at a file."""
    said = str(failure).strip()
    return said.splitlines()[0] if said else type(failure).__name__


class CannotRun(click.ClickException):
    """A request that cannot run (bad settings, paths that name nothing): exit 2."""

    exit_code = EXIT_ERROR


class Refusal(CannotRun):
    """A file claimcheck will not write: exit 2, like any request that cannot run."""


def may_write(path: Path, allowed: tuple[Path, ...] = (), given: bool = True) -> None:
    """Refuse (exit 2) a file claimcheck must not write. A file named on the command line (``given``) is the user's
    choice: it is refused only when it is not a file to write (a folder, a device). One whose place comes from the
    repository's content (the settings, a folder walked) must lie in the repository or a --allow-path folder."""
    try:
        if given:
            confine.check_target(path)
        else:
            confine.confinement(load_settings(), allowed).check_output(path)
    except ConfigError as exc:  # settings that cannot be read: claimcheck cannot run (exit 2)
        raise CannotRun(str(exc)) from None
    except confine.Refused as refused:
        raise Refusal(str(refused)) from None


def write_or_fail(
    path: Path, text: str, expected: str | None = None, allowed: tuple[Path, ...] = (), given: bool = True
) -> None:
    """Write ``text`` to ``path`` whole (see files.write_atomically), or exit with why not. A link is written
    through: the file it names is replaced, and the link stays (replacing the link itself with a copy would leave
    the file it names as it was); that file must be one claimcheck may write, as the link would have to be."""
    target = confine.resolved(path) if path.is_symlink() else path
    may_write(target, allowed, given)
    try:
        write_atomically(target, text, expected)
    except FileChanged as exc:  # what the command made cannot be written: it could not run (exit 2), as check -o
        raise CannotRun(str(exc)) from None
    except OSError as exc:
        raise CannotRun(f"cannot write {path}: {exc.strerror or exc}") from None


@contextmanager
def locking(path: Path) -> Iterator[None]:
    """Hold the lock of a read-modify-write of ``path`` (see files.locked); exit 2 when it cannot be had safely."""
    with ExitStack() as stack:
        try:
            stack.enter_context(locked(path))
        except Refused as refused:
            raise CannotRun(f"cannot lock {display_path(path)}: {refused}") from None
        except OSError as exc:
            raise CannotRun(f"cannot lock {display_path(path)}: {exc.strerror or exc}") from None
        yield


@contextmanager
def readable(path: Path) -> Iterator[None]:
    """Turn the reasons a file named by the user cannot be read into one clear line and exit 2."""
    try:
        yield
    except Refused as refused:
        raise CannotRun(f"{display_path(path)} cannot be read: {refused}") from None
    except OSError as exc:
        raise CannotRun(f"{display_path(path)} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        line, column = _undecoded_at(exc)
        raise CannotRun(
            f"{display_path(path)}:{line}:{column}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8"
        ) from None


def _undecoded_at(exc: UnicodeDecodeError) -> tuple[int, int]:
    """Where the first byte a UTF-8 reading refused stands: its line, and its column in characters."""
    data = bytes(exc.object)
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, exc.start) + 1, column


def read_for_editing(path: Path) -> tuple[str, str]:
    """The text of a file a command rewrites and its fingerprint (see files.read_for_update); exit 2 when it cannot
    be read."""
    with readable(path):
        return read_for_update(path)


def read_text(path: Path) -> str:
    """An article's text named on the command line (as an archived text is read); exit 2 when it cannot be read."""
    with readable(path):
        text = read_regular(path, confine.MAX_ARCHIVE_BYTES).decode("utf-8-sig")
    # lines end in "\n" alone, whatever the system that wrote the text: a quote drafted from it ends in no "\r"
    return text.replace("\r\n", "\n").replace("\r", "\n")


def vocabulary_of(rules: Path | None) -> Vocabulary:
    try:
        configured = load_settings().rules
    except ConfigError as exc:
        raise CannotRun(str(exc)) from None
    vocabulary, problems = load_vocabulary(rules or configured or Path("rules"))
    errors = [f for f in problems if f.severity == "error"]
    if errors:
        raise CannotRun(f"rules cannot be read: {errors[0].location}: {errors[0].message}")
    return vocabulary
