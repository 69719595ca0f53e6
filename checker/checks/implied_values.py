"""implied-values: values a source's own figures imply, derived so that other sources can be checked against them.

What it does
    For each declared ``change`` relation, a stock stated at the end of a
    period and the change over that period imply the stock at the start:
    "seven new titles in 2025, raising the total to 77" implies 70 at the end
    of 2024 (``exact: true``), and "upgraded with 17 partners, bringing the
    total to 42" implies between 25 and 42 (``exact: false``: upgrades of
    existing partners do not raise the total). For each ``ratio`` relation,
    "nearly 350 agreements, 2.5 times more than in 2024" implies 126-140 in
    2024. Both inputs must come from the same source.

    The implied claims join the stated ones: every other check, value-conflict
    first, compares them with what other sources say, and each carries its
    derivation. This check reports each derivation as information.

Passing example
    77 titles at the end of 2025, 7 added in 2025, and another source's 70
    at the end of 2024: the implied 70 agrees.

Failing example
    The same, and another source says 72 at the end of 2024:
    value-conflict reports 70 (implied) vs 72 as a contradiction, with the
    arithmetic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from checker.checks.base import Group, NoOptions, each_group
from checker.corpus.claims import Resolved
from checker.corpus.relations import (
    Implied,
    day_before,
    make_implied,
    previous_period,
    size_interval,
    term_claims,
    when_key,
)
from checker.corpus.values import Interval, Number, quantity_text
from checker.formats.models import ChangeRelation, RatioRelation
from checker.model.findings import Problem
from checker.model.timespec import TimeSpan
from checker.vocabulary.rules import Vocabulary, as_term

if TYPE_CHECKING:
    from checker.checks.base import Table

ID = "implied-values"
PARTITION = "subject"
SEVERITY = {"implied": "info"}
Options = NoOptions


def _point(day) -> TimeSpan:  # noqa: ANN001
    return TimeSpan(day, day, "day", day.isoformat())


def _from_change(relation: ChangeRelation, claims: tuple[Resolved, ...]) -> Iterator[Implied]:
    stock_term = as_term(relation.stock)
    for change in term_claims(claims, relation.change):
        period = when_key(change)
        amount = size_interval(change)
        if period is None or amount is None or change.time is None:
            continue
        for stock in term_claims(claims, relation.stock):
            if stock.source.id != change.source.id or stock.time is None or when_key(stock) is None:
                continue
            if stock.time.end != change.time.end or not isinstance(stock.value, Number):
                continue
            end = stock.value.interval
            start = end - amount if relation.exact else Interval((end - amount).lo, end.hi)
            before = day_before(change.time.start)
            rule = "" if relation.exact else " at least, since not every change adds to the total"
            how = (
                f"{stock.value.text} ({stock.claim.id}, as of {stock.time.text}) − {change.value.text} "
                f"({change.claim.id}, {change.time.text}) = {quantity_text(start, stock.metric)}{rule}, "
                f"as of {before.isoformat()}"
            )
            yield Implied(stock_term.metric, start, _point(before), how, (stock, change))


def _from_ratio(relation: RatioRelation, claims: tuple[Resolved, ...]) -> Iterator[Implied]:
    flow_term = as_term(relation.flow)
    for ratio in term_claims(claims, relation.ratio):
        if when_key(ratio) is None or ratio.time is None or not isinstance(ratio.value, Number):
            continue
        earlier = previous_period(ratio.time)
        if earlier is None:
            continue
        for flow in term_claims(claims, relation.flow):
            if flow.source.id != ratio.source.id or flow.time is None or not flow.time.same_span(ratio.time):
                continue
            if not isinstance(flow.value, Number) or ratio.value.interval.lo <= 0:
                continue
            value = flow.value.interval.divide(ratio.value.interval)
            how = (
                f"{flow.value.text} ({flow.claim.id}, {flow.time.text}) ÷ {ratio.value.text} ({ratio.claim.id}) "
                f"= {quantity_text(value, flow.metric)} in {earlier.text}, taking {ratio.value.text} as this "
                "period's figure over the previous period's"
            )
            yield Implied(flow_term.metric, value, earlier, how, (flow, ratio))


def derive(claims: tuple[Resolved, ...], vocabulary: Vocabulary) -> list[Resolved]:
    """The implied claims of one subject's stated claims."""
    implied: list[Resolved] = []
    for relation in vocabulary.relations:
        if isinstance(relation, ChangeRelation):
            found = _from_change(relation, claims)
        elif isinstance(relation, RatioRelation):
            found = _from_ratio(relation, claims)
        else:
            continue
        implied.extend(make_implied(item, vocabulary) for item in found)
    return sorted(implied, key=lambda c: c.key)


def check(group: Group, options: NoOptions) -> Iterator[Problem]:
    """Report each implied claim with its derivation."""
    for claim in group.claims:
        if not claim.claim.id.startswith("implied:"):
            continue
        label = claim.metric.label
        yield Problem(
            verdict="implied",
            message=f"{claim.ref.value} {label} {claim.time_text()}, implied by {claim.source.id}",
            # the id of an implied claim names its inputs' claim ids, which another source may use too
            key=(claim.source.id, claim.claim.id),
            note=claim.ref.derivation,
            claims=(claim.ref,),
            metric=claim.metric_id,
        )


def check_table(table: Table, options: NoOptions) -> Iterator[tuple[str, str, Problem]]:
    """:func:`check` on the implied claims of the table."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    yield from each_group(
        table, table.frame.filter(pl.col("claim").str.starts_with("implied:")), check, options, "subject"
    )
