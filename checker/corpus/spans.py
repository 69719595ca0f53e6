"""Where the values of a claim stand in its file: spans kept as compact bytes, searched only for the key a finding needs."""

from __future__ import annotations

from typing import Optional

import orjson

from checker.model.findings import Location


def spans_from_plain(pairs: list) -> dict:
    """Spans as plain data, [[key path, [line, col, end line, end col]]], as a mapping of tuples."""
    return {tuple(key): tuple(span) for key, span in pairs}


class Located:
    """Where the values of one document stand, without the document: a path and spans by key path."""

    __slots__ = ("path", "_spans", "_one")

    def __init__(self, path: str, spans: dict | bytes) -> None:
        self.path = path
        self._spans = spans  # spans as JSON [[key path, span]] are read when first needed
        #: when the spans hold one span alone, its key path and location: that of the whole document (every claim
        #: of a JSON document stands there, whatever keys are asked for), or of one claim (a claim of a table, at
        #: its cell); False when they hold more; None until first asked
        self._one: tuple[tuple, Location] | bool | None = None

    @property
    def spans(self) -> dict:
        """Key path -> (line, col, end line, end col)."""
        if isinstance(self._spans, bytes):
            self._spans = spans_from_plain(orjson.loads(self._spans))
        return self._spans

    def location(self, *keys: object) -> Location:
        """Where the value at ``keys`` stands, or its nearest enclosing value."""
        if isinstance(self._spans, bytes):  # a claim is located once or twice: its spans' text is searched
            one = self._one
            if one is None:  # a JSON document's claim has the span of the document alone, a table's its cell's
                found = _one_only(self._spans)
                one = self._one = (found[0], Location(self.path, *found[1])) if found is not None else False
            if one is not False:
                assert isinstance(one, tuple)
                key, where = one
                return where if keys[: len(key)] == key else Location(self.path)
            path = list(keys)
            while True:
                found = span_in(self._spans, path)
                if found is not None or not path:
                    return Location(self.path, *found) if found else Location(self.path)
                path.pop()
        spans = self._spans
        at = tuple(keys)
        while at and at not in spans:
            at = at[:-1]
        span = spans.get(at)
        return Location(self.path, *span) if span else Location(self.path)


def _one_only(spans: bytes) -> Optional[tuple[tuple, tuple[int, int, int, int]]]:
    """The key path and span of spans that hold one span alone (as compact JSON: [[key path, [l, c, l, c]]]) whose
    key path holds no list, as every key path of spans does; None for spans that hold more."""
    if not (spans.startswith(b"[[[") and spans.endswith(b"]]]") and spans.count(b"[") == 4):
        return None
    try:
        (key, span), *more = orjson.loads(spans)
        line, col, end_line, end_col = span
    except (ValueError, TypeError):
        return None
    return (tuple(key), (line, col, end_line, end_col)) if not more else None


def span_in(spans: bytes, key: list) -> Optional[tuple[int, int, int, int]]:
    """The span of one key path in spans as compact JSON ([[key path, [line, col, end line, end col]], ...]),
    found in the text rather than the whole list read (a quotation mark in a key is escaped, so the pattern
    matches a key path and nothing inside a key)."""
    pattern = b"[" + orjson.dumps(key) + b",["
    at = spans.find(pattern)
    if at < 0 or spans[at - 1 : at] not in (b"[", b","):
        return None
    start = at + len(pattern)
    try:
        line, col, end_line, end_col = map(int, spans[start : spans.index(b"]", start)].split(b","))
    except ValueError:
        return None
    return line, col, end_line, end_col
