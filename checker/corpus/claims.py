"""Claims as the checks see them: a source with its resolved date, a claim resolved (its value, time and scope), a claim in short, and the corpus a run read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Optional

from checker.corpus.provenance import QuoteMatch
from checker.corpus.spans import Located
from checker.corpus.values import Interpreted, ValueProblem
from checker.formats.models import Claim, Entity, Metric, Source, TimeNature
from checker.model.findings import ClaimRef, Finding, Location
from checker.model.timespec import TimeSpan, parse_time


@dataclass(frozen=True)
class SourceInfo:
    """A source as the checks see it: its model, its file and its resolved date."""

    model: Source
    path: str
    file: Path
    date: Optional[TimeSpan]  # publication date, or the estimate of an undated source
    dated: bool  # False when the date is an estimate (or unknown)

    @property
    def id(self) -> str:
        """The source id."""
        return self.model.id

    def date_text(self) -> str:
        """The date as a report shows it."""
        if self.dated and self.date is not None:
            return self.date.text
        if self.date is not None:
            return f"undated (est. {self.date.text})"
        return "undated"


#: the scope dimension of what a subject that changes (an entity with ``changes``) covered when a claim holds
EXTENT = "extent"


@dataclass(frozen=True)
class Extent:
    """What a subject that changes covered when a claim holds (see models.EntityChange)."""

    name: str
    inferred: bool  # taken from the claim's time, not stated by the claim
    words: str  # when it held, and the change that began it: "from 1 July 2025 on (absorbed ...)"


def extent_of(entity: Entity, stated: Optional[str], time: Optional[TimeSpan]) -> Optional[Extent]:
    """What ``entity`` covered when a claim holds: the extent the claim states (raise ValueProblem for one the
    entity does not have), else the one surely in force all through its time; None when its time is not known or
    may fall on either side of a change (a change "on: 2025" is surely in effect only from the end of 2025)."""
    changes = [(parse_time(change.on), change) for change in entity.changes]
    before = f"before {changes[0][0].describe()}" if changes else ""
    # each extent: its name, when it is surely in force (from, until: None for no end), and in words
    extents = [(entity.extent, None, changes[0][0].start if changes else None, before)]
    for number, (on, change) in enumerate(changes):
        until = changes[number + 1][0].start if number + 1 < len(changes) else None
        extents.append((change.extent, on.end, until, f"from {on.describe()} on ({change.description})"))
    if stated is not None:
        for name, _, _, words in extents:
            if name == stated:
                return Extent(name, False, words)
        known = ", ".join(name for name, _, _, _ in extents)
        raise ValueProblem(f'"{entity.name}" has no extent "{stated}"', f"its extents: {known}")
    if time is None:
        return None
    for name, since, until, words in extents:
        if (since is None or since <= time.start) and (until is None or time.end < until):
            return Extent(name, True, words)
    return None  # its time may fall on either side of a change: which extent it counts cannot be told


@dataclass(eq=False)
class Resolved:
    """A claim with its names resolved, its value interpreted and its time known (or known to be unknown).

    Each stands for one claim of the corpus: two are equal only when they are
    the same object. What only findings need (the claim's location and its
    reference for reports) is worked out when first asked for. Nothing changes
    one once it is made; it is not a frozen dataclass only because one is made
    for every claim read, and a frozen dataclass sets each field through
    ``object.__setattr__``, several times slower.
    """

    claim: Claim
    source: SourceInfo
    subject: str
    metric_id: str
    metric: Metric
    value: Interpreted
    time: Optional[TimeSpan]
    time_basis: str  # "stated", "published", "estimated" or "unknown"
    scope: tuple[tuple[str, str], ...]
    origin: str
    place: Located | Location  # the spans of the claim's document, or (for an implied claim) its location
    index: int  # the claim's place in its file's list
    key: tuple[str, str]  # (source id, claim id): unique in a corpus
    quote_match: Optional[QuoteMatch] = None  # None: no archive at hand
    evidence: str = ""  # archive path:line where the quote stands, when verified
    given_ref: Optional[ClaimRef] = None  # the reference an implied claim was made with
    extent: Optional[Extent] = None  # of a subject that changes (models.EntityChange): what it covered then

    # what location and ref give, once asked for (a cached_property takes a lock on each first use up to Python 3.11:
    # ten times slower)
    _location: Optional[Location] = field(default=None, init=False, repr=False)
    _ref: Optional[ClaimRef] = field(default=None, init=False, repr=False)

    @property
    def location(self) -> Location:
        """Where the claim stands."""
        found = self._location
        if found is None:
            place = self.place
            found = self._location = place if isinstance(place, Location) else place.location("claims", self.index)
        return found

    @property
    def ref(self) -> ClaimRef:
        """The claim as findings show it."""
        made = self._ref
        if made is None:
            made = self._ref = self.given_ref if self.given_ref is not None else self._made_ref()
        return made

    def _made_ref(self) -> ClaimRef:
        match = self.quote_match
        return ClaimRef(
            source=self.source.id,
            claim=self.claim.id,
            location=self.location,
            value=f"{self.value.text} ({self.claim.qualifier})" if self.claim.qualifier else self.value.text,
            time=self.time_text(),
            scope=", ".join([f"{dim} {value}" for dim, value in self.scope]) if self.scope else "",
            quote=self.claim.quote,
            origin=self.origin,
            published=self.source.date_text(),
            evidence=self.evidence,
            evidence_span=(match.start, match.end) if self.evidence and match else (0, 0),
        )

    def time_text(self) -> str:
        """When the claim holds, in short; for a figure that does not change, when it was measured, if said."""
        if self.metric.time == TimeNature.fixed and self.claim.as_of is not None:
            return f"measured {self.claim.as_of}"
        if self.claim.since is not None and self.time is not None:
            return f"from {self.time.text} on"
        return time_text(self.metric, self.time, self.time_basis)


def time_text(metric: Metric, time: Optional[TimeSpan], basis: str) -> str:
    """When a claim holds, in short: "as of 2025-06-30", "in 2025-H1"."""
    if time is None:
        return "undated" if metric.time != TimeNature.fixed else ""
    if metric.time == TimeNature.flow:
        return f"in {time.text}"
    if basis == "stated":
        return f"as of {time.text}"
    if basis == "published":
        return f"as of publication {time.text}"
    return f"undated, est. {time.text}"


class ClaimRow(NamedTuple):
    """A resolved claim in short: what reports and resolve need of every claim, cheap to send between processes."""

    source: str
    claim: str
    subject: str
    metric: str
    publisher: str
    time: str  # "start/end" of the time it holds, or "-"
    scope: tuple[tuple[str, str], ...]
    value: object  # a number's stated value, otherwise the value's key
    text: str  # the value as reports show it

    @property
    def key(self) -> tuple[str, str]:
        """(source id, claim id)."""
        return self.source, self.claim


@dataclass
class Corpus:
    """Everything read from the claim files."""

    sources: dict[str, SourceInfo] = field(default_factory=dict)
    #: every claim resolved, in (source, claim) order: kept only when the run resolves in this process
    claims: list[Resolved] = field(default_factory=list)
    rows: list[ClaimRow] = field(default_factory=list)  # every claim resolved, in short, in (source, claim) order
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    claims_read: int = 0
    checked: int = 0  # claims resolved (and checked): the rows, even when they are not kept
