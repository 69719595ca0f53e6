"""What relation checks share: finding a term's claims, lining them up in time, and implied claims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Optional

from checker.corpus.claims import EXTENT, Extent, Resolved, time_text
from checker.corpus.values import EntitySet, Interval, Number, format_number, quantity_text
from checker.formats.models import Claim, Derivation, Precision, Range, Term, TermRef, TimeNature
from checker.model.findings import ClaimRef
from checker.model.timespec import TimeSpan
from checker.vocabulary.rules import Vocabulary, as_term


def matches(claim: Resolved, term: Term) -> bool:
    """True when the claim states the term's metric in the term's scope: a dimension of the metric the term leaves
    out takes its default, as a claim's does (unstated where the metric declares none), so that "exports" in a
    relation is the exports of the default market, not a figure of every market at once."""
    if claim.metric_id != term.metric:
        return False
    scope = dict(claim.scope)
    declared = claim.metric.scope
    if any(scope.get(dim) != term.scope.get(dim, spec.default) for dim, spec in declared.items()):
        return False
    return all(scope.get(dim) == value for dim, value in term.scope.items() if dim not in declared)


def term_claims(claims: Iterable[Resolved], ref: TermRef) -> list[Resolved]:
    """The claims of a subject that state ``ref``."""
    term = as_term(ref)
    return [claim for claim in claims if matches(claim, term)]


def term_label(ref: TermRef, vocabulary: Vocabulary) -> str:
    """A term in words: the metric's label, with its scope."""
    term = as_term(ref)
    metric = vocabulary.metrics.get(term.metric)
    label = metric.label if metric else term.metric
    if term.scope:
        label += " (" + ", ".join(f"{d} {v}" for d, v in sorted(term.scope.items())) + ")"
    return label


#: the "time" of a metric that does not change: every claim of it refers to it
TIMELESS = (date.min, date.min)


def when_key(claim: Resolved) -> Optional[tuple[date, date]]:
    """The exact span a claim refers to; None when its time is only estimated or unknown."""
    if claim.time_basis == "fixed":
        return TIMELESS
    if claim.time is None or claim.time_basis == "estimated":
        return None
    return (claim.time.start, claim.time.end)


def when_words(claims: list[Resolved]) -> str:
    """When a group of aligned claims holds, in words: "as of 31 December 2025", "in 2025", or ""."""
    time = claims[0].time
    if time is None:
        return ""
    return f"in {time.describe()}" if claims[0].metric.time == TimeNature.flow else f"as of {time.describe()}"


def by_time(claims: Iterable[Resolved]) -> dict[tuple[date, date], list[Resolved]]:
    """Claims with a known time, by the span they refer to."""
    out: dict[tuple[date, date], list[Resolved]] = {}
    for claim in claims:
        key = when_key(claim)
        if key is not None:
            out.setdefault(key, []).append(claim)
    return out


def numeric_hull(claims: Iterable[Resolved]) -> Optional[Interval]:
    """The smallest interval holding every numeric claim's value (None when there is none)."""
    hull: Optional[Interval] = None
    for claim in claims:
        if isinstance(claim.value, Number):
            hull = claim.value.interval if hull is None else hull.hull(claim.value.interval)
    return hull


def size_interval(claim: Resolved) -> Optional[Interval]:
    """How many a claim counts: a number's interval, or a list's length (at least, when not complete)."""
    if isinstance(claim.value, Number):
        return claim.value.interval
    if isinstance(claim.value, EntitySet):
        count = float(len(claim.value.ids))
        return Interval(count, count) if claim.value.complete else Interval(count, float("inf"))
    return None


@dataclass(frozen=True)
class Implied:
    """What an implied claim says: a value of a metric at a time, and how it follows."""

    metric_id: str
    interval: Interval
    time: TimeSpan
    how: str
    inputs: tuple[Resolved, ...]


def day_before(day: date) -> date:
    """The day before ``day``."""
    return day - timedelta(days=1)


def previous_period(span: TimeSpan) -> Optional[TimeSpan]:
    """The period of the same length just before ``span`` (a year before a year, a half before a half)."""
    if span.precision == "year":
        year = span.start.year - 1
        return TimeSpan(date(year, 1, 1), date(year, 12, 31), "year", str(year))
    if span.precision == "half-year":
        if span.start.month == 1:
            year = span.start.year - 1
            return TimeSpan(date(year, 7, 1), date(year, 12, 31), "half-year", f"{year}-H2")
        return TimeSpan(date(span.start.year, 1, 1), date(span.start.year, 6, 30), "half-year", f"{span.start.year}-H1")
    return None


def make_implied(implied: Implied, vocabulary: Vocabulary) -> Resolved:
    """An implied claim, resolved like a stated one, carrying its derivation."""
    base = implied.inputs[0]
    metric = vocabulary.metrics[implied.metric_id]
    interval = implied.interval
    integral = metric.kind.value == "count"
    text = quantity_text(interval, metric)
    if integral and interval.lo < 0:
        interval = interval.clamp_low(0)  # a count is never negative
        text = f"at most {format_number(interval.hi)}"
    ids = "+".join(claim.claim.id for claim in implied.inputs)
    claim_id = f"implied:{implied.metric_id}@{implied.time.text}:{ids}"
    is_flow = metric.time == TimeNature.flow
    value: object
    if interval.lo == interval.hi:
        value = interval.lo if not integral else int(interval.lo)
    else:
        value = Range.model_construct(min=interval.lo, max=interval.hi)
    claim = Claim.model_construct(
        id=claim_id,
        subject=base.subject,
        metric=implied.metric_id,
        value=value,
        unit=None,
        precision=Precision.range if isinstance(value, Range) else Precision.exact,
        as_of=None if is_flow else implied.time.text,
        period=implied.time.text if is_flow else None,
        scope=dict(base.scope) if base.metric_id == implied.metric_id else {},
        complete=None,
        quote=" … ".join(claim.claim.quote for claim in implied.inputs),
        origin=None,
        derived=Derivation.model_construct(from_=[c.claim.id for c in implied.inputs], how=implied.how),
        note=None,
    )
    number = Number(
        (interval.lo + interval.hi) / 2 if interval.hi != float("inf") else interval.lo, interval, text, interval.key()
    )
    scope = tuple(sorted(claim.scope.items())) if claim.scope else _default_scope(metric)
    extent = _extent(implied, vocabulary, metric)
    if extent is not None:
        scope = tuple(sorted((*((d, v) for d, v in scope if d != EXTENT), (EXTENT, extent.name))))
    when = time_text(metric, implied.time, "stated")
    ref = ClaimRef(
        source=base.source.id,
        claim=claim_id,
        location=base.location,
        value=f"{text} (implied)",
        time=when,
        scope=", ".join(f"{d} {v}" for d, v in scope),
        quote=claim.quote,
        origin=base.origin,
        published=base.source.date_text(),
        evidence=base.ref.evidence,
        derivation=implied.how,
    )
    return Resolved(
        claim, base.source, base.subject, implied.metric_id, metric, number, implied.time, "stated", scope,
        base.origin, base.location, base.index, (base.source.id, claim_id), None, base.ref.evidence, ref, extent,
    )  # fmt: skip


def _extent(implied: Implied, vocabulary: Vocabulary, metric) -> Optional[Extent]:  # noqa: ANN001
    """What the subject of an implied claim covered, when the subject changes: the extent its inputs count (17
    depots after a takeover, less 3 opened in the year, is 14 of the enlarged company a year before, whatever
    that time's own extent); None when they count different extents, or none they say."""
    entity = vocabulary.entities.get(implied.inputs[0].subject)
    if entity is None or not entity.changes or EXTENT in metric.scope:
        return None
    names = {claim.extent.name if claim.extent else None for claim in implied.inputs}
    return implied.inputs[0].extent if len(names) == 1 else None


def _default_scope(metric) -> tuple[tuple[str, str], ...]:  # noqa: ANN001
    return tuple((dim, d.default) for dim, d in sorted(metric.scope.items()) if d.default is not None)
