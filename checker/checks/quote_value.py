"""quote-value: every claim's value must be stated by its own quote.

What it flags
    A claim whose value its quote does not state: the number (written in
    digits or in words — "seventeen", "sixty-four", "a dozen" — with its
    magnitude: "US$900 billion"), the date (its month and day, or its year,
    as precise as the value), the entity (any of its names) or each member
    of a list. "value 28 is not in its quote, which says 38" is an error:
    an encoding slip (a typo, a quote from the wrong paragraph) would
    otherwise corrupt every check downstream. When the number is there but
    its precision word is not the claim's ("nearly 350" encoded as exactly
    350), the finding is a warning.

    Claims marked ``derived:`` (with the ids they come from and the
    arithmetic) state what no sentence says outright, and are not checked
    here; implied values are not either. Nor are claims from a source of kind
    ``dataset``: their quote is the raw cell of a table, which the import's
    declared parser read.

Passing example
    value: 64, quote: "sixty-four countries signed the Convention"

Failing example
    value: 28, quote: "partnership frameworks with 38 partners"
    -> value 28 is not in its quote, which says 38 (error)
"""

from __future__ import annotations

import calendar
from typing import Iterator

from checker.checks.base import Group, NoOptions
from checker.corpus import Resolved
from checker.findings import Problem
from checker.models import Precision, Range
from checker.names import fold
from checker.numbers import MAGNITUDE_WORDS, Mention, read_numbers
from checker.values import DateValue, Entity, EntitySet, Number, Text, format_number

ID = "quote-value"
PARTITION = "group"
SEVERITY = {"unstated": "error", "precision": "warning"}
Options = NoOptions

_MONTHS = {month: index for index, month in enumerate(calendar.month_name) if month}
_ABBREVIATIONS = {month[:3]: index for month, index in _MONTHS.items()}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _magnitude(unit: str | None) -> float:
    factor = 1.0
    for token in (unit or "").replace("$", " ").split():
        factor *= MAGNITUDE_WORDS.get(token.lower(), 1.0)
    return factor


def _stated_numbers(claim: Resolved) -> list[float]:
    value = claim.claim.value
    if isinstance(value, Range):
        return [float(value.min), float(value.max)]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [float(value)]
    return []


def _find(number: float, magnitude: float, mentions: tuple[Mention, ...]) -> Mention | None:
    for mention in mentions:
        if _close(mention.number, number) or _close(mention.value, number * magnitude):
            return mention
    return None


def _said(mentions: tuple[Mention, ...]) -> str:
    if not mentions:
        return "which states no number"
    return "which says " + ", ".join(m.surface for m in mentions)


def _loose(precision: Precision) -> bool:
    return precision != Precision.exact and precision != Precision.range


def _numbers(claim: Resolved) -> Iterator[tuple[str, str, str, str]]:
    """Verdict, message and hint of each number of the value its quote does not state as the claim does, and
    which number it is: "" for a single one, "min" or "max" for an end of a range."""
    mentions = read_numbers(claim.claim.quote)
    magnitude = _magnitude(claim.claim.unit)
    numbers = _stated_numbers(claim)
    for number, end in zip(numbers, ("min", "max") if len(numbers) == 2 else ("",) * len(numbers), strict=True):
        found = _find(number, magnitude, mentions)
        if found is None:
            yield "unstated", f"value {format_number(number)} is not in its quote, {_said(mentions)}", "", end
            continue
        stated = claim.claim.precision
        if _loose(stated) != _loose(found.precision):
            words = f'"{found.word} {found.surface}"' if found.word else f'"{found.surface}"'
            yield (
                "precision",
                f"the quote says {words} but the claim's precision is {stated.value}",
                "set `precision:` to the quote's own word (nearly, about, more-than, ...)",
                end,
            )


def _date(claim: Resolved, value: DateValue) -> Iterator[tuple[str, str, str, str]]:
    quote = claim.claim.quote
    words = fold(quote)
    span = value.span
    if span.text in quote:
        return  # written as in the claim: "2025-10-30"
    wanted: list[str] = []
    if span.precision in ("year", "span") or span.precision == "half-year" or span.precision == "quarter":
        if str(span.start.year) not in quote:
            wanted.append(str(span.start.year))
    if span.precision in ("month", "day"):
        month = calendar.month_name[span.start.month]
        if fold(month) not in words and fold(month[:3]) not in words:
            wanted.append(month)
    if span.precision == "day":
        numbers = {m.number for m in read_numbers(quote)}
        if float(span.start.day) not in numbers:
            wanted.append(f"day {span.start.day}")
    if wanted:
        yield "unstated", f"date {span.text} is not in its quote: it does not say {', '.join(wanted)}", "", ""


def _names(group: Group, entity_id: str) -> list[str]:
    entity = group.vocabulary.entities.get(entity_id)
    return [entity_id] + ([entity.name, *entity.aliases] if entity else [])


def _named(group: Group, entity_id: str, quote: str) -> bool:
    folded = fold(quote)
    return any(fold(name) and fold(name) in folded for name in _names(group, entity_id))


def check(group: Group, options: NoOptions) -> Iterator[Problem]:
    """Report each claim whose value its quote does not state."""
    for claim in group.claims:
        if claim.claim.derived is not None or claim.source.model.kind.value == "dataset":
            continue  # derived values state no sentence; a dataset's quote is its raw cell, parsed by the import
        value = claim.value
        results: list[tuple[str, str, str, str]] = []  # verdict, message, hint, the part of the value
        if isinstance(value, Number):
            results = list(_numbers(claim))
        elif isinstance(value, DateValue):
            results = list(_date(claim, value))
        elif isinstance(value, Entity):
            if not _named(group, value.id, claim.claim.quote):
                results = [("unstated", f"{value.text} is not named in its quote", "", "")]
        elif isinstance(value, EntitySet):
            missing = [
                group.vocabulary.entity_name(m) for m in sorted(value.ids) if not _named(group, m, claim.claim.quote)
            ]
            if missing:
                results = [("unstated", f"{', '.join(missing)} not named in its quote", "", "")]
        elif isinstance(value, Text) and not value.key.startswith("flag:"):
            if value.folded and value.folded not in fold(claim.claim.quote):
                results = [("unstated", f'"{value.text}" is not in its quote', "", "")]
        for verdict, message, hint, part in results:
            yield Problem(
                verdict=verdict,
                message=f'claim "{claim.claim.id}": {message}',
                key=(claim.source.id, claim.claim.id, verdict, *((part,) if part else ())),
                note=f"quote: “{claim.claim.quote}”",
                claims=(claim.ref,),
                location=claim.location,
                hint=hint
                or "fix the value or quote the sentence that states it; a value no sentence states outright "
                "is marked `derived:` with its derivation",
            )
