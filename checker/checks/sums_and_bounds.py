"""sum-and-bound: declared arithmetic between metrics, checked wherever the inputs meet in time.

What it flags
    For each ``sum`` relation (total = part + part + ..., or at most, with
    ``exact: false``) and each ``bound`` relation (lower <= upper) declared in
    ``rules/``, at every time (a stock's as-of date, a flow's period) where the
    total and at least one part are stated, the arithmetic is done on the
    ranges the claims allow and shown in the note. When parts are missing,
    or counted only so far (by a source published before their period
    ended), the known parts still bound the total from below; a total or an
    upper term counted only so far bounds only figures counted no further.
    Several claims of one term at one time are taken together (any of their
    values may be the right one), so a disagreement between sources is left
    to value-conflict.

    A sum whose parts are some of another's (A and B together, declared as
    ``a_and_b = A + B``, beside ``total = A + B + C``) is also checked in
    place of those parts: "A and B together number 30" against a total of 30
    and C of at least 3 is a contradiction (30 + 3 > 30), though A and B are
    never stated apart.

Passing example
    14 comprehensive strategic partners and 42 frameworks as of 2025-12-31
    with ``bound: lower: comprehensive_strategic_partners, upper: partnership_frameworks``:
    14 <= 42 (consistent, info).

Failing example
    19 + 19 + 12 signatories by region against 45 in all:
    50 > 45 (contradiction).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Iterator

from checker.checks.base import Group, NoOptions, each_group, rows_of, subjects_with_both
from checker.checks.value_conflict import counted_to, holding
from checker.corpus.claims import Resolved
from checker.corpus.relations import by_time, numeric_hull, term_claims, term_label, when_words
from checker.corpus.values import Interval, quantity_text
from checker.formats.models import BoundRelation, SumRelation, TermRef
from checker.model.findings import CONTRADICTION, Problem
from checker.vocabulary.rules import Vocabulary, as_term

if TYPE_CHECKING:
    from checker.checks.base import Table

ID = "sum-and-bound"
PARTITION = "subject"
SEVERITY = {CONTRADICTION: "error", "consistent": "info"}
Options = NoOptions


def _at(claims: tuple[Resolved, ...], ref: TermRef) -> dict[tuple[date, date], list[Resolved]]:
    return by_time(term_claims(claims, ref))


def _term_key(ref: TermRef) -> tuple[str, tuple[tuple[str, str], ...]]:
    term = as_term(ref)
    return term.metric, tuple(sorted(term.scope.items()))


def partial_sums(relations: list) -> list[tuple[SumRelation, SumRelation]]:
    """Sums that follow from two declared ones: where the parts of an exact sum (``a_and_b = A + B``) are some of
    another's (``total = A + B + C``), the other with those parts replaced by the first's total (``total = a_and_b
    + C``), each with the relation it came through. Only those of two or more parts are kept: one part equal to
    the total is a bound, which value-conflict's comparison of the figures does not need."""
    sums = [r for r in relations if isinstance(r, SumRelation)]
    out = []
    for whole in sums:
        parts = {_term_key(ref): ref for ref in whole.parts}
        for partial in sums:
            inner = {_term_key(ref) for ref in partial.parts}
            if partial is whole or not partial.exact or not inner < parts.keys() or len(inner) < 2:
                continue
            if _term_key(partial.total) in parts:
                continue  # the partial sum is itself a part: nothing new
            rest = [ref for key, ref in parts.items() if key not in inner]
            derived = SumRelation.model_construct(
                kind="sum",
                id=f"{whole.id}.{partial.id}",
                total=whole.total,
                parts=[partial.total, *rest],
                exact=whole.exact,
                description=None,
            )
            out.append((derived, partial))
    return out


def _sum(
    relation: SumRelation, claims: tuple[Resolved, ...], vocabulary: Vocabulary, through: SumRelation | None = None
) -> Iterator[tuple[str, str, str, list[Resolved], tuple]]:
    totals = _at(claims, relation.total)
    parts = [(_at(claims, ref), term_label(ref, vocabulary)) for ref in relation.parts]
    for when, total_claims in sorted(totals.items()):
        present = [(label, found[when]) for found, label in parts if when in found]
        if not present or (through is not None and when not in parts[0][0]):
            continue  # a sum that follows from two says something only where the partial sum is stated
        held = holding(total_claims, [claim for _, group in present for claim in group])
        if held is None:
            continue  # a total counted so far, and parts counted further: no bound
        total_claims = held[0]
        total = numeric_hull(total_claims)
        if total is None:
            continue
        missing = [label for found, label in parts if when not in found]
        # a part counted so far (when the total is not, or to an earlier day than the total) bounds its whole from
        # below: the sum is then only a lower bound, as with one missing
        if held[1] == "whole":
            so_far = [label for label, group in present if any(counted_to(claim)[0] for claim in group)]
        else:
            so_far = [] if held[1] == "same day" else [label for label, _ in present]
        hulls = [numeric_hull(group) for _, group in present]
        if any(h is None for h in hulls):
            continue
        summed = _add([h for h in hulls if h is not None])
        metric = total_claims[0].metric
        terms = " + ".join(
            f"{quantity_text(h, metric)} {label}"  # type: ignore[arg-type]
            for h, (label, _) in zip(hulls, present, strict=True)
        )
        total_label = term_label(relation.total, vocabulary)
        span = when_words(total_claims)
        inputs = total_claims + [c for _, group in present for c in group]
        if relation.exact and not missing and not so_far:
            ok = summed.meets(total)
            sign = "=" if ok else "≠"
        elif total.lo < 0 or any(h.lo < 0 for h in hulls if h is not None):
            continue  # parts that may be losses: those not stated may be too, and stated ones bound nothing
        else:
            ok = not total.below(summed)  # the parts stated exceed the total only wholly above it
            sign = "≤" if ok else ">"
        note = f"{span + ': ' if span else ''}{terms} = {quantity_text(summed, metric)} {sign} {quantity_text(total, metric)} {total_label}"
        if missing:
            note += f"; not stated then: {', '.join(missing)}, so only a lower bound is checked"
        elif so_far and relation.exact:
            note += f"; counted only so far: {', '.join(so_far)}, so only a lower bound is checked"
        if through is not None:
            inner = " + ".join(term_label(ref, vocabulary) for ref in through.parts)
            note += f"; {term_label(through.total, vocabulary)} is {inner} ({through.id})"
        if relation.exact and not missing and not so_far:
            message = f"{total_label} {'is' if ok else 'is not'} the sum of its parts"
        else:
            message = f"the parts stated {'fit within' if ok else 'exceed'} {total_label}"
        message += f" {span}" if span else ""
        yield ("consistent" if ok else CONTRADICTION), message, note, inputs, (relation.id, str(when))


def _bound(
    relation: BoundRelation, claims: tuple[Resolved, ...], vocabulary: Vocabulary
) -> Iterator[tuple[str, str, str, list[Resolved], tuple]]:
    lowers, uppers = _at(claims, relation.lower), _at(claims, relation.upper)
    low_label, high_label = term_label(relation.lower, vocabulary), term_label(relation.upper, vocabulary)
    for when in sorted(set(lowers) & set(uppers)):
        held = holding(uppers[when], lowers[when])
        if held is None:
            continue  # an upper term counted so far, and a lower counted further: no bound
        uppers[when] = held[0]
        low, high = numeric_hull(lowers[when]), numeric_hull(uppers[when])
        if low is None or high is None:
            continue
        ok = not high.below(low)  # "more than 500" is wholly above 500: an open end counts
        span = when_words(lowers[when])
        low_text, high_text = quantity_text(low, lowers[when][0].metric), quantity_text(high, uppers[when][0].metric)
        note = f"{span + ': ' if span else ''}{low_text} {low_label} {'≤' if ok else '>'} {high_text} {high_label}"
        message = f"{low_label} {'within' if ok else 'exceed'} {high_label}{' ' + span if span else ''}"
        yield (
            ("consistent" if ok else CONTRADICTION),
            message,
            note,
            lowers[when] + uppers[when],
            (relation.id, str(when)),
        )


def _add(intervals: list[Interval]) -> Interval:
    total = intervals[0]
    for interval in intervals[1:]:
        total = total + interval
    return total


def _filed_under(relation: SumRelation | BoundRelation) -> str:
    ref: TermRef = relation.total if isinstance(relation, SumRelation) else relation.upper
    return as_term(ref).metric


def check(group: Group, options: NoOptions) -> Iterator[Problem]:
    """Check every sum and bound relation at every time its inputs meet, and every sum that follows from two
    (see :func:`partial_sums`), of which only contradictions are reported: where they agree, the declared sums
    say so."""
    vocabulary = group.vocabulary
    for relation in [*vocabulary.relations, *partial_sums(vocabulary.relations)]:
        through = None
        if isinstance(relation, tuple):
            relation, through = relation
            results = _sum(relation, group.claims, vocabulary, through)
        elif isinstance(relation, SumRelation):
            results = _sum(relation, group.claims, vocabulary)
        elif isinstance(relation, BoundRelation):
            results = _bound(relation, group.claims, vocabulary)
        else:
            continue
        for verdict, message, note, inputs, key in results:
            if verdict == "consistent" and (through is not None or all(c.claim.derived is not None for c in inputs)):
                continue  # implied values agreeing with each other restate their inputs
            yield Problem(
                verdict=verdict,
                message=message,
                key=key,
                note=note,
                claims=tuple(c.ref for c in sorted(inputs, key=lambda c: c.key)),
                metric=_filed_under(relation),
            )


def check_table(table: Table, options: NoOptions) -> Iterator[tuple[str, str, Problem]]:
    """:func:`check` on the subjects with claims of both sides of a relation (a total and one of its parts, a lower
    and an upper term): only there do its inputs meet."""
    pairs = []
    relations = table.vocabulary.relations
    for relation in [*relations, *(derived for derived, _ in partial_sums(relations))]:
        if isinstance(relation, SumRelation):
            pairs.append(([as_term(relation.total).metric], [as_term(ref).metric for ref in relation.parts]))
        elif isinstance(relation, BoundRelation):
            pairs.append(([as_term(relation.lower).metric], [as_term(relation.upper).metric]))
    yield from each_group(table, rows_of(table, subjects_with_both(table, pairs)), check, options, "subject")
