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
import re
from typing import TYPE_CHECKING, Iterable, Iterator

from checker.checks.base import Group, NoOptions, each_group
from checker.corpus.claims import Resolved
from checker.corpus.numbers import (
    _NUMBER_WORDS,
    MAGNITUDE_WORDS,
    MINUS_SIGNS,
    PRECISION_WORDS,
    Mention,
    digits,
    read_numbers,
)
from checker.corpus.values import DateValue, Entity, EntitySet, Number, Text, format_number
from checker.formats.models import Precision, Range
from checker.model.findings import Problem
from checker.model.names import fold

if TYPE_CHECKING:
    import polars as pl

    from checker.checks.base import Table

ID = "quote-value"
PARTITION = "group"
SEVERITY = {"unstated": "error", "precision": "warning"}
Options = NoOptions
#: judges each claim by itself, against its own quote: `validate` runs it too
ALONE = True

_MONTHS = {month: index for index, month in enumerate(calendar.month_name) if month}
_ABBREVIATIONS = {month[:3]: index for month, index in _MONTHS.items()}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _magnitude(unit: str | None) -> float:
    factor = 1.0
    for token in (unit or "").replace("$", " ").split():
        factor *= MAGNITUDE_WORDS.get(token.lower(), 1.0)
    return factor


def _stated_numbers(claim: Resolved) -> list[int | float]:
    """The numbers the claim's value field gives, as written (a whole number stays exact for the message)."""
    value = claim.claim.value
    if isinstance(value, Range):
        return [value.min, value.max]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value]
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
    for written, end in zip(numbers, ("min", "max") if len(numbers) == 2 else ("",) * len(numbers), strict=True):
        number = float(written)
        found = _find(number, magnitude, mentions)
        if found is None:
            yield "unstated", f"value {format_number(written)} is not in its quote, {_said(mentions)}", "", end
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


# ------------------------------------------------------------------ a whole table at once
#
# On a table, the claims whose quote certainly states their value are found for all claims at once, with regular
# expressions over the column of quotes; check() reads the others, claim by claim. A date, a text or an entity is
# certainly stated when the quote holds it as the claim or the rules write it: folding a text folds each of its
# characters apart, so the folded quote then holds it folded. A date not written so is stated when the quote holds
# its year, or its month and, to the day, its day as the number of a mention.
#
# A number is certainly stated when the reading in bulk finds it as read_numbers does, with a precision word as
# loose as the claim's. The reading reads the text read_numbers reads, digits(quote): that is the quote itself
# when no word of it may be a number word (digits() tests so itself), or when the only ones are magnitude words
# right after digits, which digits() keeps from text2num (text2num changes no text without a number word, as
# digits() itself takes for granted); else digits() is called. It reads "plain" texts only. In those, each run of
# digits (with commas and points between digits) is a well-formed number that no letter, digit, "_" or non-ASCII
# character follows, and so one mention whose number is the run's; the only white space is single spaces; no ISO
# date is removed; and no character is an ASCII letter once lower-cased, or to a case-insensitive pattern. A
# precision word is then one that the words before a mention's first character (its currency's, if it has one)
# end with, preceded by no letter and followed by at most one space; those words are the ones since the previous
# run of digits, since a precision word never reaches across digits. A stated number is found in the first mention
# close to it: the first run whose number, times any magnitude (the reading does not read magnitude words), comes
# near it is that mention, and must be the number itself.


def _caseless(text: str) -> str:
    """A pattern matching ``text`` in any case of its ASCII letters, and nothing else."""
    return "".join(
        f"[{c.lower()}{c.upper()}]" if c.isascii() and c.isalpha() else c if c == " " else re.escape(c) for c in text
    )


def _either(words: Iterable[str]) -> str:
    return "(?:" + "|".join(_caseless(word) for word in sorted(words, key=lambda w: (-len(w), w))) + ")"


#: the magnitudes a number may have: read_numbers reads them from a magnitude word after it
_ANY_MAGNITUDE = (1.0, *sorted(set(MAGNITUDE_WORDS.values())))
#: the characters that are ASCII letters once lower-cased, or to a case-insensitive pattern of Python's
_CASE_TWINS = "[\u0130\u0131\u017f\u212a]"
#: a character after a number that ends the number for read_numbers (\b holds there, and no ordinal follows)
_ENDS_A_NUMBER = r"[^A-Za-z0-9_\x{80}-\x{10FFFF}]"
#: a magnitude word right after digits, which digits() protects from text2num and gives back as it is
_KEPT_MAGNITUDE = rf"([0-9] ?){_either(('thousand', 'million', 'billion', 'trillion'))}({_ENDS_A_NUMBER}|$)"
#: what may make digits() change a text (see numbers._may_hold_number_words): a run of ASCII letters that is a
#: number word (with plural s's), "double", "zqxmag", or one of the characters above
_MAY_HOLD_NUMBER_WORDS = "|".join(
    (
        rf"(?:^|[^A-Za-z]){_either(_NUMBER_WORDS)}[sS]*(?:[^A-Za-z]|$)",
        _caseless("double"),
        _caseless("zqxmag"),
        _CASE_TWINS,
    )
)
#: the minus signs as a character class holds them (a "-" there would make a range of characters)
_SIGNS = "".join(re.escape(sign) if sign == "-" else sign for sign in MINUS_SIGNS)
#: what makes a text other than plain (see above)
_UNPLAIN = "|".join(
    (
        _CASE_TWINS,
        r"[[\s\x1c-\x1f]&&[^ ]]",  # white space other than a space (Python's \s has \x1c-\x1f too)
        "  ",
        r"[\d&&[^0-9]]",
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}",  # an ISO date, or what may be one
        r"[0-9][A-Za-z_\x{80}-\x{10FFFF}]",  # a run of digits that a letter, "_" or a non-ASCII character follows
        r"[0-9]{4},[0-9]|,[0-9]{1,2}(?:[^0-9]|$)|,[0-9]{4}|\.[0-9]+[.,][0-9]",  # a run that is not one number
        # a minus sign, or a hyphen that may be one, right before a number or what may be its currency (see
        # numbers.MINUS_SIGNS): such quotes are read one by one
        rf"(?:^|[^0-9A-Za-z._/{_SIGNS}])[{_SIGNS}][0-9$€£UuVvEeGg]",
    )
)
#: a run of digits and the words before it, since the previous run
_RUN_WITH_WORDS = r"[^0-9]*[0-9]+(?:[.,][0-9]+)*"
_RUN = r"[0-9][0-9.,]*$"
#: what read_numbers takes for a currency before a number (its \s being a space in a plain text)
_CURRENCY = "|".join((r"[$€£]", *map(_caseless, ("US$", "US $", "USD ", "EUR ", "GBP ")), _caseless("VN") + "[ĐđDd] ?"))
_PRECISION_WORD = rf"(?:^|[^A-Za-z]){_either(word for word, _ in PRECISION_WORDS)} ?"
#: a precision word right before the run's mention: before its longest currency, which the mention before cannot
#: have taken as its unit (no mention's words after its number hold a precision word), or before the run
_SURELY_LOOSE = rf"{_PRECISION_WORD}(?:{_CURRENCY})?{_RUN}"
#: a precision word that may be right before the run's mention, wherever its currency begins
_MAYBE_LOOSE = rf"{_PRECISION_WORD}[^0-9]{{0,4}}{_RUN}"


def _near(a: pl.Expr, b: pl.Expr, tolerance: float) -> pl.Expr:
    """:func:`_close` with another tolerance: a wider one for what may be close, a tighter one for what is."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    return (a - b).abs() <= tolerance * pl.max_horizontal(pl.lit(1.0), a.abs(), b.abs())


def _digits(quote: str) -> str | None:
    """The text read_numbers reads (see :func:`checker.corpus.numbers.digits`), or None when text2num refuses it."""
    try:
        return digits(quote)
    except Exception:  # noqa: BLE001 - check() reads the quote again, and meets the same error
        return None


def _runs(quotes: pl.DataFrame) -> pl.DataFrame:
    """The runs of digits of each plain quote (``row``, ``quote``), as read_numbers reads the quote (see above):
    one row each, in order (``at``), with the run's number, whether it is written as a whole number, and whether a
    precision word surely, or maybe, stands before its mention. A plain quote without digits has one row without a
    run; a quote that is not plain has none."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    wording = pl.col("quote").str.replace_all(_KEPT_MAGNITUDE, "${1}${2}").str.contains(_MAY_HOLD_NUMBER_WORDS)
    quotes = quotes.with_columns(worded=wording)
    worded = quotes.filter("worded")
    texts = pl.concat(
        [
            quotes.filter(~pl.col("worded")).select("row", text="quote"),
            worded.select("row", text=pl.Series([_digits(q) for q in worded.get_column("quote")], dtype=pl.String)),
        ]
    )
    text, run = pl.col("text"), pl.col("run")
    figure = run.str.extract(f"({_RUN})").str.replace_all(",", "", literal=True)
    return (
        texts.filter(~text.str.contains(_UNPLAIN))
        .select("row", run=text.str.extract_all(_RUN_WITH_WORDS))
        .explode("run")
        .select(
            "row",
            at=pl.int_range(pl.len()),
            number=figure.cast(pl.Float64),
            whole=figure.str.contains("^[0-9]+$"),
            surely_loose=run.str.contains(_SURELY_LOOSE),
            maybe_loose=run.str.contains(_MAYBE_LOOSE),
        )
    )


def _numbers_stated(numbers: pl.DataFrame, runs: pl.DataFrame) -> pl.DataFrame:
    """The rows of the number claims whose quote certainly states their value as check() reads it."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    unit = pl.col("unit").fill_null("")
    units = numbers.select(unit.unique()).get_column("unit")
    magnitudes = pl.DataFrame(
        {"unit": units, "magnitude": [_magnitude(u) for u in units]},
        schema={"unit": pl.String, "magnitude": pl.Float64},
    )
    stated = numbers.select(
        "row",
        "stated_min",
        "stated_max",
        unit,
        loose=~pl.col("precision").is_in([Precision.exact.value, Precision.range.value]),
    ).join(magnitudes, on="unit")
    number = pl.col("number")
    as_loose = pl.when(pl.col("loose")).then(pl.col("surely_loose")).otherwise(~pl.col("maybe_loose"))
    found = []
    for end in ("stated_min", "stated_max"):
        value, scaled = pl.col(end), pl.col(end) * pl.col("magnitude")
        # inf is close to everything: a run whose number may be that is a mention check() may find
        finite = value.is_finite() & scaled.is_finite() & (number * _ANY_MAGNITUDE[-1]).is_finite()
        may_be = ~finite | _near(number, value, 1e-6)
        for factor in _ANY_MAGNITUDE:
            may_be = may_be | _near(number * factor, scaled, 1e-6)
        # the first run that may be the mention check() finds the number in must be the number, as loosely said
        found.append((finite & _near(number, value, 1e-12) & as_loose).filter(may_be.fill_null(True)).first())
    judged = runs.join(stated, on="row").sort("at").group_by("row").agg(found=pl.all_horizontal(found))
    return judged.filter(pl.col("found").fill_null(False)).select("row")


def _dates_stated(table: Table, dates: pl.DataFrame, runs: pl.DataFrame) -> pl.DataFrame:
    """The rows of the date claims whose quote certainly states their date, not written as in the claim, as
    precisely as the date: its year, or its month (in any case) and, to the day, its day in a run of digits."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    spans = [table.claims[row].value.span for row in dates.get_column("row")]
    months = {month: _caseless(calendar.month_name[month][:3]) for month in range(1, 13)}  # in any case
    dates = dates.with_columns(
        precision=pl.Series([span.precision for span in spans], dtype=pl.String),
        year=pl.Series([str(span.start.year) for span in spans], dtype=pl.String),
        month=pl.Series([months[span.start.month] for span in spans], dtype=pl.String),
        day=pl.Series([float(span.start.day) for span in spans], dtype=pl.Float64),
    )
    days = runs.join(dates.select("row", "day"), on="row")
    days = days.group_by("row").agg(on_day=(pl.col("whole") & (pl.col("number") == pl.col("day"))).any())
    precision, quote = pl.col("precision"), pl.col("quote")
    stated = (
        (~precision.is_in(["year", "span", "half-year", "quarter"]) | quote.str.contains(pl.col("year"), literal=True))
        & (~precision.is_in(["month", "day"]) | quote.str.contains(pl.col("month")))
        & ((precision != "day") | pl.col("on_day").fill_null(False))
    )
    return dates.join(days, on="row", how="left").filter(stated).select("row")


def _named_as_written(table: Table, claims: pl.DataFrame) -> pl.DataFrame:
    """The rows of the entity and entity-set claims whose quote holds, for each entity of the value, one of the
    names :func:`_named` tries as the rules write it."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    members = claims.select(
        "row",
        "quote",
        # an entity's key is "entity:" and its id; a set's "set:", its ids (with no comma or colon) between
        # commas, and ":all" when the list is complete
        entity=pl.col("value_key").str.replace("^(?:entity|set):", "").str.strip_suffix(":all").str.split(","),
    ).explode("entity")
    entities = table.vocabulary.entities
    names = pl.DataFrame(
        [
            (entity_id, name)
            for entity_id in members.get_column("entity").unique()
            if entity_id in entities
            for name in (entity_id, entities[entity_id].name, *entities[entity_id].aliases)
            if fold(name)
        ],
        schema={"entity": pl.String, "name": pl.String},
        orient="row",
    )
    named = (
        members.join(names, on="entity", how="left")
        .group_by("row", "entity")
        .agg(named=pl.col("quote").str.contains(pl.col("name"), literal=True).any())
        .group_by("row")
        .agg(pl.col("named").all())
    )
    return named.filter("named").select("row")


def _certain(table: Table, claims: pl.DataFrame) -> pl.DataFrame:
    """The rows of the claims check() certainly finds nothing to say about."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    kind, quote = pl.col("kind"), pl.col("quote")
    written = quote.str.contains(pl.col("value_text"), literal=True)
    numbers = claims.filter((kind == "number") & pl.col("stated_min").is_not_null())
    dates = claims.filter((kind == "date") & ~written)
    runs = _runs(pl.concat([numbers.select("row", "quote"), dates.select("row", "quote")]))
    return pl.concat(
        [
            _numbers_stated(numbers, runs),
            _dates_stated(table, dates, runs),
            # a date or a text written as in the claim, and a flag, which no quote has to state
            claims.filter(
                (kind.is_in(["date", "text"]) & written)
                | ((kind == "text") & pl.col("value_key").str.starts_with("flag:"))
            ).select("row"),
            _named_as_written(table, claims.filter(kind.is_in(["entity", "set"]))),
        ]
    )


def check_table(table: Table, options: NoOptions) -> Iterator[tuple[str, str, Problem]]:
    """:func:`check` on the claims of a table whose quote may not state their value; the others, nearly all, are
    found in bulk and passed over."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    stated = table.frame.filter(~pl.col("derived") & (pl.col("source_kind") != "dataset"))
    unsure = stated.join(_certain(table, stated), on="row", how="anti")
    yield from each_group(table, unsure, check, options)
