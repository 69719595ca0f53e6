"""Matching names as people write them: case, diacritics and punctuation folded, and misspelt."""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Mapping, Optional, Union

from rapidfuzz import fuzz, process

# letters that Unicode does not decompose into a base letter and a mark
_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE"})
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


class _Marks(dict):
    """A str.translate table that deletes every combining mark: each character is looked up once, when a name
    first has it, instead of a table of all of Unicode built at every start."""

    def __missing__(self, code: int) -> Optional[int]:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_MARKS = _Marks()


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """The key two spellings of one name share: "Lê Hoài Trung" and "le-hoai-trung" give "lehoaitrung"."""
    if name.isascii():  # nothing to decompose, no marks
        return _NON_ALNUM.sub("", name.casefold())
    decomposed = unicodedata.normalize("NFKD", name.translate(_EXTRA))
    return _NON_ALNUM.sub("", decomposed.translate(_MARKS).casefold())


#: the least similarity (0-100, rapidfuzz's ratio of two folded names) of a name worth suggesting
CUTOFF = 60
#: two names share at most the characters of the shorter, n: for 100·2n/(n + m) to reach CUTOFF, the longer has at
#: most this many times n characters
_LONGEST = 200 / CUTOFF - 1
#: how many names an index remembers its answers for
_REMEMBERED = 65_536


class NameIndex:
    """The names of one vocabulary, ready to answer "did you mean": each unknown name is searched for once.

    A search compares the folded name, in rapidfuzz's compiled code, with the
    folded candidates whose length lets them reach the cutoff (the candidates
    are kept by length, so that they are one slice): its cost is bounded by the
    number of candidates, however many claims name the same unknown thing.
    """

    def __init__(self, candidates: Mapping[str, str]) -> None:
        self.size = len(candidates)
        by_length = sorted(candidates.items(), key=lambda item: len(item[0]))  # ties keep their order
        self._keys = [key for key, _ in by_length]  # folded names
        self._ids = [target for _, target in by_length]
        self._lengths = [len(key) for key in self._keys]
        self._answers: dict[tuple[str, int], list[str]] = {}

    def close(self, name: str, limit: int = 3) -> list[str]:
        """The ids (at most ``limit``) whose names are close to ``name``, the closest first."""
        key = fold(name)
        answer = self._answers.get((key, limit))
        if answer is None:
            answer = self._search(key, limit)
            if len(self._answers) >= _REMEMBERED:
                self._answers.clear()
            self._answers[key, limit] = answer
        return answer

    def _search(self, key: str, limit: int) -> list[str]:
        # a name of length a and one of length b can reach the cutoff only if neither is over _LONGEST times the other
        start = bisect.bisect_left(self._lengths, len(key) / _LONGEST - 1)
        stop = bisect.bisect_right(self._lengths, len(key) * _LONGEST + 1)
        if not key or start >= stop:
            return []
        found = process.extract(
            key, self._keys[start:stop], scorer=fuzz.ratio, processor=None, score_cutoff=CUTOFF, limit=limit * 3
        )
        result: list[str] = []
        for _, _, index in found:  # several names of one thing count once
            if self._ids[start + index] not in result:
                result.append(self._ids[start + index])
        return result[:limit]


@lru_cache(maxsize=64)
def _index(items: tuple[tuple[str, str], ...]) -> NameIndex:
    return NameIndex(dict(items))


Candidates = Union[Mapping[str, str], NameIndex]


def did_you_mean(name: str, candidates: Candidates, limit: int = 3) -> list[str]:
    """Ids whose names are close to ``name``; ``candidates`` maps folded names to ids (or is their index).

    A small mapping (setting keys, check ids) is indexed here and the index
    kept for the next names; a vocabulary keeps the index of its names itself.
    """
    index = candidates if isinstance(candidates, NameIndex) else _index(tuple(candidates.items()))
    return index.close(name, limit)


def spelt(ids: Iterable[str]) -> dict[str, str]:
    """Ids of kebab-case (check ids, setting keys) as candidates of :func:`did_you_mean`, each under its spelling
    without hyphens: "fail_on" and "failon" find "fail-on"."""
    return {name.replace("-", ""): name for name in ids}


def suggestion(name: str, candidates: Candidates) -> str:
    """A "did you mean" hint, or an empty string."""
    close = did_you_mean(name, candidates)
    return "did you mean " + " or ".join(f'"{c}"' for c in close) + "?" if close else ""
