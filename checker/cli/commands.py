"""The command group and the commands that run checks: parse options into a plain request, run it, print, exit.

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
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from checker import __version__
from checker.checks import REGISTRY
from checker.checks.examples import examples
from checker.cli import authoring, options, review, tables
from checker.gate.policy import EXIT_ERROR, EXIT_SUCCESS
from checker.model.names import spelt, suggestion
from checker.pipeline import (
    CheckRequest,
)
from checker.reporting.inert import inert


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
@options.paths
@options.rules
@options.formats
@options.output
@options.fail_on
@options.exit_zero
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
@options.mapping
@options.selecting
@options.run_options
def check(paths, rules, formats, output, fail_on, exit_zero, strict, since, acknowledgements, mapping, select, ignore,  # noqa: ANN001
          quiet, statistics, **how) -> None:  # noqa: ANN001, ANN003
    """Check claim files against each other (default: the configured corpus, else claims/).

    Given paths (or --since) narrow what the run is judged on; the whole
    configured corpus is still loaded, so conflicts with other files are seen.
    """
    request = CheckRequest(
        paths, rules, tuple(formats), output, fail_on, exit_zero, strict, since, changes_since=since,
        acknowledgements=acknowledgements, mapping=mapping, lean=True, select=select, ignore=ignore, quiet=quiet,
        statistics=statistics, **options.request_fields(**how),
    )  # fmt: skip
    sys.exit(options.run_request(request))


@main.command()
@options.paths
@options.rules
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
@options.run_options
def report(
    paths: tuple[Path, ...], rules: Path | None, format_: str | None, output: Path | None, since: str | None, **how: Any
) -> None:
    """Write the discrepancy report an editor reads: summary, findings with quotes, timelines, sources."""
    chosen = options.format_of_file("report", ("html", "markdown", "text"), format_, output)
    code = options.run_request(CheckRequest(paths, rules, (chosen,), output, changes_since=since, **options.request_fields(**how)))
    if output is not None and code != EXIT_ERROR:
        click.echo(f"wrote {output}", err=True)
    sys.exit(EXIT_ERROR if code == EXIT_ERROR else EXIT_SUCCESS)


@main.command()
@options.paths
@options.rules
@options.formats
@options.output
@options.run_options
def validate(
    paths: tuple[Path, ...], rules: Path | None, formats: tuple[str, ...], output: Path | None, **how: Any
) -> None:
    """Validate claim and rules files (schema and vocabulary) without comparing claims."""
    sys.exit(options.run_request(CheckRequest(paths, rules, formats, output, checks_enabled=False, **options.request_fields(**how))))


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


# the commands defined beside this group, by what they are for
for _command in (
    review.ack,
    tables.import_command,
    tables.resolve_command,
    authoring.extract,
    authoring.new_source,
    authoring.fmt,
    authoring.schema,
):
    main.add_command(_command)


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
