"""The command line: parse options into a plain request, run it, print, exit.

Whatever it says on stderr that may hold a claim file's words (or a table's,
or the settings') is made inert first (see :mod:`checker.reporting.inert`): a
CI log shows it without running it.

Exit codes (see README "Exit codes"):
    0  no finding at or above the fail level
    1  findings at or above the fail level
    2  claimcheck could not run: a usage error, or broken rules/configuration
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Iterator, NoReturn, Optional

import click

from checker import __version__
from checker.authoring.fmt import canonical
from checker.authoring.scaffold import SourceProblem, claim_file_text, modeline, source_block
from checker.checks import REGISTRY
from checker.checks.examples import examples
from checker.corpus.result import TEXT_WIDTH, Result
from checker.engine import no_cycle_collection
from checker.engine.trace import phase
from checker.formats import confine
from checker.formats.files import FileChanged, Refused, locked, read_for_update, read_regular, write_atomically
from checker.formats.loading import YAML_SUFFIXES, display_path, iter_files, unusable_path
from checker.formats.models import SourceKind
from checker.formats.schema import SCHEMAS, render_schema
from checker.formats.settings import LEVELS, ConfigError
from checker.formats.settings import load as load_config
from checker.gate import acks
from checker.gate.policy import EXIT_ERROR, EXIT_FAIL, EXIT_SUCCESS, Policy, failing
from checker.model.names import spelt, suggestion
from checker.model.plural import counted
from checker.pipeline import (
    SUFFIX_FORMATS,
    CheckRequest,
    RequestError,
    claims_to_resolve,
    execute,
    today_from_environment,
    write_outputs,
)
from checker.reporting import REPORTERS
from checker.reporting.inert import inert
from checker.vocabulary.rules import Vocabulary, load_vocabulary


class _Progress:
    """The subjects checked so far, as click's progress bar on stderr, once there are enough to wait for."""

    LEAST = 50  # fewer subjects are checked before a bar would be seen

    def __init__(self) -> None:
        self.bar: Optional[Any] = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if total < self.LEAST:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="checking subjects", file=sys.stderr, show_pos=True)
        self.bar.update(done - self.done)
        self.done = done
        if done == total:
            self.bar.render_finish()


def _terminal() -> dict:
    """Colour (unless NO_COLOR) and the width of the report on stdout when it is a terminal; progress on stderr."""
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    width = shutil.get_terminal_size((TEXT_WIDTH, 24)).columns if sys.stdout.isatty() else TEXT_WIDTH
    if not sys.stderr.isatty():
        return {"color": color, "width": width}
    return {"color": color, "width": width, "progress": _Progress()}


def _run(request: CheckRequest) -> int:
    request = replace(request, **_terminal())
    try:
        with no_cycle_collection(), phase("the whole check"):  # a large corpus: millions of objects to the end
            outcome = execute(request)
            write_outputs(outcome)
    except RequestError as exc:
        click.echo(inert(f"claimcheck: {exc}"), err=True)
        return EXIT_ERROR
    except OSError as exc:
        click.echo(inert(f"claimcheck: cannot write a report: {exc}"), err=True)
        return EXIT_ERROR
    for text in outcome.stdout:
        click.echo(text, nl=False)  # each report as its format makes it (the plain ones inert, JSON exact)
    for text in outcome.stderr:
        click.echo(inert(text), nl=False, err=True)
    return outcome.code


_paths = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
_rules = click.option(
    "--rules",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of rules files (vocabulary and check settings). Default: from the settings, else rules/.",
)
_format = click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="NAME[=FILE]",
    help=f"Output format ({', '.join(REPORTERS)}); repeat for several, each but one with =FILE. Default: text.",
)
_output = click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="Write the (one) report without =FILE here."
)
_allow = click.option(
    "--allow-path",
    "allow_paths",
    multiple=True,
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="A folder outside the repository that claimcheck may read archived texts from and write files to; "
    "repeat for several.",
)
_fail_on = click.option(
    "--fail-on",
    type=click.Choice(list(LEVELS)),
    default=None,
    help="Lowest severity of an open finding that makes the exit code 1. Default: error.",
)
_workers = click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    help="Processes to read and check with (default: the settings, else one per core). Findings do not depend on it.",
)


def _caching(command: Callable) -> Callable:
    """The --cache and --no-cache options."""
    command = click.option(
        "--no-cache", is_flag=True, help="Read and check everything afresh, and keep nothing for the next run."
    )(command)
    return click.option(
        "--cache",
        type=click.Path(file_okay=False, path_type=Path),
        help="Cache folder for unchanged files and subjects (default: the settings, else one under ~/.cache/claimcheck). "
        "Safe to delete.",
    )(command)


_mapping = click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the tables (CSV, TSV) among the paths with this mapping, straight into the run (as `import` would "
    "write them; findings name each table as TABLE.jsonl).",
)


def _engines(command: Callable) -> Callable:
    """The --engine and --scheduler options."""
    command = click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="With --engine dask: the address of the cluster's scheduler (tcp://host:8786). Default: a cluster of "
        "--workers processes on this machine, made for the run.",
    )(command)
    return click.option(
        "--engine",
        type=click.Choice(["local", "dask"]),
        default="local",
        help="Where files are read and subjects checked: processes on this machine (local, the default), or the "
        "workers of a Dask cluster (dask, without a cache; needs pip install 'claimcheck[dask]'). Findings do not "
        "depend on it.",
    )(command)


def _run_options(command: Callable) -> Callable:
    """--workers, --engine, --scheduler, --cache, --no-cache and --allow-path: how a run reads and checks, not what
    it judges.

    The command receives them as keyword arguments and passes them on with :func:`_request_fields`.
    """
    return _workers(_engines(_caching(_allow(command))))


def _request_fields(
    workers: int | None, engine: str, scheduler: str | None, cache: Path | None, no_cache: bool,
    allow_paths: tuple[Path, ...],
) -> dict:  # fmt: skip
    """The run options as CheckRequest fields."""
    return {"workers": workers, "engine": engine, "scheduler": scheduler, "cache": cache, "no_cache": no_cache,
            "allow_paths": tuple(allow_paths)}  # fmt: skip


def _check_ids(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """Check ids given as repeated options or comma-separated (--select a,b)."""
    return tuple(part.strip() for item in value for part in item.split(",") if part.strip())


def _selecting(command: Callable) -> Callable:
    """--select, --ignore, --quiet and --statistics: which findings are reported, and how much is said."""
    command = click.option(
        "--statistics", is_flag=True, help="Print the counts of findings per check, verdict and severity after the report."
    )(command)
    command = click.option(
        "--quiet", "-q", is_flag=True, help="The text report lists the findings only, without its summary."
    )(command)
    command = click.option(
        "--ignore", multiple=True, metavar="CHECK[,CHECK]", callback=_check_ids,
        help="Do not report these checks' findings (besides the settings' ignore). Input problems are always reported.",
    )(command)  # fmt: skip
    return click.option(
        "--select", multiple=True, metavar="CHECK[,CHECK]", callback=_check_ids,
        help="Report only these checks' findings (instead of the settings' select). See `claimcheck checks`.",
    )(command)  # fmt: skip


_exit_zero = click.option(
    "--exit-zero", is_flag=True, default=None, help="Exit 0 even when findings reach the fail level."
)


class _Commands(click.Group):
    """The commands, whose errors are made inert before click prints them: a usage or a file error may quote a
    claim file, a table or the settings."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            exc.message = inert(exc.message)  # type: ignore[misc]  # Final in the stubs; click reads it to print
            raise


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimcheck")
def main() -> None:
    """claimcheck: find where sources disagree, and whether timing or scope explains it."""


@main.command()
@_paths
@_rules
@_format
@_output
@_fail_on
@_exit_zero
@click.option("--strict", is_flag=True, default=None, help="Stale acknowledgements fail the run too.")
@click.option(
    "--since",
    metavar="REV",
    help="Judge only the claim files changed since this git revision; the text and Markdown reports open with "
    "the findings new, resolved or changed since then.",
)
@click.option(
    "--acknowledgements",
    type=click.Path(path_type=Path),
    help="File of reviewed discrepancies. Default: from the settings, else acknowledgements.yaml when present.",
)
@_mapping
@_selecting
@_run_options
def check(paths, rules, formats, output, fail_on, exit_zero, strict, since, acknowledgements, mapping, select, ignore,  # noqa: ANN001
          quiet, statistics, **how) -> None:  # noqa: ANN001, ANN003
    """Check claim files against each other (default: the configured corpus, else claims/).

    Given paths (or --since) narrow what the run is judged on; the whole
    configured corpus is still loaded, so conflicts with other files are seen.
    """
    request = CheckRequest(
        paths, rules, tuple(formats), output, fail_on, exit_zero, strict, since, changes_since=since,
        acknowledgements=acknowledgements, mapping=mapping, lean=True, select=select, ignore=ignore, quiet=quiet,
        statistics=statistics, **_request_fields(**how),
    )  # fmt: skip
    sys.exit(_run(request))


def _format_of_file(command: str, formats: tuple[str, ...], chosen: str | None, output: Path | None) -> str:
    """The format a command writes: the one asked for, else the one the output file's name says, else text (the
    first of ``formats`` for a command without it). A file named for a format other than the one written is refused, naming only formats the command
    has: a report must never land in a file that says it holds another."""
    fits = SUFFIX_FORMATS.get(output.suffix.lower(), ()) if output is not None else ()
    usable = [name for name in fits if name in formats]
    chosen = chosen or (usable[0] if usable else "text" if "text" in formats else formats[0])
    if fits and chosen not in fits:
        if usable:
            raise click.UsageError(f'"{output}" is named as a {usable[0]} file but the format asked for is {chosen}: '
                                   f"give --format {usable[0]}, or name the file for {chosen}")  # fmt: skip
        raise click.UsageError(f'"{output}" is named as a {fits[0]} file, which claimcheck {command} does not write '
                               f"(it writes {', '.join(formats)}): name the file for {chosen}")  # fmt: skip
    return chosen


@main.command()
@_paths
@_rules
@click.option(
    "--format",
    "format_",
    type=click.Choice(["html", "markdown", "text"]),
    help="Report format. Default: html when -o ends in .html, markdown for .md, text otherwise.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the report here (atomically).")
@click.option(
    "--since", metavar="REV", help="Open with what changed since this git revision: findings new, resolved, changed."
)
@_run_options
def report(
    paths: tuple[Path, ...], rules: Path | None, format_: str | None, output: Path | None, since: str | None, **how: Any
) -> None:
    """Write the discrepancy report an editor reads: summary, findings with quotes, timelines, sources."""
    chosen = _format_of_file("report", ("html", "markdown", "text"), format_, output)
    code = _run(CheckRequest(paths, rules, (chosen,), output, changes_since=since, **_request_fields(**how)))
    if output is not None and code != EXIT_ERROR:
        click.echo(f"wrote {output}", err=True)
    sys.exit(EXIT_ERROR if code == EXIT_ERROR else EXIT_SUCCESS)


@main.command()
@_paths
@_rules
@_format
@_output
@_run_options
def validate(
    paths: tuple[Path, ...], rules: Path | None, formats: tuple[str, ...], output: Path | None, **how: Any
) -> None:
    """Validate claim and rules files (schema and vocabulary) without comparing claims."""
    sys.exit(_run(CheckRequest(paths, rules, formats, output, checks_enabled=False, **_request_fields(**how))))


@main.command()
@click.argument("fingerprints", nargs=-1)
@click.option("--reason", required=True, help="Why the discrepancy is acceptable (required).")
@click.option("--by", "reviewer", help="Who reviewed it (required, but with --renew: by default the earlier reviewer).")
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day it holds (default: in 180 days).")
@click.option("--all-failing", is_flag=True, help="Acknowledge every finding that fails the run now.")
@click.option("--renew", is_flag=True, help="Review the acknowledgements of these fingerprints again: a new reason, "
              "today's date and a new expiry; nothing else in the file changes.")  # fmt: skip
@_rules
@click.option("--acknowledgements", type=click.Path(path_type=Path), help="The file to add to.")
@_allow
def ack(fingerprints, reason, reviewer, expires, all_failing, renew, rules, acknowledgements, allow_paths) -> None:  # noqa: ANN001
    """Acknowledge current findings by fingerprint, touching nothing else in the file."""
    if renew:
        _renew(list(fingerprints), reason, reviewer, expires, rules, acknowledgements, allow_paths)
        return
    if not reviewer:
        raise click.UsageError("say who reviewed the findings with --by NAME")
    result = _findings_now(rules, allow_paths)
    try:
        config = load_config()
        today = today_from_environment()
    except (RequestError, ConfigError) as exc:
        raise CannotRun(str(exc)) from None
    findings = {f.fingerprint: f for f in result.findings if f.subject}
    chosen = []
    if all_failing:
        chosen = failing(result.findings, Policy(fail_on=result.fail_on))
        chosen = [f for f in chosen if f.subject]
    for fingerprint in fingerprints:
        if fingerprint not in findings:
            raise click.UsageError(
                f"no current finding has fingerprint {fingerprint} (see claimcheck check --format json)"
            )
        if findings[fingerprint].status == "acknowledged":
            raise click.UsageError(f"{fingerprint} is already acknowledged")
        chosen.append(findings[fingerprint])
    if not chosen:
        raise click.UsageError("name fingerprints to acknowledge, or --all-failing")
    until = expires.date() if expires else today + timedelta(days=180)
    if until < today:
        raise click.UsageError(f"--expires {until} is in the past")
    path = acknowledgements or config.acknowledgements or acks.acknowledged_path_default(config.path)
    entries = acks.new_entries(chosen, reason, reviewer, today, until)
    given = acknowledgements is not None
    _may_write(path, allow_paths, given)
    with _locking(path):
        existing, fingerprint = _read_for_update(path) if path.exists() else (None, None)
        text = acks.add_entries(existing, entries, modeline(path, Path.cwd(), "acknowledgements"))
        _write_or_fail(path, text, fingerprint, allow_paths, given)
    click.echo(f"{counted(len(entries), 'acknowledgement')} added to {display_path(path)}, until {until}", err=True)


def _findings_now(rules: Path | None, allow_paths: tuple[Path, ...]) -> Result:
    """The run of a check of the project as it is now, for `ack` (no report made); exit 2 when it cannot run."""
    try:
        request = CheckRequest(
            rules=rules, acknowledgements=None, formats=("json",), allow_paths=tuple(allow_paths), reports=False
        )
        outcome = execute(request)
    except (RequestError, ConfigError) as exc:
        raise CannotRun(str(exc)) from None
    assert outcome.result is not None
    return outcome.result


def _renew(fingerprints: list[str], reason: str, reviewer: str | None, expires: Any, rules: Path | None,
           acknowledgements: Path | None, allow_paths: tuple[Path, ...]) -> None:  # fmt: skip
    """`ack --renew`: the entries of ``fingerprints`` reviewed again, until a new day."""
    if not fingerprints:
        raise click.UsageError("name the fingerprints of the acknowledgements to renew")
    try:
        config = load_config()
        today = today_from_environment()
    except (RequestError, ConfigError) as exc:
        raise CannotRun(str(exc)) from None
    until = expires.date() if expires else today + timedelta(days=180)
    if until < today:
        raise click.UsageError(f"--expires {until} is in the past")
    path = acknowledgements or config.acknowledgements or acks.acknowledged_path_default(config.path)
    if not path.is_file():
        raise CannotRun(f"{display_path(path)} does not exist: there is no acknowledgement to renew")
    # what the findings say now, so that the entries record what was reviewed again
    now = _findings_now(rules, allow_paths).findings
    now_said = {f.fingerprint: acks.said(f) for f in now if f.subject and f.fingerprint in fingerprints}
    given = acknowledgements is not None
    _may_write(path, allow_paths, given)
    with _locking(path):
        existing, fingerprint = _read_for_update(path)
        try:
            text = acks.renew_entries(existing, fingerprints, reason, reviewer, today, until, now_said)
        except acks.NotAcknowledged as exc:
            raise click.UsageError(f"{display_path(path)}: {exc}") from None
        _write_or_fail(path, text, fingerprint, allow_paths, given)
    click.echo(
        f"{counted(len(fingerprints), 'acknowledgement')} renewed in {display_path(path)}, until {until}", err=True
    )


@main.command(name="import")
@click.argument("mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("tables", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), required=True, help="The JSON Lines claim file to write."
)
@click.option("--exclude-source", multiple=True, metavar="NAME", help="Leave out the rows of this source (repeatable).")
@_workers
@_allow
def import_command(
    mapping: Path,
    tables: tuple[Path, ...],
    output: Path,
    exclude_source: tuple[str, ...],
    workers: int | None,
    allow_paths: tuple[Path, ...],
) -> None:
    """Turn tables (CSV or TSV) into a JSON Lines claim file, as a mapping file says."""
    _may_write(output, allow_paths)
    from checker.authoring.tabular import MappingProblem, Stats, import_tables, load_mapping
    from checker.engine import default_workers

    try:
        spec = load_mapping(mapping)
    except MappingProblem as exc:
        raise CannotRun(str(exc)) from None
    stats = Stats()
    texts = []
    try:
        for table in import_tables(sorted(tables), spec, workers or default_workers(), frozenset(exclude_source)):
            texts += [table.text] if table.sources else []
            stats.add(table.stats)
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from None
    _write_or_fail(output, "".join(texts), allowed=allow_paths)
    click.echo(f"{counted(stats.rows, 'row')}, {counted(stats.values, 'value')}, {stats.missing} missing, "
               f"{sum(stats.unparsed.values())} not parsed; wrote {output}", err=True)  # fmt: skip
    for metric, count in sorted(stats.unparsed.items()):
        examples = ", ".join(repr(e) for e in stats.examples[metric])
        click.echo(inert(f"  {metric}: {counted(count, 'value')} not parsed, e.g. {examples}"), err=True)


@main.command(name="resolve")
@_paths
@_rules
@click.option("--format", "format_", type=click.Choice(["text", "json"]),
              help="Result format. Default: json when -o ends in .json, text otherwise.")  # fmt: skip
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the result here (atomically).")
@_mapping
@_run_options
def resolve_command(  # noqa: PLR0913
    paths: tuple[Path, ...],
    rules: Path | None,
    format_: str | None,
    output: Path | None,
    mapping: Path | None,
    **how: Any,
) -> None:
    """Which value is best supported: truth discovery over the claims, with copying sources discounted."""
    from checker.fusion.resolving import run_resolve, to_json, to_text

    format_ = _format_of_file("resolve", ("text", "json"), format_, output)
    if output is not None:
        _may_write(output, how["allow_paths"])
    try:
        with no_cycle_collection():
            claims, vocabulary, timelines = claims_to_resolve(
                CheckRequest(paths, rules, ("json",), mapping=mapping, **_request_fields(**how))
            )
    except RequestError as exc:
        raise CannotRun(str(exc)) from None
    resolved = run_resolve(claims, vocabulary, timelines)
    text = to_json(resolved) if format_ == "json" else inert(to_text(resolved))
    if output is not None:
        _write_or_fail(output, text, allowed=how["allow_paths"])
    else:
        click.echo(text, nl=False)


@main.command(name="checks")
@click.argument("check_id", required=False)
def checks_command(check_id: str | None) -> None:
    """List the checks, or show one check's documentation."""
    if check_id is None:
        rows = [
            (module.ID, (module.__doc__ or "").strip().splitlines()[0].split(": ", 1)[-1])
            for module in REGISTRY.values()
        ]
        width = max(len(name) for name, _ in rows)
        for name, summary in rows:
            click.echo(f"{name.ljust(width)}  {summary}")
        return
    if check_id not in REGISTRY:
        known = spelt(REGISTRY)
        hint = suggestion(check_id, known)
        raise click.UsageError(f'no such check: "{check_id}"' + (f"; {hint}" if hint else ""))
    module = REGISTRY[check_id]
    click.echo((module.__doc__ or "").strip())
    verdicts = ", ".join(f"{verdict} ({level})" for verdict, level in module.SEVERITY.items())
    click.echo(f"\nVerdicts and default severities: {verdicts}")
    found = examples(check_id)
    if found is not None:  # the cases the tests run, as claim files: what the check gives, not what it should
        click.echo(f"\nExamples, with the findings each gives:\n\n{found.text.rstrip()}")


def _refuse_existing(path: Path, instead: str) -> None:
    """Refuse to write a new file over an existing one, saying what to do ``instead``."""
    if path.exists():
        raise click.UsageError(f"{path} exists: claimcheck does not overwrite it ({instead})")


class CannotRun(click.ClickException):
    """A request that cannot run (bad settings, paths that name nothing): exit 2."""

    exit_code = EXIT_ERROR


class Refusal(CannotRun):
    """A file claimcheck will not write: exit 2, like any request that cannot run."""


def _may_write(path: Path, allowed: tuple[Path, ...] = (), given: bool = True) -> None:
    """Refuse (exit 2) a file claimcheck must not write. A file named on the command line (``given``) is the user's
    choice: it is refused only when it is not a file to write (a folder, a device). One whose place comes from the
    repository's content (the settings, a folder walked) must lie in the repository or a --allow-path folder."""
    try:
        if given:
            confine.check_target(path)
        else:
            confine.confinement(load_config(), allowed).check_output(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except confine.Refused as refused:
        raise Refusal(str(refused)) from None


def _write_or_fail(
    path: Path, text: str, expected: str | None = None, allowed: tuple[Path, ...] = (), given: bool = True
) -> None:
    _may_write(path, allowed, given)
    try:
        write_atomically(path, text, expected)
    except FileChanged as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None


@contextmanager
def _locking(path: Path) -> Iterator[None]:
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
def _readable(path: Path) -> Iterator[None]:
    """Turn the reasons a file named by the user cannot be read into one clear line and exit 2."""
    try:
        yield
    except Refused as refused:
        raise CannotRun(f"{display_path(path)} cannot be read: {refused}") from None
    except OSError as exc:
        raise CannotRun(f"{display_path(path)} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CannotRun(f"{display_path(path)} is not UTF-8 text") from None


def _read_for_update(path: Path) -> tuple[str, str]:
    """The text of a file a command rewrites and its fingerprint (see files.read_for_update); exit 2 when it cannot
    be read."""
    with _readable(path):
        return read_for_update(path)


def _read_text(path: Path) -> str:
    """An article's text named on the command line (as an archived text is read); exit 2 when it cannot be read."""
    with _readable(path):
        return read_regular(path, confine.MAX_ARCHIVE_BYTES).decode("utf-8-sig")


def _vocabulary(rules: Path | None) -> Vocabulary:
    try:
        configured = load_config().rules
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    vocabulary, problems = load_vocabulary(rules or configured or Path("rules"))
    errors = [f for f in problems if f.severity == "error"]
    if errors:
        raise CannotRun(f"rules cannot be read: {errors[0].location}: {errors[0].message}")
    return vocabulary


@main.command()
@click.argument("source_text", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_rules
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the drafted claim file here (new file).")
@click.option("--merge", "merge", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Add only the candidates not yet encoded to this claim file, leaving the rest untouched.")  # fmt: skip
@click.option("--subject", help="Entity the claims are about (default: the one the text names most).")
@_allow
def extract(
    source_text: Path,
    rules: Path,
    output: Path | None,
    merge: Path | None,
    subject: str | None,
    allow_paths: tuple[Path, ...],
) -> None:
    """Draft candidate claims from an article's text."""
    from checker.authoring.drafts import draft_claim_file, merge_into_claim_file  # noqa: PLC0415 - a check never needs it

    for target in (output, merge):
        if target is not None:
            _may_write(target, allow_paths)
    vocabulary = _vocabulary(rules)
    text = _read_text(source_text)
    if subject is not None and vocabulary.entity_id(subject) is None:
        raise click.UsageError(f'unknown entity "{subject}"; {vocabulary.entity_hint(subject)}')
    chosen = vocabulary.entity_id(subject) if subject else None
    if merge is not None:
        with _locking(merge):
            existing, fingerprint = _read_for_update(merge)
            merged, added = merge_into_claim_file(existing, text, vocabulary, chosen)
            if added:
                _write_or_fail(merge, merged, fingerprint, allow_paths)
        click.echo(f"{merge}: {counted(added, 'new candidate claim')} added", err=True)
        return
    if output is not None:
        _refuse_existing(output, f"add the new candidates to it with --merge {output}")
    drafted, count = draft_claim_file(text, source_text, output, vocabulary, chosen)
    if output is None:
        click.echo(drafted, nl=False)
    else:
        _write_or_fail(output, drafted, allowed=allow_paths)
    click.echo(f"{counted(count, 'candidate claim')} drafted from {source_text}", err=True)


@main.command(name="new-source")
@click.option("--id", "source_id", help="Stable id of the source.")
@click.option("--title")
@click.option("--publisher")
@click.option("--kind", type=click.Choice([k.value for k in SourceKind]), help="What kind of document it is.")
@click.option("--published", help="Publication date (2026-01-12, 2026-01 or 2026).")
@click.option("--undated", "undated_argument", help="The text gives no date: why, and what can be argued.")
@click.option("--estimate", help="With --undated: the span it was most likely written in (2025-10/2026-01).")
@click.option("--origin", help="Entity the claims are attributed to.")
@click.option("--archive", type=click.Path(path_type=Path), help="The archived text (path from here).")
@click.option("--url")
@click.option("--from-text", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Fill title, date and archive from the article's text.")  # fmt: skip
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Where to write it (default: claims/ID.yaml).")
@_allow
def new_source(
    source_id,
    title,
    publisher,
    kind,
    published,
    undated_argument,
    estimate,
    origin,
    archive,
    url,
    from_text,
    output,
    allow_paths,
) -> None:  # noqa: ANN001
    """Scaffold a claim file for a new source, from flags or by asking."""
    fields: dict = {"id": source_id, "title": title, "publisher": publisher, "kind": kind, "published": published,
                    "origin": origin, "archive": archive.as_posix() if archive else None, "url": url}  # fmt: skip
    if undated_argument:
        fields["undated"] = {"argument": undated_argument, **({"estimate": estimate} if estimate else {})}
    if from_text is not None:
        from checker.authoring.extract import guess_source  # noqa: PLC0415 - see extract

        guess = guess_source(_read_text(from_text))
        fields["title"] = fields["title"] or guess.title
        fields["archive"] = fields["archive"] or from_text.as_posix()
        if guess.published and not (published or undated_argument):
            fields["published"] = guess.published.isoformat()
    interactive = sys.stdin.isatty()
    for key, question in (("id", "Source id"), ("title", "Title"), ("publisher", "Publisher"), ("kind", "Kind")):
        if not fields.get(key) and interactive:
            default = "news-report" if key == "kind" else None
            fields[key] = click.prompt(question, default=default)
    if not (fields.get("published") or fields.get("undated")) and interactive:
        answer = click.prompt("Publication date (leave empty if the text gives none)", default="", show_default=False)
        if answer:
            fields["published"] = answer
        else:
            fields["undated"] = {"argument": click.prompt("Why is it undated, and what can be argued about its date?")}
    try:
        source = source_block(fields)
    except SourceProblem as exc:
        raise click.UsageError(f"{exc} ({exc.hint})") from None
    target = output or Path("claims") / f"{source.id}.yaml"
    _refuse_existing(target, "give another --id or --output, or remove the file first")
    _write_or_fail(target, claim_file_text(source, target, Path.cwd()), allowed=allow_paths)
    click.echo(f"wrote {target}", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file is not in canonical form.")
@_allow
def fmt(paths: tuple[Path, ...], check: bool, allow_paths: tuple[Path, ...]) -> None:
    """Put YAML claim files in canonical form (key order, quoting, dates), keeping every comment.

    A file that cannot be formatted is reported and the others are still done; the exit code is then 2.
    """
    for path in paths:
        problem = unusable_path(path, YAML_SUFFIXES)
        if problem is not None:
            raise click.UsageError(problem)
    given = {path.resolve() for path in paths if not path.is_dir()}
    roots = list(paths) or [_default_claims()]
    if not paths and unusable_path(roots[0], YAML_SUFFIXES) is not None:
        raise click.UsageError(f"{unusable_path(roots[0], YAML_SUFFIXES)}; name the claim files or folders to format")
    targets = [path for path, missing in iter_files(roots, YAML_SUFFIXES) if missing is None]
    changed, broken = [], []
    for path in targets:
        if not check:
            _may_write(path, allow_paths, given=path.resolve() in given)
        with _locking(path) if not check else nullcontext():
            try:
                text, fingerprint = read_for_update(path)
                tidy = canonical(text)
            except (Refused, OSError) as exc:  # a FIFO, a device (a link to /dev/zero), a file over the limit
                broken.append(path)
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                click.echo(f"{display_path(path)}: cannot be read: {reason}", err=True)
                continue
            except Exception as exc:  # noqa: BLE001 - ruamel raises many kinds on broken YAML
                broken.append(path)
                said = f"{display_path(path)}: cannot be formatted: {exc}; run claimcheck validate"
                click.echo(inert(said), err=True)
                continue
            if tidy == text:
                continue
            changed.append(display_path(path))
            if not check:
                _write_or_fail(path, tidy, fingerprint, allow_paths, given=path.resolve() in given)
    for name in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {name}")
    done = "not in canonical form" if check else "reformatted"
    click.echo(f"{len(changed)} of {counted(len(targets), 'file')} {done}"
               + (f"; {len(broken)} could not be read" if broken else ""), err=True)  # fmt: skip
    sys.exit(EXIT_ERROR if broken else EXIT_FAIL if check and changed else EXIT_SUCCESS)


def _default_claims() -> Path:
    """The claim folder of the settings (the first), else claims/."""
    try:
        config = load_config()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    return config.claims[0] if config.claims else Path("claims")


@main.command()
@click.argument("name", type=click.Choice(sorted(SCHEMAS)), default="claims")
def schema(name: str) -> None:
    """Print the JSON Schema (draft-07) of claim files or rules files."""
    click.echo(render_schema(name), nl=False)


def run_cli() -> None:
    """The console entry point: an unexpected failure is one clear line and exit 2, never a traceback.

    Set CLAIMCHECK_DEBUG=1 to see the traceback of such a failure.

    The process runs one command and ends: what a large run builds lives to the end, so the cycle collector is
    off for all of it, rather than turned back on to rescan millions of objects just before they are left.
    """
    gc.disable()
    try:
        main(standalone_mode=True)
    except SystemExit as done:  # how click ends every command
        _leave(done.code)
    except KeyboardInterrupt:
        click.echo("claimcheck: interrupted", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("CLAIMCHECK_DEBUG"):
            raise
        said = f"claimcheck: internal error: {type(exc).__name__}: {exc} (set CLAIMCHECK_DEBUG=1 for details)"
        click.echo(inert(said), err=True)
        sys.exit(EXIT_ERROR)


def _leave(code: object) -> NoReturn:
    """End the process with ``code`` (as sys.exit reads it) once the output streams are flushed, without freeing
    every object first: a large corpus leaves millions, which Python would free one by one just before the
    process ends, to no one's benefit. Nothing else is pending then: every command has closed
    the files it wrote, its worker processes have ended, and claimcheck registers no exit handlers."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a reader that went away, or a stream closed already
        pass
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    run_cli()
