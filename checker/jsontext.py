"""JSON text as claimcheck writes it: indented by two spaces, UTF-8 unescaped, one newline at the end."""

from __future__ import annotations

from typing import Any, Iterable

import orjson


def pretty(document: Any) -> str:
    """A document as indented JSON text (orjson: reports with thousands of findings are written fast)."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def pretty_with_lists(head: dict[str, Any], lists: dict[str, Iterable[Any]]) -> str:
    """:func:`pretty` of ``head`` with ``lists`` added as its last keys, each item written on its own.

    The text is the same as that of the whole document written at once; the
    items are never all held as objects, which a report of a million claims
    would need gigabytes for.
    """
    if not lists:
        return pretty(head)
    text = orjson.dumps(head, option=orjson.OPT_INDENT_2)
    parts = [text[:-2] if head else b"{"]  # without the closing "\n}" (or the "}" of "{}")
    for number, (key, items) in enumerate(lists.items()):
        parts.append(b"," if head or number else b"")
        parts.append(b"\n  " + orjson.dumps(key) + b": ")
        written = [orjson.dumps(item, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ") for item in items]
        parts.append(b"[\n    " + b",\n    ".join(written) + b"\n  ]" if written else b"[]")
    parts.append(b"\n}\n")
    return b"".join(parts).decode("utf-8")
