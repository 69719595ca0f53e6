"""quote-verbatim: every quote must stand, word for word, in its source's archived text.

What it flags
    A claim whose ``quote`` cannot be found in the archived text named by its
    source's ``archive:`` key, after folding typographic quotes, dashes,
    Unicode forms and white space. An ellipsis ("..." or "…") in a quote
    stands for omitted words.

Why
    The quote is the evidence a fact-checker shows. A quote that is not in
    the source - mistyped, paraphrased, or from another article - means the
    claim is not proven by what the source says.

Passing example
    quote: "bringing the number of Việt Nam's Comprehensive Strategic Partners to 14"
    (the archive has the typographic apostrophe ’; it still matches)

Failing example
    quote: "bringing the number of strategic partners to 14" -> missing,
    with the beginning of the archive's closest passage and its line, or
    "no close match" when no passage shares half of its words with the quote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from checker.checks.base import Group, NoOptions, each_group
from checker.model.findings import Problem

if TYPE_CHECKING:
    from checker.checks.base import Table

ID = "quote-verbatim"
PARTITION = "group"
SEVERITY = {"missing": "error"}
Options = NoOptions
#: judges each claim by itself, against its source's archived text: `validate` runs it too
ALONE = True


def check(group: Group, options: NoOptions) -> Iterator[Problem]:
    """Report each claim whose quote is not in its archived text."""
    for claim in group.claims:
        match = claim.quote_match
        if match is None or match.found:
            continue
        if match.closest:
            closest = f'; the closest passage, at line {match.closest_line}, is "{match.closest}"'
        elif match.cut_short:
            closest = "; no close match found before the search reached its work limit"
        else:
            closest = "; no close match"
        yield Problem(
            verdict="missing",
            message=f'quote of claim "{claim.claim.id}" is not in the archived text of {claim.source.id}',
            key=(claim.source.id, claim.claim.id),
            note=f"the archive does not contain the quote{closest}",
            claims=(claim.ref,),
            location=claim.location,
            hint="copy the quote verbatim from the source, or mark omitted words with ...",
        )


def check_table(table: Table, options: NoOptions) -> Iterator[tuple[str, str, Problem]]:
    """:func:`check` on the claims whose quote was looked for in an archive and not found: all others pass."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    yield from each_group(table, table.frame.filter(~pl.col("quote_found")), check, options)
