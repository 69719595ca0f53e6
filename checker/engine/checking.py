"""Checks at work: the active checks and their settings, the claims of a subject by metric, findings stamped.

Claims are partitioned by subject, and within a subject by metric: a check
sees one partition and the read-only vocabulary, never another partition, so
findings do not depend on how the work is split or in which order files come.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable, Iterator, Sequence

from pydantic import ValidationError

from checker import checks
from checker.checks.base import Group
from checker.corpus import timeline
from checker.corpus.claims import Resolved
from checker.corpus.timeline import Timeline
from checker.engine.table import ClaimsTable
from checker.formats.loading import read_document
from checker.formats.models import TimeNature
from checker.model.findings import (
    Finding,
    Location,
    Problem,
    fingerprint,
    input_error,
    ref_fields,
)
from checker.model.names import spelt, suggestion
from checker.vocabulary.rules import Vocabulary, load_vocabulary


@dataclass(frozen=True)
class ActiveCheck:
    """A check with its validated options and its severity for each verdict."""

    module: ModuleType
    options: Any
    severity: dict[str, str]

    @property
    def id(self) -> str:
        """The check id."""
        return self.module.ID

    def __reduce__(self) -> tuple:
        # a module does not pickle: it goes by name, for workers that are not forked (see checker.engine.dask_executor)
        return _active_check, (self.module.__name__, self.options, self.severity)


def _active_check(module: str, options: Any, severity: dict[str, str]) -> ActiveCheck:
    """An active check sent by the name of its module (see :meth:`ActiveCheck.__reduce__`)."""
    return ActiveCheck(importlib.import_module(module), options, severity)


def configure(vocabulary: Vocabulary, rules_dir: Path) -> tuple[list[ActiveCheck], list[Finding]]:
    """The enabled checks with their settings from ``rules/``; findings for settings that are wrong."""
    problems: list[Finding] = []
    where = Location(rules_dir.as_posix())
    known = spelt(checks.REGISTRY)
    for name in sorted(vocabulary.checks):
        if name not in checks.REGISTRY:
            at = vocabulary.definitions.get(("checks", name), where)
            problems.append(input_error("rules", at, f'no such check: "{name}"', suggestion(name, known)))
    active = []
    for check_id, module in checks.REGISTRY.items():
        config = vocabulary.checks.get(check_id)
        where = vocabulary.definitions.get(("checks", check_id), Location(rules_dir.as_posix()))
        if config is not None and not config.enabled:
            continue
        severity = dict(module.SEVERITY)
        try:
            options = module.Options(**(config.options if config else {}))
        except ValidationError as exc:
            for error in exc.errors():
                problems.append(
                    input_error(
                        "rules",
                        where,
                        f'check "{check_id}" option {".".join(map(str, error["loc"]))}: {error["msg"].lower()}',
                    )
                )
            options = module.Options()
        for verdict, level in config.severity.items() if config else ():
            if verdict not in severity:
                problems.append(
                    input_error(
                        "rules",
                        where,
                        f'check "{check_id}" gives no verdict "{verdict}"',
                        "its verdicts: " + ", ".join(sorted(severity)),
                    )
                )
                continue
            severity[verdict] = level
        active.append(ActiveCheck(module, options, severity))
    return active, problems


def rules_of(rules_dir: Path) -> Vocabulary:
    """The vocabulary of a rules folder, as a run reads it (the problems of the rules are for a run to report)."""
    vocabulary, _ = load_vocabulary(rules_dir, read_document)
    return vocabulary


def partition(claims: Iterable[Resolved]) -> dict[str, dict[str, tuple[Resolved, ...]]]:
    """Claims by subject, then by metric, each tuple in (source, claim) order."""
    out: dict[str, dict[str, list[Resolved]]] = {}
    for claim in claims:
        out.setdefault(claim.subject, {}).setdefault(claim.metric_id, []).append(claim)
    return {
        subject: {metric: tuple(sorted(group, key=lambda c: c.key)) for metric, group in sorted(metrics.items())}
        for subject, metrics in sorted(out.items())
    }


def _stamp(check: ActiveCheck, group: Group, problem: Problem) -> Finding:
    metric_id = problem.metric or group.metric_id
    metric = group.vocabulary.metrics.get(metric_id)
    subject_name = group.vocabulary.entity_name(group.subject)
    return Finding(
        subject=group.subject,
        metric=metric_id,
        check=check.id,
        severity=check.severity[problem.verdict],
        verdict=problem.verdict,
        message=problem.message,
        fingerprint=fingerprint(check.id, group.subject, metric_id, problem.key),
        note=problem.note,
        hint=problem.hint,
        location=problem.location or (problem.claims[0].location if problem.claims else None),
        claims=tuple(sorted(problem.claims, key=ref_fields)),  # their own order, compared in C
        topic=f"{subject_name} — {metric.label}" if metric else subject_name,
    )


@dataclass
class SubjectClaims:
    """A subject's claims with the implied ones, and its timelines."""

    claims: tuple[Resolved, ...]
    timelines: list[Timeline]


def subject_claims(
    subject: str, metrics: dict[str, tuple[Resolved, ...]], vocabulary: Vocabulary, active: list[ActiveCheck]
) -> SubjectClaims:
    """The claims of one subject with those the active checks imply, and the timeline of each stock metric.

    Checks that derive implied claims run first; the implied claims then
    join the stated ones for every check (see :func:`check_table`) and in
    the timelines.
    """
    stated = tuple(claim for group in metrics.values() for claim in group)
    implied = [
        claim
        for check in active
        if hasattr(check.module, "derive")
        for claim in check.module.derive(stated, vocabulary)
    ]
    if implied:
        metrics = partition(stated + tuple(implied))[subject]
    everything = tuple(sorted(stated + tuple(implied), key=lambda c: (c.metric_id, c.key)))
    timelines = [
        timeline.build(subject, metric_id, claims)
        for metric_id, claims in metrics.items()
        if vocabulary.metrics[metric_id].time == TimeNature.stock
    ]
    return SubjectClaims(everything, timelines)


def check_table(claims: Sequence[Resolved], vocabulary: Vocabulary, active: list[ActiveCheck]) -> Iterator[Finding]:
    """The findings of the active checks on a table of claims of many subjects (stated and implied), each check
    judging the whole table at once."""
    claims_table = ClaimsTable.of(claims, vocabulary)
    for check in active:
        for subject, metric_id, problem in check.module.check_table(claims_table, check.options):
            yield _stamp(check, Group(subject, metric_id, vocabulary.metrics.get(metric_id), (), vocabulary), problem)
