"""Importing tabular data (CSV or TSV) as claims, through a mapping file.

The mapping says which column is the source, which the subject, and how each
metric's column is parsed; which strings mean "missing"; and where the day a
row refers to comes from (a column, or the file name). Rows are streamed; each
distinct raw value is parsed once. A value that cannot be parsed is never
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

import csv
import json
import multiprocessing
import re
import sys
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Iterator, Literal, Optional, Union

from pydantic import Field

from checker.files import Refused, open_regular
from checker.models import Identifier, NonEmpty, Opt, Strict

#: a table larger than this is not read (its claims are held in memory as JSON Lines)
MAX_TABLE_BYTES = 256 * 1024 * 1024


class Rewrite(Strict):
    """A cleaning rule: a regular expression and its replacement (Python `re` syntax)."""

    pattern: NonEmpty
    replace: str = ""


class ClockParser(Strict):
    """A clock time on the row's day, in any of many surface forms."""

    kind: Literal["clock"]
    clean: list[Rewrite] = Field(default_factory=list, description="rewrites applied before parsing, in order")
    require: Opt[str] = Field(None, description="a value must match this after cleaning (e.g. it has a time of day)")
    formats: list[str] = Field(default_factory=list, description="strptime formats tried before the general parser")


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

    column: Union[Identifier, Annotated[int, Field(ge=1)]]


class DayFrom(Strict):
    """Where the day a row refers to comes from."""

    file_name: Opt[str] = Field(None, description="a regular expression whose first group is the day in the file name")
    column: Opt[Union[Identifier, Annotated[int, Field(ge=1)]]] = None
    format: NonEmpty = Field("%Y%m%d", description="strptime format of that day")
    key: Literal["as_of", "period"] = Field(
        "as_of",
        description="as_of: each value holds on the day (a stock); period: each value is that day's own figure"
        " (a flow), so values of different days are never compared",
    )


class MetricColumn(Strict):
    """One metric: its column and how its values are parsed."""

    column: Union[Identifier, Annotated[int, Field(ge=1)]]
    parse: Parser


class Mapping(Strict):
    """How a table becomes claims."""

    delimiter: Literal["tab", "comma", "semicolon"] = "comma"
    header: bool = True
    encoding: NonEmpty = "utf-8"
    source: Column
    subject: Column
    day: DayFrom
    missing: list[str] = Field(default_factory=list, description="values that mean the source gives none")
    missing_patterns: list[str] = Field(default_factory=list, description="regular expressions that mean missing")
    metrics: dict[Identifier, MetricColumn]


@dataclass(frozen=True)
class Row:
    """One source's values for one subject on one day."""

    source: str
    subject: str
    day: date
    values: dict[str, object]  # metric -> parsed value (minutes, text or number)
    raw: dict[str, str] = field(default_factory=dict)  # metric -> the cell as written


@dataclass
class Stats:
    """What an import read, and what it could not parse."""

    rows: int = 0
    values: int = 0
    missing: int = 0
    unparsed: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

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


class ValueReader:
    """Parses the raw values of one metric, each distinct one once."""

    def __init__(self, parser: Parser) -> None:
        self.parser = parser
        self.cache: dict[tuple[str, date], object] = {}
        self.rewrites = [(re.compile(r.pattern), r.replace) for r in getattr(parser, "clean", [])]
        self.require = re.compile(parser.require) if isinstance(parser, ClockParser) and parser.require else None
        # the format that read a value of each shape (digits folded), tried first for the next of that shape
        self.shapes: dict[str, int] = {}

    def read(self, raw: str, day: date) -> object:
        """The parsed value, or None when it cannot be parsed."""
        key = (raw, day)
        if key not in self.cache:
            self.cache[key] = self._parse(raw, day)
        return self.cache[key]

    def _clean(self, raw: str) -> str:
        text = raw
        for pattern, replacement in self.rewrites:
            text = pattern.sub(replacement, text)
        return " ".join(text.split())

    def _parse(self, raw: str, day: date) -> object:
        parser = self.parser
        text = self._clean(raw)
        if isinstance(parser, TextParser):
            if not text:
                return None
            return text.upper() if parser.case == "upper" else text.lower() if parser.case == "lower" else text
        if isinstance(parser, NumberParser):
            try:
                return float(text.replace(",", ""))
            except ValueError:
                return None
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
        assert isinstance(self.parser, ClockParser)
        formats = self.parser.formats
        shape = _DIGITS.sub("9", text)
        known = self.shapes.get(shape)
        order = ([known] if known is not None else []) + [i for i in range(len(formats)) if i != known]
        for index in order:
            pattern = formats[index]
            try:
                moment = datetime.strptime(text, pattern)
            except ValueError:
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


def _dateutil(text: str, reference: datetime) -> Optional[datetime]:
    from dateutil import parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return parser.parse(text, default=reference)
    except (ValueError, OverflowError, parser.ParserError):
        return None


def _index(spec: Union[str, int], header: Optional[list[str]]) -> int:
    if isinstance(spec, int):
        return spec - 1
    if header is None:
        raise ValueError(f'column "{spec}" is named, but the table has no header: give its position (1, 2, ...)')
    try:
        return header.index(spec)
    except ValueError:
        raise ValueError(f'no column "{spec}" in the header ({", ".join(header)})') from None


def read_table(path: Path, mapping: Mapping, stats: Stats, readers: dict[str, ValueReader]) -> Iterator[Row]:
    """The rows of one table, parsed; unparseable values are counted in ``stats``."""
    day_match = None
    if mapping.day.file_name:
        found = re.search(mapping.day.file_name, path.name)
        if not found:
            raise ValueError(f'{path.name}: the file name does not match the day pattern "{mapping.day.file_name}"')
        day_match = datetime.strptime(found.group(1), mapping.day.format).date()
    missing = set(mapping.missing)
    missing_patterns = [re.compile(p) for p in mapping.missing_patterns]
    try:  # read as it comes, but only a regular file (a FIFO would hang, /dev/zero never end) of bounded size
        handle = open_regular(path, MAX_TABLE_BYTES)
    except Refused as refused:
        raise ValueError(f"{path}: cannot be read: {refused}") from None
    with open(handle, newline="", encoding=mapping.encoding, errors="strict") as stream:
        reader = csv.reader(stream, delimiter=_DELIMITERS[mapping.delimiter], quoting=csv.QUOTE_NONE)
        header = next(reader) if mapping.header else None
        source_at = _index(mapping.source.column, header)
        subject_at = _index(mapping.subject.column, header)
        day_at = _index(mapping.day.column, header) if mapping.day.column is not None else None
        columns = {metric: _index(spec.column, header) for metric, spec in mapping.metrics.items()}
        for cells in reader:
            if not cells or not any(cell.strip() for cell in cells):
                continue
            stats.rows += 1
            day = day_match
            if day_at is not None:
                day = datetime.strptime(cells[day_at].strip(), mapping.day.format).date()
            assert day is not None
            values: dict[str, object] = {}
            raws: dict[str, str] = {}
            for metric, at in columns.items():
                raw = cells[at].strip() if at < len(cells) else ""
                if not raw or raw in missing or any(p.search(raw) for p in missing_patterns):
                    stats.missing += 1
                    continue
                value = readers[metric].read(raw, day)
                if value is None:
                    stats.refuse(metric, raw)
                    continue
                stats.values += 1
                values[metric] = value
                raws[metric] = raw
            yield Row(cells[source_at].strip(), cells[subject_at].strip(), day, values, raws)


def claim_lines(path: Path, mapping: Mapping, stats: Stats, readers: dict[str, ValueReader]) -> Iterator[dict]:
    """One table as claim documents: one per source and day, each claim quoting its raw cell."""
    groups: dict[tuple[str, date], dict] = {}
    time_key = mapping.day.key
    for row in read_table(path, mapping, stats, readers):
        key = (row.source, row.day)
        document = groups.get(key)
        if document is None:
            day = row.day.isoformat()
            document = groups[key] = {
                "source": {
                    "id": _identifier(f"{row.source}-{day}"),
                    "title": f"{row.source}: {path.name}",
                    "publisher": row.source,
                    "kind": "dataset",
                    "published": day,
                    "note": f"imported from {path.name} with the mapping's parsers",
                },
                "claims": [],
                "_ids": set(),
            }
        for metric, value in row.values.items():
            claim_id = _identifier(f"{row.subject}.{metric}")
            suffix = 2
            while claim_id in document["_ids"]:
                claim_id = _identifier(f"{row.subject}.{metric}.{suffix}")
                suffix += 1
            document["_ids"].add(claim_id)
            document["claims"].append(
                {
                    "id": claim_id,
                    "subject": row.subject,
                    "metric": metric,
                    "value": value,
                    time_key: row.day.isoformat(),
                    "quote": row.raw[metric],
                }  # fmt: skip
            )
    for key in sorted(groups):
        document = groups[key]
        del document["_ids"]
        yield document


def _identifier(text: str) -> str:
    """An id the claim format accepts: lower case, with other characters replaced."""
    clean = re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-")
    return clean if clean and clean[0].isalnum() else f"x{clean}"


class MappingProblem(ValueError):
    """A mapping file that cannot be used."""


def load_mapping(path: Path) -> Mapping:
    """The mapping in a file; raise :class:`MappingProblem`, naming the file, when it cannot be used."""
    from checker.loading import display_path, load_model

    loaded, problems = load_model(path, display_path(path), Mapping, check="mapping")
    if loaded is None:
        said = "; ".join(f"{p.location}: {p.message}" + (f" ({p.hint})" if p.hint else "") for p in problems[:5])
        more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise MappingProblem(f"not a usable mapping: {said}{more}")
    return loaded.model


def import_table(path: Path, mapping: Mapping, exclude: frozenset[str] = frozenset()) -> tuple[list[str], Stats]:
    """One table as JSON Lines claim documents (sources whose name is in ``exclude`` left out), with its figures."""
    stats = Stats()
    readers = {metric: ValueReader(column.parse) for metric, column in mapping.metrics.items()}
    lines = [
        json.dumps(document, ensure_ascii=False, sort_keys=True)
        for document in claim_lines(path, mapping, stats, readers)
        if document["source"]["publisher"] not in exclude
    ]
    return lines, stats


def _import_one(arguments: tuple[Path, Mapping, frozenset[str]]) -> tuple[list[str], Stats]:
    return import_table(*arguments)


def import_tables(
    paths: list[Path], mapping: Mapping, workers: int = 1, exclude: frozenset[str] = frozenset()
) -> Iterator[tuple[Path, list[str], Stats]]:
    """Every table imported, in the order given; with ``workers`` above 1 tables are read by that many processes."""
    jobs = [(path, mapping, exclude) for path in paths]
    workers = min(workers, len(jobs))
    if workers > 1 and sys.platform.startswith("linux"):
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for path, (lines, stats) in zip(paths, pool.imap(_import_one, jobs), strict=True):
                yield path, lines, stats
        return
    for job in jobs:
        yield job[0], *import_table(*job)
