"""Drafting candidate claims from an article's text.

Each clause that states a number, a date or a named office holder becomes a
candidate: its verbatim text as the quote, the value with its precision word,
the time words around it ("in the first six months of 2025", "currently"),
and a guessed metric. Libraries do the reading: text2num turns number words
into digits (``checker.corpus.numbers``), dateparser reads dates with their
precision, and rapidfuzz matches the words around a value with the metric
labels and aliases of the vocabulary. Nothing here is specific to a domain:
the vocabulary in ``rules/`` is what metrics and office holders are looked for.

The clauses come from :mod:`checker.authoring.clauses`; the candidates are written
as a claim file by :mod:`checker.authoring.drafts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterator, Optional

from rapidfuzz import fuzz

from checker.authoring.clauses import SENTENCE_END, Clause, clauses, spans_between
from checker.corpus.numbers import Mention, read_numbers
from checker.formats.models import Kind, Precision, TimeNature
from checker.formats.yamlio import without_control
from checker.model.names import fold
from checker.vocabulary.rules import Vocabulary

_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)


_DATE = re.compile(
    rf"\b(?:(?:early|mid|late)-?\s?)?(?:{_MONTH_NAMES})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+\d{{4}})?\b"
    rf"|\b\d{{1,2}}\s+(?:{_MONTH_NAMES})(?:\s+\d{{4}})?\b"
)


_YEAR = re.compile(r"\b(19|20)\d{2}\b")


_HALF = re.compile(r"\b(?:first|second)\s+(?:half|six months)(?:\s+of\s+((?:19|20)\d{2}))?", re.IGNORECASE)


_QUARTER = re.compile(r"\b(first|second|third|fourth)\s+quarter(?:\s+of\s+((?:19|20)\d{2}))?", re.IGNORECASE)


_IN_YEAR = re.compile(r"\b(?:in|during|throughout|for)\s+((?:19|20)\d{2})\b", re.IGNORECASE)


_STOCK_WORDS = re.compile(
    r"\b(currently|so far|to date|now|bringing the (?:total|number)|raising the (?:total|number)|total of|as of)\b",
    re.IGNORECASE,
)


_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


@dataclass
class Candidate:
    """A drafted claim: what the text says, where, and the guesses made about it."""

    quote: str
    start: int
    end: int
    line: int
    kind: str  # "number", "date" or "holder"
    value: object
    precision: Precision = Precision.exact
    unit: Optional[str] = None
    metric: Optional[str] = None
    metric_score: float = 0.0
    as_of: Optional[str] = None
    period: Optional[str] = None
    time_words: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MetricName:
    """A metric's name in folded words, for matching."""

    metric: str
    words: str
    kind: Kind


_NAMES: dict[int, tuple[Vocabulary, tuple[MetricName, ...]]] = {}


def _metric_names(vocabulary: Vocabulary) -> tuple[MetricName, ...]:
    cached = _NAMES.get(id(vocabulary))
    if cached is not None and cached[0] is vocabulary:
        return cached[1]
    names = []
    for metric_id, metric in vocabulary.metrics.items():
        for name in (metric.label, metric_id.replace("_", " "), *metric.aliases):
            words = " ".join(fold(word) for word in name.split())
            names.append(MetricName(metric_id, words, metric.kind))
    _NAMES[id(vocabulary)] = (vocabulary, tuple(names))
    return tuple(names)


def _fits(kind: Kind, mention: Mention) -> bool:
    if kind == Kind.count and not mention.number.is_integer():
        return False
    unit = fold(mention.unit)
    if "percent" in unit or unit in ("", "times", "fold"):
        if "percent" in unit:
            return kind == Kind.percent
        return kind in (Kind.count, Kind.number, Kind.percent)
    return kind == Kind.amount


def guess_metric(
    context: str, vocabulary: Vocabulary, mention: Mention | None = None, kinds: set[Kind] | None = None
) -> tuple[Optional[str], float]:
    """The metric whose names best match the words of ``context``, with the score (0-100)."""
    words = " ".join(fold(word) for word in context.split())
    best: tuple[Optional[str], float] = (None, 0.0)
    best_rank: tuple = ()
    for name in _metric_names(vocabulary):
        if kinds is not None and name.kind not in kinds:
            continue
        if mention is not None and not _fits(name.kind, mention):
            continue
        score = fuzz.token_set_ratio(name.words, words)
        # on a tie the longer name wins: "comprehensive strategic partnerships" over "comprehensive partnerships"
        rank = (score, len(name.words.split()), _negated(name.metric))
        if best[0] is None or rank > best_rank:
            best, best_rank = (name.metric, score), rank
    return best


def _negated(text: str) -> tuple[int, ...]:
    """A key that sorts strings in reverse, so that max() keeps the alphabetically first."""
    return tuple(-ord(char) for char in text)


def _time(sentence: str, published: Optional[date], near: int = 0) -> tuple[Optional[str], Optional[str], str]:
    """(as_of, period, the time words) read from a sentence: the time phrase nearest to ``near`` wins."""
    year_default = str(published.year) if published else None
    found: list[tuple[int, tuple[Optional[str], Optional[str], str]]] = []
    for match in _HALF.finditer(sentence):
        year = match.group(1) or year_default
        which = "H1" if match.group(0).lower().startswith("first") else "H2"
        found.append((match.start(), (None, f"{year}-{which}" if year else None, match.group(0))))
    for match in _QUARTER.finditer(sentence):
        year = match.group(2) or year_default
        number = _ORDINAL_WORDS[match.group(1).lower()]
        found.append((match.start(), (None, f"{year}-Q{number}" if year else None, match.group(0))))
    stock = _STOCK_WORDS.search(sentence)
    for match in _IN_YEAR.finditer(sentence):
        if stock:  # "in 2025 ... bringing the total to": a stock at the end of that year
            found.append((match.start(), (f"{match.group(1)}-12-31", None, f"{match.group(0)} … {stock.group(0)}")))
        else:
            found.append((match.start(), (None, match.group(1), match.group(0))))
    if stock and not found:
        return None, None, stock.group(0)
    if not found:
        return None, None, ""
    return min(found, key=lambda item: (abs(item[0] - near), item[0]))[1]


def _date_value(text: str, published: Optional[date]) -> Optional[str]:
    from dateparser.date import DateDataParser

    base = datetime(published.year, published.month, published.day) if published else datetime(2000, 1, 1)
    parser = DateDataParser(
        languages=["en"],
        settings={"PREFER_DAY_OF_MONTH": "first", "RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"},
    )
    cleaned = re.sub(r"\b(early|mid|late)-?\s?", "", text, flags=re.IGNORECASE)
    data = parser.get_date_data(cleaned)
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    if data.period == "year":
        return f"{day.year}"
    if data.period == "month" or re.match(r"(?i)(early|mid|late)", text):
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# numbers that name rather than count: "No. 59", "Resolution 250", file names,
# clock times, and the days and spans inside dates ("January 6", "the first six months")
_NAMING = re.compile(
    r"\b(?:No\.?|Resolution|Decree|Directive|Article|Clause|Law|Decision)\s+\d+[\w/-]*"
    r"|\S+\.(?:jpg|jpeg|png|gif|pdf)\b|\b\d{1,2}:\d{2}\b",
)


def _unnumbered(text: str) -> str:
    """The text with numbers that name things, dates and time phrases blanked out."""
    for pattern in (_NAMING, _DATE, _HALF, _QUARTER):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def year_of(text: str) -> Optional[int]:
    """The year a text speaks of most, to date its "January 6" when it has no date line."""
    years = [int(match.group(0)) for match in _YEAR.finditer(text)]
    return max(sorted(set(years)), key=years.count) if years else None


def draft(text: str, vocabulary: Vocabulary, published: Optional[date] = None) -> list[Candidate]:
    """Every candidate claim in ``text``, in the order they appear."""
    found: list[Candidate] = []
    if published is None:
        year = year_of(text)
        published = date(year, 12, 31) if year else None
    for sentence_start, sentence in _sentences(text):
        found.extend(_lists(sentence, sentence_start, text, vocabulary))
    for clause in clauses(text):
        as_of, period, time_words = _time(clause.sentence, published, clause.sentence.find(clause.text))
        for mention in read_numbers(_unnumbered(clause.text), small=False):
            if mention.is_year:
                found.extend(_year(clause, text, vocabulary, mention))
                continue
            if mention.ordinal and mention.number == 1:
                continue
            metric, score = guess_metric(clause.text, vocabulary, mention)
            candidate = Candidate(
                quote=clause.text,
                start=clause.start,
                end=clause.start + len(clause.text),
                line=_line(text, clause.start),
                kind="number",
                value=int(mention.number) if mention.number.is_integer() else mention.number,
                precision=mention.precision,
                unit=_unit(mention),
                metric=metric,
                metric_score=score,
                as_of=as_of,
                period=period,
                time_words=time_words,
            )
            found.append(candidate)
        for match in _DATE.finditer(clause.text):
            value = _date_value(match.group(0), published)
            if value is None:
                continue
            metric, score = guess_metric(clause.text, vocabulary, kinds={Kind.date})
            if score < _CONTEXT_SCORE - 10:
                continue  # a date with no date metric in sight: a date line, a caption
            found.append(
                Candidate(clause.text, clause.start, clause.start + len(clause.text), _line(text, clause.start), "date",
                          value, metric=metric, metric_score=score, time_words=match.group(0))
            )  # fmt: skip
        found.extend(_holders(clause, text, vocabulary, published))
    year = published.year if published else None
    for candidate in found:
        if candidate.kind in ("list", "holder") and not candidate.time_words:
            candidate.as_of, candidate.period, candidate.time_words = _time(candidate.quote, published)
        _fit_time(candidate, vocabulary, year)
    return found


#: how well the words around a value must match a metric's names for a date or entity draft
_CONTEXT_SCORE = 60


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    for start, end in spans_between(text, SENTENCE_END):
        yield start, text[start:end]


def _year(clause: Clause, text: str, vocabulary: Vocabulary, mention: Mention) -> Iterator[Candidate]:
    """A year that is itself the value of a date metric ("by 2045", "in 2021")."""
    metric, score = guess_metric(clause.text, vocabulary, kinds={Kind.date})
    if metric is not None and score >= _CONTEXT_SCORE:
        yield Candidate(clause.text, clause.start, clause.start + len(clause.text), _line(text, clause.start), "date",
                        str(int(mention.number)), metric=metric, metric_score=score)  # fmt: skip


def _mentioned(text: str, vocabulary: Vocabulary) -> list[tuple[int, int, str]]:
    """(start, end, entity id) of every entity named in ``text``, in the word-folded text, longest names first."""
    folded = f" {fold_words(text)} "
    # the names found so far, as the spans between their characters that they cover: a name overlaps one found
    # when they cover one such span (one lookup per name found, not one per name found before it)
    covered = bytearray(len(folded) + 1)
    found: list[tuple[int, int, str]] = []
    # a name of several words is also found written as one ("Viet Nam", "Vietnam"), as claim files fold spacing
    names = sorted(
        {
            (f" {spelt} ", entity_id)
            for entity_id, entity in vocabulary.entities.items()
            for name in (entity.name, *entity.aliases)
            for spelt in {fold_words(name), fold_words(name).replace(" ", "")}
        },
        key=lambda item: (-len(item[0]), item),
    )
    for key, entity_id in names:
        if len(key.strip()) < 4:
            continue
        start = folded.find(key)
        while start >= 0:
            end = start + len(key) - 1
            if 1 not in covered[start:end]:
                covered[start:end] = b"\x01" * (end - start)
                found.append((start, end, entity_id))
            start = folded.find(key, end)
    return sorted(found)


#: words that may stand between the names of a list: "New Zealand, Indonesia and the United Kingdom"
_LIST_GLUE = {"and", "or", "the", "as", "well"}


def _lists(sentence: str, offset: int, text: str, vocabulary: Vocabulary) -> Iterator[Candidate]:
    """Runs of two or more entities of one kind in a sentence: "with New Zealand, Indonesia and Singapore"."""
    folded = f" {fold_words(sentence)} "
    kinds: dict[str, list[str]] = {}
    previous: dict[str, int] = {}
    for start, end, entity_id in _mentioned(sentence, vocabulary):
        kind = vocabulary.entities[entity_id].kind or ""
        gap = folded[previous[kind] : start].split() if kind in previous else None
        if gap is not None and not set(gap) <= _LIST_GLUE:
            if len(kinds.get(kind, [])) < 2:
                kinds[kind] = []  # not a run of names: start again from this one
            else:
                continue
        if entity_id not in kinds.setdefault(kind, []):
            kinds[kind].append(entity_id)
        previous[kind] = end
    stripped = sentence.strip()
    start = offset + sentence.index(stripped) if stripped else offset
    for kind, members in sorted(kinds.items()):
        if len(members) < 2 or kind in ("", "person"):
            continue
        metric, score = guess_metric(stripped, vocabulary, kinds={Kind.entity_set})
        # two names side by side are often not a list at all: ask more of the words around them
        if metric is None or score < (_CONTEXT_SCORE if len(members) > 2 else 90):
            continue
        yield Candidate(stripped, start, start + len(stripped), _line(text, start), "list", members,
                        metric=metric, metric_score=score)  # fmt: skip


def _unit(mention: Mention) -> Optional[str]:
    unit = fold(mention.unit)
    magnitude = {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"}.get(mention.magnitude, "")
    currency = next((code for code, words in _CURRENCIES.items() if any(w in unit for w in words)), "")
    if currency:
        return f"{magnitude} {currency}".strip()
    if "percent" in unit:
        return None
    return magnitude or None


_CURRENCIES = {"USD": ("us", "usd", "dollar"), "VND": ("vnd", "vnđ", "dong"), "EUR": ("eur", "euro"), "GBP": ("gbp",)}


def _fit_time(candidate: Candidate, vocabulary: Vocabulary, year: Optional[int]) -> None:
    """Keep only the time key the guessed metric takes (as_of for stocks, period for flows)."""
    metric = vocabulary.metrics.get(candidate.metric or "")
    if metric is None:
        return
    if metric.time == TimeNature.stock:
        candidate.period = None
    elif metric.time == TimeNature.flow:
        if candidate.period is None and candidate.as_of is not None:
            candidate.period = candidate.as_of[:4]
        if candidate.period is None and year is not None:
            candidate.period = str(year)
            candidate.notes.append(f"period {year} assumed: the year of the text")
        candidate.as_of = None
    else:
        candidate.as_of = candidate.period = None


def _holders(clause: Clause, text: str, vocabulary: Vocabulary, published: Optional[date]) -> Iterator[Candidate]:
    """People of the vocabulary named in the clause, with the office the words before them suggest."""
    folded_clause = fold(clause.text)
    entity_kinds = {Kind.entity}
    for entity_id, entity in vocabulary.entities.items():
        if (entity.kind or "") != "person":
            continue
        for name in (entity.name, *entity.aliases):
            key = fold(name)
            if not key or key not in folded_clause:
                continue
            metric, score = guess_metric(clause.text, vocabulary, kinds=entity_kinds)
            if metric is None or score < 50:
                break
            yield Candidate(
                clause.text, clause.start, clause.start + len(clause.text), _line(text, clause.start), "holder",
                entity_id, metric=metric, metric_score=score,
            )  # fmt: skip
            break


# ------------------------------------------------------------------ matching drafts with encoded claims


def states_value(candidate: Candidate, value: object, entity_id: Callable[[str], Optional[str]]) -> bool:
    """True when the candidate drafts this claim value (a number, a date, an entity or a list)."""
    if candidate.kind == "number":
        numbers = {float(value["min"]), float(value["max"])} if isinstance(value, dict) else set()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            numbers = {float(value)}
        return isinstance(candidate.value, (int, float)) and float(candidate.value) in numbers
    if candidate.kind == "date" and isinstance(value, (str, int)):
        text = str(value)
        return str(candidate.value) == text or str(candidate.value)[:7] == text[:7] and len(text) >= 7
    if candidate.kind == "holder" and isinstance(value, str):
        return entity_id(value) == candidate.value
    if candidate.kind == "list" and isinstance(value, list) and isinstance(candidate.value, list):
        ids = {entity_id(item) for item in value}
        return set(candidate.value) >= ids or len(set(candidate.value) & ids) >= 2
    return False


def encoded(
    candidate: Candidate, claims: list[tuple[tuple[int, int], object]], entity_id: Callable[[str], Optional[str]]
) -> bool:
    """True when one of ``claims`` ((quote span in the text, value)) already states what the candidate drafts."""
    return any(
        candidate.start < end and start < candidate.end and states_value(candidate, value, entity_id)
        for (start, end), value in claims
    )


# ------------------------------------------------------------------ the drafted claim file


_DATE_LINE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b(?:{_MONTH_NAMES})\.?\s+\d{{1,2}},?\s+\d{{4}}\b|\b\d{{1,2}}\s+(?:{_MONTH_NAMES})\s+\d{{4}}\b"
)


@dataclass
class SourceGuess:
    """What the text shows of its source: title, date line, and what is missing."""

    title: str
    published: Optional[date]
    date_line: str
    latest_year: Optional[int]


def guess_source(text: str) -> SourceGuess:
    """The title (first line) and the date line (a date in the first lines), when the text shows them."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = _DATE_LINE.sub("", lines[0]).strip(" -—–|") if lines else ""
    first = re.sub(r"^(?:date|dated|published)\b[:\s]*", "", first, flags=re.IGNORECASE)
    first = re.split(r"(?<=[a-z][.!?])\s", first)[0] if len(first) > 120 else first
    title = " ".join(without_control(first[:200]).split()) or "untitled"  # terminal codes in a title: spaces
    for line in lines[:6]:
        match = _DATE_LINE.search(line)
        if match:
            value = _date_value(match.group(0), None)
            if value and len(value) == 10:
                return SourceGuess(title, date.fromisoformat(value), match.group(0), None)
    years = [int(m.group(0)) for m in _YEAR.finditer(text)]
    return SourceGuess(title, None, "", max(years) if years else None)


def main_subject(text: str, vocabulary: Vocabulary) -> Optional[str]:
    """The entity (not a person) the text names most often."""
    counts: dict[str, int] = {}
    for _, _, entity_id in _mentioned(text, vocabulary):
        counts[entity_id] = counts.get(entity_id, 0) + 1
    # a text is about a place or a body more often than about a person, a term or an event
    ranked = sorted(counts, key=lambda e: (-(vocabulary.entities[e].kind in _SUBJECT_KINDS), -counts[e], e))
    return ranked[0] if ranked else None


_SUBJECT_KINDS = {"country", "organisation", "organization", "company", "city", "region", "state"}


def slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", fold_words(text))
    return "-".join(words[:6]) or "source"


def fold_words(text: str) -> str:
    """Lower-case words without diacritics or punctuation, one space between them."""
    return " ".join(word for word in (fold(part) for part in re.split(r"[\s/–—'’-]+", text)) if word)
