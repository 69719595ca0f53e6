"""JSON text as claimcheck writes it: indented by two spaces, UTF-8 unescaped, one newline at the end."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import orjson


def inert(text: bytes) -> bytes:
    """JSON text that a CI runner printing it cannot read as a command: GitHub's runner acts on "##[" anywhere in a
    line of a log, and a claim's quote may hold it. "[" inside a string is written as its escape, the same data to
    every JSON reader; outside strings JSON never has "#"."""
    return text.replace(b"##[", b"##\\u005b")


def dumps(value: Any) -> bytes:
    """A value as indented JSON text, made inert (see :func:`inert`)."""
    return inert(orjson.dumps(value, option=orjson.OPT_INDENT_2))


def pretty(document: Any) -> str:
    """A document as indented JSON text (orjson: reports with thousands of findings are written fast)."""
    return dumps(document).decode("utf-8") + "\n"


def pretty_chunks(head: dict[str, Any], lists: dict[str, Iterable[Any]]) -> Iterator[bytes]:
    """The UTF-8 text of :func:`pretty` of ``head`` with ``lists`` added as its last keys, item by item.

    The bytes are those of the whole document written at once; the items are
    never all held, as objects or as text, which a report of a million claims
    would need gigabytes for. Items are encoded a few hundred at a time.
    """
    if not lists:
        yield pretty(head).encode("utf-8")
        return
    text = dumps(head)
    yield text[:-2] if head else b"{"  # without the closing "\n}" (or the "}" of "{}")
    for number, (key, items) in enumerate(lists.items()):
        yield (b"," if head or number else b"") + b"\n  " + inert(orjson.dumps(key)) + b": "
        opened = False
        for batch in _batches(items):
            yield (SEPARATOR if opened else b"[\n    ") + _encode(batch)
            opened = True
        yield b"\n  ]" if opened else b"[]"
    yield b"\n}\n"


#: items written by one call of the encoder: few enough that their text stays small, many enough that the calls
#: and the passes over the text are few
_BATCH = 256
#: how :func:`_encode` finds the items' text in that of a document made to hold them
_OPENING = len(b'{\n  "": [\n    ')
_CLOSING = len(b"\n  ]\n}")


def _batches(items: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _encode(items: list[Any]) -> bytes:
    """The text of items (at least one) as they stand in a list of :func:`pretty_chunks`, :data:`SEPARATOR`
    between them: the encoder indents them itself when they stand in a document at the same depth."""
    return dumps({"": items})[_OPENING:-_CLOSING]


#: what stands between two items of a list of :func:`pretty_chunks`
SEPARATOR = b",\n    "
