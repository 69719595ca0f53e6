"""Finding a claim's quote in the archived text of its source.

Quotes are compared after folding what varies between copies of one text
without changing its words: Unicode compatibility forms, typographic quotes
and apostrophes, dashes, non-breaking spaces and runs of white space. An
ellipsis ("..." or "…") in a quote stands for omitted words: the parts around
it must appear in order.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from checker.confine import MAX_ARCHIVE_BYTES
from checker.files import Refused, read_regular

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\])\s*")


def _fold_char(char: str) -> str:
    return unicodedata.normalize("NFKC", char).translate(_FOLD)


@dataclass(frozen=True)
class ArchivedText:
    """An archived text folded for matching, with a map back to original offsets."""

    original: str
    folded: str
    offsets: tuple[int, ...]  # offsets[i] = index in ``original`` of folded[i]

    def line_of(self, folded_index: int) -> int:
        """The 1-based line in the original text of a folded offset."""
        return self.original.count("\n", 0, self.offsets[folded_index]) + 1


def fold_text(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for matching; also return the original offset of each folded character."""
    out: list[str] = []
    offsets: list[int] = []
    in_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if not in_space and out:
                out.append(" ")
                offsets.append(index)
            in_space = True
            continue
        in_space = False
        for piece in _fold_char(char):
            if piece.isspace():
                continue
            out.append(piece)
            offsets.append(index)
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


def read_archive(path: Path) -> ArchivedText | None:
    """The archived text at ``path``, or None when it cannot be read as UTF-8 text (or is not a regular file).

    Texts read are kept for the process under the file's identity and time of
    change: one changed or gone since is read again (a long-lived process, or
    two runs in one, must not quote a text as it was)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return _read_archive(path, (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns))


@lru_cache(maxsize=256)
def _read_archive(path: Path, version: tuple[int, ...]) -> ArchivedText | None:
    try:
        original = read_regular(path, MAX_ARCHIVE_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, Refused):
        return None
    folded, offsets = fold_text(original)
    return ArchivedText(original, folded, tuple(offsets))


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote stands in the original text (character offsets, 1-based line), or why it is not found."""

    found: bool
    start: int = 0
    end: int = 0
    line: int = 0
    closest: str = ""


def locate(quote: str, archive: ArchivedText) -> QuoteMatch:
    """Find ``quote`` in ``archive``; when absent, report the longest part of it that is there."""
    parts = [fold_text(part)[0] for part in _ELLIPSIS.split(quote.strip()) if part.strip()]
    if not parts:
        return QuoteMatch(False)
    position = 0
    first = last = -1
    for part in parts:
        index = archive.folded.find(part, position)
        if index < 0:
            return QuoteMatch(False, closest=_closest(" ".join(parts), archive.folded))
        if first < 0:
            first = index
        last = index + len(part) - 1
        position = index + len(part)
    start = archive.offsets[first]
    end = archive.offsets[last] + 1
    return QuoteMatch(True, start, end, archive.line_of(first))


def _closest(quote: str, text: str) -> str:
    matcher = difflib.SequenceMatcher(None, text, quote, autojunk=False)
    match = matcher.find_longest_match(0, len(text), 0, len(quote))
    return text[match.a : match.a + match.size].strip()
