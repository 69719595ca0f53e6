"""Validate SARIF and JUnit reports against the published schemas, offline.

The schemas are third-party standards kept beside the project, in
``../shared/schemas/``: SARIF 2.1.0 (JSON Schema draft-04) and JUnit XML as
Jenkins' xUnit plugin reads it. The tests validate every report of these
formats they make; CI validates the project's own reports with

    python tests/ci_schemas.py --sarif FILE --junit FILE

which prints each problem and exits 1 when a report is invalid.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).resolve().parent.parent.parent / "shared" / "schemas"
SARIF_SCHEMA = SCHEMAS / "sarif-schema-2.1.0.json"
JUNIT_SCHEMA = SCHEMAS / "junit-10.xsd"


def _need(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the published schemas are read from ../shared/schemas/")
    return path


@lru_cache(maxsize=1)
def _sarif_validator() -> Any:
    import jsonschema

    schema = json.loads(_need(SARIF_SCHEMA).read_text("utf-8"))
    validator = jsonschema.validators.validator_for(schema)  # the schema says draft-04
    validator.check_schema(schema)
    # every reference in the schema is to itself ("#/definitions/..."): none is fetched
    return validator(schema, format_checker=validator.FORMAT_CHECKER)


@lru_cache(maxsize=1)
def _junit_schema() -> Any:
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(_need(JUNIT_SCHEMA)), etree.XMLParser(no_network=True)))


def sarif_problems(log: Any) -> list[str]:
    """What makes a SARIF log (parsed JSON) invalid against SARIF 2.1.0, each as "where: what"."""
    errors = sorted(_sarif_validator().iter_errors(log), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:300]}" for error in errors]


def junit_problems(text: str | bytes) -> list[str]:
    """What makes a JUnit report invalid against junit-10.xsd, each as "line: what"."""
    from lxml import etree

    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        document = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    schema = _junit_schema()
    if schema.validate(document):
        return []
    return [f"line {entry.line}: {entry.message}" for entry in schema.error_log]


def assert_valid_sarif(log: Any) -> Any:
    """Fail when a SARIF log is invalid; the log otherwise."""
    problems = sarif_problems(log)
    assert not problems, "invalid SARIF:\n" + "\n".join(problems[:20])
    return log


def assert_valid_junit(text: str | bytes) -> str | bytes:
    """Fail when a JUnit report is invalid; the report otherwise."""
    problems = junit_problems(text)
    assert not problems, "invalid JUnit XML:\n" + "\n".join(problems[:20])
    return text


def main(argv: list[str] | None = None) -> int:
    """Validate report files; 0 when all are valid, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sarif", type=Path, action="append", default=[], help="a SARIF file")
    parser.add_argument("--junit", type=Path, action="append", default=[], help="a JUnit XML file")
    options = parser.parse_args(argv)
    failed = False
    for path, problems_of in [(p, _sarif_file) for p in options.sarif] + [(p, _junit_file) for p in options.junit]:
        problems = problems_of(path)
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        failed = failed or bool(problems)
        if not problems:
            print(f"{path}: valid")
    return 1 if failed else 0


def _sarif_file(path: Path) -> list[str]:
    try:
        return sarif_problems(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError) as error:
        return [f"cannot be read as JSON: {error}"]


def _junit_file(path: Path) -> list[str]:
    try:
        return junit_problems(path.read_bytes())
    except OSError as error:
        return [f"cannot be read: {error}"]


if __name__ == "__main__":
    sys.exit(main())
