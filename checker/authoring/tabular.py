"""Importing tabular data (CSV or TSV) as claims, through a mapping file.

The mapping says which column is the source, which the subject, and how each
metric's column is parsed; which strings mean "missing"; and where the day a
row refers to comes from (a column, or the file name). A table is read whole
and split into columns in bulk (Polars); each distinct cell is parsed once;
the claims are made as columns, and from them both the JSON Lines documents
and the claims `resolve` reads. A value that cannot be parsed is never
dropped silently: it is counted, per metric, with examples, and reported.

Clock times come in dozens of surface forms. They are cleaned by the
mapping's declared rules (regular expressions, e.g. to split "2:07 PMDec 01"),
tried against its declared formats (strptime), then read by dateutil's parser;
a result that lands more than two days from the row's day is refused rather
than trusted. A clock time becomes minutes after midnight of the row's day
(so 00:23 the next day is 1463), which makes "within 10 minutes" a plain
difference.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import math
import multiprocessing
import os
import re
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Callable, Iterator, Literal, NamedTuple, Optional, Sequence, Union

import numpy as np
import orjson
import polars as pl
from pydantic import AfterValidator, Field, StrictInt, ValidationInfo, field_validator

from checker.authoring.clock import ClockFormat
from checker.corpus.records import DocumentRecord, FileRecord, dump, read_file, read_made
from checker.formats.files import Refused, read_regular
from checker.formats.loading import Loaded, display_path, location
from checker.formats.models import MAX_QUOTE_CHARS, NUMBER_LIMIT, Identifier, NonEmpty, Opt, Strict
from checker.formats.yamlio import control_character
from checker.model.findings import Finding, input_error, said_at
from checker.vocabulary.rules import Vocabulary

#: a table larger than this is not read (its claims are held in memory as JSON Lines)
MAX_TABLE_BYTES = 256 * 1024 * 1024


def _pattern(text: str) -> str:
    """A regular expression Python's `re` compiles; else the error says what is wrong with it, and where."""
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"not a regular expression Python reads: {exc}") from None
    return text


def _strptime_format(text: str) -> str:
    """A format strptime reads (``%Y%m%d``); else the error names the directive it does not know."""
    try:
        time.strptime("", text)
    except ValueError as exc:
        if not str(exc).startswith("time data"):  # a format it reads, which an empty text does not match
            raise ValueError(f"not a strptime format: {exc}") from None
    except re.error as exc:  # a directive given twice: the pattern strptime makes of it names one group twice
        twice = re.search(r"group name '(.)'", str(exc))
        raise ValueError(f"not a strptime format: {f'%{twice.group(1)} is given twice' if twice else exc}") from None
    return text


def _codec(name: str) -> str:
    """An encoding of text Python knows (utf-8, latin-1, cp1252; not rot13 or base64, which are no text's)."""
    try:
        codec = codecs.lookup(name)
    except LookupError:
        raise ValueError(f'unknown encoding "{name}": write utf-8, latin-1, cp1252 or another Python knows') from None
    if not getattr(codec, "_is_text_encoding", True):
        raise ValueError(f'"{name}" is not an encoding of text: write utf-8, latin-1, cp1252 or another one')
    return name


def _day_pattern(text: str) -> str:
    if re.compile(_pattern(text)).groups < 1:
        raise ValueError("the day must be the first group of the pattern: put it in parentheses, as (\\d{8})")
    return text


#: a regular expression, checked as the mapping is read
Pattern = Annotated[NonEmpty, AfterValidator(_pattern)]
#: a column by its 1-based position: a whole number (true is none)
Position = Annotated[StrictInt, Field(ge=1)]


class Rewrite(Strict):
    """A cleaning rule: a regular expression and its replacement (Python `re` syntax)."""

    pattern: Pattern
    replace: str = ""

    @field_validator("replace")
    @classmethod
    def _replacement(cls, replace: str, info: ValidationInfo) -> str:
        """A replacement whose group references (\\1, \\g<name>) are groups of the pattern."""
        pattern = info.data.get("pattern")
        if pattern is not None:  # else the pattern's own error says what is wrong
            try:
                re.compile(pattern).sub(replace, "")
            except (re.error, IndexError) as exc:
                raise ValueError(f"not a replacement for the pattern: {exc}") from None
        return replace


class ClockParser(Strict):
    """A clock time on the row's day, in any of many surface forms."""

    kind: Literal["clock"]
    clean: list[Rewrite] = Field(default_factory=list, description="rewrites applied before parsing, in order")
    require: Opt[Pattern] = Field(
        None, description="a value must match this after cleaning (e.g. it has a time of day)"
    )
    formats: list[Annotated[NonEmpty, AfterValidator(_strptime_format)]] = Field(
        default_factory=list, description="strptime formats tried before the general parser"
    )


class TextParser(Strict):
    """A short text, normalised by rewrites (e.g. a gate: "Term C - C44" -> "C44")."""

    kind: Literal["text"]
    clean: list[Rewrite] = Field(default_factory=list)
    case: Literal["keep", "upper", "lower"] = "keep"


class NumberParser(Strict):
    """A number, with thousands separators."""

    kind: Literal["number"]


Parser = Annotated[Union[ClockParser, TextParser, NumberParser], Field(discriminator="kind")]


class Column(Strict):
    """Where a value comes from: a column, by name (with a header) or by 1-based position."""

    column: Union[Identifier, Position]


class DayFrom(Strict):
    """Where the day a row refers to comes from."""

    file_name: Opt[Annotated[NonEmpty, AfterValidator(_day_pattern)]] = Field(
        None, description="a regular expression whose first group is the day in the file name"
    )
    column: Opt[Union[Identifier, Position]] = None
    format: Annotated[NonEmpty, AfterValidator(_strptime_format)] = Field(
        "%Y%m%d", description="strptime format of that day"
    )
    key: Literal["as_of", "period"] = Field(
        "as_of",
        description="as_of: each value holds on the day (a stock); period: each value is that day's own figure"
        " (a flow), so values of different days are never compared",
    )


class MetricColumn(Strict):
    """One metric: its column and how its values are parsed."""

    column: Union[Identifier, Position]
    parse: Parser


class Mapping(Strict):
    """How a table becomes claims."""

    delimiter: Literal["tab", "comma", "semicolon"] = "comma"
    quoting: Literal["double", "none"] = Field(
        "double",
        description='double: a cell may stand in double quotes, which hold delimiters, line breaks and "" for a '
        "quote (RFC 4180); none: a quote is a character like any other",
    )
    header: bool = True
    encoding: Annotated[NonEmpty, AfterValidator(_codec)] = "utf-8"
    source: Column
    subject: Column
    day: DayFrom
    missing: list[str] = Field(default_factory=list, description="values that mean the source gives none")
    missing_patterns: list[Pattern] = Field(default_factory=list, description="regular expressions that mean missing")
    metrics: dict[Identifier, MetricColumn]


@dataclass
class Stats:
    """What an import read, and what it could not parse."""

    rows: int = 0
    values: int = 0
    missing: int = 0
    unparsed: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    #: of one table: where the first value of each metric that could not be parsed stands (line, start, end)
    first: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def add(self, other: "Stats") -> None:
        """Count another table's figures in."""
        self.rows += other.rows
        self.values += other.values
        self.missing += other.missing
        for metric, count in sorted(other.unparsed.items()):
            self.unparsed[metric] += count
            for example in other.examples.get(metric, []):
                self.refuse_example(metric, example)

    def refuse_example(self, metric: str, raw: str) -> None:
        """Keep an example of a value that could not be parsed (a few per metric)."""
        examples = self.examples.setdefault(metric, [])
        if raw not in examples and len(examples) < 5:
            examples.append(raw)

    def refuse(self, metric: str, raw: str) -> None:
        """Count a value that could not be parsed, keeping a few examples."""
        self.unparsed[metric] += 1
        self.refuse_example(metric, raw)


_DELIMITERS = {"tab": "\t", "comma": ",", "semicolon": ";"}
#: a number as a table writes it: digits, with commas between thousands, a decimal point and an exponent
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class ValueReader:
    """Parses the raw values of one metric, each distinct one once."""

    def __init__(self, parser: Parser) -> None:
        self.parser = parser
        self.cache: dict[tuple[str, date], object] = {}
        self.rewrites = [(re.compile(r.pattern), _replacer(r.replace)) for r in getattr(parser, "clean", [])]
        self.require = re.compile(parser.require) if isinstance(parser, ClockParser) and parser.require else None
        self.formats = [ClockFormat(pattern) for pattern in parser.formats] if isinstance(parser, ClockParser) else []
        # the format that read a value of each shape (digits folded), tried first for the next of that shape
        self.shapes: dict[str, int] = {}
        self.cleaned: dict[str, str] = {}  # each raw text after the rewrites

    def read(self, raw: str, day: date) -> object:
        """The parsed value, or None when it cannot be parsed."""
        key = (raw, day)
        if key not in self.cache:
            self.cache[key] = self._parse(raw, day)
        return self.cache[key]

    def read_many(self, cells: Sequence[tuple[str, date]]) -> list[object]:
        """The parsed value of each (raw text, day), as :meth:`read` gives it one by one in the same order.

        Clock times are read grouped by the shape of their cleaned text, in the
        order given within a shape: what a shape's earlier values taught (the
        format to try first) is the same, and strptime, which keeps only a few
        formats compiled, meets one format after another rather than all of
        them in turn.
        """
        if not isinstance(self.parser, ClockParser):
            return [self.read(raw, day) for raw, day in cells]
        shapes = [_DIGITS.sub("9", self._clean(raw)) for raw, _ in cells]
        values: list[object] = [None] * len(cells)
        for at in sorted(range(len(cells)), key=shapes.__getitem__):
            values[at] = self.read(*cells[at])
        return values

    def _clean(self, raw: str) -> str:
        text = self.cleaned.get(raw)
        if text is None:
            text = raw
            for pattern, replacement in self.rewrites:
                text = pattern.sub(replacement, text)
            text = self.cleaned[raw] = " ".join(text.split())
        return text

    def _parse(self, raw: str, day: date) -> object:
        parser = self.parser
        text = self._clean(raw)
        if isinstance(parser, TextParser):
            if not text:
                return None
            return text.upper() if parser.case == "upper" else text.lower() if parser.case == "lower" else text
        if isinstance(parser, NumberParser):
            if not _NUMBER.fullmatch(text):
                return None  # not "nan", "inf" or "1_000", which Python would read as numbers
            value = float(text.replace(",", ""))
            return value if math.isfinite(value) else None  # 1e400: beyond every float
        if self.require is not None and not self.require.search(text):
            return None
        reference = datetime(day.year, day.month, day.day)
        moment = self._formats(text, day)
        if moment is None:
            moment = _dateutil(text, reference)
        if moment is None:
            return None
        minutes = (moment.replace(tzinfo=None) - reference) / timedelta(minutes=1)
        if abs(minutes) > 2 * 1440:
            return None  # a day far from the row's: a misreading, not a time
        return int(round(minutes))

    def _formats(self, text: str, day: date) -> Optional[datetime]:
        """The declared formats, the one that read this shape last time first."""
        formats = self.formats
        shape = _DIGITS.sub("9", text)
        known = self.shapes.get(shape)
        order = ([known] if known is not None else []) + [i for i in range(len(formats)) if i != known]
        for index in order:
            pattern = formats[index].pattern
            moment = formats[index].read(text)
            if moment is None:
                continue
            self.shapes[shape] = index
            if "%Y" not in pattern and "%y" not in pattern:
                moment = moment.replace(year=day.year)
                if (moment.date() - day).days > 180:  # "Dec 31" read on 1 January
                    moment = moment.replace(year=day.year - 1)
                elif (day - moment.date()).days > 180:
                    moment = moment.replace(year=day.year + 1)
            return moment
        return None


_DIGITS = re.compile(r"\d")


def _replacer(template: str) -> Union[str, Callable[[re.Match[str]], str]]:
    """What ``pattern.sub`` replaces a match with, as the template says: the template itself when it refers to no
    group, else a function that expands it for each match, which gives the same text (``Match.expand``) without
    the cost ``sub`` pays on every call, even where nothing matches, to read a template with references."""
    if "\\" not in template:
        return template
    return lambda match: match.expand(template)


def _dateutil(text: str, reference: datetime) -> Optional[datetime]:
    from dateutil import parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return parser.parse(text, default=reference)
    except (ValueError, OverflowError, parser.ParserError):
        return None


#: what str.strip() removes: cells are stripped as they always were
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: where a row ends, as the csv module reads a file opened with newline=""
_LINE_END = re.compile("\r\n|\r|\n")
#: the longest id the claim format takes
_MAX_ID = 200


class TableProblem(ValueError):
    """A table the mapping cannot read, at a place in it: where (line and column from 1), what, and what to do."""

    def __init__(self, path: Path, line: int, col: int, message: str, hint: str = "") -> None:
        super().__init__(f"{display_path(path)}:{line}:{col}: {message}" + (f" ({hint})" if hint else ""))
        self.path, self.line, self.col, self.message, self.hint = path, line, col, message, hint


def _decoded(raw: bytes, encoding: str, path: Path) -> str:
    """The table's text, without the byte order mark some programs write first; raise :class:`TableProblem` at
    the first byte the encoding cannot read (its line, and its column in characters, as rows end: at CR, LF or
    both). The UTF-8 mark is left out whatever the encoding: read as latin-1 it would be three letters before the
    first cell."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode(encoding, errors="replace").removeprefix("\ufeff")
        ends = list(_LINE_END.finditer(before))
        col = len(before) - (ends[-1].end() if ends else 0) + 1
        raise TableProblem(
            path, len(ends) + 1, col, f"byte 0x{raw[exc.start]:02x} is not {encoding} text",
            "set the mapping's encoding to the one the table is written in: latin-1, cp1252, ...",
        ) from None  # fmt: skip
    return text.removeprefix("\ufeff")


def _quoted_rows(text: str, delimiter: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """The rows of a table whose cells may stand in double quotes (RFC 4180), each with the line it starts on;
    raise :class:`TableProblem` at the row where a quote is not closed."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    line = 1
    limit = csv.field_size_limit()
    csv.field_size_limit(len(text) + 1)  # a cell may be as long as its table (the claim format limits quotes)
    try:
        for row in reader:
            yield line, row
            line = reader.line_num + 1
    except csv.Error as exc:
        said = str(exc).lower()
        said = "a quote it opens is never closed" if "unexpected end of data" in said else said
        raise TableProblem(
            path, line, 1, f"the row cannot be read as CSV: {said}",
            'close the quote it opens, or double a quote inside a quoted cell (""), or set the mapping\'s '
            "quoting to none when quotes are characters",
        ) from None  # fmt: skip
    finally:
        csv.field_size_limit(limit)


def _cell_spans(line: str, delimiter: str, quoted: bool, upto: Optional[int] = None) -> list[tuple[int, int]]:
    """Where each cell that starts on a row's first line stands in it (those up to cell ``upto``, from 0): its first
    column and the column after it, in characters from 1. ``quoted``: a cell that opens with a double quote runs
    to the quote that closes it (two quotes are one inside it), as the csv module reads it, and one quoted over
    several lines ends with the line; a quote anywhere else is a character of its cell."""
    spans: list[tuple[int, int]] = []
    start = 0
    width = len(line)
    while upto is None or len(spans) <= upto:
        at = start
        if quoted and line.startswith('"', at):
            at += 1
            while True:
                close = line.find('"', at)
                if close < 0:
                    at = width
                    break
                at = close + 1
                if not line.startswith('"', at):
                    break
                at += 1
        end = line.find(delimiter, at)
        if end < 0:
            spans.append((start + 1, width + 1))
            break
        spans.append((start + 1, end + 1))
        start = end + 1
    return spans


def _cell_column(line: str, delimiter: str, at: int, quoted: bool) -> int:
    """Where cell ``at`` (from 0) starts in a row's first line, in characters from 1 (1 when it starts on a later
    line)."""
    spans = _cell_spans(line, delimiter, quoted, at)
    return spans[at][0] if at < len(spans) else 1


def _cell_ends(wanted: list[int]) -> pl.Expr:
    """For each row (split into column ``cells``, no cell quoted), where each of its cells up to the last wanted one
    ends, its delimiter counted: the start of the next cell, in characters from 0."""
    return pl.col("cells").list.head(max(wanted) + 1).list.eval((pl.element().str.len_chars() + 1).cum_sum())


def _cell_edges(wanted: list[int]) -> Iterator[tuple[int, pl.Expr, pl.Expr]]:
    """Where each wanted cell (from 0) of each row stands, as :func:`_cell_spans` says, from the row's text (column
    ``text``), its cells (``cells``) and where they end (``ends``, see :func:`_cell_ends`); a cell the row lacks
    stands as the whole row."""
    for at in wanted:
        lacks = pl.col("cells").list.len() <= at
        before = pl.col("ends").list.get(at - 1, null_on_oob=True) if at else pl.lit(0, dtype=pl.UInt32)
        start = pl.when(lacks).then(0).otherwise(before) + 1
        end = pl.when(lacks).then(pl.col("text").str.len_chars() + 1)
        end = end.otherwise(pl.col("ends").list.get(at, null_on_oob=True))
        yield at, start.cast(pl.UInt32), end.cast(pl.UInt32)


def _index(spec: Union[str, int], header: Optional[list[str]]) -> int:
    """A column's place from 0; raise ValueError with what is wrong and what to do when the table has none such."""
    if isinstance(spec, int):
        return spec - 1
    if header is None:
        raise ValueError(f'column "{spec}" is named, but the table has no header', "give its position (1, 2, ...)")
    try:
        at = header.index(spec)
    except ValueError:
        raise ValueError(
            f'no column "{spec}" in the header ({", ".join(header)})',
            "name a column of the header in the mapping, or check its delimiter",
        ) from None
    if spec in header[at + 1 :]:  # which of them is meant cannot be told: taking the first would be a guess
        again = header.index(spec, at + 1)
        raise ValueError(
            f'column "{spec}" is named twice in the header (columns {at + 1} and {again + 1})',
            "rename one in the table, or give the mapping the column's position (1, 2, ...)",
        )
    return at


@dataclass
class Cells:
    """The rows of one table that are not blank, as columns of stripped cells."""

    path: Path
    #: position (in row order), line (where the row starts), source, subject, day, then m0, m1, ...: the cell of each
    #: metric, in the mapping's order; then where the cells stand in the row's line, each as NAME_s (its first
    #: column) and NAME_e (the column after it): source_s, source_e, subject_s, subject_e, m0_s, m0_e, ...
    rows: pl.DataFrame
    plain: bool  # the table's text and name hold no character the claim format refuses


def read_cells(path: Path, mapping: Mapping) -> Cells:
    """The rows of one table: read whole (a regular file of bounded size), decoded, split into columns in bulk."""
    fixed_day = None
    if mapping.day.file_name:
        found = re.search(mapping.day.file_name, path.name)
        if not found:
            raise TableProblem(
                path, 1, 1, f'the file name does not match the day pattern "{mapping.day.file_name}"',
                "name the table with its day, or correct the mapping's day.file_name",
            )  # fmt: skip
        try:
            fixed_day = datetime.strptime(found.group(1), mapping.day.format).date()
        except ValueError:
            raise TableProblem(
                path, 1, 1, f'the day in the file name, "{found.group(1)}", is not a day as "{mapping.day.format}" reads '
                "one", "rename the file, or correct the mapping's day format",
            ) from None  # fmt: skip
    elif mapping.day.column is None:
        raise ValueError("the mapping says neither which column nor which part of the file name is the day")
    try:  # only a regular file (a FIFO would hang, /dev/zero never end) of bounded size
        raw = read_regular(path, MAX_TABLE_BYTES)
    except Refused as refused:
        raise TableProblem(path, 1, 1, f"cannot be read: {refused}", "name a regular file of the table") from None
    text = _decoded(raw, mapping.encoding, path)
    delimiter = _DELIMITERS[mapping.delimiter]
    quoted = mapping.quoting == "double" and '"' in text  # else a table's cells are split in bulk
    if quoted:
        read = _quoted_rows(text, delimiter, path)
        header = next(read, (1, []))[1] if mapping.header else None
    else:
        lines = _LINE_END.split(text)
        if lines[-1] == "":
            lines.pop()
        header = (lines[0].split(delimiter) if lines else []) if mapping.header else None
    if header is not None:
        header = [name.strip(_WHITESPACE) for name in header]

    def index(spec: Union[str, int]) -> int:
        try:
            return _index(spec, header)
        except ValueError as exc:
            raise TableProblem(path, 1, 1, *exc.args) from None

    source_at = index(mapping.source.column)
    subject_at = index(mapping.subject.column)
    day_at = index(mapping.day.column) if mapping.day.column is not None else None
    columns = [index(spec.column) for spec in mapping.metrics.values()]
    wanted = sorted({source_at, subject_at, *columns, *([day_at] if day_at is not None else [])})
    first = 1 if mapping.header else 0
    if quoted:  # row by row, keeping only the cells the mapping reads, and where they stand
        kept: dict[int, list[str]] = {at: [] for at in wanted}
        places: dict[str, list[int]] = {f"{edge}{at}": [] for at in wanted for edge in "se"}
        starts: list[int] = []
        widest = 0
        text_lines = _LINE_END.split(text)
        for line, row in read:
            widest = max(widest, len(row))
            if all(not cell.strip(_WHITESPACE) for cell in row):
                continue  # a blank row
            starts.append(line)
            first = text_lines[line - 1]
            spans = _cell_spans(first, delimiter, True, wanted[-1])
            for at, cells in kept.items():
                cells.append(row[at].strip(_WHITESPACE) if at < len(row) else "")
                # a cell that starts on a later line of the row, or that the row lacks: the row's first line
                start, end = spans[at] if at < len(spans) and at < len(row) else (1, len(first) + 1)
                places[f"s{at}"].append(start)
                places[f"e{at}"].append(end)
        table = pl.DataFrame({"line": starts, **{f"c{at}": cells for at, cells in kept.items()}, **places},
                             schema={"line": pl.UInt32, **{f"c{at}": pl.String for at in kept},
                                     **{name: pl.UInt32 for name in places}})  # fmt: skip
    else:  # split in bulk
        table = pl.DataFrame({"text": lines[first:]}, schema={"text": pl.String})
        blank = pl.col("text").str.replace_all(delimiter, "", literal=True).str.strip_chars(_WHITESPACE) == ""
        table = (
            table.with_columns(line=pl.int_range(first + 1, first + 1 + table.height, dtype=pl.UInt32))
            .filter(~blank)
            .with_columns(pl.col("text").str.split(delimiter).alias("cells"))
        )
        widest = table.select(pl.col("cells").list.len().max()).item() if table.height else 0
        table = table.with_columns(_cell_ends(wanted).alias("ends"))
        split = pl.col("cells")
        table = table.select(
            "line",
            *(split.list.get(at, null_on_oob=True).fill_null("").str.strip_chars(_WHITESPACE).alias(f"c{at}")
              for at in wanted),
            *(edge for at, start, end in _cell_edges(wanted) for edge in (start.alias(f"s{at}"), end.alias(f"e{at}"))),
        )  # fmt: skip
    named = {"source": (source_at, mapping.source.column), "subject": (subject_at, mapping.subject.column),
             "day": (day_at, mapping.day.column)}  # fmt: skip
    beyond = [(key, at, written) for key, (at, written) in named.items() if at is not None and widest and at >= widest]
    # a column every claim needs that no row reaches: every claim would lose its source, subject or day, unsaid (a
    # metric's may be past the last cell of every row of a table that leaves empty cells out: its values are
    # counted as missing)
    if beyond:
        key, at, written = beyond[0]
        column = f'"{written}" (column {at + 1} of the header)' if isinstance(written, str) else str(written)
        counting = "" if isinstance(written, str) else "count the columns from 1, or "
        raise TableProblem(
            path, 1, 1, f"the mapping's {key}.column is {column}, but no row of the table has more than {widest} "
            f"columns", f"{counting}check the delimiter ({mapping.delimiter})",
        )  # fmt: skip
    rows = table.with_row_index("position").select(
        "position",
        "line",
        pl.col(f"c{source_at}").alias("source"),
        pl.col(f"c{subject_at}").alias("subject"),
        pl.col(f"c{day_at}").alias("day") if day_at is not None else pl.lit(fixed_day, dtype=pl.Date).alias("day"),
        *(pl.col(f"c{at}").alias(f"m{number}") for number, at in enumerate(columns)),
        *(pl.col(f"{edge}{at}").alias(f"{name}_{edge}")
          for name, at in (("source", source_at), ("subject", subject_at)) for edge in "se"),
        *(pl.col(f"{edge}{at}").alias(f"m{number}_{edge}") for number, at in enumerate(columns) for edge in "se"),
    )  # fmt: skip
    if day_at is not None:
        days = {}
        for written in rows["day"].unique(maintain_order=True).to_list():
            try:
                days[written] = datetime.strptime(written, mapping.day.format).date()
            except ValueError:
                line = rows.filter(pl.col("day") == written)["line"][0]
                said = f'day "{written}"' if written else "no day"
                row_text = _LINE_END.split(text)[line - 1]
                raise TableProblem(
                    path, line, _cell_column(row_text, delimiter, day_at, quoted),
                    f"{said} in column {day_at + 1}, where the mapping reads days as \"{mapping.day.format}\"",
                    "correct the cell, or the mapping's day format",
                ) from None  # fmt: skip
        # a table of no rows has no day: its column is still one of days (an empty mapping replaces nothing)
        day = pl.col("day").replace_strict(days, return_dtype=pl.Date) if days else pl.lit(None, dtype=pl.Date)
        rows = rows.with_columns(day.alias("day"))
    return Cells(path, rows, not control_character(text) and not control_character(path.name))


#: what a cell holds: a value, a marker of a missing one, one that could not be parsed, or a value the claim format
#: refuses (a number beyond its limits, a text with a control character), which is written as it is
VALUE, MISSING, NOT_PARSED, UNFIT = 0, 1, 2, 3


def parse_cells(mapping: Mapping, cells: list[tuple[int, str, date]]) -> tuple[list[int], list[str]]:
    """What each distinct cell (metric, text, day) holds, and the JSON text of each value.

    The cells are taken in the order given (the order they first stand in a
    table); metrics that share a parser share what it learnt: the values it
    read and the format that read each shape.
    """
    missing = set(mapping.missing)
    patterns = [re.compile(p) for p in mapping.missing_patterns]
    readers: dict[str, int] = {}
    by_metric = [readers.setdefault(spec.parse.model_dump_json(), len(readers)) for spec in mapping.metrics.values()]
    parsers = [ValueReader(spec.parse) for spec in mapping.metrics.values()]
    asked: list[list[int]] = [[] for _ in readers]  # for each reader, the cells it reads
    absent: dict[str, bool] = {}
    for number, (metric, raw, _) in enumerate(cells):
        gone = absent.get(raw)
        if gone is None:
            gone = absent[raw] = raw in missing or any(p.search(raw) for p in patterns)
        if not gone:
            asked[by_metric[metric]].append(number)
    what = [MISSING] * len(cells)
    texts = [""] * len(cells)
    for reader, numbers in enumerate(asked):
        metric = by_metric.index(reader)
        values = parsers[metric].read_many([cells[n][1:] for n in numbers])
        for number, value in zip(numbers, values, strict=True):
            if value is None:
                what[number] = NOT_PARSED
                continue
            if isinstance(value, str):
                fits = not control_character(value)
            else:
                fits = -NUMBER_LIMIT <= value <= NUMBER_LIMIT  # type: ignore[operator]
            what[number] = VALUE if fits else UNFIT
            kind = type(value)  # a whole number or a float written as json.dumps writes it, without its cost
            texts[number] = (
                str(value) if kind is int else repr(value) if kind is float else json.dumps(value, ensure_ascii=False)
            )
    return what, texts


def _parse_job(arguments: tuple[Mapping, list[tuple[int, str, date]]]) -> tuple[list[int], list[str]]:
    return parse_cells(*arguments)


def _metric_cells(cells: Cells, metrics: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every cell of a metric (position, metric, text, day, and where it stands in its row's line: start, end), in
    row order then the mapping's; and those to parse: each distinct (metric, text, day) that is not empty, in the
    order they first stand."""
    rows = cells.rows
    every = pl.concat(
        [
            rows.select(
                "position", "day", pl.lit(number, dtype=pl.UInt32).alias("metric"), pl.col(f"m{number}").alias("raw"),
                pl.col(f"m{number}_s").alias("start"), pl.col(f"m{number}_e").alias("end"),
            )
            for number in range(metrics)
        ]
        or [rows.select("position", "day", pl.lit(0, dtype=pl.UInt32).alias("metric"), pl.lit("").alias("raw"),
                        pl.lit(0, dtype=pl.UInt32).alias("start"), pl.lit(0, dtype=pl.UInt32).alias("end")).clear()]
    ).sort("position", "metric")  # fmt: skip
    distinct = every.filter(pl.col("raw") != "").select("metric", "raw", "day").unique(maintain_order=True)
    return every, distinct


class Made(NamedTuple):
    """The pieces the import wrote each document's line from: a run makes the documents' record of them without
    reading that text again."""

    claims: pl.Series  # each claim as JSON, in the documents' order
    counts: list[int]  # how many claims each document has
    sources: list[str]  # each document's source block as JSON
    widths: list[int]  # how many characters each document's line has
    #: where each claim stands in the table, in the same order: the line of its row, where its cell starts and ends
    #: in that line (start, end), and its subject's cell (subject_s, subject_e)
    places: pl.DataFrame
    #: where each document's first row stands (line), and that row's source cell (source_s, source_e)
    firsts: pl.DataFrame


@dataclass
class Imported:
    """One table as claims: the JSON Lines documents `import` writes, the claims as columns, and the figures."""

    path: Path
    text: str  # the claim documents as JSON Lines, one per source and day, in (source, day) order
    #: one row per claim, in the documents' order: source and claim (ids), publisher, subject and metric (as the
    #: table and the mapping name them), day, value (as JSON)
    claims: pl.DataFrame
    sources: list[str]  # the id of each document
    key: str  # the time key of its claims: as_of or period
    stats: Stats
    #: every document is one the claim format takes as written: no character or number it refuses, no id over
    #: 200 characters, no empty publisher or subject, no over-long quote (whether two documents share an id is
    #: for the corpus to say)
    plain: bool
    made: Optional[Made] = None  # what ``text`` was written from (None: let go)

    def claim_file(
        self, read: Optional[Callable[[Path, str, bool], FileRecord]] = None
    ) -> tuple[Path, str | FileRecord, bool]:
        """The table as a claim file made in memory, as a run takes it (see checker.engine.run): the record of its
        documents, read as the JSON Lines claim file `import` writes (TABLE.jsonl) would be, with every place in it
        put where it stands in the table (see :meth:`in_table`); and whether its documents need no validation.
        Once the pieces the documents were made from are let go, the JSON Lines text, named TABLE.jsonl.

        Documents the claim format refuses in part are read as the careful reader reads them: by ``read`` (the
        path, text, and whether they need no validation), which a run gives to take the record from its cache.
        """
        path = self.path.parent / f"{self.path.name}.jsonl"
        if self.made is None:
            return path, self.text, self.plain
        record = self.record(path, display_path(path), in_table=True)
        if record is None:
            if read is not None:
                record = read(path, self.text, self.plain)
            else:
                record = read_made(path, display_path(path), self.text) if self.plain else None
                record = record or read_file(path, display_path(path), self.text.encode("utf-8"))
            record = self.in_table(record)
        return self.path, record, self.plain

    def in_table(self, record: FileRecord) -> FileRecord:
        """A record of the JSON Lines documents (see :meth:`claim_file`) with its places in the table: a claim
        stands at its metric's cell, a document at the source cell of its first row, and a problem of the documents
        at the cell of the claim it concerns (at its subject's cell when it concerns the subject), else at its
        document's."""
        made = self.made
        assert made is not None
        shown = display_path(self.path)
        offsets = np.cumsum([0, *made.counts])
        spans = self._spans_in_table()
        documents = []
        for document in record.documents:
            number = document.spans[()][0] - 1  # a JSON Lines document is the line of its number
            at = int(offsets[number])
            claims = tuple((index, name, text, spans[at + index]) for index, name, text, _ in document.claims)
            # the digests of where the values stand are made again (see cache.with_digests), of their places here
            documents.append(document._replace(path=shown, file=self.path.as_posix(), spans=self._first_of(number),
                                               claims=claims, parts=None, source_digest=b"", places_digest=b""))  # fmt: skip
        if not record.findings:
            return FileRecord((), tuple(documents), record.claims_read)
        cells = made.places.rows()
        starts = [  # where each claim of a document starts in its line: after '{"claims": [', each after ", "
            np.cumsum([13, *(width + 2 for width in made.claims.str.len_chars()[offsets[d] : offsets[d + 1]])])
            for d in range(len(made.counts))
        ]  # fmt: skip

        def moved(finding: tuple) -> tuple:
            check, severity, message, hint, location, kept = finding
            line, col = (location[1], location[2]) if location else (0, 0)
            if not 1 <= line <= len(starts):
                return check, severity, message, hint, (shown, 1, 1, 0, 0), kept
            document = line - 1
            named = _CLAIM_NAMED.match(message)  # a problem of one claim names it (a JSON Lines line has one place)
            index = int(named.group(1)) if named else int(np.searchsorted(starts[document], col, side="right")) - 1
            if 0 <= index < made.counts[document]:
                row, start, end, subject_start, subject_end = cells[offsets[document] + index]
                if named and named.group(2) == "subject":
                    start, end = subject_start, subject_end
                return check, severity, message, hint, (shown, row, start, row, end), kept
            return check, severity, message, hint, (shown, *self._first_of(document)[()]), kept

        return FileRecord(tuple(moved(f) for f in record.findings), tuple(documents), record.claims_read)

    def _first_of(self, document: int) -> dict[tuple, tuple[int, int, int, int]]:
        """The spans of a document in the table: the source cell of its first row."""
        assert self.made is not None
        line, start, end = self.made.firsts.row(document)
        return {(): (line, start, line, end)}

    def _spans_in_table(self) -> list[bytes]:
        """The spans of each claim in the table, in the documents' order, as a record keeps them: the cell of its
        value, for the claim and each of its values ([[["claims", i], span]] as JSON: the shortest text to send to
        the processes that check the claims, by which the cache still names each claim's place)."""
        made = self.made
        assert made is not None
        offsets = np.cumsum([0, *made.counts])
        index = pl.Series(np.arange(made.places.height) - np.repeat(offsets[:-1], made.counts), dtype=pl.Int64)
        return made.places.select(
            pl.concat_str(
                pl.lit('[[["claims",'), pl.lit(index), pl.lit("],["), "line", pl.lit(","), "start", pl.lit(","),
                "line", pl.lit(","), "end", pl.lit("]]]"),
            )
        ).to_series().cast(pl.Binary).to_list()  # fmt: skip

    def record(self, path: Path, shown: str, in_table: bool = False) -> Optional[FileRecord]:
        """The record :func:`checker.corpus.records.read_file` makes of ``text`` read from ``path`` (shown as
        ``shown``), made from the pieces it was written from, each claim's JSON as it stands in the text: the same
        record as :func:`checker.corpus.records.read_made` makes of the text, without parsing every claim and
        writing it again; ``in_table``: with its places in the table, as :meth:`in_table` puts them. None when the
        documents are not all ones the claim format takes as written, or the pieces were let go."""
        made = self.made
        if not self.plain or made is None:
            return None
        if self.claims.select(pl.struct("source", "claim").is_duplicated().any()).item():
            return None  # a claim id twice in a document: read_file says so
        texts = made.claims.cast(pl.Binary).to_list()
        subjects = self.claims["subject"].to_list()
        placed = self._spans_in_table() if in_table else None
        if in_table:
            path, shown = self.path, display_path(self.path)
        documents = []
        at = 0
        for line, (source, count, width) in enumerate(zip(made.sources, made.counts, made.widths, strict=True), 1):
            span = (line, 1, line, width + 1)  # a JSON Lines document's values stand on its line (end exclusive)
            spans = dump([[[], list(span)]])
            names: dict[str, str] = {}  # one string for a subject its claims name alike, as read_made makes them
            kept = tuple(
                (index, names.setdefault(subject, subject), texts[at + index],
                 placed[at + index] if placed is not None else spans)
                for index, subject in enumerate(subjects[at : at + count])
            )  # fmt: skip
            where = self._first_of(line - 1) if in_table else {(): span}
            documents.append(DocumentRecord(shown, path.as_posix(), orjson.loads(source), where, kept))
            at += count
        return FileRecord((), tuple(documents), at)


#: how a problem of one claim of a document names it: by its key path, "claims.3.value: ..."
_CLAIM_NAMED = re.compile(r"claims\.(\d+)(?:\.(\w+))?")


def _quoted(texts: pl.Series) -> pl.Series:
    """Each text as json.dumps(text, ensure_ascii=False) writes it: quoted, and escaped where it must be."""
    quoted = pl.select(pl.concat_str(pl.lit('"'), pl.lit(texts), pl.lit('"'))).to_series()
    odd = texts.filter(texts.str.contains(r'["\\\x00-\x1f]')).unique()
    if not len(odd):
        return quoted
    escaped = {text: json.dumps(text, ensure_ascii=False) for text in odd.to_list()}
    fixed = pl.when(pl.lit(texts).is_in(odd.implode())).then(pl.lit(texts).replace(escaped)).otherwise(pl.lit(quoted))
    return pl.select(fixed).to_series()


def _identifier(text: str) -> str:
    """An id the claim format accepts: lower case, with other characters replaced."""
    clean = re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-")
    return clean if clean and clean[0].isalnum() else f"x{clean}"


def _source_id(name: str, day: str) -> str:
    """The id of a source's document of one day: its name and day as an id, with a digest of the name when the id
    cannot keep a letter or digit of it (日本 and 中国, Süd and Säd would otherwise have one id)."""
    made = _identifier(f"{name}-{day}")
    if any(character.isalnum() and not character.isascii() for character in name):
        made += "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return made


def _nth(document: pl.Series, text: pl.Series) -> np.ndarray:
    """For each row, how many rows of its document up to it (itself included) have its text."""
    key = document.cast(pl.Int64).to_numpy() * (len(text) + 1) + text.rank("dense").cast(pl.Int64).to_numpy()
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    nth = np.empty(len(key), dtype=np.int64)
    nth[order] = np.arange(len(key)) - np.repeat(starts, np.diff(np.r_[starts, len(key)])) + 1
    return nth


def _claim_ids(claims: pl.DataFrame) -> pl.Series:
    """Each claim's id: its subject and metric, with a suffix (.2, .3, ...) when its document has that id already.

    ``claims`` are in document order, with the number of their document. The
    n-th claim of a document with one id gets that id with suffix n, as
    trying the suffixes one by one gives it, whenever no id made so comes out
    twice in the document; a document where one does is done one by one.
    """
    pairs = claims.select("subject", "metric").unique()
    made = [(_identifier(f"{s}.{m}"), _identifier(f"{s}.{m}.2")) for s, m in pairs.iter_rows()]
    base = pairs.with_columns(
        pl.Series("base", [b for b, _ in made], dtype=pl.String),
        # a suffix is the id and ".n" (unless the id lost a trailing "-" that the suffix keeps inside)
        pl.Series("plain", [second == f"{b}.2" for b, second in made], dtype=pl.Boolean),
    )
    keyed = (
        claims.select("document", "subject", "metric")
        .join(base, on=["subject", "metric"], how="left", maintain_order="left")
        .with_row_index("at")
    )
    keyed = keyed.with_columns(pl.Series("nth", _nth(keyed["document"], keyed["base"]), dtype=pl.Int64))
    made_ids = keyed.select(
        pl.when(pl.col("nth") == 1)
        .then(pl.col("base"))
        .when(pl.col("plain"))
        .then(pl.concat_str(pl.col("base"), pl.lit("."), pl.col("nth").cast(pl.String)))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("claim")
    ).to_series()
    odd = keyed.filter(made_ids.is_null())
    ids = made_ids.to_list()
    for at, subject, metric, nth in odd.select("at", "subject", "metric", "nth").iter_rows():
        ids[at] = _identifier(f"{subject}.{metric}.{nth}")
    twice = keyed.select("at", "document", "subject", "metric", "base").with_columns(pl.Series("claim", ids))
    twice = twice.filter(
        pl.col("document").is_in(twice.filter(pl.struct("document", "claim").is_duplicated())["document"].implode())
    )
    taken: dict[int, set[str]] = {}
    for at, document, subject, metric, claim_id in twice.select(
        "at", "document", "subject", "metric", "base"
    ).iter_rows():
        used = taken.setdefault(document, set())
        suffix = 2
        while claim_id in used:
            claim_id = _identifier(f"{subject}.{metric}.{suffix}")
            suffix += 1
        used.add(claim_id)
        ids[at] = claim_id
    return pl.Series("claim", ids, dtype=pl.String)


def _source_ids(documents: list[tuple[str, date, str]], shared: frozenset[str], table: str) -> list[str]:
    """The id of each document (source name, day, day as text) of one table: its name and day as an id (see
    :func:`_source_id`); with the table's name (``table``) when another table of the run makes that id too (a day
    split in two files, or a name written in another case there), and with a digest of the name when another name
    of the table comes out as the same id (SiteA, sitea): two documents never share an id that the user could only
    change by renaming sources."""
    made = []
    for name, _, day_text in documents:
        made_id = _source_id(name, day_text)
        made.append(f"{made_id}-{table}" if made_id in shared else made_id)
    names: dict[str, set[str]] = {}
    for (name, _, _), made_id in zip(documents, made, strict=True):
        names.setdefault(made_id, set()).add(name)
    return [
        f"{made_id}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}" if len(names[made_id]) > 1 else made_id
        for (name, _, _), made_id in zip(documents, made, strict=True)
    ]


def _shared(
    tables: list[Cells], exclude: frozenset[str], root: Optional[Path] = None
) -> tuple[frozenset[str], dict[Path, str]]:
    """The source ids (see :func:`_source_id`) that more than one of the tables makes, and the name each table
    gives the ids it shares: its file name, or, where tables have one file name, its path from ``root`` (the
    mapping's folder; default: the working folder), with a digest of that path: a name that depends neither on
    where the project stands nor on what other tables the run has."""
    seen: dict[str, int] = {}
    for cells in tables:
        pairs = cells.rows.filter(~pl.col("source").is_in(list(exclude))).select("source", "day").unique().rows()
        for made_id in {_source_id(name, day.strftime("%Y-%m-%d")) for name, day in pairs}:
            seen[made_id] = seen.get(made_id, 0) + 1
    stems = [_identifier(cells.path.stem) for cells in tables]
    names = dict(zip((cells.path for cells in tables), stems, strict=True))
    base = (root or Path.cwd()).resolve()
    for cells, stem in zip(tables, stems, strict=True):
        if stems.count(stem) > 1:
            relative = Path(os.path.relpath(cells.path.resolve(), base)).as_posix()
            digest = hashlib.sha256(relative.encode("utf-8")).hexdigest()[:8]
            names[cells.path] = f"{_identifier(relative.rsplit('.', 1)[0])}-{digest}"
    return frozenset(made_id for made_id, count in seen.items() if count > 1), names


def _assemble(
    cells: Cells,
    mapping: Mapping,
    exclude: frozenset[str],
    every: pl.DataFrame,
    distinct: pl.DataFrame,
    parsed: tuple[list[int], list[str]],
    shared: tuple[frozenset[str], dict[Path, str]] = (frozenset(), {}),
) -> Imported:
    """One table's figures, claims and documents, from its cells and what each distinct cell holds; ``shared``: the
    source ids another table of the run makes too, and each table's name for them (see :func:`_shared`)."""
    names = list(mapping.metrics)
    held = distinct.with_columns(
        pl.Series("what", parsed[0], dtype=pl.UInt8), pl.Series("value", parsed[1], dtype=pl.String)
    )
    every = every.join(held, on=["metric", "raw", "day"], how="left", maintain_order="left").with_columns(
        pl.col("what").fill_null(MISSING)  # an empty cell
    )
    stats = Stats(rows=cells.rows.height)
    counted = dict(every.group_by("what").len().iter_rows())
    stats.missing = counted.get(MISSING, 0)
    stats.values = counted.get(VALUE, 0) + counted.get(UNFIT, 0)
    refused = every.filter(pl.col("what") == NOT_PARSED).join(
        cells.rows.select("position", "line"), on="position", how="left", maintain_order="left"
    )
    for number, raw, line, start, end in refused.select("metric", "raw", "line", "start", "end").iter_rows():
        stats.refuse(names[number], raw)
        stats.first.setdefault(names[number], (line, start, end))

    rows = cells.rows.filter(~pl.col("source").is_in(list(exclude)))
    documents = (  # each with where its first row and that row's source cell stand
        rows.group_by("source", "day").agg(pl.col("line", "source_s", "source_e").first())
        .sort("source", "day").with_row_index("document")
        .with_columns(pl.col("day").dt.to_string("%Y-%m-%d").alias("day_text"))
    )  # fmt: skip
    documents = documents.with_columns(
        pl.Series("id", _source_ids(documents.select("source", "day", "day_text").rows(), shared[0],
                                    shared[1].get(cells.path, _identifier(cells.path.stem))),
                  dtype=pl.String)
    )  # fmt: skip
    claims = (
        every.filter(pl.col("what").is_in([VALUE, UNFIT]))
        .join(rows.select("position", "source", "subject", "line", "subject_s", "subject_e"), on="position",
              how="inner")
        .join(documents.select("source", "day", "document", "id"), on=["source", "day"], how="left")
        .sort("document", "position", "metric")
        .with_columns(
            pl.col("metric").replace_strict(dict(enumerate(names)), return_dtype=pl.String)
            if names else pl.col("metric").cast(pl.String)  # a mapping without metrics: no claim, a column of names
        )
    )  # fmt: skip
    claims = claims.with_columns(_claim_ids(claims))
    text, made = _documents(cells.path, mapping, documents, claims)
    plain = (
        cells.plain
        and not (claims["what"] == UNFIT).any()
        and not (claims["claim"].str.len_chars() > _MAX_ID).any()
        and not (documents["id"].str.len_chars() > _MAX_ID).any()
        and not (claims["subject"] == "").any()
        and not (claims["raw"].str.len_chars() > MAX_QUOTE_CHARS).any()
        and not (documents["source"] == "").any()
        and bool(documents["day"].dt.year().is_between(1000, 9999).all())
    )
    table = claims.select(
        pl.col("id").alias("source"), "claim", pl.col("source").alias("publisher"), "subject", "metric", "day", "value"
    )
    return Imported(cells.path, text, table, documents["id"].to_list(), mapping.day.key, stats, plain, made)


def _documents(path: Path, mapping: Mapping, documents: pl.DataFrame, claims: pl.DataFrame) -> tuple[str, Made]:
    """The documents as JSON Lines, each line as json.dumps(document, sort_keys=True, ensure_ascii=False) writes it,
    and a line break after the last (alone when there is none); and the pieces they were written from."""
    names = list(mapping.metrics)
    fields = {
        "id": _quoted(claims["claim"]),
        "metric": claims["metric"].replace_strict({n: json.dumps(n) for n in names}, return_dtype=pl.String),
        mapping.day.key: claims["document"].replace_strict(
            dict(zip(documents["document"].to_list(), _quoted(documents["day_text"]).to_list(), strict=True)),
            return_dtype=pl.String,
        ),
        "quote": _quoted(claims["raw"]),
        "subject": _quoted(claims["subject"]),
        "value": claims["value"],
    }
    parts: list[pl.Expr] = []
    for number, key in enumerate(sorted(fields)):
        parts += [pl.lit(("{" if number == 0 else ", ") + json.dumps(key) + ": "), pl.lit(fields[key])]
    written = pl.select(pl.lit(claims["document"]).alias("document"), pl.concat_str(*parts, pl.lit("}")).alias("claim"))
    grouped = written.group_by("document", maintain_order=True).agg(pl.col("claim").str.join(", "))
    source = {
        "id": _quoted(documents["id"]),
        "kind": pl.Series(['"dataset"'] * documents.height, dtype=pl.String),
        "note": pl.Series([json.dumps(f"imported from {path.name} with the mapping's parsers", ensure_ascii=False)]
                          * documents.height, dtype=pl.String),
        "published": _quoted(documents["day_text"]),
        "publisher": _quoted(documents["source"]),
        "title": _quoted(documents["source"] + f": {path.name}"),
    }  # fmt: skip
    parts = []
    for number, key in enumerate(sorted(source)):
        parts += [pl.lit(("{" if number == 0 else ", ") + json.dumps(key) + ": "), pl.lit(source[key])]
    heads = pl.select(
        pl.lit(documents["document"]).alias("document"), pl.concat_str(*parts, pl.lit("}}")).alias("source")
    )
    whole = heads.join(grouped, on="document", how="left", maintain_order="left").select(
        pl.concat_str(pl.lit('{"claims": ['), pl.col("claim").fill_null(""), pl.lit('], "source": '), pl.col("source"))
    )
    lines = whole.to_series()
    counts = heads.join(written.group_by("document").len(), on="document", how="left", maintain_order="left")["len"]
    made = Made(
        written["claim"],
        counts.fill_null(0).to_list(),
        heads["source"].str.slice(0, heads["source"].str.len_chars() - 1).to_list(),  # the document's "}" left out
        lines.str.len_chars().to_list(),
        claims.select("line", "start", "end", "subject_s", "subject_e"),
        documents.select("line", "source_s", "source_e"),
    )
    return lines.str.join("\n").item() + "\n", made


def import_tables(
    paths: list[Path],
    mapping: Mapping,
    workers: int = 1,
    exclude: frozenset[str] = frozenset(),
    failed: Optional[list[TableProblem]] = None,
    root: Optional[Path] = None,
) -> Iterator[Imported]:
    """Every table imported, in the order given (sources whose name is in ``exclude`` left out); with ``workers``
    above 1 the tables' distinct cells are parsed by that many processes while the tables are read. A table the
    mapping cannot read raises :class:`ValueError`, or, with ``failed``, is added there and the others go on.
    ``root`` (the mapping's folder) is where tables of one file name are named from (see :func:`_shared`)."""
    metrics = len(mapping.metrics)
    workers = min(workers, len(paths))

    def cells_of(path: Path) -> Optional[tuple[Cells, pl.DataFrame, pl.DataFrame]]:
        try:
            cells = read_cells(path, mapping)
        except ValueError as exc:
            if failed is None:
                raise
            failed.append(exc if isinstance(exc, TableProblem) else TableProblem(path, 1, 1, str(exc)))
            return None
        return (cells, *_metric_cells(cells, metrics))

    if workers > 1 and sys.platform.startswith("linux"):
        # the processes are forked before the tables are read, and only parse: they never use Polars' threads
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending = []
            for path in paths:
                read = cells_of(path)
                if read is not None:
                    parsed = pool.apply_async(_parse_job, ((mapping, read[2].rows()),))
                    pending.append((*read, parsed))
            shared = _shared([cells for cells, *_ in pending], exclude, root)
            for cells, every, distinct, parsed in pending:
                yield _assemble(cells, mapping, exclude, every, distinct, parsed.get(), shared)
        return
    # every table's cells first: which sources and days two tables share is known before any document is made
    read_all = [read for read in map(cells_of, paths) if read is not None]
    shared = _shared([cells for cells, *_ in read_all], exclude, root)
    for cells, every, distinct in read_all:
        yield _assemble(cells, mapping, exclude, every, distinct, parse_cells(mapping, distinct.rows()), shared)


class MappingProblem(ValueError):
    """A mapping file that cannot be used."""


def load_mapping(path: Path) -> Mapping:
    """The mapping in a file; raise :class:`MappingProblem`, naming the file, when it cannot be used."""
    return load_mapping_at(path).model


def load_mapping_at(path: Path) -> Loaded:
    """The mapping in a file, with where each of its values stands; raise :class:`MappingProblem`, naming the file,
    when it cannot be used."""
    from checker.formats.loading import display_path, load_model

    loaded, problems = load_model(path, display_path(path), Mapping, check="mapping")
    if loaded is None:
        said = "; ".join(map(said_at, problems[:5]))
        more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise MappingProblem(f"not a usable mapping: {said}{more}")
    return loaded


def without_unknown_metrics(loaded: Loaded, vocabulary: Vocabulary) -> tuple[Mapping, list[Finding]]:
    """The mapping without the metrics the rules do not declare, and an error at each: a misspelt metric in the
    mapping is one error at its place, not one for every cell of its column."""
    mapping: Mapping = loaded.model
    problems = []
    for name in mapping.metrics:
        if vocabulary.metric_id(name) is None:
            message, hint = vocabulary.metric_problem(name)
            said = f"{message}: the mapping's column for it is left out"
            where = location(loaded.path, loaded.document.key_span(("metrics", name)))
            problems.append(input_error("vocabulary", where, said, hint))
    if not problems:
        return mapping, []
    known = {name: spec for name, spec in mapping.metrics.items() if vocabulary.metric_id(name) is not None}
    return mapping.model_copy(update={"metrics": known}), problems
