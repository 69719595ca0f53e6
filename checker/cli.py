"""The command line: parse options into a plain request, run it, print, exit.

Exit codes (see README "Exit codes"):
    0  no finding at or above the fail level
    1  findings at or above the fail level
    2  claimcheck could not run: a usage error, or broken rules/configuration
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

from checker import __version__
from checker.checks import REGISTRY
from checker.engine import Result, run
from checker.findings import SEVERITY_RANK
from checker.names import suggestion
from checker.reporting import REPORTERS
from checker.schema import SCHEMAS, render_schema

EXIT_SUCCESS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class CheckRequest:
    """What `claimcheck check` was asked to do."""

    paths: tuple[Path, ...]
    rules: Path
    format: str
    output: Path | None
    fail_on: str
    exit_zero: bool
    checks_enabled: bool = True


def exit_code(result: Result, fail_on: str) -> int:
    """The exit code a run earns under the fail level."""
    if any(f.check == "rules" and f.severity == "error" for f in result.rules_findings):
        return EXIT_ERROR
    threshold = SEVERITY_RANK[fail_on]
    return EXIT_FAIL if any(f.rank >= threshold for f in result.findings) else EXIT_SUCCESS


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename, so a crash leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def execute(request: CheckRequest) -> int:
    """Run a check request: the whole of `check` and `validate` after option parsing."""
    paths = list(request.paths) or [Path("claims")]
    result = run(paths, request.rules, run_checks=request.checks_enabled)
    text = REPORTERS[request.format](result)
    if request.output is not None:
        write_atomically(request.output, text)
    else:
        click.echo(text, nl=False)
    code = exit_code(result, request.fail_on)
    if request.exit_zero and code == EXIT_FAIL:
        return EXIT_SUCCESS
    return code


_paths = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
_rules = click.option(
    "--rules",
    type=click.Path(path_type=Path),
    default=Path("rules"),
    show_default=True,
    help="Folder of rules files (vocabulary and check settings).",
)
_format = click.option(
    "--format",
    "format_",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="Output format.",
)
_output = click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the report to this file.")
_fail_on = click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="error",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
_exit_zero = click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings reach the fail level.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
def check(
    paths: tuple[Path, ...], rules: Path, format_: str, output: Path | None, fail_on: str, exit_zero: bool
) -> None:
    """Check claim files (default: claims/) against each other."""
    sys.exit(execute(CheckRequest(paths, rules, format_, output, fail_on, exit_zero)))


@main.command()
@_paths
@_rules
@_format
@_output
def validate(paths: tuple[Path, ...], rules: Path, format_: str, output: Path | None) -> None:
    """Validate claim and rules files (schema and vocabulary) without comparing claims."""
    request = CheckRequest(paths, rules, format_, output, "error", False, checks_enabled=False)
    sys.exit(execute(request))


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
        known = {name.replace("-", ""): name for name in REGISTRY}
        hint = suggestion(check_id, known)
        raise click.UsageError(f'no such check: "{check_id}"' + (f"; {hint}" if hint else ""))
    module = REGISTRY[check_id]
    click.echo((module.__doc__ or "").strip())
    verdicts = ", ".join(f"{verdict} ({level})" for verdict, level in module.SEVERITY.items())
    click.echo(f"\nVerdicts and default severities: {verdicts}")


@main.command()
@click.argument("name", type=click.Choice(sorted(SCHEMAS)), default="claims")
def schema(name: str) -> None:
    """Print the JSON Schema (draft-07) of claim files or rules files."""
    click.echo(render_schema(name), nl=False)


def run_cli() -> None:
    """The console entry point: an unexpected failure is one clear line and exit 2, never a traceback.

    Set CLAIMCHECK_DEBUG=1 to see the traceback of such a failure.
    """
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("claimcheck: interrupted", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("CLAIMCHECK_DEBUG"):
            raise
        click.echo(
            f"claimcheck: internal error: {type(exc).__name__}: {exc} (set CLAIMCHECK_DEBUG=1 for details)", err=True
        )
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":  # pragma: no cover
    run_cli()
