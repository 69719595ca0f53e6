"""An article cut into sentences and clauses, each with where it stands in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[A-Z“\"‘'])|\n+")


_CLAUSE_BREAK = re.compile(r"(?:[,;:](?=\s)|\s[–—-](?=\s))\s*")


@dataclass(frozen=True)
class Clause:
    """A clause of the text with its offsets in the original."""

    text: str
    start: int
    sentence: str


def clauses(text: str) -> Iterator[Clause]:
    """The clauses of a text (comma-, semicolon- and dash-separated parts of its sentences)."""
    for sentence_match in spans_between(text, SENTENCE_END):
        sentence_start, sentence_end = sentence_match
        sentence = text[sentence_start:sentence_end]
        for start, end in spans_between(sentence, _CLAUSE_BREAK):
            part = sentence[start:end]
            stripped = part.strip(" \t\"“”‘’'()")
            if len(stripped) < 3:
                continue
            offset = sentence_start + start + part.index(stripped)
            for piece_start, piece_end in _pieces(stripped, LONGEST_CLAUSE):
                yield Clause(stripped[piece_start:piece_end], offset + piece_start, sentence)


#: the longest clause a candidate quotes: a longer run of words with no break (a table flattened into one line, a
#: text with no punctuation) is quoted in pieces of about this many characters, cut between words. A quote stays
#: verbatim, and what is drafted stays in proportion to the text (each candidate quotes its clause)
LONGEST_CLAUSE = 400


def _pieces(text: str, limit: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the pieces of ``text``, each at most ``limit`` characters unless one word is longer, cut at
    blanks (which stay out of the pieces)."""
    start = 0
    while len(text) - start > limit:
        cut = text.rfind(" ", start + 1, start + limit + 1)
        if cut <= start:
            cut = text.find(" ", start + limit)
            if cut < 0:
                break
        yield start, cut
        start = cut
        while start < len(text) and text[start] == " ":
            start += 1
    if start < len(text):
        yield start, len(text)


def spans_between(text: str, separator: re.Pattern) -> Iterator[tuple[int, int]]:
    position = 0
    for match in separator.finditer(text):
        if match.start() > position:
            yield position, match.start()
        position = match.end()
    if position < len(text):
        yield position, len(text)
