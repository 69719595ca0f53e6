"""A new claim file's skeleton: the source block, checked before anything is written."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from checker.authoring.fmt import canonical
from checker.formats.models import Source
from checker.formats.yamlio import control_character
from checker.model.timespec import TimeError, parse_time


class SourceProblem(ValueError):
    """Source fields that do not make a valid source block; ``hint`` says how to give them."""

    def __init__(self, message: str, hint: str = "give it as a flag, or run in a terminal to be asked") -> None:
        super().__init__(message)
        self.hint = hint


def source_block(fields: dict[str, Any]) -> Source:
    """Validate the fields of a source block; raise :class:`SourceProblem` saying what is wrong."""
    for name, value in fields.items():  # which no claim file may hold (the file written would be refused)
        found = control_character(value) if isinstance(value, str) else ""
        if found:
            raise SourceProblem(f"--{name}: {found} is not allowed", "give the text without it")
    undated = fields.get("undated")
    estimate = undated.get("estimate") if isinstance(undated, dict) else None
    for name, written in (("published", fields.get("published")), ("estimate", estimate)):
        if isinstance(written, str) and written:  # said in words before the schema's pattern would be quoted
            if written != written.strip():
                raise SourceProblem(f'--{name}: "{written}" has spaces around it; write the date alone', "")
            try:
                parse_time(written)
            except TimeError as problem:
                said = str(problem)
                hint = "write a real date: 2026-01-12, 2026-01 or 2026"
                raise SourceProblem(
                    f"--{name}: {said}" if ": write" in said else f"--{name}: {said}; {hint}", ""
                ) from None
    try:
        source = Source.model_validate({key: value for key, value in fields.items() if value not in (None, "")})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'source'}: {error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise SourceProblem(problems) from None
    return source


def modeline(output: Path, project: Path, name: str = "claims") -> str:
    """The modeline pointing a file at ``output`` to the schema ``name``, when the project ships the schema."""
    schema = project / "checker" / "formats" / "schemas" / f"{name}.schema.json"
    if not schema.exists():
        return ""
    return f"# yaml-language-server: $schema={Path(os.path.relpath(schema, output.resolve().parent)).as_posix()}\n"


def claim_file_text(source: Source, output: Path, project: Path) -> str:
    """The text of a new claim file with this source and an empty claims list."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from checker.authoring.fmt import writer

    block = CommentedMap()
    for key, value in source.model_dump(mode="json", by_alias=True, exclude_none=True).items():
        if key == "archive":
            continue
        block[key] = value
    if source.archive:
        target = (Path.cwd() / source.archive).resolve()
        block["archive"] = Path(os.path.relpath(target, output.resolve().parent)).as_posix()
    document = CommentedMap(source=block, claims=CommentedSeq())
    stream = io.StringIO()
    writer().dump(document, stream)
    return canonical(modeline(output, project) + stream.getvalue())  # as `fmt --check` wants it
