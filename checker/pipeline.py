"""A check run from request to exit code: settings, corpus, focus, acknowledgements, reports.

The command line parses its options into a :class:`CheckRequest` and calls
:func:`execute`; everything a run decides is decided here, with the
configuration file filling what the command line leaves open.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional

from checker.corpus.result import TEXT_WIDTH, Result
from checker.engine import Executor, cachekey, default_workers, made_reader, no_cycle_collection, rules_of, run
from checker.engine.trace import phase
from checker.formats import confine
from checker.formats.confine import Confinement, Refused, resolved
from checker.formats.files import MAX_FILE_BYTES, read_regular, write_atomically
from checker.formats.loading import CLAIM_SUFFIXES, display_path, unusable_path
from checker.formats.settings import Config, ConfigError, where_of
from checker.formats.settings import load as load_config
from checker.gate import acks
from checker.gate.policy import (
    EXIT_ERROR,
    Focus,
    GateError,
    Policy,
    Selection,
    changed_since,
    exit_code,
    mark_focus,
    within,
)
from checker.model.findings import INPUT_CHECKS, INVALID, Finding, Location, files_of, input_error, sort_key
from checker.model.names import spelt, suggestion
from checker.model.plural import counted
from checker.reporting import NEEDS_ROWS, REPORTERS, STREAMERS
from checker.reporting.markdown import SUMMARY_LIMIT
from checker.reporting.markdown import render as markdown

if TYPE_CHECKING:
    import polars as pl

    from checker.authoring.tabular import Imported
    from checker.corpus.timeline import Timeline
    from checker.vocabulary.rules import Vocabulary


def default_cache(config: Config) -> Path:
    """The cache folder unless the settings or --cache say otherwise: in the user's cache folder, one per project.

    It is kept out of the project on purpose: a cache in the working tree would
    show as a change to commit, and could be planted by a pull request.
    """
    root = (config.path.parent if config.path else Path.cwd()).resolve()
    return cachekey.user_folder() / hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:16]


def _cache_folder(request: CheckRequest, config: Config, confinement: Confinement) -> tuple[Optional[Path], str]:
    """The cache folder of a run (None: no cache), and why it has none when one was wanted. Raise RequestError for a
    folder, or a key, the repository's content could decide (see confine.cache_problem)."""
    if request.no_cache or (request.cache is None and config.cache_off):
        return None, ""
    given = request.cache is not None
    folder = request.cache or default_cache(config)
    refused = confine.cache_problem(folder, confinement, config, given)
    if refused and given:  # its entries could be planted there (and committed: the run would be judged on them)
        raise RequestError(f'refusing the cache folder "{folder}": {refused}; give a folder outside it with --cache '
                           "DIR, or --no-cache")  # fmt: skip
    if refused:  # nobody asked for this place: the run goes on without a cache, which is always safe, and says why
        return None, (f'claimcheck: the cache is not used: its default folder "{folder}" {refused}; give one outside '
                      "with --cache DIR\n")  # fmt: skip
    keys = cachekey.user_folder()
    refused = confine.cache_problem(keys, confinement, config, False)
    if refused:  # with the key in the repository, a pull request could sign entries of its own
        return None, (f'claimcheck: the cache is not used: the folder of its key "{keys}" {refused}; set '
                      "XDG_CACHE_HOME outside it\n")  # fmt: skip
    problem = cachekey.problem()
    if problem:
        return None, f"claimcheck: the cache is not used: {problem}\n"
    return folder, ""


class RequestError(Exception):
    """A request that cannot run (bad settings, a bad revision): exit 2."""


@dataclass(frozen=True)
class CheckRequest:
    """What `claimcheck check` (or `validate`) was asked to do; None means "from the settings, or the default"."""

    paths: tuple[Path, ...] = ()
    rules: Optional[Path] = None
    formats: tuple[str, ...] = ()  # NAME or NAME=FILE
    output: Optional[Path] = None
    fail_on: Optional[str] = None
    exit_zero: Optional[bool] = None
    strict: Optional[bool] = None
    since: Optional[str] = None
    #: the git revision that reports which show "what changed" (text, Markdown, HTML) compare with: `check --since`
    #: and `report --since`
    changes_since: Optional[str] = None
    acknowledgements: Optional[Path] = None
    checks_enabled: bool = True
    today: Optional[date] = None
    color: bool = False  # the report that goes to the terminal may use colour
    width: int = TEXT_WIDTH  # and be this many columns wide (a report written to a file never is)
    progress: Optional[Callable[[int, int], None]] = None
    workers: Optional[int] = None  # processes; None: from the settings, else one per core
    engine: str = "local"  # where files are read and subjects checked: "local" (this machine) or "dask"
    scheduler: Optional[str] = None  # with the dask engine, its scheduler's address; None: a cluster made for the run
    cache: Optional[Path] = None  # the cache folder; None: the user's cache folder (unless the settings turn it off)
    no_cache: bool = False
    allow_paths: tuple[Path, ...] = ()  # folders outside the repository it may read archives from and write to
    mapping: Optional[Path] = None  # how the tables among the paths become claims (they are imported in memory)
    keep_rows: bool = False  # keep the claims in short even when no report lists them (resolve needs them)
    #: findings may stay data in the cache's files until the report writes them, when every report can make them
    #: whole as it writes them (see engine.run): for `check`, not for commands that read the findings themselves
    lean: bool = False
    #: make the reports; without, the run only judges the findings (for commands that read them, not print them)
    reports: bool = True
    select: tuple[str, ...] = ()  # only these checks' findings (besides the settings' select); empty: all
    ignore: tuple[str, ...] = ()  # not these checks' findings (besides the settings' ignore)
    quiet: bool = False  # the text report lists the findings only, without its summary
    statistics: bool = False  # print the counts of findings per check and verdict after the report


@dataclass
class Outcome:
    """What a run produced: texts to print, files to write, the exit code."""

    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)  # what is said beside a report that goes to stdout
    files: dict[Path, str | Iterable[bytes]] = field(default_factory=dict)  # text, or UTF-8 pieces made as written
    code: int = 0
    result: Optional[Result] = None


def today_from_environment() -> date:
    """Today, or the day CLAIMCHECK_TODAY names (for reproducible runs and tests)."""
    fixed = os.environ.get("CLAIMCHECK_TODAY")
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise RequestError(f'CLAIMCHECK_TODAY "{fixed}" is not a date (YYYY-MM-DD)') from None
    return date.today()


def _confined(formats: list[tuple[str, Optional[Path]]], rules: Confinement) -> None:
    """Refuse a report file the settings name outside the repository and the allowed folders, before anything
    runs: the settings are repository content, which a pull request may change."""
    for _, target in formats:
        if target is not None:
            try:
                rules.check_output(target)
            except Refused as refused:
                raise RequestError(f"{refused} (named in the settings)") from None


def _writable(formats: list[tuple[str, Optional[Path]]]) -> None:
    """Refuse a report file the command line names that is not a file to write (a folder, a device)."""
    for _, target in formats:
        if target is not None:
            try:
                confine.check_target(target)
            except Refused as refused:
                raise RequestError(str(refused)) from None


#: the formats a file name's ending may hold, the first the one it means when no format is named
SUFFIX_FORMATS: dict[str, tuple[str, ...]] = {
    ".sarif": ("sarif",),
    ".json": ("json", "gitlab", "sarif"),
    ".xml": ("junit",),
    ".md": ("markdown",),
    ".markdown": ("markdown",),
    ".html": ("html",),
    ".htm": ("html",),
    ".txt": ("text", "github"),
    ".log": ("text", "github"),
}


def format_for(path: Path) -> Optional[str]:
    """The format a report file's name asks for (``x.sarif``: sarif), or None for a name that says none."""
    fits = SUFFIX_FORMATS.get(path.suffix.lower())
    return fits[0] if fits else None


def unnamed_format(path: Path, formats: tuple[str, ...]) -> Optional[str]:
    """Why a report file named ``path`` may not be written when no format is asked for: its name ends as a file of
    a kind claimcheck writes none of (``r.pdf``, ``r.csv``), so the text report there would say it is what it is
    not. None when the name says a format, or nothing (no ending)."""
    suffix = path.suffix
    if not suffix or suffix.lower() in SUFFIX_FORMATS:
        return None
    names = sorted({s for s, fits in SUFFIX_FORMATS.items() if any(name in formats for name in fits)})
    return (
        f'"{path}": claimcheck writes no {suffix} file: name the file for the format it holds '
        f"({', '.join(names)}), or give the format (--format {formats[0]})"
    )


def _fitting(name: str, target: Path) -> None:
    """Refuse a format written to a file whose name says it holds another (``--format json -o x.sarif``)."""
    fits = SUFFIX_FORMATS.get(target.suffix.lower())
    if fits is not None and name not in fits:
        raise RequestError(
            f'"{target}" is named as a {fits[0]} file but the format asked for is {name}: '
            f"give --format {fits[0]}, or name the file for {name}"
        )


def _one_report_a_file(out: list[tuple[str, Optional[Path]]]) -> None:
    """Refuse two reports written to one file (the second would replace the first, unsaid), however the file is
    named (``r.json``, ``./r.json``, a link to it)."""
    seen: dict[Path, str] = {}
    for name, target in out:
        if target is None:
            continue
        key = resolved(target.absolute())
        if key in seen:
            raise RequestError(
                f'the {seen[key]} and {name} reports are both to be written to "{target}": give each its own file'
            )
        seen[key] = name


def _formats(request: CheckRequest, config: Config) -> list[tuple[str, Optional[Path]]]:
    """The reports asked for, each with its file (None: the terminal); report files named in the settings are
    confined to the repository, those named on the command line are the user's own choice."""
    # the command line wins over the settings: a report it names (--format, or -o alone) replaces theirs
    named = list(request.formats) or (config.format if request.output is None else [])
    if not named and request.output is not None:
        refused = unnamed_format(request.output, tuple(REPORTERS))
        if refused is not None:
            raise RequestError(refused)
        named = [format_for(request.output) or "text"]  # check -o x.sarif writes SARIF
    chosen = named or ["text"]
    out: list[tuple[str, Optional[Path]]] = []
    for item in chosen:
        name, equals, target = item.partition("=")
        unknown = _unknown_format(name)  # the command line's (the settings' were checked as they were read)
        if unknown:
            raise RequestError(unknown)
        if equals and not target.strip():
            raise RequestError(f'"{item}" names no file after "=": give {name}=FILE, or {name} for the terminal')
        out.append((name, Path(target) if target else None))
    unnamed = [index for index, (_, target) in enumerate(out) if target is None]
    settings_files = [] if request.formats or request.output is not None else [item for item in out if item[1]]
    if request.output is not None:
        if len(unnamed) != 1:
            raise RequestError("--output names the file of one format: give formats with files as NAME=FILE")
        out[unnamed[0]] = (out[unnamed[0]][0], request.output)
    elif len(unnamed) > 1:
        raise RequestError("only one format can go to the terminal: give the others a file as NAME=FILE")
    for name, target in out:
        if target is not None:
            _fitting(name, target)
    _one_report_a_file(out)
    if settings_files:
        _confined(settings_files, confine.confinement(config, request.allow_paths))
    _writable([item for item in out if item not in settings_files])
    return out


def _corpus(request: CheckRequest, config: Config) -> tuple[list[Path], Optional[set[Path]], bool]:
    """(paths to load, files and folders to judge or None for all, whether the configured corpus is loaded)."""
    # the configured corpus: the settings' claim paths, else the folder claims/ when there is one
    roots = [root.resolve() for root in _claim_paths(config) if config.claims or root.is_dir()]
    given = [path.resolve() for path in request.paths]
    # a changed rules, acknowledgements or settings file concerns every claim: judge the whole corpus
    shared = [path.resolve() for path in _shared(request, config)]
    if given and roots and any(within(path, shared) for path in given):
        given = [path for path in given if not within(path, shared)]
        if not given:
            return _configured(config), None, True
    if not given:
        load = _configured(config)
        focus = None
        whole = True
    else:
        # a path inside a configured corpus brings the whole corpus in: conflicts cross files
        inside = [root for root in roots if any(within(path, [root]) for path in given)]
        load = sorted(set(inside) | {path for path in given if not within(path, roots)})
        focus = set(given)
        whole = bool(inside)
    if request.since is not None:
        try:
            changed = changed_since(request.since, _base(config).resolve())
        except GateError as exc:
            raise RequestError(str(exc)) from None
        if not any(within(path, shared) for path in changed):  # else every claim is judged, as without --since
            focus = changed if focus is None else {path for path in changed if within(path, focus)}
    elif focus is not None and focus == set(load):
        focus = None  # every file loaded is judged: no finding is context (and none need be looked at for it)
    return load, focus, whole


def _shared(request: CheckRequest, config: Config) -> list[Path]:
    """What concerns every claim of a run: its rules folder, its acknowledgements file and its settings file."""
    rules = request.rules or config.rules or _base(config) / "rules"
    acknowledgements = (
        request.acknowledgements or config.acknowledgements or acks.acknowledged_path_default(config.path)
    )
    return [path for path in (rules, acknowledgements, config.path) if path is not None]


def _claim_paths(config: Config) -> list[Path]:
    """The claim paths of the settings, else the folder claims/ beside them (or in the working folder)."""
    return list(config.claims) or [_base(config) / "claims"]


def _configured(config: Config) -> list[Path]:
    """The claim paths the settings name, else the folder claims/: refused when one names nothing to read, as a
    path given on the command line is (a misspelt folder in the settings must not make a gate pass, even with
    exit-zero, because it judged nothing)."""
    paths = _claim_paths(config)
    for path in paths:
        problem = unusable_path(path)
        if problem is not None:
            if config.claims and config.path is not None:
                where = f"`claims` in the settings ({display_path(config.path)})"
            else:
                where = "no paths given, and no `claims` in the settings: the default folder"
            raise RequestError(f"{problem} ({where}); name the claim files or folders")
    return list(paths)


def _tables(request: CheckRequest) -> list[Path]:
    """The paths that are tables to import with the request's mapping (none without a mapping)."""
    if request.mapping is None:
        return []
    # in the order of their paths, whatever the order given: two tables may give one source and day, and which
    # of them stands first must not depend on how they were named
    tables = sorted({path for path in request.paths if path.is_file() and path.suffix not in CLAIM_SUFFIXES})
    if not tables:
        raise RequestError("--mapping says how tables become claims: name the tables (CSV, TSV) among the paths")
    return tables


@dataclass
class Tables:
    """The tables of a request imported in memory, and an input error for each one the mapping could not read (the
    others go on: one broken table hides nothing of the rest)."""

    imported: list[Imported]
    failed: list[Finding]

    def problems(self) -> list[Finding]:
        """What the import says: the tables it could not read, then the values it could not parse."""
        return self.failed + _import_warnings(self.imported)


def _only_tables(request: CheckRequest, tables: list[Path]) -> bool:
    """Whether the request names tables alone (a table named twice is one table): they are then the corpus."""
    return bool(tables) and len(tables) == len(set(request.paths))


def _imported(tables: list[Path], mapping: Optional[Path], workers: int, vocabulary: Vocabulary) -> Tables:
    """Each table imported in memory, without the columns of metrics the rules do not declare (an error at each in
    the mapping; with rules that cannot all be read, the run says what follows from them)."""
    from checker.authoring.tabular import (
        MappingProblem,
        TableProblem,
        import_tables,
        load_mapping_at,
        without_unknown_metrics,
    )
    assert mapping is not None
    try:
        loaded = load_mapping_at(mapping)
    except MappingProblem as exc:
        raise RequestError(str(exc)) from None
    spec, unknown = (loaded.model, []) if vocabulary.unreadable else without_unknown_metrics(loaded, vocabulary)
    failed: list[TableProblem] = []
    try:
        imported = list(import_tables(tables, spec, workers, failed=failed, root=mapping.parent))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise RequestError(str(exc)) from None
    return Tables(
        imported,
        unknown
        + [input_error("import", Location(display_path(p.path), p.line, p.col), p.message, p.hint) for p in failed],
    )


def _import_warnings(imported: list[Imported]) -> list[Finding]:
    """A warning for each metric of a table with values that could not be parsed, with examples: none is dropped
    quietly."""
    findings = []
    for table in imported:
        for metric, count in sorted(table.stats.unparsed.items()):
            examples = ", ".join(repr(e) for e in table.stats.examples[metric])
            line, start, end = table.stats.first.get(metric, (1, 1, 0))
            findings.append(
                input_error(
                    "import",
                    Location(display_path(table.path), line, start, line if end else 0, end),  # the first of them
                    f"{counted(count, 'value')} of {metric} could not be parsed, e.g. {examples}",
                    "add a format or a clean-up rule for them to the mapping, or list them as missing",
                    severity="warning",
                )
            )
    return findings


def settings_start(paths: Iterable[Path]) -> Optional[Path]:
    """Where to look for the settings from: the folder of the first path given (or the folder itself), as linters
    do, so that a run from elsewhere finds the settings of the repository it checks; None: the working directory."""
    for path in paths:
        folder = path if path.is_dir() else path.parent
        while not folder.is_dir() and folder != folder.parent:  # a path that does not exist: its nearest folder
            folder = folder.parent
        return folder
    return None


def settings(paths: Iterable[Path] = ()) -> Config:
    """The settings that apply to a run over ``paths`` (see :func:`settings_start`)."""
    try:
        return load_settings(settings_start(paths))
    except ConfigError as exc:
        raise RequestError(str(exc)) from None


def load_settings(start: Optional[Path] = None) -> Config:
    """The settings that apply in ``start``, with the formats they name checked against the reporters (the
    settings' own model knows none): a misspelt format is an error for every command, even one that writes no
    report, as any other setting that cannot be read; raise ConfigError."""
    config = load_config(start)
    for item in config.format:
        unknown = _unknown_format(item)
        if unknown:
            raise ConfigError(
                f"{where_of(config.path, 'format') if config.path is not None else 'the settings'}: {unknown}"
            )
    return config


def _unknown_format(item: str) -> str:
    """What is wrong with a format asked for as NAME or NAME=FILE that no reporter has ("" when one has it)."""
    if item.partition("=")[0] in REPORTERS:
        return ""
    return f'unknown format "{item}"; formats: {", ".join(REPORTERS)}'


def _base(config: Config) -> Path:
    """The folder the default paths (claims/, rules/) are taken in: the settings file's, else the working one."""
    return config.path.parent if config.path is not None else Path(".")


def _usable_paths(request: CheckRequest) -> None:
    """Refuse a path given on the command line that names no file to read: a misspelt path must never make a gate
    pass because it judged nothing."""
    for path in request.paths:
        if request.mapping is not None and path.is_file() and path.suffix not in CLAIM_SUFFIXES:
            continue  # a table, imported with the mapping
        problem = unusable_path(path)
        if problem is not None:
            if path.suffix.lower() in (".csv", ".tsv") and request.mapping is None:
                problem += "; to read a table, give --mapping MAPPING"
            raise RequestError(problem)


def _selection(request: CheckRequest, config: Config) -> Selection:
    """What the run reports, from --select/--ignore and the settings; an unknown check id is an error."""
    from checker.checks import REGISTRY

    known = spelt(REGISTRY)
    named = [*request.select, *request.ignore, *config.select, *config.ignore]
    named += [name for rule in config.per_path for name in (*rule.select, *rule.ignore)]
    for name in named:
        if name not in REGISTRY:
            hint = suggestion(name, known)
            if name in INPUT_CHECKS:
                raise RequestError(f'"{name}" (in --select, --ignore or the settings) names input problems, which are '
                                   "always reported: a file that cannot be read must not pass")  # fmt: skip
            raise RequestError(f'no such check: "{name}" (in --select, --ignore or the settings)'
                               + (f"; {hint}" if hint else f"; checks: {', '.join(REGISTRY)}"))  # fmt: skip
    return Selection(
        select=tuple(request.select) or tuple(config.select),
        ignore=(*config.ignore, *request.ignore),
        per_path=tuple(config.per_path),
        base=_base(config),
        checks=frozenset(REGISTRY),
    )


def _rules_folder(request: CheckRequest, config: Config) -> Path:
    """The rules folder, refused when it does not exist or holds no rules file: every claim would otherwise be
    reported as unknown, burying the one real problem."""
    rules = request.rules or config.rules or _base(config) / "rules"
    origin = (
        "--rules"
        if request.rules
        else f"the settings ({display_path(config.path)})"
        if config.rules and config.path
        else ""
    )
    named = f'rules folder "{display_path(rules)}"' + (f" (from {origin})" if origin else "")
    if not rules.exists():
        near = unusable_path(rules, ()) or ""
        hint = near.partition("; ")[2]
        raise RequestError(f"{named} does not exist" + (f"; {hint}" if hint else "; pass --rules DIR"))
    if not rules.is_dir():
        raise RequestError(f"{named} is not a folder; pass the folder that holds the rules files")
    if unusable_path(rules, (".yaml", ".yml")) is not None:
        raise RequestError(f"{named} holds no rules file (.yaml, .yml)")
    return rules


def _prepared(request: CheckRequest) -> tuple[Config, list[tuple[str, Optional[Path]]], Confinement, Path, list[Path]]:
    """A request checked before anything is read: its settings, formats, confinement, rules folder and tables."""
    if request.scheduler is not None and request.engine != "dask":
        raise RequestError("--scheduler names the scheduler of a Dask cluster: give it with --engine dask")
    _usable_paths(request)
    config = settings(request.paths)
    formats = _formats(request, config)
    confinement = confine.confinement(config, request.allow_paths, settings_start(request.paths))
    rules, tables = _rules_folder(request, config), _tables(request)
    _not_inputs([(f"{name} report", target) for name, target in formats], request, config, rules, tables)
    return config, formats, confinement, rules, tables


def refuse_writing_inputs(request: CheckRequest, target: Path, what: str) -> None:
    """Raise RequestError when ``target`` (a file ``what`` is to be written to) is one a run of ``request`` reads."""
    config = settings(request.paths)
    _not_inputs([(what, target)], request, config, _rules_folder(request, config), _tables(request))


def _not_inputs(
    targets: Iterable[tuple[str, Optional[Path]]], request: CheckRequest, config: Config, rules: Path, tables: list
) -> None:
    """Refuse to write over what the run reads: a claim file (or a file of a claim folder that the next run would
    read as one), a rules file, the settings, the acknowledgements, the mapping or a table. A report written there
    would replace the user's data with the report, and the next run would read the report as input."""
    files: dict[Path, str] = {}
    for path, what in (
        (config.path, "the settings file"),
        (request.acknowledgements, "the acknowledgements file"),
        (config.acknowledgements, "the acknowledgements file"),
        (acks.acknowledged_path_default(config.path), "the acknowledgements file"),
        (request.mapping, "the mapping"),
        *((table, "a table") for table in tables),
    ):
        if path is not None:
            files.setdefault(resolved(path.absolute()), f"{what} this run reads")
    claim_places = [resolved(path.absolute()) for path in (*_claim_paths(config), *request.paths) if path not in tables]
    rules_folder = resolved(rules.absolute())
    for name, target in targets:
        if target is None:
            continue
        at = resolved(target.absolute())
        what = files.get(at)
        if what is None and within(at, [rules_folder]):
            what = "in the rules folder this run reads"
        if what is None and at.suffix in CLAIM_SUFFIXES and within(at, claim_places):
            exists = at.exists()
            what = "a claim file this run reads" if exists else "where the next run would read it as a claim file"
        if what is not None:
            raise RequestError(f'refusing to write the {name} to "{target}": it is {what}; write it to another file')


def execute(request: CheckRequest, imported: Optional[Tables] = None) -> Outcome:
    """Run a check request; ``imported``: its tables, when they were imported already."""
    config, formats, confinement, rules, tables = _prepared(request)
    load: list[Path]
    focus: Optional[set[Path]]
    if _only_tables(request, tables):
        load, focus, whole = [], None, False
    else:
        load, focus, whole = _corpus(replace(request, paths=tuple(p for p in request.paths if p not in tables)), config)
    policy = Policy(
        fail_on=request.fail_on or config.fail_on or "error",
        strict=bool(request.strict if request.strict is not None else config.strict),
        exit_zero=bool(request.exit_zero if request.exit_zero is not None else config.exit_zero),
    )
    workers = request.workers or config.workers or default_workers()
    if request.engine == "dask":  # a cache folder belongs to one machine: the workers of a cluster share none
        cache = None
        note = "claimcheck: --cache is not used with --engine dask: it runs without a cache\n" if request.cache else ""
    else:
        cache, note = _cache_folder(request, config, confinement)
    if tables and imported is None:
        imported = _imported(tables, request.mapping, workers, rules_of(rules))
    import_findings = imported.problems() if imported is not None else []
    read = made_reader(cache)
    texts = [table.claim_file(read) for table in imported.imported] if imported is not None else []
    imported = None  # the tables' claim files are in ``texts``: their text and pieces go (unless the caller keeps them)
    if focus is not None:
        focus |= {path.resolve() for path, *_ in texts}
    with confine.applied(confinement), _executor(request, workers, confinement) as executor:
        result = run(
            load,
            rules,
            run_checks=request.checks_enabled,
            alone=not request.checks_enabled,  # validate: the checks of each claim by itself
            progress=request.progress,
            workers=workers,
            cache_dir=cache,
            texts=texts,
            keep_rows=request.keep_rows or any(name in NEEDS_ROWS for name, _ in formats),
            lean=request.lean and all(name in STREAMERS for name, _ in formats),
            executor=executor,
        )
        then = None
        if request.changes_since is not None and any(name in SHOW_CHANGES for name, _ in formats):
            with phase(f"the findings at {request.changes_since}"):
                # what the findings of the tables name: the tables (their claims stand at their cells; a claim
                # file made of one in memory is named by its own path) and the mapping
                tables_read = [path for path, *_ in texts] + list(tables) + ([request.mapping] if tables else [])
                then, why_not = _findings_then(request.changes_since, load, rules, config, workers, tables_read)
            if why_not:
                note += f"claimcheck: the report does not say what changed since {request.changes_since}: {why_not}\n"
    with phase("judge the findings"):
        outcome = _judged(request, config, result, import_findings, focus, whole, formats, policy, then)
    if note:
        outcome.stderr.insert(0, note)
    return outcome


#: the reports that open with what changed against a revision, when asked (github: its job summary)
SHOW_CHANGES = ("text", "markdown", "html", "github")


@dataclass(frozen=True)
class Then:
    """The findings of a git revision, to say what changed against it."""

    commit: str  # short
    findings: list[Finding]
    left_alone: frozenset[str]  # files (as findings name them) with no earlier version: imported tables


def _findings_then(
    revision: str, load: list[Path], rules: Path, config: Config, workers: int, tables: list[Path]
) -> tuple[Optional[Then], str]:
    """The findings of the corpus and rules as they stood at ``revision``; or None and why they cannot be had,
    when a path lies outside the repository (the run itself goes on). A revision git cannot resolve is an error.
    ``tables``: the tables imported in memory, whose findings are left out of the comparison."""
    from checker.gate import history

    try:
        findings, commit = history.findings_at(revision, load, rules, _base(config).resolve(), workers)
    except history.Outside as exc:
        return None, str(exc)
    except history.HistoryError as exc:
        raise RequestError(str(exc)) from None
    return Then(commit, findings, frozenset(display_path(path) for path in tables)), ""


@contextmanager
def _executor(request: CheckRequest, workers: int, confinement: Confinement) -> Iterator[Optional[Executor]]:
    """Where the run reads and checks besides this machine's processes: None for the local engine; for the dask
    engine, the cluster at the scheduler asked for, else one of ``workers`` processes made for the run."""
    if request.engine != "dask":
        yield None
        return
    try:
        from checker.engine import dask_executor
    except ImportError as exc:
        raise RequestError(
            f"--engine dask needs Dask distributed, which is not installed ({exc}): pip install 'claimcheck[dask]'"
        ) from None
    try:
        with dask_executor.connected(request.scheduler, workers, confinement) as executor:
            yield executor
    except dask_executor.Unavailable as exc:
        raise RequestError(str(exc)) from None


@dataclass
class ToResolve:
    """What `resolve` works on: the claims as its table, the vocabulary, the timelines of stock metrics, the
    problems of the input that kept claims out (files that cannot be read, claims with errors, rules errors), and
    whether the rules could not be read (a run that cannot run)."""

    claims: pl.DataFrame
    vocabulary: Vocabulary
    timelines: list[Timeline]
    problems: list[Finding]
    broken_rules: bool = False


def claims_to_resolve(request: CheckRequest) -> ToResolve:
    """What `resolve` works on (see :class:`ToResolve`).

    Tables alone go from the import to that table directly, when every
    document the import makes is one the claim format takes as written and
    none of their metrics is a stock (whose timelines only a run of the engine
    makes); anything else is read and resolved by the engine.
    """
    from checker.formats.loading import read_document
    from checker.formats.models import TimeNature
    from checker.fusion.resolving import claims_of_rows, claims_of_tables
    from checker.vocabulary.rules import load_vocabulary

    request = replace(request, keep_rows=True, reports=False)
    config, _, _, rules, tables = _prepared(request)
    imported = None
    if _only_tables(request, tables):
        vocabulary, rules_problems = load_vocabulary(rules, read_document)
        imported = _imported(tables, request.mapping, request.workers or config.workers or default_workers(), vocabulary)
        names = {name for table in imported.imported for name in table.claims["metric"].unique().to_list()}
        metrics = [vocabulary.metrics[i] for i in map(vocabulary.metric_id, names) if i is not None]
        # rules with problems go through the engine, which reports them
        if not rules_problems and not any(metric.time == TimeNature.stock for metric in metrics):
            claims = claims_of_tables(imported.imported, vocabulary)
            # every claim taken: only the tables not read and the values not parsed to say (else the engine reads
            # them, and says why it refuses the ones it leaves out)
            if claims is not None and claims.height == sum(table.claims.height for table in imported.imported):
                return ToResolve(claims, vocabulary, [], imported.problems())
    result = execute(request, imported).result
    assert result is not None
    problems = [finding for finding in result.findings if finding.verdict == INVALID]
    broken = any(finding.severity == "error" for finding in result.rules_findings)  # as check judges them
    return ToResolve(claims_of_rows(result.corpus.rows), result.vocabulary, result.timelines, problems, broken)


def _judged(
    request: CheckRequest,
    config: Config,
    result: Result,
    import_findings: list[Finding],
    focus: Optional[set[Path]],
    whole: bool,
    formats: list[tuple[str, Optional[Path]]],
    policy: Policy,
    then: Optional[Then] = None,
) -> Outcome:
    """Focus, acknowledgements and exit code of a run's findings, and the reports they make; ``then``: the findings
    of a revision to say what changed against."""
    made = result.findings + import_findings
    selection = _selection(request, config)
    result.findings = selection.apply(made)
    if then is not None:
        from checker.gate.history import compare

        now = [f for f in result.findings if then.left_alone.isdisjoint(files_of(f))]
        result.changes = compare(then.commit, selection.apply(then.findings), now)
    # an acknowledged finding the selection leaves out is still there: its acknowledgement is not stale
    left_out = {f.fingerprint for f in made} - {f.fingerprint for f in result.findings}
    result.quiet = request.quiet
    result.focus = Focus(focus) if focus is not None else None
    findings = mark_focus(result.findings, result.focus)
    broken = any(f.severity == "error" for f in result.rules_findings)  # unreadable rules are broken rules too
    ack_path = request.acknowledgements or (config.acknowledgements if whole else None)
    if ack_path is None and whole:  # the settings name none: acknowledgements.yaml beside them, when present
        default = acks.acknowledged_path_default(config.path)
        ack_path = default if default.exists() else None
    if ack_path is not None and request.checks_enabled:
        entries, problems = acks.read(ack_path)
        if entries is None and request.acknowledgements is not None:
            raise RequestError(f"acknowledgements file {ack_path} not found")
        findings = findings + problems
        if entries is not None:
            warn = config.expiry_warning_days if config.expiry_warning_days is not None else acks.WARN_DAYS
            findings = acks.apply(findings, entries, request.today or today_from_environment(), warn, left_out,
                                  complete=not broken)  # fmt: skip
    result.findings = sorted(findings, key=sort_key)
    result.fail_on = policy.fail_on
    result.strict = policy.strict
    outcome = Outcome(code=exit_code(result.findings, policy, broken), result=result)
    for name, target in formats if request.reports else ():
        result.color = request.color and target is None
        result.width = request.width if target is None else TEXT_WIDTH
        result.written_in = target.parent if target is not None else None
        if target is not None and name in STREAMERS:  # made while it is written
            outcome.files[target] = STREAMERS[name](result)
            continue
        with phase(f"render {name}"):
            text = render(name, result)
        result.color = False
        if target is None:
            outcome.stdout.append(text)
        else:
            outcome.files[target] = text
    if request.statistics:
        from checker.reporting import statistics

        table = statistics.render(result)
        # after the text report on the terminal; beside any other (JSON, SARIF...), which must stay whole
        (
            outcome.stdout if all(name == "text" for name, target in formats if target is None) else outcome.stderr
        ).append(table)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and request.reports and any(name == "github" for name, _ in formats):
        outcome.files[Path(summary_file)] = _appended(Path(summary_file), result)
    if broken:
        outcome.code = EXIT_ERROR
    return outcome


def render(name: str, result: Result) -> str:
    """The text of the report ``name``, made with the cycle collector paused: a report makes objects in proportion
    to the findings, and each full collection they set off would walk the whole result again, which made the time
    of a large report grow faster than its findings."""
    with no_cycle_collection():
        return REPORTERS[name](result)


def _appended(path: Path, result: Result) -> list[bytes]:
    """The job summary file with this run's summary added (GitHub collects every step's), all of it under GitHub's
    limit: what earlier steps wrote stays as it is, and the summary gets the room that is left."""
    try:
        before = read_regular(path, MAX_FILE_BYTES)
    except (OSError, Refused):  # none yet; or not a file to add to, which is then replaced
        before = b""
    glue = b"\n" if before and not before.endswith(b"\n") else b""
    room = SUMMARY_LIMIT - 1 - len(before) - len(glue)
    with no_cycle_collection():
        summary = markdown(result, limit=max(room, 0))
    return [before, glue, summary.encode("utf-8")]


def write_outputs(outcome: Outcome) -> None:
    """Write the files a run produced, each atomically."""
    for path, text in outcome.files.items():
        with phase(f"write {path.name}"):
            write_atomically(path, text)
