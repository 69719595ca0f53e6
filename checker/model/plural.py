"""Counts in words: a number and its noun in agreement ("1 claim", "2 claims", "0 analyses")."""

from __future__ import annotations

import re

#: nouns that are the same for one and for many ("49 info", as the severity reads)
_INVARIANT = frozenset({"info", "evidence"})
_RULES = (
    (re.compile(r"sis$"), "ses"),  # analysis, basis, synopsis
    (re.compile(r"(?<=[^aeiou])y$"), "ies"),  # entry, summary; but day, key
    (re.compile(r"(?<=s|x|z)$|(?<=[cs]h)$"), "es"),  # status, box, match, dash
)


def plural(noun: str) -> str:
    """The plural of an English noun written in lower case, by the spelling rules (not the irregular nouns)."""
    if noun in _INVARIANT:
        return noun
    for pattern, ending in _RULES:
        if pattern.search(noun):
            return pattern.sub(ending, noun, count=1)
    return noun + "s"


def counted(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun`` in agreement: the noun as given for exactly one, its plural otherwise (0 included).

    ``many`` is the plural of a phrase whose first word is its noun ("1 quote not found", "2 quotes not found")
    or of an irregular noun; without it, :func:`plural` of ``noun``.
    """
    if count == 1:
        return f"1 {noun}"
    return f"{count} {many if many is not None else plural(noun)}"


def with_article(word: str) -> str:
    """``word`` after "a" or "an", as its first letter sounds in the words claimcheck uses ("an amount", "a
    count"): by spelling, which the kinds of metric and value follow."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
