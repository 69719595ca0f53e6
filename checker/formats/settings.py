"""Settings from `[tool.claimcheck]` in pyproject.toml or from claimcheck.toml.

The file is found by walking up from the working directory; the nearest
`claimcheck.toml`, or `pyproject.toml` with a `[tool.claimcheck]` table, wins.
Paths in it are relative to the file's folder, which is also the root of the
repository claimcheck is confined to (``checker.formats.confine``). The command line wins over
the file, and the file over the defaults. An unknown key is an error with a
"did you mean", since a misspelt setting silently ignored is a gate that
does not gate.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator, model_validator

from checker.formats.files import MAX_FILE_BYTES, Refused, read_regular
from checker.model.findings import SEVERITIES
from checker.model.names import spelt, suggestion

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: the levels a finding can have, most severe first
LEVELS = SEVERITIES
Level = Literal[SEVERITIES]  # type: ignore[valid-type]
_LEVELS_SAID = f"one of {', '.join(LEVELS)}"


class ConfigError(Exception):
    """A configuration file that cannot be used."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Table(BaseModel):
    """A table of settings as written: keys in kebab-case, no key it does not know, no value of another type
    (``workers = true`` is not 1); each field's description says what it takes, for the error that names it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, alias_generator=_kebab)


class PerPathTable(_Table):
    """A ``[[tool.claimcheck.per-path]]`` table."""

    paths: list[str] = Field(
        min_length=1,
        description="a list of patterns of paths, relative to the settings' folder (a folder stands for all under it)",
    )
    severity: Optional[Level] = Field(  # type: ignore[valid-type]
        None, description=f"{_LEVELS_SAID}: the most severe level their findings are reported at"
    )
    select: list[str] = Field(
        default_factory=list, description="a list of check ids: only their findings are reported for these paths"
    )
    ignore: list[str] = Field(
        default_factory=list, description="a list of check ids whose findings are not reported for these paths"
    )

    @field_validator("paths")
    @classmethod
    def _relative(cls, paths: list[str]) -> list[str]:
        """Patterns as the findings' files are matched: from the settings' folder, "/" between folders ("./claims"
        is "claims"); a pattern that could match no such path (absolute, or out through "..") is refused."""
        out = []
        for pattern in paths:
            clean = pattern.replace("\\", "/")
            while clean.startswith("./"):
                clean = clean[2:]
            if not clean or clean.startswith("/") or ".." in clean.split("/") or (len(clean) > 1 and clean[1] == ":"):
                raise ValueError(f'"{pattern}" is not a pattern relative to the settings\' folder (write claims/drafts)')
            out.append(clean)
        return out

    @model_validator(mode="after")
    def _says_something(self) -> "PerPathTable":
        if self.severity is None and not self.select and not self.ignore:
            raise ValueError("the entry says nothing about its paths: give severity, select or ignore")
        return self


class SettingsTable(_Table):
    """``[tool.claimcheck]`` in pyproject.toml, or claimcheck.toml, as written. Format names are checked by the
    run, which knows its reporters."""

    claims: list[str] = Field(default_factory=list, description="a list of claim folders or files")
    rules: Optional[str] = Field(None, description="the rules folder")
    acknowledgements: Optional[str] = Field(None, description="the acknowledgements file")
    fail_on: Optional[Level] = Field(None, description=_LEVELS_SAID)  # type: ignore[valid-type]
    format: list[str] = Field(default_factory=list, description="a list of formats, each optionally NAME=FILE")
    strict: Optional[bool] = Field(None, description="true or false")
    exit_zero: Optional[bool] = Field(None, description="true or false")
    workers: Optional[int] = Field(
        None, ge=1, description="a whole number of processes, 1 or more (default: one per core)"
    )
    # only off: a pull request may change the settings, and must not choose a cache it could have planted
    cache: Optional[StrictBool] = Field(
        None, description="false, to keep no cache (its folder is chosen with --cache, else the user's cache folder)"
    )
    archive_roots: list[str] = Field(
        default_factory=list, description="a list of folders outside the project that archived texts may be read from"
    )
    select: list[str] = Field(
        default_factory=list,
        description="a list of check ids: only their findings are reported (input problems always are)",
    )
    ignore: list[str] = Field(default_factory=list, description="a list of check ids whose findings are not reported")
    per_path: list[PerPathTable] = Field(
        default_factory=list,
        description="a list of tables, each with paths = [patterns] and any of severity, select, ignore "
        "(write [[tool.claimcheck.per-path]])",
    )
    expiry_warning_days: Optional[int] = Field(
        None,
        ge=0,
        description="a whole number of days, 0 or more: an acknowledgement that expires within them is a warning",
    )

    @field_validator("cache")
    @classmethod
    def _only_off(cls, value: Optional[bool]) -> Optional[bool]:
        if value:
            raise ValueError("must be false, to keep no cache: the cache can only be turned off here (its folder is "
                             "chosen with --cache, else the user's cache folder)")  # fmt: skip
        return value


def where_of(path: Path, key: Optional[str] = None, entry: Optional[int] = None) -> str:
    """How messages name the settings in the file at ``path``; with ``key`` (of per-path entry ``entry``, counted
    from 0), the line and column the key is written at, when it can be found in the file's text."""
    place = _key_place(path, key, entry) if key is not None else None
    at = f"{path.name}:{place[0]}:{place[1]}" if place is not None else path.name
    return f"{at} [tool.claimcheck]" if path.name == "pyproject.toml" else at


#: a table's header line ([a.b] or [[a.b]]) and a key's line (key =, "key" =), as TOML writes them
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^(\s*)(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")


def _key_place(path: Path, key: str, entry: Optional[int]) -> Optional[tuple[int, int]]:
    """The line and column of ``key`` in the claimcheck table of the file (in its ``entry``-th per-path table),
    or of that table's header when the key is not written on a line of its own (an inline table); None when
    neither is found or the file cannot be read again."""
    try:
        text = read_regular(path, MAX_FILE_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, Refused):
        return None
    table = "tool.claimcheck" if path.name == "pyproject.toml" else ""
    per_path = f"{table}.per-path".lstrip(".")
    current, count, fallback = "", -1, None
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header is not None:
            current = header.group(2).replace('"', "").replace("'", "").replace(" ", "")
            if header.group(1) == "[[" and current == per_path:
                count += 1
                if count == entry:
                    fallback = (number, 1)
            elif current == table and entry is None:
                fallback = (number, 1)
            continue
        found = _KEY.match(line)
        if found is None:
            continue
        name = next(group for group in found.groups()[1:] if group)
        mine = current == per_path and count == entry if entry is not None else current == table
        if mine and name == key:
            return number, len(found.group(1)) + 1
        if entry is not None and fallback is None and current == table and name == "per-path":
            fallback = (number, len(found.group(1)) + 1)  # the entries written inline: the key that holds them
    return fallback


def _keys(model: type[_Table]) -> dict[str, str]:
    """The keys of a table as written, each with what it takes."""
    return {_kebab(name): info.description or "" for name, info in model.model_fields.items()}


def _problem(error: dict[str, Any], path: Optional[Path]) -> str:
    """The first error of a table, said as a person fixes it: where the key stands, the key, and what it takes or a
    near known key."""
    loc = list(error["loc"])
    model: type[_Table] = SettingsTable
    entry = None
    if len(loc) >= 2 and loc[0] == "per-path" and isinstance(loc[1], int):
        entry, model, loc = loc[1], PerPathTable, loc[2:]
    keys = _keys(model)
    key = str(loc[0]) if loc else ""
    where = where_of(path, key, entry) if path is not None else "the settings"
    if entry is not None:
        where = f"{where}: per-path entry {entry + 1}"
    if error["type"] == "extra_forbidden":
        hint = suggestion(key, spelt(keys))
        return f'{where}: unknown key "{key}"' + (f"; {hint}" if hint else f"; known: {', '.join(keys)}")
    if error["type"] == "missing":
        return f'{where}: "{key}" is missing: {keys[key]}'
    if error["type"] == "value_error":  # a check of the value itself, which says what is wrong with it
        said = str(error["msg"]).removeprefix("Value error, ")
        if said.startswith("must be"):
            return f'{where}: "{key}" {said}'
        return f'{where}: "{key}": {said}' if key else f"{where}: {said}"
    return f'{where}: "{key}" must be {keys[key]}'


def read_table(table: dict[str, Any], path: Optional[Path] = None) -> SettingsTable:
    """The settings of a table as written (in the file at ``path``); raise ConfigError naming the first key that is
    wrong, and where it stands."""
    try:
        return SettingsTable.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(_problem(exc.errors()[0], path)) from None


@dataclass(frozen=True)
class PerPath:
    """Settings for the findings of some files: a finding all of whose files match ``patterns`` follows them."""

    patterns: tuple[str, ...]
    severity: Optional[str] = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass
class Config:
    """Settings, with where they came from; paths made relative to the settings' folder."""

    path: Optional[Path] = None
    claims: list[Path] = field(default_factory=list)
    rules: Optional[Path] = None
    acknowledgements: Optional[Path] = None
    fail_on: Optional[str] = None
    format: list[str] = field(default_factory=list)
    strict: Optional[bool] = None
    exit_zero: Optional[bool] = None
    workers: Optional[int] = None
    cache_off: bool = False
    archive_roots: list[Path] = field(default_factory=list)
    expiry_warning_days: Optional[int] = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_path: list[PerPath] = field(default_factory=list)


def find_file(start: Path) -> tuple[Optional[Path], dict[str, Any]]:
    """The nearest configuration file at or above ``start`` and its claimcheck table."""
    for folder in (start, *start.parents):
        own = folder / "claimcheck.toml"
        project = folder / "pyproject.toml"
        if own.is_file():
            # a [tool.claimcheck] table beside it would be passed over, and the run judged by one of the two; a
            # pyproject.toml that cannot be read as settings is not this project's settings, and no concern here
            try:
                beside = _table_in(_read(project)) if project.is_file() else None
            except ConfigError:
                beside = None
            if beside is not None:
                raise ConfigError(
                    f"{own} and the [tool.claimcheck] table of {project} both hold settings: keep them in one place"
                )
            return own, _read(own)
        _not_a_file(own)
        if project.is_file():
            table = _table_in(_read(project))
            if table is not None and not isinstance(table, dict):
                raise ConfigError(f"{project}: claimcheck under [tool] must be a table of settings, [tool.claimcheck]")
            if table is not None:
                return project, table
        else:
            _not_a_file(project)
    return None, {}


def _table_in(project: dict[str, Any]) -> Optional[Any]:
    """The claimcheck table of a pyproject.toml's data (None when it has none: a ``tool`` that is no table holds
    none)."""
    tool = project.get("tool")
    return tool.get("claimcheck") if isinstance(tool, dict) else None


def _not_a_file(path: Path) -> None:
    """Raise ConfigError for a settings file that is there but cannot be read as one (a link to nothing, a
    folder): passing over it would run with other settings than the user's, or none."""
    if os.path.lexists(path) and not path.is_file():
        what = "a link to nothing" if not path.exists() else "a folder" if path.is_dir() else "not a file"
        raise ConfigError(f"{path}: cannot be read: it is {what}; make it the settings file or remove it")


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_regular(path, MAX_FILE_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, Refused) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def load(start: Optional[Path] = None) -> Config:
    """The settings that apply in ``start`` (default: the working directory)."""
    path, table = find_file((start or Path.cwd()).resolve())
    if path is None:
        return Config()
    read = read_table(table, path)
    base = path.parent
    return Config(
        path=path,
        claims=[base / item for item in read.claims],
        rules=base / read.rules if read.rules is not None else None,
        acknowledgements=base / read.acknowledgements if read.acknowledgements is not None else None,
        fail_on=read.fail_on,
        format=list(read.format),
        strict=read.strict,
        exit_zero=read.exit_zero,
        workers=read.workers,
        cache_off=read.cache is False,
        archive_roots=[base / item for item in read.archive_roots],
        expiry_warning_days=read.expiry_warning_days,
        select=list(read.select),
        ignore=list(read.ignore),
        per_path=[PerPath(tuple(t.paths), t.severity, tuple(t.select), tuple(t.ignore)) for t in read.per_path],
    )
