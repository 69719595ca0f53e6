"""The commands that write claim files: `extract`, `new-source`, `fmt`, and `schema` for editors."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

from checker.authoring.fmt import canonical
from checker.authoring.scaffold import SourceProblem, claim_file_text, source_block
from checker.cli import options, userfiles
from checker.corpus.records import read_file
from checker.formats.files import Refused, read_for_update
from checker.formats.loading import (
    YAML_SUFFIXES,
    display_path,
    impossible_dates,
    iter_files,
    read_document,
    unusable_path,
)
from checker.formats.models import SourceKind
from checker.formats.schema import SCHEMAS, render_schema
from checker.formats.settings import ConfigError
from checker.gate.policy import EXIT_ERROR, EXIT_FAIL, EXIT_SUCCESS
from checker.model.findings import Finding, place_key, said_at, unplain
from checker.model.plural import counted
from checker.pipeline import load_settings
from checker.reporting.inert import inert
from checker.reporting.text_report import input_line


@click.command()
@click.argument("source_text", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@options.rules
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the drafted claim file here (new file).")
@click.option("--merge", "merge", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Add only the candidates not yet encoded to this claim file, leaving the rest untouched.")  # fmt: skip
@click.option("--subject", help="Entity the claims are about (default: the one the text names most).")
@options.allow
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

    for target, option in ((output, "--output"), (merge, "--merge")):
        if target is not None:
            userfiles.yaml_file(target, option)
            userfiles.may_write(target, allow_paths)
    vocabulary = userfiles.vocabulary_of(rules)
    text = userfiles.read_text(source_text)
    if subject is not None and vocabulary.entity_id(subject) is None:
        raise click.UsageError(f'unknown entity "{subject}"; {vocabulary.entity_hint(subject)}')
    chosen = vocabulary.entity_id(subject) if subject else None
    if merge is not None:
        with userfiles.locking(merge):
            existing, fingerprint = userfiles.read_for_editing(merge)
            try:
                merged, added = merge_into_claim_file(existing, text, vocabulary, chosen)
            except Exception as exc:  # noqa: BLE001 - ruamel raises many kinds on broken YAML, and a file of
                # another shape (claims that are not a list) fails where it is walked: said as fmt says it
                raise userfiles.CannotRun("\n".join(why_not_formatted(merge, existing, exc, "extended"))) from None
            if added:
                userfiles.write_or_fail(merge, merged, fingerprint, allow_paths)
        click.echo(f"{merge}: {counted(added, 'new candidate claim')} added", err=True)
        return
    if output is not None:
        userfiles.refuse_existing(output, f"add the new candidates to it with --merge {output}")
    drafted, count = draft_claim_file(text, source_text, output, vocabulary, chosen)
    if output is None:
        click.echo(drafted, nl=False)
    else:
        userfiles.write_or_fail(output, drafted, allowed=allow_paths)
    click.echo(f"{counted(count, 'candidate claim')} drafted from {source_text}", err=True)


@click.command(name="new-source")
@click.option("--id", "source_id", help="Stable id of the source.")
@click.option("--title")
@click.option("--publisher")
@click.option("--kind", type=click.Choice([k.value for k in SourceKind]), help="What kind of document it is.")
@click.option("--published", help="Publication date (2026-01-12, 2026-01 or 2026).")
@click.option("--undated", "undated_argument", help="The text gives no date: why, and what can be argued.")
@click.option("--estimate", help="With --undated: the span it was most likely written in (2025-10/2026-01).")
@click.option("--origin", help="Entity the claims are attributed to.")
@click.option("--archive", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The archived text (path from here): a file that is there.")  # fmt: skip
@click.option("--url")
@click.option("--from-text", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Fill title, date and archive from the article's text.")  # fmt: skip
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Where to write it (default: claims/ID.yaml).")
@options.allow
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
    if output is not None:  # before anything is asked
        userfiles.yaml_file(output, "--output")
    fields: dict = {"id": source_id, "title": title, "publisher": publisher, "kind": kind, "published": published,
                    "origin": origin, "archive": archive.as_posix() if archive else None, "url": url}  # fmt: skip
    if undated_argument:
        fields["undated"] = {"argument": undated_argument, **({"estimate": estimate} if estimate else {})}
    if from_text is not None:
        from checker.authoring.extract import guess_source  # noqa: PLC0415 - see extract

        guess = guess_source(userfiles.read_text(from_text))
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
        raise click.UsageError(f"{exc} ({exc.hint})" if exc.hint else str(exc)) from None
    target = output or Path("claims") / f"{source.id}.yaml"
    userfiles.refuse_existing(target, "give another --id or --output, or remove the file first")
    userfiles.write_or_fail(target, claim_file_text(source, target, Path.cwd()), allowed=allow_paths)
    click.echo(f"wrote {target}", err=True)


@click.command()
@click.argument("paths", nargs=-1, type=options.NamedPath(path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file is not in canonical form.")
@options.allow
def fmt(paths: tuple[Path, ...], check: bool, allow_paths: tuple[Path, ...]) -> None:
    """Put YAML claim files in canonical form (key order, quoting, dates), keeping every comment.

    A file that cannot be formatted is reported and the others are still done; the exit code is then 2.
    """
    for path in paths:
        problem = unusable_path(path, YAML_SUFFIXES)
        if problem is not None:
            raise click.UsageError(problem)
    given = {path.resolve() for path in paths if not path.is_dir()}
    roots = list(paths) or _default_claims()
    if not paths:  # each configured path must name something, and one of them must hold YAML
        problems = [unusable_path(root, YAML_SUFFIXES) for root in roots]
        missing = [problem for root, problem in zip(roots, problems, strict=True) if problem and not root.exists()]
        if missing or all(problems):
            raise click.UsageError(f"{(missing or problems)[0]}; name the claim files or folders to format")
    targets, broken = [], []
    for path, refused in iter_files(roots, YAML_SUFFIXES):
        if refused is None:
            targets.append(path)
        else:  # a link out of the folder, or to a folder: never followed, and said, as check says it
            click.echo(inert(input_line(refused)), err=True)
            if refused.severity == "error":  # a link to a folder is only a warning, there as in check
                broken.append(path)
    changed = []
    for path in targets:
        if not check:
            userfiles.may_write(path, allow_paths, given=path.resolve() in given)
        with userfiles.locking(path) if not check else nullcontext():
            text: str | None = None
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
                for said in why_not_formatted(path, text, exc):
                    click.echo(inert(said), err=True)
                continue
            if tidy == text:
                continue
            changed.append(display_path(path))
            if not check:
                userfiles.write_or_fail(path, tidy, fingerprint, allow_paths, given=path.resolve() in given)
    for name in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {name}")
    done = "not in canonical form" if check else "reformatted"
    click.echo(f"{len(changed)} of {counted(len(targets), 'file')} {done}"
               + (f"; {len(broken)} could not be read" if broken else ""), err=True)  # fmt: skip
    sys.exit(EXIT_ERROR if broken else EXIT_FAIL if check and changed else EXIT_SUCCESS)


#: how many of a file's problems fmt lists (validate lists them all)
_SHOWN_PROBLEMS = 5


def why_not_formatted(path: Path, text: str | None, failure: Exception, doing: str = "formatted") -> list[str]:
    """Why a claim file (its text, None when it is not UTF-8) cannot be formatted (or ``doing``), each problem at its
    file:line:col with what to do: as claimcheck reads the file (its YAML, its shape, then its dates, which the
    formatter reads as dates); the formatter's own words, at the file, only when that reading finds nothing
    wrong."""
    shown = display_path(path)
    raw = text.encode("utf-8") if text is not None else None
    found = [unplain(plain) for plain in read_file(path, shown, raw).findings]
    document = read_document(path, shown, raw=raw)
    if not isinstance(document, Finding):  # the days the calendar lacks, which claimcheck reads only later
        found = sorted({f.location: f for f in [*found, *impossible_dates(document, shown)]}.values(),
                       key=place_key)  # fmt: skip
    if not found:
        first = userfiles.first_words(failure)
        mark = getattr(failure, "problem_mark", None) or getattr(failure, "context_mark", None)
        at = f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "1:1"
        return [f"{shown}:{at}: cannot be {doing}: {first}; run claimcheck validate {shown}"]
    lines = [said_at(f) for f in found[:_SHOWN_PROBLEMS]]
    more = (
        f"; {len(found) - _SHOWN_PROBLEMS} more (claimcheck validate {shown} lists them)"
        if len(found) > _SHOWN_PROBLEMS
        else ""
    )
    these = "this is" if len(found) == 1 else "these are"
    return [*lines, f"{shown}: cannot be {doing} until {these} fixed{more}"]


def _default_claims() -> list[Path]:
    """The claim paths of the settings, every one of them (as check reads them all), else claims/."""
    try:
        config = load_settings()
    except ConfigError as exc:  # settings that cannot be read: claimcheck cannot run (exit 2)
        raise userfiles.CannotRun(str(exc)) from None
    return list(config.claims) or [Path("claims")]


@click.command()
@click.argument("name", type=click.Choice(sorted(SCHEMAS)), default="claims")
def schema(name: str) -> None:
    """Print the JSON Schema (draft-07) of claim files or rules files."""
    click.echo(render_schema(name), nl=False)
