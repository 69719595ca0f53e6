"""corroboration: a value confirmed by more than one source, counted once per origin.

What it flags
    Claims about the same subject and metric, in the same scope and at the
    same time (or over the same period), whose values agree and that come
    from at least two sources. It is information, not a problem: it tells
    the reader how well a figure is supported.

Why
    Agreement is only evidence when the sources are independent. A figure
    repeated by several outlets from one press conference is one
    confirmation: the note names the shared origin.

Passing example (no finding)
    One source alone states "42 partnership frameworks".

Example that yields a finding
    VNA and an interview both quote the foreign minister: "42" -> corroboration
    by 2 sources from 1 origin, noted as not independent.
"""

from __future__ import annotations

from typing import Iterator, Optional

from checker.checks.base import Group, NoOptions
from checker.checks.value_conflict import Position, positions
from checker.findings import CORROBORATION, Problem
from checker.values import DateValue, Number, agree, ends

ID = "corroboration"
PARTITION = "group"
SEVERITY = {CORROBORATION: "info"}
Options = NoOptions


def _reference(position: Position) -> Optional[tuple]:
    """What a position refers to: its scope and time span. Positions agree only with positions of the same
    reference; an undated position of a metric that changes over time refers to nothing it could share."""
    claim = position.first
    if position.time is None:
        return (claim.scope, None) if claim.metric.time.value == "fixed" else None
    return (claim.scope, position.time.start, position.time.end)


def agreeing_sets(found: list[Position]) -> list[list[Position]]:
    """Connected groups of positions that agree in value and refer to the same time and scope.

    Only positions of one reference are compared, so that a group of thousands
    of positions over many dates costs little more than its largest date.
    """
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    alike: dict[tuple, list[int]] = {}
    for i, position in enumerate(found):
        reference = _reference(position)
        if reference is not None:
            alike.setdefault(reference, []).append(i)
    for members in alike.values():
        if all(isinstance(found[i].value, (Number, DateValue)) for i in members):
            for run in _overlapping_runs([found[i] for i in members]):
                for k in run[1:]:
                    parent[root(members[k])] = root(members[run[0]])
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if agree(found[i].value, found[j].value):
                    parent[root(j)] = root(i)
    groups: dict[int, list[Position]] = {}
    for i, position in enumerate(found):
        groups.setdefault(root(i), []).append(position)
    return list(groups.values())


def _overlapping_runs(members: list[Position]) -> list[list[int]]:
    """The connected groups of intervals that meet, as indices into ``members``: a sort and one sweep.

    Taken from the lowest lower end up, an interval meets some interval of the
    group so far exactly when it meets the one reaching highest, so two
    intervals that agree always end up in one group, as pairwise comparing would.
    """
    bounds = [ends(p.value) for p in members]  # type: ignore[arg-type]  # numbers and dates only
    runs: list[list[int]] = []
    reach: tuple[float, bool] = (0.0, False)  # the group's highest upper end, and whether it is open
    for k in sorted(range(len(members)), key=lambda k: (bounds[k][0], bounds[k][1])):
        low, low_open, high, high_open = bounds[k]
        meets = bool(runs) and (low < reach[0] or (low == reach[0] and not low_open and not reach[1]))
        if meets:
            runs[-1].append(k)
            if (high, not high_open) > (reach[0], not reach[1]):
                reach = (high, high_open)
        else:
            runs.append([k])
            reach = (high, high_open)
    return runs


def check(group: Group, options: NoOptions) -> Iterator[Problem]:
    """Report each value stated by two or more sources."""
    stated = tuple(c for c in group.claims if c.claim.derived is None)  # an implied value is no statement
    for members in agreeing_sets(positions(stated)):
        claims = tuple(sorted((c for p in members for c in p.claims), key=lambda c: c.key))
        sources = sorted({c.source.id for c in claims})
        if len(sources) < 2:
            continue
        origins = sorted({c.origin for c in claims})
        values = " / ".join(sorted({c.value.text for c in claims}))
        when = members[0].first.time_text()
        message = f"{values}{' ' + when if when else ''} stated by {len(sources)} sources from {len(origins)} origin{'s' * (len(origins) > 1)}"
        if len(origins) == 1:
            note = (
                f"{'both' if len(sources) == 2 else 'all'} sources ({', '.join(sources)}) relay one origin, {origins[0]}: "
                "one confirmation, not independent"
            )
        elif len(origins) < len(sources):
            note = f"{len(origins)} independent origins ({', '.join(origins)}) across {len(sources)} sources"
        else:
            note = f"confirmed independently by {len(origins)} origins ({', '.join(origins)})"
        yield Problem(
            verdict=CORROBORATION,
            message=message.replace("  ", " "),
            key=tuple(sorted(p.key() for p in members)),
            note=note,
            claims=tuple(c.ref for c in claims),
        )
