"""The options the commands share, and how a request they make is run: one place for each option's words."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Optional

import click

from checker.corpus.result import TEXT_WIDTH
from checker.engine import no_cycle_collection
from checker.engine.trace import phase
from checker.formats.settings import LEVELS
from checker.gate.policy import EXIT_ERROR
from checker.pipeline import (
    SUFFIX_FORMATS,
    CheckRequest,
    RequestError,
    execute,
    unnamed_format,
    write_outputs,
)
from checker.reporting import REPORTERS
from checker.reporting.inert import inert


class _Progress:
    """The subjects checked so far, as click's progress bar on stderr, once there are enough to wait for."""

    LEAST = 50  # fewer subjects are checked before a bar would be seen

    def __init__(self) -> None:
        self.bar: Optional[Any] = None
        self.done = 0
        self.ended = False

    def __call__(self, done: int, total: int) -> None:
        if total < self.LEAST:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="checking subjects", file=sys.stderr, show_pos=True)
        self.bar.update(done - self.done)
        self.done = done
        if done == total:
            self.finish()

    def finish(self) -> None:
        """End the bar's line and show the cursor again (the bar hides it while it draws): when the count is
        complete, and when the run stops before, so that a terminal is never left without its cursor."""
        if self.bar is not None and not self.ended:
            self.ended = True
            self.bar.render_finish()


def terminal() -> dict:
    """Colour (unless NO_COLOR) and the width of the report on stdout when it is a terminal; progress on stderr."""
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    width = shutil.get_terminal_size((TEXT_WIDTH, 24)).columns if sys.stdout.isatty() else TEXT_WIDTH
    if not sys.stderr.isatty():
        return {"color": color, "width": width}
    return {"color": color, "width": width, "progress": _Progress()}


def run_request(request: CheckRequest) -> int:
    """Run a request with what the terminal gives (colour, width, progress), print what it made; the exit code."""
    request = replace(request, **terminal())
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
    finally:
        if isinstance(request.progress, _Progress):
            request.progress.finish()
    for text in outcome.stdout:
        click.echo(text, nl=False)  # each report as its format makes it (the plain ones inert, JSON exact)
    for text in outcome.stderr:
        click.echo(inert(text), nl=False, err=True)
    return outcome.code


class NamedPath(click.Path):
    """A path given on the command line, which must name something: "" would be read as the working folder."""

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("an empty path names nothing: name a claim file or folder (. for this one)", param, ctx)
        return super().convert(value, param, ctx)


paths = click.argument("paths", nargs=-1, type=NamedPath(path_type=Path))


rules = click.option(
    "--rules",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of rules files (vocabulary and check settings). Default: from the settings, else rules/.",
)


formats = click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="NAME[=FILE]",
    help=f"Output format ({', '.join(REPORTERS)}); repeat for several, each but one with =FILE. Default: text.",
)


output = click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="Write the (one) report without =FILE here."
)


allow = click.option(
    "--allow-path",
    "allow_paths",
    multiple=True,
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="A folder outside the repository that claimcheck may read archived texts from and write files to; "
    "repeat for several.",
)


fail_on = click.option(
    "--fail-on",
    type=click.Choice(list(LEVELS)),
    default=None,
    help="Lowest severity of an open finding that makes the exit code 1. Default: error.",
)


workers = click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    help="Processes to read and check with (default: the settings, else one per core). Findings do not depend on it.",
)


def caching(command: Callable) -> Callable:
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


mapping = click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the tables (CSV, TSV) among the paths with this mapping, straight into the run (as `import` would "
    "write them; findings name a claim by its cell of the table).",
)


def engines(command: Callable) -> Callable:
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


def run_options(command: Callable) -> Callable:
    """--workers, --engine, --scheduler, --cache, --no-cache and --allow-path: how a run reads and checks, not what
    it judges.

    The command receives them as keyword arguments and passes them on with :func:`request_fields`.
    """
    return workers(engines(caching(allow(command))))


def request_fields(
    workers: int | None, engine: str, scheduler: str | None, cache: Path | None, no_cache: bool,
    allow_paths: tuple[Path, ...],
) -> dict:  # fmt: skip
    """The run options as CheckRequest fields."""
    return {"workers": workers, "engine": engine, "scheduler": scheduler, "cache": cache, "no_cache": no_cache,
            "allow_paths": tuple(allow_paths)}  # fmt: skip


def check_ids(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """Check ids given as repeated options or comma-separated (--select a,b)."""
    return tuple(part.strip() for item in value for part in item.split(",") if part.strip())


def selecting(command: Callable) -> Callable:
    """--select, --ignore, --quiet and --statistics: which findings are reported, and how much is said."""
    command = click.option(
        "--statistics",
        is_flag=True,
        help="Print the counts of findings per check, verdict and severity after the report.",
    )(command)
    command = click.option(
        "--quiet", "-q", is_flag=True, help="The text report lists the findings only, without its summary."
    )(command)
    command = click.option(
        "--ignore", multiple=True, metavar="CHECK[,CHECK]", callback=check_ids,
        help="Do not report these checks' findings (besides the settings' ignore). Input problems are always reported.",
    )(command)  # fmt: skip
    return click.option(
        "--select", multiple=True, metavar="CHECK[,CHECK]", callback=check_ids,
        help="Report only these checks' findings (instead of the settings' select). See `claimcheck checks`.",
    )(command)  # fmt: skip


exit_zero = click.option(
    "--exit-zero", is_flag=True, default=None, help="Exit 0 even when findings reach the fail level."
)


def format_of_file(command: str, formats: tuple[str, ...], chosen: str | None, output: Path | None) -> str:
    """The format a command writes: the one asked for, else the one the output file's name says, else text (the
    first of ``formats`` for a command without it). A file named for a format other than the one written is refused, naming only formats the command
    has: a report must never land in a file that says it holds another."""
    fits = SUFFIX_FORMATS.get(output.suffix.lower(), ()) if output is not None else ()
    if chosen is None and output is not None:
        refused = unnamed_format(output, formats)
        if refused is not None:
            raise click.UsageError(refused)
    usable = [name for name in fits if name in formats]
    chosen = chosen or (usable[0] if usable else "text" if "text" in formats else formats[0])
    if fits and chosen not in fits:
        if usable:
            raise click.UsageError(f'"{output}" is named as a {usable[0]} file but the format asked for is {chosen}: '
                                   f"give --format {usable[0]}, or name the file for {chosen}")  # fmt: skip
        raise click.UsageError(f'"{output}" is named as a {fits[0]} file, which claimcheck {command} does not write '
                               f"(it writes {', '.join(formats)}): name the file for {chosen}")  # fmt: skip
    return chosen
