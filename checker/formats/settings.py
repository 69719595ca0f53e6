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

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from checker.formats.files import MAX_FILE_BYTES, Refused, read_regular
from checker.model.names import suggestion

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FORMATS = ("text", "json", "markdown", "html", "sarif", "github", "junit", "gitlab")
LEVELS = ("error", "warning", "info")

#: key -> (type check, what it takes)
KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "claims": (list, "a list of claim folders or files"),
    "rules": (str, "the rules folder"),
    "acknowledgements": (str, "the acknowledgements file"),
    "fail-on": (str, f"one of {', '.join(LEVELS)}"),
    "format": (list, f"a list of formats ({', '.join(FORMATS)}), each optionally NAME=FILE"),
    "strict": (bool, "true or false"),
    "exit-zero": (bool, "true or false"),
    "workers": (int, "a whole number of processes, 1 or more (default: one per core)"),
    # only off: a pull request may change the settings, and must not choose a cache it could have planted
    "cache": (bool, "false, to keep no cache (its folder is chosen with --cache, else the user's cache folder)"),
    "archive-roots": (list, "a list of folders outside the project that archived texts may be read from"),
    "select": (list, "a list of check ids: only their findings are reported (input problems always are)"),
    "ignore": (list, "a list of check ids whose findings are not reported"),
    "per-path": (list, "a list of tables, each with paths = [patterns] and any of severity, select, ignore"),
    "expiry-warning-days": (int, "a whole number of days, 0 or more: an acknowledgement that expires within them is a warning"),
}


class ConfigError(Exception):
    """A configuration file that cannot be used."""


#: key of a per-path table -> what it takes
PER_PATH_KEYS = {
    "paths": "a list of patterns of paths, relative to the settings' folder (a folder stands for all under it)",
    "severity": f"one of {', '.join(LEVELS)}: the most severe level their findings are reported at",
    "select": "a list of check ids: only their findings are reported for these paths",
    "ignore": "a list of check ids whose findings are not reported for these paths",
}


@dataclass(frozen=True)
class PerPath:
    """Settings for the findings of some files: a finding all of whose files match ``patterns`` follows them."""

    patterns: tuple[str, ...]
    severity: Optional[str] = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass
class Config:
    """Settings, with where they came from."""

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
        if own.is_file():
            return own, _read(own)
        project = folder / "pyproject.toml"
        if project.is_file():
            table = _read(project).get("tool", {}).get("claimcheck")
            if table is not None:
                return project, table
    return None, {}


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_regular(path, MAX_FILE_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, Refused) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _per_path(value: Any, where: str) -> list[PerPath]:
    """The per-path tables, each checked as strictly as the settings around them."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConfigError(f'{where}: "per-path" must be {KEYS["per-path"][1]} (write [[tool.claimcheck.per-path]])')
    out = []
    for number, item in enumerate(value, 1):
        at = f'{where}: per-path entry {number}'
        for key, setting in item.items():
            if key not in PER_PATH_KEYS:
                hint = suggestion(key, {name.replace("-", ""): name for name in PER_PATH_KEYS})
                raise ConfigError(f'{at}: unknown key "{key}"' + (f"; {hint}" if hint else f"; known: {', '.join(PER_PATH_KEYS)}"))
            wants_list = key != "severity"
            good = (isinstance(setting, list) and all(isinstance(v, str) for v in setting)) if wants_list else setting in LEVELS
            if not good or (key == "paths" and not setting):
                raise ConfigError(f'{at}: "{key}" must be {PER_PATH_KEYS[key]}')
        if "paths" not in item:
            raise ConfigError(f'{at}: "paths" is missing: {PER_PATH_KEYS["paths"]}')
        out.append(PerPath(tuple(item["paths"]), item.get("severity"), tuple(item.get("select", ())), tuple(item.get("ignore", ()))))
    return out


def load(start: Optional[Path] = None) -> Config:
    """The settings that apply in ``start`` (default: the working directory)."""
    path, table = find_file((start or Path.cwd()).resolve())
    config = Config(path=path)
    if path is None:
        return config
    where = f"{path.name} [tool.claimcheck]" if path.name == "pyproject.toml" else path.name
    base = path.parent
    for key, value in table.items():
        if key not in KEYS:
            hint = suggestion(key, {name.replace("-", ""): name for name in KEYS})
            raise ConfigError(
                f'{where}: unknown key "{key}"' + (f"; {hint}" if hint else f"; known: {', '.join(KEYS)}")
            )
        kind, takes = KEYS[key]
        if key == "per-path":
            config.per_path = _per_path(value, where)
            continue
        if not isinstance(value, kind) or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            raise ConfigError(f'{where}: "{key}" must be {takes}')
    if "workers" in table and (isinstance(table["workers"], bool) or table["workers"] < 1):
        raise ConfigError(f'{where}: "workers" must be {KEYS["workers"][1]}')
    if "fail-on" in table and table["fail-on"] not in LEVELS:
        raise ConfigError(f'{where}: "fail-on" must be one of {", ".join(LEVELS)}')
    for item in table.get("format", []):
        if item.partition("=")[0] not in FORMATS:
            raise ConfigError(f'{where}: unknown format "{item}"; formats: {", ".join(FORMATS)}')
    config.claims = [base / item for item in table.get("claims", [])]
    config.rules = base / table["rules"] if "rules" in table else None
    config.acknowledgements = base / table["acknowledgements"] if "acknowledgements" in table else None
    config.fail_on = table.get("fail-on")
    config.format = list(table.get("format", []))
    config.strict = table.get("strict")
    config.exit_zero = table.get("exit-zero")
    config.workers = table.get("workers")
    if table.get("cache") is True:
        raise ConfigError(f'{where}: "cache" must be {KEYS["cache"][1]}')
    config.cache_off = table.get("cache") is False
    config.archive_roots = [base / item for item in table.get("archive-roots", [])]
    days = table.get("expiry-warning-days")
    if days is not None and (isinstance(days, bool) or days < 0):
        raise ConfigError(f'{where}: "expiry-warning-days" must be {KEYS["expiry-warning-days"][1]}')
    config.expiry_warning_days = days
    config.select = list(table.get("select", []))
    config.ignore = list(table.get("ignore", []))
    return config
