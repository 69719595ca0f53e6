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
            yield Clause(stripped, offset, sentence)


def spans_between(text: str, separator: re.Pattern) -> Iterator[tuple[int, int]]:
    position = 0
    for match in separator.finditer(text):
        if match.start() > position:
            yield position, match.start()
        position = match.end()
    if position < len(text):
        yield position, len(text)
