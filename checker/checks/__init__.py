"""The registry of checks: one module each, listed here by id.

A check module has a kebab-case ``ID``, a docstring that is its documentation,
``SEVERITY`` (the default severity of each verdict it gives), ``Options`` (a
pydantic model of its settings), ``PARTITION`` ("group": one subject and
metric at a time; "subject": one subject with all its metrics), a generator
``check(group, options)`` that yields :class:`checker.model.findings.Problem` (the
definition), and ``check_table(table, options)``, which yields (subject,
metric id, problem) for every group of a table of claims at once and must
find what ``check`` finds group by group (tests/test_table_parity.py). The
engine, not the check, stamps the id and the severity on each problem. A
check that judges each claim by itself, needing no other source, says so
with ``ALONE = True``: `claimcheck validate` runs those too, so that an
authoring mistake is caught before claims are compared.
"""

from __future__ import annotations

from types import ModuleType

from checker.checks import (
    corroboration,
    implied_values,
    list_vs_total,
    office_holders,
    period_parts,
    quote_value,
    quote_verbatim,
    stale_figures,
    sums_and_bounds,
    value_conflict,
    wording_variants,
)

#: every check, in the order it runs; derivations (implied-values) run before all of them
REGISTRY: dict[str, ModuleType] = {
    module.ID: module
    for module in (
        value_conflict,
        period_parts,
        office_holders,
        stale_figures,
        corroboration,
        implied_values,
        sums_and_bounds,
        list_vs_total,
        wording_variants,
        quote_verbatim,
        quote_value,
    )
}
