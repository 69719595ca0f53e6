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

from typing import Iterator

from checker.checks.base import Group, NoOptions
from checker.checks.value_conflict import Position, positions
from checker.findings import CORROBORATION, Problem
from checker.values import agree

ID = "corroboration"
PARTITION = "group"
SEVERITY = {CORROBORATION: "info"}
Options = NoOptions


def _same_reference(a: Position, b: Position) -> bool:
    if a.first.scope != b.first.scope:
        return False
    if a.time is None or b.time is None:
        return a.time is None and b.time is None and a.first.metric.time.value == "fixed"
    return a.time.same_span(b.time)


def agreeing_sets(found: list[Position]) -> list[list[Position]]:
    """Connected groups of positions that agree in value and refer to the same time and scope."""
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(found):
        for j in range(i + 1, len(found)):
            b = found[j]
            if _same_reference(a, b) and agree(a.value, b.value):
                parent[root(j)] = root(i)
    groups: dict[int, list[Position]] = {}
    for i, position in enumerate(found):
        groups.setdefault(root(i), []).append(position)
    return list(groups.values())


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
