"""The engine: load rules and claims, partition the claims, run the checks, stamp the findings.

Claims are partitioned by subject, and within a subject by metric: a check
sees one partition and the read-only vocabulary, never another partition, so
findings do not depend on how the work is split or in which order files come.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable, Optional

from pydantic import ValidationError

from checker import checks, timeline
from checker.checks.base import Group
from checker.corpus import DEFAULT_TOLERANCE, Corpus, Resolved, load_corpus
from checker.findings import Finding, Location, Problem, fingerprint, input_error, sort_key
from checker.models import TimeNature
from checker.names import suggestion
from checker.timeline import Timeline
from checker.vocabulary import Vocabulary, load_vocabulary


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


@dataclass
class Result:
    """What a run produced."""

    findings: list[Finding]
    corpus: Corpus
    vocabulary: Vocabulary
    rules_findings: list[Finding] = field(default_factory=list)
    timelines: list[Timeline] = field(default_factory=list)
    fail_on: str = "error"  # the level the run is judged at, for reporters that show pass and fail
    color: bool = False  # the text report may use colour (a terminal that does not ask for NO_COLOR)

    def timeline(self, subject: str, metric: str) -> Timeline | None:
        """The timeline of one subject's metric, when it is a stock with claims."""
        return next((t for t in self.timelines if t.subject == subject and t.metric == metric), None)

    def counts(self) -> dict[str, int]:
        """How many findings of each severity."""
        out = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            out[finding.severity] += 1
        return out


def configure(vocabulary: Vocabulary, rules_dir: Path) -> tuple[list[ActiveCheck], list[Finding]]:
    """The enabled checks with their settings from ``rules/``; findings for settings that are wrong."""
    problems: list[Finding] = []
    where = Location(rules_dir.as_posix())
    known = {name.replace("-", ""): name for name in checks.REGISTRY}
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
        claims=tuple(sorted(problem.claims)),
        topic=f"{subject_name} — {metric.label}" if metric else subject_name,
    )


@dataclass
class SubjectResult:
    """What the checks found about one subject, and its timelines."""

    findings: list[Finding]
    timelines: list[Timeline]


def check_subject(
    subject: str, metrics: dict[str, tuple[Resolved, ...]], vocabulary: Vocabulary, active: list[ActiveCheck]
) -> SubjectResult:
    """Every finding and timeline of one subject: the unit of work that can run anywhere.

    Checks that derive implied claims run first; the implied claims then
    join the stated ones for every check and in the timelines.
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
    findings: list[Finding] = []
    for check in active:
        if check.module.PARTITION == "subject":
            group = Group(subject, "", None, everything, vocabulary)
            findings.extend(_stamp(check, group, problem) for problem in check.module.check(group, check.options))
    for metric_id, claims in metrics.items():
        group = Group(subject, metric_id, vocabulary.metrics[metric_id], claims, vocabulary)
        for check in active:
            if check.module.PARTITION == "group":
                findings.extend(_stamp(check, group, problem) for problem in check.module.check(group, check.options))
    timelines = [
        timeline.build(subject, metric_id, claims)
        for metric_id, claims in metrics.items()
        if vocabulary.metrics[metric_id].time == TimeNature.stock
    ]
    return SubjectResult(findings, timelines)


def run(
    claim_paths: list[Path],
    rules_dir: Path,
    run_checks: bool = True,
    progress: Optional[Callable[[int, int], None]] = None,
) -> Result:
    """Check the claim files under ``claim_paths`` with the rules in ``rules_dir``.

    With ``run_checks`` false only the files are read, validated and resolved.
    """
    vocabulary, rules_findings = load_vocabulary(rules_dir)
    active, config_findings = configure(vocabulary, rules_dir)
    rules_findings += config_findings
    conflict = next((c for c in active if c.id == "value-conflict"), None)
    tolerance = conflict.options.tolerance if conflict else DEFAULT_TOLERANCE
    corpus = load_corpus(claim_paths, vocabulary, tolerance)
    findings = list(rules_findings) + list(corpus.findings)
    timelines: list[Timeline] = []
    if run_checks:
        parts = partition(corpus.claims)
        for index, (subject, metrics) in enumerate(parts.items(), 1):
            if progress is not None:
                progress(index, len(parts))
            done = check_subject(subject, metrics, vocabulary, active)
            findings.extend(done.findings)
            timelines.extend(done.timelines)
    findings.sort(key=sort_key)
    return Result(findings, corpus, vocabulary, rules_findings, timelines)
