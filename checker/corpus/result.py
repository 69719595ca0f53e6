"""The result of a run: its findings, the claims it read, the vocabulary and how reports are to show them.

Reporters read a result and nothing else of the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from checker.corpus.claims import Corpus
from checker.corpus.timeline import Timeline
from checker.model.findings import SEVERITIES, Finding
from checker.vocabulary.rules import Vocabulary

#: columns of the text report when it does not go to a terminal (a file, a pipe, a CI log): the same everywhere
TEXT_WIDTH = 100


@dataclass
class Changes:
    """What changed against a git revision (see :mod:`checker.gate.history`)."""

    revision: str  # the commit, short
    new: list[Finding]  # found now, not then
    resolved: list[Finding]  # found then, not now (as they were then)
    changed: list[tuple[Finding, Finding]]  # found then and now with another verdict: (then, now)

    def __bool__(self) -> bool:
        return bool(self.new or self.resolved or self.changed)


@dataclass
class Result:
    """What a run produced."""

    findings: list[Finding]
    corpus: Corpus
    vocabulary: Vocabulary
    rules_findings: list[Finding] = field(default_factory=list)
    timelines: list[Timeline] = field(default_factory=list)
    fail_on: str = "error"  # the level the run is judged at, for reporters that show pass and fail
    strict: bool = False  # stale acknowledgements fail the run too
    color: bool = False  # the text report may use colour (a terminal that does not ask for NO_COLOR)
    quiet: bool = False  # the text report lists the findings only
    #: which files (as findings name them) the run is judged on; None: every file (see gate.Focus)
    focus: Optional[Callable[[str], bool]] = None
    width: int = TEXT_WIDTH  # columns of the text report: the terminal's when it goes to one
    #: what changed against a git revision, when asked (``--since``); reports open with it
    changes: Optional[Changes] = None
    #: the folder the report being made is written to, which its links are relative to; None: the working one
    written_in: Optional[Path] = None

    def timeline(self, subject: str, metric: str) -> Timeline | None:
        """The timeline of one subject's metric, when it is a stock with claims."""
        return next((t for t in self.timelines if t.subject == subject and t.metric == metric), None)

    def timelines_by_topic(self) -> dict[tuple[str, str], Timeline]:
        """Every timeline by (subject, metric), made in one pass: a reporter that looks up each topic's timeline
        with :meth:`timeline` would scan them all for each, as many times as there are topics."""
        index: dict[tuple[str, str], Timeline] = {}
        for line in self.timelines:
            index.setdefault((line.subject, line.metric), line)  # the first, as timeline() finds
        return index

    def counts(self) -> dict[str, int]:
        """How many findings of each severity."""
        out = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            out[finding.severity] += 1
        return out
