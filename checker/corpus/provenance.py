"""Finding a claim's quote in the archived text of its source.

Quotes are compared after folding what varies between copies of one text
without changing its words: Unicode compatibility forms, typographic quotes
and apostrophes, dashes, non-breaking spaces and runs of white space. An
ellipsis ("..." or "…") in a quote stands for omitted words: the parts around
it must appear in order.

A quote that is not there gets a hint: the beginning of the archive's passage
closest to it, found in a time that does not grow with the product of the
quote's length and the archive's. The archive's words are indexed once; the
quote's rarest words vote, within a budget, for where in the archive it would
stand; the few places with most votes are aligned with the quote word by word
(rapidfuzz), and the best passage is close when the words it shares with the
quote, in order, are at least half of the words of both.
"""

from __future__ import annotations

import bisect
import heapq
import math
import os
import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Sequence

from rapidfuzz.distance import Indel

from checker.formats.confine import MAX_ARCHIVE_BYTES
from checker.formats.files import Refused, read_regular

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
_WORD = re.compile(r"\w+")

#: the most characters of the archived text a hint shows
EXCERPT = 80
#: the most places in the archive the search for a passage close to one quote looks at: a quote whose words are
#: all common there stops the search at this budget rather than at the end of the archive
BUDGET = 100_000
#: the least similarity of a close passage to the quote: twice the words they share, in order, over the words of both
CLOSE = 0.5
#: the most words of a quote the search uses (a quote of the longest allowed length has fewer)
_QUOTE_WORDS = 5_000
#: the width, in words, of the bands of alignments that the quote's words vote for
_BAND = 16
#: how many of the bands with most votes are aligned with the quote
_TRIED = 3


def _fold_char(char: str) -> str:
    return unicodedata.normalize("NFKC", char).translate(_FOLD)


#: printable ASCII that folding leaves as it is (all but the backquote)
_PLAIN = "!-_a-~"
#: a stretch of such characters with single spaces between (copied as it stands), a run of white space, or a run
#: of other characters
_RUN = re.compile(rf"(?P<plain>[{_PLAIN}]+(?: [{_PLAIN}]+)*)|(?P<space>\s+)|[^\s{_PLAIN}]+")


@dataclass(frozen=True)
class Words:
    """The words of a folded text: where the n-th starts and ends, and the places (n) of each word, casefolded."""

    starts: array
    ends: array
    places: dict[str, list[int]]


@dataclass(frozen=True)
class ArchivedText:
    """An archived text folded for matching, with a map back to original offsets."""

    original: str
    folded: str
    offsets: Sequence[int]  # offsets[i] = index in ``original`` of folded[i]

    def line_of(self, folded_index: int) -> int:
        """The 1-based line in the original text of a folded offset."""
        return bisect.bisect_right(self.newlines, self.offsets[folded_index] - 1) + 1

    @cached_property
    def newlines(self) -> array:
        """Where each line break of the original text stands: a claim's line is found without counting them."""
        return array("l", (match.start() for match in re.finditer("\n", self.original)))

    @cached_property
    def words(self) -> Words:
        """The index of the text's words, made when a first quote is not found in it."""
        starts, ends = array("l"), array("l")
        places: dict[str, list[int]] = {}
        for number, match in enumerate(_WORD.finditer(self.folded)):
            starts.append(match.start())
            ends.append(match.end())
            places.setdefault(match.group().casefold(), []).append(number)
        return Words(starts, ends, places)


def fold_text(text: str) -> tuple[str, array]:
    """Fold ``text`` for matching; also return the original offset of each folded character (an array).

    A text whose accented letters are written decomposed (a letter, then
    combining accents, as some PDFs and systems write them) is composed first
    (NFC), so that a quote and its archived text compare alike in either form.
    """
    if unicodedata.is_normalized("NFC", text):
        return _fold_runs(text)
    import numpy as np  # noqa: PLC0415 - see _composed

    composed, back = _composed(text)
    folded, offsets = _fold_runs(composed)
    return folded, array("q", np.asarray(back)[np.frombuffer(offsets, dtype=np.int64)].tobytes())


#: the combining marks (accents written apart from their letter), as a regular expression's class
_MARKS = "".join(chr(code) for code in range(0x300, 0x10000) if unicodedata.combining(chr(code)))
#: a letter and the combining marks after it: what composing may join, and only that
_CLUSTER = re.compile(f"[^{_MARKS}][{_MARKS}]+")


def _composed(text: str) -> tuple[str, Sequence[int]]:
    """``text`` with each letter and the combining marks after it composed (NFC), and for each character of the
    result the offset in ``text`` of the letter it stands for. Only such clusters are composed: a quote and its
    text, composed alike, compare alike whichever form each was written in, and what composing would join across
    letters (Hangul jamo, two-part vowel signs) is left as written, on both sides."""
    import numpy as np  # noqa: PLC0415 - only a text written with its accents apart needs it

    out: list[str] = []
    back = []  # stretches of offsets: the text between clusters as it stands, each cluster's at its letter
    done = 0
    for found in _CLUSTER.finditer(text):
        start, end = found.span()
        piece = unicodedata.normalize("NFC", found.group())
        out += [text[done:start], piece]
        back += [np.arange(done, start), np.full(len(piece), start)]
        done = end
    out.append(text[done:])
    back.append(np.arange(done, len(text)))
    return "".join(out), np.concatenate(back).astype(np.int64)


def _fold_runs(text: str) -> tuple[str, array]:
    """:func:`fold_text` of a text in composed form.

    Every run of white space becomes one space (none at either end), and every
    other character its NFKC form with typographic quotes and dashes made
    plain, pieces that are spaces dropped. Stretches of ASCII that folding does
    not change are copied whole, and each other character is folded once per
    text: a text of megabytes is folded in a pass of runs, not of calls per
    character.
    """
    out: list[str] = []
    offsets = array("q")  # 8 bytes an entry, where a list of ints takes 36: an archive may have millions
    folded: dict[str, str] = {}
    for match in _RUN.finditer(text):
        start, end = match.span()
        if match.lastgroup == "plain":
            out.append(match.group())
            offsets.extend(range(start, end))
            continue
        if match.lastgroup == "space":
            if out:
                out.append(" ")
                offsets.append(start)
            continue
        for index, char in enumerate(match.group(), start):
            pieces = folded.get(char)
            if pieces is None:
                pieces = folded[char] = "".join(piece for piece in _fold_char(char) if not piece.isspace())
            if pieces:
                out.append(pieces)
                offsets.extend([index] * len(pieces))
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


@lru_cache(maxsize=4096)
def _folded_char(char: str) -> str:
    """What folding makes of a character that is neither plain ASCII nor white space: pieces that are spaces
    dropped."""
    return "".join(piece for piece in _fold_char(char) if not piece.isspace())


def fold_quote(text: str) -> str:
    """The folded text alone, as :func:`fold_text` gives it, without the offsets a quote has no use for.

    In ASCII, folding only makes runs of white space one space (none at either
    end) and a backquote an apostrophe: that takes one pass of str methods.
    """
    if text.isascii():
        return " ".join(text.replace("`", "'").split())
    if not unicodedata.is_normalized("NFC", text):  # composed as fold_text composes the archived text
        text = _composed(text)[0]
    out: list[str] = []
    for match in _RUN.finditer(text):
        if match.lastgroup == "plain":
            out.append(match.group())
        elif match.lastgroup == "space":
            if out:
                out.append(" ")
        else:
            for char in match.group():
                pieces = _folded_char(char)
                if pieces:
                    out.append(pieces)
    while out and out[-1] == " ":
        out.pop()
    return "".join(out)


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


def not_utf8(path: Path) -> str | None:
    """Where the file at ``path`` stops being UTF-8 ("byte 0xe9 at offset 27"), or None when it is UTF-8 or cannot
    be read at all."""
    try:
        read_regular(path, MAX_ARCHIVE_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return f"byte 0x{exc.object[exc.start]:02x} at offset {exc.start}"
    except (OSError, Refused):
        return None
    return None


@lru_cache(maxsize=256)
def _read_archive(path: Path, version: tuple[int, ...]) -> ArchivedText | None:
    try:
        original = read_regular(path, MAX_ARCHIVE_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, Refused):
        return None
    folded, offsets = fold_text(original)
    return ArchivedText(original, folded, offsets)


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote stands in the original text (character offsets, 1-based line), or why it is not found.

    A quote not found has the beginning of the closest passage (at most EXCERPT characters of the original text,
    white space folded) and its line, or no passage when none is close; ``cut_short`` says that the search for one
    stopped at its budget.
    """

    found: bool
    start: int = 0
    end: int = 0
    line: int = 0
    closest: str = ""
    closest_line: int = 0
    cut_short: bool = False


def locate(quote: str, archive: ArchivedText, hint: bool = True) -> QuoteMatch:
    """Find ``quote`` in ``archive``; when absent and ``hint`` is true, say which passage is closest to it."""
    parts = [fold_quote(part) for part in _ELLIPSIS.split(quote.strip()) if part.strip()]
    if not parts:
        return QuoteMatch(False)
    position = 0
    first = last = -1
    for part in parts:
        index = archive.folded.find(part, position)
        if index < 0:
            return closest_passage(parts, archive) if hint else QuoteMatch(False)
        if first < 0:
            first = index
        last = index + len(part) - 1
        position = index + len(part)
    start = archive.offsets[first]
    end = _past_marks(archive.original, archive.offsets[last] + 1)
    return QuoteMatch(True, start, end, archive.line_of(first))


def _past_marks(text: str, end: int) -> int:
    """``end`` moved past the combining marks written after the letter before it: a span ends with its accents."""
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return end


def closest_passage(parts: list[str], archive: ArchivedText) -> QuoteMatch:
    """The passage of ``archive`` closest to the quote of folded ``parts`` that it does not contain."""
    quote = [word.casefold() for part in parts for word in _WORD.findall(part)][:_QUOTE_WORDS]
    words = archive.words
    bands, cut_short = _bands(quote, words)
    best = (0.0, 0, 0)
    slack = _BAND + len(quote) // 8
    for band in bands:
        low = max(0, band * _BAND - slack)
        high = min(len(words.starts), (band + 2) * _BAND + len(quote) + slack)
        passage = [archive.folded[words.starts[n] : words.ends[n]].casefold() for n in range(low, high)]
        similarity, first, end = _aligned(quote, passage)
        if similarity > best[0]:
            best = (similarity, low + first, low + end)
    similarity, first, end = best  # the passage's first word and the word after its last
    if similarity < CLOSE:
        return QuoteMatch(False, cut_short=cut_short)
    start, stop = words.starts[first], words.ends[end - 1]
    text = " ".join(
        archive.original[archive.offsets[start] : _past_marks(archive.original, archive.offsets[stop - 1] + 1)].split()
    )
    if len(text) > EXCERPT:
        cut = text[: EXCERPT - 1]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    return QuoteMatch(False, closest=text, closest_line=archive.line_of(start), cut_short=cut_short)


def _bands(quote: list[str], words: Words) -> tuple[list[int], bool]:
    """The bands of alignments of the quote's words with the archive's that most of its words agree with, and
    whether the budget stopped the count.

    Each word of the quote votes for the bands that put it on the same word of
    the archive; a word found in n of the archive's N words gives each of them
    log(1 + N/n), so that the words common in the archive, which agree with
    any place, weigh little. The rarest words vote first, until the budget is
    spent.
    """
    rarity = {word: len(words.places.get(word, ())) for word in set(quote)}
    total = len(words.starts)
    votes: dict[int, float] = {}
    cut_short = False
    spent = 0
    for number in sorted(range(len(quote)), key=lambda n: rarity[quote[n]]):
        places = words.places.get(quote[number], ())
        if spent + len(places) > BUDGET:
            cut_short = True  # and every word left is as common or more
            break
        spent += len(places)
        weight = math.log1p(total / len(places)) if places else 0.0
        for place in places:
            band = (place - number) // _BAND
            votes[band] = votes.get(band, 0.0) + weight
    # an alignment near the edge of a band is counted with the next one
    pairs = {band: votes[band] + votes.get(band + 1, 0.0) for band in votes}
    return heapq.nlargest(_TRIED, pairs, key=pairs.__getitem__), cut_short


def _aligned(quote: list[str], passage: list[str]) -> tuple[float, int, int]:
    """How similar the quote's words are to the part of ``passage`` they align with best (0-1: twice the words held
    in order over the words of both), and that part's first word and the word after its last.

    The words held come from one alignment (rapidfuzz's, in a time of the
    product of the lengths over 64); blocks of them are dropped from either end
    while that makes the part more similar, so that a few words matched by
    chance at the edges of the passage do not stretch it.
    """
    blocks = [block for block in Indel.opcodes(quote, passage) if block.tag == "equal"]
    if not blocks:
        return 0.0, 0, 0

    def part(first: int, last: int, held: int) -> tuple[float, int, int]:
        # the quote's words before the first block held and after the last stand against as many of the passage's
        start = max(0, blocks[first].dest_start - blocks[first].src_start)
        end = min(len(passage), blocks[last].dest_end + len(quote) - blocks[last].src_end)
        return 2 * held / (len(quote) + end - start), start, end

    first, last = 0, len(blocks) - 1
    held = sum(block.src_end - block.src_start for block in blocks)
    best = part(first, last, held)
    while first < last:
        head = blocks[first].src_end - blocks[first].src_start
        tail = blocks[last].src_end - blocks[last].src_start
        without_head, without_tail = part(first + 1, last, held - head), part(first, last - 1, held - tail)
        if max(without_head[0], without_tail[0]) <= best[0]:
            break
        if without_head[0] >= without_tail[0]:
            first, held, best = first + 1, held - head, without_head
        else:
            last, held, best = last - 1, held - tail, without_tail
    return best
