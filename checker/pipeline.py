"""A check run from request to exit code: settings, corpus, focus, acknowledgements, reports.

The command line parses its options into a :class:`CheckRequest` and calls
:func:`execute`; everything a run decides is decided here, with the
configuration file filling what the command line leaves open.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Optional

from checker import acks, confine
from checker.config import FORMATS, Config, ConfigError
from checker.config import load as load_config
from checker.confine import Confinement, Refused
from checker.engine import Result, default_workers, run
from checker.files import write_atomically
from checker.findings import Finding, Location, input_error, sort_key
from checker.gate import EXIT_ERROR, Focus, GateError, Policy, changed_since, exit_code, mark_focus, within
from checker.loading import CLAIM_SUFFIXES, display_path
from checker.reporting import NEEDS_ROWS, REPORTERS, STREAMERS, WRITES_BRIEFS
from checker.reporting.markdown import SUMMARY_LIMIT
from checker.reporting.markdown import render as markdown
from checker.trace import phase


def default_cache(config: Config) -> Path:
    """The cache folder unless the settings or --cache say otherwise: in the user's cache folder, one per project.

    It is kept out of the project on purpose: a cache in the working tree would
    show as a change to commit, and could be planted by a pull request.
    """
    root = (config.path.parent if config.path else Path.cwd()).resolve()
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no home folder (a bare CI container): the system's temporary folder
            base = tempfile.gettempdir()
    return Path(base) / "claimcheck" / hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:16]


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
    acknowledgements: Optional[Path] = None
    checks_enabled: bool = True
    today: Optional[date] = None
    color: bool = False  # the report that goes to the terminal may use colour
    progress: Optional[Callable[[int, int], None]] = None
    workers: Optional[int] = None  # processes; None: from the settings, else one per core
    cache: Optional[Path] = None  # the cache folder; None: the user's cache folder (unless the settings turn it off)
    no_cache: bool = False
    allow_paths: tuple[Path, ...] = ()  # folders outside the repository it may read archives from and write to
    mapping: Optional[Path] = None  # how the tables among the paths become claims (they are imported in memory)
    keep_rows: bool = False  # keep the claims in short even when no report lists them (resolve needs them)
    #: findings of subjects the cache holds unchanged may stay briefs when every report writes them (see
    #: engine.run): for `check`, not for commands that read the findings themselves
    briefs: bool = False
    #: make the reports; without, the run only judges the findings (for commands that read them, not print them)
    reports: bool = True


@dataclass
class Outcome:
    """What a run produced: texts to print, files to write, the exit code."""

    stdout: list[str] = field(default_factory=list)
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
    """Refuse a report file outside the repository and the allowed folders, before anything runs."""
    for _, target in formats:
        if target is not None:
            try:
                rules.check_output(target)
            except Refused as refused:
                raise RequestError(str(refused)) from None


def _formats(request: CheckRequest, config: Config) -> list[tuple[str, Optional[Path]]]:
    chosen = list(request.formats) or config.format or ["text"]
    out: list[tuple[str, Optional[Path]]] = []
    for item in chosen:
        name, _, target = item.partition("=")
        if name not in FORMATS:
            raise RequestError(f'unknown format "{name}"; formats: {", ".join(FORMATS)}')
        out.append((name, Path(target) if target else None))
    unnamed = [index for index, (_, target) in enumerate(out) if target is None]
    if request.output is not None:
        if len(unnamed) != 1:
            raise RequestError("--output names the file of one format: give formats with files as NAME=FILE")
        out[unnamed[0]] = (out[unnamed[0]][0], request.output)
    elif len(unnamed) > 1:
        raise RequestError("only one format can go to the terminal: give the others a file as NAME=FILE")
    return out


def _corpus(request: CheckRequest, config: Config) -> tuple[list[Path], Optional[set[Path]], bool]:
    """(paths to load, files and folders to judge or None for all, whether the configured corpus is loaded)."""
    roots = [root.resolve() for root in config.claims]
    given = [path.resolve() for path in request.paths]
    # a changed rules or acknowledgements file concerns every claim: judge the whole corpus
    shared = [path.resolve() for path in (config.rules, config.acknowledgements) if path is not None]
    if given and roots and any(within(path, shared) for path in given):
        given = [path for path in given if not within(path, shared)]
        if not given:
            return [*config.claims], None, True
    if not given:
        load = config.claims or [Path("claims")]
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
            changed = changed_since(request.since, Path.cwd())
        except GateError as exc:
            raise RequestError(str(exc)) from None
        focus = changed if focus is None else {path for path in changed if within(path, focus)}
    elif focus is not None and focus == set(load):
        focus = None  # every file loaded is judged: no finding is context (and none need be looked at for it)
    return load, focus, whole


def _tables(request: CheckRequest) -> list[Path]:
    """The paths that are tables to import with the request's mapping (none without a mapping)."""
    if request.mapping is None:
        return []
    tables = [path for path in request.paths if path.is_file() and path.suffix not in CLAIM_SUFFIXES]
    if not tables:
        raise RequestError("--mapping says how tables become claims: name the tables (CSV, TSV) among the paths")
    return tables


def _imported(
    tables: list[Path], mapping: Optional[Path], workers: int
) -> tuple[list[tuple[Path, str]], list[Finding]]:
    """Each table as a JSON Lines claim file made in memory (named TABLE.jsonl), and a warning for each metric
    with values that could not be parsed, with examples: none is dropped quietly."""
    from checker.tabular import MappingProblem, import_tables, load_mapping

    assert mapping is not None
    try:
        spec = load_mapping(mapping)
    except MappingProblem as exc:
        raise RequestError(str(exc)) from None
    texts: list[tuple[Path, str]] = []
    findings: list[Finding] = []
    try:
        for table, lines, stats in import_tables(tables, spec, workers):
            texts.append((table.parent / f"{table.name}.jsonl", "\n".join(lines) + "\n"))
            for metric, count in sorted(stats.unparsed.items()):
                examples = ", ".join(repr(e) for e in stats.examples[metric])
                findings.append(
                    input_error(
                        "import",
                        Location(display_path(table)),
                        f"{count} value{'s' if count != 1 else ''} of {metric} could not be parsed, e.g. {examples}",
                        "add a format or a clean-up rule for them to the mapping, or list them as missing",
                        severity="warning",
                    )
                )
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise RequestError(str(exc)) from None
    return texts, findings


def execute(request: CheckRequest) -> Outcome:
    """Run a check request."""
    try:
        config = load_config()
    except ConfigError as exc:
        raise RequestError(str(exc)) from None
    formats = _formats(request, config)
    confinement = confine.confinement(config, request.allow_paths)
    _confined(formats, confinement)
    rules = request.rules or config.rules or Path("rules")
    tables = _tables(request)
    load: list[Path]
    focus: Optional[set[Path]]
    if tables and len(tables) == len(request.paths):
        load, focus, whole = [], None, False  # only tables: they are the corpus
    else:
        load, focus, whole = _corpus(replace(request, paths=tuple(p for p in request.paths if p not in tables)), config)
    policy = Policy(
        fail_on=request.fail_on or config.fail_on or "error",
        strict=bool(request.strict if request.strict is not None else config.strict),
        exit_zero=bool(request.exit_zero if request.exit_zero is not None else config.exit_zero),
    )
    workers = request.workers or config.workers or default_workers()
    cache = None
    if not request.no_cache and (request.cache is not None or not config.cache_off):
        cache = request.cache or default_cache(config)
    texts, import_findings = _imported(tables, request.mapping, workers) if tables else ([], [])
    if focus is not None:
        focus |= {path.resolve() for path, _ in texts}
    with confine.applied(confinement):
        result = run(
            load,
            rules,
            run_checks=request.checks_enabled,
            progress=request.progress,
            workers=workers,
            cache_dir=cache,
            texts=texts,
            keep_rows=request.keep_rows or any(name in NEEDS_ROWS for name, _ in formats),
            briefs=request.briefs and all(name in WRITES_BRIEFS for name, _ in formats),
        )
    with phase("judge the findings"):
        return _judged(request, config, result, import_findings, focus, whole, formats, policy)


def _judged(
    request: CheckRequest,
    config: Config,
    result: Result,
    import_findings: list[Finding],
    focus: Optional[set[Path]],
    whole: bool,
    formats: list[tuple[str, Optional[Path]]],
    policy: Policy,
) -> Outcome:
    """Focus, acknowledgements and exit code of a run's findings, and the reports they make."""
    result.findings += import_findings
    result.focus = Focus(focus) if focus is not None else None
    findings = mark_focus(result.findings, result.focus)
    ack_path = request.acknowledgements or (config.acknowledgements if whole else None)
    if ack_path is None and whole and config.path is None:
        default = acks.acknowledged_path_default(None)
        ack_path = default if default.exists() else None
    if ack_path is not None and request.checks_enabled:
        entries, problems = acks.read(ack_path)
        if entries is None and request.acknowledgements is not None:
            raise RequestError(f"acknowledgements file {ack_path} not found")
        findings = findings + problems
        if entries is not None:
            findings = acks.apply(findings, entries, request.today or today_from_environment())
    result.findings = sorted(findings, key=sort_key)
    result.fail_on = policy.fail_on
    broken = any(f.severity == "error" for f in result.rules_findings)  # unreadable rules are broken rules too
    outcome = Outcome(code=exit_code(result.findings, policy, broken), result=result)
    for name, target in formats if request.reports else ():
        result.color = request.color and target is None
        if target is not None and name in STREAMERS:  # made while it is written
            outcome.files[target] = STREAMERS[name](result)
            continue
        with phase(f"render {name}"):
            text = REPORTERS[name](result)
        result.color = False
        if target is None:
            outcome.stdout.append(text)
        else:
            outcome.files[target] = text
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and request.reports and any(name == "github" for name, _ in formats):
        outcome.files[Path(summary_file)] = _appended(Path(summary_file), result)
    if broken:
        outcome.code = EXIT_ERROR
    return outcome


def _appended(path: Path, result: Result) -> list[bytes]:
    """The job summary file with this run's summary added (GitHub collects every step's), all of it under GitHub's
    limit: what earlier steps wrote stays as it is, and the summary gets the room that is left."""
    try:
        before = path.read_bytes()
    except OSError:
        before = b""
    glue = b"\n" if before and not before.endswith(b"\n") else b""
    room = SUMMARY_LIMIT - 1 - len(before) - len(glue)
    return [before, glue, markdown(result, limit=max(room, 0)).encode("utf-8")]


def write_outputs(outcome: Outcome) -> None:
    """Write the files a run produced, each atomically."""
    for path, text in outcome.files.items():
        with phase(f"write {path.name}"):
            write_atomically(path, text)
