"""Each check's examples: small corpora, and the findings the check gives on them.

A check's file, ``checker/checks/examples/ID.yaml``, holds the rules its
cases share and its cases. A case is the claim files of a few sources,
written as a user writes them, and the findings the check must give on them:
each finding's verdict and the claims it is about (``source/claim``); a case
that passes expects none. ``claimcheck checks ID`` prints the file, and one
parametrised test runs every case of every check, so the documentation says
only what the check does.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any, Optional

import yaml


@dataclass(frozen=True, order=True)
class Expected:
    """A finding a case expects: its verdict and the claims it is about, as ``source/claim``, sorted."""

    verdict: str
    claims: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """One example: the claim files of its sources, by source id, the archived texts they name (by file name, beside
    the folder of claim files: ``archive: ../NAME``), and the findings expected (none: it passes)."""

    name: str
    says: str
    files: dict[str, dict[str, Any]]
    expected: tuple[Expected, ...]
    archives: dict[str, str]


@dataclass(frozen=True)
class Examples:
    """A check's examples, and the text of their file as written."""

    check: str
    rules: dict[str, Any]
    cases: tuple[Case, ...]
    text: str


def _file(check_id: str) -> Any:
    return resources.files("checker.checks").joinpath(f"examples/{check_id}.yaml")


def _by_source(case: str, bodies: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The claim files of a case by their source's id, which names the file each is written to."""
    files: dict[str, dict[str, Any]] = {}
    for body in bodies:
        source_id = body["source"]["id"]
        if source_id in files:
            raise ValueError(f'example "{case}": two claim files of the source "{source_id}"')
        files[source_id] = body
    return files


def examples(check_id: str) -> Optional[Examples]:
    """The examples of the check ``check_id``, or None when it has none."""
    found = _file(check_id)
    if not found.is_file():
        return None
    text = found.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    cases = tuple(
        Case(
            name=case["name"],
            says=case["says"],
            files=_by_source(case["name"], case["sources"]),
            expected=tuple(
                sorted(Expected(item["verdict"], tuple(sorted(item["claims"]))) for item in case["findings"])
            ),
            archives=dict(case.get("archives", {})),
        )
        for case in data["cases"]
    )
    return Examples(data["check"], data["rules"], cases, text)
