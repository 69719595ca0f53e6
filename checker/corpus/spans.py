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

    __slots__ = ("path", "_spans", "_whole")

    def __init__(self, path: str, spans: dict | bytes) -> None:
        self.path = path
        self._spans = spans  # spans as JSON [[key path, span]] are read when first needed
        #: the location of the whole document when the spans hold only its span (every claim of a JSON document
        #: stands there, whatever keys are asked for), False when they hold more; None until first asked
        self._whole: Location | bool | None = None

    @property
    def spans(self) -> dict:
        """Key path -> (line, col, end line, end col)."""
        if isinstance(self._spans, bytes):
            self._spans = spans_from_plain(orjson.loads(self._spans))
        return self._spans

    def location(self, *keys: object) -> Location:
        """Where the value at ``keys`` stands, or its nearest enclosing value."""
        if isinstance(self._spans, bytes):  # a claim is located once or twice: its spans' text is searched
            whole = self._whole
            if whole is None:  # a JSON document's claim has the span of the document alone
                span = _whole_only(self._spans)
                whole = self._whole = Location(self.path, *span) if span is not None else False
            if whole is not False:
                return whole
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


def _whole_only(spans: bytes) -> Optional[tuple[int, ...]]:
    """The span of spans that hold only the span of the whole document (as compact JSON: [[[],[l,c,l,c]]])."""
    if not (spans.startswith(b"[[[],[") and spans.endswith(b"]]]") and spans.count(b"[") == 4):
        return None
    try:
        return tuple(map(int, spans[6:-3].split(b",")))
    except ValueError:
        return None


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
