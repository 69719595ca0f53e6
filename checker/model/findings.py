"""The one record every check and every input error produces."""

from __future__ import annotations

import hashlib
import json
import operator
from dataclasses import dataclass, field, fields, replace
from typing import Callable, Optional

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}

#: verdicts of comparisons between claims
CONTRADICTION = "contradiction"
TIMING = "timing"
SCOPE = "scope"
UNDETERMINED = "undetermined"
CORROBORATION = "corroboration"
#: the verdict of an input that could not be read or resolved
INVALID = "invalid"
#: the "checks" of input problems (files that cannot be read, validated or resolved), besides the checks proper
INPUT_CHECKS = ("yaml-syntax", "schema", "vocabulary", "value", "duplicate-id", "archive", "rules", "io",
                "acknowledgement", "import", "mapping")  # fmt: skip


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """A place in a file: 1-based line and column, end inclusive of nothing."""

    path: str
    line: int = 1
    col: int = 1
    end_line: int = 0
    end_col: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    @property
    def last_line(self) -> int:
        """The last line the place covers, for formats whose end line is inclusive (GitHub, GitLab): its end is
        exclusive, so an end at the first column of a line covers nothing of that line."""
        if self.end_line <= self.line:
            return self.line
        return self.end_line - 1 if self.end_col <= 1 else self.end_line

    def __reduce__(self) -> tuple:
        # rebuilt by the constructor from its fields in one C call: what a frozen dataclass with slots pickles by
        # default is read field by field through dataclasses.fields(), and a run sends one per claim
        return Location, location_fields(self)


@dataclass(frozen=True, order=True, slots=True)
class ClaimRef:
    """One claim as a finding shows it: who said what, when, in which words, where."""

    source: str
    claim: str
    location: Location
    value: str
    time: str
    scope: str
    quote: str
    origin: str
    published: str
    evidence: str = ""  # archive path:line where the quote stands, when verified
    evidence_span: tuple[int, int] = (0, 0)  # its character offsets in the archived text, end exclusive
    derivation: str = ""  # for an implied claim: how it follows from stated ones

    def __reduce__(self) -> tuple:  # see Location.__reduce__
        return ClaimRef, ref_fields(self)


#: a location's and a claim reference's fields as one tuple, in the order of their declaration (which is also the
#: order they sort in): each made in one C call, for pickling and for sorting thousands of references
location_fields = operator.attrgetter(*(f.name for f in fields(Location)))
ref_fields = operator.attrgetter(*(f.name for f in fields(ClaimRef)))
#: where the location and the span of the evidence stand among a reference's fields
REF_LOCATION = [f.name for f in fields(ClaimRef)].index("location")
REF_EVIDENCE_SPAN = [f.name for f in fields(ClaimRef)].index("evidence_span")


@dataclass(frozen=True, order=True, slots=True)
class Review:
    """The acknowledgement that matched a finding: who reviewed it, on which day, until when, and why."""

    by: str
    on: str  # ISO dates, as written in the acknowledgements file
    until: str
    reason: str

    def __str__(self) -> str:
        return f"acknowledged by {self.by} on {self.on} until {self.until}: {self.reason}"

    def as_dict(self) -> dict[str, str]:
        """The review as the JSON report writes it."""
        return {"by": self.by, "on": self.on, "until": self.until, "reason": self.reason}


#: statuses of a finding: no acknowledgement matches it; a reviewed, unexpired one does; one matched it but has
#: expired (it fails again); the finding reports an acknowledgement that matches no finding any more
OPEN, ACKNOWLEDGED, EXPIRED, STALE = "open", "acknowledged", "expired", "stale"
STATUSES = (OPEN, ACKNOWLEDGED, EXPIRED, STALE)


@dataclass(frozen=True, slots=True)
class Problem:
    """What a check yields: the engine stamps check id and severity on it."""

    verdict: str
    message: str
    key: tuple[str, ...]
    note: str = ""
    claims: tuple[ClaimRef, ...] = ()
    location: Optional[Location] = None
    hint: str = ""
    metric: str = ""  # for checks over a whole subject: the metric the finding is filed under


@dataclass(frozen=True, order=True, slots=True)
class Finding:
    """A finding: immutable, ordered for deterministic output, fingerprinted without line numbers."""

    subject: str
    metric: str
    check: str
    severity: str
    verdict: str
    message: str
    fingerprint: str
    note: str = ""
    hint: str = ""
    location: Optional[Location] = None
    claims: tuple[ClaimRef, ...] = field(default=())
    topic: str = ""  # subject and metric in words
    status: str = OPEN  # one of STATUSES
    review: Optional[Review] = None  # the acknowledgement that matched it (acknowledged or expired)
    #: whether it involves the files the run is judged on; a finding that does not is context: shown, never failing
    judged: bool = True

    @property
    def rank(self) -> int:
        """Higher for more severe findings."""
        return SEVERITY_RANK[self.severity]

    @property
    def acknowledgement(self) -> str:
        """Who reviewed it, when and why, in words ("" when no acknowledgement matched it)."""
        return str(self.review) if self.review else ""

    @property
    def counts(self) -> bool:
        """Whether it may fail the run: it is judged and no valid acknowledgement accepts it."""
        return self.judged and self.status != ACKNOWLEDGED

    def __reduce__(self) -> tuple:  # see Location.__reduce__
        return Finding, finding_fields(self)


finding_fields = operator.attrgetter(*(f.name for f in fields(Finding)))


def at_fail_level(finding: Finding, fail_on: str, strict: bool = False) -> bool:
    """Whether a finding reaches the level a run fails at (a stale acknowledgement does under --strict); it fails
    the run when it also counts (see :attr:`Finding.counts`)."""
    return finding.rank >= SEVERITY_RANK[fail_on] or (strict and finding.status == STALE)


def status_label(finding: Finding) -> str:
    """A finding's status in words, "" for an open finding of the files judged ("acknowledged", "expired",
    "stale", and "context" when it lies outside the files judged)."""
    words = [finding.status] if finding.status != OPEN else []
    if not finding.judged:
        words.append("context")
    return ", ".join(words)


def files_of(finding: Finding) -> tuple[str, ...]:
    """The files a finding concerns: that of its location and those of its claims, sorted (a finding kept as data,
    see checker.corpus.kept, knows them already)."""
    known = getattr(finding, "paths", None)
    if known is not None:
        return known
    paths = {ref.location.path for ref in finding.claims}
    if finding.location is not None:
        paths.add(finding.location.path)
    return tuple(sorted(paths))


def primary_location(finding: Finding, judged: Optional[Callable[[str], bool]] = None) -> Optional[Location]:
    """Where a finding is shown: its location, unless that lies outside the files judged and one of its claims
    lies inside them (a conflict a change brings in is shown on the changed file, where a reviewer looks).

    ``judged`` tells whether a file (as findings name it) is judged; None: every file is."""
    first = finding.location or (finding.claims[0].location if finding.claims else None)
    if judged is None or first is None or judged(first.path):
        return first
    return next((ref.location for ref in finding.claims if judged(ref.location.path)), first)


def fingerprint(check: str, subject: str, metric: str, key: tuple[str, ...]) -> str:
    """A stable id of a finding from what it is about, never from where it stands in a file."""
    parts = (check, subject, metric) + tuple(key)
    if any("\x1e" in part or "\x1f" in part for part in parts):
        # a part holding the separator (or the escape) is escaped, so that no two lists of parts give one text;
        # parts without either, all in practice, are joined as they are
        parts = tuple(part.replace("\x1e", "\x1e\x1e").replace("\x1f", "\x1e\x1f") for part in parts)
    text = "\x1f".join(parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def distinct(findings: list[Finding]) -> list[Finding]:
    """The findings, none sharing a fingerprint with another, the same whatever order they come in.

    Keys name all that tells findings apart, so findings share a fingerprint
    only where a key falls short (or two digests meet). Of findings that share
    one, the first by what they say keeps it, and each other one gets a
    fingerprint made from it and from what that finding says: what they say,
    not where they stand or in which order they come, tells them apart.
    Findings that say the same are told apart in the order of their places.
    """
    groups: dict[str, list[int]] = {}
    for index, finding in enumerate(findings):
        groups.setdefault(finding.fingerprint, []).append(index)
    if len(groups) == len(findings):
        return findings
    taken = set(groups)
    out = list(findings)
    for shared in sorted(groups):
        if len(groups[shared]) == 1:
            continue
        ordered = sorted(groups[shared], key=lambda i: (_said(findings[i]), _place(findings[i])))
        for index in ordered[1:]:
            said, number = _said(findings[index]), 0
            made = fingerprint("", shared, "", said)
            while made in taken:
                number += 1
                made = fingerprint("", shared, "", (*said, str(number)))
            taken.add(made)
            out[index] = replace(findings[index], fingerprint=made)
    return out


def _said(finding: Finding) -> tuple[str, ...]:
    """What a finding says, without where it or its claims stand."""
    claims = (part for ref in finding.claims for part in (ref.source, ref.claim, ref.value, ref.time, ref.scope,
                                                          ref.quote, ref.derivation))  # fmt: skip
    about = (finding.check, finding.subject, finding.metric, finding.verdict)
    return (*about, finding.message, finding.note, finding.hint, *claims)


def _place(finding: Finding) -> tuple:
    """Where a finding and its claims stand, to order findings that say the same."""
    return (finding.location or Location(""), tuple(ref.location for ref in finding.claims))


def said_at(finding: Finding) -> str:
    """A finding in one line for a message that lists a few: "file:line:col: message (hint)"."""
    return f"{finding.location}: {finding.message}" + (f" ({finding.hint})" if finding.hint else "")


def place_key(finding: Finding) -> tuple[int, int]:
    """The line and column a finding stands at, for findings of one file in the order of their places."""
    where = finding.location
    return (where.line, where.col) if where is not None else (0, 0)


def sort_key(finding: Finding) -> tuple:
    """Order of findings in every report: subject, metric, most severe first, then identity."""
    return (finding.subject, finding.metric, -finding.rank, finding.check, finding.verdict, finding.fingerprint)


def input_error(
    check: str, location: Location, message: str, hint: str = "", severity: str = "error", key: tuple[str, ...] = ()
) -> Finding:
    """A finding about input that could not be read, validated or resolved.

    Its fingerprint comes from the check, the file and ``key``: what the
    problem is about, by names that do not move with lines (a source id, a
    claim id). By default the key is the message; one is given where the
    message could be that of another problem of the file (the same error in
    two claims), or names a line.
    """
    return Finding(
        subject="",
        metric="",
        check=check,
        severity=severity,
        verdict=INVALID,
        message=message,
        fingerprint=fingerprint(check, location.path, "", key or (message,)),
        hint=hint,
        location=location,
    )


def digest_of(data: object) -> str:
    """A short digest of plain data: names, in a key, a thing that has no id (a claim written twice)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plain(finding: Finding) -> tuple:
    """An input-error finding as plain data (for caches and other processes); :func:`unplain` reverses it."""
    where = finding.location
    location = location_fields(where) if where else None
    return (finding.check, finding.severity, finding.message, finding.hint, location, finding.fingerprint)


def unplain(data: tuple) -> Finding:
    """The input-error finding that :func:`plain` made plain."""
    check, severity, message, hint, location, kept = data
    where = Location(*location) if location else Location("")
    return Finding("", "", check, severity, INVALID, message, kept, hint=hint, location=where)
