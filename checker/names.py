"""Matching names as people write them: case, diacritics and punctuation folded."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from typing import Optional

# letters that Unicode does not decompose into a base letter and a mark
_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE"})
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


class _Marks(dict):
    """A str.translate table that deletes every combining mark: each character is looked up once, when a name
    first has it (a table of all of Unicode took most of a second to build)."""

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


def did_you_mean(name: str, candidates: dict[str, str], limit: int = 3) -> list[str]:
    """Ids whose names are close to ``name``; ``candidates`` maps folded names to ids."""
    close = difflib.get_close_matches(fold(name), list(candidates), n=limit * 3, cutoff=0.6)
    result: list[str] = []
    for key in close:
        if candidates[key] not in result:
            result.append(candidates[key])
    return result[:limit]


def suggestion(name: str, candidates: dict[str, str]) -> str:
    """A "did you mean" hint, or an empty string."""
    close = did_you_mean(name, candidates)
    return "did you mean " + " or ".join(f'"{c}"' for c in close) + "?" if close else ""
