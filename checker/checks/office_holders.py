"""office-holders: who holds an office (or any entity-valued state) over time.

What it flags
    For a metric whose value is an entity and that holds as of a time (the
    foreign minister, a capital, a chair), claims naming different holders
    conflict only when their times coincide. Ordered by time, each change of
    holder is reported once, as a timing note: the office changed hands
    between the last date the old holder is attested and the first date the
    new one is. Two holders at the same time are a contradiction; when an
    undated source makes the order uncertain, the finding is undetermined.
    A holder named with a qualifier ("acting minister X", ``qualifier:
    acting``) is the same holder as without it: "acting minister X" then
    "minister X" is one tenure, and no change. A holder who reappears after
    another is flagged for review (a return to
    office, or a wrong date), unless what came between is a time only
    estimated that straddles a change already reported as undetermined: the
    estimate, not the holder, is what cannot be placed.

Passing example
    Bùi Thanh Sơn as of 2025-H1, Lê Hoài Trung as of 2026-01-30: the office
    changed hands between those dates (timing, info).

Failing example
    Both named minister as of 2026-01-30 by two sources: contradiction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from checker.checks.base import Group, NoOptions, each_group, metrics_where, rows_of
from checker.checks.value_conflict import Position, office_holders_apply, positions
from checker.corpus.timeline import reverted
from checker.model.findings import CONTRADICTION, TIMING, UNDETERMINED, Problem

if TYPE_CHECKING:
    from checker.checks.base import Table

ID = "office-holders"
PARTITION = "group"
SEVERITY = {CONTRADICTION: "error", UNDETERMINED: "warning", TIMING: "info"}
Options = NoOptions


def _uncertain(position: Position) -> bool:
    return position.first.time_basis in ("estimated", "unknown")


def _transition(old: Position, new: Position, label: str) -> tuple[str, str]:
    assert old.time is not None and new.time is not None
    if old.time.overlaps(new.time):
        if old.time.same_span(new.time) and not (_uncertain(old) or _uncertain(new)):
            return CONTRADICTION, f"two holders of the {label} as of {old.time.describe()}"
        return UNDETERMINED, (f"{old.at()} and {new.at()} may refer to the same time: which came first cannot be told")
    return TIMING, (
        f"the {label} changed hands between {old.time.describe()} ({_holder(old)}, {old.who()}) "
        f"and {new.time.describe()} ({_holder(new)}, {new.who()})"
    )


def _holder(position: Position) -> str:
    """The holder's name with the capacity the claims give, if any: "acting X", or "X (acting in src-a)" when
    only some of its sources say so."""
    said = sorted({(c.claim.qualifier, c.source.id) for c in position.claims if c.claim.qualifier})
    if not said:
        return position.value.text
    qualifiers = "/".join(sorted({qualifier for qualifier, _ in said}))
    if all(claim.claim.qualifier for claim in position.claims):
        return f"{qualifiers} {position.value.text}"
    return f"{position.value.text} ({qualifiers} in {', '.join(sorted({source for _, source in said}))})"


def check(group: Group, options: NoOptions) -> Iterator[Problem]:
    """Report each change of holder, and holders that clash."""
    if group.metric is None or not office_holders_apply(group.metric):
        return
    assert group.metric is not None
    label = group.metric.label
    found = sorted(
        (p for p in positions(group.claims) if p.time is not None),
        key=lambda p: (p.time.end, p.time.start, p.side),  # type: ignore[union-attr]
    )
    repeats = reverted(group.claims)  # old holders named after a stated change: stale-figure reports those
    by_scope: dict[tuple, list[Position]] = {}  # an office of each scope (the men's coach, the women's) is its own
    for position in found:
        by_scope.setdefault(position.first.scope, []).append(position)
    for scope in sorted(by_scope):
        yield from _changes(by_scope[scope], label, repeats)


def _changes(found: list[Position], label: str, repeats: dict[int, tuple]) -> Iterator[Problem]:
    """The changes of holder, and the clashes, along the positions of one office in one scope, in time order."""
    seen: set[str] = set()
    previous: Position | None = None
    straddles = False  # the previous position's estimated time overlaps the change into it (reported undetermined)
    for position in found:
        if previous is not None and position.value.key != previous.value.key:
            kind, note = _transition(previous, position, label)
            single = len({c.source.id for c in previous.claims + position.claims}) == 1
            back = position.value.key in seen and kind == TIMING
            entered_unsure = kind == UNDETERMINED and (_uncertain(previous) or _uncertain(position))
            if back and _uncertain(previous) and straddles:
                # an estimated time that straddles a change already reported as undetermined: the holder named
                # after it did not return, the estimate only cannot be placed
                previous, straddles = position, False
                seen.add(position.value.key)
                continue
            if back and all(id(claim) in repeats for claim in position.claims):
                continue  # an old holder named after a stated change to another: possibly stale, not a return
            if back:
                estimated = f"; {previous.value.text}'s time is only estimated" if _uncertain(previous) else ""
                kind = UNDETERMINED
                note += f"; {position.value.text} held it before: a return, or a wrong date{estimated}"
            straddles = entered_unsure
            if not (kind == TIMING and single):
                yield Problem(
                    verdict=kind,
                    message=f"{previous.said()} → {position.said()}",
                    # the new holder's whole span: two changes to one holder can start on one date (a month and
                    # the year), while positions of one holder, span and scope sort side by side: one change leads
                    # to them
                    key=(
                        previous.side,
                        position.side,
                        f"{position.time.start}" if position.time else "",
                        f"{position.time.end}" if position.time else "",
                    ),
                    note=note,
                    claims=tuple(c.ref for c in sorted(previous.claims + position.claims, key=lambda c: c.key)),
                )
        seen.add(position.value.key)
        previous = position


def check_table(table: Table, options: NoOptions) -> Iterator[tuple[str, str, Problem]]:
    """:func:`check` on the groups of an office whose dated claims name more than one holder: a group naming one
    holder has no change and no clash."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    offices = metrics_where(table, office_holders_apply)
    holders = (
        table.frame.filter(pl.col("metric").is_in(offices) & pl.col("time_start").is_not_null())
        .group_by("subject", "metric")
        .agg(pl.col("value_key").n_unique().alias("holders"))
        .filter(pl.col("holders") > 1)
    )
    yield from each_group(table, rows_of(table, holders.select("subject", "metric")), check, options)
