"""`claimcheck import` and `claimcheck resolve`: tables turned into claims, and the best supported value of each item."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from checker.cli import options, userfiles
from checker.engine import no_cycle_collection
from checker.gate.policy import EXIT_ERROR, EXIT_FAIL
from checker.model.findings import sort_key
from checker.model.plural import counted
from checker.pipeline import (
    CheckRequest,
    RequestError,
    claims_to_resolve,
    refuse_writing_inputs,
)
from checker.reporting.inert import inert
from checker.reporting.text_report import input_line


@click.command(name="import")
@click.argument("mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("tables", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), required=True, help="The JSON Lines claim file to write."
)
@click.option("--exclude-source", multiple=True, metavar="NAME", help="Leave out the rows of this source (repeatable).")
@options.workers
@options.allow
def import_command(
    mapping: Path,
    tables: tuple[Path, ...],
    output: Path,
    exclude_source: tuple[str, ...],
    workers: int | None,
    allow_paths: tuple[Path, ...],
) -> None:
    """Turn tables (CSV or TSV) into a JSON Lines claim file, as a mapping file says."""
    userfiles.may_write(output, allow_paths)
    if output.suffix != ".jsonl":  # as claim files are found: any other name would be read as YAML or JSON, or not
        raise click.UsageError(f"--output {output}: the claims are JSON Lines, so its name must end in .jsonl")
    if any(output.resolve() == table.resolve() for table in tables):
        raise userfiles.CannotRun(f"{output} is one of the tables to import: write the claims to another file")
    from checker.authoring.tabular import MappingProblem, Stats, import_tables, load_mapping
    from checker.engine import default_workers

    try:
        spec = load_mapping(mapping)
    except MappingProblem as exc:
        raise userfiles.CannotRun(str(exc)) from None
    stats = Stats()
    texts = []
    try:
        for table in import_tables(
            sorted(tables), spec, workers or default_workers(), frozenset(exclude_source), root=mapping.parent
        ):
            texts += [table.text] if table.sources else []
            stats.add(table.stats)
    except (ValueError, UnicodeDecodeError) as exc:  # a table the mapping does not fit: it cannot run (exit 2)
        raise userfiles.CannotRun(str(exc)) from None
    userfiles.write_or_fail(output, "".join(texts), allowed=allow_paths)
    click.echo(f"{counted(stats.rows, 'row')}, {counted(stats.values, 'value')}, {stats.missing} missing, "
               f"{sum(stats.unparsed.values())} not parsed; wrote {output}", err=True)  # fmt: skip
    for metric, count in sorted(stats.unparsed.items()):
        examples = ", ".join(repr(e) for e in stats.examples[metric])
        click.echo(inert(f"  {metric}: {counted(count, 'value')} not parsed, e.g. {examples}"), err=True)


@click.command(name="resolve")
@options.paths
@options.rules
@click.option("--format", "format_", type=click.Choice(["text", "json"]),
              help="Result format. Default: json when -o ends in .json, text otherwise.")  # fmt: skip
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the result here (atomically).")
@options.mapping
@options.run_options
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

    format_ = options.format_of_file("resolve", ("text", "json"), format_, output)
    request = CheckRequest(paths, rules, ("json",), mapping=mapping, **options.request_fields(**how))
    try:
        if output is not None:
            userfiles.may_write(output, how["allow_paths"])
            refuse_writing_inputs(request, output, "result")
        with no_cycle_collection():
            given = claims_to_resolve(request)
    except RequestError as exc:
        raise userfiles.CannotRun(str(exc)) from None
    resolved = run_resolve(given.claims, given.vocabulary, given.timelines)
    problems = given.problems
    text = to_json(resolved) if format_ == "json" else inert(to_text(resolved))
    if output is not None:
        userfiles.write_or_fail(output, text, allowed=how["allow_paths"])
    else:
        click.echo(text, nl=False)
    # what could not be read is said, and the resolution of the rest is not passed off as the whole corpus's
    for problem in sorted(problems, key=sort_key):
        click.echo(inert(input_line(problem)), err=True)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        click.echo(f"claimcheck: {counted(len(errors), 'input error')}: the claims they keep out are not resolved; "
                   "run claimcheck validate for the whole list", err=True)  # fmt: skip
    # rules that cannot be read stop a run (exit 2), as they stop check; other input errors fail it
    if given.broken_rules:
        sys.exit(EXIT_ERROR)
    if errors:
        sys.exit(EXIT_FAIL)
