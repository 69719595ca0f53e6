"""list-vs-total: members listed against the count stated for them.

What it flags
    For each ``list-total`` relation in ``rules/`` (lists of entities, such
    as partners upgraded to each tier in 2025, and a count of them, such as
    the number of partners upgraded in 2025), at every time or period where
    both are stated: more members listed than the count allows is a
    contradiction; fewer is a shortfall, reported with the missing number and
    the reminder that a list may be partial — unless the relation is
    ``exact`` (its lists are every member the total counts) and every list
    is stated as complete (``complete: true``), when fewer is a
    contradiction too. Lists from several sources are merged, each member
    counted once. A count made before its period ended (by a source
    published then) is no total, more members may follow, unless the lists
    were made no later.

Passing example
    5 + 8 + 2 partners named in three lists for 2025 and "15 partners
    upgraded in 2025": the lists account for all 15 (consistent, info).

Failing example
    The same lists and "17 partners upgraded in 2025": 2 are not named
    (shortfall, warning); with "12 partners upgraded", 3 too many are named
    (contradiction, error).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from checker.checks.base import Group, NoOptions, each_group, rows_of, subjects_with_both
from checker.checks.value_conflict import counted_to, holding
from checker.corpus.relations import by_time, numeric_hull, term_claims, term_label, when_words
from checker.corpus.values import EntitySet
from checker.formats.models import ListTotalRelation
from checker.model.findings import CONTRADICTION, Problem
from checker.vocabulary.rules import as_term

if TYPE_CHECKING:
    from checker.checks.base import Table

ID = "list-vs-total"
PARTITION = "subject"
SEVERITY = {CONTRADICTION: "error", "shortfall": "warning", "consistent": "info"}
Options = NoOptions


def check(group: Group, options: NoOptions) -> Iterator[Problem]:
    """Compare listed members with the stated count, relation by relation, time by time."""
    vocabulary = group.vocabulary
    for relation in vocabulary.relations:
        if not isinstance(relation, ListTotalRelation):
            continue
        totals = by_time(term_claims(group.claims, relation.total))
        lists = [(by_time(term_claims(group.claims, ref)), term_label(ref, vocabulary)) for ref in relation.lists]
        total_label = term_label(relation.total, vocabulary)
        for when, total_claims in sorted(totals.items()):
            listed = [(label, found[when]) for found, label in lists if when in found]
            # a count made before its period ended (see value_conflict.counted_to) is no total the lists must fit
            # in, unless they were counted no further
            held = holding(total_claims, [claim for _, claims in listed for claim in claims])
            if held is None:
                continue
            total_claims = held[0]
            total = numeric_hull(total_claims)
            if total is None or not listed:
                continue
            members: set[str] = set()
            for _, claims in listed:
                for claim in claims:
                    if isinstance(claim.value, EntitySet):
                        members |= claim.value.ids
            count = len(members)
            names = ", ".join(vocabulary.entity_name(m) for m in sorted(members))
            span = when_words(total_claims)
            per_list = " + ".join(
                f"{len(set().union(*(c.value.ids for c in claims if isinstance(c.value, EntitySet))))} {label}"
                for label, claims in listed
            )
            stated = total.text(True)
            if count > total.hi:
                verdict, state = CONTRADICTION, f"{count - int(total.hi)} more named than the {stated} stated"
            elif (
                count < total.lo
                and relation.exact
                and len(listed) == len(relation.lists)
                and all(
                    any(isinstance(c.value, EntitySet) and c.value.complete and not counted_to(c)[0] for c in claims)
                    for _, claims in listed
                )
            ):  # every list of the total stated, each by a source as the whole of it: none left out
                missing = int(total.lo) - count
                verdict, state = CONTRADICTION, f"{missing} of the {stated} are not named, yet the lists are complete"
            elif count < total.lo:
                missing = int(total.lo) - count
                verdict, state = "shortfall", f"{missing} of the {stated} are not named: a list may be partial"
            else:
                verdict, state = "consistent", f"the lists account for the {stated} stated"
            inputs = total_claims + [c for _, claims in listed for c in claims]
            yield Problem(
                verdict=verdict,
                message=f"{count} listed vs {stated} {total_label}{' ' + span if span else ''}",
                key=(relation.id, str(when)),
                note=f"{per_list} = {count} named ({names}); {state}",
                claims=tuple(c.ref for c in sorted(inputs, key=lambda c: c.key)),
                metric=as_term(relation.total).metric,
            )


def check_table(table: Table, options: NoOptions) -> Iterator[tuple[str, str, Problem]]:
    """:func:`check` on the subjects with claims of a total and of one of its lists: only they can be compared."""

    pairs = [
        ([as_term(relation.total).metric], [as_term(ref).metric for ref in relation.lists])
        for relation in table.vocabulary.relations
        if isinstance(relation, ListTotalRelation)
    ]
    yield from each_group(table, rows_of(table, subjects_with_both(table, pairs)), check, options, "subject")
